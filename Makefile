# Two commands for a fresh clone: `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY := .venv/bin/python
RASA := .venv/bin/rasa
RUFF := .venv/bin/ruff
MYPY := .venv/bin/mypy
SPACY_PIPELINE := build/spacy/en_tax_notices/meta.json
# The website chat widget (widget/): npm packages, then one bundle, each rebuilt only when stale.
WIDGET_JS := widget/dist/tax-chat.js
WIDGET_NPM := widget/node_modules/.npm-ci-done
WIDGET_SRC := $(wildcard widget/src/*) widget/build.mjs

.PHONY: help setup spacy train run shell lint test test-unit test-model test-stories validate lock clean widget browser bench profile read-notice knowledge-stale knowledge-links security

help:
	@echo "make run    set up, train if needed, start the bot on http://localhost:5005"
	@echo "make test   set up, lint, train if needed, run every test"
	@echo "make shell  chat with the running bot in this terminal"
	@echo "make widget build the website chat widget (widget/dist/tax-chat.js; needs Node.js 20)"
	@echo "make bench  latency, throughput, memory, start-up and training vs a stock rasa init bot"
	@echo "make security  attacker-style checks against the running bot (make run first; loopback only)"
	@echo "make read-notice FILE=path  read an IRS notice photo/scan/PDF; prints the fields as JSON"
	@echo "make knowledge-stale [DAYS=180]  knowledge entries and figures due for review"
	@echo "make knowledge-links  check every knowledge source URL (needs internet; not run by CI)"
	@echo "make setup  create .venv from requirements.lock (finds Python 3.10 itself)"
	@echo "make spacy  build the project's spaCy pipeline (no download)"
	@echo "make train  train the model when config, domain, data or nlp/ changed"
	@echo "make validate  rasa data validate, failing on any unexpected warning"
	@echo "make lint   ruff (lint and format check) and mypy, configured in pyproject.toml"
	@echo "make test-unit  the tests that need no trained model"
	@echo "make test-model  the tests that need the trained model (NLU gate, understanding sets, the servers)"
	@echo "make test-stories  the conversation tests (rasa test core)"
	@echo "make browser  install Chromium for the widget's browser tests (Debian package)"
	@echo "make profile  py-spy profile of the bot under 10 conversations"
	@echo "make lock   rewrite requirements.lock from the working .venv"
	@echo "make clean  remove build output, models and results"

setup:
	@bash scripts/bootstrap.sh

$(SPACY_PIPELINE): nlp/*.py requirements.lock | setup
	@echo "==> Building the project's spaCy pipeline (no download)"
	@$(PY) -m nlp.build build/spacy/en_tax_notices

spacy: $(SPACY_PIPELINE)

train: setup spacy
	@bash scripts/train.sh

$(WIDGET_NPM): widget/package.json widget/package-lock.json
	@command -v npm >/dev/null || { echo "ERROR: Node.js >= 20.19 with npm is needed to build the chat widget (widget/)" >&2; exit 1; }
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' || \
		{ echo "ERROR: the chat widget needs Node.js >= 20.19 (found $$(node --version))" >&2; exit 1; }
	@echo "==> Installing the chat widget's npm packages (npm ci)"
	@cd widget && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

$(WIDGET_JS): $(WIDGET_NPM) $(WIDGET_SRC)
	@echo "==> Building the chat widget"
	@cd widget && node build.mjs

widget: $(WIDGET_JS)
	@:

# Chromium for the widget's browser test (Debian package; installed with apt-get when missing).
browser: setup
	@$(PY) -m tests.widget.browser

run: train widget
	@bash scripts/run.sh

shell: setup
	@$(PY) scripts/chat.py

validate: setup
	@echo "==> rasa data validate"
	@$(PY) scripts/validate_data.py

test-unit: setup spacy widget
	@$(PY) -m pytest -m "not model" tests

test-model: train widget browser
	@$(PY) -m pytest -m model tests

test-stories: train
	@echo "==> Conversation tests (rasa test, failing on any prediction error)"
	@$(RASA) test core --model models/tax-assistant.tar.gz --stories tests/stories \
		--fail-on-prediction-errors --out results/stories --quiet

# ruff lint, ruff format check and mypy (settings in pyproject.toml); all three run, then any failure fails.
lint: setup
	@echo "==> ruff check, ruff format --check, mypy"
	@status=0; \
	$(RUFF) check || status=1; \
	$(RUFF) format --check || status=1; \
	$(MYPY) || status=1; \
	exit $$status

# lint first: it takes seconds, training takes minutes. The conversation tests (about 20 s of one
# core) run beside pytest, niced, on the core its tests leave idle; their output follows pytest's.
test: lint train validate widget browser
	@start=$$(date +%s); stories_log=$$(mktemp); \
	nice -n 10 $(MAKE) --no-print-directory test-stories > $$stories_log 2>&1 & stories=$$!; \
	$(PY) -m pytest --durations=15 tests; tests_status=$$?; \
	wait $$stories; stories_status=$$?; cat $$stories_log; rm -f $$stories_log; \
	test $$tests_status -eq 0 && test $$stories_status -eq 0 && \
	echo "==> make test finished in $$(( $$(date +%s) - start )) s (after setup and training)"

# Read the code, dates, amount and tax years from a notice photo, scan or PDF (last line: JSON).
read-notice: setup
	@test -n "$(FILE)" || { echo "usage: make read-notice FILE=path/to/notice.jpg" >&2; exit 2; }
	@$(PY) -m notice_reader "$(FILE)"

# The benchmark (not part of `make test`; tests/bench/test_bench_smoke.py runs a short one): our
# bot against a stock `rasa init` bot of the same Rasa, in one run. Options in BENCH_ARGS,
# e.g. make bench BENCH_ARGS="--duration 30 --skip-light" (python -m bench --help).
bench: train
	@$(PY) -m bench $(BENCH_ARGS)

# Attacker-style checks against the bot `make run` started (loopback only, about 120 requests):
# identities, widget sessions, masking, limits, malformed input, the desk, files and secrets.
security: setup
	@$(PY) -m tests.security.attack $(SECURITY_ARGS)

# py-spy profile of our running bot under 10 concurrent conversations (python -m bench.profile --help).
profile: train
	@$(PY) -m bench.profile $(PROFILE_ARGS)

# Knowledge review: entries and figures older than DAYS, and figures whose period has ended.
DAYS ?= 180
knowledge-stale: setup
	@$(PY) -m knowledge.stale --days $(DAYS)

# Every source URL of the knowledge base still answers (for deployers with internet access).
knowledge-links: setup
	@$(PY) -m knowledge.linkcheck

lock: setup
	@$(PY) -m pip freeze --all | grep -v -E '^(pip|setuptools|wheel)==' > requirements.lock.new
	@( sed -n '1,2p' requirements.lock; cat requirements.lock.new ) > requirements.lock.tmp
	@mv requirements.lock.tmp requirements.lock && rm requirements.lock.new
	@echo "requirements.lock updated"

clean:
	rm -rf build results models/*.tar.gz models/*.fingerprint .pytest_cache widget/dist test-output

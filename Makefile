# Two commands for a fresh clone: `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY := .venv/bin/python
RASA := .venv/bin/rasa
SPACY_PIPELINE := build/spacy/en_tax_notices/meta.json

.PHONY: help setup spacy train run shell test test-unit test-nlu test-stories validate lock clean

help:
	@echo "make run    set up, train if needed, start the bot on http://localhost:5005"
	@echo "make test   set up, train if needed, run every test"
	@echo "make shell  chat with the running bot in this terminal"

setup:
	@bash scripts/bootstrap.sh

$(SPACY_PIPELINE): nlp/*.py requirements.lock | setup
	@echo "==> Building the project's spaCy pipeline (no download)"
	@$(PY) -m nlp.build build/spacy/en_tax_notices

spacy: $(SPACY_PIPELINE)

train: setup spacy
	@bash scripts/train.sh

run: train
	@bash scripts/run.sh

shell: setup
	@$(PY) scripts/chat.py

validate: setup
	@echo "==> rasa data validate"
	@$(PY) scripts/validate_data.py

test-unit: setup spacy
	@$(PY) -m pytest -m "not model" tests

test-nlu: train
	@$(PY) -m pytest -m model tests

test-stories: train
	@echo "==> Conversation tests (rasa test, failing on any prediction error)"
	@$(RASA) test core --model models/tax-assistant.tar.gz --stories tests/stories \
		--fail-on-prediction-errors --out results/stories --quiet

test: train validate
	@start=$$(date +%s); \
	$(PY) -m pytest tests && \
	$(MAKE) --no-print-directory test-stories && \
	echo "==> make test finished in $$(( $$(date +%s) - start )) s (after setup and training)"

lock: setup
	@$(PY) -m pip freeze --all | grep -v -E '^(pip|setuptools|wheel)==' > requirements.lock.new
	@( sed -n '1,2p' requirements.lock; cat requirements.lock.new ) > requirements.lock.tmp
	@mv requirements.lock.tmp requirements.lock && rm requirements.lock.new
	@echo "requirements.lock updated"

clean:
	rm -rf build results models/*.tar.gz models/*.fingerprint .pytest_cache

#!/usr/bin/env bash
# Train the Rasa model when it is missing or its inputs changed (and only then).
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=models/tax-assistant.tar.gz
STAMP=models/tax-assistant.fingerprint
want=$(.venv/bin/python scripts/fingerprint.py)
if [ -f "$MODEL" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  echo "==> Model is up to date ($MODEL)"
  exit 0
fi
echo "==> Training the model (config, domain or data changed; takes a few minutes on 2 cores)"
start=$(date +%s)
rm -f "$STAMP"
.venv/bin/rasa train --fixed-model-name tax-assistant --out models
echo "$want" > "$STAMP"
echo "==> Trained $MODEL in $(( $(date +%s) - start )) s"

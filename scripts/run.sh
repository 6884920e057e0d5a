#!/usr/bin/env bash
# Start the action server and the Rasa server (REST + socket.io channels) until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
mkdir -p logs

echo "==> Starting the action server on port $ACTIONS_PORT (log: logs/actions.log)"
.venv/bin/rasa run actions --actions actions --port "$ACTIONS_PORT" > logs/actions.log 2>&1 &
ACTIONS_PID=$!
trap 'kill $ACTIONS_PID 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 60); do
  if curl -fsS "http://localhost:$ACTIONS_PORT/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 $ACTIONS_PID 2>/dev/null; then echo "The action server stopped; see logs/actions.log" >&2; exit 1; fi
  sleep 1
done

cat <<MSG
==> Starting the Rasa server on port $RASA_PORT (loading the model takes about 30-40 s)
    When it says "Rasa server is up and running", talk to the bot:
      make shell                       (a chat in this terminal)
      curl -s localhost:$RASA_PORT/webhooks/rest/webhook -d '{"sender":"me","message":"what is a CP504?"}'
    Stop with Ctrl-C.
MSG
.venv/bin/rasa run --model models/tax-assistant.tar.gz --port "$RASA_PORT" \
  --credentials credentials.yml --endpoints endpoints.yml

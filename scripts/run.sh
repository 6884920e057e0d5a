#!/usr/bin/env bash
# Start the action server, the Rasa server (REST + socket.io), the agent desk and the demo website
# with the chat widget until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
DESK_PORT=${DESK_PORT:-5080}
WIDGET_PORT=${WIDGET_PORT:-8080}
mkdir -p logs var
# Everything under var/ (cases, trackers, secrets) is private: 0600 files in a 0700 folder.
umask 077
.venv/bin/python -m ops.files var

# A setting comes from the environment, else from .env (its last line wins), else stays empty.
from_env_file() {  # name
  if [ -z "${!1:-}" ] && [ -f .env ]; then
    printf -v "$1" '%s' "$(sed -n "s/^$1=//p" .env | tail -1)"
  fi
}

# A secret comes from the environment or .env, else from var/<file>, made once per machine
# (0600: umask 077 above) so that sessions and tokens survive a restart.
machine_secret() {  # name file bytes
  from_env_file "$1"
  if [ -z "${!1:-}" ]; then
    if [ ! -s "var/$2" ]; then
      .venv/bin/python -c "import secrets; print(secrets.token_urlsafe($3))" > "var/$2"
    fi
    printf -v "$1" '%s' "$(cat "var/$2")"
  fi
  export "$1"
}

# The agent desk talks to Rasa's HTTP API with a JWT signed by this one. It is passed in the
# environment only: ops.serve hands it to Rasa inside the process, so `ps` never shows it.
machine_secret RASA_JWT_SECRET rasa-jwt-secret 48
# The website widget's session tokens are signed with this one (channels/widget_sessions.py).
machine_secret WIDGET_SESSION_SECRET widget-session-secret 48
# Rasa calls the action server with this token (endpoints files).
machine_secret ACTION_SERVER_TOKEN action-server-token 32
export RASA_URL="http://127.0.0.1:$RASA_PORT" DESK_PORT ACTIONS_PORT

# credentials.yml reads the SMS and Messenger secrets from the environment (or .env); a channel
# whose values are empty refuses every webhook with 403.
for name in TWILIO_ACCOUNT_SID TWILIO_AUTH_TOKEN TWILIO_NUMBER TWILIO_PUBLIC_BASE_URL \
            FACEBOOK_VERIFY_TOKEN FACEBOOK_APP_SECRET FACEBOOK_PAGE_ACCESS_TOKEN; do
  from_env_file "$name"
  export "$name=${!name:-}"
done

# BOT_PROFILE selects the endpoints file (embedded: SQLite and in-process locks; production:
# PostgreSQL, Redis and RabbitMQ from the environment, see deploy/README.md).
from_env_file BOT_PROFILE
export BOT_PROFILE=${BOT_PROFILE:-embedded}
ENDPOINTS=$(.venv/bin/python -m ops.profile endpoints)
eval "$(.venv/bin/python -m ops.profile env)"
echo "==> Profile: $BOT_PROFILE ($ENDPOINTS)"
# Web pages allowed to call Rasa from a browser (the widget's socket and REST); the demo site
# by default. Space- or comma-separated; set it to your firm's site in production.
export CORS_ORIGINS=${CORS_ORIGINS:-"http://localhost:$WIDGET_PORT http://127.0.0.1:$WIDGET_PORT"}

PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

wait_for() {  # url pid log name
  for _ in $(seq 1 90); do
    if curl -fsS "$1" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$2" 2>/dev/null; then echo "The $4 stopped; see $3" >&2; exit 1; fi
    sleep 1
  done
  echo "The $4 did not start within 90 s; see $3" >&2; exit 1
}

echo "==> Starting the action server on port $ACTIONS_PORT (log: logs/actions.log)"
.venv/bin/python -m ops.action_server --port "$ACTIONS_PORT" > logs/actions.log 2>&1 &
PIDS+=($!)
wait_for "http://localhost:$ACTIONS_PORT/health" "${PIDS[-1]}" logs/actions.log "action server"

echo "==> Starting the agent desk on http://localhost:$DESK_PORT (log: logs/desk.log)"
.venv/bin/python -m desk > logs/desk.log 2>&1 &
PIDS+=($!)
wait_for "http://localhost:$DESK_PORT/health" "${PIDS[-1]}" logs/desk.log "agent desk"
if [ -f var/desk-admin-password.txt ]; then
  echo "    First sign-in: user admin, password in var/desk-admin-password.txt"
  echo "    (add your pros with: .venv/bin/python -m desk.cli add-pro <username> --name \"Full Name\")"
fi

echo "==> Starting the demo website with the chat widget on http://localhost:$WIDGET_PORT (log: logs/widget.log)"
.venv/bin/python widget/serve.py --port "$WIDGET_PORT" > logs/widget.log 2>&1 &
PIDS+=($!)
wait_for "http://localhost:$WIDGET_PORT/" "${PIDS[-1]}" logs/widget.log "demo website"

cat <<MSG
==> Starting the Rasa server on port $RASA_PORT (loading the model takes about 30-40 s)
    When it says "Rasa server is up and running", talk to the bot:
      make shell                       (a chat in this terminal)
      curl -s localhost:$RASA_PORT/webhooks/rest/webhook -H 'Content-Type: application/json' -d '{"sender":"me","message":"what is a CP504?"}'
    Tax pros sign in to the agent desk at http://localhost:$DESK_PORT
    The demo website with the chat widget: http://localhost:$WIDGET_PORT
    Stop with Ctrl-C.
MSG
.venv/bin/python -m ops.serve --model models/tax-assistant.tar.gz --port "$RASA_PORT" \
  --credentials credentials.yml --endpoints "$ENDPOINTS" \
  --enable-api --jwt-method HS256 --cors ${CORS_ORIGINS//,/ }

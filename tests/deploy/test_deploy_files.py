"""The deployment files: Helm values without the chart's insecure defaults that run Rasa with the
project's own endpoints.production.yml (every variable it reads set, the action server token from
the Secret on both sides), an nginx configuration with the right stickiness, Dockerfiles that build
what the values run, and the retention CronJob and action server NetworkPolicy."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from tests.deploy.env_names import K8S_VAR, ROOT, YAML_COMMENT, YAML_VAR, documented

DEPLOY = ROOT / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
SECRET_NAMES = re.compile(
    r"SECRET|PASSWORD|TOKEN|AUTH|_SID$|^(TRACKER_STORE|REDIS|DATABASE|"
    r"RATE_LIMIT_REDIS|RABBITMQ)_URL$|^SOCKETIO_MESSAGE_QUEUE$"
)
NOT_PROJECT_VARIABLES = {"SANIC_WORKERS"}  # Rasa's own, mentioned in the README only to warn
# What the chart itself puts into the Rasa container's environment (templates/_containers-env.yaml
# with rasa-action-server installed): extraEnv must not repeat these names.
CHART_ENV = {
    "ACTION_SERVER_URL",
    "RASA_TELEMETRY_ENABLED",
    "MPLCONFIGDIR",
    "TF_CPP_MIN_LOG_LEVEL",
    "RASA_TOKEN",
    "JWT_SECRET",
}
ENDPOINTS_IN_IMAGE = "/app/endpoints.production.yml"  # WORKDIR /app in deploy/Dockerfile


@pytest.fixture(scope="module")
def values() -> Dict[str, Any]:
    return yaml.safe_load((DEPLOY / "helm" / "values.yml").read_text(encoding="utf-8"))


def _env(entries: List[Dict[str, Any]]) -> Dict[str, Dict[str, Any]]:
    return {entry["name"]: entry for entry in entries}


def _option(args: List[str], name: str) -> List[str]:
    """The values given after ``name`` in ``args``, up to the next option."""
    rest = args[args.index(name) + 1 :]
    values = []
    for item in rest:
        if item.startswith("--"):
            break
        values.append(item)
    return values


def _manifest(name: str) -> Dict[str, Any]:
    documents = [doc for doc in yaml.safe_load_all((KUBERNETES / name).read_text(encoding="utf-8")) if doc]
    assert len(documents) == 1
    return documents[0]


def test_no_chart_defaults_that_are_insecure(values: Dict[str, Any]) -> None:
    text = (DEPLOY / "helm" / "values.yml").read_text(encoding="utf-8")
    assert "rasaToken" not in text and "rasaXToken" not in text
    settings = values["applicationSettings"]
    assert settings["token"] == "" and settings["rasaX"]["token"] == ""
    assert settings["cors"] and "*" not in settings["cors"]
    args = values["args"]
    assert "--auth-token" not in args and "--enable-api" in args
    assert _option(args, "--cors") == [settings["cors"]]
    assert "--jwt-secret" not in args  # ops.serve reads RASA_JWT_SECRET: no secret in `ps`
    assert any(item.get("name") == "RASA_JWT_SECRET" for item in values.get("extraEnv") or values.get("env") or [])
    assert _option(args, "--jwt-method") == ["HS256"]
    assert settings["initialModel"] == "" and settings["trainInitialModel"] is False
    assert settings["endpoints"]["models"]["enabled"] is False
    assert settings["telemetry"]["enabled"] is False
    for chart in ("postgresql", "redis", "rabbitmq"):  # subcharts with fixed default passwords
        assert values[chart]["install"] is False


def test_replicas_and_action_server(values: Dict[str, Any]) -> None:
    assert values["replicaCount"] >= 2
    actions = values["rasa-action-server"]
    assert actions["install"] is True and actions["replicaCount"] >= 1
    assert actions["image"]["repository"] != values["image"]["repository"]
    assert _option(values["args"], "--model") == ["models/tax-assistant.tar.gz"]


def test_rasa_runs_through_ops_serve_and_actions_through_ops_action_server(values: Dict[str, Any]) -> None:
    # The chart passes `args` to the image's entrypoint unless `command` is set: set it, so the
    # container runs ops.serve (which adds `run` itself) whatever the image's ENTRYPOINT is.
    assert values["command"] == ["python", "-m", "ops.serve"]
    assert "run" not in values["args"] and values["args"][0].startswith("--")
    actions = values["rasa-action-server"]
    assert actions["command"] == ["python", "-m", "ops.action_server"] and actions["args"] == []
    env = _env(actions["extraEnv"])
    assert env["ACTIONS_HOST"]["value"] == "0.0.0.0"
    assert env["ACTIONS_PORT"]["value"] == str(actions["applicationSettings"]["port"])
    assert {"name": "var", "mountPath": "/app/var"} in actions["volumeMounts"]  # the case spool
    assert {"name": "var", "emptyDir": {}} in actions["volumes"]


def test_secrets_come_from_a_kubernetes_secret(values: Dict[str, Any]) -> None:
    cronjob = _manifest("retention-cronjob.yml")["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    for entries in (values["extraEnv"], values["rasa-action-server"]["extraEnv"], cronjob["containers"][0]["env"]):
        assert len(_env(entries)) == len(entries), "a variable is set twice"
        for name, entry in _env(entries).items():
            if SECRET_NAMES.search(name):
                assert "value" not in entry, f"{name} must come from a Secret (valueFrom)"
                assert entry["valueFrom"]["secretKeyRef"] == {"name": "tax-assistant", "key": name}
    assert "RASA_JWT_SECRET" in _env(values["extraEnv"])


def test_rasa_and_the_action_server_share_the_token(values: Dict[str, Any]) -> None:
    rasa = _env(values["extraEnv"])["ACTION_SERVER_TOKEN"]
    actions = _env(values["rasa-action-server"]["extraEnv"])["ACTION_SERVER_TOKEN"]
    assert (
        rasa
        == actions
        == {
            "name": "ACTION_SERVER_TOKEN",
            "valueFrom": {"secretKeyRef": {"name": "tax-assistant", "key": "ACTION_SERVER_TOKEN"}},
        }
    )
    profile = yaml.safe_load((ROOT / "endpoints.production.yml").read_text(encoding="utf-8"))
    assert profile["action_endpoint"] == {
        "url": "${ACTION_SERVER_URL}",
        "token": "${ACTION_SERVER_TOKEN}",
        "enable_selective_domain": True,  # the action server has its own copy (ops/action_domain.py)
    }


def test_stores_point_at_postgres_redis_and_rabbitmq() -> None:
    profile = yaml.safe_load((ROOT / "endpoints.production.yml").read_text(encoding="utf-8"))
    assert profile["tracker_store"] == {
        "type": "ops.tracker_store.DurableSQLTrackerStore",
        "url": "${TRACKER_STORE_URL}",
    }
    assert profile["lock_store"]["type"] == "ops.lock_store.AtomicRedisLockStore"
    assert profile["lock_store"]["url"] == "${REDIS_URL}"
    assert (
        profile["event_broker"]["type"] == "ops.event_broker.FlushingPikaEventBroker"
        and profile["event_broker"]["url"] == "${RABBITMQ_HOST}"
    )
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert re.search(r"^# TRACKER_STORE_URL=postgresql://", example, re.MULTILINE)
    assert re.search(r"^# REDIS_URL=redis://", example, re.MULTILINE)
    assert re.search(r"^# RABBITMQ_URL=amqp://", example, re.MULTILINE)


def test_rasa_reads_the_production_profile_from_the_image(values: Dict[str, Any]) -> None:
    # The chart renders action_endpoint with a url only, so Rasa reads the image's own file (the
    # one the scale-out test runs), and the chart renders no second, divergent set of stores.
    assert _option(values["args"], "--endpoints") == [ENDPOINTS_IN_IMAGE]
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^WORKDIR /app$", dockerfile, re.MULTILINE)
    assert re.search(r"^COPY .* endpoints\.production\.yml \./$", dockerfile, re.MULTILINE)
    endpoints = values["applicationSettings"]["endpoints"]
    for key in ("models", "trackerStore", "lockStore", "eventBroker"):
        assert endpoints[key] == {"enabled": False}, key
    assert "additionalEndpoints" not in endpoints


def test_every_variable_of_the_production_profile_is_set(values: Dict[str, Any]) -> None:
    text = YAML_COMMENT.sub("", (ROOT / "endpoints.production.yml").read_text(encoding="utf-8"))
    needed = set(YAML_VAR.findall(text))
    env = _env(values["extraEnv"])
    # ACTION_SERVER_URL comes from the chart, because it installs the action server subchart.
    assert values["rasa-action-server"]["install"] is True
    assert needed - set(env) == {"ACTION_SERVER_URL"}
    assert not CHART_ENV & set(env), "the chart already sets these; a second entry would clash"
    assert env["BOT_PROFILE"]["value"] == "production"
    # The queue Rasa binds is the one the desk consumes by default.
    from settings.desk import DEFAULT_EVENTS_QUEUE, DEFAULT_EXCHANGE

    assert env["RABBITMQ_QUEUE"]["value"] == DEFAULT_EVENTS_QUEUE
    assert env["RABBITMQ_EXCHANGE"]["value"] == DEFAULT_EXCHANGE


def test_production_extras_are_set(values: Dict[str, Any]) -> None:
    env = _env(values["extraEnv"])
    origins = env["CORS_ORIGINS"]["value"].replace(",", " ").split()
    assert origins == _option(values["args"], "--cors") and "*" not in origins
    assert all(origin.startswith("https://") for origin in origins)
    for name in ("SOCKETIO_MESSAGE_QUEUE", "RATE_LIMIT_REDIS_URL", "REDIS_URL"):
        assert "valueFrom" in env[name], name
    assert env["SOCKETIO_CHANNEL"]["value"]
    assert 0 < float(env["ACTION_TIMEOUT_S"]["value"]) <= 300


def test_chart_names_agree_with_the_action_server_url(values: Dict[str, Any]) -> None:
    # The chart's ACTION_SERVER_URL is "<Rasa fullname>-rasa-action-server"; the subchart's Service
    # must have exactly that name, and the ingress routes socket.io to the Rasa Service.
    rasa = values["fullnameOverride"]
    assert values["rasa-action-server"]["fullnameOverride"] == f"{rasa}-rasa-action-server"
    backends = [path["backend"]["service"]["name"] for path in values["ingress"]["extraPaths"]]
    assert backends == [rasa]
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    assert f"RASA_URL=http://{rasa}:5005" in readme


def test_retention_runs_daily() -> None:
    cronjob = _manifest("retention-cronjob.yml")
    assert cronjob["apiVersion"] == "batch/v1" and cronjob["kind"] == "CronJob"
    spec = cronjob["spec"]
    minute, hour, day, month, weekday = spec["schedule"].split()
    assert (day, month, weekday) == ("*", "*", "*") and minute.isdigit() and hour.isdigit()
    assert spec["concurrencyPolicy"] == "Forbid"
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["restartPolicy"] in ("Never", "OnFailure")
    (container,) = pod["containers"]
    assert container["command"] == ["python", "-m", "ops.retention"]
    assert container["image"].startswith(_values_actions_repository() + ":")
    assert {"TRACKER_STORE_URL", "DATABASE_URL", "RETENTION_DAYS"} <= set(_env(container["env"]))
    assert "--dry-run" not in container["command"]


def _values_actions_repository() -> str:
    values = yaml.safe_load((DEPLOY / "helm" / "values.yml").read_text(encoding="utf-8"))
    return values["rasa-action-server"]["image"]["repository"]


def test_network_policy_admits_only_rasa_to_the_action_server(values: Dict[str, Any]) -> None:
    policy = _manifest("networkpolicy.yml")
    assert policy["kind"] == "NetworkPolicy" and policy["spec"]["policyTypes"] == ["Ingress"]
    assert policy["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == "rasa-action-server"
    (rule,) = policy["spec"]["ingress"]
    (source,) = rule["from"]
    assert source["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == "rasa"
    assert rule["ports"] == [{"protocol": "TCP", "port": values["rasa-action-server"]["applicationSettings"]["port"]}]


def test_channel_credentials_match_credentials_yml(values: Dict[str, Any]) -> None:
    ours = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8"))
    chart = values["applicationSettings"]["credentials"]
    assert chart["enabled"] is True and chart["additionalChannelCredentials"] == ours


def test_every_variable_in_the_deploy_files_is_in_env_example(values: Dict[str, Any]) -> None:
    names = set()
    manifests = sorted(KUBERNETES.glob("*.yml"))
    for path in (DEPLOY / "helm" / "values.yml", DEPLOY / "nginx.conf", *manifests):
        text = YAML_COMMENT.sub("", path.read_text(encoding="utf-8"))
        names |= set(YAML_VAR.findall(text)) | set(K8S_VAR.findall(text))
    names |= set(_env(values["extraEnv"])) | set(_env(values["rasa-action-server"]["extraEnv"]))
    cronjob = _manifest("retention-cronjob.yml")["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    names |= set(_env(cronjob["containers"][0]["env"]))
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    names |= set(re.findall(r"`([A-Z][A-Z0-9]*_[A-Z0-9_]+)(?:=[^`]*)?`", readme))
    missing = sorted(names - documented() - NOT_PROJECT_VARIABLES)
    assert not missing, f"not in .env.example: {missing}"
    assert {"RASA_JWT_SECRET", "TRACKER_STORE_URL", "RABBITMQ_URL", "DESK_PROXIES_COUNT"} <= names


def _blocks(conf: str, keyword: str) -> Dict[str, str]:
    """``upstream``/``location`` name -> body (blocks without nested braces)."""
    pattern = re.compile(rf"^\s*{keyword}\s+([^{{\s]+(?:\s+[^{{\s]+)?)\s*\{{([^{{}}]*)\}}", re.MULTILINE)
    return {name.strip(): body for name, body in pattern.findall(conf)}


def test_nginx_routes_and_stickiness() -> None:
    conf = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    live = "\n".join(line.split("#", 1)[0] for line in conf.splitlines())  # without comments
    upstreams = _blocks(live, "upstream")
    assert len(re.findall(r"^\s*server\s", upstreams["rasa"], re.MULTILINE)) == 2
    assert "ip_hash" not in upstreams["rasa"]
    assert "ip_hash;" in upstreams["rasa_socketio"]
    assert len(re.findall(r"^\s*server\s", upstreams["rasa_socketio"], re.MULTILINE)) == 2
    chat, desk = (
        live.split(f"server_name {host};", 1)[1].split("\nserver {", 1)[0]
        for host in ("chat.example-firm.com", "desk.example-firm.com")
    )
    locations = _blocks(chat, "location")
    assert "proxy_pass http://rasa_socketio;" in locations["/socket.io/"]
    assert "proxy_pass http://rasa;" in locations["/webhooks/"]
    assert live.count("rasa_socketio;") == 1  # only socket.io is sticky
    assert "proxy_set_header Upgrade $http_upgrade;" in live
    assert "proxy_set_header Connection $connection_upgrade;" in live
    assert "return 404;" in locations["/"]  # Rasa's HTTP API is not public
    assert "proxy_buffering off;" in _blocks(desk, "location")["= /events"]
    assert re.search(r"client_max_body_size 1m;", live) and re.search(r"client_max_body_size 64k;", live)
    assert "ssl_certificate" not in live and "# ssl_certificate " in conf  # placeholders only
    assert "X-Forwarded-Proto $scheme" in live


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed here")
def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=test",
        ],
        check=True,
        capture_output=True,
    )
    site = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    site = re.sub(r"# (ssl_certificate)\s+\S+;", rf"\1 {cert};", site)
    site = re.sub(r"# (ssl_certificate_key) \S+;", rf"\1 {key};", site)
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "main.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/site.conf;\n}}\n"
    )
    result = subprocess.run(
        ["nginx", "-t", "-c", str(tmp_path / "main.conf"), "-p", str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_dockerfiles_build_what_the_values_run(values: Dict[str, Any]) -> None:
    rasa = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    actions = (DEPLOY / "Dockerfile.actions").read_text(encoding="utf-8")
    for dockerfile in (rasa, actions):
        assert re.search(r"^FROM python:3\.10\.\d+-slim", dockerfile, re.MULTILINE)
        assert "pip install -r requirements.lock" in dockerfile
        assert re.search(r"^USER 1001$", dockerfile, re.MULTILINE)
        assert not re.search(r"^(COPY|ADD) .*\.env\b", dockerfile, re.MULTILINE)
        assert not re.search(r"^ENV .*(SECRET|PASSWORD|TOKEN)", dockerfile, re.MULTILINE)
    assert "python -m nlp.build build/spacy/en_tax_notices" in rasa
    assert "rasa train --fixed-model-name tax-assistant --out models" in rasa
    assert "build/spacy/en_tax_notices" in (ROOT / "config.yml").read_text(encoding="utf-8")
    for package in ("channels/", "ops/", "actions/"):
        assert f"COPY {package} {package}" in rasa
    assert 'ENTRYPOINT ["python", "-m", "ops.serve"]' in rasa
    assert json.loads(re.search(r"^ENTRYPOINT (\[.*\])$", rasa, re.MULTILINE).group(1)) == values["command"]
    cmd = json.loads(re.search(r"^CMD (\[.*?\])$", rasa, re.MULTILINE | re.DOTALL).group(1).replace("\\\n", ""))
    assert "run" not in cmd and _option(cmd, "--endpoints") == ["endpoints.production.yml"]
    assert "COPY desk/ desk/" in actions
    assert re.search(r"^COPY domain\.yml \./$", actions, re.MULTILINE)  # Rasa sends the actions no domain
    assert re.search(r'^CMD \["python", "-m", "ops.action_server"\]$', actions, re.MULTILINE)
    assert values["rasa-action-server"]["command"] == ["python", "-m", "ops.action_server"]
    assert re.search(r"^ENV ACTIONS_HOST=0\.0\.0\.0", actions, re.MULTILINE)


@pytest.mark.parametrize("name", ["Dockerfile.dockerignore", "Dockerfile.actions.dockerignore"])
def test_build_context_is_sources_only(name: str) -> None:
    lines = [line for line in (DEPLOY / name).read_text().splitlines() if line and not line.startswith("#")]
    assert lines[0] == "**"  # everything out, then only what the images copy
    allowed = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    assert not {".env", ".venv", "var", "models", ".git", "build"} & allowed
    dockerfile = (DEPLOY / name.replace(".dockerignore", "")).read_text()
    for source in re.findall(r"^COPY (?!--from)(.+) \S+$", dockerfile, re.MULTILINE):
        for item in source.split():
            assert item.rstrip("/") in allowed, item

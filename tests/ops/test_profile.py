"""Choosing the embedded or production profile from BOT_PROFILE."""

from __future__ import annotations

import pytest
import yaml

from ops import profile


def test_embedded_is_the_default_and_needs_only_the_action_server_token() -> None:
    assert profile.selected({}) == "embedded"
    with pytest.raises(profile.ProfileError, match="ACTION_SERVER_TOKEN"):
        profile.environment("embedded", {})  # make run generates one in var/
    values = profile.environment("embedded", {"ACTION_SERVER_TOKEN": "t"})
    assert values["TRACKER_STORE_URL"].startswith("sqlite:///")
    assert values["ACTION_SERVER_URL"].endswith("/webhook")


@pytest.mark.parametrize("value", ["production", " Production ", "PRODUCTION"])
def test_production_is_chosen_by_one_variable(value: str) -> None:
    assert profile.selected({"BOT_PROFILE": value}) == "production"


def test_an_unknown_profile_is_refused() -> None:
    with pytest.raises(profile.ProfileError, match="embedded, production"):
        profile.selected({"BOT_PROFILE": "staging"})


def test_production_names_every_missing_variable() -> None:
    with pytest.raises(profile.ProfileError) as error:
        profile.environment("production", {})
    for name in (
        "ACTION_SERVER_TOKEN",
        "TRACKER_STORE_URL",
        "REDIS_URL",
        "RABBITMQ_HOST",
        "RABBITMQ_USERNAME",
        "RABBITMQ_PASSWORD",
    ):
        assert name in str(error.value)


def test_production_uses_the_shared_stores() -> None:
    endpoints = yaml.safe_load(profile.ENDPOINTS["production"].read_text())
    assert endpoints["tracker_store"]["type"] == "ops.tracker_store.DurableSQLTrackerStore"
    assert endpoints["lock_store"]["type"] == "ops.lock_store.AtomicRedisLockStore"
    assert endpoints["event_broker"]["type"] == "ops.event_broker.FlushingPikaEventBroker"
    embedded = yaml.safe_load(profile.ENDPOINTS["embedded"].read_text())
    assert "lock_store" not in embedded and "event_broker" not in embedded


def test_the_environment_wins_over_defaults() -> None:
    environ = {
        "ACTION_SERVER_TOKEN": "t",
        "TRACKER_STORE_URL": "postgresql://db/rasa",
        "REDIS_URL": "redis://r:6379/1",
        "RABBITMQ_HOST": "mq",
        "RABBITMQ_USERNAME": "u",
        "RABBITMQ_PASSWORD": "p",
        "RABBITMQ_QUEUE": "q2",
    }
    values = profile.environment("production", environ)
    assert values["RABBITMQ_QUEUE"] == "q2"
    assert values["RABBITMQ_PORT"] == "5672"


def test_the_command_line_prints_the_file_or_fails_clearly(monkeypatch, capsys) -> None:
    monkeypatch.setenv("BOT_PROFILE", "production")
    for name in ("TRACKER_STORE_URL", "REDIS_URL", "RABBITMQ_HOST"):
        monkeypatch.delenv(name, raising=False)
    assert profile.main(["endpoints"]) == 2
    assert "needs" in capsys.readouterr().err
    monkeypatch.setenv("BOT_PROFILE", "embedded")
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "t")
    assert profile.main(["endpoints"]) == 0
    assert capsys.readouterr().out.strip().endswith("endpoints.yml")
    assert profile.main(["bogus"]) == 2


def test_the_action_server_url_follows_the_port_make_run_uses() -> None:
    values = profile.environment("embedded", {"ACTION_SERVER_TOKEN": "t", "ACTIONS_PORT": "5155"})
    assert values["ACTION_SERVER_URL"] == "http://127.0.0.1:5155/webhook"
    values = profile.environment(
        "embedded",
        {"ACTION_SERVER_TOKEN": "t", "ACTIONS_PORT": "5155", "ACTION_SERVER_URL": "http://actions:5055/webhook"},
    )
    assert values["ACTION_SERVER_URL"] == "http://actions:5055/webhook"

"""Check each action-server reply against Rasa's schema with a validator built once.

Rasa 3.6 checks every custom action's reply with ``jsonschema.validate(reply, schema)``, which
first re-validates the schema itself against the JSON Schema meta-schema. Profiling our bot under
10 concurrent conversations (``python -m bench.profile``) put 54 % of the Rasa server's event
loop in that call: about 20 ms per custom action against under 1 ms with a validator built once.
The replacement below checks the same schema and raises the same error (the best match, with
Rasa's hint appended), so Rasa's handling of a bad reply is unchanged. ``ops.serve`` installs it;
``tests/ops/test_action_replies.py`` fails if Rasa renames the method or its schema.

The schema checks each event against a ``oneOf`` of 23 event shapes, one per ``event`` name, so a
validator tries every shape and builds an error for each that fails: 1.7 ms a turn, 8 % of the server's
CPU at one conversation (``python -m bench.profile --concurrency 1``). Each shape fixes its ``event``
name with a ``const`` and the names differ, so an event matches exactly one shape when it matches the
shape of its own name: that is checked first, and only a reply that fails it goes to the full
validator, for the same error.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Tuple

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

METHOD = "_validate_action_result"


class ReplyCheckMissing(RuntimeError):
    """Rasa no longer has the method this module replaces."""


@lru_cache(maxsize=1)
def reply_validator() -> Validator:
    """The validator for Rasa's action-reply schema, its schema checked once."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


@lru_cache(maxsize=1)
def _by_event_name() -> Tuple[Validator, Dict[str, Validator]]:
    """A validator for the reply without the events' ``oneOf``, and one per event shape, by event name."""
    full = reply_validator()  # the schema, already checked, and its validator class
    schema, validator_class = full.schema, type(full)
    items = schema["properties"]["events"]["items"]
    shapes = items["oneOf"]
    names = [shape["properties"]["event"]["const"] for shape in shapes]
    assert len(set(names)) == len(names), "event shapes must have distinct names"
    outer = {
        **schema,
        "properties": {
            **schema["properties"],
            "events": {**schema["properties"]["events"], "items": {k: v for k, v in items.items() if k != "oneOf"}},
        },
    }
    return validator_class(outer), {name: validator_class(shape) for name, shape in zip(names, shapes, strict=True)}


def _valid_by_event_name(result: Any) -> bool:
    """True when ``result`` matches the schema, checking each event against its own name's shape only."""
    outer, shapes = _by_event_name()
    if not outer.is_valid(result):
        return False
    for event in result.get("events") or []:  # each an object with a string "event": checked just above
        shape = shapes.get(event["event"])
        if shape is None or not shape.is_valid(event):
            return False
    return True


def validate_action_result(_: RemoteAction, result: Dict[str, Any]) -> bool:
    """Rasa's check of one action-server reply, without re-checking the schema each time.

    Raises:
        ValidationError: the reply does not match (the same error ``jsonschema.validate`` raises).
    """
    if _valid_by_event_name(result):
        return True
    error = best_match(reply_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, make sure your response from the "
        f"Action endpoint is valid. For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    """Replace Rasa's reply check with :func:`validate_action_result` (idempotent).

    Raises:
        ReplyCheckMissing: the installed Rasa has no such method to replace.
    """
    if not callable(getattr(RemoteAction, METHOD, None)):
        raise ReplyCheckMissing(
            f"rasa.core.actions.action.RemoteAction.{METHOD} is missing: check "
            f"ops/action_replies.py against the installed Rasa before serving"
        )
    setattr(RemoteAction, METHOD, validate_action_result)
    _by_event_name()  # built at start-up (with the full validator), not on the first custom action's turn


__all__ = ["ReplyCheckMissing", "ValidationError", "install", "reply_validator", "validate_action_result"]

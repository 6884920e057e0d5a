"""Check each action-server reply against Rasa's schema with a validator built once.

Rasa 3.6 checks every custom action's reply with ``jsonschema.validate(reply, schema)``, which
first re-validates the schema itself against the JSON Schema meta-schema. Profiling our bot under
10 concurrent conversations (``python -m bench.profile``) put 54 % of the Rasa server's event
loop in that call: about 20 ms per custom action against under 1 ms with a validator built once.
The replacement below checks the same schema and raises the same error (the best match, with
Rasa's hint appended), so Rasa's handling of a bad reply is unchanged. ``ops.serve`` installs it;
``tests/ops/test_action_replies.py`` fails if Rasa renames the method or its schema.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict

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


def validate_action_result(_: RemoteAction, result: Dict[str, Any]) -> bool:
    """Rasa's check of one action-server reply, without re-checking the schema each time.

    Raises:
        ValidationError: the reply does not match (the same error ``jsonschema.validate`` raises).
    """
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


__all__ = ["ReplyCheckMissing", "ValidationError", "install", "reply_validator", "validate_action_result"]

"""Find an event's class by its type name with a table, not a walk over every class.

Rasa 3.6's ``Event.resolve_by_type`` walks all subclasses of ``Event`` (with ``inspect.isabstract`` on each)
for every event it reads back: the tracker store's events and each custom action's reply. A profile of our
server at one conversation (``python -m bench.profile --concurrency 1``) put 6 % of its CPU there. The
replacement answers a name it has seen from a table and asks Rasa's own method otherwise, so an unknown
name, ``topic`` and a default behave exactly as before. ``ops.serve`` installs it.
"""

from __future__ import annotations

from typing import Callable, Dict, Optional, Type

from rasa.shared.core.events import Event

Resolve = Callable[..., Optional[Type[Event]]]


def cached(original: Resolve) -> Resolve:
    """``original`` (Rasa's ``resolve_by_type``) with the classes it found kept by name."""
    found: Dict[str, Type[Event]] = {}

    def resolve_by_type(type_name: str, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
        known = found.get(type_name)
        if known is not None:
            return known
        resolved = original(type_name, default)
        if resolved is not None and getattr(resolved, "type_name", None) == type_name:
            found[type_name] = resolved  # a real class of that name, not the default or None
        return resolved

    resolve_by_type.__wrapped__ = original  # type: ignore[attr-defined]
    return resolve_by_type


def install() -> None:
    """Replace ``Event.resolve_by_type`` with the cached form (idempotent)."""
    current = Event.__dict__["resolve_by_type"].__func__
    if getattr(current, "__wrapped__", None) is None:
        Event.resolve_by_type = staticmethod(cached(current))  # type: ignore[method-assign]

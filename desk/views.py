"""Formatting helpers for pages and API: filters, dates in the firm's time zone, labels, rendering."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sanic import Request
from sanic.response import HTTPResponse, html

from services.intake_plan import ANSWER_LABELS, METHOD_LABELS
from store.records import (
    PRIORITIES,
    STATUS_IN_CONVERSATION,
    STATUS_NEW,
    STATUS_WAITING,
    STATUSES,
    CaseEvent,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"
OPEN_STATUSES = (STATUS_NEW, STATUS_WAITING, STATUS_IN_CONVERSATION)
STATUS_LABELS = {"new": "New", "waiting": "Waiting for a pro", "in_conversation": "In conversation", "closed": "Closed"}
# The conversation's language (``case.intake.language``): the pro replies in it, as written.
LANGUAGE_LABELS = {"en": "English", "es": "Spanish"}
MAX_LIMIT = 500
MAX_QUERY_CHARS = 100


class BadFilter(ValueError):
    """A list filter has a value the desk does not know."""


@dataclass(frozen=True)
class Filters:
    """The case-list filters: ``status`` is "open", "all" or one status."""

    status: str = "open"
    priority: Optional[str] = None
    q: Optional[str] = None
    limit: int = 200

    @property
    def statuses(self) -> Optional[List[str]]:
        """The statuses to pass to the store (None: all)."""
        if self.status == "all":
            return None
        if self.status == "open":
            return list(OPEN_STATUSES)
        return [self.status]


def parse_filters(args: Mapping[str, Any]) -> Filters:
    """Read status, priority, q and limit from query arguments (``request.args``).

    Raises:
        BadFilter: for an unknown status or priority or a limit outside 1-500.
    """
    status = (_arg(args, "status") or "open").lower()
    if status not in ("open", "all") + STATUSES:
        raise BadFilter(f"unknown status {status!r}; use open, all or one of {', '.join(STATUSES)}")
    priority = (_arg(args, "priority") or "").lower() or None
    if priority and priority not in PRIORITIES:
        raise BadFilter(f"unknown priority {priority!r}; use one of {', '.join(PRIORITIES)}")
    q = (_arg(args, "q") or "").strip()[:MAX_QUERY_CHARS] or None
    raw_limit = _arg(args, "limit") or "200"
    try:
        limit = int(raw_limit)
    except ValueError:
        raise BadFilter("limit must be a whole number") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise BadFilter(f"limit must be between 1 and {MAX_LIMIT}")
    return Filters(status, priority, q, limit)


def _arg(args: Mapping[str, Any], name: str) -> Optional[str]:
    value = args.get(name)
    if isinstance(value, list):  # Sanic's RequestParameters.get already returns the first
        value = value[0] if value else None
    return value


def days_left(deadline: Optional[dt.date], today: dt.date) -> Optional[int]:
    """Days from ``today`` to the deadline (negative once it passed)."""
    return None if deadline is None else (deadline - today).days


def deadline_text(deadline: Optional[dt.date], today: dt.date) -> str:
    """ "in 5 days", "today", "tomorrow" or "passed 3 days ago"; "" without a deadline."""
    days = days_left(deadline, today)
    if days is None:
        return ""
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days > 1:
        return f"in {days} days"
    return "passed yesterday" if days == -1 else f"passed {-days} days ago"


def local_time(value: Optional[dt.datetime], zone: str) -> str:
    """A timestamp in the firm's time zone, e.g. "Nov 26, 2026 3:04 PM EST"."""
    if value is None:
        return ""
    if value.tzinfo is None:  # the store keeps UTC; SQLite may hand it back naive
        value = value.replace(tzinfo=dt.timezone.utc)
    local = value.astimezone(ZoneInfo(zone))
    return local.strftime("%b %-d, %Y %-I:%M %p %Z")


def long_date(value: Optional[dt.date]) -> str:
    """A date as "Nov 26, 2026"."""
    return value.strftime("%b %-d, %Y") if value else ""


def money(value: Any) -> str:
    """An amount in dollars, e.g. "$12,345.67"; "" when unknown."""
    if value is None or value == "":
        return ""
    return f"${Decimal(str(value)):,.2f}"


def answer(value: Optional[str]) -> str:
    """A yes / no / unsure intake answer as a pro reads it ("Not sure"), "—" when not given."""
    return ANSWER_LABELS.get(value or "", value or "—")


def method(value: Optional[str]) -> str:
    """A contact method as a pro reads it ("text message")."""
    return METHOD_LABELS.get(value or "", value or "—")


def language_label(code: Optional[str]) -> str:
    """A conversation language as a pro reads it ("Spanish"); English when unknown (older cases)."""
    return LANGUAGE_LABELS.get((code or "en").lower(), code or "English")


def event_payload(event: CaseEvent) -> Dict[str, Any]:
    """An event log entry as JSON (the Event schema of the desk API)."""
    created = event.created_at
    if created.tzinfo is None:
        created = created.replace(tzinfo=dt.timezone.utc)
    return {
        "id": event.id,
        "kind": event.kind,
        "actor": event.actor,
        "body": event.body,
        "created_at": created.isoformat(),
        "data": dict(event.data or {}),
    }


def template_environment() -> Environment:
    """The Jinja2 environment of the desk pages (autoescaped HTML)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(status_labels=STATUS_LABELS, priorities=PRIORITIES, statuses=STATUSES)
    env.filters.update(long_date=long_date, money=money, answer=answer, method=method, language=language_label)
    return env


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTTPResponse:
    """Render a page with the signed-in pro, CSRF token, firm name and time zone in its context."""
    app_ctx = request.app.ctx
    zone = app_ctx.core.firm_timezone
    context.setdefault("pro", getattr(request.ctx, "pro", None))
    context.setdefault("csrf_token", getattr(request.ctx, "csrf", ""))
    context.setdefault("notice", None)
    context.setdefault("error", None)
    # Live notices (desk.js listens on /events) only for a signed-in pro and with a broker.
    context.setdefault("live_events", bool(context["pro"]) and app_ctx.settings.broker_configured)
    context.update(firm_name=app_ctx.core.firm_name, zone=zone, local_time=lambda value: local_time(value, zone))
    body = app_ctx.templates.get_template(template).render(**context)
    response = html(body, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response

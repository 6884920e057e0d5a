"""The desk's JSON API under /api, for scripts and other tools (bearer-token auth).

Every route here is documented in ``desk/openapi.yml``; a test keeps the two in step.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict

import yaml
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from desk.access_control import token_required
from desk.views import BadFilter, event_payload, parse_filters
from store.cases import case_payload

bp = Blueprint("api", url_prefix="/api")

OPENAPI_PATH = Path(__file__).resolve().parents[1] / "openapi.yml"


class BadBody(ValueError):
    """The request body is not the JSON object the route expects (HTTP 400)."""


@lru_cache(maxsize=1)
def openapi_document() -> Dict[str, Any]:
    """The OpenAPI 3.0 description of this API, read from ``desk/openapi.yml``."""
    return yaml.safe_load(OPENAPI_PATH.read_text(encoding="utf-8"))


def _body(request: Request) -> Dict[str, Any]:
    try:
        body = jsonlib.loads(request.body or b"")
    except ValueError:
        raise BadBody("the body must be JSON") from None
    if not isinstance(body, dict):
        raise BadBody("the body must be a JSON object")
    return body


def _text(request: Request) -> Any:
    body = _body(request)
    if "text" not in body:
        raise BadBody('the body needs a "text" field')
    return body["text"]


@bp.get("/openapi.json")
async def openapi(request: Request) -> HTTPResponse:
    """The OpenAPI document (no authentication)."""
    return json(openapi_document())


@bp.get("/cases")
@token_required
async def list_cases(request: Request) -> HTTPResponse:
    """Cases most urgent first; query: status (open, all or one status), priority, q, limit."""
    try:
        filters = parse_filters(request.args)
    except BadFilter as exc:
        return json({"error": str(exc)}, status=422)
    priorities = [filters.priority] if filters.priority else None
    cases = await asyncio.to_thread(request.app.ctx.cases.list, filters.statuses, priorities, filters.q, filters.limit)
    return json({"cases": [case_payload(case) for case in cases]})


@bp.get("/cases/<reference>")
@token_required
async def get_case(request: Request, reference: str) -> HTTPResponse:
    """One case."""
    case = await request.app.ctx.casework.get(reference)
    return json(case_payload(case))


@bp.get("/cases/<reference>/events")
@token_required
async def case_events(request: Request, reference: str) -> HTTPResponse:
    """A case's event log, oldest first."""
    work = request.app.ctx.casework
    events = await work.events(await work.get(reference))
    return json({"events": [event_payload(event) for event in events]})


@bp.get("/cases/<reference>/transcript")
@token_required
async def case_transcript(request: Request, reference: str) -> HTTPResponse:
    """The conversation with the taxpayer, read from Rasa (502 if Rasa can't be reached)."""
    work = request.app.ctx.casework
    lines = await work.transcript(await work.get(reference))
    return json({"lines": [line.to_dict() for line in lines]})


@bp.post("/cases/<reference>/messages")
@token_required
async def send_message(request: Request, reference: str) -> HTTPResponse:
    """Send a message to the taxpayer; the first one takes the conversation over from the bot."""
    work = request.app.ctx.casework
    event = await work.reply(reference, _text(request), request.ctx.pro.username)
    return json(event_payload(event), status=201)


@bp.post("/cases/<reference>/handback")
@token_required
async def hand_back(request: Request, reference: str) -> HTTPResponse:
    """Give the conversation back to the bot."""
    event = await request.app.ctx.casework.hand_back(reference, request.ctx.pro.username)
    return json(event_payload(event))


@bp.post("/cases/<reference>/close")
@token_required
async def close(request: Request, reference: str) -> HTTPResponse:
    """Close the case (handing the conversation back first if the bot was paused)."""
    case = await request.app.ctx.casework.close(reference, request.ctx.pro.username)
    return json(case_payload(case))


@bp.post("/cases/<reference>/notes")
@token_required
async def add_note(request: Request, reference: str) -> HTTPResponse:
    """Add an internal note."""
    work = request.app.ctx.casework
    event = await work.add_note(reference, _text(request), request.ctx.pro.username)
    return json(event_payload(event), status=201)

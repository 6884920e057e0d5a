"""The desk's HTML pages: the case list, a case with its transcript, and the pro's actions."""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, Optional

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect

from desk.access_control import login_required
from desk.case_handling import (
    MAX_NOTE_CHARS,
    MAX_REPLY_CHARS,
    CaseNotFound,
    Conflict,
    Invalid,
    RasaUnavailable,
    can_push,
    no_push_reason,
)
from desk.views import BadFilter, Filters, days_left, deadline_text, parse_filters, render
from store.records import STATUS_CLOSED

bp = Blueprint("pages")

DONE = {
    "reply": "Message delivered to the taxpayer.",
    "handback": "Handed back to the bot.",
    "close": "Case closed.",
    "note": "Note added.",
}
NOT_DONE = {
    "reply": "Not delivered, try again",
    "handback": "Not handed back, try again",
    "close": "The case was not closed, try again",
    "note": "The note was not saved",
}


@bp.get("/")
async def home(request: Request) -> HTTPResponse:
    """The case list is the desk's home page."""
    return redirect("/cases", status=302)


@bp.get("/cases")
@login_required
async def case_list(request: Request) -> HTTPResponse:
    """Cases most urgent first, filtered by status (default: open), priority and a search."""
    ctx = request.app.ctx
    status, error = 200, None
    try:
        filters = parse_filters(request.args)
    except BadFilter as exc:
        filters, status, error = Filters(), 400, str(exc)
    priorities = [filters.priority] if filters.priority else None
    cases = await asyncio.to_thread(ctx.cases.list, filters.statuses, priorities, filters.q, filters.limit)
    pending = await asyncio.to_thread(ctx.outbox.count_pending)
    counts = await asyncio.to_thread(ctx.cases.counts_by_status)
    today = ctx.core.today()
    rows = [
        {"case": case, "days": days_left(case.deadline, today), "deadline_text": deadline_text(case.deadline, today)}
        for case in cases
    ]
    return render(
        request, "cases.html", status=status, error=error, rows=rows, filters=filters, pending=pending, counts=counts
    )


async def case_page(
    request: Request,
    reference: str,
    status: int = 200,
    error: Optional[str] = None,
    draft: str = "",
    draft_for: str = "",
) -> HTTPResponse:
    """Render a case with its event log and transcript (a notice if Rasa can't be reached)."""
    work = request.app.ctx.casework
    try:
        case = await work.get(reference)
    except CaseNotFound:
        return not_found(request)
    events = await work.events(case)
    lines, transcript_error = None, None
    try:
        lines = await work.transcript(case)
    except RasaUnavailable as exc:
        transcript_error = f"Transcript unavailable: {exc}."
    today = request.app.ctx.core.today()
    return render(
        request,
        "case.html",
        status=status,
        error=error,
        case=case,
        events=events,
        lines=lines,
        transcript_error=transcript_error,
        draft=draft,
        draft_for=draft_for,
        notice=DONE.get(request.args.get("done", "")),
        days=days_left(case.deadline, today),
        deadline_text=deadline_text(case.deadline, today),
        can_push=can_push(case),
        no_push_reason=no_push_reason(case),
        closed=case.status == STATUS_CLOSED,
        max_reply=MAX_REPLY_CHARS,
        max_note=MAX_NOTE_CHARS,
    )


def not_found(request: Request) -> HTTPResponse:
    """The 404 page for an unknown case."""
    return render(
        request, "error.html", status=404, title="Case not found", message="There is no case with this reference."
    )


@bp.get("/cases/<reference>")
@login_required
async def case_detail(request: Request, reference: str) -> HTTPResponse:
    """One case."""
    return await case_page(request, reference)


async def _act(
    request: Request, reference: str, action: str, run: Callable[[], Awaitable[Any]], draft: str = ""
) -> HTTPResponse:
    """Run a pro's action, then redirect back to the case or show the case with the problem."""
    try:
        await run()
    except CaseNotFound:
        return not_found(request)
    except Invalid as exc:
        return await case_page(request, reference, 422, f"{NOT_DONE[action]}: {exc}.", draft, action)
    except Conflict as exc:
        return await case_page(request, reference, 409, f"{NOT_DONE[action]}: {exc}.", draft, action)
    except RasaUnavailable as exc:
        return await case_page(request, reference, 502, f"{NOT_DONE[action]}: {exc}.", draft, action)
    target = request.app.url_for("pages.case_detail", reference=reference.strip().upper(), done=action)
    return redirect(target, status=303)


@bp.post("/cases/<reference>/reply")
@login_required
async def reply(request: Request, reference: str) -> HTTPResponse:
    """Send the pro's reply to the taxpayer."""
    text = request.form.get("text", "")
    work, pro = request.app.ctx.casework, request.ctx.pro.username
    return await _act(request, reference, "reply", lambda: work.reply(reference, text, pro), text)


@bp.post("/cases/<reference>/handback")
@login_required
async def hand_back(request: Request, reference: str) -> HTTPResponse:
    """Give the conversation back to the bot."""
    work, pro = request.app.ctx.casework, request.ctx.pro.username
    return await _act(request, reference, "handback", lambda: work.hand_back(reference, pro))


@bp.post("/cases/<reference>/close")
@login_required
async def close(request: Request, reference: str) -> HTTPResponse:
    """Close the case."""
    work, pro = request.app.ctx.casework, request.ctx.pro.username
    return await _act(request, reference, "close", lambda: work.close(reference, pro))


@bp.post("/cases/<reference>/notes")
@login_required
async def add_note(request: Request, reference: str) -> HTTPResponse:
    """Add an internal note."""
    text = request.form.get("text", "")
    work, pro = request.app.ctx.casework, request.ctx.pro.username
    return await _act(request, reference, "note", lambda: work.add_note(reference, text, pro), text)

"""Admin page: knowledge entries and figures due for review (the same list as `make knowledge-stale`).

Only desk admins see it: the pros whose usernames are listed in ``DESK_ADMINS`` (comma-separated;
default ``admin``, the account the desk creates on first start). Others get a 403 page.
"""

from __future__ import annotations

import asyncio
import os
from typing import FrozenSet

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from desk.access_control import login_required
from desk.bootstrap import BOOTSTRAP_USERNAME
from desk.views import render
from knowledge.loader import KnowledgeError, cached_knowledge
from knowledge.stale import DEFAULT_REVIEW_DAYS, due_items

bp = Blueprint("knowledge")

ADMINS_ENV = "DESK_ADMINS"
MAX_REVIEW_DAYS = 3650


def admin_usernames() -> FrozenSet[str]:
    """Usernames allowed to see admin pages, from ``DESK_ADMINS`` (default: ``admin``)."""
    raw = os.environ.get(ADMINS_ENV, BOOTSTRAP_USERNAME)
    return frozenset(name.strip().lower() for name in raw.split(",") if name.strip())


def _review_days(raw: str) -> int:
    days = int(raw)
    if not 0 <= days <= MAX_REVIEW_DAYS:
        raise ValueError(days)
    return days


@bp.get("/admin/knowledge")
@login_required
async def knowledge_review(request: Request) -> HTTPResponse:
    """Entries and figures older than the review period (``?days=N``, default 180)."""
    pro = request.ctx.pro
    if pro.username.lower() not in admin_usernames():
        return render(request, "error.html", status=403, title="Admins only", message="This page is for desk admins.")
    try:
        days = _review_days(request.args.get("days", str(DEFAULT_REVIEW_DAYS)))
    except ValueError:
        return render(
            request,
            "error.html",
            status=400,
            title="Bad review period",
            message=f"days must be a whole number from 0 to {MAX_REVIEW_DAYS}.",
        )
    core = request.app.ctx.core
    today = core.today()
    try:
        knowledge = await asyncio.to_thread(cached_knowledge, core.knowledge_path)
        items = await asyncio.to_thread(due_items, today, days, core.knowledge_path, knowledge)
    except KnowledgeError as exc:
        return render(request, "error.html", status=500, title="Knowledge not loaded", message=str(exc).splitlines()[0])
    return render(
        request,
        "knowledge_review.html",
        items=items,
        days=days,
        today=today,
        notices=len(knowledge.notices),
        topics=len(knowledge.topics),
    )

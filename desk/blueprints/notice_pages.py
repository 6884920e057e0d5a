"""Pages of a notice the taxpayer attached to their case: listed and shown to signed-in pros only.

A page is in the case store only because the taxpayer chose "Attach it" in the chat
(channels/notice_pages.py). It shows their name, address and part of their SSN, so every route
here requires a signed-in pro, and pages are sent with ``Cache-Control: no-store``.
"""

from __future__ import annotations

import asyncio

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw

from desk.access_control import login_required
from desk.case_handling import CaseNotFound
from desk.views import render
from store.notice_pages import NoticePageRepository

bp = Blueprint("notice_pages")

# Types a browser may show inline; anything else is offered as a download.
INLINE_TYPES = ("image/jpeg", "image/png", "image/webp", "application/pdf")


def _missing(request: Request) -> HTTPResponse:
    return render(
        request, "error.html", status=404, title="Not found", message="There is no such case or attached page."
    )


@bp.get("/cases/<reference>/notice-pages")
@login_required
async def page_list(request: Request, reference: str) -> HTTPResponse:
    """The pages the taxpayer attached to this case's conversation."""
    try:
        case = await request.app.ctx.casework.get(reference)
    except CaseNotFound:
        return _missing(request)
    pages = await asyncio.to_thread(NoticePageRepository(request.app.ctx.db).list_for, case.sender_id)
    return render(request, "notice_pages.html", case=case, pages=pages)


@bp.get("/cases/<reference>/notice-pages/<page_id:int>")
@login_required
async def page_file(request: Request, reference: str, page_id: int) -> HTTPResponse:
    """One attached page, only through the case it belongs to."""
    try:
        case = await request.app.ctx.casework.get(reference)
    except CaseNotFound:
        return _missing(request)
    found = await asyncio.to_thread(NoticePageRepository(request.app.ctx.db).get, page_id, case.sender_id)
    if found is None:
        return _missing(request)
    data, content_type = found
    inline = content_type in INLINE_TYPES
    headers = {
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'{"inline" if inline else "attachment"}; filename="notice-page-{page_id}"',
        "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    }
    return raw(data, content_type=content_type if inline else "application/octet-stream", headers=headers)

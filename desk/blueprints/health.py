"""Liveness check for load balancers and scripts."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

bp = Blueprint("health")


@bp.get("/health")
async def health(request: Request) -> HTTPResponse:
    """``{"status": "ok"}`` while the desk is serving."""
    return json({"status": "ok"})

"""The OpenAPI document and the registered /api routes describe the same API."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Set

from desk.app import create_app
from desk.blueprints.api import openapi_document
from settings.assistant import Settings
from tests.desk.conftest import Desk, desk_settings

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def registered_api_routes(tmp_path: Path, core: Settings) -> Dict[str, Set[str]]:
    app = create_app(desk_settings(tmp_path, "http://127.0.0.1:1"), core, sweeper=False)
    routes: Dict[str, Set[str]] = {}
    for route in app.router.routes:
        path = "/" + route.path.lstrip("/")
        if path == "/api" or path.startswith("/api/"):
            openapi_path = re.sub(r"<([a-zA-Z_]\w*)(?::[^>]+)?>", r"{\1}", path)
            routes.setdefault(openapi_path, set()).update(m.lower() for m in route.methods)
    return routes


def documented_routes() -> Dict[str, Set[str]]:
    return {path: {m for m in item if m in HTTP_METHODS} for path, item in openapi_document()["paths"].items()}


def test_every_api_route_is_documented_and_vice_versa(tmp_path: Path, core: Settings) -> None:
    registered = registered_api_routes(tmp_path, core)
    assert len(registered) >= 9
    assert registered == documented_routes()


def test_document_has_schemas_and_bearer_security() -> None:
    document = openapi_document()
    assert document["openapi"].startswith("3.0")
    schemas = document["components"]["schemas"]
    assert {"Case", "Event", "TranscriptLine", "Error"} <= set(schemas)
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    assert document["security"] == [{"bearerAuth": []}]
    assert document["paths"]["/api/openapi.json"]["get"]["security"] == []


def test_every_reference_resolves() -> None:
    document = openapi_document()
    text = repr(document)
    for ref in set(re.findall(r"'\$ref': '#/([^']+)'", text)):
        node = document
        for part in ref.split("/"):
            assert part in node, f"unresolved $ref #/{ref}"
            node = node[part]


async def test_served_without_auth(desk: Desk) -> None:
    response = await desk.api("GET", "/openapi.json", None)
    assert response.status == 200
    assert (await response.json())["paths"].keys() == openapi_document()["paths"].keys()

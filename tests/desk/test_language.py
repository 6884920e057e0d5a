"""The conversation's language on the desk: shown on the case and the list, in the API and the live
notice; a pro's Spanish reply goes to Rasa exactly as written."""

from __future__ import annotations

import re

import pytest

from desk.blueprints.api import openapi_document
from desk.views import language_label
from store.cases import CaseRepository
from store.pros import ProRepository
from tests.desk.conftest import Desk, api_token, make_case
from tests.desk.fake_rasa import FakeRasa

SPANISH_REPLY = "Hola, soy Jane del despacho. ¿Cuándo recibió el aviso? Revisaré su caso hoy mismo — “sin costo”."


@pytest.mark.parametrize("code, label", [("es", "Spanish"), ("en", "English"), (None, "English"), ("", "English")])
def test_language_labels(code, label) -> None:
    assert language_label(code) == label


async def test_a_spanish_case_shows_its_language_and_asks_for_a_spanish_reply(
    signed_in: Desk, cases: CaseRepository
) -> None:
    case = make_case(cases, name="María López", language="es")
    page = await (await signed_in.page(f"/cases/{case.reference}")).text()
    assert re.search(r'<dt>Language</dt><dd id="case-language" data-language="es">Spanish</dd>', page)
    assert 'class="lang lang-es"' in page
    assert 'id="reply-language"' in page and "write your reply in Spanish" in page
    assert "sent exactly as you write it" in page


async def test_an_english_case_says_english_without_the_spanish_hints(signed_in: Desk, cases: CaseRepository) -> None:
    case = make_case(cases, name="Tom Baker")
    page = await (await signed_in.page(f"/cases/{case.reference}")).text()
    assert re.search(r'<dt>Language</dt><dd id="case-language" data-language="en">English</dd>', page)
    assert 'class="lang lang-es"' not in page and 'id="reply-language"' not in page


async def test_the_case_list_marks_spanish_conversations(signed_in: Desk, cases: CaseRepository) -> None:
    spanish = make_case(cases, name="María López", language="es")
    english = make_case(cases, name="Tom Baker")
    page = await (await signed_in.page("/cases")).text()
    rows = {ref: row for ref, row in re.findall(r'href="/cases/([A-Z0-9-]+)">.*?</a></td>(.*?)</tr>', page, re.S)}
    assert 'class="lang lang-es"' in rows[spanish.reference]
    assert 'class="lang' not in rows[english.reference]


async def test_the_api_carries_the_language(desk: Desk, cases: CaseRepository, pros: ProRepository) -> None:
    token = api_token(pros)
    case = make_case(cases, language="es")
    body = await (await desk.api("GET", f"/cases/{case.reference}", token)).json()
    assert body["intake"]["language"] == "es"
    intake = openapi_document()["components"]["schemas"]["Intake"]["properties"]
    assert intake["language"]["enum"] == ["en", "es"]


async def test_a_spanish_reply_is_delivered_as_written(
    signed_in: Desk, cases: CaseRepository, rasa: FakeRasa, pros: ProRepository
) -> None:
    case = make_case(cases, language="es")
    response = await signed_in.form(f"/cases/{case.reference}/reply", {"text": SPANISH_REPLY})
    assert response.status == 303
    other = make_case(cases, language="es")
    response = await signed_in.api(
        "POST", f"/cases/{other.reference}/messages", api_token(pros), json={"text": SPANISH_REPLY}
    )
    assert response.status == 201
    sent = [c.body for c in rasa.posted("events") if isinstance(c.body, dict) and c.body.get("event") == "bot"]
    assert [body["text"] for body in sent] == [SPANISH_REPLY, SPANISH_REPLY]  # nothing translated or folded
    assert all(body["metadata"] == {"from_pro": "jane"} for body in sent)

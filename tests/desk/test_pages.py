"""The HTML pages: case list, case page, and a pro's actions through the forms."""

from __future__ import annotations

import datetime as dt
import re
from typing import List

from settings.assistant import Settings
from store.cases import CaseRepository
from store.records import EVENT_MESSAGE, EVENT_NOTE, NewCase
from tests.desk.conftest import Desk, make_case
from tests.desk.fake_rasa import FakeRasa


def references(page: str) -> List[str]:
    """Case references in the order the list shows them."""
    return re.findall(r'class="ref" href="/cases/([A-Z0-9-]+)"', page)


async def list_page(desk: Desk, query: str = "") -> str:
    response = await desk.page(f"/cases{query}")
    assert response.status == 200
    return await response.text()


async def test_list_is_sorted_by_priority_then_deadline(signed_in: Desk, cases: CaseRepository, core: Settings) -> None:
    today = core.today()
    late_normal = make_case(cases, priority="normal", deadline=today + dt.timedelta(days=3))
    high_later = make_case(cases, priority="high", deadline=today + dt.timedelta(days=20))
    critical = make_case(cases, priority="critical", deadline=today + dt.timedelta(days=30))
    high_sooner = make_case(cases, priority="high", deadline=today + dt.timedelta(days=5))
    no_deadline = make_case(cases, priority="high")
    page = await list_page(signed_in)
    assert references(page) == [
        critical.reference,
        high_sooner.reference,
        high_later.reference,
        no_deadline.reference,
        late_normal.reference,
    ]
    assert 'class="badge badge-critical"' in page and "in 5 days" in page


async def test_list_filters_and_search(signed_in: Desk, cases: CaseRepository) -> None:
    new = make_case(cases, name="Maria Lopez", codes=("LT11",), priority="critical")
    waiting = make_case(cases, name="Tom Baker", status="waiting", phone="+15125550199")
    closed = make_case(cases, name="Old Case", status="closed")
    assert set(references(await list_page(signed_in))) == {new.reference, waiting.reference}
    assert references(await list_page(signed_in, "?status=closed")) == [closed.reference]
    assert len(references(await list_page(signed_in, "?status=all"))) == 3
    assert references(await list_page(signed_in, "?priority=critical")) == [new.reference]
    assert references(await list_page(signed_in, "?q=lopez")) == [new.reference]
    assert references(await list_page(signed_in, "?q=lt11")) == [new.reference]
    assert references(await list_page(signed_in, "?q=512-555-0199")) == [waiting.reference]
    assert references(await list_page(signed_in, "?q=nobody+here")) == []
    assert "No cases match" in await list_page(signed_in, "?q=nobody+here")
    bad = await signed_in.page("/cases?status=bogus")
    assert bad.status == 400 and "unknown status" in await bad.text()


async def test_passed_deadline_is_marked(signed_in: Desk, cases: CaseRepository, core: Settings) -> None:
    make_case(cases, priority="critical", deadline=core.today() - dt.timedelta(days=3))
    page = await list_page(signed_in)
    assert 'class="deadline passed"' in page and "passed 3 days ago" in page


async def test_undelivered_notifications_banner(signed_in: Desk, cases: CaseRepository) -> None:
    assert "not been delivered" not in await list_page(signed_in)
    case = make_case(cases)
    new = NewCase(
        idempotency_key="notify-1",
        channel="socketio",
        sender_id="s-notify",
        priority="high",
        priority_reasons=[],
        deadline=None,
        intake=case.intake,
    )
    cases.create(new, notify=["webhook", "email"])
    page = await list_page(signed_in)
    assert "2 notifications about new cases have not been delivered" in page


async def test_user_input_is_escaped(signed_in: Desk, cases: CaseRepository, rasa: FakeRasa) -> None:
    case = make_case(cases, name="<script>alert(1)</script>", codes=('"><img src=x>',))
    rasa.trackers[case.sender_id] = [{"event": "user", "text": "<b>bold</b>", "timestamp": 1.0}]
    cases.add_event(case.reference, EVENT_NOTE, "jane", "<iframe src=evil>")
    for page in (await list_page(signed_in), await (await signed_in.page(f"/cases/{case.reference}")).text()):
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<img src=x>" not in page
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "<iframe" not in page


async def test_case_page_shows_intake_events_and_transcript(
    signed_in: Desk, cases: CaseRepository, rasa: FakeRasa
) -> None:
    case = make_case(cases, name="Maria Lopez", priority="critical", codes=("LT11", "CP504"))
    rasa.trackers[case.sender_id] = [
        {"event": "user", "text": "I got an LT11", "timestamp": 1.0, "input_channel": "socketio"},
        {
            "event": "bot",
            "text": "That is a final notice.",
            "timestamp": 2.0,
            "data": {"buttons": [{"title": "Talk to a pro", "payload": "/ask_pro"}]},
        },
    ]
    response = await signed_in.page(f"/cases/{case.reference.lower()}")
    page = await response.text()
    assert response.status == 200
    for expected in (
        "Maria Lopez",
        "LT11, CP504",
        "$12,500.00",
        "You may contact me about my tax notice.",
        "critical because of a test",
        "I got an LT11",
        "That is a final notice.",
        "Talk to a pro",
        "Case log",
        "created",
    ):
        assert expected in page
    assert "Transcript unavailable" not in page
    assert 'name="text" rows="4"' in page and "disabled" not in page.split('id="reply"')[1][:200]


async def test_case_page_without_rasa(signed_in: Desk, cases: CaseRepository, rasa: FakeRasa) -> None:
    case = make_case(cases, name="Maria Lopez")
    rasa.fail_status = 500
    response = await signed_in.page(f"/cases/{case.reference}")
    page = await response.text()
    assert response.status == 200
    assert "Transcript unavailable" in page and "Maria Lopez" in page


async def test_unknown_case_is_a_404_page(signed_in: Desk) -> None:
    response = await signed_in.page("/cases/MTS-NOPE1")
    assert response.status == 404 and "Case not found" in await response.text()
    response = await signed_in.form("/cases/MTS-NOPE1/notes", {"text": "hello"})
    assert response.status == 404


async def test_rest_channel_case_cannot_be_replied_to(signed_in: Desk, cases: CaseRepository, rasa: FakeRasa) -> None:
    case = make_case(cases, channel="rest")
    page = await (await signed_in.page(f"/cases/{case.reference}")).text()
    assert "contact them by phone or e-mail instead" in page
    assert re.search(r'<textarea id="reply"[^>]*\bdisabled\b', page)
    assert "Hand back to the bot" not in page and "Close case" in page
    response = await signed_in.form(f"/cases/{case.reference}/reply", {"text": "Hello"})
    assert response.status == 409
    assert rasa.posted("events") == []
    assert [e.kind for e in cases.events(case.reference)] == ["created"]


async def test_reply_through_the_form(signed_in: Desk, cases: CaseRepository, rasa: FakeRasa) -> None:
    case = make_case(cases)
    response = await signed_in.form(f"/cases/{case.reference}/reply", {"text": "Hi, I'm Jane from the firm."})
    assert response.status == 303
    assert response.headers["Location"] == f"/cases/{case.reference}?done=reply"
    assert [c.body for c in rasa.posted("events", case.sender_id)] == [
        {"event": "pause"},
        {"event": "bot", "text": "Hi, I'm Jane from the firm.", "metadata": {"from_pro": "jane"}},
    ]
    stored = cases.get(case.reference)
    assert stored.status == "in_conversation" and stored.assigned_to == "jane"
    page = await (await signed_in.page(response.headers["Location"])).text()
    assert "Message delivered" in page and "pro jane" in page and "handed to a pro" in page


async def test_reply_when_rasa_is_down(signed_in: Desk, cases: CaseRepository, rasa: FakeRasa) -> None:
    case = make_case(cases)
    rasa.fail_status = 503
    response = await signed_in.form(f"/cases/{case.reference}/reply", {"text": "Are you there?"})
    page = await response.text()
    assert response.status == 502
    assert "Not delivered, try again" in page
    assert "Are you there?" in page  # the draft is kept
    assert EVENT_MESSAGE not in [e.kind for e in cases.events(case.reference)]
    assert cases.get(case.reference).status == "new"


async def test_reply_validation(signed_in: Desk, cases: CaseRepository, rasa: FakeRasa) -> None:
    case = make_case(cases)
    for text, message in (("   ", "the message is empty"), ("x" * 1601, "at most 1600")):
        response = await signed_in.form(f"/cases/{case.reference}/reply", {"text": text})
        assert response.status == 422
        assert message in await response.text()
    assert rasa.posted("events") == []


async def test_hand_back_close_and_note_through_forms(signed_in: Desk, cases: CaseRepository, rasa: FakeRasa) -> None:
    case = make_case(cases)
    await signed_in.form(f"/cases/{case.reference}/reply", {"text": "Hello"})
    response = await signed_in.form(f"/cases/{case.reference}/handback", {})
    assert response.status == 303 and response.headers["Location"].endswith("done=handback")
    assert rasa.posted("execute", case.sender_id)[-1].body == {"name": "utter_handed_back"}
    response = await signed_in.form(f"/cases/{case.reference}/notes", {"text": "Called her."})
    assert response.status == 303
    response = await signed_in.form(f"/cases/{case.reference}/close", {})
    assert response.status == 303
    assert cases.get(case.reference).status == "closed"
    bodies = [e.body for e in cases.events(case.reference)]
    assert "handed back to the bot" in bodies and "Called her." in bodies
    page = await (await signed_in.page(f"/cases/{case.reference}?done=close")).text()
    assert "Case closed." in page and "This case is closed." in page
    assert "Hand back to the bot" not in page


async def test_note_validation_keeps_the_draft_in_the_note_box(signed_in: Desk, cases: CaseRepository) -> None:
    case = make_case(cases)
    response = await signed_in.form(f"/cases/{case.reference}/notes", {"text": "y" * 4001})
    page = await response.text()
    assert response.status == 422 and "The note was not saved" in page
    assert re.search(r'<textarea id="note"[^>]*>y{4001}</textarea>', page)


async def test_static_css_and_health(desk: Desk) -> None:
    css = await desk.page("/static/desk.css")
    assert css.status == 200 and "badge-critical" in await css.text()
    health = await desk.page("/health")
    assert health.status == 200 and await health.json() == {"status": "ok"}

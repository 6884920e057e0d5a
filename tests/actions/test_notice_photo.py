"""The notice-photo actions: confirm a reading, explain it like typed text, or ask for what is missing."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest

from actions.answer import ActionAnswerMessage
from actions.notice_photo import (
    ERROR_RESPONSES,
    ActionAttachNoticePage,
    ActionConfirmNoticePhoto,
    ActionReadNoticePhoto,
    ActionRejectNoticePhoto,
    photo_reading,
)
from tests.actions.conftest import DOMAIN, make_tracker, names, only, run_action

READ, CONFIRM, REJECT = ActionReadNoticePhoto(), ActionConfirmNoticePhoto(), ActionRejectNoticePhoto()
PHOTO_TEXT = "[photo of a notice]"


def fields(
    code: Optional[str] = "LT11",
    notice_date: Optional[str] = "2026-11-10",
    amount_due: Optional[str] = "6312.45",
    tax_years: Optional[List[int]] = None,
    problems: Optional[List[str]] = None,
) -> Dict[str, Any]:
    return {
        "code": code,
        "notice_date": notice_date,
        "amount_due": amount_due,
        "tax_years": tax_years or [],
        "response_date": None,
        "problems": problems or [],
    }


def photo_tracker(
    reading: Dict[str, Any],
    extractor: str = "notice_photos",
    intent: str = "notice_photo",
    slots: Optional[Dict[str, Any]] = None,
) -> Any:
    entity = {"entity": "notice_photo_reading", "value": reading, "start": 0, "end": 0, "extractor": extractor}
    return make_tracker(PHOTO_TEXT, intent=intent, entities=[entity], slots=slots)


def slot(events: List[Any], name: str) -> Any:
    values = [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == name]
    assert values, f"no {name} slot set in {events}"
    return values[-1]


def test_names_and_domain() -> None:
    assert [a.name() for a in (READ, CONFIRM, REJECT)] == [
        "action_read_notice_photo",
        "action_confirm_notice_photo",
        "action_reject_notice_photo",
    ]
    for action in (READ, CONFIRM, REJECT):
        assert action.name() in DOMAIN["actions"]
    for name in ("notice_photo", "notice_photo_right", "notice_photo_wrong"):
        assert name in DOMAIN["intents"]
    for response in set(ERROR_RESPONSES.values()):
        assert response in DOMAIN["responses"]


async def test_full_reading_is_confirmed_with_yes_and_not_right_buttons() -> None:
    messages, events = await run_action(READ, photo_tracker(fields(tax_years=[2023])))
    confirm = only(messages, "utter_notice_photo_confirm")
    assert confirm["reading"] == "LT11, dated November 10, 2026, amount $6,312.45, tax year 2023"
    buttons = DOMAIN["responses"]["utter_notice_photo_confirm"][0]["buttons"]
    assert [b["payload"] for b in buttons] == ["/notice_photo_right", "/notice_photo_wrong"]
    assert slot(events, "photo_reading") == {
        "code": "LT11",
        "notice_date": "2026-11-10",
        "amount_due": "6312.45",
        "tax_years": [2023],
        "page_kept": False,
    }
    assert not [e for e in events if e.get("name") in ("notice_code", "notice_date")]  # not before "yes"


async def test_code_is_written_as_the_knowledge_base_writes_it() -> None:
    messages, events = await run_action(READ, photo_tracker(fields(code="lt 11", notice_date=None)))
    assert only(messages, "utter_notice_photo_confirm_no_date")["reading"] == "LT11, amount $6,312.45"
    assert slot(events, "photo_reading")["code"] == "LT11"


async def test_confirmed_reading_is_explained_like_the_typed_code_and_date() -> None:
    stored = {"code": "LT11", "notice_date": "2026-11-10", "amount_due": "6312.45", "tax_years": []}
    tracker = make_tracker("/notice_photo_right", intent="notice_photo_right", slots={"photo_reading": stored})
    messages, events = await run_action(CONFIRM, tracker)
    typed, typed_events = await run_action(
        ActionAnswerMessage(), make_tracker("LT11 dated November 10, 2026", codes=("LT11",))
    )
    assert names(messages) == names(typed)
    assert only(messages, "utter_answer")["answer"] == only(typed, "utter_answer")["answer"]
    answer = only(messages, "utter_answer")["answer"]
    assert "14 days left" in answer and "December 10, 2026" in answer
    assert slot(events, "notice_code") == "LT11" and slot(events, "notice_date") == "2026-11-10"
    assert slot(events, "photo_reading") is None
    assert slot(typed_events, "notice_code") == "LT11"


async def test_confirm_without_a_pending_reading_asks_again() -> None:
    messages, events = await run_action(CONFIRM, make_tracker("/notice_photo_right", intent="notice_photo_right"))
    assert names(messages) == ["utter_notice_photo_expired"] and events == []


async def test_not_right_forgets_the_reading() -> None:
    tracker = make_tracker(
        "/notice_photo_wrong", intent="notice_photo_wrong", slots={"photo_reading": {"code": "LT11"}}
    )
    messages, events = await run_action(REJECT, tracker)
    assert names(messages) == ["utter_notice_photo_retry"] and slot(events, "photo_reading") is None


async def test_amount_without_code_asks_where_the_code_is_and_keeps_the_date() -> None:
    reading = fields(code=None, problems=["code_missing"])
    messages, events = await run_action(READ, photo_tracker(reading))
    ask = only(messages, "utter_notice_photo_no_code")
    assert ask["read"] == "the amount ($6,312.45) and the date (November 10, 2026)"
    assert "top right corner" in DOMAIN["responses"]["utter_notice_photo_no_code"][0]["text"]
    assert slot(events, "notice_date") == "2026-11-10" and slot(events, "photo_reading") is None


@pytest.mark.parametrize(
    "reading",
    [
        fields(code=None, notice_date=None, amount_due=None, problems=["no_text"]),
        fields(code=None, notice_date="2026-11-10", amount_due=None, problems=["not_a_notice", "code_missing"]),
        fields(code=None, notice_date=None, amount_due=None, problems=["code_missing", "date_missing"]),
    ],
)
async def test_nothing_readable_asks_for_a_clearer_photo(reading: Dict[str, Any]) -> None:
    messages, events = await run_action(READ, photo_tracker(reading))
    assert names(messages) == ["utter_notice_photo_unreadable"] and slot(events, "photo_reading") is None


@pytest.mark.parametrize(
    "reason, response", sorted(ERROR_RESPONSES.items()) + [("unheard_of", "utter_notice_photo_broken")]
)
async def test_each_refused_file_gets_its_polite_reply(reason: str, response: str) -> None:
    messages, events = await run_action(READ, photo_tracker({"error": reason}))
    assert names(messages) == [response] and slot(events, "photo_reading") is None


@pytest.mark.parametrize("extractor, intent", [("DIETClassifier", "notice_photo"), ("notice_photos", "inform")])
async def test_a_reading_not_made_by_the_channels_is_ignored(extractor: str, intent: str) -> None:
    tracker = photo_tracker(fields(), extractor=extractor, intent=intent)
    assert photo_reading(tracker) is None
    messages, events = await run_action(READ, tracker)
    assert names(messages) == ["utter_notice_photo_missing"] and slot(events, "photo_reading") is None


async def test_unknown_code_is_confirmed_and_then_honestly_not_explained() -> None:
    messages, events = await run_action(READ, photo_tracker(fields(code="CP999X")))
    assert only(messages, "utter_notice_photo_confirm")["reading"].startswith("CP999X, dated")
    stored = slot(events, "photo_reading")
    confirm, _ = await run_action(
        CONFIRM, make_tracker("/notice_photo_right", intent="notice_photo_right", slots={"photo_reading": stored})
    )
    assert "I don't have CP999X in my notes" in only(confirm, "utter_answer")["answer"]


async def test_a_kept_page_is_offered_for_the_case_after_the_explanation() -> None:
    messages, events = await run_action(READ, photo_tracker({**fields(), "page_id": "p-123"}))
    stored = slot(events, "photo_reading")
    assert stored["page_kept"] is True and "p-123" not in str(stored)  # the bot never needs the page id
    tracker = make_tracker("/notice_photo_right", intent="notice_photo_right", slots={"photo_reading": stored})
    confirmed, _ = await run_action(CONFIRM, tracker)
    assert names(confirmed)[-1] == "utter_notice_photo_attach_ask" and "utter_answer" in names(confirmed)
    buttons = DOMAIN["responses"]["utter_notice_photo_attach_ask"][0]["buttons"]
    assert [b["payload"] for b in buttons] == ["/notice_photo_attach", "/notice_photo_discard"]
    not_kept, _ = await run_action(
        CONFIRM,
        make_tracker(
            "/notice_photo_right", intent="notice_photo_right", slots={"photo_reading": {**stored, "page_kept": False}}
        ),
    )
    assert "utter_notice_photo_attach_ask" not in names(not_kept)


@pytest.mark.parametrize(
    "metadata, response",
    [
        ({"notice_page": "attached"}, "utter_notice_page_attached"),
        ({"notice_page": "failed"}, "utter_notice_page_failed"),
        ({"notice_page": "gone"}, "utter_notice_page_gone"),
        ({}, "utter_notice_page_gone"),
        ({"notice_page": "stolen"}, "utter_notice_page_gone"),
    ],
)
async def test_attach_reports_what_the_channel_did(metadata: Dict[str, Any], response: str) -> None:
    tracker = make_tracker("/notice_photo_attach", intent="notice_photo_attach")
    tracker.events[-1]["metadata"] = metadata
    messages, events = await run_action(ActionAttachNoticePage(), tracker)
    assert names(messages) == [response] and events == []

"""action_default_ask_affirmation: "Did you mean ...?" buttons from the intent ranking."""

from __future__ import annotations

from typing import Dict, List

from actions.fallback import MAX_GUESSES, ActionDidYouMean
from knowledge.loader import cached_knowledge
from tests.actions.conftest import make_tracker, names, only, run_action

LABELS = cached_knowledge().base.intent_labels
ACTION = ActionDidYouMean()


def ranked(*pairs) -> List[Dict]:
    return [{"name": name, "confidence": confidence} for name, confidence in pairs]


def tracker_for(*pairs):
    return make_tracker("blorp levy thing?", intent="nlu_fallback", intent_ranking=ranked(*pairs))


def test_name() -> None:
    assert ACTION.name() == "action_default_ask_affirmation"


async def test_buttons_from_ranking_skip_fallback_and_out_of_scope() -> None:
    tracker = tracker_for(("nlu_fallback", 0.6), ("ask_levy", 0.25), ("out_of_scope", 0.2), ("ask_lien", 0.1))
    messages, events = await run_action(ACTION, tracker)
    assert names(messages) == ["utter_did_you_mean"]
    assert only(messages, "utter_did_you_mean")["buttons"] == [
        {"title": LABELS["ask_levy"], "payload": "/ask_levy"},
        {"title": LABELS["ask_lien"], "payload": "/ask_lien"},
        {"title": "Something else", "payload": "/out_of_scope"},
    ]
    assert events == []


async def test_at_most_three_guesses_plus_something_else() -> None:
    tracker = tracker_for(
        ("nlu_fallback", 0.5),
        ("ask_levy", 0.2),
        ("ask_lien", 0.15),
        ("ask_cnc", 0.1),
        ("ask_scam", 0.09),
        ("request_human", 0.08),
    )
    messages, _ = await run_action(ACTION, tracker)
    buttons = only(messages, "utter_did_you_mean")["buttons"]
    assert [b["payload"] for b in buttons] == ["/ask_levy", "/ask_lien", "/ask_cnc", "/out_of_scope"]
    assert len(buttons) == MAX_GUESSES + 1


async def test_chitchat_unlabelled_and_unlikely_intents_are_not_offered() -> None:
    tracker = tracker_for(
        ("greet", 0.4),
        ("thanks", 0.2),
        ("nonsense", 0.1),
        ("affirm", 0.1),
        ("deny", 0.1),
        ("goodbye", 0.1),
        ("made_up_intent", 0.1),
        ("ask_scam", 0.04),
        ("explain_notice", 0.06),
    )
    messages, _ = await run_action(ACTION, tracker)
    buttons = only(messages, "utter_did_you_mean")["buttons"]
    assert [b["payload"] for b in buttons] == ["/explain_notice", "/out_of_scope"]
    assert buttons[0]["title"] == LABELS["explain_notice"] == "Explain my notice"


async def test_no_usable_guess_asks_to_rephrase() -> None:
    tracker = tracker_for(("nlu_fallback", 0.9), ("out_of_scope", 0.05), ("greet", 0.05))
    messages, events = await run_action(ACTION, tracker)
    assert names(messages) == ["utter_ask_rephrase"]
    assert messages[0]["buttons"] == []
    assert events == []


async def test_empty_ranking_asks_to_rephrase() -> None:
    tracker = make_tracker("???", intent="nlu_fallback")
    tracker.latest_message["intent_ranking"] = []
    messages, _ = await run_action(ACTION, tracker)
    assert names(messages) == ["utter_ask_rephrase"]

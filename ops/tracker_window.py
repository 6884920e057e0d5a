"""A conversation session's events cut to the tracker Rasa needs for the next turn.

Rasa rebuilds a conversation's tracker from every event of its session on every turn, and the
policies and the action server read that whole tracker, so each reply takes longer than the one
before. What a turn needs is the session's state (slot values, the active form, a pause) and its
latest turns: MemoizationPolicy looks at the last ``max_history`` states, RulePolicy's rules are a
few turns long, and our actions and channels read the latest user message and the bot messages
after it. A window is therefore:

- the session's head as stored (``action_session_start``, ``session_started``, the slots carried
  over, the first ``action_listen``),
- the state the session had when the kept turns began, as events (``SlotSet`` for every slot whose
  value differs from the head's, ``ActiveLoop`` and its flags, ``ConversationPaused``), stamped
  with the time of the last event left out,
- the last ``keep_turns`` user turns as stored, each beginning with the user's message.

Replaying a window gives the tracker the whole session gives (same slots, active loop, pause,
latest message and action, and the same dialogue states for the kept turns); only the turns left
out are missing from ``tracker.events``. The full transcript stays in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    ConversationPaused,
    ConversationResumed,
    Event,
    FollowupAction,
    LoopInterrupted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.slots import Slot
from rasa.shared.core.trackers import DialogueStateTracker

# Stored user turns a window keeps, before the turn being answered. Each turn yields at least two
# dialogue states (the action after the message, then action_listen), so 4 turns hold 8 states: twice
# MemoizationPolicy's max_history (4 in config.yml) and four times the longest rule (one user turn);
# a form's progress lives in slots. Every event kept costs each later turn a little (replay,
# featurizing, the action server's copy), so the window is no larger than that
# (tests/ops/test_tracker_window.py checks it against config.yml and data/rules).
DEFAULT_KEEP_TURNS = 4
Events = List[Dict[str, Any]]

USER = UserUttered.type_name
ACTION = ActionExecuted.type_name


@dataclass(frozen=True)
class Checkpoint:
    """What a window needs from the part of a session left out of it.

    Attributes:
        start_id: the database id of the first event kept (a user message).
        head: the session's first events up to its first ``action_listen``.
        prefix: ``head`` followed by the state events at ``start_id``; a window is
            ``prefix`` + the stored events from ``start_id`` on.
    """

    start_id: int
    head: Tuple[Dict[str, Any], ...]
    prefix: Tuple[Dict[str, Any], ...]


def session_head(events: Sequence[Dict[str, Any]]) -> Events:
    """The events before the session's first user message, up to and including the last
    ``action_listen`` among them (none when the session does not start that way)."""
    head_end = 0
    for index, event in enumerate(events):
        if event.get("event") == USER:
            break
        if event.get("event") == ACTION and event.get("name") == ACTION_LISTEN_NAME:
            head_end = index + 1
    return list(events[:head_end])


def cut_index(events: Sequence[Dict[str, Any]], keep_turns: int, earliest: int = 0) -> Optional[int]:
    """Where the kept turns begin: the index of the ``keep_turns``-th user message from the end,
    moved earlier until the latest action before it is ``action_listen`` (a turn as Rasa starts
    one). ``None`` when there is nothing to leave out (or no clean place at or after ``earliest``).
    """
    if keep_turns < 1:
        return None
    users = [i for i, event in enumerate(events) if event.get("event") == USER and i >= earliest]
    if len(users) <= keep_turns:
        return None
    for index in reversed(users[: len(users) - keep_turns + 1]):
        if index <= earliest:
            return None
        if _latest_action(events[:index]) == ACTION_LISTEN_NAME:
            return index
    return None


def _latest_action(events: Sequence[Dict[str, Any]]) -> Optional[str]:
    for event in reversed(events):
        if event.get("event") == ACTION:
            return event.get("name")
    return None


def state_events(tracker: DialogueStateTracker, head: DialogueStateTracker, timestamp: float) -> Events:
    """Events that take ``head``'s state to ``tracker``'s: slots, active loop and its flags, pause."""
    events: List[Event] = [
        SlotSet(name, slot.value)
        for name, slot in tracker.slots.items()
        if name in head.slots and head.slots[name].value != slot.value
    ]
    if head.latest_action_name != ACTION_LISTEN_NAME:  # first: an action resets the loop's flags
        events.append(ActionExecuted(ACTION_LISTEN_NAME))
    loop = tracker.active_loop
    if tracker.active_loop_name != head.active_loop_name:
        events.append(ActiveLoop(tracker.active_loop_name))
    if loop is not None and loop.name:
        if loop.is_interrupted:
            events.append(LoopInterrupted(True))
        if loop.rejected:
            events.append(ActionExecutionRejected(loop.name))
    if tracker.is_paused() != head.is_paused():
        events.append(ConversationPaused() if tracker.is_paused() else ConversationResumed())
    if tracker.followup_action not in (None, ACTION_LISTEN_NAME):
        events.append(FollowupAction(tracker.followup_action))
    for event in events:
        event.timestamp = timestamp
    return [event.as_dict() for event in events]


def checkpoint(
    sender_id: str,
    slots: Iterable[Slot],
    head: Sequence[Dict[str, Any]],
    before: Sequence[Dict[str, Any]],
    start_id: int,
) -> Checkpoint:
    """The checkpoint at ``start_id``, where ``before`` are events that rebuild the session up to it
    (the previous checkpoint's prefix and the stored events after it, or the whole session)."""
    slots = list(slots)
    state = DialogueStateTracker.from_dict(sender_id, list(before), slots)
    at_head = DialogueStateTracker.from_dict(sender_id, list(head), slots)
    stamp = float(before[-1].get("timestamp") or 0.0) if before else 0.0
    prefix = tuple(head) + tuple(state_events(state, at_head, stamp))
    return Checkpoint(start_id=start_id, head=tuple(head), prefix=prefix)


def starts_session(event: Dict[str, Any]) -> bool:
    """Whether a stored event opens a new conversation session."""
    return event.get("event") == SessionStarted.type_name

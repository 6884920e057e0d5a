"""Read each learned rule once, and try only the rules that can follow the conversation's last action.

Rasa 3.6's ``RulePolicy`` keeps its rules as JSON strings and, to find the rules that fit a
conversation (``_get_possible_keys``), calls ``_is_rule_applicable`` for every rule and every turn of the
conversation's recent states; each call parses the rule's JSON again (``json.loads``) and turns its lists
back into tuples. With this assistant's 173 rules that was about 7 % of the Rasa server's CPU per message
at one conversation (py-spy, ``python -m bench.profile --concurrency 1``). :func:`install` replaces both
methods: each rule key is parsed once (cached by key, read-only), and the first pass, over the current
turn, tries only the rules whose last turn follows the same previous action (a rule that names another
one can never match it) or names none. Each remaining rule is decided exactly as Rasa decides it, with
Rasa's own ``_does_rule_match_state``.
"""

from __future__ import annotations

import functools
import json
from typing import Any, Dict, FrozenSet, List, Mapping, Optional, Set, Tuple

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET
from rasa.shared.core.domain import State
from rasa.shared.nlu.constants import ACTION_NAME

# Rule keys come from the loaded model's lookup (a few hundred); the bound only guards a model reloaded often.
MAX_RULE_KEYS = 20_000


def _tupled(state: Dict[str, Dict[str, Any]]) -> State:
    """A rule state as Rasa compares it: JSON's lists back to the tuples they were."""
    return {
        kind: {key: tuple(value) if isinstance(value, list) else value for key, value in sub_state.items()}
        for kind, sub_state in state.items()
    }


@functools.lru_cache(maxsize=MAX_RULE_KEYS)
def reversed_rule_states(rule_key: str) -> Tuple[State, ...]:
    """The states of ``rule_key``, last turn first (shared between calls: never change them)."""
    return tuple(_tupled(state) for state in reversed(json.loads(rule_key)))


def is_rule_applicable(policy: RulePolicy, rule_key: str, turn_index: int, conversation_state: State) -> bool:
    """``RulePolicy._is_rule_applicable`` on the cached states of ``rule_key``."""
    rule_states = reversed_rule_states(rule_key)
    # the rule fits when the conversation's history goes back further than the rule
    if turn_index >= len(rule_states):
        return True
    current_previous_action = conversation_state.get(PREVIOUS_ACTION)
    rule_previous_action = rule_states[turn_index].get(PREVIOUS_ACTION)
    # both are conversation starts (slots with an initial value are in both)
    if not rule_previous_action and not current_previous_action:
        return True
    # one is a conversation start and the other is not
    if not rule_previous_action or not current_previous_action:
        return False
    return RulePolicy._does_rule_match_state(rule_states[turn_index], conversation_state)


def _previous_action_name(state: Optional[State]) -> Optional[str]:
    name = (state or {}).get(PREVIOUS_ACTION, {}).get(ACTION_NAME)
    return name if name and name != SHOULD_NOT_BE_SET else None


class _ByPreviousAction:
    """The keys of one rule lookup grouped by the previous action their last turn names."""

    def __init__(self, lookup: Mapping[str, Any]) -> None:
        self.lookup = lookup  # kept, so its id is never reused while this index lives
        self.size = len(lookup)
        by_name: Dict[str, Set[str]] = {}
        anywhere: Set[str] = set()
        for key in lookup:
            states = reversed_rule_states(key)
            name = _previous_action_name(states[0]) if states else None
            if name is None:
                anywhere.add(key)
            else:
                by_name.setdefault(name, set()).add(key)
        self.anywhere: FrozenSet[str] = frozenset(anywhere)
        self.by_name: Dict[str, FrozenSet[str]] = {name: frozenset(keys) for name, keys in by_name.items()}

    def candidates(self, current: State) -> Set[str]:
        """The keys that may fit a conversation whose current turn is ``current``."""
        name = _previous_action_name(current)
        return set(self.anywhere).union(self.by_name.get(name, ())) if name else set(self.anywhere)


_INDEXES: Dict[int, _ByPreviousAction] = {}


def _index(lookup: Mapping[str, Any]) -> _ByPreviousAction:
    """The index of ``lookup``, built on first use and again if the lookup grew or shrank (a loaded
    model's lookups never change; training builds new ones)."""
    index = _INDEXES.get(id(lookup))
    if index is None or index.lookup is not lookup or index.size != len(lookup):
        index = _INDEXES[id(lookup)] = _ByPreviousAction(lookup)
    return index


def get_possible_keys(policy: RulePolicy, lookup: Dict[str, str], states: List[State]) -> Set[str]:
    """``RulePolicy._get_possible_keys``: the keys of ``lookup`` whose rule fits ``states``."""
    if not states:
        return set(lookup)
    possible = _index(lookup).candidates(states[-1])
    for turn_index, state in enumerate(reversed(states)):
        possible = {key for key in possible if is_rule_applicable(policy, key, turn_index, state)}
    return possible


def install() -> None:
    """Make every ``RulePolicy`` find its rules through :func:`get_possible_keys` (idempotent)."""
    RulePolicy._is_rule_applicable = is_rule_applicable  # type: ignore[method-assign]
    RulePolicy._get_possible_keys = get_possible_keys  # type: ignore[method-assign]

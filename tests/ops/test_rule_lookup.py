"""Rules found through the cached, indexed lookup are exactly those Rasa's RulePolicy finds."""

from __future__ import annotations

import json
import random
from typing import Any, Dict, List

import pytest
from rasa.core.agent import Agent
from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy

from ops import rule_lookup

RASAS_APPLICABLE = RulePolicy._is_rule_applicable
RASAS_POSSIBLE_KEYS = RulePolicy._get_possible_keys


@pytest.fixture(scope="module")
def policy(trained_agent: Agent) -> RulePolicy:
    return trained_agent.processor.graph_runner._instantiated_nodes["run_RulePolicy0"]._component


def conversations(policy: RulePolicy, count: int) -> List[List[Dict[str, Any]]]:
    """State sequences made of the rules' own turns: whole rules, rules whose last turn is another rule's,
    and rules after a few unrelated turns (so most fit no rule, some fit one, some several)."""
    rules = [
        json.loads(key)
        for lookup in (policy.lookup[RULES], policy.lookup[RULES_FOR_LOOP_UNHAPPY_PATH])
        for key in lookup
    ]
    turns = [turn for rule in rules for turn in rule]
    chosen = random.Random(17)
    made = []
    for _ in range(count):
        states = [dict(turn) for turn in chosen.choice(rules)]
        if chosen.random() < 0.5:
            states[-1] = chosen.choice(turns)
        if chosen.random() < 0.3:
            states = [chosen.choice(turns) for _ in range(chosen.randint(0, 3))] + states
        made.append(states)
    return made + [[]]


@pytest.mark.parametrize("table", [RULES, RULES_FOR_LOOP_UNHAPPY_PATH])
def test_the_same_rules_fit_every_conversation(policy: RulePolicy, table: str) -> None:
    lookup = policy.lookup[table]
    found = [
        (RASAS_POSSIBLE_KEYS(policy, lookup, s), rule_lookup.get_possible_keys(policy, lookup, s))
        for s in conversations(policy, 1500)
    ]
    assert all(rasas == ours for rasas, ours in found)
    assert sum(1 for rasas, _ in found if rasas) > 100  # many conversations fit a rule: the check is not vacuous


def test_each_rule_is_judged_applicable_as_rasa_judges_it(policy: RulePolicy) -> None:
    turns = [turn for key in policy.lookup[RULES] for turn in json.loads(key)][:80]
    for turn in turns:
        for index in range(3):
            for key in policy.lookup[RULES]:
                assert rule_lookup.is_rule_applicable(policy, key, index, turn) == RASAS_APPLICABLE(
                    policy, key, index, turn
                )


def test_a_changed_lookup_is_indexed_again(policy: RulePolicy) -> None:
    lookup = dict(policy.lookup[RULES])
    states = json.loads(next(iter(lookup)))
    before = rule_lookup.get_possible_keys(policy, lookup, states)
    assert before
    for key in before:
        del lookup[key]
    assert rule_lookup.get_possible_keys(policy, lookup, states) == RASAS_POSSIBLE_KEYS(policy, lookup, states) == set()


def test_install_replaces_rasas_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RulePolicy, "_is_rule_applicable", RASAS_APPLICABLE)
    monkeypatch.setattr(RulePolicy, "_get_possible_keys", RASAS_POSSIBLE_KEYS)
    rule_lookup.install()
    rule_lookup.install()
    assert RulePolicy._get_possible_keys is rule_lookup.get_possible_keys
    assert RulePolicy._is_rule_applicable is rule_lookup.is_rule_applicable

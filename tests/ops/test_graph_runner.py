"""The sequential graph runner gives what Rasa's dask runner gives, on small graphs and on the trained model."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.engine.exceptions import GraphComponentException, GraphRunError
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.trackers import DialogueStateTracker

from ops import graph_runner
from ops.graph_runner import SequentialGraphRunner, plan_for


class Add(GraphComponent):
    """Adds its config's ``amount`` to the sum of what it is given; ``fail`` makes it raise."""

    def __init__(self, config: Dict[str, Any]) -> None:
        self.config = config

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Add:
        return cls(config)

    def run(self, **numbers: Any) -> Any:
        if self.config.get("fail"):
            raise ValueError("broken node")
        return self.config.get("amount", 0) + sum(numbers.values())


def node(needs: Dict[str, str], amount: int = 0, **extra: Any) -> SchemaNode:
    return SchemaNode(
        needs=needs, uses=Add, constructor_name="create", fn="run", config={"amount": amount, **extra}, eager=True
    )


# a diamond (b and c both need a), a node reading an input, a node outside every target's reach
DIAMOND = {
    "a": node({}, 1),
    "b": node({"x": "a"}, 10),
    "c": node({"x": "a", "y": "__input__"}, 100),
    "d": node({"x": "b", "y": "c"}, 1000),
    "unused": node({"x": "d"}, fail=True),
}


def both(schema: Dict[str, SchemaNode], tmp_path: Path) -> List[DaskGraphRunner]:
    graph = GraphSchema(schema)
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(graph, "model")
    return [cls.create(graph, storage, context) for cls in (DaskGraphRunner, SequentialGraphRunner)]


def outcome(runner: DaskGraphRunner, inputs: Optional[Dict[str, Any]], targets: Optional[List[str]]) -> Any:
    try:
        return runner.run(inputs, targets)
    except Exception as error:  # noqa: BLE001 - the error's type is what is compared
        return type(error)


@pytest.mark.parametrize(
    "inputs, targets, expected",
    [
        ({"__input__": 5}, ["d"], {"d": 1000 + 11 + 106}),
        ({"__input__": 5}, ["b", "c"], {"b": 11, "c": 106}),
        ({"__input__": 5}, ["a"], {"a": 1}),
        ({}, ["d"], GraphRunError),  # c's input is missing: the node reports it
        ({"__input__": "a"}, ["d"], GraphRunError),  # an input named like a node
        ({"__input__": 5}, ["unused"], GraphComponentException),  # a node that raises
        ({"__input__": 5, "b": 7}, ["d"], {"d": 1000 + 7 + 106}),  # an input replaces the node of its name
    ],
)
def test_runs_like_rasas_dask_runner(tmp_path: Path, inputs: Dict[str, Any], targets: List[str], expected: Any) -> None:
    dask_runner, sequential = both(DIAMOND, tmp_path)
    assert outcome(sequential, inputs, targets) == outcome(dask_runner, inputs, targets) == expected


def test_every_node_runs_after_what_it_needs_and_only_once() -> None:
    plan = plan_for(GraphSchema(DIAMOND), ["d", "b"])
    order = [name for name, _ in plan]
    assert sorted(order) == ["a", "b", "c", "d"]
    for name, needs in plan:
        assert all(order.index(need) < order.index(name) for need in needs if need in order)


def test_a_cycle_is_an_error_not_a_hang(tmp_path: Path) -> None:
    with pytest.raises(GraphRunError, match="cycle"):
        plan_for(GraphSchema({"a": node({"x": "b"}), "b": node({"x": "a"})}), ["a"])


def test_the_plan_is_worked_out_once_per_target_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, sequential = both(DIAMOND, tmp_path)
    calls: List[Any] = []

    def counted(schema: GraphSchema, targets: Any) -> Any:
        calls.append(targets)
        return plan_for(schema, targets)

    monkeypatch.setattr(graph_runner, "plan_for", counted)
    for _ in range(3):
        assert sequential.run({"__input__": 1}, ["d"]) == {"d": 1000 + 11 + 102}
    assert calls == [("d",)]


MESSAGES = [
    "I got a CP504 for about $4k and I was laid off in the spring, will they garnish my wages??",
    "me llegó una carta del IRS que dice CP14, ¿qué hago?",
    "hi",
    "<script>alert(1)</script>",
]


def _as_seen(message: Any) -> Dict[str, Any]:
    data = message.as_dict_nlu()
    return {key: data.get(key) for key in ("intent", "intent_ranking", "entities", "text")}


async def test_the_trained_model_parses_and_predicts_the_same(trained_agent: Agent) -> None:
    rasas = trained_agent.processor.graph_runner
    sequential = SequentialGraphRunner.__new__(SequentialGraphRunner)  # the loaded model's own nodes, run in turn
    sequential.__dict__.update(rasas.__dict__, _plans={})
    metadata = trained_agent.processor.model_metadata
    for text in MESSAGES:
        inputs = {"__message__": [UserMessage(text, sender_id="same", message_id="same")]}
        got = [runner.run(inputs, [metadata.nlu_target])[metadata.nlu_target] for runner in (rasas, sequential)]
        assert [_as_seen(m) for m in got[0]] == [_as_seen(m) for m in got[1]]
    tracker = DialogueStateTracker.from_dict("same", [], trained_agent.domain.slots)
    predicted = [
        runner.run({"__tracker__": tracker}, [metadata.core_target])[metadata.core_target]
        for runner in (rasas, sequential)
    ]
    assert predicted[0].max_confidence_index == predicted[1].max_confidence_index
    assert predicted[0].probabilities == predicted[1].probabilities


def test_install_makes_the_processor_load_models_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import rasa.core.processor

    monkeypatch.setattr(rasa.core.processor, "DaskGraphRunner", DaskGraphRunner)
    graph_runner.install()
    assert rasa.core.processor.DaskGraphRunner is SequentialGraphRunner

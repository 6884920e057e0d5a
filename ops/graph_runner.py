"""Run the model's prediction graph node by node, in an order worked out once per set of targets.

Rasa 3.6 runs its graph through ``dask.get`` for every parse and every action prediction: each run
rebuilds the minimal schema (a recursive walk without memory, then a list search per node), builds a dask
graph, orders it (``dask.order``) and drives dask's scheduler state machine, all to call about twenty
nodes that form a simple chain: about 0.5 ms of the 3.5-4 ms a parse takes. :class:`SequentialGraphRunner`
walks the same nodes (those the targets depend on) in a topological order, cached by target list,
passing each node the same arguments dask would (the outputs of the nodes it needs, as ``(name, output)``
pairs, and the bare name of a need that nothing provides). Results and errors are those of :class:`DaskGraphRunner`.

Only the server's prediction graph uses it (:func:`install` swaps the class the message processor loads
the model with); training keeps Rasa's own runner.
"""

from __future__ import annotations

import graphlib
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import ExecutionContext, GraphNodeHook, GraphSchema
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.storage import ModelStorage

# The nodes to call in turn for one target list: each node's name and the names of what it needs.
Plan = Tuple[Tuple[str, Tuple[str, ...]], ...]


def plan_for(schema: GraphSchema, targets: Sequence[str]) -> Plan:
    """The nodes ``targets`` depend on (themselves included), each after every node it needs."""
    # the nodes GraphSchema.minimal_graph_schema keeps, found with a visited set (Rasa's walk recurses
    # without one, and never ends on a cycle)
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    seen: Set[str] = set()
    waiting = [target for target in targets if target in schema.nodes]
    while waiting:
        name = waiting.pop()
        if name in seen:
            continue
        seen.add(name)
        needed = [need for need in schema.nodes[name].needs.values() if need in schema.nodes]
        sorter.add(name, *needed)
        waiting.extend(needed)
    try:
        order = list(sorter.static_order())
    except graphlib.CycleError as error:
        raise GraphRunError(f"The graph has a cycle: {error.args[1]}") from error
    return tuple((name, tuple(schema.nodes[name].needs.values())) for name in order)


class SequentialGraphRunner(DaskGraphRunner):
    """A :class:`DaskGraphRunner` that calls its nodes in a cached order instead of scheduling them with dask."""

    def __init__(
        self,
        graph_schema: GraphSchema,
        model_storage: ModelStorage,
        execution_context: ExecutionContext,
        hooks: Optional[List[GraphNodeHook]] = None,
    ) -> None:
        super().__init__(graph_schema, model_storage, execution_context, hooks)
        self._plans: Dict[Tuple[str, ...], Plan] = {}

    @classmethod
    def create(
        cls,
        graph_schema: GraphSchema,
        model_storage: ModelStorage,
        execution_context: ExecutionContext,
        hooks: Optional[List[GraphNodeHook]] = None,
    ) -> SequentialGraphRunner:
        """Creates the runner (see :meth:`DaskGraphRunner.create`)."""
        return cls(graph_schema, model_storage, execution_context, hooks)

    def _plan(self, targets: Sequence[str]) -> Plan:
        key = tuple(targets)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = plan_for(self._graph_schema, key)
        return plan

    def run(self, inputs: Optional[Dict[str, Any]] = None, targets: Optional[List[str]] = None) -> Dict[str, Any]:
        """Runs the graph (see :meth:`DaskGraphRunner.run`): the targets' outputs by target name.

        Raises:
            GraphRunError: an input is named like a node, or a node raised a ``RuntimeError``.
        """
        run_targets = targets if targets else self._graph_schema.target_names
        plan = self._plan(run_targets)
        # Like dask, a node is handed an input as the pair (input name, value).
        values: Dict[str, Any] = {}
        for name, value in (inputs or {}).items():
            if isinstance(value, str) and (value in values or any(value == node for node, _ in plan)):
                raise GraphRunError(
                    f"Input value '{value}' clashes with a node name. Make sure that none of the input "
                    f"names passed to the `run` method are the same as node names in the graph schema."
                )
            values[name] = (name, value)
        nodes = self._instantiated_nodes
        try:
            for name, needs in plan:
                if name in values:  # an input overrides the node of its name, as in the dask graph
                    continue
                # a need nothing provides is passed by name (the node then reports it missing), as dask does
                values[name] = nodes[name](*[values.get(need, need) for need in needs])
            return dict(values[target] for target in run_targets)
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error


def install() -> None:
    """Make the message processor load every model with :class:`SequentialGraphRunner`."""
    import rasa.core.processor

    rasa.core.processor.DaskGraphRunner = SequentialGraphRunner  # type: ignore[misc]

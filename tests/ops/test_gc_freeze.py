"""Start-up objects are frozen out of full garbage collections once the server has loaded."""

from __future__ import annotations

import gc
from typing import Iterator

import pytest

from ops import gc_freeze


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


async def test_the_loader_runs_first_then_what_it_loaded_is_frozen() -> None:
    seen = []

    async def load(name: str) -> dict:
        seen.append(gc.get_freeze_count())
        return {"model": name}

    assert await gc_freeze.after(load)("tax-assistant") == {"model": "tax-assistant"}
    assert seen == [0]  # nothing frozen while loading
    assert gc.get_freeze_count() > 1000  # everything alive after it is


def test_rasa_freezes_after_loading_its_agent(monkeypatch: pytest.MonkeyPatch) -> None:
    import rasa.core.run

    original = rasa.core.run.load_agent_on_start
    monkeypatch.setattr(rasa.core.run, "load_agent_on_start", original)
    gc_freeze.install()
    assert rasa.core.run.load_agent_on_start is not original
    assert rasa.core.run.load_agent_on_start.__wrapped__ is original  # type: ignore[attr-defined]

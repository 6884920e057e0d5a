"""The domain each custom action reads, loaded once by the action server instead of sent per call.

Rasa 3.6 puts the whole domain (``Domain.as_dict()``, about 65 kB of JSON for ours) into every
action call unless the action endpoint sets ``enable_selective_domain: true`` (endpoints*.yml do).
Each call then cost Rasa a JSON encoding, the loopback transfer and the action server a decoding,
for a domain that never changes while both servers run. The actions still need it (the form
validator reads the form's slots, the session start and the intake controls pick response texts),
so the action server loads the same file Rasa was trained from, the way Rasa loads it, and hands it
to every call that arrives without one. A call that carries a domain keeps its own.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Dict

DOMAIN_FILE = Path(__file__).resolve().parents[1] / "domain.yml"


@functools.lru_cache(maxsize=4)
def load_domain(path: Path = DOMAIN_FILE) -> Dict[str, Any]:
    """``path`` as Rasa hands a domain to actions (``Domain.load(path).as_dict()``)."""
    from rasa.shared.core.domain import Domain

    return Domain.load(str(path)).as_dict()


def with_domain(call: Dict[str, Any], domain: Dict[str, Any]) -> Dict[str, Any]:
    """The action call with ``domain`` filled in when Rasa sent none (selective domain)."""
    if call.get("domain"):
        return call
    return {**call, "domain": domain}

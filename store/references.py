"""Case references the taxpayer sees and types back, e.g. ``MTS-7K3Q9``.

The code is 5 characters from an alphabet without look-alikes: digits 2-9 and the uppercase letters
except I, L, O and U (30 symbols, about 24 million codes per prefix). Since 0, 1, I, L and O never
occur, a code the user types with any of them is simply not a reference.
"""

from __future__ import annotations

import re
import secrets
from typing import Optional

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 5

_SEPARATORS = r"[\s\-_#:.\u2010-\u2015]*"


def new_reference(prefix: str) -> str:
    """A new random reference such as ``MTS-7K3Q9`` (uniqueness is the store's job)."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{prefix.upper()}-{code}"


def normalise_reference(text: str, prefix: str) -> Optional[str]:
    """The first case reference in ``text``, in canonical form, or None.

    Accepts any case and common separators: "mts 7k3q9", "MTS-7K3Q9.", "my case is mts7k3q9".

    Args:
        text: what the user wrote.
        prefix: the firm's reference prefix, e.g. ``MTS``.

    Returns:
        e.g. ``MTS-7K3Q9``, or None when no well-formed reference is found.
    """
    if not text or not prefix:
        return None
    pattern = re.compile(
        rf"(?<![A-Za-z0-9]){re.escape(prefix)}{_SEPARATORS}([A-Za-z0-9]{{{CODE_LENGTH}}})(?![A-Za-z0-9])",
        re.IGNORECASE,
    )
    for match in pattern.finditer(text):
        code = match.group(1).upper()
        if all(char in ALPHABET for char in code):
            return f"{prefix.upper()}-{code}"
    return None

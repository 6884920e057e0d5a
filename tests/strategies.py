"""Hypothesis strategies shared by the property and fuzz tests."""

from __future__ import annotations

from hypothesis import strategies as st
from stdnum.us import ssn


@st.composite
def valid_ssns(draw: st.DrawFn) -> str:
    """A number python-stdnum accepts as an SSN, as 123-45-6789, 123 45 6789 or 123456789."""
    digits = draw(st.from_regex(r"[0-8][0-9]{8}", fullmatch=True).filter(ssn.is_valid))
    layout = draw(st.sampled_from(["{}-{}-{}", "{} {} {}", "{}{}{}"]))
    return layout.format(digits[:3], digits[3:5], digits[5:])

"""Case references: format, randomness and finding them in what users type."""

from __future__ import annotations

import re
from typing import Optional

import pytest

from store.references import ALPHABET, new_reference, normalise_reference

FORMAT = re.compile(r"MTS-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{5}")


def test_alphabet_has_no_look_alikes() -> None:
    assert len(ALPHABET) == len(set(ALPHABET)) == 30
    assert not set("01ILOU") & set(ALPHABET)


def test_new_references_have_the_format_and_are_spread_over_the_alphabet() -> None:
    references = [new_reference("MTS") for _ in range(2000)]
    assert all(FORMAT.fullmatch(reference) for reference in references)
    # 30**5 = 24.3 million codes: among 2000 a few repeats may happen (about 8 % chance of one),
    # many would mean a broken generator. The store makes them unique (see test_cases).
    assert len(set(references)) >= 1990
    assert set("".join(reference[4:] for reference in references)) == set(ALPHABET)


def test_prefix_is_uppercased() -> None:
    assert new_reference("acme").startswith("ACME-")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("MTS-7K3Q9", "MTS-7K3Q9"),
        ("mts 7k3q9", "MTS-7K3Q9"),
        ("MTS-7K3Q9.", "MTS-7K3Q9"),
        ("my case is mts7k3q9", "MTS-7K3Q9"),
        ("ref: Mts_7k3Q9, thanks", "MTS-7K3Q9"),
        ("MTS – 7K3Q9", "MTS-7K3Q9"),
        ("(MTS#7K3Q9)", "MTS-7K3Q9"),
        ("MTS-7K3O9", None),  # O is not in the alphabet
        ("MTS-7K3Q1", None),  # nor is 1
        ("MTS-7K3Q", None),  # too short
        ("MTS-7K3Q9X", None),  # too long
        ("XMTS-7K3Q9", None),  # prefix inside a word
        ("7K3Q9", None),  # no prefix
        ("ABC-7K3Q9", None),
        ("", None),
        ("MTS-7K3O9 or MTS-7K3Q9", "MTS-7K3Q9"),  # the first valid one
    ],
)
def test_normalise_reference(text: str, expected: Optional[str]) -> None:
    assert normalise_reference(text, "MTS") == expected


def test_normalise_reference_with_another_prefix() -> None:
    assert normalise_reference("case acme 22zz9", "ACME") == "ACME-22ZZ9"
    assert normalise_reference("case acme 22zz9", "acme") == "ACME-22ZZ9"

"""Codes read back from OCR misreadings: only a single known code counts, never an invented one."""

from __future__ import annotations

import pytest

from notice_reader.codes import misread_prefix_code, near_known


@pytest.mark.parametrize(
    "token, code",
    [
        ("cr297", "CP297"),  # "CP" read as "cr"
        ("CPSOBC", "CP508C"),  # digits read as letters, the suffix letter kept
        ("CP5O4B", "CP504B"),
    ],
)
def test_a_misread_prefix_and_digits_are_read_back(token: str, code: str) -> None:
    assert misread_prefix_code(token) == code


@pytest.mark.parametrize("token", ["cross", "crabc", "CPZ", "notes", "CP", "date"])
def test_words_that_are_no_known_code_stay_unread(token: str) -> None:
    assert misread_prefix_code(token) is None


def test_a_look_alike_within_two_edits_of_one_known_code() -> None:
    assert near_known("CP5O4") == "CP504"
    assert near_known("XYZ12") is None

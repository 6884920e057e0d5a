"""Fold text into the GSM-7 SMS alphabet: one table for the composer (which measures SMS answers)
and the SMS channel (which folds what it sends)."""

from __future__ import annotations

# Typographic punctuation and accented letters outside GSM-7 (one of them turns a whole SMS into
# UCS-2, 70 characters a segment). é, ñ, ü, ¿ and ¡ are GSM-7 and stay.
GSM_FOLD = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",
        "\u2026": "...",
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2022": "-",
        "á": "a",
        "í": "i",
        "ó": "o",
        "ú": "u",
        "Á": "A",
        "Í": "I",
        "Ó": "O",
        "Ú": "U",
        "â": "a",
        "ê": "e",
        "î": "i",
        "ô": "o",
        "û": "u",
        "ç": "c",
        "ï": "i",
        "ë": "e",
        "È": "E",
        "Ì": "I",
        "Ò": "O",
        "Ù": "U",
        "À": "A",
    }
)


def to_gsm(text: str) -> str:
    """``text`` with the characters of GSM_FOLD replaced ("más" -> "mas", "’" -> "'")."""
    return text.translate(GSM_FOLD)

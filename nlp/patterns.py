"""Entity-ruler patterns for IRS notice codes, forms, tax years and dollar amounts.

The patterns are generic on purpose: they find codes the knowledge base does not know (CP242,
LT77) so the bot can say honestly that it lacks them instead of ignoring the code.
Values are normalised later by ``knowledge.codes``.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

NOTICE = "notice_code"
FORM = "form"
TAX_YEAR = "tax_year"
AMOUNT = "amount"
LABELS = (NOTICE, FORM, TAX_YEAR, AMOUNT)

# One token such as "668-W", "668W", "668(Y)", "668(Y)(c)", "668-A(c)". The default English tokenizer
# splits these at hyphens and parentheses, so the pipeline keeps them whole with this token_match.
FORM_668_TOKEN = r"668(?:-?[AaWwYy]|\([Yy]\))(?:\((?:[Cc]|[Ii][Cc][Ss]|[Aa][Cc][Ss])\))?"
TOKEN_MATCH = re.compile(rf"^(?:{FORM_668_TOKEN})$")

_PREFIXED = r"^(?i:cp|lt)-?\d{1,4}[A-Za-z]{0,2}$"  # CP504, cp-2000, LT11, CP3219A, cp71d
_L_LETTER = r"^(?i:l|ltr|letter)-?\d{3,4}[A-Za-z]?$"  # L1058, LTR1058, Letter-1058
_C_LETTER = r"^\d{3,4}[Cc]$"  # 5071C, 4883C, 5747C
_NUMBER = r"^\d{1,4}[A-Za-z]{0,2}$"
_LETTER_NUMBER = r"^\d{3,4}[A-Za-z]?$"
_WORDS_AFTER = ["notice", "notices", "letter", "letters", "aviso", "carta"]
_WORDS_BEFORE = ["notice", "aviso", "carta"]
_LETTER_WORDS = ["letter", "ltr", "carta"]
_FORM_WORDS = ["form", "formulario", "forma"]

Pattern = Dict[str, Any]


def _regex(expr: str) -> Pattern:
    return {"TEXT": {"REGEX": expr}}


def notice_patterns() -> List[Pattern]:
    """Patterns for notice and letter codes, however people write them."""
    token_patterns = [
        [_regex(_PREFIXED)],
        [_regex(_L_LETTER)],
        [_regex(_C_LETTER)],
        [{"LOWER": {"IN": ["cp", "lt"]}}, _regex(_NUMBER)],
        [{"LOWER": {"IN": ["cp", "lt"]}}, {"ORTH": "-"}, _regex(_NUMBER)],
        [{"LOWER": {"IN": _LETTER_WORDS}}, _regex(_LETTER_NUMBER)],
        [{"LOWER": {"IN": _WORDS_BEFORE}}, _regex(_LETTER_NUMBER)],
        [_regex(_LETTER_NUMBER), {"LOWER": {"IN": _WORDS_AFTER}}],
        [_regex(f"^{FORM_668_TOKEN}$")],
        [{"LOWER": {"IN": _FORM_WORDS}}, _regex(f"^{FORM_668_TOKEN}$")],
    ]
    return [{"label": NOTICE, "pattern": p} for p in token_patterns]


def other_patterns() -> List[Pattern]:
    """Patterns for IRS form numbers, tax years and dollar amounts."""
    money_number = r"^\d[\d,]*(?:\.\d+)?[kK]?$"
    token_patterns = {
        FORM: [
            [{"LOWER": {"IN": _FORM_WORDS}}, _regex(r"^(?!668)\d{3,5}[A-Za-z]{0,2}$")],
            [
                {"LOWER": {"IN": _FORM_WORDS}},
                _regex(r"^(?!668)\d{3,5}$"),
                {"ORTH": "-"},
                _regex(r"^[A-Za-z]{1,3}$"),
            ],
        ],
        TAX_YEAR: [[_regex(r"^(?:19[89]\d|20[0-4]\d)$")]],
        AMOUNT: [
            [{"ORTH": "$"}, _regex(money_number)],
            [_regex(money_number), {"LOWER": {"IN": ["dollars", "dollar", "usd", "bucks", "dolares"]}}],
            [{"ORTH": "$"}, _regex(money_number), {"LOWER": {"IN": ["m", "k", "million", "thousand"]}}],
        ],
    }
    return [{"label": label, "pattern": pattern} for label, patterns in token_patterns.items() for pattern in patterns]


def all_patterns() -> List[Pattern]:
    """Every entity-ruler pattern, notice codes first."""
    return notice_patterns() + other_patterns()

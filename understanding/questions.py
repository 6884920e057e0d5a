"""Find every question a message asks, sentence by sentence.

A taxpayer's paragraph often holds two or three questions ("will they garnish my wages? can I get a
payment plan?"). Each sentence is matched against short pattern sets, one per question label; a
label about a threat ("will they take my bank account") counts only in a sentence that asks, so a
statement of what happened ("they froze my account") is read as the situation instead.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Pattern, Tuple

from nlp.language import plain
from understanding import english_questions as english
from understanding import spanish_questions as spanish

QUESTIONS = (
    "what_is_notice",
    "what_to_do",
    "deadline",
    "consequences",
    "wage_levy",
    "bank_levy",
    "levy_general",
    "social_security_levy",
    "stop_levy",
    "lien",
    "lien_removal",
    "payment_plan",
    "offer_in_compromise",
    "cnc_hardship",
    "innocent_spouse",
    "penalty_relief",
    "cdp_hearing",
    "collection_statute",
    "scam",
    "passport",
    "disagree",
    "talk_to_pro",
    "firm_services",
    "taxpayer_advocate",
    "bankruptcy",
    "unfiled_returns",
    "injured_spouse",
)


def _any(*patterns: str) -> Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# English and Spanish wordings of each label match as one pattern (Spanish on the text without accents).
# A form named by its number is a question about what it is for ("para que sirve el formulario 656"),
# in either language: the form's own topic.
_FORM = r"\b(?:(?:irs )?form|formulario|forma|the)\s*"
FORM_QUESTIONS: Dict[str, Tuple[str, ...]] = {
    "offer_in_compromise": (_FORM + r"656\b",),
    "payment_plan": (_FORM + r"9465\b",),
    "cdp_hearing": (_FORM + r"(?:12153|9423)\b",),
    "innocent_spouse": (_FORM + r"8857\b",),
    "injured_spouse": (_FORM + r"8379\b",),
    "cnc_hardship": (_FORM + r"433-?(?:a|f)\b",),
    "penalty_relief": (_FORM + r"843\b",),
    "taxpayer_advocate": (_FORM + r"911\b",),
    "lien_removal": (_FORM + r"(?:14135|14134|12277)\b",),
}
_PATTERNS: Dict[str, Pattern[str]] = {
    label: _any(*english.QUESTIONS.get(label, ()), *spanish.QUESTIONS.get(label, ()), *FORM_QUESTIONS.get(label, ()))
    for label in QUESTIONS
}
# Labels about a threat or a fact: they count only in a sentence that asks something.
_NEEDS_ASKING = {
    "wage_levy",
    "bank_levy",
    "levy_general",
    "social_security_levy",
    "lien",
    "consequences",
    "passport",
    "scam",
    "collection_statute",
    "deadline",
    "what_is_notice",
    "cdp_hearing",
    "payment_plan",
    "offer_in_compromise",
    "innocent_spouse",
    "cnc_hardship",
    "unfiled_returns",
}
# A more specific label in the same sentence hides the general one.
_HIDES: Dict[str, Tuple[str, ...]] = {
    "stop_levy": ("wage_levy", "bank_levy", "levy_general"),
    "social_security_levy": ("wage_levy", "levy_general"),
    "wage_levy": ("levy_general",),
    "bank_levy": ("levy_general",),
    "lien_removal": ("lien",),
    "penalty_relief": (),
    # a joint refund kept for the spouse's own debt is injured spouse relief, not innocent spouse relief
    "injured_spouse": ("innocent_spouse",),
    # "how far back do I have to go?" after years unfiled asks about filing, not the ten years to collect
    "unfiled_returns": ("collection_statute",),
}
_ASKING = re.compile(
    r"\?|^\s*(?:will|can|could|would|do|does|did|is|are|am|should|how|what|when|why|where|who|which|any|has|have)\b"
    r"|\bwhen (?:will|would|do|does|did|can|could|is|are|should|am|was|were|must|has|have)\b"  # not "when I filed"
    r"|\bwhen\W*$"  # "21 days from when", "since when?"
    r"|\b(?:what|how|why|which|can i|could i|can we|can they|could they|will they|would they|will i|do i|"
    r"do they|does it|should i|is it|is this|is that|am i|are they|what if|will it|will this|will that|"
    r"does this|does that|can it|would it|will my|does my|does the|will the|would the|can the|is the irs|do the)\b"
    r"|^\s*or\b"  # "...? or should I just set up a plan": the alternative is asked too
    r"|\b(?:wondering|want to know|wanted to know|like to know|need to know|not sure|worried|afraid|scared|"
    r"concerned|is there|are there|how do i|how can i|can i|should i|i want|i'd like|i would like|i need|"
    r"help me|please|possible|chance|anyone know|tell me|ask(?:ing)? (?:about|if)|question|i thought)\b"
    r"|¿|" + spanish.ASKING,
    re.IGNORECASE,
)
_SENTENCE_SPLIT = re.compile(
    r"(?<=[.?!])\s+|\n+|(?<=\?)(?=\S)|\s+(?=¿)|\s+(?=(?:also|and also|plus|oh and|"
    + spanish.SENTENCE_CONNECTORS
    + r")\b)",
    re.IGNORECASE,
)


def sentences(text: str) -> List[str]:
    """Split a message into sentences (roughly: punctuation, line breaks, "also")."""
    return [part.strip() for part in _SENTENCE_SPLIT.split(text) if part and part.strip()]


# "y si hago un plan...", "and if I pay...": the "if" that follows keeps the sentence a question.
_CONNECTOR = re.compile(
    r"^\s*(?:also|and|plus|oh and|but|so|ok|okay|y|pero|entonces|bueno|tambien)\b(?! (?:si|if)\b)[,\s]*", re.IGNORECASE
)


def is_asking(sentence: str) -> bool:
    """True when the sentence asks, wants or worries about something."""
    return bool(_ASKING.search(_CONNECTOR.sub("", normalise(sentence))))


# People drop the apostrophe ("whats", "dont", "cant"): write the contraction out so one pattern reads both.
_CONTRACTIONS = {
    "whats": "what is",
    "hows": "how is",
    "wheres": "where is",
    "whos": "who is",
    "whens": "when is",
    "dont": "don't",
    "doesnt": "doesn't",
    "didnt": "didn't",
    "cant": "can't",
    "wont": "won't",
    "isnt": "isn't",
    "arent": "aren't",
    "wasnt": "wasn't",
    "havent": "haven't",
    "hasnt": "hasn't",
    "wouldnt": "wouldn't",
    "couldnt": "couldn't",
    "shouldnt": "shouldn't",
    "theyre": "they're",
    "ive": "i've",
    "im": "i'm",
    "what's": "what is",
    "how's": "how is",
}
_CONTRACTION = re.compile(r"\b(?:" + "|".join(re.escape(word) for word in _CONTRACTIONS) + r")(?![\w'])", re.IGNORECASE)


def normalise(text: str) -> str:
    """``text`` without accents and with contractions written the usual way ("whats" -> "what is")."""
    return _CONTRACTION.sub(lambda m: _CONTRACTIONS[m.group(0).lower()], plain(text))


# "What is a lien exactly, and will it stop the sale?": the definition is asked too, not hidden.
_DEFINED = re.compile(r"\bwhat(?: is|'s| are|s) (?:a |an |the )?(?P<word>lien|levy)", re.IGNORECASE)
_DEFINITION_LABELS = {"lien": "lien", "levy": "levy_general"}


def sentence_questions(sentence: str, asking: Optional[bool] = None) -> List[str]:
    """The question labels of one sentence (English or Spanish), in order of appearance; ``asking``
    overrides whether the sentence counts as asking (a statement that a later "is that true?" asks about)."""
    sentence = normalise(sentence)
    asking = is_asking(sentence) if asking is None else asking
    spans: Dict[str, Tuple[int, int]] = {}
    for label, pattern in _PATTERNS.items():
        match = pattern.search(sentence)
        if match and (asking or label not in _NEEDS_ASKING):
            spans[label] = match.span()
    return _unhidden(spans, sentence)


def _unhidden(spans: Dict[str, Tuple[int, int]], sentence: str) -> List[str]:
    """The labels in order of appearance, without a general label whose words a specific one already
    took ("stop the garnishment" is not also "garnishment"); a general label on words of its own stays
    ("will it show on my credit, and can I refinance?" asks about the lien and about removing it)."""
    defined = {_DEFINITION_LABELS[m.group("word").lower()] for m in _DEFINED.finditer(sentence)}
    hidden = {
        general
        for label, (start, end) in spans.items()
        for general in _HIDES.get(label, ())
        if general in spans
        and general not in defined
        and (label not in _HIDES_ONLY_OWN_WORDS or _same_words(spans[general], (start, end), sentence))
        and not _asked_apart(general, sentence, start, end)
    }
    return [label for label, _ in sorted(spans.items(), key=lambda item: item[1][0]) if label not in hidden]


# "when would they start garnishing and can I stop it before it starts?" asks both: stopping hides only the
# levy named in its own words or right after them ("stop the garnishment", "does that stop them from levying").
_HIDES_ONLY_OWN_WORDS = ("stop_levy", "unfiled_returns")
_CLAUSE_BREAK = re.compile(r"[,;]|\b(?:and|or|also|y|o)\b", re.IGNORECASE)


def _same_words(general: Tuple[int, int], specific: Tuple[int, int], sentence: str) -> bool:
    """True when the general label's words are the specific one's, or follow them in the same clause."""
    if general[0] < specific[1] and specific[0] < general[1]:
        return True
    gap = sentence[specific[1] : general[0]]
    return general[0] >= specific[1] and len(gap) <= 25 and not _CLAUSE_BREAK.search(gap)


# What a general label asks on its own beside the specific one: the lien's effect on credit.
_OWN_QUESTION = {
    "lien": re.compile(r"\bcredit\b|\bcredito\b", re.IGNORECASE),
    "innocent_spouse": re.compile(r"\binnocent spouse\b|\b8857\b|\bconyuge inocente\b", re.IGNORECASE),
    # "me pueden embargar el carro y la cuenta": the car is asked about beside the account
    "levy_general": re.compile(
        r"\b(?:car|truck|house|home|property|boat|receivables?|clients?|customers?|clientes|401k|ira|retirement|equipment|inventory|"
        r"carro|troca|camioneta|casa|propiedad|auto|bienes|retiro)\b",
        re.IGNORECASE,
    ),
}


def _asked_apart(general: str, sentence: str, start: int, end: int) -> bool:
    """True when ``general`` is asked in words outside the specific label's match."""
    own = _OWN_QUESTION.get(general)
    if own is None:
        return False
    if general == "levy_general":  # property named anywhere beside the account ("el carro y la cuenta")
        return bool(own.search(sentence))
    return any(not start <= m.start() < end for m in own.finditer(sentence))


# "Is that true?", "can they really do that?": a question about the sentence before it.
_POINTS_BACK = re.compile(
    r"^\s*(?:(?:is|was) (?:that|it|this) (?:true|right|correct|so|real|possible)|really|"
    r"(?:can|could|would|will) (?:they|the irs) (?:really )?do (?:that|this|it)\b[^?.!]{0,25}|"
    r"(?:does|do|will|would) (?:that|it|this) (?:matter|change anything|make a difference|affect (?:it|this|that|anything))\b[^?.!]{0,25}|"
    r"(?:do i have to|must i|should i) sign (?:it|this|that)|(?:tengo que|debo|estoy obligad[oa] a) firmar(?:lo|la)?|"
    r"es (?:cierto|verdad|asi|posible)|de verdad|(?:pueden|puede|podrian) (?:hacer|hacerme) (?:eso|esto)\b[^?.!]{0,25})"
    r"\s*[?.!]*\s*$",
    re.IGNORECASE,
)


# A question and the more specific ones that already cover it ("can they take my paycheck" covers a levy).
QUESTION_FAMILY: Dict[str, Tuple[str, ...]] = {
    "levy_general": ("wage_levy", "bank_levy", "social_security_levy", "stop_levy"),
    "lien": ("lien_removal",),
    "payment_plan": ("offer_in_compromise", "cnc_hardship"),
    "cdp_hearing": ("disagree",),
    "what_to_do": (
        "stop_levy",
        "lien_removal",
        "payment_plan",
        "cnc_hardship",
        "offer_in_compromise",
        "penalty_relief",
        "innocent_spouse",
        "injured_spouse",
        "unfiled_returns",
        "taxpayer_advocate",
        "bankruptcy",
        "disagree",
    ),
}


def covered(question: str, questions: List[str]) -> bool:
    """True when ``question`` or a more specific question of its family is already in ``questions``."""
    return question in questions or bool(set(QUESTION_FAMILY.get(question, ())) & set(questions))


# Questions that ask for nothing in particular: with only these, what the message talks about
# ("my passport might be revoked ... what do I do") is what needs answering.
GENERIC = frozenset({"what_to_do", "consequences", "deadline", "what_is_notice", "talk_to_pro"})
_FROM_STATEMENTS = (
    "passport",
    "lien_removal",
    "lien",
    "wage_levy",
    "bank_levy",
    "social_security_levy",
    "levy_general",
    "penalty_relief",
    "payment_plan",
    "innocent_spouse",
    "offer_in_compromise",
    "cdp_hearing",
    "taxpayer_advocate",
    "bankruptcy",
    "unfiled_returns",
    "injured_spouse",
    "disagree",  # "their number is wrong ... how long do I have": the notice is disputed
    "cnc_hardship",  # "I've been in currently not collectible for 2 years ... do I have to respond?"
)


# Someone asking for a parent or another relative ("my mom is 82 ... should she call social security? how do we
# keep them from taking her check"): read as if asked of oneself, so that "should she call" is "should I call".
# Not for a spouse: "his part of the refund" is the other spouse's, not the writer's.
_RELATIVE = re.compile(
    r"\b(?:mom|mum|mother|dad|father|parents?|grand(?:ma|pa|mother|father)|aunt|uncle|sister|brother|son|daughter|"
    r"mama|papa|madre|padre|abuel[oa]|hij[oa]|herman[oa]|tia|tio)\b",
    re.IGNORECASE,
)
_SPOUSE_WORDS = re.compile(r"\b(?:husband|wife|spouse|ex|esposo|esposa|marido)\b", re.IGNORECASE)
_AS_FIRST_PERSON = (
    (re.compile(r"\bdoes (?:she|he)\b", re.IGNORECASE), "do i"),
    (re.compile(r"\bis (?:she|he)\b", re.IGNORECASE), "am i"),
    (re.compile(r"\bhas (?:she|he)\b", re.IGNORECASE), "have i"),
    (re.compile(r"\b(?:she|he) (?:is|was)\b", re.IGNORECASE), "i am"),
    (re.compile(r"\b(?:she|he) has\b", re.IGNORECASE), "i have"),
    (re.compile(r"\b(?:she|he)\b(?! (?:wants?|said|says|told)\b)", re.IGNORECASE), "i"),
    (re.compile(r"\b(?:his|her|hers)\b", re.IGNORECASE), "my"),
)


def _as_first_person(text: str) -> str:
    """``text`` with a relative's he/she/his/her as I/my, when it speaks of a relative and of no spouse."""
    if not _RELATIVE.search(text) or _SPOUSE_WORDS.search(text):
        return text
    for pattern, replacement in _AS_FIRST_PERSON:
        text = pattern.sub(replacement, text)
    return text


def find_questions(text: str) -> List[str]:
    """Every question label in ``text``, in order of appearance, each once."""
    found: List[str] = []
    text = _as_first_person(text)
    parts = sentences(text)
    for index, sentence in enumerate(parts):
        labels = sentence_questions(sentence)
        if not labels and _POINTS_BACK.search(normalise(sentence)):
            # the nearest earlier sentence that says something: "they froze my account. I moved. can they do that?"
            labels = next(
                (
                    found_before
                    for before in reversed(parts[:index])
                    for found_before in [sentence_questions(before, asking=True)]
                    if found_before
                ),
                [],
            )
        for label in labels:
            if label not in found:
                found.append(label)
    if found and set(found) <= GENERIC:
        for sentence in sentences(text):
            for label in _statement_topics(sentence):
                if label not in found:
                    found.insert(len([f for f in found if f not in GENERIC]), label)
    return _unsuperseded(found, text)


# A specific label that hides a general one in the whole message, not only in its own sentence: "they kept
# our refund for his child support. can I get my half back?" asks for injured spouse relief only.
_HIDES_IN_MESSAGE: Dict[str, Tuple[str, ...]] = {"injured_spouse": ("innocent_spouse",)}


def _unsuperseded(found: List[str], text: str) -> List[str]:
    """``found`` without a general label a specific one in the message hides, unless the general one is
    named on its own ("is this innocent spouse or injured spouse?")."""
    flat = normalise(text)
    hidden = {
        general
        for label in found
        for general in _HIDES_IN_MESSAGE.get(label, ())
        if not (general in _OWN_QUESTION and _OWN_QUESTION[general].search(flat))
    }
    return [label for label in found if label not in hidden]


def _statement_topics(sentence: str) -> List[str]:
    """The topic labels a statement mentions ("my passport might be revoked")."""
    sentence = normalise(sentence)
    spans = {
        label: match.span() for label in _FROM_STATEMENTS for match in [_PATTERNS[label].search(sentence)] if match
    }
    return _unhidden(spans, sentence)

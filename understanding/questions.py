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
)


def _any(*patterns: str) -> Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


_PATTERNS: Dict[str, Pattern[str]] = {
    "what_is_notice": _any(
        r"\bwhat (?:is|does|do|'?s) (?:this|that|it|the|a|an|my|these)\b(?! (?:best|quickest|fastest|easiest|right|only|next|cheapest|smartest) )[^?.!]{0,40}\b(?:mean|notice|letter|about|say)",
        r"\bwhat (?:is|'?s|are) (?:a |an |the )?(?:cp|lt|letter|ltr|notice|form)\s?-?\s?\d",
        r"\bwhat does (?:it|this|that) mean\b",
        r"\bwhat (?:is|'?s) this\b",
        r"\bexplain\b",
        r"\bmeaning of\b",
        r"\bwhat (?:it|this) (?:is|means)\b",
        r"\bwhat kind of (?:notice|letter)\b",
        r"\bwhy (?:did|would) (?:i|we) (?:get|receive)\b",
        r"\bno idea what\b",
        r"\bdon'?t understand (?:it|this|the|what)\b",
        r"\bwhat (?:does|do) (?:cp|lt|letter)",
        r"\bwhat (?:is|'?s) (?:a |an |the )?(?:notice of|final notice|intent to levy|notice of intent)",
        r"\bwhy (?:did|would|do|does|is|are) (?:i|we|they|the irs|this|it)\b[^?.!]{0,25}\b(?:get|got|receiv\w*|send|sent|mail\w*|default\w*|bill\w*|charg\w*|say|come)",
        r"\bwhy (?:am i|are we|was i|were we) (?:getting|being|receiving)\b",
        r"\b(?:is|are) (?:this|it|that|these) (?:the same|similar|different)(?: thing)? (?:as|to|from|than) (?:a |an |the |my )?(?:cp|lt|letter|notice|form|\d)",
        r"\bwhat (?:exactly |even )?(?:is|are) (?:this|that|these) (?:letters?|notices?|things?|forms?)\b",
        r"\bis (?:this|it|that) (?:the )?(?:last|final) (?:warning|notice|letter|step)\b",
        r"\bis (?:this|that|it) (?:bad|serious|urgent)\b",
    ),
    "what_to_do": _any(
        r"\bwhat (?:should|do|can|would|must) (?:i|we) do\b",
        r"\bwhat (?:are )?(?:my|our|his|her|their) options\b",
        r"\bwhat now\b",
        r"\bwhat (?:happens|do i do) now\b",
        r"\b(?:need|have) to do (?:something|anything)\b",
        r"\bdo (?:i|we) (?:need to |have to |just |still )?(?:file|send|sign|mail|call|submit|respond|pay)\b[^?.!]{0,60}\b(?:or|instead)\b",
        r"\bwhat (?:does|do) (?:the |this |that )?(?:ro|revenue officer|officer|agent|irs|he|she|they|guy)\b[^?.!]{0,10}\bwant\b",
        r"\b(?:which|what|who) (?:one |debt |bill |notice )?(?:should|do|must) (?:i|we) pay first\b",
        r"(?<!long )(?<!time )(?<!when )(?<!days )\bdo (?:i|we) (?:have|need) to (?:fill|sign|send|file|respond|answer|reply|return|call)\b",
        r"\bnext steps?\b",
        r"\bhow (?:do|should|can) (?:i|we) (?:handle|respond|deal|proceed|fix|resolve)",
        r"\bwhat(?: is|'s)? the (?:best|quickest|fastest|easiest|right|cheapest|smartest) (?:way|thing|option|move|step)\b",
        r"\bwhat (?:do|should|must) (?:i|we) (?:bring|send|prepare|have ready|say|gather)\b",
        r"\bwhat (?:is|'?s) the best (?:way|thing|option)",
        r"\badvice\b",
        r"\bwhere do i (?:start|begin)\b",
        r"\bwhat (?:are )?(?:my|the) choices\b",
        r"\bhow to (?:respond|handle|deal with)\b",
        r"\bwhat do i need to do\b",
        r"\banything (?:i|we) can (?:still )?do\b",
        r"\bis there (?:anything|a way|any way|something)\b",
        r"\bwhat can be done\b",
        r"\bwhat (?:can|could) (?:i|we) (?:still )?do\b",
        r"\bshould (?:i|we) (?:call|contact|respond|reply|answer|pay|ignore|worry)\b",
        r"\bwhat are (?:my|our) next\b",
        r"\bhow do (?:i|we) (?:fix|handle) this\b",
    ),
    "deadline": _any(
        r"\bhow (?:long|much time|many days) (?:do|will|did|have) (?:i|we)\b",
        r"\bhow long (?:until|before|does|do|will|would|can)\b",
        r"\bdeadline\b",
        r"\bwhen (?:is|do i have to|must i|should i|does) [^?.!]{0,30}(?:due|pay|respond|reply)",
        r"\bhow long (?:does|will|would|do) (?:it|this|that|the process|they) (?:take|usually take)\b",
        r"\bwhen (?:would|will|could|can|do|does|might) (?:they|the irs|it)\b[^?.!]{0,15}\b(?:start|begin|levy|garnish|take|seize|freeze)",
        r"\bwhen is it due\b",
        r"\bhow many days\b",
        r"\btime (?:left|limit to respond)\b",
        r"\bdue date\b",
        r"\bstill (?:time|able) to\b",
        r"\bdo i (?:still )?have time\b",
        r"\bdo (?:i|we) (?:still |only )?have (?:\d+|thirty|sixty|ninety|21|30) days\b",
    ),
    "consequences": _any(
        r"\bwhat (?:happens|will happen|would happen|could happen)\b",
        r"\bif (?:i|we) (?:don'?t|do not|can'?t|cannot|never) pay\b",
        r"\bif (?:i|we) ignore\b",
        r"\bwhat (?:will|can|could) (?:they|the irs) do\b",
        r"\bhow bad is\b",
        r"\bif (?:i|we) (?:pay|file|respond|answer) (?:it |this |that )?late\b",
        r"\bif (?:i|we) miss (?:it|this|that|(?:the|a|that) (?:date|deadline|payment))\b",
        r"\bwill (?:they|the irs) (?:charge|add|fine|penalize|file for)\b",
        r"\b(?:go|going) to jail\b",
        r"\barrest",
        r"\bwhat are the consequences\b",
        r"\bshould i (?:be )?(?:worried|scared)\b",
        r"\bwhat if (?:i|we) (?:don'?t|do not|never|ignore|miss)\b",
        r"\bwhat comes (?:after|next)\b",
        r"\bshut (?:us|me|it) down\b",
        r"\b(?:can|could) they (?:really )?make (?:me|us) pay\b",
        r"\bnext (?:letter|notice|step)\b[^?.!]{0,25}\b(?:after|from them)\b|\bwhat(?: is)? (?:the )?next (?:letter|notice)\b",
    ),
    "wage_levy": _any(
        r"\bgarnish\w*\b(?![^?.!]{0,20}\b(?:bank|account|social security))",
        r"\b(?:wages?|paychecks?|my pay\b|my check\b|salary)",
    ),
    # "the bank" as lender or statement ("will the bank approve me", "bank statements") is no bank levy
    "bank_levy": _any(
        r"\bbank\b(?!\s+(?:statements?|loans?|even|approv\w*|lend\w*|financ\w*|mortgage))",
        r"\b(?:checking|savings) account\b",
        r"\bmy account\b",
        r"\bmy (?:money|savings|funds)\b",
        r"\bdeposit(?:s|ed|ing)?\b(?! (?:penalt\w*|schedule))",
    ),
    "levy_general": _any(
        r"\blev(?:y|ies|ied|ying)\b",
        r"\bseiz\w*",
        r"\btake (?:my|our) (?:house|home|car|property|stuff|things|truck|retirement|401k|ira)",
        r"\btake (?:everything|it all)\b",
        r"\bcome after (?:me|us|my)\b",
        r"\b(?:do|take|levy|freeze|garnish|seize) (?:it |that |this |more )?again\b",
        r"\btake (?:my|our) (?:half|share|part)\b",
        r"\b(?:empty|drain|clean out|wipe out|go after|touch)\b[^?.!]{0,20}\b(?:ira|401\(?k\)?|retirement|savings|house|home|car|truck|property)\b",
        r"\bwhat about (?:my|our) (?:ira|401\(?k\)?|retirement|house|home|car|truck|property)\b",
        r"\b(?:can|could|will|would) (?:they|the irs) (?:really |still )?(?:take|seize|sell|auction) (?:it|them|that)\b",
        r"\b(?:take|keep|seize)\b[^?.!]{0,12}\b(?:my|our) (?:tax )?refund\b",
    ),
    "social_security_levy": _any(
        r"\b(?:social security|ssdi|ssi|disability|benefits|pension)\b[^?.!]{0,40}\b(?:take|levy|garnish|touch|cut|seiz|protected|exempt|safe)",
        r"\b(?:take|levy|garnish|touch|cut|seiz|go after|come after)\w*\b[^?.!]{0,40}\b(?:social security|ssdi|ssi|disability (?:check|pay|benefits?)|benefits|pension|retirement (?:pay|benefits?|checks?|income|annuity))\b",
        r"\bwhat about (?:ssi|ssdi|social security|disability)\b",
    ),
    "stop_levy": _any(
        r"\b(?:stop|release|lift|end|remove|undo|reverse|get rid of)\b[^?.!]{0,25}\b(?:levy|garnishment|garnishing|freeze|hold)",
        r"\b(?:lower|reduce|decrease|cut)\b[^?.!]{0,20}\b(?:levy|garnishment)\b",
        r"\btake less\b(?! than)",
        r"\bget (?:my |the |our |that |this )?money back\b",
        r"\b(?:give|pay|send) (?:it|that|the money|the fee|me) back\b",
        r"\b(?:garnishment|levy|garnish\w*)\b[^?.!]{0,20}\b(?:lowered|reduced|stopped|released|lifted|removed)\b",
        r"\b(?:will|would|does|can) (?:it|that|this|the levy|the garnishment) stop\b(?! (?:the|my|me|us|a|an|our|from)\b)",
        r"\blevy\b[^?.!]{0,20}\b(?:released|lifted|removed|stopped)\b",
        r"\b(?:would|will|does|can|could) (?:that|it|this) stop (?:them|it|the levy|the garnishment|collection)\b",
        r"\bunfreeze\b",
        r"\b(?:will|would|does|can) (?:it|that|the levy|the garnishment) (?:come off|end|go away|be lifted|be released)\b",
        r"\bget (?:it|them|my (?:money|funds|paycheck|account)) back\b",
        r"\brelease (?:my|the|our) (?:account|wages|funds|money)",
    ),
    "lien": _any(
        r"\blien\b",
        r"\bliens\b",
        r"\b(?:go on|hurt|affect|show (?:up )?on|ruin|damage|appear on) (?:my |our )?credit\b",
        r"\bcredit (?:report|score)\b",
    ),
    "lien_removal": _any(
        r"\b(?:remove|release|withdraw|get rid of|discharge|subordinat\w*|lift|clear)\b[^?.!]{0,30}\blien",
        r"\blien\b[^?.!]{0,40}\b(?:removed|released|withdrawn|off|go away|cleared)",
        r"\bsell\w*\b[^?.!]{0,40}\blien\b",
        r"\blien\b[^?.!]{0,40}\b(?:sell|sale|refinanc)",
        r"\b(?:off|from|clear) (?:my |our )?credit (?:report|score)\b",
        r"\blien\b[^?.!]{0,30}\bsecond\b",
        r"\b(?:at|before) (?:the )?closing\b",
        r"\bsale proceeds\b|\bproceeds (?:of|from) the sale\b",
        r"\bdischarg\w*\b",
        r"\b(?:has|have|needs?) to be (?:gone|paid|paid off|cleared|removed|released)\b",
        r"\b(?:let|allow) (?:us|me) (?:to )?(?:sell|refinance)\b",
        r"\bbefore (?:we|i|they) (?:can )?(?:close|sell|refinanc\w*)\b",
        r"\b(?:can|could) (?:i|we) (?:still )?(?:sell|refinance)\b",
    ),
    "payment_plan": _any(
        r"\bpayment (?:plan|arrangement|agreement)s?\b",
        r"\binstall?ment",
        r"\bpay (?:it |this |them )?(?:off )?(?:monthly|in payments|over time|a little)",
        r"\bmonthly payments?\b",
        r"\bin (?:monthly )?payments\b",
        r"\bmake payments\b",
        r"\bpayments? (?:each|every|per|a) month\b",
        r"\bpay (?:it )?in installments\b",
        r"\breinstat\w*",
        r"\ball at once\b",
        r"\bin one (?:lump sum|payment|go)\b",
        r"\blump sum\b",
        r"\bpay (?:something|a little|some|part|what (?:i|we) can)\b[^?.!]{0,15}\b(?:monthly|each month|every month|a month|over time)\b",
        r"\b(?:short|long)[- ]term (?:payment )?plan\b",
        r"\b(?:set up|get on|sign up for|apply for|ask for) (?:a |an |the )?(?:irs )?(?:payment )?plan\b",
        r"\b(?:add|added|include|included|roll\w*|put)\b[^?.!]{0,30}\b(?:to|into|in) (?:the|my|our) (?:same )?(?:payment )?(?:plan|agreement)\b",
        r"\bmake up (?:the |my |that )?(?:missed |late )?payment\b",
        r"\bmore time to pay\b",
        r"\bset up (?:monthly )?payments\b",
        r"\bpayment arrangement\b",
        r"\bpay (?:the )?(?:whole|full|entire) (?:thing|amount|balance|bill)\b",
        r"\bpay (?:it |this |that )?(?:all|in full)(?! (?:and|but))\b",
        r"\b(?:keep|save|restore|fix|get back on|start) (?:my |the |our |a new |another )?(?:payment )?(?:plan|agreement|one)\b",
        r"\b(?:cancel|end|terminate|default)\w*\b[^?.!]{0,20}\b(?:my |the |our )?(?:payment )?(?:plan|agreement)\b",
    ),
    "offer_in_compromise": _any(
        r"\boffer in compromise\b",
        r"\boic\b",
        r"\bsettle\w*\b",
        r"\bpennies on the dollar\b",
        r"\bless than (?:i|we|you|what (?:i|we|you)) owe",
        r"\bnegotiate\b",
        r"\breduce (?:the|my) (?:debt|balance|amount)\b",
        r"\bcompromise\b",
        r"\bforgive\w*\b",
    ),
    "cnc_hardship": _any(
        r"\bcan'?t (?:afford|pay)\b",
        r"\bcannot (?:afford|pay)\b",
        r"\bunable to pay\b",
        r"\bhardship\b",
        r"\bnot collectible\b",
        r"\bcurrently not collectable\b",
        r"\bcnc\b",
        r"\bno money\b",
        r"\bbroke\b",
        r"\bdon'?t have (?:the )?(?:money|funds)\b",
        r"\bwhat if (?:i|we) can'?t\b(?! (?:get|find|reach|make it))",
        r"\bpause\b",
        r"\bput (?:it|me|my account|collection|collections|everything|the debt) on hold\b",
        r"\bhold off\b",
        r"\b(?:stop|suspend|halt) (?:the )?collect\w*\b(?! (?:of|on) (?:my|the) (?:wages|bank|paycheck))",
    ),
    "innocent_spouse": _any(
        r"\binnocent spouse\b",
        r"\b(?:responsible|liable|on the hook|have to pay)\b[^?.!]{0,40}\b(?:his|her|husband|wife|spouse|ex)\b",
        r"\b(?:his|her|husband'?s?|wife'?s?|spouse'?s?|ex'?s?)\b[^?.!]{0,30}\b(?:debt|taxes|mistake)\b[^?.!]{0,30}\b(?:me|my)\b",
        r"\bseparation of liability\b",
        r"\binjured spouse\b",
        r"\b(?:go after|collect from|bill|charge) (?:only )?(?:him|her|my ex|my (?:ex-?)?(?:husband|wife|spouse))(?: only)?\b",
        r"\b(?:my|just my|only my) (?:own )?(?:half|share|part|portion)\b(?! of (?:the )?(?:house|home|property))",
        r"\b(?:get out of|off the hook)\b[^?.!]{0,40}\b(?:didn'?t know|did not know|his|her|spouse|husband|wife)\b",
    ),
    "penalty_relief": _any(
        r"\bpenalt(?:y|ies)\b[^?.!]{0,40}\b(?:remove|removed|waive|waived|abate|abated|reduce|reduced|relief|off|forgive|get rid)",
        r"\b(?:remove|waive|abate|reduce|forgive|get rid of|take off|drop)\b[^?.!]{0,30}\bpenalt",
        r"\bfirst[- ]time abatement\b",
        r"\breasonable cause\b",
        r"\bfta\b",
        r"\babatement\b",
    ),
    "cdp_hearing": _any(
        r"\bhearing\b",
        r"\bappeal\w*\b",
        r"\b12153\b",
        r"\bcollection due process\b",
        r"\bcdp\b",
        r"\bcap\b(?= appeal| request)",
        r"\btax court\b",
    ),
    "collection_statute": _any(
        r"\b(?:10|ten)[- ]years?\b",
        r"\bstatute of limitations?\b",
        r"\bexpire\w*\b",
        r"\bcsed\b",
        r"\bwait (?:it )?out\b",
        r"\bgo away (?:after|eventually)\b",
        r"\btime limit\b[^?.!]{0,20}\bcollect",
        r"\bfall off\b",
        r"\bhow far back\b",
        r"\b(?:keep|continue) (?:coming|going) after\b",
        r"\bhow long can (?:the irs|they) (?:collect|keep|go|come|chase)\b",
        r"\b(?:still|ever) (?:collect|come after|go after)\b[^?.!]{0,20}\b(?:old|19\d\d|20[01]\d)\b",
    ),
    "scam": _any(
        r"\bscam\w*\b",
        r"\b(?:is|it'?s|this) (?:it |this )?(?:real|legit|legitimate|fake|genuine)\b",
        r"\bfraud\w*\b",
        r"\bis (?:this|it|that)(?: \w+){0,3} (?:real|legit|legitimate|fake|genuine)\b",
        r"\bis (?:it|this|that) really (?:the|from the) irs\b",
        r"\b(?:gift|prepaid|itunes|google play) cards?\b",
        r"\breally from the irs\b",
        r"\bphish\w*\b",
        r"\bhow (?:do|can|would) (?:i|we) (?:know|tell|check|verify)\b[^?.!]{0,30}\b(?:real|legit|fake|scam\w*|really)\b",
        r"\b(?:texts?|text message|e-?mails?|voicemail|phone call|robocall|dm)\b[^?.!]{0,30}\b(?:from|saying|claiming|says)\b[^?.!]{0,15}\birs\b",
        r"\bclick (?:on )?(?:the|a|this) link\b",
    ),
    "passport": _any(r"\bpassport\b", r"\btravel (?:abroad|out of)\b"),
    "disagree": _any(
        r"\bdisagree\b",
        r"\bdon'?t agree\b",
        r"\bdo not agree\b",
        r"\b(?:is|seems|looks) wrong\b",
        r"\bmistake\b",
        r"\berror\b",
        r"\bdispute\b",
        r"\bnot (?:mine|my income|my debt)\b",
        r"\bnever (?:got|received|earned|made|had) (?:that|this|the|any) (?:income|money|1099|w-?2)\b",
        r"\b(?:isn'?t|is not|wasn'?t|was not) (?:even )?mine\b",
        r"\bnever (?:got|received|earned) (?:that|this)\b",
        r"\bincorrect\b",
        r"\bdon'?t owe\b",
        r"\bdo not owe\b",
        r"\bcontest\b",
        r"\bchallenge (?:it|this|the)\b",
        r"\b(?:need|have) to pay (?:it |this |that )?again\b",
        r"\bpay (?:it |this |that |them )?(?:again|twice)\b",
        r"\bfight (?:this|it|the (?:notice|letter|bill|amount|changes?|assessment))\b",
        r"\bshow (?:them|the irs|it)\b[^?.!]{0,25}\b(?:paid|payment)\b",
        r"\bproof (?:of payment|(?:that )?i paid)\b",
        r"\bprove (?:that )?(?:i'?m|i am|we'?re|we are|it'?s|it is|i was|we were)(?: really)? not\b",
        r"\bprove (?:that )?(?:i|we) (?:don'?t|do not|didn'?t) owe\b",
    ),
    "talk_to_pro": _any(
        r"\btalk (?:to|with) (?:someone|somebody|a person|a human|an agent|a pro|a tax pro|a professional|an expert|you)",
        r"\bcan (?:you|someone|somebody) help\b",
        r"\bcall me\b",
        r"\brepresent\w*\b",
        r"\bhire (?:a|someone|you)\b",
        r"\bneed (?:a |some )?(?:help|professional|tax pro|lawyer|attorney|cpa)\b",
        r"\bspeak (?:to|with)\b",
        r"\bget help\b",
        r"\b(?:lawyer|attorney|cpa|enrolled agent|accountant|bookkeeper|tax (?:preparer|pro|professional|person|guy|advisor|expert|firm))\b",
        r"\bwho (?:do|should|can) (?:i|we) (?:even )?(?:talk|speak|call)\b",
        r"\bget (?:a|an) (?:rep|representative)\b",
    ),
    "firm_services": _any(
        r"\bwhat do you (?:guys |all |folks )?(?:do|charge|offer)\b",
        r"\bhow much do (?:you|y'?all)(?: guys| folks)? (?:charge|cost)\b",
        r"\bhow much (?:do you|does it|will it|would it) cost\b",
        r"\byour (?:fees?|services|prices?|rates?)\b",
        r"\bhow much do you charge\b",
        r"\bfree consultation\b",
    ),
}
# Spanish wordings match alongside, on the text without accents (see spanish_questions.py).
_PATTERNS = {label: _any(pattern.pattern, *spanish.QUESTIONS.get(label, ())) for label, pattern in _PATTERNS.items()}
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
}
# A more specific label in the same sentence hides the general one.
_HIDES: Dict[str, Tuple[str, ...]] = {
    "stop_levy": ("wage_levy", "bank_levy", "levy_general"),
    "social_security_levy": ("wage_levy", "levy_general"),
    "wage_levy": ("levy_general",),
    "bank_levy": ("levy_general",),
    "lien_removal": ("lien",),
    "penalty_relief": (),
}
_ASKING = re.compile(
    r"\?|^\s*(?:will|can|could|would|do|does|did|is|are|am|should|how|what|when|why|where|who|which|any|has|have)\b"
    r"|\b(?:what|how|when|why|which|can i|could i|can we|can they|could they|will they|would they|will i|do i|"
    r"do they|does it|should i|is it|is this|is that|am i|are they|what if|will it|will this|will that|"
    r"does this|does that|can it|would it|will my|does my)\b"
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
        if general in spans and general not in defined and not _asked_apart(general, sentence, start, end)
    }
    return [label for label, _ in sorted(spans.items(), key=lambda item: item[1][0]) if label not in hidden]


# What a general label asks on its own beside the specific one: the lien's effect on credit.
_OWN_QUESTION = {"lien": re.compile(r"\bcredit\b|\bcredito\b", re.IGNORECASE)}


def _asked_apart(general: str, sentence: str, start: int, end: int) -> bool:
    """True when ``general`` is asked in words outside the specific label's match."""
    own = _OWN_QUESTION.get(general)
    if own is None:
        return False
    return any(not start <= m.start() < end for m in own.finditer(sentence))


# "Is that true?", "can they really do that?": a question about the sentence before it.
_POINTS_BACK = re.compile(
    r"^\s*(?:(?:is|was) (?:that|it|this) (?:true|right|correct|so|real|possible)|really|"
    r"(?:can|could|would|will) (?:they|the irs) (?:really )?do (?:that|this|it)\b[^?.!]{0,25}|"
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
)


def find_questions(text: str) -> List[str]:
    """Every question label in ``text``, in order of appearance, each once."""
    found: List[str] = []
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
    return found


def _statement_topics(sentence: str) -> List[str]:
    """The topic labels a statement mentions ("my passport might be revoked")."""
    sentence = normalise(sentence)
    spans = {
        label: match.span() for label in _FROM_STATEMENTS for match in [_PATTERNS[label].search(sentence)] if match
    }
    return _unhidden(spans, sentence)

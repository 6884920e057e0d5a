"""Read one message whole: codes, amounts, dates, tax years, situation, questions, scope.

``read_message`` combines the smaller readers and the conversation so far (the notice, date and
topics remembered from earlier turns), so a follow-up such as "how do I get rid of it" after a
question about liens is read as a question about removing the lien.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, List, Optional, Sequence, Tuple

from nlp.language import plain
from services.amounts import parse_amount
from services.dates import find_notice_date
from understanding.codes_in_text import CodeMention, find_codes
from understanding.questions import (
    GENERIC,
    covered,
    find_questions,
    is_asking,
    normalise,
    sentence_questions,
    sentences,
)
from understanding.situations import REFUND_WORD, URGENT_SITUATIONS, find_situations

OUT_OF_SCOPE = ("tax_prep", "refund_status", "state_notice", "other")
_TAX_YEAR = re.compile(
    r"\b(?:tax year|for|in|year|of|del|de|ano|año|en|para el)\s+((?:19|20)\d\d)\b|\b((?:19|20)\d\d)\s+(?:tax(?:es)?|return|taxes)\b",
    re.I,
)
_YEAR_RANGE = re.compile(r"\b((?:19|20)\d\d)\s*(?:-|to|through|thru|a|al|hasta)\s*((?:19|20)\d\d)\b", re.I)
_REFUND = re.compile(
    r"\b(?:where(?:'s| is|s) my (?:tax )?refund|(?:get|receive) my (?:tax )?refund\b|refund (?:status|is late|hasn'?t|has not|still|delayed|taking)|"
    r"refund is (?:way |really |so |very )?(?:late|overdue)|form 3911\b|"
    r"(?:haven'?t|have not|hasn'?t|has not|didn'?t|did not|still haven'?t) (?:got|gotten|received) (?:my |his |her |our |their )?(?:tax )?refund|"
    r"when will i (?:get|receive) my refund|track (?:my )?refund|(?:still )?waiting (?:on|for) (?:my )?(?:tax )?refund|"
    r"refund (?:never came|never arrived|is (?:still )?(?:pending|processing|under review)|status)|"
    r"\btracker\b[^.?!]{0,25}\b(?:says|shows)\b[^.?!]{0,10}\bprocessing|\bpath act\b|\bholds? (?:those|the|these|my) refunds?\b|"
    # an amended return sent and waited on: its status, not how to prepare one
    r"where(?:'s| is|s) my amended return\b|\bamended return\b[^.?!]{0,30}\b(?:says|shows|status|still)\b|"
    r"status of (?:my |the )?amended return|donde esta (?:mi|la) declaracion enmendada|"
    r"(?:sigo|seguimos) esperando (?:mi|el) reembolso|(?:and |but |still )?no refund (?:yet|still)?\b[^.?!]{0,20}\bwhere|"
    # Spanish, on the text without accents
    r"donde esta (?:mi|el) reembolso|(?:no me ha|todavia no me|aun no me) (?:llegado|llega) (?:el |mi )?reembolso|"
    r"cuando (?:me llega|recibo|llega) (?:el |mi )?reembolso|estado de (?:mi|el) reembolso|"
    r"(?:no he|todavia no he|aun no he) recibido (?:mi|el) reembolso|"
    r"(?:no (?:me )?(?:ha )?llega\w*|todavia no|aun no)[^.?!]{0,30}\b(?:reembolso|refund)\b)",
    re.I,
)
_TAX_PREP = re.compile(
    r"\b(?:how (?:do|can|should) i (?:file|prepare|do) (?:my )?(?:\d{4} )?(?:tax(?:es)?|return)|"
    r"(?:file|prepare|do) my (?:\d{4} )?(?:taxes|tax return|return)\b(?! (?:late|that|which))|"
    r"file (?:all )?(?:the |my |those )?(?:old|back|past|missing|unfiled|prior) (?:year )?(?:tax )?returns?|which (?:form|software)|standard deduction|w-?4|claim (?:my )?(?:kid|child|dependent)|"
    r"\b1040-?x\b|(?:file|fill out|do) (?:an|a) amendment\b|"
    r"(?:how (?:do|can|should) i )?(?:file|prepare|do) (?:an|a|my) amended (?:tax )?return|amend (?:my|a|the) (?:\d{4} )?(?:tax )?return|"
    r"how (?:do|can|should) i (?:file|prepare|submit|catch up on)\b[^?.!]{0,30}\breturns?\b|"
    r"help (?:me )?(?:filing|file|with filing)|"
    r"como (?:declaro|hago|presento|preparo) (?:mis? |los |la )?(?:impuestos|taxes|declaracion)|"
    r"(?:declarar|presentar|hacer) (?:mis |los )?(?:impuestos|taxes|declaracion(?:es)?)(?: de impuestos)?(?: atrasad\w*| de a[nñ]os anteriores)?\b(?! (?:tarde|que))|"
    r"(?:declarar|presentar)\b[^.?!]{0,25}\ba[nñ]os (?:atrasados|anteriores|pasados)|"
    r"deduccion estandar|reclamar a mis (?:hijos|dependientes)|"
    # an ITIN to file with (Form W-7): how to get one belongs to tax preparation
    r"(?:get|apply for|need|sacar|tramitar|pedir|necesito) (?:an |a |un |mi |el )?itin\b|\bw-?7\b)",
    re.I,
)
# Debts and agencies that are not the IRS: HMRC, the CRA, Spain's or Mexico's tax office, card companies, student loans.
_OTHER_CREDITOR = re.compile(
    r"\b(?:hmrc|cra|canada revenue|credit card (?:company|companies|debt)|student loans?|"
    r"medical (?:bill|debt)s?|hospital (?:bill|debt)s?|debt collectors? (?:for|from) (?:a|my) (?:credit|card|hospital)|"
    r"tarjetas? de credito|prestamos? estudiantil\w*|deudas? medicas?|cobradores?|child support|manutencion|"
    # another country's tax office: Spain's or Mexico's (Hacienda, la Agencia Tributaria, el SAT), in euros
    r"hacienda (?:de espana|espanola|me|nos|le)|agencia tributaria|el sat|euros?)\b",
    re.I,
)
# The IRS or a federal tax named beside another creditor ("a federal student loan" is no tax debt).
_IRS_DEBT = re.compile(
    r"\birs\b|\bfederal (?:tax|taxes|lien|levy|notice)\b|\bimpuestos? federal\w*\b|"
    r"(?<!estudiantil )(?<!reembolso )\bfederal\b(?! (?:student|loan|refund))",
    re.I,
)
# Words that say the IRS itself sent it or acted ("from the IRS", "the IRS froze", "federal tax lien").
_IRS_SENDER = re.compile(
    r"\bfrom the irs\b|\birs (?:notice|letter|sent|says|said|levied|took|froze|filed|garnish\w*|"
    r"is (?:taking|levying|garnishing))\b|\bfederal (?:tax )?(?:notice|lien|levy|return)\b|"
    r"\bdel irs\b|\bel irs (?:me )?(?:mando|envio|dice|embargo|congelo|quito|presento)\b|\b(?:gravamen|embargo) federal\b",
    re.I,
)
# A follow-up that points back at the last topic: "how do I get rid of it", "can I stop it".
_REMOVE_IT = re.compile(
    r"\b(?:get rid of|remove|stop|release|lift|end|undo|fix|take care of|make|reverse)\b[^?.!]{0,12}\b(?:it|that|this|them)\b(?! (?:mean|says?))|"
    r"\b(?:it|that|this|them) (?:be )?(?:reversed|undone)\b|"
    r"\b(?:parar|detener|quitar|frenar|levantar|cancelar|parar)(?:lo|la)? (?:eso|esto)\b|\bse (?:puede|pueden|podra) (?:parar|detener|quitar|frenar|levantar|cancelar)\b|"
    r"\b(?:lo|la|los|las) (?:pueden|puede|podrian|van a) (?:quitar|eliminar|perdonar|levantar|cancelar|bajar)\b|"
    r"\b(?:it|that|this|them|those|these) (?:part |amount )?(?:be )?(?:removed|released|lifted|stopped|go away|back|taken off|come off|waived|abated|forgiven|reduced)\b|"
    r"\b(?:lo|la|los|las) (?:quito|quitan|elimino|paro|detengo|levanto|arreglo|cancelo|quiten|eliminen|levanten)\b|"
    r"\b(?:quitarl[oa]s?|eliminarl[oa]s?|pararl[oa]s?|detenerl[oa]s?|levantarl[oa]s?|arreglarl[oa]s?|cancelarl[oa]s?)\b",
    re.I,
)
_MENTIONS = (
    ("lien", re.compile(r"\blien|\bgravamen", re.I)),
    (
        "passport",
        re.compile(
            r"\bpassport|\bstate dep(?:artment|t)\b|\btravel\w* abroad|\bpasaporte|\bdepartamento de estado\b", re.I
        ),
    ),
    (
        "bank_levy",
        re.compile(
            r"\b(?:bank|account)\b[^.?!]{0,40}\b(?:levied|levy|froze|frozen|took|seized|garnish)|"
            r"\b(?:levied|froze|took|seized|garnished)\b[^.?!]{0,30}\b(?:bank|account)|"
            r"\b(?:cuenta|banco)\b[^.?!]{0,40}\b(?:embarg|congel|bloque)|\b(?:embarg|congel|bloque)\w*\b[^.?!]{0,30}\b(?:cuenta|banco)",
            re.I,
        ),
    ),
    (
        "wage_levy",
        re.compile(
            r"\bgarnish|\bwage levy|\blevy on (?:my )?wages|\bembargo de (?:salario|sueldo)|"
            r"\bembarg\w*\b[^.?!]{0,30}\b(?:salario|sueldo|cheque|nomina)",
            re.I,
        ),
    ),
    (
        "social_security_levy",
        re.compile(
            r"\b(?:take|levy|garnish|keep)\w*\b[^.?!]{0,30}\b(?:social security|ssi|ssdi|benefits|pension)\b|"
            r"\b(?:quit|embarg|tom)\w*\b[^.?!]{0,30}\b(?:seguro social|beneficios|pension)\b",
            re.I,
        ),
    ),
    ("levy_general", re.compile(r"\blev(?:y|ied)\b|\bembarg", re.I)),
    ("penalty", re.compile(r"\bpenalt|\bmultas?\b|\brecargos?\b", re.I)),
    # last: "can I fix it?" means the plan only when nothing else named could be "it"
    (
        "payment_plan",
        re.compile(r"\b(?:payment plan|installment|cp\s?-?52[13]|plan de pagos?|acuerdo de pagos?)\b", re.I),
    ),
)


def _mentioned_topics(text: str) -> List[str]:
    """Topics the message itself mentions, for "how do I get it removed" in the same message."""
    return [name for name, pattern in _MENTIONS if pattern.search(text)]


_REMOVAL_OF = {
    "penalty": "penalty_relief",
    "lien": "lien_removal",
    "passport": "passport",
    "penalty_relief": "penalty_relief",
    "payment_plan": "payment_plan",
    "lien_removal": "lien_removal",
    "stop_levy": "stop_levy",
    "wage_levy": "stop_levy",
    "bank_levy": "stop_levy",
    "levy_general": "stop_levy",
    "social_security_levy": "stop_levy",
    "consequences": "what_to_do",
    "what_is_notice": "what_to_do",
}
# "They garnished my wages. What can I do?": a general question about a stated situation asks this.
_SITUATION_QUESTION = {
    "levied": "stop_levy",
    "bank_frozen": "stop_levy",
    "missed_payment": "payment_plan",
    "lost_income": "cnc_hardship",
    "fixed_income": "cnc_hardship",
    "spouse_caused": "innocent_spouse",
    "selling_home": "lien_removal",
}
# "Will it come off?" with nothing else named: the enforcement under way is what "it" is.
_ENFORCED = {"levied": "levy_general", "bank_frozen": "bank_levy"}
_LEVY_KINDS = ("social_security_levy", "bank_levy", "wage_levy")
# Words that say a paycheck is meant: "my check" from someone living on benefits is the benefit check.
_WAGES = re.compile(r"\b(?:wages?|paychecks?|salary|job|employer|work|sueldo|salario|nomina|trabajo|patron)\b", re.I)
# "How much can they take?" beside a job, a paycheck or a wage levy notice: how much a wage levy takes.
_HOW_MUCH_TAKEN = re.compile(
    r"\bhow much\b[^?.!]{0,30}\b(?:take|taking|keep|garnish\w*|levy)\b|"
    r"\bhow much (?:do|can|will|would) (?:i|we) (?:get to )?keep\b|\b(?:quiten|quitan|tomen) menos\b|"
    r"\bcuanto\b[^?.!]{0,30}\b(?:quit\w*|tom\w*|embarg\w*|retien\w*|retener)\b",
    re.IGNORECASE,
)
_WAGE_LEVY_CODE = re.compile(r"^(?:form )?668-?w", re.IGNORECASE)
_GENERAL_TOPICS = ("consequences", "what_is_notice")  # "get rid of it" means these only when nothing specific was said
# "How do I apply for that?", "is it the same for SSI?", "what about my wife's refund?": the last topic again.
_SAME_TOPIC = re.compile(
    r"\b(?:how|where|can) (?:do |can |would |should )?(?:i|we) (?:apply|ask|sign up|request|qualify|file)"
    r"(?: for)?(?: (?:that|it|this|one))?\s*(?:[?.!,]|$)|\bis (?:it|that|this) the same (?:for|with|if)\b|"
    r"^\s*(?:ok(?:ay)?|and|so)?[, ]*what about\b|\bdoes (?:that|it|this) (?:apply|work) (?:for|to|with|if)\b|"
    r"\bhow do i (?:do|start) (?:that|it|this)\b|\bhow long (?:does|will|would) (?:it|that|this) (?:last|take)\b|\bcuanto (?:tiempo )?dura\b|"
    r"\bcuanto (?:tiempo )?(?:se )?(?:tarda|demora)\w*\b[^?.!]{0,12}\b(?:eso|esto)\b|\bwhat if (?:they|the irs) (?:say no|deny|reject|refuse)|"
    r"\bis there a form (?:for|to do) (?:that|it|this)\b|\bwhat form (?:is (?:that|it)|do i (?:use|need|file))\b|"
    r"\b(?:que|cual) (?:forma|formulario) (?:es|uso|necesito|lleno)\b|"
    r"\bwith (?:it|that|this|the lien) (?:still )?(?:there|on (?:it|there|record|the house|my house))\b|"
    r"\b(?:reject|deny|denie|turn down|refuse)\w*\b[^?.!]{0,10}\b(?:it|that|this|them|my offer|my request)\b|"
    r"\b(?:me )?(?:la|lo|las|los) (?:rechaz|nieg|negar)\w*\b|"
    r"\bcomo (?:lo |la )?(?:solicito|pido|aplico|tramito|hago|consigo|empiezo)\s*[?.!]*$|\bes (?:lo )?(?:mismo|igual) (?:para|con|si)\b|"
    r"^\s*(?:ok|bueno|y|entonces)?[, ]*(?:y )?(?:que tal|que pasa) (?:con|si)\b|\b(?:aplica|funciona|sirve) (?:para|con|si|a)\b|"
    r"^\s*(?:y )?(?:con|para) (?:el|la|mi|mis)\b[^?.!]{0,30}\?\s*$",
    re.IGNORECASE,
)
# "Can I pay just my part?" after a spouse's debt: the spouse relief asked before (innocent or injured spouse).
_MY_SHARE = re.compile(r"\b(?:mi parte|my (?:share|part|half|portion)|la mitad|mi mitad)\b", re.IGNORECASE)
_SPOUSE_RELIEF = ("innocent_spouse", "injured_spouse")
# "Every month or just once?" after a levy: how that levy works.
_HOW_OFTEN = re.compile(
    r"\b(?:cada mes|cada cheque|cada pago|(?:solo|nomas) una vez|una sola vez|every (?:month|check|paycheck|payment)|"
    r"each (?:month|check|paycheck|payment)|just once|only once|one time only|(?:a|one) one-time)\b",
    re.IGNORECASE,
)
# Leaving or changing a job, asked beside ending a levy.
_JOB_CHANGE = re.compile(
    r"\b(?:change|changing|switch\w*|quit\w*|leav\w*|left) (?:my |the |this |a )?(?:job|jobs|employer|work)\b|"
    r"\b(?:new|another|different) (?:job|employer)\b|\bcambi\w* de (?:trabajo|empleo|empleador)\b|"
    r"\b(?:nuevo|otro) (?:trabajo|empleo|empleador)\b|\brenunci\w*\b",
    re.IGNORECASE,
)
# Nothing at all can be paid ("I cant afford payments right now at all"): hardship status, beside what was asked.
_CANNOT_PAY_ANY = re.compile(
    r"\b(?:can'?t|cannot|can not|unable to) (?:afford|make|pay) (?:any )?(?:payments?|anything|a (?:payment|plan|dime))\b"
    r"[^.?!]{0,25}\b(?:at all|right now|now|anymore|period)\b|"
    r"\bno (?:puedo|podemos) (?:pagar|hacer) (?:nada|ningun pago|pagos?)\b[^.?!]{0,25}\b(?:ahorita|ahora|para nada|por ahora)\b",
    re.IGNORECASE,
)
# A monthly amount the taxpayer says they can pay: a payment plan offered.
_CAN_AFFORD = re.compile(
    r"\b(?:i|we) (?:can|could) (?:maybe |probably |only |prob )?(?:do|pay|afford|swing|manage) (?:about |around |like |maybe )?"
    r"\$?\d[\d,.]*k? (?:a|per|each|every) month\b|"
    r"\b(?:puedo|podemos|podria|podriamos) (?:pagar|dar|abonar) (?:como |unos |alrededor de |hasta )?\$?\d[\d,.]* "
    r"(?:al|por|cada) mes\b",
    re.IGNORECASE,
)
# A passport named in the message and a question about getting "it" back or in time for a trip.
_PASSPORT = re.compile(r"\bpas(?:s|a)ports?e?s?\b", re.IGNORECASE)
_PASSPORT_BACK = re.compile(
    r"\b(?:in time|before (?:my|the|our) (?:trip|flight|travel)|get it (?:back|renewed)|renew it|a tiempo|"
    r"antes (?:de|del) (?:mi |el )?(?:viaje|vuelo)|me lo (?:dan|renuevan|aprueban|devuelven|regresan))\b",
    re.IGNORECASE,
)
_REMOVALS = {"penalty_relief", "lien_removal", "stop_levy"}  # a question that already asks to remove something


@dataclass
class MessageReading:
    """What one message says, with what the conversation already told us."""

    text: str
    codes: List[str] = field(default_factory=list)
    unknown_codes: List[str] = field(default_factory=list)
    notice_date: Optional[dt.date] = None
    amount: Optional[Decimal] = None
    tax_years: List[int] = field(default_factory=list)
    situations: List[str] = field(default_factory=list)
    questions: List[str] = field(default_factory=list)
    out_of_scope: Optional[str] = None
    # "got it back in March": no notice date, but it came no later than the end of that month
    received_by: Optional[dt.date] = None
    # asking sentences that neither the patterns nor the sentence classifier placed
    unplaced: List[str] = field(default_factory=list)
    # the stage of a notice named by its title, not its code ("a final notice of intent to levy")
    described_stage: Optional[str] = None

    @property
    def urgent(self) -> bool:
        """Enforcement under way or a hearing right being lost."""
        return any(s in URGENT_SITUATIONS for s in self.situations)

    @property
    def has_content(self) -> bool:
        """True when there is something to answer."""
        return bool(self.codes or self.unknown_codes or self.questions or self.situations or self.out_of_scope)


@dataclass(frozen=True)
class Memory:
    """What earlier turns established."""

    notice_code: Optional[str] = None
    notice_date: Optional[dt.date] = None
    situations: Tuple[str, ...] = ()
    last_topics: Tuple[str, ...] = ()


# Property other than a bank account: a levy question beside a frozen account may be about it ("and my car?").
_OTHER_THAN_BANK = re.compile(
    r"\b(?:house|home|car|truck|wages?|paychecks?|salary|401k|ira|retirement|pension|social security|property|"
    r"casa|carro|troca|sueldo|salario|cheque|pension|retiro|propiedad|seguro social)\b",
    re.I,
)
# Property named in a question that a benefit check is not ("can they take my house").
_PROPERTY = re.compile(
    r"\b(?:house|home|car|truck|bank|account|401k|ira|savings|casa|carro|troca|cuenta|banco|ahorros)\b", re.I
)


def benefit_levy(questions: List[str], situations: Sequence[str], text: str) -> List[str]:
    """``questions`` with a levy question read as one about benefits when the taxpayer lives on them:
    "can they take my check?" / "can they take some of it?" from someone on Social Security."""
    named = any(name == "social_security_levy" for name, p in _MENTIONS if p.search(text))
    on_benefits = "fixed_income" in situations or named
    if not on_benefits or _WAGES.search(text):
        return questions
    # property asked about ("can they take his IRA?"), not only told of ("the debt is from his IRA")
    asking = [s for s in sentences(text) if is_asking(s) and sentence_questions(s)]
    property_asked = bool(_PROPERTY.search(" ".join(asking)))
    levied = ("levied" in situations or named) and not property_asked
    if levied and "stop_levy" in questions and "social_security_levy" not in questions:
        # "my social security check was short by 15%, how do I stop it", "they will levy 15% of her benefits. can
        # she get it stopped?": how that levy works, then stopping it
        return ["social_security_levy", *questions]
    general = "wage_levy" if "wage_levy" in questions else "levy_general" if not property_asked else None
    if general not in questions:
        return questions
    kept = [q for q in questions if q != "social_security_levy"]
    kept[kept.index(general)] = "social_security_levy"
    return kept


# Words, notices and earlier topics that put a levy in the conversation: "how do I get it released?" about a
# lien, "me regresan el pasaporte?" or "lo puedo recuperar?" about a lapsed plan is no question about a levy.
_LEVY_WORDS = re.compile(
    r"\b(?:lev(?:y|ies|ied|ying)|garnish\w*|seiz\w*|froze\w*|freez\w*|took|taken|taking|takes?|"
    r"paychecks?|wages?|bank|account|deposit\w*|social security|benefits?|refund|offset|"
    r"embarg\w*|congel\w*|quit\w*|llev\w*|tom\w*|cuenta|banco|sueldo|cheque|seguro social|reembolso|"
    r"668-?[aw]?|cp ?(?:91|298|90|297))\b",
    re.IGNORECASE,
)
_LEVY_TOPICS = {"levy_general", "wage_levy", "bank_levy", "social_security_levy", "stop_levy"}
_LEVY_CODES = re.compile(r"^(?:form )?668|^cp ?(?:91|298|90|297|504)$|^lt ?11$|^letter 1058$|^lt ?1058$", re.I)


# A number of days named with a clock or a limit: the notice's window ("the 90 day clock", "el plazo de 30 dias").
_DAYS_CLOCK = re.compile(
    r"\b\d+[- ]?days?\b[^.?!]{0,12}\b(?:clock|deadline|window|limit|countdown)\b|"
    r"\b(?:clock|deadline|window|plazo)\b[^.?!]{0,12}\b\d+ ?(?:days?|dias)\b|\b\d+ dias\b[^.?!]{0,12}\bplazo\b",
    re.IGNORECASE,
)
_TEN_YEARS = re.compile(r"\b(?:10|ten|diez) (?:years?|anos|años)\b|\bstatute\b|\bcsed\b|\bprescri", re.IGNORECASE)
# An offer named as such (not only a debt "forgiven"): "settle", "offer in compromise", "ofrecimiento", "negociar".
_OFFER_NAMED = re.compile(
    r"\b(?:offer|oic|compromise|settle\w*|pennies|oferta|ofrecimiento|transaccion|arreglo|negoci\w*|menos de lo que)\b",
    re.I,
)
# A rejected offer in compromise named: its appeal is the offer's own (Form 13711), not a hearing.
_OFFER_APPEAL = re.compile(
    r"\b(?:offer(?:ed)?|oic|oferta)\b[^.?!]{0,40}\b(?:reject\w*|denied|turned down|declined|rechaz\w*|negaron|denegad\w*)",
    re.IGNORECASE,
)
# Enforcement asked about while a request is reviewed (an offer in compromise, innocent spouse relief): the
# request's own rule answers it. Each request's words, and the question whose passage states that rule.
_WHILE_REVIEWED = r"(?:while|during|pending|mientras|pendiente|en revision|being reviewed|under review)"
# a request told earlier, pointed back at: "while they review it", "mientras lo revisan", "while its pending"
_UNDER_REVIEW = re.compile(
    r"\b(?:while|during|mientras)\b[^?!]{0,25}\b(?:review\w*|revis\w*|pending|pendiente)|\b(?:being reviewed|under review|"
    r"en revision)\b",
    re.IGNORECASE,
)
_PENDING_REQUESTS = (
    (
        re.compile(
            rf"\b(?:innocent spouse|8857|conyuge inocente)\b[^?!]{{0,120}}\b{_WHILE_REVIEWED}\b|"
            r"\b(?:while|during|mientras)\b[^?!]{0,40}\b(?:innocent spouse|8857|conyuge inocente)\b",
            re.IGNORECASE,
        ),
        "innocent_spouse",
    ),
    (
        re.compile(
            rf"\b(?:offer|oic|oferta)\b[^?!]{{0,120}}\b{_WHILE_REVIEWED}\b|"
            r"\b(?:while|during|mientras)\b[^?!]{0,40}\b(?:offer|oic|oferta)\b",
            re.IGNORECASE,
        ),
        "offer_in_compromise",
    ),
)
# a refund kept from someone on a plan (situations.REFUND_WORD); paying the agreed part of a dispute; a plan named in
# so many words
_PAY_AGREED_PART = re.compile(
    r"\bpay (?:the |for the )?(?:part|portion|amount|piece) (?:i|we) (?:agree|accept)|\bpagar (?:la|lo) (?:parte )?que (?:si )?"
    r"(?:acepto|estoy de acuerdo)",
    re.IGNORECASE,
)
_PLAN_NAMED = re.compile(
    r"\b(?:payment plan|installment|monthly|a month|plan de pagos?|mensual\w*|al mes)\b", re.IGNORECASE
)
# "relief" named without a penalty: in a spouse's case, innocent spouse relief
_BARE_RELIEF = re.compile(r"\b(?:relief|alivio)\b", re.IGNORECASE)
_PENALTY_WORD = re.compile(r"\b(?:penalt\w*|abate\w*|multas?|penalidad\w*|recargos?|primera vez|first[- ]time)\b", re.I)
# the clauses of one asking sentence that may ask a question of their own ("what are my options, can I ...?")
_ASKED_CLAUSE = re.compile(r"\s*[,;]\s*")
# How sure the sentence classifier must be that a sentence asks what the assistant does not cover; a sentence
# beside one it is sure of asks about the same thing with less.
_OUT_OF_SCOPE, _BESIDE_SCOPE = 0.6, 0.3
_FEWEST_SCOPE_WORDS = 3
_STATED_OUT_OF_SCOPE = 0.75  # a statement ("the refund still hasn't come") decides only when the classifier is surer
# The final notice of intent to levy named by its title (LT11, Letter 1058 and CP90 all carry it).
_FINAL_NOTICE = re.compile(
    r"\bfinal notice\b[^.?!]{0,30}\bintent to (?:levy|seize)|"
    r"\baviso final\b[^.?!]{0,30}\b(?:intencion de embarg\w*|embargo|embargar)\b|"
    r"\b(?:ultimo|ultima) (?:aviso|carta)\b[^.?!]{0,20}\b(?:intencion de embarg\w*|embargo|embargar)\b",
    re.IGNORECASE,
)


def _follow_up_topic(questions: List[str], situations: Sequence[str], memory: Memory, text: str) -> List[str]:
    """``questions`` with the earlier topic a short follow-up points back to: "puedo pagar nomas mi parte?"
    after a spouse's debt is the spouse relief asked before; "cada mes o solo una vez?" after a levy on
    Social Security is that levy."""
    last = [t for t in memory.last_topics if t not in GENERIC]
    if _MY_SHARE.search(text) and "spouse_caused" in situations and not set(_SPOUSE_RELIEF) & set(questions):
        relief = next((t for t in last if t in _SPOUSE_RELIEF), "innocent_spouse")
        return [relief, *(q for q in questions if q not in GENERIC and q != "payment_plan")]
    taking = {"levy_general", "stop_levy"}  # "se lo quitan cada mes?" reads as taking or removing
    if _HOW_OFTEN.search(text) and set(questions) <= GENERIC | taking:
        kind = next((t for t in last if t in _LEVY_KINDS), None)
        if kind is not None:
            return [kind, *(q for q in questions if q not in taking)]
    return questions


def levy_in_context(
    questions: List[str], situations: Sequence[str], memory: Memory, text: str, codes: Sequence[str]
) -> List[str]:
    """``questions`` without a question on stopping a levy when nothing in the conversation is a levy:
    the removal asked is then the lien's when a lien is named, the plan's when a plan is, or none."""
    if "stop_levy" not in questions:
        return questions
    enforced = {"levied", "bank_frozen"} & set(situations)
    levy_codes = [c for c in [*codes, memory.notice_code or ""] if c and _LEVY_CODES.search(c)]
    if enforced or levy_codes or _LEVY_WORDS.search(text) or _LEVY_TOPICS & set(memory.last_topics):
        return questions
    mentioned = _mentioned_topics(text)
    instead = next((_REMOVAL_OF[t] for t in mentioned if t in _REMOVAL_OF), None)
    if instead is None and {"on_payment_plan", "missed_payment"} & set(situations):
        instead = "payment_plan"
    kept = [instead if q == "stop_levy" else q for q in questions]
    return list(dict.fromkeys(q for q in kept if q is not None))


def _tax_years(text: str) -> List[int]:
    years: List[int] = []
    for start, end in _YEAR_RANGE.findall(text):
        a, b = int(start), int(end)
        if a <= b and b - a <= 15:
            years.extend(range(a, b + 1))
    for a, b in _TAX_YEAR.findall(text):
        years.append(int(a or b))
    return sorted(set(years))


# "from the bureau of fiscal service, not the IRS", "el estado, no el IRS": the IRS is ruled out, not named.
# So is "I don't owe the IRS anything", "al IRS no le debo nada".
_NOT_IRS = re.compile(
    r"\b(?:not|no|isn'?t|wasn'?t|ni) (?:from |del |de )?(?:the |el )?irs\b|"
    r"\b(?:don'?t|do not|never) owe (?:the )?irs\b|\bowe (?:the )?irs nothing\b|"
    r"\b(?:al )?irs no (?:le )?debo\b|\bno (?:le )?debo (?:nada )?al irs\b|\bno es (?:del|de el|con el|al) irs\b|"
    r"\b(?:not|isn'?t) (?:owed to|with) the irs\b",
    re.I,
)


# "is it from the IRS?", "eso es del IRS?": the IRS asked about, not named as the sender.
_IRS_ASKED = re.compile(
    r"\b(?:is (?:it|this|that)|(?:eso|esto) es|es) (?:really )?(?:from |del |de )(?:the )?irs\b|\birs or the state\b|"
    r"\b(?:is it|es) (?:the |el )irs (?:who|that|el que|quien)\b",
    re.I,
)


_A_NOTICE = re.compile(r"\b(?:notices?|letters?|bills?|avisos?|cartas?|notificacion\w*|facturas?|cobros?)\b", re.I)


def _irs_as_named(text: str) -> str:
    """``text`` without the IRS ruled out ("not the IRS") or only asked about ("is it from the IRS?")."""
    return _IRS_ASKED.sub(" ", _NOT_IRS.sub(" ", text))


def _scope(text: str, situations: Sequence[str], has_codes: bool, questions: Sequence[str]) -> Optional[str]:
    text = _irs_as_named(text)
    # a state agency named, no IRS code and nothing saying the IRS sent it ("can they levy me like the irs?")
    if "state_notice" in situations and not has_codes and not _IRS_SENDER.search(text):
        if _TAX_PREP.search(text) and not _A_NOTICE.search(text):
            return "tax_prep"  # "how do I do my state return?": preparing a state return, no state notice
        return "state_notice"
    # a joint refund kept for a spouse's own debt (a student loan, child support) is injured spouse relief, in scope
    other_debt = _OTHER_CREDITOR.search(text) and not _IRS_DEBT.search(text) and "injured_spouse" not in questions
    if other_debt and not has_codes:
        return "other"
    if _REFUND.search(text) and not has_codes:
        return "refund_status"
    if _TAX_PREP.search(text) and not has_codes:
        return "tax_prep"
    return None


# "is this a bill?", "is that even legal?", "es una factura?": a question pointing at the notice itself.
_POINTS_AT_NOTICE = re.compile(
    r"^\W*(?:\w+\W+){0,3}?(?:is (?:this|that|it)|what(?: is|s) (?:this|that|it)|es (?:esto|eso|esta|este|una|un)|"
    r"que es (?:esto|eso))\b",
    re.IGNORECASE,
)


def unplaced_question(reading: MessageReading, memory: Memory) -> Optional[str]:
    """What a message with an asking sentence nothing placed is taken to ask, when it is about a notice
    or a stated situation: what the notice is when the sentence points at it, else what to do now."""
    asks = [s for s in reading.unplaced if len(s.split()) >= 3]  # "ok?", "right??" ask nothing to answer
    about_notice = bool(reading.codes or reading.unknown_codes or memory.notice_code)
    if not asks or reading.out_of_scope or not (about_notice or reading.situations or memory.situations):
        return None
    if about_notice and any(_POINTS_AT_NOTICE.search(normalise(s)) for s in asks):
        return "what_is_notice"
    return "what_to_do"


# "I ignored a CP2000 last year and now got a CP3219A": the notice that came now is the one to explain.
_NOW_WORD = re.compile(r"\b(?:now|just|today|finally|this week|ahora|hoy|recien)\b", re.IGNORECASE)
_PAST_WORD = re.compile(r"\b(?:already|before|earlier|ignored|last|ya|antes|ignore)\b", re.IGNORECASE)


def _current_first(text: str, mentions: List[CodeMention]) -> List[CodeMention]:
    """``mentions`` with the first known code said to have come now moved to the front, when the first is not."""

    def now(mention: CodeMention) -> bool:  # a "now" word nearer the code than any "before" word, same sentence
        before = re.split(r"[.?!]", text[max(0, mention.start - 30) : mention.start])[-1]
        last_now = max((m.end() for m in _NOW_WORD.finditer(before)), default=-1)
        return last_now >= 0 and last_now > max((m.end() for m in _PAST_WORD.finditer(before)), default=-1)

    known = [m for m in mentions if m.known]
    if len(known) < 2 or now(known[0]):
        return mentions
    current = next((m for m in known[1:] if now(m)), None)
    return mentions if current is None else [current, *(m for m in mentions if m is not current)]


def _with_relief_under_way(questions: List[str], situations: Sequence[str], memory: Memory, flat: str) -> List[str]:
    """``questions`` read in the light of relief already in place or asked for: a plan, a dispute, a request
    under review."""
    if (
        "on_payment_plan" in [*situations, *memory.situations]
        and REFUND_WORD.search(flat)
        and "levy_general" in questions
    ):
        # "can they take my refund when I'm on a payment plan?": a refund is applied, not levied; the plan's terms say so
        questions = list(dict.fromkeys("payment_plan" if q == "levy_general" else q for q in questions))
    if "disagree" in questions and _PAY_AGREED_PART.search(flat) and not _PLAN_NAMED.search(flat):
        # "can I pay the part I agree with?" beside a dispute: the response form's partial agreement, not a plan
        questions = [q for q in questions if q != "payment_plan"]
    spouse_case = "spouse_caused" in [*situations, *memory.situations] or "innocent_spouse" in memory.last_topics
    if spouse_case and "penalty_relief" in questions and _BARE_RELIEF.search(flat) and not _PENALTY_WORD.search(flat):
        # "aun asi puedo pedir el alivio?" about a spouse's tax: the relief talked about is innocent spouse relief
        questions = list(dict.fromkeys("innocent_spouse" if q == "penalty_relief" else q for q in questions))
    pending = next((topic for words, topic in _PENDING_REQUESTS if words.search(flat)), None)
    if pending is None and _UNDER_REVIEW.search(flat):  # "mientras lo revisan...?" after the request was told
        pending = next((t for t in memory.last_topics if t in {topic for _, topic in _PENDING_REQUESTS}), None)
    if pending and {"levy_general", "wage_levy", "bank_levy", "stop_levy"} & set(questions):
        # "mientras revisan la oferta, me pueden embargar?": whether the IRS levies while a request is pending; the
        # request's passage answers it (the composer counts the levy question answered by it)
        questions = [pending, *questions]
    return questions


def read_message(
    text: str,
    lookup: Callable[[str], Optional[str]],
    today: dt.date,
    memory: Memory = Memory(),
    code_spans: Sequence[Tuple[int, int]] = (),
    classify: Optional[Callable[[str], Optional[str]]] = None,
    classify_beside: Optional[Callable[[str], Optional[str]]] = None,
    scope_of: Optional[Callable[[str, float], Optional[str]]] = None,
) -> MessageReading:
    """Read ``text`` in the light of ``memory``.

    Args:
        text: the message as written.
        lookup: the knowledge base's code for a raw code, or None.
        today: the date used to resolve "three weeks ago".
        memory: what earlier turns established.
        code_spans: character spans that must not be read as dates (codes, amounts).
        classify: the question an asking sentence asks when the patterns find none in it
            (question_classifier.py), or None to use the patterns alone.
        classify_beside: a further question an asking sentence asks beside those the patterns found in it
            (the classifier at a higher probability), or None.
        scope_of: what a sentence asks that the assistant does not cover (refund_status, tax_prep) at a given
            probability, or None; asked only when the message names no notice. It decides the scope when the
            patterns find none, and either way keeps the out-of-scope sentences' words from asking a
            collection question.
    """
    mentions: List[CodeMention] = _current_first(text, find_codes(text, lookup))
    codes = [m.code for m in mentions if m.known]
    unknown = [m.code for m in mentions if not m.known]
    # the words right after a code are not part of it ("letter 1058, dated nov 20"), amounts are no dates
    spans = [*code_spans, *((m.start, m.end) for m in mentions), *(m.span() for m in _AMOUNT.finditer(text))]
    situations = find_situations(text)
    questions = find_questions(text)
    flat = plain(text)  # Spanish wordings are written without accents
    if _REMOVE_IT.search(flat) and not set(questions) & _REMOVALS:
        mentioned = _mentioned_topics(flat)
        # a plan named beside "it" is what "it" is only when no earlier topic is ("I'm on a plan, can they waive it?")
        earlier = (
            [m for m in mentioned if m != "payment_plan"]
            or sorted(memory.last_topics, key=lambda t: t in _GENERAL_TOPICS)
            or mentioned
            or [_ENFORCED[s] for s in (*situations, *memory.situations) if s in _ENFORCED]
        )
        for topic in earlier:
            if topic in _REMOVAL_OF:
                # "they take 15% of her benefits, can she get it stopped?" asks about that levy too
                also = [topic] if topic in _LEVY_KINDS and _mentioned_topics(flat) else []
                # "las multas... me las pueden quitar?": "quitar" removes the penalty, it takes nothing
                taken = {"levy_general"} if _REMOVAL_OF[topic] == "penalty_relief" else set()
                questions = [
                    _REMOVAL_OF[topic],
                    *also,
                    *[q for q in questions if q not in also and q not in taken],
                ]
                break
    if _SAME_TOPIC.search(flat) and not (set(questions) - GENERIC):
        last = [t for t in memory.last_topics if t not in GENERIC and not t.startswith("topic:")]
        if last:
            questions = [last[0], *[q for q in questions if q != "what_to_do"]]
    questions = _follow_up_topic(questions, [*situations, *memory.situations], memory, flat)
    if _JOB_CHANGE.search(flat) and "stop_levy" in questions and "wage_levy" not in questions:
        # "si me cambio de trabajo se acaba el embargo?": whether a wage levy follows to the next job
        questions.insert(questions.index("stop_levy"), "wage_levy")
    if _CAN_AFFORD.search(flat) and questions and "payment_plan" not in questions:
        # "can they garnish my paycheck? I can maybe do $150 a month": a plan offered beside the questions
        questions.append("payment_plan")
    elif _CANNOT_PAY_ANY.search(flat) and questions and "cnc_hardship" not in questions:
        # "can I settle for less? I cant afford payments right now at all": hardship status is the answer beside
        questions.append("cnc_hardship")
    if _PASSPORT_BACK.search(flat) and _PASSPORT.search(flat) and "passport" not in questions:
        # "they denied my passport renewal ... if I set up a plan, will I get it in time?"
        questions.append("passport")
    if "bank_frozen" in situations and "levy_general" in questions and "bank_levy" not in questions:
        if not _OTHER_THAN_BANK.search(flat):  # "my account got frozen ... can they do it again next month?"
            questions = list(dict.fromkeys("bank_levy" if q == "levy_general" else q for q in questions))
    if "bank_frozen" in situations and "stop_levy" in questions and "bank_levy" not in questions:
        questions.append("bank_levy")  # "the bank froze it, can I get it back?" is about the bank levy
    questions = benefit_levy(questions, [*situations, *memory.situations], flat)
    if _HOW_MUCH_TAKEN.search(flat) and "wage_levy" not in questions and "social_security_levy" not in questions:
        # "got a 668-W at work ... how much are they allowed to take?" asks how much of the pay a wage levy takes
        wages_before = "wage_levy" in memory.last_topics  # "how much do I get to keep each week?" after a wage levy
        if _WAGES.search(flat) or wages_before or any(_WAGE_LEVY_CODE.search(c) for c in codes):
            questions = ["wage_levy", *(q for q in questions if q != "levy_general")]
    unplaced: List[str] = []
    if classify is not None:
        for sentence in sentences(text):
            if not is_asking(sentence):
                continue
            if not sentence_questions(sentence):
                question = classify(sentence)
                if question is None:
                    unplaced.append(sentence)
            elif classify_beside is not None:
                # "can I agree to part of it and fight the rest": the patterns read one thing, the sentence asks two
                question = classify_beside(sentence)
                # "what are my options, can I do an offer?": a question of its own after a comma (in its words: the
                # question mark at the end belongs to the sentence, "can I pay monthly, I have almost nothing?")
                for clause in _ASKED_CLAUSE.split(sentence)[1:]:
                    if len(clause.split()) >= 3 and is_asking(clause.rstrip("?!. ")) and not sentence_questions(clause):
                        other = classify_beside(clause)
                        if other is not None and not covered(other, questions):
                            questions.append(other)
            else:
                continue
            if question is not None and not covered(question, questions):
                questions.append(question)
    if questions and (set(questions) <= GENERIC or "what_to_do" in questions):
        specific = [_SITUATION_QUESTION[s] for s in situations if s in _SITUATION_QUESTION]
        # a general question the message asked stays ("can they do that without notice? what now?")
        questions = [*dict.fromkeys(q for q in specific if q not in questions), *questions]
    questions = levy_in_context(questions, [*situations, *memory.situations], memory, flat, codes)
    forgiven = {"collection_statute", "penalty_relief"} & set(questions)
    if forgiven and "offer_in_compromise" in questions and not _OFFER_NAMED.search(flat):
        # "el irs perdona la deuda despues de 10 años?" (the ten years), "a one time forgiveness for a late filing
        # penalty?" (first-time abatement): something forgiven, no offer asked
        questions = [q for q in questions if q != "offer_in_compromise"]
    if _DAYS_CLOCK.search(flat) and "collection_statute" in questions and not _TEN_YEARS.search(flat):
        # "does that stop the 90 day clock?" is about the notice's days, not the ten years to collect
        questions = ["deadline" if q == "collection_statute" else q for q in questions]
    offer_before = "offer_in_compromise" in memory.last_topics and not memory.notice_code and not codes
    if "cdp_hearing" in questions and (_OFFER_APPEAL.search(flat) or offer_before):
        # "my offer got rejected, is it worth appealing?" (or "can I appeal?" after it) appeals the offer, not a levy
        dropped = {"offer_in_compromise"} | ({"cdp_hearing"} if offer_before else set())
        questions = ["offer_in_compromise", *(q for q in questions if q not in dropped)]
    questions = list(dict.fromkeys(_with_relief_under_way(questions, situations, memory, flat)))
    reading = MessageReading(
        text=text,
        codes=codes,
        unknown_codes=unknown,
        notice_date=find_notice_date(text, today, spans) if _states_a_date(text) else None,
        amount=_amount(text),
        tax_years=_tax_years(text),
        situations=situations,
        questions=questions,
        unplaced=unplaced,
    )
    reading.out_of_scope = _scope(flat, situations, bool(codes), questions)
    state_before = "state_notice" in memory.situations and memory.notice_code is None
    irs_debt = _IRS_DEBT.search(_irs_as_named(flat))
    if reading.out_of_scope is None and state_before and not (codes or unknown or irs_debt):
        reading.out_of_scope = "state_notice"  # "how long do I have to protest it?" after the state's letter
    if scope_of is not None and not codes and not unknown:
        # an asking sentence decides ("how do I report it?"); a statement of what happened only goes with one
        # "hi", "thanks", "yes": too short to ask about a refund or a return, not worth a prediction
        said = [s for s in sentences(text) if len(s.split()) >= _FEWEST_SCOPE_WORDS]
        outside = [s for s in said if scope_of(s, _OUT_OF_SCOPE if is_asking(s) else _STATED_OUT_OF_SCOPE)]
        if reading.out_of_scope is None and outside:
            reading.out_of_scope = scope_of(outside[0], _OUT_OF_SCOPE)
        if outside:  # "... cuando me cae el deposito?" beside a refund question asks about the refund too
            outside = [s for s in said if scope_of(s, _BESIDE_SCOPE) == reading.out_of_scope]
        if reading.out_of_scope in ("refund_status", "tax_prep") and outside:
            # "when does the deposit come?" in a refund question asks nothing about a bank levy: keep only
            # what the other sentences ask
            rest = [sentence for sentence in sentences(text) if sentence not in outside]
            asked = {q for sentence in rest for q in sentence_questions(sentence)}
            if classify is not None:
                asked |= {q for q in map(classify, (s for s in rest if is_asking(s))) if q is not None}
            reading.questions = [q for q in reading.questions if q in asked or q in GENERIC]
    if reading.out_of_scope in ("refund_status", "tax_prep"):
        # "he was on unemployment that year" beside a refund question: the situation asks no hardship question
        derived = {_SITUATION_QUESTION[s] for s in situations if s in _SITUATION_QUESTION}
        asked_here = {q for sentence in sentences(text) for q in sentence_questions(sentence)}
        reading.questions = [q for q in reading.questions if q not in derived or q in asked_here]
    if not codes and not unknown and _FINAL_NOTICE.search(flat):
        reading.described_stage = "final_notice_cdp"
    if reading.notice_date is None:
        reading.received_by = _month_end(text, today)
    return reading


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_IN_MONTH = re.compile(
    r"\b(?:back in|in|since|around|early|late|mid|end of|beginning of)[- ]"
    r"(jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b(?!\s*\d)",
    re.IGNORECASE,
)


_MONTHS_ES = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")
_IN_MONTH_ES = re.compile(
    r"\b(?:en|desde|a principios de|a finales de|a mediados de|a fines de|por)\s+"
    r"(enero|febrero|marzo|abril|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre)\b(?!\s*\d)",
    re.IGNORECASE,
)


# "the company sent a corrected 1099 in March" says nothing about when the notice came.
_NOTICE_WORDS = re.compile(
    r"\b(?:notice|letter|bill|it|this one|cp\s?-?\d+|lt\s?-?\d+|aviso|carta|la recibi|lo recibi|llego)\b", re.I
)


def _month_end(text: str, today: dt.date) -> Optional[dt.date]:
    """The last day of the latest past month named as when something came ("back in March", "en marzo")."""
    about = " ".join(sentence for sentence in sentences(text) if _NOTICE_WORDS.search(sentence))
    match = _IN_MONTH.search(about)
    spanish = _IN_MONTH_ES.search(about) if not match else None
    if not match and not spanish:
        return None
    if spanish:
        month = _MONTHS_ES.index(spanish.group(1).lower().replace("setiembre", "septiembre")[:3]) + 1
    else:
        assert match is not None
        month = _MONTHS.index(match.group(1).lower()[:3]) + 1
    year = today.year if month <= today.month else today.year - 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return min(following - dt.timedelta(days=1), today)


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# A notice date is read only when the message states one: after "dated" / "the date on it", or as a
# calendar date ("Oct 20", "10/20/2026"). A bare year ("for 2022") or "rent due friday" is no notice date.
_DATE_STATED = re.compile(
    r"\bdated\b|(?<!response )(?<!due )(?<!reply )(?<!payment )\bdate(?:d)? (?:on|of|is|was|says|printed)\b(?=[^.?!]{0,25}\d)|\bdate:|\bfecha\b"
    rf"|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?![a-z])"
    r"|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\b\d{4}-\d{2}-\d{2}\b"
    r"|\bfechad[ao]\b|\b\d{1,2}\s+de\s+(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre)\b",
    re.IGNORECASE,
)


def _states_a_date(text: str) -> bool:
    return bool(_DATE_STATED.search(text))


# "$4,000", "$22k", "22k", "3 grand": money, never part of a date ("dated october 30, 22k" is the 30th)
_AMOUNT = re.compile(r"\$\s?[\d,]+(?:\.\d\d)?\s?[kK]?|\b\d[\d,]*(?:\.\d\d)?\s?(?:k\b|dollars|grand|thousand)", re.I)


def _amount(text: str) -> Optional[Decimal]:
    match = _AMOUNT.search(text)
    if not match:
        return None
    try:
        return parse_amount(match.group(0))
    except (ValueError, ArithmeticError):
        return None

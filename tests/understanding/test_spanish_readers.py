"""The whole-message readers on Spanish wordings (written for these tests; accents optional)."""

from __future__ import annotations

import datetime as dt
from typing import List

import pytest

from knowledge.loader import cached_knowledge
from understanding.codes_in_text import find_codes
from understanding.questions import find_questions
from understanding.reading import read_message
from understanding.situations import find_situations

TODAY = dt.date(2026, 12, 3)


def _lookup(raw: str):  # type: ignore[no-untyped-def]
    notice = cached_knowledge().find_notice(raw)
    return notice.code if notice else None


@pytest.mark.parametrize(
    "text, questions",
    [
        ("¿Me pueden embargar el sueldo?", ["wage_levy"]),
        ("me pueden embargar el sueldo?", ["wage_levy"]),
        ("¿Cuánto tiempo tengo para pedir la audiencia?", ["deadline", "cdp_hearing"]),
        ("no puedo pagar, puedo hacer un plan de pagos?", ["cnc_hardship", "payment_plan"]),
        ("¿Es una estafa? me piden tarjetas de regalo", ["scam"]),
        ("quiero vender mi casa pero tengo un gravamen del IRS, como lo quito?", ["lien_removal"]),
        ("¿Pueden quitarme las multas?", ["penalty_relief"]),
        ("que significa el aviso", ["what_is_notice"]),
        ("cp 14 q significa", ["what_is_notice"]),
        ("¿es cierto que después de 10 años se borra la deuda?", ["collection_statute"]),
        ("el IRS congeló mi cuenta, ¿cómo la desbloqueo?", ["stop_levy"]),
        ("¿me quitan mi pensión también?", ["social_security_levy"]),
        ("¿el IRS manda mensajes de texto?", ["scam"]),
        ("quiero hablar con una persona", ["talk_to_pro"]),
        ("si pido un plan de pagos ya no me embargan?", ["payment_plan", "stop_levy"]),
        ("creo que el IRS se equivoco, que hago?", ["disagree", "what_to_do"]),
        ("debo como $9,000. es grave?", ["what_is_notice", "consequences"]),
        ("yo no era el dueño. me pueden cobrar a mi?", ["consequences"]),
    ],
)
def test_spanish_questions(text: str, questions: List[str]) -> None:
    assert find_questions(text) == questions


@pytest.mark.parametrize(
    "text, situations",
    [
        ("Perdí mi trabajo en marzo", ["lost_income"]),
        ("me están quitando parte del cheque cada semana", ["levied"]),
        ("el banco dice que el IRS congeló mi cuenta", ["bank_frozen"]),
        ("ya pagué todo en mayo", ["already_paid"]),
        ("no conteste las cartas anteriores", ["ignored_letters"]),
        ("mi ex esposo no declaró sus ingresos", ["spouse_caused"]),
        ("tengo un negocio con empleados", ["business_taxes"]),
        ("vivo del seguro social", ["fixed_income"]),
        ("la carta es del Franchise Tax Board de California", ["state_notice"]),
        ("el primero ni lo abri la verdad", ["ignored_letters"]),
        ("ni lei bien la carta pero dice 504", []),
        ("ignore unas cartas del IRS", ["ignored_letters"]),
        ("y si ya estoy en un plan de pagos igual me la pueden quitar?", ["on_payment_plan"]),
        ("dicen que me van a cancelar el plan de pagos", ["on_payment_plan"]),
        ("el IRS me quito lo que tenia en la cuenta de cheques", ["bank_frozen"]),
        ("me estan quitando parte del seguro social. solo vivo de eso", ["levied", "fixed_income"]),
        ("no conto un pago que hice en abril", ["already_paid"]),
        # a former business is no ex-spouse; a trust fund penalty and a payroll to meet are a business's
        ("me lo mandaron por la nomina de mi ex negocio", ["business_taxes"]),
        ("la multa de recuperacion del fondo fiduciario", ["business_taxes"]),
        ("me embargaron la cuenta y tengo nomina el viernes", ["levied", "bank_frozen", "business_taxes"]),
    ],
)
def test_spanish_situations(text: str, situations: List[str]) -> None:
    assert find_situations(text) == situations


@pytest.mark.parametrize(
    "text, code",
    [
        ("me llegó el 504", "CP504"),
        ("recibí la carta 1058", "Letter 1058"),
        ("el aviso número 3172", "Letter 3172"),
        ("aviso CP 14", "CP14"),
        ("cp508-c que significa", "CP508C"),
        ("ltr 3172 q significa", "Letter 3172"),
    ],
)
def test_spanish_code_spellings(text: str, code: str) -> None:
    assert [m.code for m in find_codes(text, _lookup)] == [code]


@pytest.mark.parametrize("text", ["debo 504 dólares", "tengo 30 días", "pagué 1500 el mes pasado"])
def test_numbers_that_are_not_codes(text: str) -> None:
    assert find_codes(text, _lookup) == []


@pytest.mark.parametrize(
    "text, scope",
    [
        ("¿dónde está mi reembolso?", "refund_status"),
        ("todavía no me llega el cheque del refund", "refund_status"),
        ("¿cómo declaro mis impuestos?", "tax_prep"),
        ("no he declarado en 3 años, como hago para declarar los años atrasados", "tax_prep"),
        ("el condado me manda cobro de impuestos de propiedad atrasados, es del IRS?", "state_notice"),
        ("me congelaron la cuenta por un prestamo estudiantil federal, como lo paro", "other"),
    ],
)
def test_spanish_out_of_scope(text: str, scope: str) -> None:
    assert read_message(text, _lookup, TODAY).out_of_scope == scope


def test_a_spanish_paragraph_is_read_whole() -> None:
    reading = read_message(
        "Me llegó un aviso CP504 fechado el 3 de noviembre por $4,000 y perdí mi trabajo. "
        "¿Me pueden embargar el sueldo? ¿Puedo hacer un plan de pagos?",
        _lookup,
        TODAY,
    )
    assert (reading.codes, reading.notice_date) == (["CP504"], dt.date(2026, 11, 3))
    assert reading.situations == ["lost_income"] and reading.questions == ["wage_levy", "payment_plan"]


def test_spanish_follow_up_reads_the_last_topic() -> None:
    from understanding.reading import Memory

    reading = read_message("¿cómo lo quito?", _lookup, TODAY, Memory(last_topics=("lien",)))
    assert reading.questions == ["lien_removal"]


@pytest.mark.parametrize(
    "text, questions",
    [
        ("como paro el embargo", ["stop_levy"]),
        ("me da miedo que me quiten la casa", ["levy_general"]),
        ("escuche que se puede pagar menos. es cierto?", ["offer_in_compromise"]),
        ("por que me lo mandan?", ["what_is_notice"]),
        ("y si hago un plan de pagos me desbloquean la cuenta", ["payment_plan", "stop_levy"]),
        ("cuanto dinero me pueden sacar de la cuenta", ["bank_levy"]),
    ],
)
def test_spanish_broader_wordings(text: str, questions: List[str]) -> None:
    assert find_questions(text) == questions


@pytest.mark.parametrize(
    "text, situations",
    [
        ("no he faltado ningun pago del plan", ["on_payment_plan"]),
        ("mi patron me dio la declaracion de exenciones", ["levied"]),
        ("el vive solo de eso", ["fixed_income"]),
    ],
)
def test_spanish_situation_wordings(text: str, situations: List[str]) -> None:
    assert find_situations(text) == situations

"""Numbered menus per phone number: answered once, within the TTL, never with stale options."""

from __future__ import annotations

from typing import List

from channels.sms.menus import MenuMemory

PHONE, OTHER = "+15125550142", "+15125550143"
PAYLOADS = ["/ask_relief_options", "/request_human"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_number_picks_the_payload_once() -> None:
    menus = MenuMemory()
    menus.remember(PHONE, PAYLOADS)
    assert menus.resolve(PHONE, " #2 ") == "/request_human"
    assert menus.resolve(PHONE, "2") == "2"  # used up


def test_menus_are_per_number() -> None:
    menus = MenuMemory()
    menus.remember(PHONE, PAYLOADS)
    assert menus.resolve(OTHER, "1") == "1"
    assert menus.resolve(PHONE, "1") == "/ask_relief_options"


def test_other_replies_pass_as_text_and_use_up_the_menu() -> None:
    menus = MenuMemory()
    for reply, expected in (("3", "3"), ("0", "0"), ("what is a levy?", "what is a levy?")):
        menus.remember(PHONE, PAYLOADS)
        assert menus.resolve(PHONE, reply) == expected
        assert menus.take(PHONE) is None


def test_a_newer_menu_replaces_the_older_one_and_empty_menus_change_nothing() -> None:
    menus = MenuMemory()
    menus.remember(PHONE, PAYLOADS)
    menus.remember(PHONE, ["yes", "no"])
    menus.remember(PHONE, [])
    assert menus.resolve(PHONE, "2") == "no"


def test_menus_expire() -> None:
    clock = Clock()
    menus = MenuMemory(ttl_s=60, clock=clock)
    menus.remember(PHONE, PAYLOADS)
    clock.now += 61
    assert menus.resolve(PHONE, "1") == "1"


def test_expired_and_surplus_menus_are_pruned() -> None:
    clock = Clock()
    menus = MenuMemory(ttl_s=60, max_numbers=3, clock=clock)
    phones: List[str] = [f"+1512555{n:04d}" for n in range(5)]
    for phone in phones:
        menus.remember(phone, PAYLOADS)
    assert len(menus) == 3 and menus.take(phones[0]) is None and menus.take(phones[4]) == PAYLOADS
    clock.now += 61
    menus.remember(PHONE, PAYLOADS)
    assert len(menus) == 1


def test_typed_slash_commands_cannot_force_an_intent() -> None:
    menus = MenuMemory()
    assert menus.resolve(PHONE, '/request_human{"phone": "+1"}') == 'request_human{"phone": "+1"}'
    menus.remember(PHONE, PAYLOADS)
    assert menus.resolve(PHONE, "1") == "/ask_relief_options"  # only a menu choice may be a payload

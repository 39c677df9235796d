"""Full-width input (全角) from a Chinese input method reads as the ASCII it stands for.

``２`` in the party, ``１０：０５`` in a time, ``２０２６－１１－２５`` in a date, ``Ｈ`` as a
level: each field of each form, the dialogs, the command line and the import read them as
typed in ASCII; stored prose keeps its Chinese punctuation.
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input

from frontdesk import bounds, months, rules
from frontdesk.desk import fields, registration, registration_input
from frontdesk.followup import contact_input
from frontdesk.people.actor import DESK
from frontdesk.store.models import Contact, Customer, Registration
from screens.desk.registration_form import RegistrationScreen
from tests.conftest import FROZEN_NOW, settle, type_as_a_terminal

TODAY = FROZEN_NOW.date()


@pytest.mark.parametrize(
    ("typed", "moment"),
    [
        ("１０：０５", dt.datetime(2026, 11, 25, 10, 5)),
        ("２０２６－１１－２４　０９：３０", dt.datetime(2026, 11, 24, 9, 30)),
        ("２０２６／１１／２４ ０９：３０", dt.datetime(2026, 11, 24, 9, 30)),
    ],
)
def test_a_full_width_time_is_read(typed, moment):
    assert rules.parse_time_of_day(typed, TODAY) == moment


@pytest.mark.parametrize(("typed", "level"), [("Ｈ", "H"), ("ａ", "A"), (" Ｃ ", "C")])
def test_a_full_width_level_is_read(typed, level):
    assert rules.normalise_level(typed) == level


def test_a_full_width_day_and_month_are_read():
    assert bounds.parse_day("２０２６－１１－２５") == dt.date(2026, 11, 25)
    assert months.parse_month("２０２６－１１") == dt.date(2026, 11, 1)
    assert months.parse_month("２０２６／１１") == dt.date(2026, 11, 1)


def test_stored_text_gets_ascii_letters_and_digits_but_keeps_chinese_punctuation():
    assert rules.clean_text("ＲＡＶ４　荣放", 60) == "RAV4 荣放"
    assert rules.clean_text("客户说：下周六（２８号）再来，带家人。", 60) == (
        "客户说：下周六（28号）再来，带家人。"
    )


def test_a_full_width_query_finds_its_choice():
    assert rules.choice_matches("ｋｍ", ["凯美瑞", "卡罗拉"]) == ["凯美瑞"]
    assert rules.choice_matches("ｒａｖ４", ["凯美瑞", "RAV4荣放"]) == ["RAV4荣放"]


def test_a_registration_typed_in_full_width_is_stored_in_ascii(showroom):
    data = registration.RegistrationInput(
        kind="walkin",
        time_in="２０２６－１１－２５ ０９：５０",
        time_out="１０：２０",
        phone="１３８ １２３４ ５６７８",
        party_size="２",
        level="ｈ",
        model="ｒａｖ４",
    )
    saved = Registration.get_by_id(registration.register(data, by=DESK).id)
    assert (saved.time_in, saved.time_out) == (
        dt.datetime(2026, 11, 25, 9, 50),
        dt.datetime(2026, 11, 25, 10, 20),
    )
    assert (saved.phone, saved.party_size, saved.level, saved.model) == (
        "13812345678",
        2,
        "H",
        "RAV4荣放",
    )


def test_the_party_size_check_reads_full_width_digits():
    assert registration_input.field_error("party_size", "１２") is None
    assert registration_input.check_count(fields.named("party_size"), "１２") == (12, None)


@pytest.fixture
def zhang(showroom) -> Customer:
    data = registration.RegistrationInput(
        kind="walkin", time_in="09:00", phone="13812345678", name="张三", level="A"
    )
    return Customer.get_by_id(registration.register(data, by=DESK).customer_id)


def test_a_contact_typed_in_full_width_is_read(zhang):
    data = contact_input.ContactInput(
        method="ｃａｌｌ", at="１０：１５", level="Ｈ", next_date="１２－０１"
    )
    clean = contact_input.clean_contact(data, zhang)
    assert (clean.method, clean.at, clean.level, clean.next_date) == (
        "call",
        dt.datetime(2026, 11, 25, 10, 15),
        "H",
        dt.date(2026, 12, 1),
    )
    assert contact_input.parse_next_date("＋３", TODAY) == dt.date(2026, 11, 28)
    assert contact_input.parse_next_date("２０２６－１２－０５", TODAY) == dt.date(2026, 12, 5)


def test_the_command_line_reads_full_width(run_cli, cli_store):
    from frontdesk import store

    assert run_cli("staff", "add", "王磊", "--role", "consultant")[0] == 0
    status, _, err = run_cli(
        "register", "--kind", "walkin", "--at", "２０２６－１１－２５ ０９：１５",
        "--phone", "１３８１２３４５６７８", "--party", "３", "--level", "ｈ",
    )  # fmt: skip
    assert (status, err) == (0, "")
    status, _, err = run_cli(
        "contact", "--phone", "13812345678", "--at", "２０２６－１１－２５ １０：００",
        "--method", "call", "--level", "Ａ", "--next", "＋２",
    )  # fmt: skip
    assert (status, err) == (0, "")
    store.open_store(cli_store)
    saved = Registration.get()
    assert (saved.time_in, saved.party_size, saved.level) == (
        dt.datetime(2026, 11, 25, 9, 15),
        3,
        "H",
    )
    contact = Contact.get()
    assert (contact.level_after, contact.next_date) == ("A", dt.date(2026, 11, 27))


async def test_a_full_width_party_size_typed_in_the_form_is_kept(showroom, make_app):
    """``２`` from a Chinese input method became the default party of 1 without a word."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, RegistrationScreen)
        app.screen.query_one("#party-size", Input).focus()
        await type_as_a_terminal(pilot, "２")
        assert app.screen.query_one("#party-size", Input).value == "２"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, RegistrationScreen)
    assert Registration.get().party_size == 2

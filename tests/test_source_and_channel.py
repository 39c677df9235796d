"""来源区分 (source 1–7) and 信息来源 (channel), on every path into the store.

- The source (seed 000 slide 57: 1 基盘维系 · 2 VIP · 3 大客户 · 4 来店/电 · 5 内部情报 ·
  6 户外展示 · 7 二级网点) is typed on the registration form, in the contact dialog, with
  ``register --source`` and ``contact --source``, and in an import's 来源区分 column. Blank is
  4 for a new customer and leaves a known customer's as it is; the registration keeps what
  was typed. A full-width digit is read; anything but 1–7 is refused beside the field.
- A registration of a known customer left without a channel takes the customer's, on the
  command line and in an import as the form does when the phone is looked up.
"""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from openpyxl import Workbook
from textual.widgets import Input, Static

from frontdesk import i18n, rules, store
from frontdesk.desk import importer, registration
from frontdesk.errors import ValidationError
from frontdesk.followup import contact_export, contact_table, contacts
from frontdesk.followup.contact_input import ContactInput
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.store.models import AuditEntry, Contact, Customer, Registration
from screens.desk.registration_form import RegistrationScreen
from screens.followup.contact_forms import ContactScreen
from screens.followup.contacts import ContactsScreen
from tests.conftest import settle, type_as_a_terminal
from tests.test_every_screen_fits import cuts

ZHANG = "13812345678"
LI = "13912345678"
REFUSED = "来源区分只能是 1–7 或空白"


def walkin(phone: str, at: str, **typed) -> Registration:
    data = registration.RegistrationInput(
        kind="walkin", time_in=f"2026-11-25 {at}", phone=phone, **typed
    )
    return registration.register(data, by=DESK)


def source_of(phone: str) -> int:
    return Customer.get(Customer.phone == phone).source


# -- the core ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "read"),
    [("5", 5), ("５", 5), (" 7 ", 7), (3, 3), ("", None), (None, None), ("　", None)],
)
def test_a_typed_source_is_one_digit_from_1_to_7(typed, read):
    assert rules.normalise_source(typed) == read


@pytest.mark.parametrize("typed", ["0", "8", "12", "-1", "a", "4.5", "４a", "二"])
def test_anything_else_is_not_a_source(typed):
    with pytest.raises(ValueError):
        rules.normalise_source(typed)


def test_a_new_customer_is_4_unless_a_source_is_typed(showroom):
    plain = walkin(ZHANG, "09:00", name="张三")
    referred = walkin(LI, "09:30", name="李四", source="2")
    assert (source_of(ZHANG), plain.source) == (4, None)  # 来店/电; nothing typed is stored
    assert (source_of(LI), Registration.get_by_id(referred.id).source) == (2, 2)


def test_a_known_customers_source_changes_only_when_one_is_typed(showroom):
    walkin(ZHANG, "09:00", level="A", source="2")  # a VIP, put on file as such
    walkin(ZHANG, "09:40", level="A")  # blank: still 2, not back to 4
    assert source_of(ZHANG) == 2
    again = walkin(ZHANG, "10:10", source="５")  # full-width, from a Chinese input method
    assert source_of(ZHANG) == 5
    assert Registration.get_by_id(again.id).source == 5


def test_a_source_outside_1_to_7_is_refused_beside_its_field(showroom):
    with pytest.raises(ValidationError) as refused:
        walkin(ZHANG, "09:00", source="8")
    assert refused.value.errors == {"source": REFUSED}
    assert refused.value.lines() == [f"来源区分: {REFUSED}"]
    assert (Registration.select().count(), Customer.select().count()) == (0, 0)
    i18n.set_language("en")
    with pytest.raises(ValidationError) as refused:
        walkin(ZHANG, "09:00", source="0")
    assert refused.value.lines() == ["Source: The source is 1 to 7, or blank"]


def test_correcting_an_old_registration_keeps_the_source_set_since(showroom):
    first = walkin(ZHANG, "09:00", level="A", source="2")
    walkin(ZHANG, "10:00", source="6")
    assert source_of(ZHANG) == 6
    typed = registration.to_input(Registration.get_by_id(first.id))
    assert typed.source == 2  # the form shows what the row was saved with
    typed.notes = "补记：带了家人"
    saved = registration.update(first.id, typed, first.version, by=OPERATOR)
    assert source_of(ZHANG) == 6  # the 2 re-saved unchanged does not undo the later 6
    typed.source = "3"
    registration.update(first.id, typed, saved.version, by=OPERATOR)
    assert (source_of(ZHANG), Registration.get_by_id(first.id).source) == (3, 3)


def test_a_contact_sets_the_source_and_blank_keeps_it(showroom):
    walkin(ZHANG, "09:00", level="A")
    customer = Customer.get(Customer.phone == ZHANG)
    contact = contacts.record_contact(
        customer.id, ContactInput(method="visit", at="10:00", source="５"), by=OPERATOR
    )
    assert source_of(ZHANG) == 5  # was 4, from the walk-in
    entry = AuditEntry.get((AuditEntry.entity == "contact") & (AuditEntry.entity_id == contact.id))
    detail = json.loads(entry.detail)
    assert (detail["source"], detail["from_source"]) == (5, 4)
    contacts.record_contact(customer.id, ContactInput(method="call", at="10:10"), by=OPERATOR)
    assert source_of(ZHANG) == 5
    with pytest.raises(ValidationError) as refused:
        contacts.record_contact(
            customer.id, ContactInput(method="call", at="10:20", source="9"), by=OPERATOR
        )
    assert refused.value.errors == {"source": REFUSED}
    assert Contact.select().count() == 2  # the refused one is not stored


def test_the_contact_table_and_its_export_show_the_source(showroom, tmp_path):
    walkin(ZHANG, "09:00", name="张三", level="A", source="3")
    walkin(LI, "09:30", name="李四", level="B")
    rows = contact_table.page(contact_table.current_filter(OPERATOR))
    assert {row.name: row.source for row in rows} == {"张三": 3, "李四": 4}
    path = tmp_path / "接触状况表.csv"
    contact_export.export_month(path, contact_table.current_filter(OPERATOR))
    with open(path, encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    header = next(line for line in lines if line and line[0] == i18n.t("contacts.col.no"))
    column = header.index(i18n.t("contacts.col.source"))
    body = lines[lines.index(header) + 1 :]
    shown = {
        line[1]: line[column] for line in body if len(line) > column and line[1] in {"张三", "李四"}
    }
    assert shown == {"张三": "3", "李四": "4"}


# -- the command line -------------------------------------------------------------------------


def test_register_takes_a_source(run_cli, cli_store):
    register = ("register", "--phone", ZHANG, "--kind")
    status, out, err = run_cli(
        *register, "walkin", "--at", "09:00", "--level", "A", "--source", "3"
    )
    assert (status, err) == (0, "")
    status, _, err = run_cli(*register, "phone", "--at", "10:05", "--source", "9")
    assert (status, err) == (1, f"来源区分: {REFUSED}\n")
    store.open_store(cli_store)
    assert (Registration.get_by_id(int(out)).source, source_of(ZHANG)) == (3, 3)
    assert Registration.select().count() == 1


def test_contact_on_the_command_line_takes_a_source(run_cli, cli_store):
    walk = ("register", "--phone", ZHANG, "--kind", "walkin", "--at", "09:00", "--level", "A")
    assert run_cli(*walk)[0] == 0
    call = ("contact", "--phone", ZHANG, "--method", "call", "--at", "2026-11-25 10:00")
    assert run_cli(*call, "--source", "5")[::2] == (0, "")
    status, _, err = run_cli(*call, "--source", "0")
    assert (status, err) == (1, f"{REFUSED}\n")
    store.open_store(cli_store)
    assert source_of(ZHANG) == 5  # 4 from the walk-in, then 5 from the call
    assert Contact.select().count() == 1


def test_register_on_the_command_line_takes_a_known_customers_channel(run_cli, cli_store):
    """8 of 12 walk-ins were keyed with no channel though 5 of them had one on file."""
    at = ("--kind", "walkin", "--phone", ZHANG, "--at")
    assert run_cli("register", *at, "2026-11-24 09:00", "--channel", "网络")[0] == 0
    status, again, _ = run_cli("register", *at, "2026-11-25 09:00")  # no --channel
    assert status == 0
    status, other, _ = run_cli("register", *at, "2026-11-25 10:00", "--channel", "电视")
    assert status == 0
    status, stranger, _ = run_cli("register", "--kind", "phone", "--at", "10:10", "--phone", LI)
    assert status == 0
    store.open_store(cli_store)
    channel = {int(i): Registration.get_by_id(int(i)).channel for i in (again, other, stranger)}
    # The customer's 网络; then 电视 as typed (and now the customer's); a new caller has none.
    assert channel == {int(again): "网络", int(other): "电视", int(stranger): ""}
    assert Customer.get(Customer.phone == ZHANG).channel == "电视"


# -- the importer -----------------------------------------------------------------------------


def test_an_import_reads_the_source_column(showroom, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        "类别,来店时间,电话,意向级别,来源区分\n"
        "来店,2026-11-25 09:00,13812345678,A,３\n"
        "来店,2026-11-25 09:30,13912345678,B,\n",
        encoding="utf-8",
    )
    assert importer.import_file(path, by=OPERATOR).imported == 2
    assert (source_of(ZHANG), source_of(LI)) == (3, 4)  # full-width 3; blank: new, so 4
    path.write_text(
        "kind,time_in,phone,source\nwalkin,2026-11-25 10:00,13812345678,8\n", encoding="utf-8"
    )
    result = importer.import_file(path, by=OPERATOR)
    assert result.errors == [(2, "source", REFUSED)]
    assert source_of(ZHANG) == 3

    book = Workbook()
    book.active.append(["kind", "time_in", "phone", "source"])
    book.active.append(["walkin", dt.datetime(2026, 11, 25, 10, 0), ZHANG, 6])  # a number cell
    book.save(tmp_path / "log.xlsx")
    assert importer.import_file(tmp_path / "log.xlsx", by=OPERATOR).imported == 1
    assert source_of(ZHANG) == 6


def test_an_import_row_without_a_channel_takes_the_customers(showroom, tmp_path):
    walkin(ZHANG, "09:00", channel="网络")
    path = tmp_path / "log.csv"
    path.write_text(
        "kind,time_in,phone,channel\n"
        "walkin,2026-11-25 10:00,13812345678,\n"  # known, blank → 网络
        "phone,2026-11-25 10:20,13912345678,\n"  # 李四's call, after the walk-in below → 电视
        "walkin,2026-11-25 10:10,13912345678,电视\n"  # 李四 new, stored first (by time)
        "walkin,2026-11-25 10:30,,\n",  # nobody's: stays blank
        encoding="utf-8",
    )
    assert importer.import_file(path, by=OPERATOR).imported == 4
    saved = Registration.select().where(Registration.time_in > dt.datetime(2026, 11, 25, 9, 30))
    channels = [r.channel for r in saved.order_by(Registration.time_in)]
    assert channels == ["网络", "电视", "电视", ""]  # 10:00, 10:10, 10:20, 10:30


# -- the screens --------------------------------------------------------------------------------


async def test_the_form_asks_the_source_after_the_channel_and_says_a_bad_one_beside_it(
    showroom, make_app
):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, RegistrationScreen)
        await pilot.press(*ZHANG, "enter", "enter", "enter", "enter", "enter", "enter")
        await settle(pilot)  # name, gender, party size, model, channel: left blank
        assert app.focused.id == "source"
        await pilot.press("8", "enter")
        await settle(pilot)
        assert app.focused.id == "source"  # back on it, the core's sentence beside it
        hint = app.screen.query_one("#hint-source", Static)
        assert (str(hint.render()), hint.has_class("-error")) == (REFUSED, True)
        await pilot.press("backspace")
        await type_as_a_terminal(pilot, "５")
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused.id == "level"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, RegistrationScreen)
    assert (Registration.get().source, source_of(ZHANG)) == (5, 5)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("key", ["f2", "f3", "e"])
async def test_the_sources_whole_hint_shows_at_80x24(showroom, make_app, language, key):
    """The walk-in form, the call's and a correction (the most rows: time out too)."""
    walkin(ZHANG, "09:00", name="张三", level="A")  # the row ``e`` corrects
    i18n.set_language(language)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        app.screen.query_one("#source", Input).focus()
        await settle(pilot)
        line = str(app.screen.query_one("#form-hint", Static).render())
        assert i18n.t("source.7")[2:] in line  # the whole list, to 7 二级网点
        assert cuts(app) == []
        assert app.screen.query_one("#form-fields").max_scroll_y == 0  # every field in view


async def test_the_contact_dialog_sets_the_source(showroom, make_app):
    walkin(ZHANG, "09:00", name="张三", level="A", source="2")
    app = make_app(staff=showroom["wanglei"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, ContactsScreen)
        await pilot.press("c", "enter", "enter", "enter", "enter")  # to the source
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ContactScreen) and dialog.focused.id == "source"
        assert dialog.query_one("#source", Input).placeholder == "2"  # the customer's now
        assert cuts(app) == []
        await pilot.press("9", "enter")
        await settle(pilot)
        hint = dialog.query_one("#hint-source", Static)
        assert (dialog.focused.id, str(hint.render())) == ("source", REFUSED)
        await pilot.press("backspace", "6")
        await settle(pilot)
        assert str(hint.render()) == "6 户外展示"  # what the digit means
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ContactsScreen)
    assert source_of(ZHANG) == 6

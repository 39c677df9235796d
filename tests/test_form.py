"""Pilot tests: the registration form driven by keys, as a receptionist would."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input, Static

from frontdesk import i18n
from frontdesk.desk import registration
from frontdesk.people.actor import DESK
from frontdesk.store import drafts
from frontdesk.store.models import Customer, Registration
from screens.desk.registration_form import RegistrationScreen
from screens.dialogs import ConfirmScreen
from tests.conftest import FROZEN_NOW, settle


def hint(app, field_id: str) -> str:
    return str(app.screen.query_one(f"#hint-{field_id}", Static).render())


async def open_form(pilot, key: str = "f2") -> None:
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, RegistrationScreen)


async def test_anonymous_walkin_needs_nothing_but_save(showroom, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, RegistrationScreen)
    saved = Registration.get()
    assert (saved.kind, saved.phone, saved.customer, saved.party_size) == ("walkin", None, None, 1)
    assert saved.time_in == FROZEN_NOW
    assert saved.consultant.name == "王磊"  # head of the up rotation
    assert saved.visit == "first"


async def test_full_walkin_typed_in_paper_form_order(showroom, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press(*"138 1234 5678", "enter")
        await pilot.press(*"张三", "enter")
        await pilot.press("m", "enter")  # gender
        await pilot.press("3", "enter")  # party of three
        await pilot.press(*"km", "enter")  # model by pinyin initials: 凯美瑞
        await pilot.press("enter")  # channel left blank
        await pilot.press("enter")  # source left blank: 4 for a new customer
        await pilot.press("h", "enter")  # level H
        await pilot.press("enter")  # proposed consultant kept
        await pilot.press("y", "enter", "n", "enter", "n", "enter")  # test drive, quote, order
        await pilot.press(*"想看混动", "enter")
        await pilot.press(*"10:05", "enter")  # time in corrected (typing replaces the stamp)
        await settle(pilot)
        assert not isinstance(app.screen, RegistrationScreen)  # Enter on the last field saved
    saved = Registration.get()
    assert saved.phone == "13812345678"
    assert (saved.name, saved.gender, saved.party_size) == ("张三", "M", 3)
    assert (saved.model, saved.level, saved.test_drive, saved.quote) == ("凯美瑞", "H", True, False)
    assert saved.notes == "想看混动"
    assert saved.time_in == dt.datetime(2026, 11, 25, 10, 5)
    customer = Customer.get(Customer.phone == "13812345678")
    assert (customer.name, customer.level, customer.initials) == ("张三", "H", "zs")


async def test_returning_walkin_is_recognised_by_phone(showroom, make_app):
    first = registration.register(
        registration.RegistrationInput(
            kind="walkin",
            time_in=FROZEN_NOW - dt.timedelta(days=3),
            phone="13912345678",
            name="李雷",
            model="汉兰达",
            level="A",
            consultant="李娜",
        ),
        by=DESK,
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press(*"+86 139-1234-5678")
        await settle(pilot, 0.4)  # the lookup waits for typing to pause
        screen = app.screen
        known = str(screen.query_one("#known", Static).render())
        assert "李雷" in known and "再次" in known
        assert screen.query_one("#name", Input).value == "李雷"
        assert screen.query_one("#model", Input).value == "汉兰达"
        assert screen.query_one("#consultant", Input).value == "李娜"  # their own consultant
        await pilot.press("ctrl+s")
        await settle(pilot)
    second = Registration.select().order_by(Registration.id.desc()).get()
    assert second.customer_id == first.customer_id
    assert (second.visit, second.consultant.name, second.level) == ("returning", "李娜", "A")


async def test_phone_call_has_no_party_size(showroom, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, "f3")
        assert not app.screen.query("#party-size")
        assert not app.screen.query("#test-drive")
        await pilot.press(*"13800001111", "enter", *"王芳", "ctrl+s")
        await settle(pilot)
    saved = Registration.get()
    assert (saved.kind, saved.name, saved.time_out) == ("phone", "王芳", None)


async def test_bad_input_is_explained_beside_the_field_and_nothing_is_lost(showroom, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press(*"12345", "enter")
        await settle(pilot)
        assert app.focused.id == "phone"  # Enter does not move past a bad field
        assert "不是有效的电话号码" in hint(app, "phone")
        await pilot.press("tab", *"[VIP]张三", "tab", "tab", "0", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RegistrationScreen)  # not saved
        assert "1 到 99" in hint(app, "party-size")
        assert Registration.select().count() == 0
        assert app.screen.query_one("#name", Input).value == "[VIP]张三"  # nothing typed lost
        app.screen.query_one("#phone", Input).value = "13812345678"
        app.screen.query_one("#party-size", Input).value = "2"
        await pilot.press("ctrl+s")
        await settle(pilot)
    saved = Registration.get()
    assert (saved.name, saved.party_size) == ("[VIP]张三", 2)


async def test_the_form_says_of_a_phone_what_the_core_says(showroom, make_app):
    """A phone with keypad letters: the form explains it as the save would, at Enter."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press(*"1391234abcd", "enter")
        await settle(pilot)
        assert app.focused.id == "phone"
        assert "电话号码里不能有字母" in hint(app, "phone")


async def test_unknown_model_is_refused_with_a_message(showroom, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        app.screen.query_one("#model", Input).focus()
        await pilot.press(*"zzz", "enter")
        await settle(pilot)
        assert app.focused.id == "model"
        assert "不在车型表中" in hint(app, "model")


async def test_an_unknown_consultant_is_refused_in_the_cores_words(showroom, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        consultant = app.screen.query_one("#consultant", Input)
        consultant.focus()
        consultant.value = ""  # the proposed consultant, cleared
        await pilot.press(*"孙悟空", "enter")
        await settle(pilot)
        assert app.focused.id == "consultant"
        assert hint(app, "consultant") == "没有这位员工：孙悟空"


async def test_a_refusal_of_the_core_is_shown_beside_its_field(showroom, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        app.screen.query_one("#time-in", Input).value = "23:00"  # later today: only the save knows
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RegistrationScreen)
        assert hint(app, "time-in") == "时间还没到：不能晚于现在"
    assert Registration.select().count() == 0


async def test_correcting_a_registration_keeps_what_the_form_does_not_show(showroom, make_app):
    party = registration.register(
        registration.RegistrationInput(
            kind="walkin",
            time_in=FROZEN_NOW - dt.timedelta(minutes=40),
            name="张三",
            colour="珍珠白",  # from an import or the command line: the form has no colour
        ),
        by=DESK,
    )
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, RegistrationScreen)
        app.screen.query_one("#notes", Input).focus()
        await pilot.press(*"看车", "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, RegistrationScreen)
    stored = Registration.get_by_id(party.id)
    assert (stored.notes, stored.colour) == ("看车", "珍珠白")


async def test_correcting_an_old_row_keeps_its_retired_model(showroom, make_app):
    """A model retired since (F9 → code lists) stays on the rows that have it: the edit
    form offers it for that row, and saves the row with it."""
    from frontdesk.people.actor import OPERATOR
    from frontdesk.store import codes

    party = registration.register(
        registration.RegistrationInput(
            kind="walkin", time_in=FROZEN_NOW - dt.timedelta(minutes=40), model="汉兰达"
        ),
        by=DESK,
    )
    codes.retire_code(codes.MODEL, "汉兰达", by=OPERATOR)
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, RegistrationScreen)
        app.screen.query_one("#model", Input).focus()
        await pilot.press("enter")  # leaving the model as it is: no "not on the list"
        await settle(pilot)
        assert app.screen.query_one("#model", Input).value == "汉兰达"
        app.screen.query_one("#notes", Input).focus()
        await pilot.press(*"复查", "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, RegistrationScreen)
    stored = Registration.get_by_id(party.id)
    assert (stored.model, stored.notes) == ("汉兰达", "复查")
    assert "汉兰达" not in codes.names(codes.MODEL)  # still retired for new rows


async def test_escape_asks_before_discarding_typed_text(showroom, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press("escape")  # nothing typed: straight back
        await settle(pilot)
        assert not isinstance(app.screen, RegistrationScreen)
        await open_form(pilot)
        await pilot.press(*"138", "escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.query_one("#phone", Input).value == "138"
        await pilot.press("escape", "y")
        await settle(pilot)
        assert not isinstance(app.screen, RegistrationScreen)
    assert drafts.load_draft("", "walkin") is None


async def test_draft_survives_a_crash_and_is_offered_back(showroom, make_app):
    app = make_app(staff=showroom["zhaomin"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press(*"13700001234", "enter", *"赵六")
        await settle(pilot)  # the draft is written as the keys come
    # The app went away without saving (a crash or a dropped connection).
    assert drafts.load_draft("zhaomin", "walkin")[0]["name"] == "赵六"
    assert Registration.select().count() == 0

    app = make_app(staff=showroom["zhaomin"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen.query_one("#name", Input).value == "赵六"
        assert app.screen.query_one("#phone", Input).value == "13700001234"
        await pilot.press("ctrl+s")
        await settle(pilot)
    saved = Registration.get()
    assert (saved.name, saved.registered_by.name) == ("赵六", "赵敏")
    assert drafts.load_draft("zhaomin", "walkin") is None


async def test_the_draft_has_every_key_once_the_write_in_flight_is_done(showroom, make_app):
    """No pause needed: each change is written (one write at a time, the latest next), so
    a kill loses at most the key typed during the last write."""
    app = make_app(staff=showroom["zhaomin"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press(*"13700001234", "enter", *"赵六", "tab", "f")
        await settle(pilot)  # the writes in flight finish; no timer is waited for
        kept = drafts.load_draft("zhaomin", "walkin")
        assert kept is not None
        assert kept[0] == {"phone": "13700001234", "name": "赵六", "gender": "F"}
        await pilot.press("tab", "3")
        await settle(pilot)
        assert drafts.load_draft("zhaomin", "walkin")[0]["party-size"] == "3"


async def test_ctrl_q_right_after_typing_keeps_the_draft(showroom, make_app):
    app = make_app(staff=showroom["zhaomin"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press(*"13700001234", "enter", *"赵六")
        await pilot.press("ctrl+q")  # before the draft's own timer could fire
        await settle(pilot)
    kept = drafts.load_draft("zhaomin", "walkin")
    assert kept is not None and kept[0]["name"] == "赵六"
    assert Registration.select().count() == 0


async def test_english_form(showroom, make_app):
    i18n.set_language("en")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        assert "Walk-in registration" in str(app.screen.query_one("#form-title").render())
        await pilot.press(*"12", "enter")
        await settle(pilot)
        assert "Not a valid phone number" in hint(app, "phone")

"""Pilot tests: what a phone lookup fills in the form, and undoes when the phone is corrected;
a customer still in the showroom (在店) is said so, and a new walk-in for them is asked."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input, Static

from frontdesk import i18n
from frontdesk.desk import registration
from frontdesk.people.actor import DESK
from frontdesk.store.models import Customer, Registration
from screens.desk.registration_form import RegistrationScreen
from screens.dialogs import ConfirmScreen
from screens.widgets import FdCycle
from tests.conftest import FROZEN_NOW, settle
from tests.test_form import hint, open_form

ZHANG_SAN = "13812345678"  # known: 张三, male, 汉兰达, level A, 李娜's customer
CORRECTED = "13812345679"  # the last digit corrected: nobody's number
LI_LEI = "13912345678"  # known: 李雷, 凯美瑞, no level, 王磊's customer
LOOKUP_PAUSE_S = 0.4  # the lookup waits for typing to pause (0.25 s)


def walkin(minutes_ago: int, **fields) -> Registration:
    return registration.register(
        registration.RegistrationInput(
            kind="walkin", time_in=FROZEN_NOW - dt.timedelta(minutes=minutes_ago), **fields
        ),
        by=DESK,
    )


def known_customers() -> None:
    """张三, who walked in three days ago and left, and 李雷, who called; 王磊 is still at
    the head of the up rotation (李娜 took 张三's first visit)."""
    three_days = FROZEN_NOW - dt.timedelta(days=3)
    fields = {"phone": ZHANG_SAN, "name": "张三", "gender": "M", "model": "汉兰达"}
    walkin(3 * 24 * 60, **fields, level="A", consultant="李娜", time_out=three_days)
    registration.register(
        registration.RegistrationInput(
            kind="phone", time_in=three_days, phone=LI_LEI, name="李雷", model="凯美瑞"
        ),
        by=DESK,
    )


def value(app, field_id: str):
    widget = app.screen.query_one(f"#{field_id}")
    assert isinstance(widget, Input | FdCycle)
    return widget.value


def form_values(app) -> dict:
    return {f: value(app, f) for f in ("name", "gender", "model", "level", "consultant")}


def banner(app) -> str:
    return str(app.screen.query_one("#known", Static).render())


async def test_a_corrected_phone_takes_back_what_the_lookup_filled(showroom, make_app):
    known_customers()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press(*ZHANG_SAN)
        await settle(pilot, LOOKUP_PAUSE_S)
        assert form_values(app) == {
            "name": "张三",
            "gender": "M",
            "model": "汉兰达",
            "level": "A",
            "consultant": "李娜",
        }
        assert hint(app, "consultant") == "已建档客户的顾问：李娜"
        await pilot.press("backspace", "9")  # the last digit was wrong
        await settle(pilot, LOOKUP_PAUSE_S)
        assert "新客户" in banner(app)
        # Nothing of 张三's is left; the consultant is the head of the up rotation again.
        assert form_values(app) == {
            "name": "",
            "gender": "",
            "model": "",
            "level": None,
            "consultant": "王磊",
        }
        assert hint(app, "consultant") == "建议：王磊"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, RegistrationScreen)
    saved = Registration.select().order_by(Registration.id.desc()).get()
    assert (saved.phone, saved.name, saved.level, saved.consultant.name) == (
        CORRECTED,
        "",
        None,
        "王磊",
    )
    new = Customer.get(Customer.phone == CORRECTED)
    assert (new.name, new.gender, new.model, new.level, new.consultant.name) == (
        "",
        "",
        "",
        None,
        "王磊",
    )
    zhang = Customer.get(Customer.phone == ZHANG_SAN)
    assert (zhang.name, zhang.level, zhang.consultant.name) == ("张三", "A", "李娜")


async def test_what_was_typed_by_hand_stays_when_the_phone_is_corrected(showroom, make_app):
    known_customers()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press("tab", *"王五", "shift+tab")  # the name first, then the phone
        await pilot.press(*ZHANG_SAN)
        await settle(pilot, LOOKUP_PAUSE_S)
        assert (value(app, "name"), value(app, "model")) == ("王五", "汉兰达")
        app.screen.query_one("#level").focus()
        await pilot.press("h")  # the level judged today, by hand
        app.screen.query_one("#phone").focus()
        await pilot.press("end", "backspace", "9")
        await settle(pilot, LOOKUP_PAUSE_S)
        assert form_values(app) == {
            "name": "王五",
            "gender": "",
            "model": "",
            "level": "H",
            "consultant": "王磊",
        }


async def test_a_phone_corrected_to_another_known_customer_shows_theirs(showroom, make_app):
    known_customers()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press(*ZHANG_SAN)
        await settle(pilot, LOOKUP_PAUSE_S)
        await pilot.press(*["backspace"] * len(ZHANG_SAN), *LI_LEI)
        await settle(pilot, LOOKUP_PAUSE_S)
        assert "李雷" in banner(app) and "张三" not in banner(app)
        # 李雷 has no gender nor level on file: 张三's are not left in their place.
        assert form_values(app) == {
            "name": "李雷",
            "gender": "",
            "model": "凯美瑞",
            "level": None,
            "consultant": "王磊",
        }
        assert hint(app, "consultant") == "已建档客户的顾问：王磊"


async def test_a_save_right_after_the_correction_files_nothing_of_the_other(showroom, make_app):
    """Ctrl+S before the corrected number's lookup: the old customer's details are gone."""
    known_customers()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press(*ZHANG_SAN)
        await settle(pilot, LOOKUP_PAUSE_S)
        await pilot.press("backspace", "9", "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, RegistrationScreen)
    saved = Registration.select().order_by(Registration.id.desc()).get()
    assert (saved.phone, saved.name, saved.model, saved.consultant.name) == (
        CORRECTED,
        "",
        "",
        "王磊",
    )


async def test_the_english_banner_names_no_level_in_words(showroom, make_app):
    i18n.set_language("en")
    known_customers()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press(*LI_LEI)
        await settle(pilot, LOOKUP_PAUSE_S)
        assert "level not set" in banner(app)
        assert "None" not in banner(app)


async def test_a_customer_still_in_the_showroom_is_asked_about_first(showroom, make_app):
    walkin(40)  # 序号 1: an anonymous party at 09:50
    walkin(25, phone=ZHANG_SAN, name="张三")  # 序号 2: 10:05, no time out
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press(*ZHANG_SAN)
        await settle(pilot, LOOKUP_PAUSE_S)
        assert "仍在店：10:05 来店（序号 2）" in banner(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one(".dialog-question", Static).render())
        assert question == "张三 自 10:05 起仍在店（序号 2），仍要登记新的一批吗？"
        await pilot.press("n")  # no: back to the form, nothing saved, nothing lost
        await settle(pilot)
        assert isinstance(app.screen, RegistrationScreen)
        assert value(app, "phone") == ZHANG_SAN
        assert Registration.select().count() == 2
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")  # yes: a new party all the same
        await settle(pilot)
        assert not isinstance(app.screen, RegistrationScreen)
    assert Registration.select().count() == 3


async def test_a_customer_who_left_is_registered_without_a_question(showroom, make_app):
    walkin(25, phone=ZHANG_SAN, name="张三", time_out=FROZEN_NOW - dt.timedelta(minutes=5))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press(*ZHANG_SAN)
        await settle(pilot, LOOKUP_PAUSE_S)
        assert "在店" not in banner(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, RegistrationScreen)
    assert Registration.select().count() == 2


async def test_a_call_from_a_customer_in_the_showroom_is_saved_at_once(showroom, make_app):
    """A call is an event of its own: the banner says where they are, Ctrl+S saves."""
    walkin(25, phone=ZHANG_SAN, name="张三")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, "f3")
        await pilot.press(*ZHANG_SAN)
        await settle(pilot, LOOKUP_PAUSE_S)
        assert "仍在店" in banner(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, RegistrationScreen)
    assert Registration.select().where(Registration.kind == "phone").count() == 1

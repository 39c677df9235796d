"""Pilot tests: the registration form at 80×24 — every focus stop a field one can see."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input

from frontdesk.desk import registration
from frontdesk.people.actor import DESK
from screens.desk.registration_form import RegistrationScreen
from tests.conftest import FROZEN_NOW, settle
from tests.test_form import open_form


def earlier_party() -> registration.Registration:
    return registration.register(
        registration.RegistrationInput(
            kind="walkin", time_in=FROZEN_NOW - dt.timedelta(minutes=40), name="张三"
        ),
        by=DESK,
    )


async def open_edit_form(pilot) -> None:
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    assert isinstance(pilot.app.screen, RegistrationScreen)
    assert pilot.app.screen.edit_id is not None


def field_ids(screen: RegistrationScreen) -> list[str]:
    return [field.widget_id for field in screen.fields()]


def assert_a_visible_field(screen: RegistrationScreen) -> str:
    focused = screen.focused
    assert focused is not None and focused.id in field_ids(screen), focused
    region = focused.region
    assert region.width > 0 and region.height > 0, focused
    assert screen.region.contains_region(region), focused
    return focused.id


async def go_round(pilot, key: str) -> list[str]:
    """The focus stops met pressing ``key`` once per field, from the phone."""
    screen = pilot.app.screen
    stops = []
    for _ in field_ids(screen):
        await pilot.press(key)
        await settle(pilot)
        stops.append(assert_a_visible_field(screen))
    return stops


@pytest.mark.parametrize("form", ["new", "edit"])
async def test_every_focus_stop_is_a_field_and_the_cycle_wraps(showroom, make_app, form):
    earlier_party()
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await (open_form(pilot) if form == "new" else open_edit_form(pilot))
        screen = app.screen
        ids = field_ids(screen)
        assert app.focused.id == "phone"
        assert await go_round(pilot, "tab") == ids[1:] + ids[:1]  # after the last: the phone
        assert await go_round(pilot, "shift+tab") == ids[::-1]  # before the phone: the last
        await pilot.press("shift+tab")  # from the phone
        await pilot.press(*"10:05")  # typed where one can see it
        await settle(pilot)
        assert app.focused.id == ids[-1]
        assert screen.query_one(f"#{ids[-1]}", Input).value == "10:05"

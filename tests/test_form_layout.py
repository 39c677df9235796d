"""Pilot tests: the registration form at 80×24 — every focus stop a field one can see, and
every hint whole (beside its field as much as fits whole, on its own line in full)."""

from __future__ import annotations

import datetime as dt

import pytest
from rich.cells import cell_len
from textual.widgets import Input, Label, Static

from frontdesk import i18n
from frontdesk.desk import registration
from frontdesk.desk.fields import form_fields
from frontdesk.i18n import t
from frontdesk.people import team
from frontdesk.people.actor import DESK, OPERATOR
from screens.desk.registration_form import RegistrationScreen
from tests.conftest import FROZEN_NOW, screen_lines, settle
from tests.test_form import open_form

LANGUAGES = [pytest.param(None, id="zh-CN"), pytest.param("en", id="en")]


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


def cut_widgets(screen: RegistrationScreen) -> list[str]:
    """Labels and hints beside the fields whose text is wider than their place."""
    cut = []
    for widget in screen.query(".field-label, .field-hint"):
        assert isinstance(widget, Label | Static)
        shown = str(widget.render())
        if cell_len(shown) > widget.content_size.width or "…" in shown:
            cut.append(f"{widget.id or widget.parent.id}: {shown!r}")
    return cut


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("form", ["new", "edit"])
async def test_at_80_columns_no_hint_is_cut_and_the_focused_one_is_whole(
    showroom, make_app, language, form
):
    i18n.set_language(language)
    earlier_party()
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await (open_form(pilot) if form == "new" else open_edit_form(pilot))
        screen = app.screen
        assert cut_widgets(screen) == []
        assert not [line for line in screen_lines(app) if "…" in line]
        for field in form_fields("walkin", editing=form == "edit"):
            screen.query_one(f"#{field.widget_id}").focus()
            await settle(pilot)
            line = str(screen.query_one("#form-hint", Static).render())
            beside = screen.query_one(f"#hint-{field.widget_id}").content
            assert str(beside) in line, field.name  # the whole hint, not only what fits beside
            if field.hint and field.name not in ("consultant", "level"):  # these tell more
                assert t(field.hint) in line, field.name
            assert line.startswith(field.label_text("walkin")) or not str(beside), field.name
            assert not [line for line in screen_lines(app) if "…" in line], field.name


@pytest.mark.parametrize("language", LANGUAGES)
async def test_with_no_consultant_on_duty_the_form_says_how_to_put_one_on(
    showroom, make_app, language
):
    i18n.set_language(language)
    team.set_roster([], by=OPERATOR)
    app = make_app(staff=showroom["zhaomin"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        app.screen.query_one("#consultant").focus()
        await settle(pilot)
        line = str(app.screen.query_one("#form-hint", Static).render())
        whole = {
            None: "无值班顾问：按 F4 回到今日登记表，再按 d 设定今天谁当班",
            "en": "No consultant on duty: press F4 for today's log, "
            "then d to set who is on duty today",
        }[language]
        assert whole in line
        assert cut_widgets(app.screen) == []

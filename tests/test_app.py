"""Pilot tests of the app as a whole: help, command palette, welcome, sizes, languages."""

from __future__ import annotations

import gc

import pytest
from textual import events
from textual.command import CommandPalette
from textual.widgets import Input

from frontdesk import i18n
from frontdesk.desk import onboarding
from frontdesk.store import settings
from frontdesk.store.models import CodeItem, Staff
from screens.app import WARM_UP_DELAY_S, FrontdeskApp
from screens.bindings import key_label
from screens.desk.day_log import DayLogScreen
from screens.desk.registration_form import RegistrationScreen
from screens.desk.welcome import WelcomeScreen
from screens.help import HelpScreen
from screens.help import _sections as help_sections
from tests.conftest import screen_text, settle


async def test_f1_lists_every_key_of_every_screen(showroom, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for label in ("F2", "F3", "F4", "Ctrl+Q", "来店", "记录离店", "跳过排头"):
            assert label in text
        listed = {keys for _, rows in help_sections() for keys, _ in rows}
        for screen in (FrontdeskApp, RegistrationScreen, DayLogScreen, WelcomeScreen):
            for binding in screen.BINDINGS:
                assert key_label(binding.key) in listed, binding
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)


async def test_header_shows_store_date_weekday_clock_and_staff(showroom, make_app):
    app = make_app(staff=showroom["zhaomin"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        header = str(app.screen.query_one("#header").render())
        for part in ("丰田4S店", "2026-11-25", "星期三", "10:30:00", "赵敏"):
            assert part in header


async def test_command_palette_lists_the_actions(showroom, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"来电")
        await settle(pilot, 0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RegistrationScreen) and app.screen.kind == "phone"


async def test_every_form_field_is_visible_at_80_by_24(showroom, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        for row in app.screen.query(".field-row"):
            assert row.region.y > 0 and row.region.bottom <= 23, row.id
            assert row.region.right <= 80


async def test_welcome_sets_up_an_empty_store(db, make_app):
    assert onboarding.needs_welcome()
    app = make_app(show_welcome=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press(*"一汽丰田城东店", "enter")
        await pilot.press(*"王磊,李娜", "enter")
        await pilot.press(*"赵敏", "enter", "enter")
        await pilot.press(*"凯美瑞,卡罗拉", "enter")  # Enter on the last field saves
        await settle(pilot)
        assert not isinstance(app.screen, WelcomeScreen)
        assert "一汽丰田城东店" in str(app.screen.query_one("#header").render())
    assert settings.store_name() == "一汽丰田城东店"
    assert [s.name for s in Staff.select().order_by(Staff.id)] == ["王磊", "李娜", "赵敏"]
    assert CodeItem.select().where(CodeItem.kind == "model").count() == 2
    assert not onboarding.needs_welcome()


async def test_keys_typed_at_once_into_the_welcome_keep_to_their_fields(db, make_app):
    """A paste or a script: every key is queued before the first is handled. Each Enter
    must move on within its own key press, as on the registration form."""
    app = make_app(show_welcome=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst = [*"城东店", "enter", *"liufang", "enter", *"chenjing", "enter", "enter"]
        burst += [*"凯美瑞", "ctrl+s"]
        for key in burst:
            char = key if len(key) == 1 else ("\r" if key == "enter" else None)
            app.post_message(events.Key(key, char))
        await settle(pilot, 0.2)
        assert not isinstance(app.screen, WelcomeScreen)
    assert settings.store_name() == "城东店"
    staff = [(s.name, s.role) for s in Staff.select().order_by(Staff.id)]
    assert staff == [("liufang", "consultant"), ("chenjing", "receptionist")]
    assert [c.name for c in CodeItem.select().where(CodeItem.kind == "model")] == ["凯美瑞"]


async def test_escape_skips_the_welcome_for_good(db, make_app):
    app = make_app(show_welcome=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, WelcomeScreen)
    assert not onboarding.needs_welcome()


async def test_english_is_complete_on_the_log(showroom, make_app):
    i18n.set_language("en")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Today's registrations" in text and "Wednesday" in text
        for data in ("丰田4S店", "王磊", "李娜"):  # the store's own data stays as typed
            text = text.replace(data, "")
        chinese = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
        assert not chinese


def test_stylesheet_is_found():
    assert FrontdeskApp.CSS_PATH.name == "frontdesk.tcss"
    assert Input  # the widgets module imports cleanly


def screens_rules_read(app: FrontdeskApp) -> bool:
    return any(path.endswith("screens/screens.tcss") for path, _ in app.stylesheet.source)


async def test_the_other_screens_rules_wait_and_style_nothing_on_the_log(
    showroom, make_app, monkeypatch
):
    """The first frame is drawn with the log's rules alone (frontdesk.tcss): the other
    screens' (screens/screens.tcss) are read when one of them opens. None of them may
    style a widget of the log, which was styled without them."""
    monkeypatch.setattr("screens.app.WARM_UP_DELAY_S", 3600)  # no warm-up in this test
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DayLogScreen)
        assert not screens_rules_read(app)
        log = app.screen
        styled = {widget: widget.styles.css for widget in log.query("*")}
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, RegistrationScreen)
        assert screens_rules_read(app)
        app.stylesheet.update(log)  # its widgets styled again, with both files' rules
        assert {widget: widget.styles.css for widget in log.query("*")} == styled
        assert app.screen.query_one("#form-fields").styles.padding.left == 1  # its rules


async def test_the_warm_up_reads_the_other_screens_rules(showroom, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, WARM_UP_DELAY_S + 0.2)
        assert screens_rules_read(app)


async def test_the_warm_up_freezes_what_start_up_made(showroom, make_app):
    """A full collection walked every object start-up made, 90–290 ms in the middle of
    typing; frozen once the warm-up is done, it walks only what came since."""
    gc.unfreeze()  # another test's app may have frozen this process's objects already
    assert gc.get_freeze_count() == 0
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, WARM_UP_DELAY_S + 0.2)
        assert gc.get_freeze_count() > 0


@pytest.mark.parametrize(("asked", "painted"), [(None, 120), ("30", 30)])
def test_textual_paints_at_120_frames_a_second_unless_the_user_says_otherwise(asked, painted):
    """A typed key waits for Textual's next frame: at 120 a second it waits half as long
    (``screens/__init__.py``); a user's own TEXTUAL_FPS stands."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    if asked:
        env["TEXTUAL_FPS"] = asked
    code = "import screens, textual.constants as c; print(c.MAX_FPS)"
    found = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert int(found.stdout) == painted

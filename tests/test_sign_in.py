"""The desk's sign-in by keys: names, the PIN step, the lockout, and the SSH path past it."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import OptionList

from frontdesk.people import pins, team
from frontdesk.people.actor import OPERATOR
from frontdesk.store.models import AuditEntry
from screens.app import FrontdeskApp
from screens.desk.day_log import DayLogScreen
from screens.sign_in import FdPinInput, SignInScreen
from tests.conftest import screen_text, settle

DESK = "desk-pc:/dev/tty1"


@pytest.fixture
def pinned(showroom, monkeypatch):
    """陈静 (manager) has the PIN 2468, 王磊 (consultant) 1357; 赵敏 and 李娜 have none.

    The terminal is fixed, and the PINs are hashed with a small scrypt N (read back from
    each hash) so that many tries stay quick."""
    monkeypatch.setattr(pins, "SCRYPT_N", 2**10)
    monkeypatch.setattr(pins, "this_terminal", lambda: DESK)
    pins.set_pin("chenjing", "2468", by=OPERATOR)
    pins.set_pin("wanglei", "1357", by=OPERATOR)
    return showroom


def desk_app() -> FrontdeskApp:
    return FrontdeskApp(watch_interval=None, sign_in=team.list_staff(active_only=True))


async def choose(pilot, login: str) -> None:
    """Move down the list to ``login`` by keys and press Enter."""
    options = pilot.app.screen.query_one("#sign-in-list", OptionList)
    ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
    await pilot.press(*["down"] * (ids.index(login) - (options.highlighted or 0)), "enter")
    await settle(pilot)


async def type_pin(pilot, pin: str) -> None:
    await pilot.press(*pin, "enter")
    await settle(pilot)


def message(app) -> str:
    return str(app.screen.query_one("#sign-in-message").render())


def asking_pin(app) -> bool:
    return isinstance(app.screen, SignInScreen) and isinstance(app.focused, FdPinInput)


async def test_the_right_pin_signs_the_manager_in(pinned):
    app = desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await choose(pilot, "chenjing")
        assert asking_pin(app)
        assert "陈静（展厅主管）请输入 PIN" in screen_text(app)
        await pilot.press(*"2468")
        assert "2468" not in screen_text(app) and "••••" in screen_text(app)  # masked
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DayLogScreen)
        assert app.staff is not None and app.staff.login == "chenjing"


async def test_five_wrong_pins_lock_the_name_with_how_long(pinned):
    app = desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await choose(pilot, "chenjing")
        await type_pin(pilot, "1111")
        assert message(app) == "PIN 不对：再错 4 次，陈静 在这台终端将被锁定 5 分钟"
        assert app.focused.value == ""  # cleared for the next try
        for _ in range(4):
            await type_pin(pilot, "1111")
        locked = "PIN 连续输错 5 次，陈静 在这台终端已锁定：请 5 分钟后（10:35）再试"
        assert message(app).startswith(locked)
        await type_pin(pilot, "2468")  # the right one, too late
        assert message(app).startswith(locked) and app.staff is None
        assert asking_pin(app)
    locks = AuditEntry.select().where(AuditEntry.action == "pin_locked")
    assert [entry.entity_id for entry in locks] == [pinned["chenjing"].id]


async def test_a_locked_name_stays_locked_when_the_app_starts_again(pinned, frozen_clock):
    app = desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await choose(pilot, "chenjing")
        for _ in range(5):
            await type_pin(pilot, "9999")
    frozen_clock.shift(dt.timedelta(minutes=1))
    again = desk_app()
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await choose(pilot, "chenjing")
        assert asking_pin(again)
        assert message(again).startswith("PIN 连续输错 5 次，陈静 在这台终端已锁定：请 4 分钟后")
        await type_pin(pilot, "2468")
        assert isinstance(again.screen, SignInScreen) and again.staff is None
        frozen_clock.shift(dt.timedelta(minutes=4))
        await type_pin(pilot, "2468")
        assert again.staff is not None and again.staff.login == "chenjing"


async def test_a_manager_without_a_pin_is_told_to_ask_the_admin(pinned):
    pins.clear_pin("chenjing", by=OPERATOR)
    app = desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await choose(pilot, "chenjing")
        assert isinstance(app.screen, SignInScreen) and not asking_pin(app)
        assert isinstance(app.focused, OptionList)
        assert message(app).endswith("请管理员设置 PIN：frontdesk staff pin chenjing")
        assert "PIN：frontdesk staff pin chenjing" in screen_text(app)  # shown, not cut
        assert app.staff is None


async def test_a_receptionist_without_a_pin_signs_in_at_once(pinned):
    app = desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await choose(pilot, "zhaomin")
        assert isinstance(app.screen, DayLogScreen) and app.staff.login == "zhaomin"


async def test_a_consultant_with_a_pin_is_asked_for_it(pinned):
    app = desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await choose(pilot, "wanglei")
        assert asking_pin(app)
        await type_pin(pilot, "１３５７")  # full-width digits are the same PIN
        assert isinstance(app.screen, DayLogScreen) and app.staff.login == "wanglei"


async def test_a_pin_set_after_the_app_started_is_asked(pinned):
    app = desk_app()  # the list was read before the PIN was set
    pins.set_pin("zhaomin", "8080", by=OPERATOR)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await choose(pilot, "zhaomin")
        assert asking_pin(app)


async def test_escape_goes_back_to_the_names_then_to_the_desk(pinned):
    app = desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await choose(pilot, "chenjing")
        await pilot.press(*"12")
        assert "返回名单" in screen_text(app)  # the footer's Esc
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.focused, OptionList) and not asking_pin(app)
        assert app.screen.query_one("#sign-in-list").display
        await pilot.press("enter")  # the same name again: an empty field
        await settle(pilot)
        assert asking_pin(app) and app.focused.value == ""
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, DayLogScreen) and app.staff is None


async def test_an_ssh_session_starts_signed_in_without_the_pin_step(pinned, db_path, monkeypatch):
    from frontdesk.ssh.options import ServeOptions
    from frontdesk.ssh.server import Hub, StaffServer
    from frontdesk.ssh.session import AppSession
    from screens import main

    hub = Hub(ServeOptions(db=db_path, host_key=None))
    server = StaffServer(hub)
    server.login = "chenjing"
    started = []
    monkeypatch.setattr(FrontdeskApp, "run", lambda app: started.append(app))
    monkeypatch.delenv("FRONTDESK_AS", raising=False)
    try:
        assert main.main(AppSession(hub, server, 1).app_args()) == 0
    finally:
        hub.close()
    (app,) = started
    assert app.staff.login == "chenjing" and app.sign_in == []  # the key was the proof

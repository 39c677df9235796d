"""Pilot tests by keys: the day's close-out (日终结账) opened from today's log with ``c``."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable

from frontdesk.desk import day_close, registration
from frontdesk.people.actor import DESK
from frontdesk.store.models import DayClose, Registration
from screens.desk.day_close import DayCloseScreen
from screens.desk.registration_form import RegistrationScreen
from tests.conftest import FROZEN_NOW, SNAPSHOT_SIZES, screen_text, settle, settle_until

DAY = FROZEN_NOW.date()


def register(time_in: str, **fields) -> Registration:
    return registration.register(registration.RegistrationInput(time_in=time_in, **fields), by=DESK)


@pytest.fixture
def evening(showroom):
    """The day at 10:30: two parties still in (09:10 张三 with a phone, 09:40 anonymous, given
    H without a phone), one who left at 09:30, and a call."""
    return {
        "zhang": register(
            "09:10", phone="13812345678", name="张三", model="凯美瑞", channel="网络"
        ),
        "left": register("09:20", time_out="09:30", consultant="李娜", channel="网络"),
        "anon": register("09:40", level="H", consultant="王磊"),
        "call": register("10:00", kind="phone", phone="13900001111", name="李四", channel="网络"),
    }


def loaded(app) -> bool:
    """The close-out is shown with the day read."""
    return isinstance(app.screen, DayCloseScreen) and app.screen.state is not None


async def open_close_out(pilot) -> DayCloseScreen:
    await settle(pilot)
    await pilot.press("c")
    await settle_until(pilot, lambda: loaded(pilot.app))
    return pilot.app.screen


async def press_until(pilot, key: str, condition) -> None:
    """Press ``key``, then settle until ``condition()``: what the key's worker shows."""
    await pilot.press(key)
    await settle_until(pilot, condition)


def close_out_shot(snap_compare, app, size, *keys):
    """A snapshot of the close-out opened with ``c``, the day read, then ``keys`` typed."""

    async def steps(pilot):
        await open_close_out(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await settle(pilot, 0.4)

    return snap_compare(app, terminal_size=size, run_before=steps)


async def test_each_party_still_in_gets_a_time_out_or_is_marked_left_then_the_day_is_signed(
    make_app, evening
):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_close_out(pilot)
        # Step 1 asks for the earliest party first: No. 1, 张三, in at 09:10.
        assert "张三" in screen_text(app) and "第 1 批" in screen_text(app)
        for key in "10:05":
            await pilot.press(key)
        await press_until(pilot, "enter", lambda: "第 3 批" in screen_text(app))
        assert Registration.get_by_id(evening["zhang"].id).time_out == dt.datetime(
            2026, 11, 25, 10, 5
        )
        # Then No. 3 (the anonymous party, 09:40): l marks it left unrecorded.
        await press_until(pilot, "l", lambda: "资料不全的登记" in screen_text(app))
        assert Registration.get_by_id(evening["anon"].id).left_unrecorded_at is not None
        # Step 2: No. 3 has a level with no phone and no model: listed.
        table = screen.query_one("#close-table", DataTable)
        assert table.row_count == 1
        assert "电话、意向车型" in screen_text(app)
        # Step 3: s, then y, signs the close.
        await press_until(pilot, "s", lambda: not isinstance(app.screen, DayCloseScreen))
        await press_until(pilot, "y", lambda: "已结账：前台" in screen_text(app))
        assert DayClose.select().where(DayClose.day == DAY).count() == 1
        # Back on the log, its title says the day is closed, and by whom.
        await press_until(pilot, "escape", lambda: "已结账（前台 10:30）" in screen_text(app))


async def test_a_time_out_before_the_time_in_is_refused_beside_the_field(make_app, evening):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_close_out(pilot)
        for key in "09:00":  # 张三 came in at 09:10
            await pilot.press(key)
        await press_until(pilot, "enter", lambda: "早于" in screen_text(app))
        assert Registration.get_by_id(evening["zhang"].id).time_out is None
        assert "第 1 批" in screen_text(app)  # still asking for the same party
        assert app.screen.query_one("#close-time").value == "09:00"  # kept to correct


async def test_sign_is_not_offered_while_parties_are_in(make_app, evening):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_close_out(pilot)
        assert screen.check_action("sign", ()) is False
        assert "签字结账" not in screen_text(app)


async def test_enter_on_an_incomplete_registration_opens_it_on_the_form(make_app, evening):
    for party in ("zhang", "anon"):
        day_close.mark_left(evening[party].id, by=DESK)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_close_out(pilot)
        await press_until(pilot, "enter", lambda: isinstance(app.screen, RegistrationScreen))
        form = app.screen
        assert isinstance(form, RegistrationScreen)
        assert form.edit_id == evening["anon"].id


async def test_a_manager_confirms_the_closed_day_with_m(make_app, evening, showroom):
    for party in ("zhang", "anon"):
        day_close.mark_left(evening[party].id, by=DESK)
    day_close.close_day(DAY, by=DESK)
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_close_out(pilot)
        await press_until(pilot, "m", lambda: not isinstance(app.screen, DayCloseScreen))
        await press_until(pilot, "y", lambda: "主管已确认：陈静" in screen_text(app))
        assert DayClose.get(DayClose.day == DAY).confirmed_by_id == showroom["chenjing"].id


async def test_a_receptionist_has_no_confirm_key_and_a_consultant_no_close_key(
    make_app, evening, showroom
):
    for party in ("zhang", "anon"):
        day_close.mark_left(evening[party].id, by=DESK)
    day_close.close_day(DAY, by=DESK)
    app = make_app(staff=showroom["zhaomin"])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_close_out(pilot)
        assert screen.check_action("confirm", ()) is False
    app = make_app(staff=showroom["wanglei"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert not isinstance(app.screen, DayCloseScreen)


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_snapshot_close_out_asks_for_a_time_out(snap_compare, make_app, evening, size):
    assert close_out_shot(snap_compare, make_app(), size, "1", "0")


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_snapshot_close_out_lists_the_incomplete_and_the_changes(
    snap_compare, make_app, evening, size
):
    for party in ("zhang", "anon"):
        day_close.mark_left(evening[party].id, by=DESK)
    day_close.close_day(DAY, by=DESK)
    registration.checkout(evening["zhang"].id, "10:20", by=DESK)  # after the close
    assert close_out_shot(snap_compare, make_app(), size)

"""Pilot tests: today's log (F4) — departures, corrections, the rotation, live updates."""

from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable, Input, Static

from frontdesk.desk import registration
from frontdesk.people.actor import DESK
from frontdesk.store.models import AuditEntry, Registration
from screens.desk.day_log import DayLogScreen, LogCell, column_widths
from screens.desk.registration_form import RegistrationScreen
from screens.dialogs import TimeScreen
from tests.conftest import FROZEN_NOW, settle


def walkin(**fields) -> Registration:
    fields.setdefault("time_in", FROZEN_NOW - dt.timedelta(minutes=40))
    return registration.register(registration.RegistrationInput(kind="walkin", **fields), by=DESK)


def table_text(app) -> list[list[str]]:
    table = app.screen.query_one("#log-table", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_log_lists_the_day_with_open_parties_and_literal_names(showroom, make_app):
    walkin(name="[/x]", phone="13812345678")
    walkin(name="[VIP]张三", time_out=FROZEN_NOW - dt.timedelta(minutes=10))
    registration.register(
        registration.RegistrationInput(kind="phone", time_in=FROZEN_NOW, name="王芳"), by=DESK
    )
    walkin(name="昨天的客人", time_in=FROZEN_NOW - dt.timedelta(days=1))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rows = table_text(app)
        assert [row[6] for row in rows] == ["[/x]", "[VIP]张三", "王芳"]  # shown literally
        assert rows[0][2] == "在店" and rows[0][3] == "40"  # open, 40 minutes in
        assert rows[1][2] == "10:20" and rows[1][3] == "30"
        summary = str(app.screen.query_one("#log-summary", Static).render())
        assert "来店 2 批" in summary and "在店 1 批" in summary and "来电 1 个" in summary


async def test_the_rows_read_while_the_app_started_are_shown_at_once(
    showroom, make_app, monkeypatch
):
    walkin(name="早到的客人")
    loads = []
    monkeypatch.setattr(
        "screens.desk.day_log.run_db", lambda *args, **kwargs: loads.append(args)
    )  # any load through a worker is recorded, and never done
    app = make_app()  # reads today's log on a thread of its own, at once
    async with app.run_test(size=(80, 24)):
        assert [row[6] for row in table_text(app)] == ["早到的客人"]  # no worker was needed
        assert loads == []
        app.screen.refresh_data()  # later loads go through a worker, as before
        assert len(loads) == 1


def test_log_columns_fit_their_widest_cell_or_heading_with_cjk_counting_two():
    rows = [
        [LogCell("张三丰"), LogCell("1")],
        [LogCell("ab"), LogCell("[b]12345", "bold")],  # measured as typed: no markup
    ]
    assert column_widths(["姓名", "#"], rows) == [6, 8]
    assert column_widths(["姓名啊啊啊", "#"], rows) == [10, 8]
    assert column_widths(["姓名", "#"], []) == [4, 1]
    assert str(rows[1][1]) == "[b]12345"


async def test_checkout_records_departure_now_or_corrected(showroom, make_app):
    party = walkin(name="张三")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, TimeScreen)
        assert app.screen.query_one("#time", Input).value == "10:30"
        await pilot.press(*"10:2", "enter")  # an impossible correction is refused…
        await settle(pilot)
        assert isinstance(app.screen, TimeScreen)
        await pilot.press("5", "enter")  # …10:25 is accepted
        await settle(pilot)
        assert isinstance(app.screen, DayLogScreen)
        assert table_text(app)[0][2] == "10:25"
    assert Registration.get_by_id(party.id).time_out == dt.datetime(2026, 11, 25, 10, 25)


async def test_enter_on_a_row_also_checks_out(showroom, make_app):
    party = walkin(name="张三")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    assert Registration.get_by_id(party.id).time_out == FROZEN_NOW


async def test_edit_corrects_a_row(showroom, make_app):
    party = walkin(name="张三", phone="13812345678")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RegistrationScreen) and form.edit_id == party.id
        assert form.query_one("#name", Input).value == "张三"
        assert form.query_one("#time-in", Input).value == "09:50"
        form.query_one("#name", Input).focus()
        await pilot.press(*"张三丰", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DayLogScreen)
    saved = Registration.get_by_id(party.id)
    assert (saved.name, saved.version, saved.time_in) == ("张三丰", 2, party.time_in)


async def test_departures_and_skips_are_audited_as_the_signed_in_member(showroom, make_app):
    party = walkin(name="张三")
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
    assert Registration.get_by_id(party.id).time_out == FROZEN_NOW
    done = {
        entry.action: entry.staff_id
        for entry in AuditEntry.select().where(AuditEntry.action.in_(("checkout", "skip")))
    }
    assert done == {"checkout": showroom["chenjing"].id, "skip": showroom["chenjing"].id}


async def test_who_is_on_duty_is_set_in_a_dialog_and_esc_changes_nothing(showroom, make_app):
    from textual.widgets import SelectionList

    from screens.desk.duty import DutyScreen

    app = make_app(staff=showroom["zhaomin"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DutyScreen)
        assert app.screen.query_one(SelectionList).selected == [
            showroom["wanglei"].id,
            showroom["lina"].id,
        ]
        await pilot.press("space", "escape")  # 王磊 out… then backed out of
        await settle(pilot)
        assert isinstance(app.screen, DayLogScreen)
        assert "王磊 → 李娜" in str(app.screen.query_one("#log-rotation", Static).render())
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("space", "ctrl+s")  # 王磊 is off today
        await settle(pilot)
        assert isinstance(app.screen, DayLogScreen)
        rotation = str(app.screen.query_one("#log-rotation", Static).render())
        assert "李娜" in rotation and "王磊" not in rotation
    duty = AuditEntry.get(AuditEntry.action == "duty")
    assert (duty.entity_id, duty.staff_id) == (showroom["wanglei"].id, showroom["zhaomin"].id)


async def test_skip_moves_the_head_of_the_rotation(showroom, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rotation = str(app.screen.query_one("#log-rotation", Static).render())
        assert "王磊 → 李娜" in rotation
        await pilot.press("s")
        await settle(pilot)
        rotation = str(app.screen.query_one("#log-rotation", Static).render())
        assert "李娜 → 王磊" in rotation


async def test_a_registration_from_another_connection_appears_by_itself(showroom, make_app):
    app = make_app(watch_interval=0.1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        assert table_text(app) == []
        walkin(name="另一台终端")  # committed on this thread's own connection
        await settle(pilot, 0.4)
        await settle(pilot)
        assert [row[6] for row in table_text(app)] == ["另一台终端"]


async def test_a_refused_departure_keeps_the_dialog_and_says_why_beside_the_field(
    showroom, make_app
):
    """``09:00`` for a 10:05 arrival closed the dialog with the toast ``time-out: …``."""
    party = walkin(name="张三", time_in=dt.datetime(2026, 11, 25, 10, 5))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press(*"09:00", "enter")  # typing replaces the suggested 10:30
        await settle(pilot)
        assert isinstance(app.screen, TimeScreen)  # still open, what was typed kept
        assert app.screen.query_one("#time", Input).value == "09:00"
        hint = app.screen.query_one("#time-hint", Static)
        assert str(hint.render()) == "离店时间早于来店时间"
        assert hint.has_class("-error")
        assert [n.message for n in app._notifications] == []  # no toast, no field key
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace")
        await pilot.press(*"10:20", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DayLogScreen)
    assert Registration.get_by_id(party.id).time_out == dt.datetime(2026, 11, 25, 10, 20)

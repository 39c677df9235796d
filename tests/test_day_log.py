"""Pilot tests: today's log (F4) — departures, corrections, the rotation, live updates."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from rich.cells import cell_len
from textual.widget import Widget
from textual.widgets import Input, SelectionList, Static

from frontdesk import i18n
from frontdesk.desk import registration
from frontdesk.people import team
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.store.models import AuditEntry, Registration
from screens.desk.day_log import DayLogScreen
from screens.desk.duty import DutyScreen
from screens.desk.log_table import LogCell, LogGrid, column_widths, cut
from screens.desk.registration_form import RegistrationScreen
from screens.dialogs import TimeScreen
from tests.conftest import FROZEN_NOW, settle, settle_until


def walkin(**fields) -> Registration:
    fields.setdefault("time_in", FROZEN_NOW - dt.timedelta(minutes=40))
    return registration.register(registration.RegistrationInput(kind="walkin", **fields), by=DESK)


def table_text(app) -> list[list[str]]:
    grid = app.screen.query_one("#log-table", LogGrid)
    return [grid.row_texts(i) for i in range(grid.row_count)]


def drawn_lines(app, widget: Widget) -> list[str]:
    """The terminal's lines where ``widget`` is, as drawn (cell by cell, cropped to it)."""
    region = widget.region
    strips = app.screen._compositor.render_strips()
    return [strip.crop(region.x, region.right).text for strip in strips[region.y : region.bottom]]


def log_lines(app) -> list[str]:
    return drawn_lines(app, app.screen.query_one("#log-table"))


# The paper form's columns as the log heads them: at 80 columns every one shows, whole.
PAPER_HEADINGS = {
    "zh_CN": [
        "序",
        "来",
        "离",
        "首再",
        "姓名",
        "电话",
        "人",
        "车型",
        "渠道",
        "级",
        "顾问",
        "试报订",
    ],
    "en": [
        "#",
        "In",
        "Out",
        "Visit",
        "Name",
        "Phone",
        "Pty",
        "Model",
        "Channel",
        "Lv",
        "Sales",
        "TQO",
    ],
}


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
        assert [row[4] for row in rows] == ["[/x]", "[VIP]张…", "王芳"]  # literally; cut at 8 cells
        assert rows[0][2] == "在店" and rows[0][12] == "40"  # open, 40 minutes in
        assert rows[1][2] == "10:20" and rows[1][12] == "30"
        assert rows[2][2] == "来电"  # a call: marked where a walk-in's time out goes
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
        assert [row[4] for row in table_text(app)] == ["早到的…"]  # no worker was needed
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


def test_long_text_is_cut_with_an_ellipsis_within_its_cells():
    assert cut("张三", 7) == "张三"
    assert cut("欧阳娜娜", 7) == "欧阳娜…"  # 8 cells: three characters and the ellipsis
    assert cut("欧阳娜", 6) == "欧阳娜"
    assert cut("Zhang Weiming", 7) == "Zhang …"
    assert cut("RAV4荣放", 6) == "RAV4…"  # never half a wide character
    assert cut("anything", None) == "anything"


@pytest.fixture
def worst_day(showroom):
    """A day with 99 parties before 10:20, then one with every column at its widest: a
    40-character name (the longest the form takes: 80 cells), a Shenzhen landline, a
    4-character channel, a 3-character consultant, and the three ticks."""
    team.add_staff("欧阳娜", "consultant", by=OPERATOR)
    morning = dt.datetime(2026, 11, 25, 8, 0)
    Registration.insert_many(
        [{"kind": "walkin", "time_in": morning + dt.timedelta(minutes=i)} for i in range(99)]
    ).execute()
    return walkin(
        time_in=dt.datetime(2026, 11, 25, 10, 20),
        name=("上海浦东新区某某汽车贸易有限公司采购部王经理" * 2)[:40],
        phone="075512345678",
        party_size=2,
        model="RAV4荣放",
        channel="户外广告",
        level="H",
        consultant="欧阳娜",
        test_drive=True,
        quote=True,
        ordered=True,
        notes="周六再来，带家人试驾",
    )


@pytest.mark.parametrize(
    ("language", "row"),
    [
        # Judged H with an order taken: O (订车).
        ("zh_CN", "100 10:20 在店 首 上海浦… 0755 1234 5678 2 RAV4… 户外广… O 欧阳娜 ✓ ✓ ✓"),
        ("en", "100 10:20 in First 上海浦… 0755 1234 5678 2 RAV4… 户外广… O 欧阳娜 ✓✓✓"),
    ],
    ids=["zh_CN", "en"],
)
async def test_the_paper_forms_columns_fit_80_columns_whole(worst_day, make_app, language, row):
    i18n.set_language(language)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lines = log_lines(app)
        assert lines[0].split() == PAPER_HEADINGS[language]  # and nothing of the rest
        shown = next(line for line in lines if "0755" in line)  # the cursor's row: the last
        assert " ".join(shown.split()) == row
        assert cell_len(shown.rstrip()) <= 79  # beside the scrollbar


async def test_right_turns_to_the_minutes_and_the_notes_and_left_comes_back(worst_day, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("right")
        await settle(pilot)
        lines = log_lines(app)
        assert lines[0].split()[-2:] == ["分钟", "备注"]  # whole, at the right edge
        assert next(line for line in lines if "0755" in line).split()[-2:] == [
            "10",  # minutes in the showroom
            "周六再来，带家人试驾",
        ]
        await pilot.press("left")
        await settle(pilot)
        assert log_lines(app)[0].split() == PAPER_HEADINGS["zh_CN"]


async def test_the_number_is_the_days_order_of_arrival_and_opens_its_own_row(showroom, make_app):
    zhang = walkin(name="张三", time_in=FROZEN_NOW - dt.timedelta(minutes=30))  # 10:00
    walkin(name="李四", time_in=FROZEN_NOW - dt.timedelta(minutes=90))  # back-dated: 09:00
    wang = walkin(name="王五", time_in=FROZEN_NOW - dt.timedelta(minutes=60))  # 09:30
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert [(row[0], row[4]) for row in table_text(app)] == [
            ("1", "李四"),
            ("2", "王五"),
            ("3", "张三"),
        ]
        await pilot.press("o")  # the cursor starts on the last arrival
        await settle(pilot)
        assert isinstance(app.screen, TimeScreen)
        assert "序号 3" in app.screen.query_one(".dialog-question", Static).render().plain
        await pilot.press("escape", "up", "e")
        await settle(pilot)
        assert isinstance(app.screen, RegistrationScreen) and app.screen.edit_id == wang.id
    assert zhang.id == 1 and wang.id == 3  # the ids, which the log no longer shows


async def test_home_and_end_go_to_the_first_and_the_last_row(showroom, make_app):
    for minutes in (90, 60, 30):
        walkin(time_in=FROZEN_NOW - dt.timedelta(minutes=minutes))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#log-table", LogGrid)
        assert table.cursor_row == 2
        await pilot.press("home")
        assert (table.cursor_row, table.scroll_x) == (0, 0)
        await pilot.press("end")
        assert (table.cursor_row, table.scroll_x) == (2, 0)


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
        await pilot.press("s", "2")  # skipped: off the floor
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


@pytest.mark.parametrize(
    ("language", "on", "off"),
    [("zh_CN", "● 当班", "○ 不当班"), ("en", "● on duty", "○ off today")],
    ids=["zh_CN", "en"],
)
async def test_the_roster_says_on_duty_or_not_in_words(showroom, make_app, language, on, off):
    i18n.set_language(language)
    app = make_app(staff=showroom["zhaomin"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DutyScreen)

        def marks() -> dict[str, str]:
            lines = drawn_lines(app, app.screen.query_one(SelectionList))
            return {name: line for line in lines for name in ("王磊", "李娜") if name in line}

        assert on in marks()["王磊"] and on in marks()["李娜"]
        await pilot.press("space")  # 王磊 out
        await settle(pilot)
        assert off in marks()["王磊"] and on not in marks()["王磊"]
        assert on in marks()["李娜"]


async def test_skip_moves_the_head_of_the_rotation(showroom, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rotation = str(app.screen.query_one("#log-rotation", Static).render())
        assert "王磊 → 李娜" in rotation
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("2")  # off the floor: 王磊 loses the turn
        await settle(pilot)
        rotation = str(app.screen.query_one("#log-rotation", Static).render())
        assert "李娜 → 王磊" in rotation


async def test_a_registration_from_another_connection_appears_by_itself(showroom, make_app):
    app = make_app(watch_interval=0.1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        assert table_text(app) == []
        walkin(name="另一台终端")  # committed on this thread's own connection
        await settle_until(pilot, lambda: table_text(app) != [])
        assert [row[4] for row in table_text(app)] == ["另一台…"]


async def test_commits_seen_while_the_log_still_loads_make_one_more_load_after_it(
    showroom, make_app, monkeypatch
):
    """Another desk saving every moment started a load at every poll beside the one still
    running (a cancelled thread runs on), until the loads starved the keys; now a commit
    seen meanwhile is owed, and the next poll after the load makes it."""
    app = make_app(watch_interval=0.1)
    loads: list[str] = []
    go_on = threading.Event()
    real_load = DayLogScreen.load

    def slow_load():
        loads.append("start")
        assert go_on.wait(10)
        return real_load()

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        monkeypatch.setattr(DayLogScreen, "load", staticmethod(slow_load))
        walkin(name="第一位")
        for _ in range(100):  # the first commit seen starts a load, which waits
            await pilot.pause(0.05)
            if loads:
                break
        walkin(name="第二位")
        await pilot.pause(0.6)  # six polls see the second commit while the load waits
        assert loads == ["start"]
        go_on.set()
        # The first load may already read both rows (it reads after it is let go); the
        # owed one comes after it all the same.
        await settle_until(pilot, lambda: len(loads) == 2 and len(table_text(app)) == 2)
        await settle(pilot, 0.5)  # five more polls: nothing more is owed
        assert len(loads) == 2  # the owed reload, and no other
        assert [row[4] for row in table_text(app)] == ["第一位", "第二位"]


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

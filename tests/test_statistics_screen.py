"""Pilot tests of the statistics (F5) and the month sheet: keys, live updates, export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from rich.cells import cell_len
from rich.console import Console
from textual.widgets import DataTable, Input, Static

from frontdesk.desk import registration
from frontdesk.people import team
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.stats import statistics_sheet
from frontdesk.store import codes
from screens.app import FrontdeskApp
from screens.bindings import key_label
from screens.desk.day_log import DayLogScreen
from screens.export_dialog import ExportScreen
from screens.help import HelpScreen
from screens.help import _sections as help_sections
from screens.stats.month_sheet import MonthSheetScreen
from screens.stats.statistics import FdHourChart, StatisticsScreen
from screens.stats.statistics_dialogs import FormulasScreen
from tests.conftest import FROZEN_NOW, screen_text, settle


def walkin(at: dt.datetime, **fields):
    return registration.register(
        registration.RegistrationInput(kind="walkin", time_in=at, **fields), by=DESK
    )


@pytest.fixture
def fortnight(showroom):
    """Today two walk-ins (one still in) and a call; yesterday one; last Wednesday three."""
    walkin(
        FROZEN_NOW - dt.timedelta(minutes=90),
        phone="13812345678",
        party_size=2,
        time_out=FROZEN_NOW - dt.timedelta(minutes=30),
        test_drive=True,
    )
    walkin(FROZEN_NOW - dt.timedelta(minutes=20))
    registration.register(
        registration.RegistrationInput(kind="phone", time_in=FROZEN_NOW, phone="13912345678"),
        by=DESK,
    )
    walkin(FROZEN_NOW - dt.timedelta(days=1))
    for minutes in (0, 30, 60):
        walkin(FROZEN_NOW - dt.timedelta(days=7, minutes=minutes))
    return showroom


def figures(app) -> str:
    """The figures block as printed, spaces squeezed: "来店批次 2 (上周三 3) 来店人数 …"."""
    console = Console(width=78, file=io.StringIO(), record=True)
    console.print(app.screen.query_one("#stats-figures", Static).content)
    return " ".join(console.export_text().split())


def chart_lines(app) -> list[str]:
    """The chart's lines with every wide (CJK) character followed by a filler, so that a
    string index is a terminal column: the counts must sit under their hours on screen."""
    lines = app.screen.query_one(FdHourChart).render().plain.splitlines()
    return ["".join(c + "\0" * (cell_len(c) - 1) for c in line) for line in lines]


def title(app) -> str:
    return str(app.screen.query_one("#stats-title", Static).render())


async def open_statistics(pilot):
    await settle(pilot)
    await pilot.press("f5")
    await settle(pilot)
    assert isinstance(pilot.app.screen, StatisticsScreen)


async def test_f5_shows_the_day_beside_last_week(fortnight, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_statistics(pilot)
        assert "2026-11-25 星期三" in title(app)
        text = figures(app)
        assert text.startswith("当日 上周三 当日 上周三 ")  # each block's head: the day, last week
        assert "来店批次 2 3 来店人数 3 3" in text
        assert "留档率 50.0% 0.0%" in text  # one of two first visits left a phone
        assert "平均停留(分) 60.0 — 在店 1 3" in text
        assert "来电 1 0" in text
        assert "新增意向客户 0 (上周三 0) O 0 H 0 A 0 B 0 C 0" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DayLogScreen)


async def test_arrows_and_brackets_move_a_day_and_t_comes_back(fortnight, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_statistics(pilot)
        await pilot.press("left")
        await settle(pilot)
        assert "2026-11-24 星期二" in title(app)
        assert "当日 上周二" in figures(app) and "来店批次 1 0" in figures(app)
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert "2026-11-22 星期日" in title(app)
        await pilot.press("right_square_bracket", "right")
        await settle(pilot)
        assert "2026-11-24" in title(app)
        await pilot.press("t")
        await settle(pilot)
        assert "2026-11-25" in title(app)
        await pilot.press("right")  # no day after today
        await settle(pilot)
        assert "2026-11-25" in title(app)


async def test_the_hour_chart_and_the_splits_show_the_day(fortnight, make_app):
    codes.add(codes.CHANNEL, "[VIP]渠道")
    team.add_staff("[red]小王", "consultant", by=OPERATOR)
    walkin(FROZEN_NOW - dt.timedelta(minutes=5), channel="[VIP]渠道", consultant="[red]小王")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_statistics(pilot)
        *bars, hours, walkins, calls = chart_lines(app)
        assert walkins[hours.index("09")] == "1" and walkins[hours.index("10")] == "2"
        assert calls[hours.index("10")] == "1" and calls[hours.index("09")] == " "
        assert bars[0][hours.index("10")] == "█"  # the busiest hour fills the chart
        assert hours.split() == [f"{hour:02d}" for hour in range(8, 21)]
        channels = app.screen.query_one("#stats-channel", DataTable)
        rows = [[str(cell) for cell in channels.get_row_at(i)] for i in range(channels.row_count)]
        assert rows == [["[VIP]渠道", "1", "0"], ["（未填）", "2", "1"]]  # literally, no markup
        consultants = app.screen.query_one("#stats-consultant", DataTable)
        names = [str(consultants.get_row_at(i)[0]) for i in range(consultants.row_count)]
        assert "[red]小王" in names


async def test_a_registration_from_another_connection_appears_by_itself(fortnight, make_app):
    app = make_app(watch_interval=0.1)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_statistics(pilot)
        await settle(pilot, 0.3)
        assert "来店批次 2 3" in figures(app)
        walkin(FROZEN_NOW - dt.timedelta(minutes=1))  # committed on this thread's connection
        await settle(pilot, 0.4)
        await settle(pilot)
        assert "来店批次 3 3" in figures(app)


async def test_m_opens_the_month_sheet_and_enter_opens_a_day(fortnight, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_statistics(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MonthSheetScreen)
        table = app.screen.query_one("#month-table", DataTable)
        assert table.row_count == 31  # 30 days and the total
        assert table.cursor_row == 24  # today, the 25th
        row = [str(cell) for cell in table.get_row_at(24)]
        assert row[:4] == ["25", "三", "2", "3"]
        assert [str(cell) for cell in table.get_row_at(25)][2] == ""  # tomorrow: still blank
        assert [str(cell) for cell in table.get_row_at(30)][:3] == ["合计", "", "6"]
        summary = str(app.screen.query_one("#month-summary", Static).render())
        assert "来店 6 批" in summary
        await pilot.press("up", "enter")
        await settle(pilot)
        assert isinstance(app.screen, StatisticsScreen)
        assert "2026-11-24" in title(app)


async def test_brackets_move_a_month_and_t_comes_back(fortnight, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_statistics(pilot)
        await pilot.press("m", "left_square_bracket")
        await settle(pilot)
        month_title = app.screen.query_one("#month-title", Static)
        assert "2026-10" in str(month_title.render())
        assert app.screen.query_one("#month-table", DataTable).row_count == 32
        await pilot.press("right_square_bracket", "right_square_bracket")  # no later month
        await settle(pilot)
        assert "2026-11" in str(month_title.render())
        await pilot.press("left_square_bracket", "t")
        await settle(pilot)
        assert "2026-11" in str(month_title.render())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StatisticsScreen) and "2026-11-25" in title(app)


@pytest.mark.parametrize("from_month", [False, True])
async def test_x_exports_the_month_to_a_file_in_the_current_folder(
    fortnight, make_app, tmp_path, monkeypatch, from_month
):
    folder = tmp_path / "exports"
    folder.mkdir()
    monkeypatch.chdir(folder)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_statistics(pilot)
        if from_month:
            await pilot.press("m")
            await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        path = app.screen.query_one("#export-path", Input)
        assert path.value == "展厅来店统计-2026-11.xlsx"
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ExportScreen)
    workbook = load_workbook(folder / "展厅来店统计-2026-11.xlsx")
    first = statistics_sheet.FIRST_DAY_ROW
    assert [workbook.active.cell(first + 24, c).value for c in (1, 2, 3, 4)] == [25, "三", 2, 3]


async def test_export_asks_again_for_an_unknown_file_type_and_esc_cancels(
    fortnight, make_app, tmp_path, monkeypatch
):
    folder = tmp_path / "exports"
    folder.mkdir()
    monkeypatch.chdir(folder)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_statistics(pilot)
        await pilot.press("x")
        await settle(pilot)
        app.screen.query_one("#export-path", Input).value = "统计.txt"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        assert ".xlsx" in str(app.screen.query_one("#export-hint", Static).render())
        app.screen.query_one("#export-path", Input).value = "统计.csv"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StatisticsScreen)
    assert sorted(p.name for p in folder.iterdir()) == ["统计.csv"]


async def test_question_mark_explains_the_formulas(fortnight, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_statistics(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, FormulasScreen)
        assert "留档率 = 首次留档 ÷ 首次来店" in screen_text(app)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, StatisticsScreen)


async def test_f4_goes_back_to_the_log_from_the_day_or_the_month(fortnight, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_statistics(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, DayLogScreen) and len(app.screen_stack) == 1


async def test_f1_lists_the_statistics_keys(fortnight, make_app):
    listed = {keys for _, rows in help_sections() for keys, _ in rows}
    for screen in (FrontdeskApp, StatisticsScreen, MonthSheetScreen):
        for binding in screen.BINDINGS:
            assert key_label(binding.key) in listed, binding
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_statistics(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert {"展厅来店(电)统计（F5）", "月统计表"} <= {title for title, _ in help_sections()}
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, StatisticsScreen)


async def test_the_figures_fit_at_80_by_24_in_english(fortnight, make_app):
    from frontdesk import i18n

    i18n.set_language("en")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_statistics(pilot)
        assert "Showroom statistics · Wednesday 2026-11-25" in title(app)
        block = app.screen.query_one("#stats-figures", Static)
        assert block.region.right <= 80 and block.region.bottom <= 23
        text = figures(app)
        assert text.startswith("This day Last Wed This day Last Wed ")
        assert "Walk-in parties 2 3" in text
        assert "On-file rate 50.0% 0.0%" in text
        # Every figure of the day and of last week is on the screen whole, at 80 columns.
        shown = screen_text(app)
        assert "…" not in shown.split("Traffic by hour")[0]
        assert "Walk-ins " in shown and "Calls " in shown  # the chart's rows, whole words


def notices(app) -> list[str]:
    return [notification.message for notification in app._notifications]


async def test_no_day_or_month_before_2000_and_the_range_is_said(showroom, make_app):
    """Holding ← or [ walked back past year 1, where date arithmetic overflows."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(StatisticsScreen(dt.date(2000, 1, 1)))
        await settle(pilot)
        await pilot.press("left")
        await settle(pilot)
        assert "2000-01-01" in title(app)
        assert "日期须在 2000-01-01 到 2027-11-26 之间" in notices(app)
        await app.push_screen(MonthSheetScreen(2000, 1))
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        month_title = app.screen.query_one("#month-title", Static)
        assert "2000-01" in str(month_title.render())
        assert "月份须在 2000-01 到 2027-11 之间" in notices(app)


async def test_an_unwritable_path_keeps_the_export_dialog_and_says_why_in_chinese(
    fortnight, make_app, tmp_path
):
    """A path in a folder that is not there closed the dialog with an English ``[Errno 2]``."""
    missing = tmp_path / "没有这个文件夹" / "统计.xlsx"
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_statistics(pilot)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("home", "ctrl+k", *str(missing), "enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)  # still open, the path kept
        assert app.screen.query_one("#export-path", Input).value == str(missing)
        hint = str(app.screen.query_one("#export-hint", Static).render())
        assert hint == f"找不到 {missing}（或它所在的文件夹）：请检查路径"
        assert notices(app) == []
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StatisticsScreen)
    assert not missing.parent.exists()

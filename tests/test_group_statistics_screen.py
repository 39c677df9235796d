"""F5 for a group manager: ``g`` shows the month with a row per store and the group's total,
and switches back to this store; other roles have no ``g`` (their F5 is as it was).

An SQLite file is one store (``store add`` is PostgreSQL's): to draw two stores, a second
store is written into the file and a few of its registrations moved to it by hand, as
``copy-store`` would have put them in a group's database. Counted by hand.
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Static

from frontdesk import i18n
from frontdesk.desk import registration
from frontdesk.people import team
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.store.models import Registration, Store
from screens.help import HelpScreen
from screens.stats.month_sheet import MonthSheetScreen
from screens.stats.statistics import StatisticsScreen
from tests.conftest import FROZEN_NOW, SNAPSHOT_SIZES, screen_lines, screen_text, settle, shoot
from tests.test_access import notices
from tests.test_palette import open_palette, palette_lines
from tests.test_statistics_screen import open_statistics


def register(kind: str, at: dt.datetime, **fields) -> int:
    data = registration.RegistrationInput(kind=kind, time_in=at, **fields)
    return registration.register(data, by=DESK).id


def a_second_store(code: str, name: str, registrations: list[int]) -> None:
    """The store ``code`` in the file, holding these registrations (moved to it by hand)."""
    store = Store.create(code=code, name=name)
    Registration.update(store_id=store.id).where(Registration.id.in_(registrations)).execute()


@pytest.fixture
def two_stores(showroom):
    """main (丰田4S店's file): today two first walk-ins, one with a test drive, one leaving
    a phone. B 西区店: yesterday a first walk-in with a phone and an order, and a call."""
    showroom["zhouzong"] = team.add_staff("周总", "group_manager", by=OPERATOR)
    register("walkin", FROZEN_NOW - dt.timedelta(hours=1), phone="13812345678", test_drive=True)
    register("walkin", FROZEN_NOW - dt.timedelta(minutes=30))
    yesterday = FROZEN_NOW - dt.timedelta(days=1)
    moved = [
        register("walkin", yesterday, phone="13912345678", ordered=True),
        register("phone", yesterday + dt.timedelta(hours=1), phone="13712345678"),
    ]
    a_second_store("B", "西区店", moved)
    return showroom


def rows(app) -> list[list[str]]:
    table = app.screen.query_one("#month-table", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def month_title(app) -> str:
    return str(app.screen.query_one("#month-title", Static).render())


def footer(app) -> str:
    return screen_lines(app)[-1]


async def test_g_shows_each_store_and_the_group_total_and_switches_back(two_stores, make_app):
    app = make_app(staff=two_stores["zhouzong"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_statistics(pilot)
        assert "g 集团/本店" in footer(app)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, MonthSheetScreen) and app.screen.by_store
        assert month_title(app) == "集团展厅来店(电)统计 · 2026-11 · 共 2 家门店"
        # store, name, then the sheet's columns: parties, people, first, returning, first
        # on file, on-file rate (B 1/1, main 1/2, the group 2/3 from the sums)
        assert [row[:8] for row in rows(app)] == [
            ["B", "西区店", "1", "1", "1", "0", "1", "100.0%"],
            ["main", "main", "2", "2", "2", "0", "1", "50.0%"],
            ["集团合计", "", "3", "3", "3", "0", "2", "66.7%"],
        ]
        text = screen_text(app)  # the group's summary under the table, rates from the sums
        assert "本月合计：来店 3 批 3 人 · 来电 1" in text
        assert "留档率 66.7% · 试驾率 33.3% · 订车率 33.3%" in text
        assert "Enter" not in footer(app) and "导出" not in footer(app)  # this store's only
        await pilot.press("g")  # back to this store's days, the same month
        await settle(pilot)
        assert not app.screen.by_store
        assert month_title(app) == "展厅来店(电)统计表 · 2026-11"
        assert len(rows(app)) == 31  # 30 days and the total
        assert rows(app)[24][:3] == ["25", "三", "2"]  # today's two walk-ins
        await pilot.press("g", "escape")
        await settle(pilot)
        assert isinstance(app.screen, StatisticsScreen)


async def test_the_group_key_is_in_f1_and_the_palette_in_both_languages(two_stores, make_app):
    app = make_app(staff=two_stores["zhouzong"])
    async with app.run_test(size=(120, 36)) as pilot:
        await open_statistics(pilot)
        await open_palette(pilot, "j", "t", "b")  # 集团/本店, by its pinyin initials
        assert palette_lines(app)[0].startswith("集团/本店"), palette_lines(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MonthSheetScreen) and app.screen.by_store
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "集团/本店：本月各门店一行及集团合计" in screen_text(app)
    i18n.set_language("en")
    app = make_app(staff=two_stores["zhouzong"])
    async with app.run_test(size=(120, 36)) as pilot:
        await open_statistics(pilot)
        assert "g Group/store" in footer(app)
        await open_palette(pilot, "g", "r", "o")
        assert palette_lines(app)[0].startswith("Group/store"), palette_lines(app)


async def test_a_store_manager_has_no_group_key_and_is_told_why(two_stores, make_app):
    app = make_app(staff=two_stores["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_statistics(pilot)
        assert "集团" not in footer(app)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, StatisticsScreen)
        assert notices(app) == ["展厅主管无权查看各门店及集团汇总"]
        await pilot.press("m")
        await settle(pilot)
        assert "集团" not in footer(app) and not app.screen.by_store
        await open_palette(pilot, "j", "t", "b")
        assert not any(line.startswith("集团") for line in palette_lines(app))


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_the_groups_month_by_store(snap_compare, two_stores, make_app, size):
    assert shoot(snap_compare, make_app(staff=two_stores["zhouzong"]), size, "f5", "g")

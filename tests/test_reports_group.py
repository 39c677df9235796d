"""F7 for a group manager: on the compliance (跟进达成) and loss analysis (战败分析) pages
``g`` shows the month with a row per store and the group's total, as F5 does, and switches
back to this store; other roles have no ``g`` (their pages are as they were).

An SQLite file is one store (``main``): the group is that store and a total equal to it.
Counted by hand from the months the pages' own tests build (tests/test_compliance.py,
tests/test_losses.py).
"""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.widgets import Static

from frontdesk import i18n
from frontdesk.people import team
from frontdesk.people.actor import OPERATOR
from screens.help import HelpScreen
from screens.reports.desk import ReportsScreen
from tests.conftest import SNAPSHOT_SIZES, screen_lines, screen_text, settle, shoot
from tests.test_access import notices
from tests.test_compliance import build_november
from tests.test_every_screen_fits import cuts
from tests.test_losses import build_month_of_losses
from tests.test_palette import open_palette, palette_lines


def a_group_manager() -> object:
    return team.add_staff("周总", "group_manager", by=OPERATOR)


def title(app, page: str) -> str:
    return str(app.screen.query_one(f"#{page}-title", Static).render())


def body_lines(app) -> list[str]:
    """The screen's lines under the tabs and the page's title, blanks and the footer left out."""
    lines = [line.rstrip() for line in screen_lines(app)[3:-1]]
    return [line for line in lines if line.strip()]


def footer(app) -> str:
    return screen_lines(app)[-1]


async def open_page(pilot, number: str, *keys: str) -> None:
    for key in ("f7", number, *keys):
        await pilot.press(key)
        await settle(pilot)


async def test_g_on_compliance_shows_the_store_and_the_group_total_and_back(
    db, frozen_clock, make_app
):
    build_november(frozen_clock)  # the clock then on 12-02 18:00
    boss = a_group_manager()
    app = make_app(staff=boss)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_page(pilot, "4", "comma")
        assert isinstance(app.screen, ReportsScreen)
        assert "g 集团/本店" in footer(app)
        await pilot.press("g")
        await settle(pilot)
        assert title(app, "compliance") == "集团跟进达成 · 2026-11（截至 2026-11-30）"
        # 12 planned: on time 张三 05 17, 赵六 16 30, 钱七 25 (5); late 张三 07 11 20,
        # 王五 26 (4); open 李四 17, 王五 30, 孙八 08 (3); 5 / 12 = 41.7%
        assert [line.split() for line in body_lines(app)] == [
            ["门店", "店名", "计划跟进", "按时", "逾期", "未跟进", "达成率"],
            ["main", "main", "12", "5", "4", "3", "41.7%"],
            ["集团合计", "12", "5", "4", "3", "41.7%"],
        ]
        assert "王磊" not in screen_text(app)  # no consultant's lines, no late and open list
        await pilot.press("g")  # back to this store's month
        await settle(pilot)
        assert title(app, "compliance") == "跟进达成 · 2026-11（截至 2026-11-30）"
        assert "王磊" in screen_text(app)


async def test_g_on_losses_shows_the_store_and_the_group_total_and_back(
    showroom, frozen_clock, make_app
):
    build_month_of_losses(showroom, frozen_clock)  # the clock then on 12-01
    app = make_app(staff=a_group_manager())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_page(pilot, "5", "comma")
        assert "g 集团/本店" in footer(app) and "x 导出" in footer(app)
        await pilot.press("g")
        await settle(pilot)
        assert title(app, "losses") == "集团销售促成失控(败)汇总 · 2026-11"
        # defeats 张三 王五 李四(2), lost 钱七 李四(1): 5, days 13+4+10+10+5 = 42 → 8.4;
        # applications filed in November 张三 ✓ 王五 ✓ 孙八 … 赵六 ✗: 4, 2 / 4 = 50.0%
        assert [line.split() for line in body_lines(app)] == [
            ["门店", "店名", "战败", "失控", "合计", "平均跟进天数"],
            ["main", "main", "3", "2", "5", "8.4"],
            ["集团合计", "3", "2", "5", "8.4"],
            ["战败、失控申请与战败明确率（批准", "÷", "申请）"],
            ["门店", "店名", "申请", "批准", "驳回", "待审批", "战败明确率"],
            ["main", "main", "4", "2", "1", "1", "50.0%"],
            ["集团合计", "4", "2", "1", "1", "50.0%"],
        ]
        assert "x 导出" not in footer(app)  # the export is this store's paper form
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        await pilot.press("g")
        await settle(pilot)
        assert title(app, "losses") == "销售促成失控(败)分析表 · 2026-11"
        assert "x 导出" in footer(app)


async def test_the_group_key_is_in_f1_and_the_palette_in_both_languages(
    showroom, frozen_clock, make_app
):
    build_month_of_losses(showroom, frozen_clock)
    boss = a_group_manager()
    app = make_app(staff=boss)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_page(pilot, "5")
        await open_palette(pilot, "j", "t", "b")  # 集团/本店, by its pinyin initials
        assert palette_lines(app)[0].startswith("集团/本店"), palette_lines(app)
        await pilot.press("enter")
        await settle(pilot)
        assert title(app, "losses").startswith("集团销售促成失控(败)汇总")
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "集团/本店：本月各门店一行及集团合计" in screen_text(app)
    i18n.set_language("en")
    app = make_app(staff=boss)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_page(pilot, "4")
        assert "g Group/store" in footer(app)
        await open_palette(pilot, "g", "r", "o")
        assert palette_lines(app)[0].startswith("Group/store"), palette_lines(app)


@pytest.mark.parametrize("page", ["4", "5"])
async def test_a_store_manager_has_no_group_key_and_is_told_why(
    showroom, frozen_clock, make_app, page
):
    build_month_of_losses(showroom, frozen_clock)
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_page(pilot, page)
        assert "集团" not in footer(app)
        await pilot.press("g")
        await settle(pilot)
        assert notices(app) == ["展厅主管无权查看各门店及集团汇总"]
        assert "集团" not in screen_text(app)
        await open_palette(pilot, "j", "t", "b")
        assert not any(line.startswith("集团") for line in palette_lines(app))


# The last columns' labels of each page's group view, whole when nothing is cut.
LAST_LABELS = {
    ("4", "zh_CN"): ["未跟进", "达成率"],
    ("4", "en"): ["Open", "On-time rate"],
    ("5", "zh_CN"): ["平均跟进天数", "待审批", "战败明确率"],
    ("5", "en"): ["Mean days followed", "Pending", "Approval rate"],
}


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("page", ["4", "5"])
async def test_the_group_views_fit_80x24_with_nothing_cut(
    showroom, frozen_clock, make_app, language, page
):
    build_month_of_losses(showroom, frozen_clock)
    i18n.set_language(language)
    app = make_app(staff=a_group_manager())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_page(pilot, page, "comma", "g")
        assert cuts(app) == []
        text = screen_text(app)
        assert "…" not in text
        assert all(label in text for label in LAST_LABELS[page, language]), text
        lines = screen_lines(app)
        assert all(cell_len(line.rstrip()) < 80 for line in lines[:-1]), lines  # none at the edge


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_the_groups_compliance_by_store(snap_compare, db, frozen_clock, make_app, size):
    build_november(frozen_clock)
    app = make_app(staff=a_group_manager())
    assert shoot(snap_compare, app, size, "f7", "4", "comma", "g")


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_the_groups_losses_by_store(snap_compare, showroom, frozen_clock, make_app, size):
    build_month_of_losses(showroom, frozen_clock)
    app = make_app(staff=a_group_manager())
    assert shoot(snap_compare, app, size, "f7", "5", "comma", "g")

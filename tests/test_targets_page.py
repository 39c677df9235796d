"""F7's targets page (6, 营业目标计划与实际比较表) by keys: a manager reads the month, pages to
another, sets a consultant's targets in the dialog (a refusal beside its field, the typing
kept) and exports; a consultant reads their own row and has no `e`. The figures are those
``tests.test_targets`` works out by hand."""

from __future__ import annotations

import pytest

from frontdesk.store.models import SalesTarget
from tests.conftest import screen_lines, screen_text, settle


@pytest.fixture
def november(showroom, frozen_clock):
    """The month of ``tests.test_targets``: read on 11-25, 25 of 30 days gone."""
    from tests.test_targets import build_month_of_targets

    return build_month_of_targets(showroom, frozen_clock)


def row_of(app, name: str) -> list[str]:
    return next(line.split() for line in screen_lines(app) if line.split()[:1] == [name])


async def test_a_manager_reads_the_months_targets_and_pages_months(november, make_app):
    app = make_app(staff=november["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f7", "6")
        await settle(pilot)
        text = screen_text(app)
        assert "营业目标计划与实际比较表 · 2026-11" in text
        assert "6 目标" in screen_lines(app)[1]  # the sixth tab
        assert "本月已过 25/30 天" in text
        # 王磊: 4 of 30 walk-ins (13 %, behind), 2 of 10 test drives, 2 of 6 orders, 2 of 2
        # deliveries (100 %, on track: no mark).
        assert row_of(app, "王磊") == ["王磊", "全部车型", "4/30", "13%*", "2/10", "20%*",
                                       "2/6", "33%*", "2/2", "100%"]  # fmt: skip
        # His 凯美瑞 row, unnamed under him: 3 of 3, 1 of 4 behind, 1 of 1, 1 of 1.
        assert row_of(app, "凯美瑞") == ["凯美瑞", "3/3", "100%", "1/4", "25%*", "1/1", "100%",
                                         "1/1", "100%"]  # fmt: skip
        assert row_of(app, "陈静") == ["陈静", "全部车型", "1/—", "0/—", "0/—", "0/—"]
        assert row_of(app, "合计") == ["合计", "7/54", "13%*", "3/16", "19%*", "2/6", "33%*",
                                       "2/2", "100%"]  # fmt: skip
        await pilot.press("full_stop")
        await settle(pilot)
        assert "营业目标计划与实际比较表 · 2026-12" in screen_text(app)
        assert "这个月还没有目标，也没有实绩" in screen_text(app)
        await pilot.press("comma", "comma")
        await settle(pilot)
        assert "营业目标计划与实际比较表 · 2026-10" in screen_text(app)
        # October: 吴十 came to 李娜 without a target; all 31 days gone.
        assert "本月已过 31/31 天" in screen_text(app)
        assert row_of(app, "李娜") == ["李娜", "全部车型", "1/—", "0/—", "0/—", "0/—"]


async def test_a_manager_sets_a_target_from_the_page(november, make_app):
    from screens.reports.target_dialogs import TargetScreen

    app = make_app(staff=november["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f7", "6")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, TargetScreen)
        assert "设定 2026-11 的营业目标" in screen_text(app)
        # 陈静 for the consultant, then a model not in the list, and walk-ins "很多".
        await pilot.press(*"李", "enter")  # the pick: 李娜
        await pilot.press(*"雅阁", "enter")
        await pilot.press(*"很多", "enter", "5", "ctrl+s")
        await settle(pilot)
        text = screen_text(app)
        assert isinstance(app.screen, TargetScreen)  # still open: nothing of it was saved
        assert "车型表里没有“雅阁”" in text and "请填 0 到 99999 的整数" in text
        assert app.screen.query_one("#consultant").value == "李娜"  # typing kept
        assert app.screen.query_one("#walkins").value == "很多"
        assert app.screen.focused.id == "model"  # the first refused field
        await pilot.press(*["backspace"] * 2, "tab")
        await pilot.press(*["backspace"] * 2, *"20")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, TargetScreen)
        lina = november["lina"].id
        row = SalesTarget.get(SalesTarget.consultant == lina, SalesTarget.model == "")
        # Walk-ins 20 typed, test drives 5; orders and deliveries left empty keep theirs (0).
        assert (row.walkins, row.test_drives, row.orders, row.deliveries) == (20, 5, 0, 0)
        # 李娜's row read again: 2 of 20 walk-ins (10 %), 1 of 5 test drives (20 %).
        assert row_of(app, "李娜")[:6] == ["李娜", "全部车型", "2/20", "10%*", "1/5", "20%*"]


async def test_the_set_dialog_backs_out_and_asks_when_typed(november, make_app):
    from screens.dialogs import ConfirmScreen
    from screens.reports.target_dialogs import TargetScreen

    app = make_app(staff=november["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f7", "6", "e")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, TargetScreen)  # nothing typed: gone at once
        await pilot.press("e")
        await settle(pilot)
        await pilot.press(*"王磊", "escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, TargetScreen)
    assert SalesTarget.select().count() == 3  # the month's three, untouched


async def test_a_consultant_reads_their_own_row_and_cannot_set(november, make_app):
    from screens.reports.target_dialogs import TargetScreen

    app = make_app(staff=november["wanglei"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f7", "6")
        await settle(pilot)
        lines = screen_lines(app)
        assert "6 目标" in lines[1]
        assert row_of(app, "王磊")[2:4] == ["4/30", "13%*"]
        assert not any(line.split()[:1] == ["李娜"] for line in lines)
        assert "设目标" not in lines[-1]  # not in the footer
        await pilot.press("e")
        await settle(pilot)
        assert not isinstance(app.screen, TargetScreen)


async def test_the_page_exports_the_month_shown(november, make_app, tmp_path, monkeypatch):
    from openpyxl import load_workbook

    from screens.export_dialog import ExportScreen

    monkeypatch.chdir(tmp_path)
    app = make_app(staff=november["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f7", "6", "x")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("enter")  # the name offered
        await settle(pilot)
        assert not isinstance(app.screen, ExportScreen)
    sheet = load_workbook(tmp_path / "营业目标-2026-11.xlsx").active
    assert sheet.cell(1, 1).value == "营业目标计划与实际比较表"


async def test_the_page_in_english(november, make_app):
    from frontdesk import i18n

    i18n.set_language("en")
    app = make_app(staff=november["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f7", "6")
        await settle(pilot)
        lines = screen_lines(app)
        assert "6 Targets" in lines[1] and max(len(line.rstrip()) for line in lines) <= 80
        assert "Sales targets against actuals · 2026-11" in screen_text(app)
        assert row_of(app, "Total")[:3] == ["Total", "7/54", "13%*"]

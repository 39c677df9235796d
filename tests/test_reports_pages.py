"""F7's pages after the daily report, by keys: the 战败 / 失控 applications to review (2),
the reconciliation of the reports with the log (3) and the follow-up compliance (4).

Each works on a store built by hand, through the services as the desk and the consultants
would; the figures expected are the ones the core's own tests work out by hand.
"""

from __future__ import annotations

import datetime as dt

import pytest

from frontdesk.desk import registration
from frontdesk.followup import close_review
from frontdesk.people.actor import DESK
from frontdesk.store.models import CloseApplication, Customer
from tests.actors import as_member
from tests.conftest import screen_lines, screen_text, settle, settle_until


def walkin(phone: str, name: str, level: str, day: int, consultant: str) -> Customer:
    data = registration.RegistrationInput(
        kind="walkin",
        time_in=dt.datetime(2026, 11, day, 10, 0),
        phone=phone,
        name=name,
        level=level,
        consultant=consultant,
    )
    return Customer.get_by_id(registration.register(data, by=DESK).customer_id)


# -- 2 战败审批 ----------------------------------------------------------------------------------


def file_applications(showroom) -> dict[str, Customer]:
    """Two applications waiting: #1 王磊's defeat of 张三 (本田雅阁, 价格), #2 李娜's loss
    of 李四 (电话停机)."""
    zhang = walkin("13812345678", "张三", "H", 20, "王磊")
    li = walkin("13912345678", "李四", "A", 21, "李娜")
    close_review.apply(zhang.id, "defeat", "价格", "本田雅阁", by=as_member(showroom["wanglei"]))
    close_review.apply(li.id, "lost", "电话停机", by=as_member(showroom["lina"]))
    return {"张三": zhang, "李四": li}


@pytest.fixture
def applications(showroom):
    return file_applications(showroom)


def status(application_id: int) -> tuple[str, str]:
    found = CloseApplication.get_by_id(application_id)
    return found.status, found.note


async def test_a_manager_approves_and_rejects_on_f7_by_keys(applications, showroom, make_app):
    from screens.dialogs import ConfirmScreen
    from screens.reports.review_dialogs import RejectScreen
    from tests.test_palette import open_palette, palette_lines

    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f7", "2")

        def both_rows_drawn() -> bool:
            """The queue's last cell is drawn (a loaded machine draws the table late)."""
            return "电话停机" in screen_text(app)

        await settle_until(pilot, both_rows_drawn)
        text = screen_text(app)
        for words in ("待审批申请 2 份", "张三", "本田雅阁", "李四", "电话停机"):
            assert words in text, words
        await open_palette(pilot)
        names = " ".join(palette_lines(app))
        assert "批准" in names and "驳回" in names, names
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("a")  # the first, 张三's defeat: asked first
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert "待审批申请 1 份" in screen_text(app)
        await pilot.press("r")  # now 李四's loss, the only one
        await settle(pilot)
        assert isinstance(app.screen, RejectScreen)
        await pilot.press("enter")  # no note: the core's refusal beside the field
        await settle(pilot)
        assert isinstance(app.screen, RejectScreen)
        assert "驳回必须写明原因" in screen_text(app)
        assert status(2) == ("pending", "")
        await pilot.press(*"号码还能打通", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, RejectScreen)
        assert "没有待审批的申请" in screen_text(app)
    assert status(1)[0] == "approved"
    assert Customer.get_by_id(applications["张三"].id).level is None  # closed as defeated
    assert status(2) == ("rejected", "号码还能打通")
    assert Customer.get_by_id(applications["李四"].id).level == "A"  # followed up as before


async def test_a_consultant_sees_their_own_applications_and_cannot_decide(
    applications, showroom, make_app
):
    app = make_app(staff=showroom["wanglei"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f7", "2")
        await settle(pilot)
        text = screen_text(app)
        assert "待审批申请 1 份" in text and "张三" in text and "李四" not in text
        for action in ("review_approve", "review_reject"):
            assert not app.screen.check_action(action, ())
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "ReportsScreen"
    assert status(1) == ("pending", "") and status(2) == ("pending", "")


@pytest.mark.parametrize("keys", [("f7", "2"), ("f7", "2", "a"), ("f7", "2", "r")])
@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_the_review_page_and_its_dialogs_fit_80x24(applications, showroom, make_app,
                                                         language, keys):  # fmt: skip
    from frontdesk import i18n
    from tests.test_every_screen_fits import cuts

    i18n.set_language(language)
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        assert cuts(app) == []


# -- 3 对账 ----------------------------------------------------------------------------------


async def test_the_reconciliation_page_names_each_lines_records(showroom, make_app):
    from tests.test_reconcile import build_day

    build_day(showroom)  # 11-23 worked out by hand in tests/test_reconcile.py
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f7", "3")
        await settle(pilot)
        assert "日报与登记表对账 · 2026-11-25" in screen_text(app)
        assert "结果未定" in screen_text(app)  # today's: its next day is not over
        await pilot.press("left", "left")  # 11-23, final
        await settle(pilot)
        text = screen_text(app)
        assert "日报与登记表对账 · 2026-11-23" in text and "结果未定" not in text
        # Untaken: 李四's walk-in #2 (序号 2) and 王五's walk-in #4 (序号 5), both 王磊's.
        assert "登记未跟进" in text and "（2）" in text
        assert "登记 #2 序号 2 10:15 来店" in text and "登记 #4 序号 5 15:00 来店" in text
        # Not through the desk: 周七, by 李娜's call #6 at 14:00.
        assert "接触 #6 14:00 电话" in text and "周七" in text
        # 李娜's 1 = 1 hides two differences: 赵六 on the report only, 王五's call in the
        # log only.
        assert "不符的记录（2）" in text and "仅日报有" in text and "仅登记表有" in text
        assert "赵六" in text and "相符" in text  # 王磊 agrees


async def test_a_consultant_reconciles_their_own_lines(showroom, make_app):
    from tests.test_reconcile import build_day

    build_day(showroom)
    app = make_app(staff=showroom["lina"])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f7", "3", "left", "left")
        await settle(pilot)
        text = screen_text(app)
        assert "接触 #6 14:00 电话" in text  # 李娜's 周七
        assert "登记 #2" not in text and "登记 #4" not in text  # 王磊's untaken leads


# -- 4 跟进达成 --------------------------------------------------------------------------------


async def test_the_compliance_page_loads_in_a_worker_and_shows_the_month(
    db, frozen_clock, make_app, monkeypatch
):
    import threading

    from frontdesk.reports import compliance
    from tests.test_compliance import build_november

    members = build_november(frozen_clock)  # the clock then on 12-02 18:00
    computed = compliance.compliance
    release = threading.Event()

    def slow(*args, **kwargs):
        release.wait(10)
        return computed(*args, **kwargs)

    monkeypatch.setattr(compliance, "compliance", slow)
    app = make_app(staff=members["chenjing"])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f7", "4")
        await pilot.pause()
        assert "正在载入…" in screen_text(app)  # the figures are still being counted
        release.set()
        await settle(pilot)
        assert "跟进达成 · 2026-12（截至 2026-12-02）" in screen_text(app)
        await pilot.press("comma")  # November, worked out by hand in tests/test_compliance.py
        await settle(pilot)
        lines = [" ".join(line.split()) for line in screen_lines(app)]
        assert "跟进达成 · 2026-11（截至 2026-11-30）" in lines
        # 王磊 H: 5 planned, 2 on time, 3 late, 0 open; 王磊 all: 8, 2, 4, 2; everyone 12, 5, 4, 3.
        assert "王磊 H 5 2 3 0 40.0%" in lines
        assert "王磊 合计 8 2 4 2 25.0%" in lines
        assert "全部 合计 12 5 4 3 41.7%" in lines
        # The late and open: 张三's 11-07 made 11-09 (2 late), 李四's 11-17 still open (15).
        assert "2026-11-07 王磊 H 张三 138 1234 5678 2026-11-09 2" in lines
        assert "2026-11-17 王磊 B 李四 139 1234 5678 未跟进 15" in lines
        await pilot.press("full_stop")
        await settle(pilot)
        assert "跟进达成 · 2026-12（截至 2026-12-02）" in screen_text(app)


async def test_a_consultant_sees_their_own_compliance(db, frozen_clock, make_app):
    from tests.test_compliance import build_november

    members = build_november(frozen_clock)
    app = make_app(staff=members["lina"])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f7", "4", "comma")
        await settle(pilot)
        text = screen_text(app)
        assert "孙八" in text and "张三" not in text and "王磊" not in text


@pytest.mark.parametrize(
    ("language", "section", "words"),
    [
        ("zh_CN", "主管报表（F7）", ("战败审批", "批准", "驳回", "对账", "跟进达成",
                                     "上个月的跟进达成")),
        ("en", "Manager's reports (F7)", ("Reviews", "Approve", "Reject", "Reconcile", "Compliance",
                                          "previous month's follow-up compliance")),
    ],
)  # fmt: skip
async def test_f1_lists_the_pages_and_their_keys(showroom, make_app, language, section, words):
    from frontdesk import i18n
    from screens.help import _sections as help_sections

    i18n.set_language(language)
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        rows = dict(help_sections(app))[section]
        text = " ".join(f"{keys} {what}" for keys, what in rows)
        for word in words:
            assert word in text, (word, text)


# -- 7 战败分析 and the exports of F7 -------------------------------------------------------------


@pytest.fixture
def november_losses(showroom, frozen_clock):
    """The month of losses of ``tests.test_losses`` (its figures worked out there by hand):
    November 2026 has 5 losses — 3 defeats, 2 lost —, 价格 2 of them, days 8.4 on average,
    and 4 applications filed, 2 approved (50 %). The clock stands on 12-01."""
    from tests.test_losses import build_month_of_losses

    return build_month_of_losses(showroom, frozen_clock)


async def test_a_manager_reads_the_months_losses_on_f7_and_exports_them(
    november_losses, make_app, tmp_path, monkeypatch
):
    from openpyxl import load_workbook

    from screens.export_dialog import ExportScreen

    monkeypatch.chdir(tmp_path)
    app = make_app(staff=november_losses["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f7", "5")
        await settle(pilot)
        assert "销售促成失控(败)分析表 · 2026-12" in screen_text(app)  # this month first
        await pilot.press("comma")
        await settle(pilot)
        text = screen_text(app)
        assert "销售促成失控(败)分析表 · 2026-11" in text
        # All: 3 defeats, 2 lost, 5, 100 %, 8.4 days; 价格: 2 defeats of 5 = 40 %, 7.0 days.
        assert any(line.split() == ["合计", "3", "2", "5", "100.0%", "8.4"]
                   for line in screen_lines(app)), text  # fmt: skip
        assert any(line.split() == ["价格", "2", "0", "2", "40.0%", "7.0"]
                   for line in screen_lines(app)), text  # fmt: skip
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("enter")  # the name offered
        await settle(pilot)
        assert not isinstance(app.screen, ExportScreen)
    sheet = load_workbook(tmp_path / "失控战败分析-2026-11.xlsx").active
    assert sheet.cell(1, 1).value == "销售促成失控(败)分析表"


async def test_the_losses_page_is_a_managers(november_losses, make_app):
    app = make_app(staff=november_losses["wanglei"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert "战败分析" not in screen_lines(app)[1]  # not on the tabs
        await pilot.press("5")
        await settle(pilot)
        assert app.screen.page_id == "daily"


async def test_a_consultant_exports_their_daily_report_from_f7(
    showroom, frozen_clock, make_app, tmp_path, monkeypatch
):
    from openpyxl import load_workbook

    monkeypatch.chdir(tmp_path)
    walkin("13812345678", "张三", "H", 25, "王磊")  # 王磊's reception of the day
    app = make_app(staff=showroom["wanglei"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f7", "x")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    sheet = load_workbook(tmp_path / "营业日报表-王磊-2026-11-25.xlsx").active
    cells = {str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value}
    assert "营业日报表" in cells and "张三" in cells


async def test_a_month_without_losses_says_so(showroom, make_app):
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f7", "5")
        await settle(pilot)
        assert "这个月没有战败、失控，也没有申请" in screen_text(app)

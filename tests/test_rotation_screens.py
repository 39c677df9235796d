"""The up rotation at the desk: ``s`` asks why in a dialog (1 with a customer, 2 off the
floor, 3 declined, Esc nothing), and the rotation's line names who is out for overdue
follow-ups; F7's ups page (接待统计) by keys. Snapshots of both at 80x24 and 120x36."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from frontdesk import i18n
from frontdesk.people import team
from frontdesk.people.actor import OPERATOR
from frontdesk.store import settings
from frontdesk.store.models import RotationSkip
from screens.desk.day_log import DayLogScreen
from screens.desk.skip import SkipScreen
from screens.reports.desk import PAGES
from tests.conftest import SNAPSHOT_SIZES, screen_lines, screen_text, settle, shoot
from tests.test_rotation import overdue, put_in_order
from tests.test_ups import build_month_of_ups

# The ups page's number on F7's tabs (its place in PAGES: other pages may come before it).
UPS_KEY = str([page_id for page_id, _, _ in PAGES].index("ups") + 1)


def rotation_line(app) -> str:
    return str(app.screen.query_one("#log-rotation", Static).render())


@pytest.fixture
def three(showroom):
    showroom["zhaoqiang"] = team.add_staff("赵强", "consultant", by=OPERATOR)
    return showroom


async def test_a_skip_asks_why_and_with_a_customer_keeps_the_turn(three, make_app):
    app = make_app(staff=three["zhaomin"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "王磊 → 李娜 → 赵强" in rotation_line(app)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SkipScreen)
        text = screen_text(app)
        assert "跳过 王磊：什么原因？" in text
        assert "1 接待中" in text and "保留顺位" in text and "3 放弃" in text
        await pilot.press("escape")  # backed out: nobody skipped
        await settle(pilot)
        assert isinstance(app.screen, DayLogScreen)
        assert not RotationSkip.select().exists()
        await pilot.press("s", "1")  # with a customer: 王磊 changes places with 李娜
        await settle(pilot)
        assert isinstance(app.screen, DayLogScreen)
        assert "李娜 → 王磊 → 赵强" in rotation_line(app)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # 3 declined, chosen by the arrows
        await settle(pilot)
        assert "王磊 → 赵强 → 李娜" in rotation_line(app)
        notices = [notification.message for notification in app._notifications]
        assert notices[-1] == "已跳过 李娜（放弃），现在排头：王磊"
    skips = [(s.staff_id, s.reason, s.skipped_by_id) for s in RotationSkip.select()]
    assert skips == [
        (three["wanglei"].id, "busy", three["zhaomin"].id),
        (three["lina"].id, "declined", three["zhaomin"].id),
    ]


async def test_a_skip_with_nobody_on_duty_says_so(showroom, make_app):
    team.set_roster(set(), by=OPERATOR)
    app = make_app(staff=showroom["zhaomin"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, DayLogScreen)
        notices = [notification.message for notification in app._notifications]
        assert notices == ["接待顺序里没有人可以跳过"]


async def test_the_rotation_line_marks_who_is_out_for_overdue_follow_ups(three, make_app):
    overdue("李娜", 3)
    put_in_order("王磊", "李娜", "赵强")
    settings.change(settings.ROTATION_OVERDUE_OUT, "2", by=OPERATOR)
    app = make_app(staff=three["zhaomin"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        line = rotation_line(app)
        assert "王磊 → 赵强" in line and "逾期暂停： 李娜（逾期3）" in line
    # 王磊 and 赵强 go off duty: nobody is in, and the line names only who is out and why.
    team.set_roster({three["lina"].id}, by=OPERATOR)
    app = make_app(staff=three["zhaomin"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert rotation_line(app) == "接待顺序： —   逾期暂停： 李娜（逾期3）"


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_the_ups_page_shows_the_month_and_pages_by_keys(db, frozen_clock, make_app, language):
    i18n.set_language(language)
    build_month_of_ups(frozen_clock)  # the clock then on 12-01 02:00
    manager = team.require_staff("陈静")
    app = make_app(staff=manager)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f7", UPS_KEY)
        await settle(pilot)
        december = "2026-12 接待统计" if language == "zh_CN" else "Ups of 2026-12"
        assert december in screen_text(app)
        await pilot.press("comma")
        await settle(pilot)
        rows = [line.split() for line in screen_lines(app)]
        total = "合计" if language == "zh_CN" else "Total"
        # By hand (tests.test_ups): 王磊 4 ups in 13 h, 李娜 1 in 11 h, 5 in 24 h, one skip each.
        assert ["王磊", "4", "4", "13.0", "0.3", "0", "0", "0"] in rows
        assert ["李娜", "1", "1", "11.0", "0.1", "1", "1", "1"] in rows
        assert [total, "5", "5", "24.0", "0.2", "1", "1", "1"] in rows
        await pilot.press("full_stop")
        await settle(pilot)
        assert december in screen_text(app)


async def test_a_consultant_sees_their_own_ups_and_the_receptionist_no_page(
    db, frozen_clock, make_app
):
    members = build_month_of_ups(frozen_clock)
    app = make_app(staff=members["李娜"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f7", UPS_KEY, "comma")
        await settle(pilot)
        rows = [line.split() for line in screen_lines(app)]
        assert ["李娜", "1", "1", "11.0", "0.1", "1", "1", "1"] in rows
        assert not any(row and row[0] == "王磊" for row in rows)
    app = make_app(staff=members["赵敏"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert not any("接待统计" in line for line in screen_lines(app))


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_skip_dialog(snap_compare, showroom, make_app, size):
    assert shoot(snap_compare, make_app(staff=showroom["zhaomin"]), size, "s")


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_reports_ups(snap_compare, db, frozen_clock, make_app, size):
    build_month_of_ups(frozen_clock)
    app = make_app(staff=team.require_staff("陈静"))
    assert shoot(snap_compare, app, size, "f7", UPS_KEY, "comma")

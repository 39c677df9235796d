"""The ups report (接待统计): a hand-worked November of ups, hours on duty and skips, read
for the month and for a day, by role, and on the command line."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from frontdesk.desk import registration
from frontdesk.desk.registration import RegistrationInput
from frontdesk.errors import Forbidden
from frontdesk.people import team
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.reports import ups
from frontdesk.store import settings
from tests.actors import as_member

pytestmark = pytest.mark.both_engines  # the store's tests, on SQLite and on PostgreSQL

NOVEMBER = dt.date(2026, 11, 1)


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute)


def build_month_of_ups(frozen_clock) -> dict:
    """November 2026, worked out by hand (the clock moves through it; it ends on 12-01 02:00).

    Mon 11-02   09:00 王磊 and 李娜 join, on duty (rotation 王磊, 李娜)
                10:00 a first visit → 王磊            (李娜, 王磊)
                10:30 李娜 skipped, with a customer   (王磊, 李娜)   by 赵敏
                10:40 a first visit → 王磊            (李娜, 王磊)
                11:00 李娜 skipped, off the floor     (王磊, 李娜)   by the desk
                12:00 李娜 off duty                   → 李娜 09:00–12:00 = 3 h
                18:00 王磊 off duty                   → 王磊 09:00–18:00 = 9 h
    Tue 11-03   09:00 both on duty                    (王磊, 李娜)
                09:30 a first visit → 王磊            (李娜, 王磊)
                10:00 李娜 skipped, declined          (王磊, 李娜)   by the desk
                10:10 a first visit → 王磊            (李娜, 王磊)
                10:20 a first visit → 李娜            (王磊, 李娜)
                13:00 both off duty                   → 4 h each
    Mon 11-30   20:00 李娜 on duty, and still at 12-01 02:00 → 4 h in November, 2 h in December

    November: 王磊 4 ups (all first visits) in 9 + 4 = 13 h: 4 / 13 = 0.31 an hour, no skip;
    李娜 1 up in 3 + 4 + 4 = 11 h: 1 / 11 = 0.09, skipped once for each reason.
    Total: 5 ups in 24 h (0.21 an hour), 3 skips. 11-02 alone: 王磊 2 ups in 9 h (0.22),
    李娜 0 in 3 h (0.0), 1 busy and 1 away.
    """
    frozen_clock.move_to(at(2, 9))
    team.add_staff("陈静", "manager", by=OPERATOR)
    desk = as_member(team.add_staff("赵敏", "receptionist", by=OPERATOR))
    wang = team.add_staff("王磊", "consultant", by=OPERATOR)
    li = team.add_staff("李娜", "consultant", by=OPERATOR)

    def first_visit(when: dt.datetime) -> None:
        frozen_clock.move_to(when)
        registration.register(RegistrationInput(time_in=when.strftime("%H:%M")), by=desk)

    def skip(when: dt.datetime, reason: str, by=DESK) -> None:
        frozen_clock.move_to(when)
        team.skip_head(reason, by=by)

    def roster(when: dt.datetime, *members) -> None:
        frozen_clock.move_to(when)
        team.set_roster({member.id for member in members}, by=DESK)

    first_visit(at(2, 10))
    skip(at(2, 10, 30), "busy", by=desk)
    first_visit(at(2, 10, 40))
    skip(at(2, 11), "away")
    roster(at(2, 12), wang)
    roster(at(2, 18))
    roster(at(3, 9), wang, li)
    first_visit(at(3, 9, 30))
    skip(at(3, 10), "declined")
    first_visit(at(3, 10, 10))
    first_visit(at(3, 10, 20))
    roster(at(3, 13))
    roster(at(30, 20), li)
    frozen_clock.move_to(at(1, 2, month=12))
    return {m.name: m for m in (wang, li)} | {"赵敏": desk.staff}


@pytest.fixture
def november(db, frozen_clock):
    return build_month_of_ups(frozen_clock)


def figures(report: ups.UpsReport) -> list[tuple]:
    return [
        (line.name, line.ups, line.first, round(line.hours, 2), line.skips)
        for line in [*report.lines, report.total]
    ]


def test_a_month_of_ups_against_the_hours_on_duty(november):
    report = ups.month_ups(NOVEMBER, by=OPERATOR)
    none = {"busy": 0, "away": 0, "declined": 0}
    assert figures(report) == [
        ("王磊", 4, 4, 13.0, none),
        ("李娜", 1, 1, 11.0, {"busy": 1, "away": 1, "declined": 1}),
        (None, 5, 5, 24.0, {"busy": 1, "away": 1, "declined": 1}),
    ]
    per_hour = [round(line.ups_per_hour or 0, 2) for line in [*report.lines, report.total]]
    assert per_hour == [0.31, 0.09, 0.21]  # 4/13, 1/11, 5/24
    assert [(s.at, s.consultant, s.reason, s.skipped_by) for s in report.skips] == [
        (at(2, 10, 30), "李娜", "busy", "赵敏"),
        (at(2, 11), "李娜", "away", None),
        (at(3, 10), "李娜", "declined", None),
    ]


def test_a_day_of_ups_and_a_spell_still_open_counts_to_now(november):
    report = ups.day_ups(dt.date(2026, 11, 2), by=OPERATOR)
    assert figures(report)[:2] == [
        ("王磊", 2, 2, 9.0, {"busy": 0, "away": 0, "declined": 0}),
        ("李娜", 0, 0, 3.0, {"busy": 1, "away": 1, "declined": 0}),
    ]
    assert report.lines[1].ups_per_hour == 0.0
    # 12-01 at 02:00: 李娜 on duty since 11-30 20:00, so 2 h today; 王磊 none (no per hour).
    today = ups.day_ups(dt.date(2026, 12, 1), by=OPERATOR)
    assert [(line.name, line.hours, line.ups_per_hour) for line in today.lines] == [
        ("王磊", 0.0, None),
        ("李娜", 2.0, 0.0),
    ]


def test_the_json_of_the_month(november):
    data = ups.month_ups(NOVEMBER, by=OPERATOR).as_json()
    assert data["month"] == "2026-11"
    assert data["consultants"][0] == {
        "consultant": "王磊",
        "ups": 4,
        "first": 4,
        "hours": 13.0,
        "ups_per_hour": 0.31,
        "skips": {"busy": 0, "away": 0, "declined": 0},
    }
    assert data["total"]["ups_per_hour"] == 0.21
    assert data["skips"][0] == {
        "at": "2026-11-02 10:30:00",
        "consultant": "李娜",
        "reason": "busy",
        "skipped_by": "赵敏",
    }


def test_a_manager_reads_everyone_a_consultant_their_own(november, db):
    manager = as_member(team.require_staff("陈静"))
    li = november["李娜"]
    assert [line.name for line in ups.month_ups(NOVEMBER, by=manager).lines] == ["王磊", "李娜"]
    mine = ups.month_ups(NOVEMBER, by=as_member(li))
    assert [line.name for line in mine.lines] == ["李娜"]
    assert mine.total.ups == 1 and len(mine.skips) == 3
    with pytest.raises(Forbidden):
        ups.month_ups(NOVEMBER, by=as_member(li), consultant_id=november["王磊"].id)
    with pytest.raises(Forbidden):
        ups.month_ups(NOVEMBER, by=as_member(november["赵敏"]))  # the receptionist
    with pytest.raises(Forbidden):
        ups.day_ups(dt.date(2026, 11, 2), by=DESK)
    only = ups.month_ups(NOVEMBER, by=manager, consultant_id=november["王磊"].id)
    assert [line.name for line in only.lines] == ["王磊"] and only.skips == []


def test_a_consultant_who_left_is_still_listed_for_the_month_they_worked(november):
    admin = as_member(team.add_staff("周杰", "admin", by=OPERATOR))
    team.set_active("王磊", False, by=admin)
    report = ups.month_ups(NOVEMBER, by=OPERATOR)
    assert [(line.name, line.ups) for line in report.lines] == [("王磊", 4), ("李娜", 1)]
    assert [line.name for line in ups.month_ups(dt.date(2026, 10, 1), by=OPERATOR).lines] == [
        "李娜"  # October: nothing from 王磊, who has left; 李娜 is listed as a consultant
    ]


# -- the command line ---------------------------------------------------------------------------


@pytest.fixture
def cli_november(run_cli, cli_store, frozen_clock):
    from frontdesk import store

    run_cli("settings")  # creates and migrates the store
    store.open_store(cli_store)
    build_month_of_ups(frozen_clock)
    store.close_store()
    return run_cli


def test_report_ups_month_as_json_and_text(cli_november):
    status, out, _ = cli_november("report", "ups", "--month", "2026-11", "--json")
    assert status == 0
    data = json.loads(out)
    assert [(c["consultant"], c["ups"], c["hours"]) for c in data["consultants"]] == [
        ("王磊", 4, 13.0),
        ("李娜", 1, 11.0),
    ]
    status, out, _ = cli_november("report", "ups", "--month", "2026-11")
    lines = out.splitlines()
    assert lines[0] == "2026-11 接待统计"
    assert ["合计", "5", "5", "24.0", "0.2", "1", "1", "1"] in [line.split() for line in lines]
    assert ["11-02", "10:30", "李娜", "接待中", "赵敏"] in [line.split() for line in lines]


def test_report_ups_of_a_day_as_a_consultant(cli_november):
    status, out, _ = cli_november("--as", "李娜", "report", "ups", "--date", "2026-11-02")
    assert status == 0
    rows = [line.split() for line in out.splitlines()]
    assert rows[0] == ["2026-11-02", "接待统计"]
    assert ["李娜", "0", "0", "3.0", "0.0", "1", "1", "0"] in rows
    assert not any(row and row[0] == "王磊" for row in rows)  # only her own line
    status, _, err = cli_november("--as", "李娜", "report", "ups", "--date", "2026-11-02",
                                  "--consultant", "王磊")  # fmt: skip
    assert status != 0 and err


def test_report_ups_needs_a_month_or_a_day(cli_november):
    status, _, _ = cli_november("report", "ups")
    assert status != 0
    status, _, err = cli_november("report", "ups", "--month", "2026-13")
    assert status != 0 and err


def test_the_setting_is_listed_and_set_on_the_command_line(cli_november):
    status, out, _ = cli_november("settings")
    assert settings.ROTATION_OVERDUE_OUT in out
    status, _, _ = cli_november("settings", "set", settings.ROTATION_OVERDUE_OUT, "3")
    assert status == 0

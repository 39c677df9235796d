"""Follow-up compliance (跟进达成): the month's planned follow-ups per consultant and level,
made on time ÷ planned, and the late and open ones with how late.

Every expectation is worked out by hand in the comments (seed intervals: O 7, H 2, A 3,
B 7, C 14 days; H becomes 3 on 11-15 at 12:00), never computed by the code under test.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from frontdesk import store
from frontdesk.desk import registration
from frontdesk.errors import Forbidden
from frontdesk.followup import contact_table, contacts
from frontdesk.people import team
from frontdesk.people.actor import DESK, OPERATOR, Actor
from frontdesk.reports import compliance
from frontdesk.reports.compliance import LATE, OPEN
from frontdesk.store import settings
from frontdesk.store.models import Customer

D = dt.date
NOVEMBER = D(2026, 11, 1)


def at(day: int, hour: int = 10, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0)


def walkin(phone: str, name: str, level: str, when: dt.datetime, consultant: str) -> Customer:
    data = registration.RegistrationInput(
        kind="walkin", time_in=when, phone=phone, name=name, level=level, consultant=consultant
    )
    return Customer.get_by_id(registration.register(data, by=OPERATOR).customer_id)


def contact(customer: Customer, when: str, method: str = "call", **fields):
    data = contacts.ContactInput(method=method, at=when, **fields)
    return contacts.record_contact(customer.id, data, by=OPERATOR)


def build_november(clock) -> dict:
    """Two consultants' November, the clock then on 12-02 18:00 (a finished month).

    王磊:
    - 张三 H, walked in 11-03: due 05, called 05 (on time); due 07, called 09 (late 2);
      due 11, called 14 (late 3); due 16 by the old 2 days, but H is 3 days from 11-15
      12:00, so on the morning of the 16th the plan is 14 + 3 = 17: called 17 (on time);
      due 20, nobody until his walk-in of 12-01 (late 11, in December);
    - 李四 B, walked in 11-10: due 17, never contacted (open, 15 days on 12-02);
    - 王五 A, walked in 11-20 (due 23), a call on 21 agreed 11-26 (so the 23rd was never
      planned); a walk-in on 24 does not undo the agreement: due 26, called 27 (late 1);
      then 27 + 3 = 30, nobody (open, 2 days).
    李娜:
    - 赵六 C, walked in 11-02: due 16, visited 16 (on time); due 30, called 30 (on time);
    - 钱七 O, walked in 11-18: due 25, called 25 (on time); next due 12-02 (not November);
    - 孙八 A, walked in 11-05: due 08, never contacted, closed as defeated on 11-12 (open,
      4 days until the close).
    """
    members = {
        "wanglei": team.add_staff("王磊", "consultant", by=OPERATOR),
        "lina": team.add_staff("李娜", "consultant", by=OPERATOR),
        "zhaomin": team.add_staff("赵敏", "receptionist", by=OPERATOR),
        "chenjing": team.add_staff("陈静", "manager", by=OPERATOR),
    }
    clock.move_to(at(15, 12))
    settings.change("follow_up_days.H", "3", by=OPERATOR)
    clock.move_to(at(2, 18, month=12))
    zhang = walkin("13812345678", "张三", "H", at(3), "王磊")
    for day in (5, 9, 14, 17):
        contact(zhang, f"2026-11-{day:02d} 10:00")
    walkin("13812345678", "张三", "", at(1, 11, month=12), "王磊")
    walkin("13912345678", "李四", "B", at(10), "王磊")
    wang = walkin("13700001111", "王五", "A", at(20), "王磊")
    contact(wang, "2026-11-21 10:00", next_date="2026-11-26")
    walkin("13700001111", "王五", "", at(24), "王磊")
    contact(wang, "2026-11-27 10:00")
    zhao = walkin("13600002222", "赵六", "C", at(2), "李娜")
    contact(zhao, "2026-11-16 10:00", method="visit")
    contact(zhao, "2026-11-30 10:00")
    qian = walkin("13500003333", "钱七", "O", at(18), "李娜")
    contact(qian, "2026-11-25 10:00")
    sun = walkin("13400004444", "孙八", "A", at(5), "李娜")
    contacts.close_customer(
        sun.id, "defeat", reason="价格", competitor="本田雅阁", by=OPERATOR, at="2026-11-12 16:00"
    )
    return members


@pytest.fixture
def november(db, frozen_clock):
    return build_november(frozen_clock)


def figures(line: compliance.Tally) -> tuple:
    return (line.consultant, line.level, line.planned, line.on_time, line.late, line.open)


def test_a_months_planned_contacts_and_how_late_each_was(november):
    result = compliance.compliance(NOVEMBER, by=OPERATOR)
    assert result.as_of == D(2026, 11, 30)  # a finished month, to its last day
    # 李娜 (李 sorts before 王): O 钱七's 25th; A 孙八's 8th, open; C 赵六's 16th and 30th.
    # 王磊: H 张三's 5 (5 and 17 on time, 7, 11, 20 late); A 王五's 26 late, 30 open;
    # B 李四's 17 open.
    assert [figures(line) for line in result.lines] == [
        ("李娜", "O", 1, 1, 0, 0),
        ("李娜", "A", 1, 0, 0, 1),
        ("李娜", "C", 2, 2, 0, 0),
        ("王磊", "H", 5, 2, 3, 0),
        ("王磊", "A", 2, 0, 1, 1),
        ("王磊", "B", 1, 0, 0, 1),
    ]
    assert [figures(line) for line in result.consultants] == [
        ("李娜", "", 4, 3, 0, 1),
        ("王磊", "", 8, 2, 4, 2),
    ]
    assert figures(result.total) == (None, "", 12, 5, 4, 3)
    # 3 / 4, 2 / 8, 5 / 12; 王磊's H 2 / 5.
    assert [line.rate for line in result.consultants] == [0.75, 0.25]
    assert result.total.rate == pytest.approx(5 / 12)
    assert result.lines[3].rate == 0.4
    assert [
        (c.consultant, c.name, c.level, c.due, c.status, c.made_on, c.days_late)
        for c in result.missed
    ] == [
        ("李娜", "孙八", "A", D(2026, 11, 8), OPEN, None, 4),
        ("王磊", "张三", "H", D(2026, 11, 7), LATE, D(2026, 11, 9), 2),
        ("王磊", "张三", "H", D(2026, 11, 11), LATE, D(2026, 11, 14), 3),
        ("王磊", "李四", "B", D(2026, 11, 17), OPEN, None, 15),
        ("王磊", "张三", "H", D(2026, 11, 20), LATE, D(2026, 12, 1), 11),
        ("王磊", "王五", "A", D(2026, 11, 26), LATE, D(2026, 11, 27), 1),
        ("王磊", "王五", "A", D(2026, 11, 30), OPEN, None, 2),
    ]


def test_the_planned_days_are_the_contact_tables(november):
    # The table marks * on the planned days nobody came: 张三 7, 11, 20 (not 16: the new
    # interval), 李四 17, 王五 26 (the walk-in of the 24th kept the agreement) and 30;
    # 赵六 none; 孙八 8; 钱七 none.
    f = contact_table.current_filter(OPERATOR).with_(month=NOVEMBER)
    grid = contact_table.with_marks(contact_table.page(f), f)
    missed = {
        g.row.name: sorted(day for day, mark in g.marks.items() if mark.kind == "missed")
        for g in grid
    }
    assert missed == {
        "赵六": [],
        "张三": [7, 11, 20],
        "孙八": [8],
        "李四": [17],
        "钱七": [],
        "王五": [26, 30],
    }


def test_the_month_in_progress_counts_through_today(db, frozen_clock):
    # Today 11-25 (the frozen clock): 王五 A walked in 11-22, due today; not yet called,
    # he is open 0 days; once called today, on time. Tomorrow's plans do not count yet.
    frozen_clock.move_to(at(25, 9))
    team.add_staff("王磊", "consultant", by=OPERATOR)
    wang = walkin("13700001111", "王五", "A", at(22), "王磊")
    walkin("13600002222", "赵六", "H", at(24), "王磊")  # due 26: not yet
    result = compliance.compliance(NOVEMBER, by=OPERATOR)
    assert result.as_of == D(2026, 11, 25)
    assert figures(result.total) == (None, "", 1, 0, 0, 1)
    assert [(c.name, c.status, c.days_late) for c in result.missed] == [("王五", OPEN, 0)]
    frozen_clock.move_to(at(25, 11))
    contact(wang, "2026-11-25 11:00")
    result = compliance.compliance(NOVEMBER, by=OPERATOR)
    assert figures(result.total) == (None, "", 1, 1, 0, 0) and result.missed == ()
    assert result.total.rate == 1.0


def test_a_late_contact_is_looked_for_in_the_same_cycle_only(db, frozen_clock):
    # 李四 B walked in 11-10: due 17, never contacted, closed as lost on 12-01; he walks in
    # again on 12-02 as B, a new cycle. November's due day stays open, 14 days (17 → the
    # close on 12-01), not made late by the new cycle's walk-in (15 days).
    frozen_clock.move_to(at(3, 18, month=12))
    team.add_staff("王磊", "consultant", by=OPERATOR)
    li = walkin("13912345678", "李四", "B", at(10), "王磊")
    contacts.close_customer(li.id, "lost", reason="电话停机", by=OPERATOR, at="2026-12-01 09:00")
    walkin("13912345678", "李四", "B", at(2, month=12), "王磊")
    result = compliance.compliance(NOVEMBER, by=OPERATOR)
    assert [(c.due, c.status, c.made_on, c.days_late) for c in result.missed] == [
        (D(2026, 11, 17), OPEN, None, 14)
    ]


def test_a_consultant_sees_their_own_and_the_desk_none(november):
    wanglei, lina = november["wanglei"], november["lina"]
    mine = compliance.compliance(NOVEMBER, by=Actor.member(wanglei))
    assert [figures(line) for line in mine.consultants] == [("王磊", "", 8, 2, 4, 2)]
    assert {c.consultant for c in mine.missed} == {"王磊"}
    same = compliance.compliance(NOVEMBER, by=Actor.member(wanglei), consultant_id=wanglei.id)
    assert same == mine
    with pytest.raises(Forbidden, match="只能查看自己的跟进达成"):
        compliance.compliance(NOVEMBER, by=Actor.member(wanglei), consultant_id=lina.id)
    with pytest.raises(Forbidden):
        compliance.compliance(NOVEMBER, by=DESK)
    with pytest.raises(Forbidden):
        compliance.compliance(NOVEMBER, by=Actor.member(november["zhaomin"]))
    manager = Actor.member(november["chenjing"])
    assert figures(compliance.compliance(NOVEMBER, by=manager).total) == (None, "", 12, 5, 4, 3)
    hers = compliance.compliance(NOVEMBER, by=manager, consultant_id=lina.id)
    assert figures(hers.total) == (None, "", 4, 3, 0, 1)


@pytest.fixture
def cli_november(cli_store, frozen_clock):
    store.open_store(cli_store)
    build_november(frozen_clock)
    store.close_store()


def test_report_compliance_prints_the_figures_and_the_late(run_cli, cli_november):
    status, out, err = run_cli("report", "compliance", "--month", "2026-11")
    assert (status, err) == (0, "")
    lines = [line.split() for line in out.splitlines()]
    assert lines[0] == ["跟进达成", "·", "2026-11（截至", "2026-11-30）"]
    assert ["王磊", "H", "5", "2", "3", "0", "40.0%"] in lines
    assert ["王磊", "合计", "8", "2", "4", "2", "25.0%"] in lines
    assert ["李娜", "合计", "4", "3", "0", "1", "75.0%"] in lines
    assert ["全部", "合计", "12", "5", "4", "3", "41.7%"] in lines
    assert ["2026-11-20", "王磊", "H", "张三", "138", "1234", "5678", "2026-12-01", "11"] in lines
    assert ["2026-11-08", "李娜", "A", "孙八", "134", "0000", "4444", "未跟进", "4"] in lines
    status, out, err = run_cli(
        "--lang", "en", "--as", "wanglei", "report", "compliance", "--month", "2026-11"
    )
    assert status == 0, err
    assert "Follow-up compliance · 2026-11 (to 2026-11-30)" in out
    assert "李娜" not in out and "Wang" not in out


def test_report_compliance_as_json_and_refused_to_the_desk(run_cli, cli_november):
    status, out, err = run_cli(
        "report", "compliance", "--month", "2026-11", "--consultant", "李娜", "--json"
    )
    assert status == 0, err
    data = json.loads(out)
    assert (data["month"], data["as_of"]) == ("2026-11", "2026-11-30")
    assert data["total"] == {
        "consultant": None, "level": None, "planned": 4, "on_time": 3, "late": 0, "open": 1,
        "rate": 0.75,
    }  # fmt: skip
    assert [(line["level"], line["planned"], line["rate"]) for line in data["lines"]] == [
        ("O", 1, 1.0),
        ("A", 1, 0.0),
        ("C", 2, 1.0),
    ]
    assert data["missed"] == [
        {
            "name": "孙八", "phone": "13400004444", "consultant": "李娜", "level": "A",
            "due": "2026-11-08", "status": "open", "made_on": None, "days_late": 4,
        }
    ]  # fmt: skip
    status, out, err = run_cli("--as", "zhaomin", "report", "compliance", "--month", "2026-11")
    assert status == 1 and out == ""
    assert err.strip() == "前台接待无权查看意向客户接触状况表"
    status, _, err = run_cli(
        "--as", "wanglei", "report", "compliance", "--month", "2026-11", "--consultant", "李娜"
    )
    assert (status, err.strip()) == (1, "销售顾问只能查看自己的跟进达成")


# -- the group's roll-up (two stores on PostgreSQL: tests/test_store_isolation.py) -------------


def test_the_group_compliance_on_one_file_is_its_store_and_a_total_equal_to_it(november):
    boss = Actor.member(team.add_staff("周总", "group_manager", by=OPERATOR))
    group = compliance.group_compliance(NOVEMBER, by=boss)
    assert group.as_of == D(2026, 11, 30)
    # the store's own report above, by hand: 12 planned, 5 on time, 4 late, 3 open
    assert [(row.code, *figures(row.tally)[2:]) for row in group.stores] == [("main", 12, 5, 4, 3)]
    assert figures(group.total) == (None, "", 12, 5, 4, 3)
    assert group.total.rate == pytest.approx(5 / 12)
    assert group == compliance.group_compliance(NOVEMBER, by=OPERATOR)
    with pytest.raises(Forbidden, match="展厅主管无权查看各门店及集团汇总"):
        compliance.group_compliance(NOVEMBER, by=Actor.member(november["chenjing"]))
    with pytest.raises(Forbidden):
        compliance.group_compliance(NOVEMBER, by=Actor.member(november["wanglei"]))


def test_report_compliance_group_on_the_command_line_is_a_group_managers_right(
    run_cli, cli_november
):
    assert run_cli("staff", "add", "周总", "--role", "group_manager")[0] == 0
    args = ("report", "compliance", "--month", "2026-11", "--group")
    status, out, err = run_cli("--as", "zhouzong", *args)
    assert (status, err) == (0, "")
    lines = [line.split() for line in out.splitlines()]
    assert lines[0] == ["集团跟进达成", "·", "2026-11（截至", "2026-11-30）"]
    assert lines[2] == ["门店", "店名", "计划跟进", "按时", "逾期", "未跟进", "达成率"]
    assert lines[3:] == [
        ["main", "main", "12", "5", "4", "3", "41.7%"],
        ["集团合计", "12", "5", "4", "3", "41.7%"],
    ]
    status, out, err = run_cli("--as", "zhouzong", *args, "--json")
    assert status == 0, err
    assert json.loads(out) == {
        "month": "2026-11",
        "as_of": "2026-11-30",
        "stores": [
            {"store": "main", "name": "main", "planned": 12, "on_time": 5, "late": 4, "open": 3,
             "rate": 0.4167},
        ],
        "total": {"planned": 12, "on_time": 5, "late": 4, "open": 3, "rate": 0.4167},
    }  # fmt: skip
    status, out, err = run_cli("--lang", "en", "--as", "chenjing", *args)
    assert (status, out) == (1, "")
    assert err.strip() == "Manager: you may not read every store's figures and the group's total"
    status, _, err = run_cli("--lang", "en", *args, "--consultant", "李娜")
    assert status != 0 and "--consultant" in err

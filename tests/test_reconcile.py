"""The reconciliation of the consultants' reports with the registration log (对账): leads not
taken up, intents that never came through the desk, and each consultant's new intents on
the reports against the log — on a day worked out by hand, with its rights and its command.

The day is Monday 2026-11-23; the clock stands on Wednesday 11-25 10:30 (tests/conftest.py),
so its next day, 11-24, is over and the check is final. Records, in the order typed (their
ids), built through the services as the desk and the consultants would:

registrations (by the desk)                              序号 on its day
  #1 11-23 09:30 walk-in 张三 138 1234 5678 H  → 王磊          1
  #2 11-23 10:15 walk-in 李四 139 1234 5678 A  → 王磊          2
  #3 11-23 11:00 call    王五 137 0000 1111 B  → 李娜          3
  #4 11-23 15:00 walk-in 王五              B  → 王磊          5
  #5 11-23 13:00 walk-in 赵六 136 0000 2222 —  → 李娜          4  (typed late, from paper)
  #6 11-24 10:00 walk-in 周七 135 0000 3333 —  → 李娜          1 (of 11-24)
  #7 11-24 14:00 walk-in 李四 (back again)  —  → 王磊          2 (of 11-24)
contacts
  #1 王磊 calls 张三  11-24 10:00
  #2 陈静 (manager) calls 李四 11-24 11:00
  #3 王磊 calls 李四  11-25 09:00
  #4 李娜 calls 王五  11-23 16:00
  #5 李娜 visits 赵六 11-23 17:00, level A
  #6 李娜 calls 周七  11-23 14:00, level C (entered after his registration, from paper)

Customers are numbered as they first came: 张三 1, 李四 2, 王五 3, 赵六 4, 周七 5.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from frontdesk import store
from frontdesk.desk import registration
from frontdesk.errors import Forbidden
from frontdesk.followup import contacts
from frontdesk.people import team
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.reports import reconcile
from frontdesk.reports.reconcile import CONTACT, REGISTRATION, Line, Record
from tests.actors import as_member

pytestmark = pytest.mark.both_engines  # the store's tests, on SQLite and on PostgreSQL

DAY = dt.date(2026, 11, 23)
NEXT_DAY = dt.date(2026, 11, 24)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute)


def register(kind, when, phone, name, level, consultant) -> int:
    data = registration.RegistrationInput(
        kind=kind, time_in=when, phone=phone, name=name, level=level, consultant=consultant
    )
    return registration.register(data, by=DESK).customer_id


def contact(customer_id, member, method, when, level="") -> int:
    data = contacts.ContactInput(method=method, at=when, level=level)
    return contacts.record_contact(customer_id, data, by=as_member(member)).id


def build_day(members) -> dict[str, int]:
    """The records of the module's docstring; the customers' ids by name."""
    wanglei, lina, chenjing = members["wanglei"], members["lina"], members["chenjing"]
    zhang = register("walkin", at(23, 9, 30), "13812345678", "张三", "H", "王磊")
    li = register("walkin", at(23, 10, 15), "13912345678", "李四", "A", "王磊")
    wang = register("phone", at(23, 11), "13700001111", "王五", "B", "李娜")
    register("walkin", at(23, 15), "13700001111", "王五", "B", "王磊")
    zhao = register("walkin", at(23, 13), "13600002222", "赵六", "", "李娜")
    zhou = register("walkin", at(24, 10), "13500003333", "周七", "", "李娜")
    register("walkin", at(24, 14), "13912345678", "李四", "", "王磊")
    contact(zhang, wanglei, "call", at(24, 10))
    contact(li, chenjing, "call", at(24, 11))
    contact(li, wanglei, "call", at(25, 9))
    contact(wang, lina, "call", at(23, 16))
    contact(zhao, lina, "visit", at(23, 17), "A")
    contact(zhou, lina, "call", at(23, 14), "C")
    return {"张三": zhang, "李四": li, "王五": wang, "赵六": zhao, "周七": zhou}


@pytest.fixture
def day(showroom):
    return build_day(showroom)


def registration_line(rid, number, when, kind, customer, name, phone, level, staff, consultant):
    return Line(Record(REGISTRATION, rid, when, kind, number), customer, name, phone, level,
                staff.id, consultant)  # fmt: skip


def test_a_hand_worked_day_names_each_kind_of_line(day, showroom):
    wanglei, lina = showroom["wanglei"], showroom["lina"]
    result = reconcile.reconcile(DAY, by=as_member(showroom["chenjing"]))
    assert result.day == DAY and result.final  # 11-24 is over (today is 11-25)

    # Leads not taken up: registrations of 11-23 with a phone and a level, no contact from
    # their consultant between their time in and 11-24 24:00.
    # - #1 张三 (王磊): 王磊 called 11-24 10:00 — taken up.
    # - #2 李四 (王磊): only the manager called on 11-24, and 王磊's call came on 11-25, too
    #   late; 李四's walk-in of 11-24 (#7) is a reception, not a contact — NOT taken up.
    # - #3 王五's call (李娜): 李娜 called back 16:00 — taken up.
    # - #4 王五's walk-in (王磊): the 16:00 call was 李娜's, not 王磊's — NOT taken up.
    # - #5 赵六: no level at the desk — not a lead of the log.
    assert result.untaken == [
        registration_line(2, 2, at(23, 10, 15), "walkin", day["李四"], "李四", "13912345678",
                          "A", wanglei, "王磊"),
        registration_line(4, 5, at(23, 15), "walkin", day["王五"], "王五", "13700001111",
                          "B", wanglei, "王磊"),
    ]  # fmt: skip

    # Intents not through the desk: cycles opened on 11-23 by a contact with a level and no
    # registration of the customer at or before it. 周七's opened with 李娜's call (#6, C) at
    # 14:00; his only registration is of 11-24. 赵六's cycle opened by 李娜's visit too, but
    # he had walked in at 13:00 (#5): he came through the desk.
    assert result.not_via_desk == [
        Line(Record(CONTACT, 6, at(23, 14), "call"), day["周七"], "周七", "13500003333", "C",
             lina.id, "李娜"),
    ]  # fmt: skip

    # New intents of 11-23 (cycles met face to face that day), by who met them:
    #   张三 09:30 walk-in #1 (王磊) · 李四 10:15 walk-in #2 (王磊) · 王五, a phone lead since
    #   the call, met at the 15:00 walk-in #4 (王磊) · 赵六 at 李娜's 17:00 visit (contact #5).
    #   → reports: 王磊 3, 李娜 1.
    # The log: registrations of 11-23 with a level whose customer was met that day:
    #   #1 张三 王磊 · #2 李四 王磊 · #3 王五 李娜 (the call) · #4 王五 王磊 → 王磊 3, 李娜 1.
    # 王磊 agrees record for record. 李娜's 1 = 1 hides two differences: 赵六 is on her report
    # with no level given at the desk, and 王五's call is hers in the log though 王磊 met him.
    # Consultants in the order of their names: 李娜 before 王磊.
    (li_na, wang_lei) = result.consultants
    assert (li_na.consultant, li_na.on_report, li_na.in_log, li_na.agrees) == ("李娜", 1, 1, False)
    assert li_na.report_only == [
        Line(Record(CONTACT, 5, at(23, 17), "visit"), day["赵六"], "赵六", "13600002222", "A",
             lina.id, "李娜"),
    ]  # fmt: skip
    assert li_na.log_only == [
        registration_line(3, 3, at(23, 11), "phone", day["王五"], "王五", "13700001111", "B",
                          lina, "李娜"),
    ]  # fmt: skip
    assert (wang_lei.consultant, wang_lei.on_report, wang_lei.in_log) == ("王磊", 3, 3)
    assert wang_lei.agrees and wang_lei.report_only == [] and wang_lei.log_only == []


def test_until_the_next_day_is_over_the_check_is_not_final(day, showroom, frozen_clock):
    # 11-24, the day before today: its next day is today, so a contact may still come.
    # A walk-in at 16:00 of 吴九 (H, 王磊): not taken up yet, listed.
    wu = register("walkin", at(24, 16), "13400004444", "吴九", "H", "王磊")
    result = reconcile.reconcile(NEXT_DAY, by=OPERATOR)
    assert not result.final
    # 序号 of 11-24: #6 周七 10:00 is 1, #7 李四 14:00 is 2, 吴九 (#8) 16:00 is 3.
    assert [(line.name, line.record.id, line.record.number) for line in result.untaken] == [
        ("吴九", 8, 3)
    ]
    # New intents of 11-24: 周七 met at his walk-in #6 (李娜), a lead since 李娜's call, with
    # no level given at the desk — on her report, not in the log; 吴九 met at #8 (王磊), in
    # both. (李四's #7 is a return: met on 11-23.)
    assert [(t.consultant, t.on_report, t.in_log) for t in result.consultants] == [
        ("李娜", 1, 0),
        ("王磊", 1, 1),
    ]
    assert [line.record.id for line in result.consultants[0].report_only] == [6]
    # 王磊 calls 吴九 this morning, before the end of 11-25: the lead is taken up.
    contact(wu, showroom["wanglei"], "call", at(25, 10))
    assert reconcile.reconcile(NEXT_DAY, by=OPERATOR).untaken == []
    # A day is final from the day after its next day on.
    assert reconcile.is_final(NEXT_DAY, today=dt.date(2026, 11, 26))
    assert not reconcile.is_final(NEXT_DAY, today=dt.date(2026, 11, 25))


def test_a_consultant_sees_only_their_own_lines(day, showroom):
    lina = reconcile.reconcile(DAY, by=as_member(showroom["lina"]))
    # 李娜: neither untaken lead is hers (both 王磊's); 周七 is; her tally alone.
    assert lina.untaken == []
    assert [line.name for line in lina.not_via_desk] == ["周七"]
    assert [(t.consultant, t.on_report, t.in_log) for t in lina.consultants] == [("李娜", 1, 1)]
    wanglei = reconcile.reconcile(DAY, by=as_member(showroom["wanglei"]))
    assert [line.name for line in wanglei.untaken] == ["李四", "王五"]
    assert wanglei.not_via_desk == []
    assert [(t.consultant, t.on_report, t.in_log) for t in wanglei.consultants] == [("王磊", 3, 3)]


def test_a_manager_and_the_operator_see_everything_the_desk_nothing(day, showroom):
    manager = reconcile.reconcile(DAY, by=as_member(showroom["chenjing"]))
    assert manager.to_json() == reconcile.reconcile(DAY, by=OPERATOR).to_json()
    admin = team.add_staff("钱工", "admin", by=OPERATOR)
    for who in (DESK, as_member(showroom["zhaomin"]), as_member(admin)):
        with pytest.raises(Forbidden, match="无权核对日报与登记表"):
            reconcile.reconcile(DAY, by=who)


# -- the command ---------------------------------------------------------------------------


@pytest.fixture
def cli_day(cli_store):
    """The same day in the command line's store."""
    store.open_store(cli_store)
    members = {
        "wanglei": team.add_staff("王磊", "consultant", by=OPERATOR),
        "lina": team.add_staff("李娜", "consultant", by=OPERATOR),
        "zhaomin": team.add_staff("赵敏", "receptionist", by=OPERATOR),
        "chenjing": team.add_staff("陈静", "manager", by=OPERATOR),
    }
    build_day(members)
    store.close_store()
    return cli_store


def test_the_command_prints_a_consultants_lines_as_text(cli_day, run_cli):
    status, out, err = run_cli("--as", "lina", "report", "reconcile", "--date", "2026-11-23")
    assert status == 0, err
    assert out.splitlines() == [
        "日报与登记表对账 · 2026-11-23 星期一",
        "",
        "登记未跟进：留了电话和级别，接待顾问当天和次日没有接触（0）",
        "无",
        "",
        "未经前台的意向：顾问接触建立的意向客户，此前没有来店(电)登记（1）",
        "记录                客户  电话           级别  顾问",
        "接触 #6 14:00 电话  周七  135 0000 3333  C     李娜",
        "",
        "新增意向核对：各顾问日报与登记表",
        "顾问  日报新增意向  登记表新增意向  核对",
        "李娜  1             1               不符",
        "",
        "不符的记录（2）",
        "顾问  差异        记录                       客户  电话           级别",
        "李娜  仅日报有    接触 #5 17:00 拜访         赵六  136 0000 2222  A",
        "李娜  仅登记表有  登记 #3 序号 3 11:00 来电  王五  137 0000 1111  B",
    ]


def test_the_command_says_a_day_is_not_final_in_english(cli_day, run_cli):
    status, out, err = run_cli("--lang", "en", "report", "reconcile", "--date", "2026-11-24")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[1] == (
        "Not final yet: the next day, 2026-11-25, is not over, and a consultant's contact "
        "before its end still counts"
    )
    assert "李娜        1               0           differs" in lines
    assert "李娜        on the reports only  registration #6 no. 1 10:00 Walk-in  周七" in out


def json_line(record, customer, name, phone, level, consultant) -> dict:
    return {**record, "customer": {"id": customer, "name": name, "phone": phone},
            "level": level, "consultant": consultant}  # fmt: skip


def test_the_command_prints_json_for_a_manager(cli_day, run_cli):
    status, out, err = run_cli("--as", "chenjing", "report", "reconcile", "--date", "2026-11-23",
                               "--json")  # fmt: skip
    assert status == 0, err
    line = json_line
    assert json.loads(out) == {
        "date": "2026-11-23",
        "final": True,
        "untaken": [
            line({"registration": {"id": 2, "at": "2026-11-23 10:15:00", "method": "walkin",
                                   "number": 2}}, 2, "李四", "13912345678", "A", "王磊"),
            line({"registration": {"id": 4, "at": "2026-11-23 15:00:00", "method": "walkin",
                                   "number": 5}}, 3, "王五", "13700001111", "B", "王磊"),
        ],
        "not_via_desk": [
            line({"contact": {"id": 6, "at": "2026-11-23 14:00:00", "method": "call"}},
                 5, "周七", "13500003333", "C", "李娜"),
        ],
        "consultants": [
            {"consultant": "李娜", "on_report": 1, "in_log": 1,
             "report_only": [
                 line({"contact": {"id": 5, "at": "2026-11-23 17:00:00", "method": "visit"}},
                      4, "赵六", "13600002222", "A", "李娜")],
             "log_only": [
                 line({"registration": {"id": 3, "at": "2026-11-23 11:00:00", "method": "phone",
                                        "number": 3}}, 3, "王五", "13700001111", "B", "李娜")]},
            {"consultant": "王磊", "on_report": 3, "in_log": 3, "report_only": [],
             "log_only": []},
        ],
    }  # fmt: skip


def test_the_command_refuses_the_desk(cli_day, run_cli):
    status, out, err = run_cli("--as", "zhaomin", "report", "reconcile", "--date", "2026-11-23")
    assert (status, out) == (1, "")
    assert err.strip() == "前台接待无权核对日报与登记表"

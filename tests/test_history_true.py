"""The numbers a manager signs: a month's contact table as it was, intervals that apply
forward only, the latest agreement, orders, phone leads and returning defeated customers.

Every expectation is worked out by hand in the comments (seed intervals: O 7, H 2, A 3,
B 7, C 14 days), never computed by the code under test.
"""

from __future__ import annotations

import datetime as dt

import pytest

from frontdesk.desk import registration
from frontdesk.followup import contact_export, contact_table, contacts, due
from frontdesk.people.actor import OPERATOR
from frontdesk.stats import statistics
from frontdesk.store import settings
from frontdesk.store.models import Customer, IntentCycle

D = dt.date


def at(day: int, hour: int = 10, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0)


def walkin(phone: str, name: str = "", level: str = "", when=None, **more) -> Customer:
    data = registration.RegistrationInput(
        kind="walkin", time_in=when, phone=phone, name=name, level=level, **more
    )
    return Customer.get_by_id(registration.register(data, by=OPERATOR).customer_id)


def call(phone: str, name: str = "", level: str = "", when=None) -> Customer:
    data = registration.RegistrationInput(
        kind="phone", time_in=when, phone=phone, name=name, level=level
    )
    return Customer.get_by_id(registration.register(data, by=OPERATOR).customer_id)


def contact(customer: Customer, **fields):
    return contacts.record_contact(customer.id, contacts.ContactInput(**fields), by=OPERATOR)


def table(month: dt.date) -> contact_table.TableFilter:
    return contact_table.current_filter(OPERATOR).with_(month=month)


def export_lines(tmp_path, month: dt.date, name: str) -> list[str]:
    path = tmp_path / name
    contact_export.export_month(path, table(month))
    return path.read_text(encoding="utf-8-sig").splitlines()


@pytest.fixture
def november(db, showroom, frozen_clock):
    """Four customers of November, the clock on 11-30 18:00:

    - 张三 walked in 11-03 (H), called 11-27 (H): due 11-29;
    - 李四 walked in 11-10 (B): due 11-17, missed;
    - 王五 walked in 11-20 (C): due 12-04;
    - 赵六 called 11-24 and was given A on the phone: a phone lead, due 11-27.
    """
    frozen_clock.move_to(at(30, 18))
    people = {
        "zhang": walkin("13812345678", "张三", "H", at(3)),
        "li": walkin("13912345678", "李四", "B", at(10)),
        "wang": walkin("13700001111", "王五", "C", at(20)),
        "zhao": call("13600002222", "赵六", "A", at(24)),
    }
    contact(people["zhang"], method="call", at="2026-11-27 10:00", level="H")
    return people


def test_a_finished_months_table_never_changes_when_december_closes_and_reorders(
    november, frozen_clock, tmp_path
):
    before = export_lines(tmp_path, D(2026, 11, 1), "before.csv")
    f = table(D(2026, 11, 1))
    rows = contact_table.page(f)
    # In the order they entered: 张三 (3rd), 李四 (10th), 王五 (20th), 赵六 (24th).
    assert [(r.name, r.level, r.is_lead) for r in rows] == [
        ("张三", "H", False),
        ("李四", "B", False),
        ("王五", "C", False),
        ("赵六", "A", True),
    ]
    totals = contact_table.totals(f)
    # Three met face to face in November (本月新生 3), one phone lead, none carried over.
    assert (totals.carried, totals.new, totals.leads) == (0, 3, 1)
    assert totals.by_level == {"H": 1, "B": 1, "C": 1, "A": 1} and totals.closed == {}

    frozen_clock.move_to(at(1, 10, month=12))
    zhang, li, zhao = november["zhang"], november["li"], november["zhao"]
    contacts.close_customer(zhang.id, "deal", by=OPERATOR)
    contacts.close_customer(li.id, "defeat", reason="价格", competitor="本田雅阁", by=OPERATOR)
    contacts.close_customer(zhao.id, "lost", reason="电话停机", by=OPERATOR)
    settings.change("follow_up_days.C", "7", by=OPERATOR)
    contact(november["wang"], method="call", at="2026-12-01 09:00", level="B")

    after = export_lines(tmp_path, D(2026, 11, 1), "after.csv")
    assert after == before  # the November export, line by line

    # December: the four were open on its first day; three of them closed on it.
    december = contact_table.totals(table(D(2026, 12, 1)))
    assert (december.carried, december.new, december.leads) == (3, 0, 1)
    assert december.carried_closed == {"deal": 1, "defeat": 1}  # 张三, 李四 (赵六 a lead)
    assert december.closed == {"deal": 1, "defeat": 1, "lost": 1}
    assert december.by_level == {"B": 1}  # 王五, B since this morning's call
    rows = contact_table.with_marks(
        contact_table.page(table(D(2026, 12, 1))), table(D(2026, 12, 1))
    )
    assert [(g.row.name, g.marks.get(1)) for g in rows] == [
        ("张三", contact_table.Mark("closed", "deal")),
        ("李四", contact_table.Mark("closed", "defeat")),
        ("王五", contact_table.Mark("contact", "B")),
        ("赵六", contact_table.Mark("closed", "lost")),
    ]


def test_a_past_months_rows_show_the_level_and_due_date_of_its_end(november, frozen_clock):
    frozen_clock.move_to(at(2, 10, month=12))
    contact(november["zhang"], method="visit", at="2026-12-02 09:00", level="A")
    f = table(D(2026, 11, 1))
    zhang = contact_table.with_marks(contact_table.page(f), f)[0]
    # At November's end 张三 was H, last contacted 11-27, due 11-29 (27 + 2): not today's A.
    assert (zhang.row.level, zhang.row.last_contact, zhang.row.next_due) == (
        "H",
        D(2026, 11, 27),
        D(2026, 11, 29),
    )
    assert zhang.marks[27] == contact_table.Mark("contact", "H")
    assert zhang.marks[29] == contact_table.Mark("missed")  # due on the 29th, nobody came
    assert zhang.marks[5] == contact_table.Mark("missed")  # 3 + 2: missed too


def test_a_new_interval_applies_forward_only(db, showroom, frozen_clock, tmp_path):
    frozen_clock.move_to(at(26, 12))
    zhang = walkin("13812345678", "张三", "H", at(26))  # H every 2 days: due 11-28
    frozen_clock.move_to(at(1, 9, month=12))
    before = export_lines(tmp_path, D(2026, 11, 1), "before.csv")
    settings.change("follow_up_days.H", "3", by=OPERATOR)
    # From the change on: 11-26 + 3 = 11-29, two days overdue on 12-01.
    assert Customer.get_by_id(zhang.id).next_due == D(2026, 11, 29)
    # The morning of 11-28, H was every 2 days: due that day, 0 days overdue.
    (due_then,) = contact_table.followups(OPERATOR, D(2026, 11, 28))
    assert (due_then.name, due_then.next_due, due_then.overdue_days) == ("张三", D(2026, 11, 28), 0)
    (next_day,) = contact_table.followups(OPERATOR, D(2026, 11, 29))
    assert (next_day.next_due, next_day.overdue_days) == (D(2026, 11, 28), 1)
    assert contact_table.followups(OPERATOR, D(2026, 11, 27)) == []  # not due yet then
    f = table(D(2026, 11, 1))
    marks = contact_table.with_marks(contact_table.page(f), f)[0].marks
    assert marks.get(28) == contact_table.Mark("missed") and 29 not in marks
    assert export_lines(tmp_path, D(2026, 11, 1), "after.csv") == before
    # Back to the seed's 2 days: the change is kept too, and today follows it.
    settings.change("follow_up_days.H", None, by=OPERATOR)
    assert Customer.get_by_id(zhang.id).next_due == D(2026, 11, 28)


def test_the_latest_agreement_in_time_wins_whatever_the_order_of_typing(db, showroom, frozen_clock):
    frozen_clock.move_to(at(1, 11, month=12))
    zhang = walkin("13812345678", "张三", "B", at(20))  # B: due 11-27
    walkin("13812345678", when=at(1, 10, month=12))  # back 12-01, no level: 12-01 + 7 = 12-08
    assert Customer.get_by_id(zhang.id).next_due == D(2026, 12, 8)
    # Typed after the walk-in: a call of 11-30 12:00 that agreed 12-02. It lies after the
    # last contact (12-01), so it holds.
    contact(zhang, method="call", at="2026-11-30 12:00", next_date="2026-12-02")
    assert Customer.get_by_id(zhang.id).next_due == D(2026, 12, 2)
    plan = contact_table.plan_now(zhang.id)
    assert plan is not None
    assert (plan.due, plan.rule, plan.agreed_at) == (D(2026, 12, 2), due.AGREED, at(30, 12))
    # A later contact agreeing nothing, after the agreed day: the cadence again (12-03 + 7).
    frozen_clock.move_to(at(3, 18, month=12))
    contact(zhang, method="call", at="2026-12-03 17:00")
    assert Customer.get_by_id(zhang.id).next_due == D(2026, 12, 10)
    plan = contact_table.plan_now(zhang.id)
    assert plan is not None and (plan.rule, plan.level, plan.days) == (due.CADENCE, "B", 7)


def test_the_contact_command_says_which_rule_set_the_date(run_cli, frozen_clock):
    frozen_clock.move_to(at(1, 11, month=12))
    assert run_cli("staff", "add", "王磊", "--role", "consultant")[0] == 0
    walk = ("register", "--kind", "walkin", "--phone", "13812345678", "--name", "张三")
    assert run_cli(*walk, "--at", "2026-11-20 10:00", "--level", "B")[0] == 0
    assert run_cli(*walk, "--at", "2026-12-01 10:00")[0] == 0
    status, out, err = run_cli(
        "contact", "--phone", "13812345678", "--at", "2026-11-30 12:00",
        "--method", "call", "--next", "2026-12-02",
    )  # fmt: skip
    assert status == 0, err
    assert "下次跟进 2026-12-02（约定于 2026-11-30 12:00）" in out
    status, out, err = run_cli(
        "contact", "--phone", "13812345678", "--at", "2026-12-01 10:30", "--method", "visit",
        "--level", "A",
    )  # fmt: skip
    # A at 12-01 10:30, after the agreement was kept? No: 12-02 lies after the last contact
    # (12-01), so the agreement still holds.
    assert "下次跟进 2026-12-02（约定于 2026-11-30 12:00）" in out, err
    status, out, err = run_cli(
        "contact", "--phone", "13812345678", "--at", "2026-12-01 10:40", "--method", "call",
        "--next", "2026-12-01",
    )  # fmt: skip
    # The latest agreement is for today, and nothing came after it: it holds.
    assert "下次跟进 2026-12-01（约定于 2026-12-01 10:40）" in out, err


def test_close_takes_at_and_refuses_a_moment_before_the_last_contact(run_cli, frozen_clock):
    frozen_clock.move_to(at(1, 11, month=12))
    assert run_cli("staff", "add", "王磊", "--role", "consultant")[0] == 0
    walk = ("register", "--kind", "walkin", "--phone", "13812345678", "--name", "张三")
    assert run_cli(*walk, "--at", "2026-11-20 10:00", "--level", "B")[0] == 0
    status, _, err = run_cli(
        "close", "--phone", "13812345678", "lost", "--reason", "停机", "--at", "2026-11-19 09:00"
    )
    assert status != 0 and "不能早于最后一次接触或来店（2026-11-20 10:00）" in err
    status, _, err = run_cli(
        "close", "--phone", "13812345678", "lost", "--reason", "停机", "--at", "2026-11-28 09:00"
    )
    assert status == 0, err
    assert IntentCycle.get().closed_at == dt.datetime(2026, 11, 28, 9, 0)


def test_an_order_makes_the_customer_o_and_counts_as_a_new_o(db, showroom, frozen_clock):
    # A walk-in judged H who ordered (订车): O, followed up weekly (11-25 + 7 = 12-02).
    zhang = walkin("13812345678", "张三", "H", at(25, 9), ordered=True)
    zhang = Customer.get_by_id(zhang.id)
    assert (zhang.level, zhang.next_due) == ("O", D(2026, 12, 2))
    walkin("13912345678", "李四", "", at(25, 10), ordered=True)  # ordered, level left blank
    figures = statistics.daily_statistics(D(2026, 11, 25)).to_json()
    assert figures["new_intent"] == {"O": 2, "H": 0, "A": 0, "B": 0, "C": 0}
    assert figures["walkin"]["orders"] == 2


def test_a_level_given_on_the_phone_makes_a_lead_until_met(db, showroom, frozen_clock):
    # 11-20: 张三 calls, given A: a phone lead (来电意向), not yet a new intent customer.
    zhang = call("13812345678", "张三", "A", at(20))
    # 11-21: 李四 calls, B; a consultant visits them 11-23 (拜访): met, a new intent B.
    li = call("13912345678", "李四", "B", at(21))
    contact(li, method="visit", at="2026-11-23 15:00", level="B")
    # 11-24: 张三 walks in: met, a new intent customer that day, still A.
    walkin("13812345678", when=at(24))
    days = {day: statistics.daily_statistics(D(2026, 11, day)).to_json() for day in range(20, 25)}
    assert days[20]["phone"]["new_leads"]["A"] == 1 and days[20]["new_intent"]["A"] == 0
    assert days[21]["phone"]["new_leads"]["B"] == 1 and days[21]["new_intent"]["B"] == 0
    assert days[23]["new_intent"]["B"] == 1
    assert days[23]["new_intent_by_origin"] == {"walkin": 0, "visit": 1}
    assert days[24]["new_intent"]["A"] == 1
    assert days[24]["new_intent_by_origin"] == {"walkin": 1, "visit": 0}
    month = statistics.month_sheet(2026, 11).to_json()["total"]
    assert month["new_intent"]["A"] + month["new_intent"]["B"] == 2
    assert month["phone"]["new_leads"] == {"O": 0, "H": 0, "A": 1, "B": 1, "C": 0}
    # On the 22nd both were leads in the table; by the 25th neither is.
    rows = contact_table.page(table(D(2026, 11, 1)))
    assert [(r.name, r.is_lead) for r in rows] == [("张三", False), ("李四", False)]
    assert contact_table.totals(table(D(2026, 11, 1))).leads == 0
    assert contact_table.totals(table(D(2026, 11, 1))).new == 2
    assert zhang.id != li.id


def test_a_defeated_customer_who_comes_back_is_new_again(db, showroom, frozen_clock):
    zhang = walkin("13812345678", "张三", "H", at(5))
    contacts.close_customer(
        zhang.id, "defeat", reason="价格", competitor="本田雅阁", by=OPERATOR, at=at(10)
    )
    walkin("13812345678", level="B", when=at(20))  # back on the 20th: a new cycle
    zhang = Customer.get_by_id(zhang.id)
    assert (zhang.level, zhang.closed_as, zhang.customer_class) == ("B", None, "intent")
    # New intent on the 5th (H) and again on the 20th (B).
    assert statistics.daily_statistics(D(2026, 11, 5)).new_intent["H"] == 1
    assert statistics.daily_statistics(D(2026, 11, 20)).new_intent["B"] == 1
    spells = list(IntentCycle.select().order_by(IntentCycle.opened_at))
    assert [(c.opened_at, c.closed_as) for c in spells] == [(at(5), "defeat"), (at(20), None)]


def test_the_number_follows_the_day_a_customer_entered_and_a_filter_keeps_it(
    db, showroom, frozen_clock
):
    walkin("13812345678", "张三", "C", at(2))  # 1
    walkin("13912345678", "李四", "H", at(4))  # 2
    walkin("13700001111", "王五", "B", at(6))  # 3
    walkin("13600002222", "赵六", "H", at(8))  # 4
    f = table(D(2026, 11, 1))
    assert [r.name for r in contact_table.page(f)] == ["张三", "李四", "王五", "赵六"]
    hot = contact_table.page(f.with_(level="H"))
    assert [(r.name, r.number) for r in hot] == [("李四", 2), ("赵六", 4)]
    assert [(r.name, r.number) for r in contact_table.rows_from(f.with_(level="H"), 1)] == [
        ("赵六", 4)
    ]


def test_f6_marks_a_phone_lead_and_shows_a_close_where_the_due_date_was(db, showroom, frozen_clock):
    from screens.followup.contact_grid import row_cells

    call("13812345678", "张三", "A", at(20))  # a phone lead
    li = walkin("13912345678", "李四", "B", at(21))
    contacts.close_customer(li.id, "lost", reason="停机", by=OPERATOR, at=at(24))
    lead, closed = contact_table.page(table(D(2026, 11, 1)))
    assert row_cells(lead, 1)["name"] == "电·张三" and row_cells(lead, 1)["due"] == "11-23"
    assert row_cells(closed, 2)["name"] == "李四" and row_cells(closed, 2)["due"] == "失控"

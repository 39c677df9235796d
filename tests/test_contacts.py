"""Follow-up discipline: due dates, contacts, level changes, closing, the contact table's
queries (paging, search, totals, month marks), the CLI and the export.

The clock stands at Wednesday 2026-11-25 10:30 (conftest.FROZEN_NOW).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3

import pytest
from playhouse.migrations import Runner

from frontdesk import cli, rules, store
from frontdesk.desk import registration
from frontdesk.errors import NotFound, ValidationError
from frontdesk.followup import contact_export, contact_table, contacts, customer_card, cycles, due
from frontdesk.followup.contact_table import Event, Mark
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.store import settings
from frontdesk.store.models import AuditEntry, Contact, Customer, LevelChange
from tests.actors import as_member
from tests.conftest import FROZEN_NOW

pytestmark = pytest.mark.both_engines  # the store's tests, on SQLite and on PostgreSQL

TODAY = FROZEN_NOW.date()
D = dt.date


def walkin(phone: str, name: str = "", level: str = "", at: dt.datetime | None = None, **more):
    """Register a walk-in (the form's service); returns the customer on file."""
    data = registration.RegistrationInput(
        kind="walkin", time_in=at or FROZEN_NOW, phone=phone, name=name, level=level, **more
    )
    saved = registration.register(data, by=DESK)
    return Customer.get_by_id(saved.customer_id)


def on(day: int, month: int = 11, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0)


def fresh(customer: Customer) -> Customer:
    return Customer.get_by_id(customer.id)


def contact(customer: Customer, **fields) -> Contact:
    return contacts.record_contact(customer.id, contacts.ContactInput(**fields), by=OPERATOR)


# ---------------------------------------------------------------- due dates


@pytest.mark.parametrize(
    ("level", "due"),
    [("H", D(2026, 11, 22)), ("A", D(2026, 11, 23)), ("B", D(2026, 11, 27)),
     ("C", D(2026, 12, 4)), ("O", D(2026, 11, 27))],
)  # fmt: skip
def test_next_due_is_the_last_contact_plus_the_level_interval(showroom, level, due):
    customer = walkin("13812345678", "张三", level, at=on(20))
    customer = fresh(customer)
    assert customer.last_contact == D(2026, 11, 20)
    assert customer.next_due == due


def test_a_customer_without_a_level_is_not_due(showroom):
    customer = fresh(walkin("13812345678", "张三", at=on(20)))
    assert customer.last_contact == D(2026, 11, 20)
    assert customer.next_due is None


def test_registrations_move_last_contact_and_next_due(showroom):
    customer = walkin("13812345678", "张三", "H", at=on(18))
    assert fresh(customer).next_due == D(2026, 11, 20)
    walkin("138 1234 5678", at=on(24))  # returning, level unchanged
    assert (fresh(customer).last_contact, fresh(customer).next_due) == (
        D(2026, 11, 24),
        D(2026, 11, 26),
    )
    walkin("13812345678", level="C", at=on(25, hour=9))  # level lowered at the desk
    assert fresh(customer).next_due == D(2026, 12, 9)


def test_correcting_a_registration_recomputes_both_customers(showroom):
    first = walkin("13812345678", "张三", "A", at=on(20))
    other = walkin("13912345678", "李四", "H", at=on(10))
    later = registration.register(
        registration.RegistrationInput(kind="walkin", time_in=on(24), phone="13912345678"), by=DESK
    )
    assert fresh(other).last_contact == D(2026, 11, 24)
    data = registration.to_input(later)
    data.phone = "13812345678"  # it was 张三 who came, not 李四
    registration.update(later.id, data, later.version, by=DESK)
    assert fresh(first).last_contact == D(2026, 11, 24)
    assert fresh(first).next_due == D(2026, 11, 27)
    assert fresh(other).last_contact == D(2026, 11, 10)
    assert fresh(other).next_due == D(2026, 11, 12)


def test_an_agreed_date_overrides_the_cadence_until_the_next_registration(showroom):
    customer = walkin("13812345678", "张三", "H", at=on(20))
    contact(customer, method="call", at=on(23), next_date="2026-12-10")
    assert fresh(customer).next_due == D(2026, 12, 10)
    contact(customer, method="message", at=on(24), next_date="12-01")  # MM-DD
    assert fresh(customer).next_due == D(2026, 12, 1)
    contact(customer, method="call", at=on(24, hour=11), next_date="+3")
    assert fresh(customer).next_due == D(2026, 11, 27)
    walkin("13812345678", at=on(25, hour=9))  # walked in: the cadence takes over again
    assert fresh(customer).next_due == D(2026, 11, 27)  # 25 + 2 (H)
    contact(customer, method="call", at=on(25, hour=10))
    assert fresh(customer).next_due == D(2026, 11, 27)


def test_overdue_days_count_by_the_store_day():
    assert contacts.overdue_days(D(2026, 11, 22), TODAY) == 3
    assert contacts.overdue_days(TODAY, TODAY) == 0
    assert contacts.overdue_days(D(2026, 11, 30), TODAY) == 0
    assert contacts.overdue_days(None, TODAY) == 0


def test_follow_up_intervals_are_store_settings(showroom):
    customer = walkin("13812345678", "张三", "H", at=on(20))
    settings.put(settings.FOLLOW_UP_DAYS + "H", "1")
    assert settings.follow_up_days()["H"] == 1 and settings.follow_up_days()["C"] == 14
    contacts.recompute_follow_up()
    assert fresh(customer).next_due == D(2026, 11, 21)


def test_changing_an_interval_moves_every_due_date_at_once(showroom):
    from frontdesk.errors import Forbidden
    from frontdesk.people import team

    customer = walkin("13812345678", "张三", "H", at=on(20))
    assert fresh(customer).next_due == D(2026, 11, 22)  # H: every 2 days
    admin = team.add_staff("周杰", "admin", by=OPERATOR)
    assert settings.change("follow_up_days.H", " 5 ", by=as_member(admin)) == "5"
    assert fresh(customer).next_due == D(2026, 11, 25)  # the same transaction moved it
    assert dict((e.key, v) for e, v in settings.known())["follow_up_days.H"] == "5"
    assert (
        settings.change("follow_up_days.H", None, by=as_member(admin)) == "2"
    )  # back to the default
    assert fresh(customer).next_due == D(2026, 11, 22)
    entries = AuditEntry.select().where(AuditEntry.action == "setting").count()
    assert entries == 2
    with pytest.raises(Forbidden):
        settings.change(
            "follow_up_days.H", "5", by=as_member(showroom["chenjing"])
        )  # a manager may not


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("follow_up_days.H", "0", "不能小于 1"),
        ("follow_up_days.H", "2.5", "必须是整数"),
        ("ssh.idle_timeout_minutes", "nan", "不能小于 0"),
        ("ssh.backoff_seconds", "-1", "不能小于 0"),
        ("ssh.max_sessions", "１０x", "必须是整数"),
        ("store_name", "  ", "必填"),
        ("store_name", "店" * 41, "最多 40 个字"),
        ("stats.rate_base", "首次", "须为 first 或 all"),
    ],
)
def test_a_bad_setting_is_refused_and_nothing_changes(showroom, key, value, message):
    before = [(entry.key, stored) for entry, stored in settings.known()]
    with pytest.raises(ValidationError) as refused:
        settings.change(key, value, by=OPERATOR)
    assert message in refused.value.errors[key]
    assert [(entry.key, stored) for entry, stored in settings.known()] == before
    with pytest.raises(ValidationError):
        settings.change("welcomed", "0", by=OPERATOR)  # the program's own: not an admin's to change


@pytest.mark.sqlite_only
def test_recomputing_everything_gives_what_the_services_kept(showroom):
    a = walkin("13812345678", "张三", "H", at=on(2))
    b = walkin("13912345678", "李四", "C", at=on(5))
    walkin("13700001111", "王五", at=on(6))
    contact(a, method="visit", at=on(9), level="A", next_date="2026-11-30")
    contact(b, method="call", at=on(21))
    contacts.close_customer(a.id, "lost", reason="电话停机", by=OPERATOR)
    kept = sorted(Customer.select(Customer.id, Customer.last_contact, Customer.next_due).tuples())
    Customer.update(last_contact=None, next_due=None).execute()
    contacts.recompute_follow_up()
    again = sorted(Customer.select(Customer.id, Customer.last_contact, Customer.next_due).tuples())
    assert again == kept
    raw = sqlite3.connect(store.database.database)  # the generator's way: a plain connection
    try:
        raw.execute("UPDATE customer SET next_due = NULL")
        contacts.recompute_follow_up(raw)
        raw.commit()
    finally:
        raw.close()
    assert (
        sorted(Customer.select(Customer.id, Customer.last_contact, Customer.next_due).tuples())
        == kept
    )


# ---------------------------------------------------------------- contacts and levels


def test_a_level_change_through_a_contact_is_recorded_with_it(showroom):
    customer = walkin("13812345678", "张三", "B", at=on(20))
    saved = contacts.record_contact(
        customer.id,
        contacts.ContactInput(
            method="call", at="2026-11-25 09:15", account="约周六试驾", level="a"
        ),
        by=as_member(showroom["chenjing"]),
    )
    change = LevelChange.get(LevelChange.contact == saved.id)
    assert (change.from_level, change.to_level, change.at) == (
        "B",
        "A",
        on(25, hour=9) + dt.timedelta(minutes=15),
    )
    assert change.staff.name == "陈静"  # who made the contact: the manager signed in
    assert (saved.method, saved.account, saved.level_after) == ("call", "约周六试驾", "A")
    customer = fresh(customer)
    assert (customer.level, customer.next_due) == ("A", D(2026, 11, 28))
    entry = AuditEntry.get(AuditEntry.entity == "contact")
    assert entry.entity_id == saved.id and entry.staff.name == "陈静"
    assert json.loads(entry.detail)["from_level"] == "B"


def test_a_contact_at_the_same_level_writes_no_level_change(showroom):
    customer = walkin("13812345678", "张三", "H", at=on(20))
    before = LevelChange.select().count()
    contact(customer, method="visit", account="送资料", staff="李娜")
    assert LevelChange.select().count() == before
    saved = Contact.get()
    assert (saved.staff.name, saved.level_after, saved.at) == ("李娜", "H", FROZEN_NOW)


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"method": "fax"}, "method"),
        ({"method": "call", "at": "2026-11-26 10:00"}, "at"),
        ({"method": "call", "at": "25:99"}, "at"),
        ({"method": "call", "at": "1999-12-31 10:00"}, "at"),
        ({"method": "call", "at": "0001-01-01 10:00"}, "at"),
        ({"method": "call", "level": "Z"}, "level"),
        ({"method": "call", "next_date": "soon"}, "next"),
        ({"method": "call", "at": "2026-11-24 10:00", "next_date": "2026-11-23"}, "next"),
        ({"method": "call", "next_date": "9999-12-31"}, "next"),
        ({"method": "call", "next_date": "+367"}, "next"),
        ({"method": "call", "account": "很长" * 300}, "account"),
        ({"method": "call", "staff": "没这人"}, "staff"),
    ],
)
def test_a_bad_contact_is_refused_whole(showroom, fields, bad):
    customer = walkin("13812345678", "张三", "H", at=on(20))
    with pytest.raises(ValidationError) as refused:
        contact(customer, **fields)
    assert bad in refused.value.errors
    assert Contact.select().count() == 0
    assert fresh(customer).next_due == D(2026, 11, 22)


@pytest.mark.parametrize(
    ("typed", "agreed"),
    [("2027-11-25", D(2027, 11, 25)), ("+366", D(2027, 11, 25)), ("2026-11-24", D(2026, 11, 24))],
)
def test_an_agreed_date_lies_within_a_year_of_the_contact(showroom, typed, agreed):
    customer = walkin("13812345678", "张三", "H", at=on(20))
    contact(customer, method="call", at="2026-11-24 10:00", next_date=typed)
    assert Contact.get().next_date == agreed
    assert fresh(customer).next_due == agreed


def test_an_agreed_date_more_than_a_year_on_says_the_last_day(showroom):
    customer = walkin("13812345678", "张三", "H", at=on(20))
    with pytest.raises(ValidationError) as refused:
        contact(customer, method="call", at="2026-11-24 10:00", next_date="2027-11-26")
    assert refused.value.errors == {"next": "约定日期须在接触后一年内（最晚 2027-11-25）"}
    assert Contact.select().count() == 0


def test_a_base_customer_needs_a_level_to_be_contacted(showroom):
    customer = walkin("13812345678", "张三", at=on(20))
    with pytest.raises(ValidationError) as refused:
        contact(customer, method="call")
    assert "level" in refused.value.errors
    contact(customer, method="call", level="C")
    customer = fresh(customer)
    assert (customer.level, customer.customer_class, customer.next_due) == (
        "C",
        "intent",
        D(2026, 12, 9),
    )


def test_a_contact_with_an_unknown_customer_is_refused(showroom):
    with pytest.raises(NotFound):
        contacts.record_contact(999, contacts.ContactInput(method="call"), by=OPERATOR)
    with pytest.raises(NotFound):
        contacts.find_customer("13800000000")
    with pytest.raises(ValidationError):
        contacts.find_customer("12")


# ---------------------------------------------------------------- closing


def test_a_deal_makes_an_own_sold_owner_and_stays_in_the_month_marked_closed(showroom):
    customer = walkin("13812345678", "张三", "O", at=on(20))
    contacts.close_customer(customer.id, "deal", by=as_member(showroom["chenjing"]))
    customer = fresh(customer)
    assert (customer.customer_class, customer.level, customer.next_due) == ("own_sold", None, None)
    assert (customer.closed_as, customer.closed_at) == ("deal", FROZEN_NOW)
    change = LevelChange.select().order_by(LevelChange.id.desc()).first()
    assert (change.from_level, change.to_level, change.staff.name) == ("O", None, "陈静")
    # November's table keeps the row, marked on the 25th with the deal; nothing is open.
    f = contact_table.current_filter(OPERATOR)
    (row,) = contact_table.with_marks(contact_table.page(f), f)
    assert (row.row.level, row.row.closed_as, row.row.next_due) == ("O", "deal", None)
    assert row.marks[25] == Mark("closed", "deal") and row.marks[20] == Mark("contact", "O")
    totals = contact_table.totals(f)
    assert (totals.by_level, totals.closed, totals.total) == ({}, {"deal": 1}, 1)
    # December's has no row: the cycle ended before it.
    assert contact_table.count(f.with_(month=D(2026, 12, 1))) == 0


@pytest.mark.parametrize(
    ("outcome", "reason", "competitor", "missing"),
    [
        ("defeat", "", "本田雅阁", "reason"),
        ("defeat", "价格", "", "competitor"),
        ("lost", "", "", "reason"),
        ("won", "", "", "outcome"),
    ],
)
def test_defeat_and_lost_need_their_reasons(showroom, outcome, reason, competitor, missing):
    customer = walkin("13812345678", "张三", "H", at=on(20))
    with pytest.raises(ValidationError) as refused:
        contacts.close_customer(
            customer.id, outcome, reason=reason, competitor=competitor, by=OPERATOR
        )
    assert missing in refused.value.errors
    assert fresh(customer).level == "H"


def test_closed_customers_keep_their_whole_history_and_can_come_back(showroom):
    customer = walkin("13812345678", "张三", "H", at=on(18))
    contact(customer, method="call", at=on(20), account="嫌贵", level="B")
    closed = contacts.close_customer(
        customer.id,
        "defeat",
        reason="雅阁优惠大",
        competitor="本田雅阁",
        by=OPERATOR,
        at=on(24, hour=18),
    )
    assert (closed.customer_class, closed.competitor, closed.close_reason) == (
        "defeated",
        "本田雅阁",
        "雅阁优惠大",
    )
    with pytest.raises(ValidationError):  # already closed
        contacts.close_customer(customer.id, "lost", reason="x", by=OPERATOR)
    card = customer_card.customer_card(customer.id, by=OPERATOR)
    kinds = [(entry.kind, entry.level) for entry in card.entries]
    assert kinds == [("close", None), ("level", "B"), ("contact", "B"), ("level", "H"),
                     ("registration", "H")]  # fmt: skip
    assert card.entries[1].via == "contact" and card.entries[0].outcome == "defeat"
    f = contact_table.current_filter(OPERATOR)
    assert contact_table.totals(f).closed == {"defeat": 1} and contact_table.count(f) == 1
    walkin("13812345678", level="A", at=on(25, hour=9))  # back, interested again
    customer = fresh(customer)
    assert (customer.level, customer.customer_class, customer.next_due) == (
        "A",
        "intent",
        D(2026, 11, 28),
    )
    assert (customer.closed_as, customer.closed_at) == (None, None)
    # A new cycle: November has the defeated one (met 18th) and the new one (met 25th), both
    # new intent customers of the month; the defeat stays on the first row.
    rows = contact_table.page(f)
    assert [(r.level, r.closed_as, r.opened_at) for r in rows] == [
        ("B", "defeat", on(18)),
        ("A", None, on(25, hour=9)),
    ]
    totals = contact_table.totals(f)
    assert (totals.by_level, totals.closed, totals.new, totals.carried) == (
        {"A": 1},
        {"defeat": 1},
        2,
        0,
    )


def test_reassign_gives_the_customer_to_another_consultant(showroom):
    customer = walkin("13812345678", "张三", "H", at=on(20))
    assert fresh(customer).consultant.name == "王磊"
    contacts.reassign(customer.id, "lina", by=as_member(showroom["chenjing"]))
    assert fresh(customer).consultant.name == "李娜"
    with pytest.raises(ValidationError):
        contacts.reassign(customer.id, "赵敏", by=OPERATOR)  # a receptionist owns no customers
    assert AuditEntry.select().where(AuditEntry.action == "reassign").count() == 1


# ---------------------------------------------------------------- the table's queries


def insert_customers(count: int) -> list[int]:
    """Open intent customers straight into the table (many share a due date)."""
    rows = [
        {
            "name": f"客户{n}",
            "phone": f"139{n:08d}",
            "initials": "kh",
            "level": "HABCO"[n % 5],
            "customer_class": "intent",
            "next_due": D(2026, 11, 1) + dt.timedelta(days=n % 9),
            "last_contact": D(2026, 10, 30),
            "first_contact": D(2026, 10, 1),
        }
        for n in range(count)
    ]
    Customer.insert_many(rows).execute()
    return [c.id for c in Customer.select(Customer.id)]


def test_keyset_paging_returns_every_customer_once_in_table_order(db):
    insert_customers(150)
    cycles.rebuild()  # written straight into the table: open since their first contact
    f = contact_table.current_filter(OPERATOR)
    expected = list(range(1, 151))  # all entered on 10-01: in the order they were filed
    seen, after = [], None
    while True:
        rows = contact_table.page(f, after, 7)
        seen += [row.id for row in rows]
        if len(rows) < 7:
            break
        after = rows[-1].key
    assert seen == expected and len(set(seen)) == 150
    assert [r.id for r in contact_table.rows_from(f, 63, 20)] == expected[63:83]
    assert [r.id for r in contact_table.rows_from(f, 145, 20)] == expected[145:]
    assert contact_table.rows_from(f, 150, 20) == []
    assert [r.id for r in contact_table.all_rows(f, batch=11)] == expected
    assert contact_table.count(f) == 150


def test_filters_by_consultant_level_and_due(showroom):
    a = walkin("13812345678", "张三", "H", at=on(20))  # due 22: overdue
    walkin("13912345678", "李四", "A", at=on(22), consultant="李娜")  # due 25: today
    walkin("13700001111", "王五", "C", at=on(24))  # due 12-08
    f = contact_table.current_filter(OPERATOR)
    names = lambda g: [row.name for row in contact_table.page(g)]  # noqa: E731
    assert names(f) == ["张三", "李四", "王五"]
    assert names(f.with_(consultant_id=showroom["lina"].id)) == ["李四"]
    assert names(f.with_(level="C")) == ["王五"]
    assert names(f.with_(due="overdue")) == ["张三"]
    assert names(f.with_(due="today")) == ["李四"]
    assert contact_table.page(f)[0].overdue_days(TODAY) == 3
    assert a.id == contact_table.page(f)[0].id


def test_search_by_name_phone_digits_or_pinyin_initials(showroom):
    walkin("13812345678", "张三", "H", at=on(20))
    walkin("13912345678", "张三丰", "A", at=on(20))
    walkin("13700001111", "李四", "B", at=on(20))
    walkin("13600002222", "[VIP]赵六", "C", at=on(20))
    f = contact_table.current_filter(OPERATOR)

    def found(text: str) -> list[str]:
        return sorted(row.name for row in contact_table.page(f.with_(search=text)))

    assert found("zs") == ["张三", "张三丰"]
    assert found("ZSF") == ["张三丰"]
    assert found("三丰") == ["张三丰"]
    assert found("0001") == ["李四"]
    assert found("138 1234") == ["张三"]
    assert found("[VIP]") == ["[VIP]赵六"]
    assert found("%") == [] and found("_") == []  # LIKE wildcards are literal
    assert contact_table.count(f.with_(search="zs")) == 2


def test_totals_count_levels_carried_over_and_new_this_month(showroom):
    walkin("13812345678", "张三", "H", at=on(20, month=10))  # first met in October
    walkin("13812345678", at=on(20))
    walkin("13912345678", "李四", "A", at=on(3))
    walkin("13700001111", "王五", "A", at=on(24))
    walkin("13600002222", "赵六", at=on(24))  # no level: not in the table
    f = contact_table.current_filter(OPERATOR)
    totals = contact_table.totals(f)
    assert totals.by_level == {"H": 1, "A": 2} and totals.total == 3
    assert (totals.carried, totals.new) == (1, 2)
    assert (totals.overdue, totals.due_today) == (2, 0)  # 张三 due 22, 李四 due 6
    october = f.with_(month=D(2026, 10, 1))
    assert [row.name for row in contact_table.page(october)] == ["张三"]  # met by October
    assert contact_table.totals(october).new == 1  # new in October, carried into November
    assert contact_table.totals(f.with_(month=D(2026, 12, 1))).carried == 3


def row_of(level: str, next_due: dt.date, opened: dt.datetime) -> contact_table.TableRow:
    """A table row open since ``opened``, as the marks read it."""
    return contact_table.TableRow(
        1, 1, "张三", "13812345678", "", None, 4, "", level, None, next_due, opened
    )


class SeedIntervals(due.Intervals):
    """The seed's intervals, never changed (no store needed)."""

    def __init__(self) -> None:
        self.current = dict(rules.FOLLOW_UP_DAYS)
        self.changes = []


def test_month_marks_show_contact_levels_and_planned_days():
    intervals = SeedIntervals()
    events = [
        Event(on(28, month=10), "C", None, "registration"),  # due 11-11: missed (next on 16)
        Event(on(16), "B", None, "contact"),  # due 23, but the next came on 20
        Event(on(20, hour=9), "H", None, "contact"),
        Event(on(20, hour=15), "A", D(2026, 11, 24), "contact"),  # agreed 24: missed
    ]
    marks = contact_table.month_marks(
        events, D(2026, 11, 1), row_of("A", D(2026, 11, 24), on(28, month=10)), TODAY, intervals
    )
    assert marks == {
        11: Mark("missed"),
        16: Mark("contact", "B"),
        20: Mark("contact", "A"),
        24: Mark("missed"),
    }
    ahead = contact_table.month_marks(
        [], D(2026, 11, 1), row_of("H", D(2026, 11, 26), on(25)), TODAY, intervals
    )
    assert ahead == {26: Mark("planned"), 28: Mark("planned"), 30: Mark("planned")}


def test_the_grid_rows_carry_the_month_of_contacts_in_one_query(showroom):
    customer = walkin("13812345678", "张三", "B", at=on(3))
    contact(customer, method="call", at=on(10), level="A")
    walkin("13812345678", at=on(13))  # a registration without a level: the level then
    rows = contact_table.with_marks(
        contact_table.page(contact_table.current_filter(OPERATOR)),
        contact_table.current_filter(OPERATOR),
    )
    marks = rows[0].marks
    assert marks[3] == Mark("contact", "B")
    assert marks[10] == Mark("contact", "A")
    assert marks[13] == Mark("contact", "A")
    assert marks[16] == Mark("missed")  # due 16, nobody called


def test_followups_lists_who_is_due_sorted_with_overdue_days(showroom):
    walkin("13812345678", "张三", "H", at=on(20))
    walkin("13912345678", "李四", "A", at=on(22), consultant="李娜")
    walkin("13700001111", "王五", "C", at=on(24))
    due = contact_table.followups(OPERATOR)
    assert [(f.name, f.next_due, f.overdue_days) for f in due] == [
        ("张三", D(2026, 11, 22), 3),
        ("李四", D(2026, 11, 25), 0),
    ]
    assert len(contact_table.followups(OPERATOR, include_later=True)) == 3
    assert [
        f.name for f in contact_table.followups(OPERATOR, consultant_id=showroom["lina"].id)
    ] == ["李四"]
    later = contact_table.followups(OPERATOR, D(2026, 12, 8))
    assert [(f.name, f.overdue_days) for f in later] == [("张三", 16), ("李四", 13), ("王五", 0)]
    assert due[0].as_json() == {
        "name": "张三",
        "phone": "13812345678",
        "level": "H",
        "consultant": "王磊",
        "model": "",
        "first_contact": "2026-11-20",
        "source": 4,
        "last_contact": "2026-11-20",
        "next_due": "2026-11-22",
        "overdue_days": 3,
    }


# ---------------------------------------------------------------- the migration


def test_the_migration_backfills_last_contact_and_next_due(db_path, frozen_clock):
    old = store.make_database(db_path)
    old.connect()
    Runner(old, str(store.MIGRATIONS_DIR), table_name=store.MIGRATIONS_TABLE).up(
        target="0002_default_channels"
    )
    now = "2026-11-20 09:00:00"
    for sql in (
        "INSERT INTO staff VALUES (1, '王磊', 'wanglei', 'consultant', 1, 1, 1, '{now}')",
        "INSERT INTO customer VALUES (1, '张三', '13812345678', 'zs', 'M', '', 'intent', 'H', "
        "'', '', 4, 1, '2026-11-01', '', '{now}', '{now}', 1)",
        "INSERT INTO customer VALUES (2, '李四', '13912345678', 'ls', '', '', 'intent', 'C', "
        "'', '', 4, 1, '2026-11-02', '', '{now}', '{now}', 1)",
        "INSERT INTO customer VALUES (3, '王五', '13700001111', 'ww', '', '', 'base', NULL, "
        "'', '', 4, 1, NULL, '', '{now}', '{now}', 1)",
        "INSERT INTO registration (id, kind, time_in, customer_id, name, phone, gender, "
        "party_size, visit, model, colour, channel, level, consultant_id, test_drive, quote, "
        "ordered, notes, created_at, updated_at, version) VALUES (1, 'walkin', "
        "'2026-11-01 10:00:00', 1, '张三', '13812345678', '', 1, 'first', '', '', '', 'H', 1, "
        "0, 0, 0, '', '{now}', '{now}', 1)",
        "INSERT INTO contact (customer_id, staff_id, at, method, account, level_after, "
        "next_date, created_at) VALUES (1, 1, '2026-11-18 15:00:00', 'call', '', 'H', "
        "'2026-11-30', '{now}')",
    ):
        old.execute_sql(sql.format(now=now))
    before = old.execute_sql("SELECT * FROM customer ORDER BY id").fetchall()
    old.close()
    db = store.open_store(db_path)
    try:
        after = db.execute_sql("SELECT * FROM customer ORDER BY id").fetchall()
        assert [row[: len(before[0])] for row in after] == before
        found = {c.id: (c.last_contact, c.next_due) for c in Customer.select()}
        assert found == {
            1: (D(2026, 11, 18), D(2026, 11, 30)),  # the agreed date of the latest contact
            2: (D(2026, 11, 2), D(2026, 11, 16)),  # no registration: the first contact + 14
            3: (D(2026, 11, 20), None),  # not an intent customer
        }
    finally:
        store.close_store()


# ---------------------------------------------------------------- the command line


@pytest.fixture
def run(db_path, capsys, monkeypatch):
    for name in ("FRONTDESK_DB", "FRONTDESK_LANG", "FRONTDESK_AS"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = cli.main(["--db", db_path, *args])
        out, err = capsys.readouterr()
        return status, out, err

    return run


@pytest.mark.sqlite_only
def test_cli_contact_close_and_reassign(showroom, run):
    walkin("13812345678", "张三", "B", at=on(20))
    status, out, err = run(
        "contact", "--phone", "138-1234-5678", "--at", "2026-11-25 09:00", "--method", "call",
        "--level", "H", "--next", "2026-11-26", "--notes", "约周六试驾",
    )  # fmt: skip
    assert (status, err) == (0, "")
    assert "张三" in out and "2026-11-26" in out
    saved = Contact.get()
    assert (saved.staff.name, saved.account, saved.level_after) == ("王磊", "约周六试驾", "H")
    assert LevelChange.get(LevelChange.contact == saved.id).from_level == "B"

    status, out, err = run("contact", "--phone", "13812345678", "--at", "2026-11-25 09:30",
                           "--method", "fax")  # fmt: skip
    assert status == 1 and err.startswith("接触方式只能是")

    status, out, err = run("close", "--phone", "13812345678", "defeat", "--reason", "价格")
    assert status == 1 and "competitor" not in err and err.strip()
    status, out, err = run("reassign", "--phone", "13812345678", "--to", "lina")
    assert status == 0 and "李娜" in out
    status, out, err = run(
        "--as", "chenjing", "close", "--phone", "13812345678", "defeat",
        "--reason", "价格", "--competitor", "本田雅阁",
    )  # fmt: skip
    assert status == 0 and "战败" in out
    customer = Customer.get(Customer.phone == "13812345678")
    assert (customer.customer_class, customer.competitor) == ("defeated", "本田雅阁")
    status, out, err = run("contact", "--phone", "13000000000", "--at", "2026-11-25 09:00",
                           "--method", "call")  # fmt: skip
    assert status == 1 and "13000000000" in err.replace(" ", "")


@pytest.mark.sqlite_only
def test_cli_followups_json_equals_the_core(showroom, run):
    walkin("13812345678", "[VIP]张三", "H", at=on(20), model="凯美瑞")
    walkin("13912345678", "李四", "A", at=on(22), consultant="李娜")
    walkin("13700001111", "王五", "C", at=on(24))
    status, out, _ = run("followups", "--json")
    assert status == 0
    assert json.loads(out) == [f.as_json() for f in contact_table.followups(OPERATOR)]
    assert [row["name"] for row in json.loads(out)] == ["[VIP]张三", "李四"]
    status, out, _ = run("followups", "--json", "--date", "2026-12-08", "--consultant", "王磊")
    assert json.loads(out) == [
        f.as_json()
        for f in contact_table.followups(OPERATOR, D(2026, 12, 8), showroom["wanglei"].id)
    ]
    status, out, _ = run("followups")
    assert status == 0 and out.splitlines()[1].startswith("2026-11-22  3")
    status, _, err = run("followups", "--date", "tomorrow")
    assert status == 1 and err.startswith("日期格式")


def grid_of(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


@pytest.mark.sqlite_only
def test_export_contacts_lays_out_the_month_like_the_paper_form(showroom, run, tmp_path):
    customer = walkin("13812345678", "张三", "B", at=on(3), model="凯美瑞")
    contact(customer, method="call", at=on(10), level="A")
    walkin("13912345678", "李四", "H", at=on(24))
    out = tmp_path / "十一月.csv"
    status, text, err = run("export", "contacts", "--month", "2026-11", "--out", str(out))
    assert (status, err) == (0, "") and "2" in text
    rows = grid_of(out)
    assert rows[0][0] == "意向客户接触状况表"
    assert "2026-11" in rows[1][0] and "丰田4S店" in rows[1][0]
    header = rows[2]
    assert header[:9] == [
        "序号",
        "姓名",
        "电话",
        "车型",
        "初洽日期",
        "来源区分",
        "销售顾问",
        "级别",
        "下次跟进",
    ]
    assert header[9:] == [str(day) for day in range(1, 32)]
    zhang = rows[3]
    assert zhang[:9] == [
        "1",
        "张三",
        "138 1234 5678",
        "凯美瑞",
        "2026-11-03",
        "4",
        "王磊",
        "A",
        "2026-11-13",
    ]
    assert (zhang[9 + 2], zhang[9 + 9], zhang[9 + 12]) == ("B", "A", "")
    li = rows[4]
    assert li[1] == "李四" and li[9 + 23] == "H"
    totals = {row[1]: row for row in rows[6:] if len(row) > 1 and row[1]}
    assert totals["A 级合计"][7] == "1" and totals["A 级合计"][9 + 9] == "1"
    assert totals["合计"][7] == "2" and totals["合计"][9 + 2] == "1"
    assert rows[-1][0] == "上月留存 0（本月关闭：0）　本月新生 2　来电意向 0"

    xlsx = tmp_path / "november.xlsx"
    status, _, _ = run(
        "--lang", "en", "export", "contacts", "--month", "2026-11", "--out", str(xlsx)
    )
    assert status == 0
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).active
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Intent-customer contact table"
    assert list(values[2][:3]) == ["No.", "Name", "Phone"]
    assert values[3][1] == "张三" and values[3][9 + 9] == "A"

    status, _, err = run(
        "export", "contacts", "--month", "2026-11", "--out", str(tmp_path / "x.pdf")
    )
    assert status == 1 and err.startswith("不支持的文件类型")
    status, _, err = run("export", "contacts", "--month", "11/2026", "--out", str(out))
    assert status == 1 and err.startswith("月份格式")


def test_export_lists_a_past_month_without_customers_met_later(showroom, tmp_path):
    walkin("13812345678", "张三", "H", at=on(20, month=10))
    walkin("13912345678", "李四", "H", at=on(3))
    f = contact_table.current_filter(OPERATOR, month=D(2026, 10, 1))
    assert contact_export.export_month(tmp_path / "october.csv", f) == 1
    assert grid_of(tmp_path / "october.csv")[3][1] == "张三"

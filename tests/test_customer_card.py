"""The customer card (客户信息卡): every event of a customer, newest first, with who and when
— registrations, contacts, level changes, reassignments, closes and revivals.

The clock is moved to the moment of each close and reassignment (they happen "now").
"""

from __future__ import annotations

import datetime as dt

import pytest

from frontdesk.desk import registration
from frontdesk.errors import ValidationError
from frontdesk.followup import contacts, customer_card
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.store.models import AuditEntry, Customer, database
from screens.followup.customer_card import history_cells
from tests.actors import as_member
from tests.conftest import FROZEN_NOW

pytestmark = pytest.mark.both_engines  # the store's tests, on SQLite and on PostgreSQL


def on(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute)


@pytest.fixture
def lived(showroom, frozen_clock):
    """张三's month: walks in (B), a call (A), given to 李娜, defeated, back (H), given back
    to 王磊 by the operator, a deal."""
    manager = as_member(showroom["chenjing"])
    first = registration.register(
        registration.RegistrationInput(
            kind="walkin", time_in=on(3, 10), phone="13812345678", name="张三", level="B"
        ),
        by=DESK,
    )
    registration.checkout(first.id, at=on(3, 10, 40), by=DESK)
    customer_id = first.customer_id
    contacts.record_contact(
        customer_id,
        contacts.ContactInput(method="call", at=on(5, 15), account="约试驾", level="A"),
        by=as_member(showroom["wanglei"]),
    )
    frozen_clock.move_to(on(8, 11))
    contacts.reassign(customer_id, "lina", by=manager)
    frozen_clock.move_to(on(10, 16))
    contacts.close_customer(customer_id, "defeat", reason="价格", competitor="本田雅阁", by=manager)
    frozen_clock.move_to(on(20, 12))
    registration.register(
        registration.RegistrationInput(
            kind="walkin", time_in=on(20, 10), phone="13812345678", level="H", consultant="李娜"
        ),
        by=DESK,
    )
    frozen_clock.move_to(on(22, 9))
    contacts.reassign(customer_id, "wanglei", by=OPERATOR)
    frozen_clock.move_to(on(24, 10))
    contacts.close_customer(customer_id, "deal", by=manager)
    frozen_clock.move_to(FROZEN_NOW)
    return Customer.get_by_id(customer_id)


def test_the_card_shows_every_event_newest_first_with_who_and_when(lived):
    card = customer_card.customer_card(lived.id, by=OPERATOR)
    events = [
        (e.at, e.kind, e.from_level, e.level, e.staff or e.actor, e.via or e.outcome)
        for e in card.entries
    ]
    assert events == [
        (on(24, 10), "close", "H", None, "陈静", "deal"),
        (on(22, 9), "reassign", None, None, "operator", ""),
        (on(20, 10), "revival", None, "H", "", "registration"),
        (on(20, 10), "registration", None, "H", "李娜", ""),
        (on(10, 16), "close", "A", None, "陈静", "defeat"),
        (on(8, 11), "reassign", None, None, "陈静", ""),
        (on(5, 15), "level", "B", "A", "王磊", "contact"),
        (on(5, 15), "contact", None, "A", "王磊", ""),
        (on(3, 10), "level", None, "B", "", "registration"),
        (on(3, 10), "registration", None, "B", "王磊", ""),
    ]
    moves = [(e.from_consultant, e.to_consultant) for e in card.entries if e.kind == "reassign"]
    assert moves == [("李娜", "王磊"), ("王磊", "李娜")]
    defeat = card.entries[4]
    assert (defeat.competitor, defeat.text) == ("本田雅阁", "价格")


def test_each_event_reads_as_a_row_of_the_card(lived):
    card = customer_card.customer_card(lived.id, by=OPERATOR)
    rows = [[str(cell) for cell in history_cells(entry)] for entry in card.entries]
    assert rows == [
        ["2026-11-24 10:00", "关闭线索：成交", "H→关闭", "陈静", ""],
        ["2026-11-22 09:00", "转交", "", "本机管理员", "李娜→王磊"],
        ["2026-11-20 10:00", "重新跟进", "—→H", "—", "通过登记"],
        ["2026-11-20 10:00", "来店", "H", "李娜", ""],
        ["2026-11-10 16:00", "关闭线索：战败", "A→关闭", "陈静", "本田雅阁  价格"],
        ["2026-11-08 11:00", "转交", "", "陈静", "王磊→李娜"],
        ["2026-11-05 15:00", "级别变更", "B→A", "王磊", "通过接触"],
        ["2026-11-05 15:00", "电话", "A", "王磊", "约试驾"],
        ["2026-11-03 10:00", "级别变更", "—→B", "—", "通过登记"],
        ["2026-11-03 10:00", "来店", "B", "王磊", ""],
    ]


@pytest.mark.sqlite_only
def test_closes_and_reassignments_are_found_by_the_audit_index(lived):
    sql, params = customer_card.audited_query(lived.id).sql()
    plan = " ".join(
        str(row[-1]) for row in database.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params)
    )
    assert "USING INDEX audit_entry_entity_entity_id (entity=? AND entity_id=?)" in plan
    assert "SCAN" not in plan  # neither the log nor the staff is read whole


def test_a_close_and_a_reassignment_keep_when_they_happened(showroom):
    """Said to have happened earlier (the demo's past days), they stand at that moment on
    the card, while the audit log keeps when they were recorded."""
    manager = as_member(showroom["chenjing"])
    saved = registration.register(
        registration.RegistrationInput(
            kind="walkin", time_in=on(3, 10), phone="13812345678", name="张三", level="A"
        ),
        by=DESK,
    )
    contacts.reassign(saved.customer_id, "lina", by=manager, at=on(6, 9))
    contacts.close_customer(
        saved.customer_id, "defeat", reason="价格", competitor="本田雅阁", by=manager, at=on(9, 17)
    )
    card = customer_card.customer_card(saved.customer_id, by=OPERATOR)
    assert [(e.at, e.kind) for e in card.entries] == [
        (on(9, 17), "close"),
        (on(6, 9), "reassign"),
        (on(3, 10), "level"),
        (on(3, 10), "registration"),
    ]
    assert card.closed_at == on(9, 17)
    recorded = AuditEntry.select(AuditEntry.at).where(AuditEntry.action.in_(("close", "reassign")))
    assert {entry.at for entry in recorded} == {FROZEN_NOW}


@pytest.mark.parametrize("at", [FROZEN_NOW + dt.timedelta(hours=2), dt.datetime(1999, 12, 31, 9)])
def test_a_close_or_reassignment_cannot_be_dated_ahead_or_before_the_first_day(showroom, at):
    saved = registration.register(
        registration.RegistrationInput(kind="walkin", time_in=on(3, 10), phone="13812345678"),
        by=DESK,
    )
    manager = as_member(showroom["chenjing"])
    contacts.record_contact(
        saved.customer_id, contacts.ContactInput(method="call", level="B"), by=manager
    )
    with pytest.raises(ValidationError) as refused:
        contacts.reassign(saved.customer_id, "lina", by=manager, at=at)
    assert "at" in refused.value.errors
    with pytest.raises(ValidationError) as refused:
        contacts.close_customer(saved.customer_id, "deal", by=manager, at=at)
    assert "at" in refused.value.errors
    customer = Customer.get_by_id(saved.customer_id)
    assert (customer.level, customer.consultant.name) == ("B", "王磊")

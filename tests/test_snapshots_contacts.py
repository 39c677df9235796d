"""SVG snapshots of the contact table (F6), a customer's card and the contact dialog, at
80×24 and 120×36, on the frozen clock (Wednesday 2026-11-25 10:30) and a fixed store.

Update them after a deliberate change with ``--snapshot-update`` and look at the report.
"""

from __future__ import annotations

import datetime as dt

import pytest

from frontdesk import i18n
from frontdesk.desk import registration
from frontdesk.followup import contacts
from frontdesk.people.actor import DESK, OPERATOR, Actor
from frontdesk.store.models import Customer
from tests.conftest import FROZEN_NOW, SNAPSHOT_SIZES, shoot


def walkin(phone: str, name: str, level: str, day: int, **more) -> Customer:
    at = dt.datetime(2026, 11, day, 10, 0)
    data = registration.RegistrationInput(
        kind="walkin", time_in=at, phone=phone, name=name, level=level, **more
    )
    return Customer.get_by_id(registration.register(data, by=DESK).customer_id)


def call(customer: Customer, day: int, level: str = "", **more) -> None:
    at = dt.datetime(2026, 11, day, 15, 0)
    contacts.record_contact(
        customer.id, contacts.ContactInput(method="call", at=at, level=level, **more), by=OPERATOR
    )


@pytest.fixture
def follow_ups(showroom, frozen_clock):
    """A month of follow-ups: an overdue H, one due today, an agreed date, markup-like names;
    张三 given to 李娜 for two days while 王磊 was away, and back."""
    zhang = walkin("13812345678", "张三", "B", 3, model="凯美瑞")
    call(zhang, 10, "A", account="约试驾")
    manager = Actor.member(showroom["chenjing"])
    frozen_clock.move_to(dt.datetime(2026, 11, 11, 9, 0))
    contacts.reassign(zhang.id, "lina", by=manager)
    frozen_clock.move_to(dt.datetime(2026, 11, 13, 9, 0))
    contacts.reassign(zhang.id, "wanglei", by=manager)
    frozen_clock.move_to(FROZEN_NOW)
    call(zhang, 13, "H", account="[报价]已发")
    li = walkin("13912345678", "李四", "A", 18, model="汉兰达", consultant="李娜")
    call(li, 22)
    wang = walkin("13700001111", "[VIP]王五", "C", 2, model="RAV4荣放")
    call(wang, 16, next_date="2026-11-30")
    walkin("13600002222", "[/x]", "O", 24, model="卡罗拉")
    walkin("13500003333", "赵六", "B", 25)
    lost = walkin("13400004444", "钱七", "H", 20)
    contacts.close_customer(lost.id, "lost", reason="电话停机", by=OPERATOR)
    return showroom


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_contact_table(snap_compare, follow_ups, make_app, size):
    assert shoot(snap_compare, make_app(staff=follow_ups["chenjing"]), size, "f6")


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_customer_card(snap_compare, follow_ups, make_app, size):
    app = make_app(staff=follow_ups["chenjing"])
    assert shoot(snap_compare, app, size, "f6", "down", "enter")  # 张三, the second to enter


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_contact_dialog(snap_compare, follow_ups, make_app, size):
    app = make_app(staff=follow_ups["wanglei"])
    keys = ("f6", "down", "c", "enter", *"约周六", "tab", "tab", *"12-01")  # 张三, overdue
    assert shoot(snap_compare, app, size, *keys)


def test_the_frozen_day_is_a_wednesday():
    assert FROZEN_NOW.weekday() == 2  # the weekday header of the grid depends on it


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_contact_table_in_english(snap_compare, follow_ups, make_app, size):
    i18n.set_language("en")
    assert shoot(snap_compare, make_app(staff=follow_ups["chenjing"]), size, "f6")

"""SVG snapshots of every screen at 80×24 and 120×36, on a frozen clock and a fixed store.

Update them after a deliberate change of the screens with ``make snapshots`` and look at
the report before committing.
"""

from __future__ import annotations

import datetime as dt

import pytest

from frontdesk import i18n
from frontdesk.desk import registration
from frontdesk.people.actor import DESK
from tests.conftest import FROZEN_NOW, SNAPSHOT_SIZES, shoot


@pytest.fixture
def busy_morning(showroom):
    """A morning's log: a returning customer, an open party, a call, a literal markup name."""

    def walkin(minutes_ago: int, **fields):
        fields.setdefault("time_in", FROZEN_NOW - dt.timedelta(minutes=minutes_ago))
        return registration.register(
            registration.RegistrationInput(kind="walkin", **fields), by=DESK
        )

    walkin(60 * 24 * 5, phone="13912345678", name="李雷", model="汉兰达", level="A")
    walkin(
        95,
        phone="13812345678",
        name="[VIP]张三",
        party_size=3,
        model="凯美瑞",
        channel="网络",
        level="H",
        test_drive=True,
        quote=True,
        time_out=FROZEN_NOW - dt.timedelta(minutes=20),
    )
    walkin(50, phone="13912345678", name="李雷", model="汉兰达", party_size=2)
    registration.register(
        registration.RegistrationInput(
            kind="phone",
            time_in=FROZEN_NOW - dt.timedelta(minutes=30),
            phone="13700001111",
            name="[/x]",
            model="卡罗拉",
            channel="朋友介绍",
        ),
        by=DESK,
    )
    walkin(12, party_size=2)
    return showroom


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_day_log(snap_compare, busy_morning, make_app, size):
    assert shoot(snap_compare, make_app(), size)


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_day_log_in_english(snap_compare, busy_morning, make_app, size):
    i18n.set_language("en")
    assert shoot(snap_compare, make_app(), size)


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_duty_roster(snap_compare, busy_morning, make_app, size):
    assert shoot(snap_compare, make_app(), size, "d", "down", "space")


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_walkin_form_known_customer(snap_compare, busy_morning, make_app, size):
    assert shoot(snap_compare, make_app(), size, "f2", *"13912345678")


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_walkin_form_errors(snap_compare, busy_morning, make_app, size):
    assert shoot(snap_compare, make_app(), size, "f2", *"12345", "tab", "tab", "tab", "0", "ctrl+s")


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_phone_form(snap_compare, busy_morning, make_app, size):
    assert shoot(snap_compare, make_app(), size, "f3", "tab", "tab", "tab", *"km")


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_checkout_dialog(snap_compare, busy_morning, make_app, size):
    assert shoot(snap_compare, make_app(), size, "o")


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_help(snap_compare, busy_morning, make_app, size):
    assert shoot(snap_compare, make_app(), size, "f1")


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_welcome(snap_compare, db, make_app, size):
    assert shoot(snap_compare, make_app(show_welcome=True), size)

"""SVG snapshots of the admin's screen (F9) at 80×24 and 120×36: its four pages, and a form
that refused a value, on the frozen clock and a fixed store.

Update them after a deliberate change with ``--snapshot-update`` and look at the report.
"""

from __future__ import annotations

import datetime as dt

import pytest

from frontdesk import i18n
from frontdesk.desk import registration
from frontdesk.people import keys, pins, team
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.store import codes, settings
from tests.conftest import FROZEN_NOW, SNAPSHOT_SIZES, shoot
from tests.test_admin_screen import CHENJING_KEY, LINA_KEY


@pytest.fixture
def kept_store(showroom):
    """The showroom with its admin 周杰, a PIN, two keys (one used), a setting changed, a
    retired model still on a registration, a competitor, and a member who left."""
    admin = team.add_staff("周杰", "admin", by=OPERATOR)
    pins.set_pin(admin, "2468", by=OPERATOR)
    team.add_staff("[VIP]孙丽", "receptionist", login="sunli", by=OPERATOR)
    team.set_active("sunli", False, by=OPERATOR)
    keys.add_pasted_key("chenjing", CHENJING_KEY, by=OPERATOR)
    used = keys.add_pasted_key("lina", LINA_KEY, by=OPERATOR)
    keys.mark_used(used.id)
    settings.change("follow_up_days.H", "3", by=OPERATOR)
    data = registration.RegistrationInput(
        kind="walkin",
        time_in=FROZEN_NOW - dt.timedelta(hours=1),
        phone="13812345678",
        model="汉兰达",
        channel="网络",
    )
    registration.register(data, by=DESK)
    codes.retire_code(codes.MODEL, "汉兰达", by=OPERATOR)
    codes.add_code(codes.COMPETITOR, "大众朗逸", by=OPERATOR)
    return admin


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_admin_staff(snap_compare, kept_store, make_app, size):
    assert shoot(snap_compare, make_app(staff=kept_store), size, "f9", "down", "down", "down")


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_admin_keys(snap_compare, kept_store, make_app, size):
    assert shoot(snap_compare, make_app(staff=kept_store), size, "f9", "2")


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_admin_setting_refused(snap_compare, kept_store, make_app, size):
    app = make_app(staff=kept_store)
    assert shoot(snap_compare, app, size, "f9", "3", "down", "down", "enter", "x", "enter")


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_admin_codes(snap_compare, kept_store, make_app, size):
    down = ["down"] * 12  # 汉兰达, retired
    assert shoot(snap_compare, make_app(staff=kept_store), size, "f9", "4", *down)


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_admin_staff_in_english(snap_compare, kept_store, make_app, size):
    i18n.set_language("en")
    assert shoot(snap_compare, make_app(staff=kept_store), size, "f9", "down")


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_admin_member_refused_in_english(snap_compare, kept_store, make_app, size):
    i18n.set_language("en")
    app = make_app(staff=kept_store)
    assert shoot(snap_compare, app, size, "f9", "a", *"王磊", "enter", "m", "ctrl+s")

"""SVG snapshots of the statistics (F5) and the month sheet at 80×24 and 120×36.

A fixed month of November up to the frozen "today" (Wednesday the 25th), made by a
pattern, not at random. Update after a deliberate change with
``pytest tests/test_snapshots_statistics.py --snapshot-update`` and look at the report.
"""

from __future__ import annotations

import datetime as dt

import pytest

from frontdesk import i18n
from frontdesk.desk import registration
from frontdesk.people.actor import DESK
from tests.conftest import FROZEN_NOW, SNAPSHOT_SIZES, shoot

CHANNELS = ("网络", "朋友介绍", "路过", "")
MODELS = ("凯美瑞", "卡罗拉", "汉兰达", "RAV4荣放", "")
LEVELS = ("H", "A", "B", "C")


@pytest.fixture
def november(showroom):
    """Two to five walk-ins a day and a call, from a dozen returning phones and a few
    anonymous parties; today's last party is still in the showroom."""
    for day in range(1, 26):
        for n in range(day % 4 + 2):
            if day == 25:
                time_in = dt.datetime(2026, 11, 25, 9, 5 + n * 20)
            else:
                time_in = dt.datetime(2026, 11, day, 9 + (day * 3 + n * 2) % 9, (day * n * 7) % 60)
            anonymous = (day + n) % 5 == 0
            still_in = day == 25 and n == day % 4 + 1
            registration.register(
                registration.RegistrationInput(
                    kind="walkin",
                    time_in=time_in,
                    time_out=None if still_in else time_in + dt.timedelta(minutes=20 + 7 * n),
                    phone="" if anonymous else f"139{(day + n) % 12:08d}",
                    party_size=1 + (day + n) % 3,
                    model=MODELS[(day + n) % len(MODELS)],
                    channel=CHANNELS[(day * n) % len(CHANNELS)],
                    level=LEVELS[day % 4] if n == 2 and not anonymous else "",
                    consultant=("王磊", "李娜")[(day + n) % 2],
                    test_drive=n == 1,
                    ordered=day % 7 == 0 and n == 0,
                ),
                by=DESK,
            )
        called = dt.datetime(2026, 11, day, 10 if day == 25 else 11 + day % 6, 15)
        registration.register(
            registration.RegistrationInput(
                kind="phone",
                time_in=min(called, FROZEN_NOW),
                phone=f"137{day:08d}" if day % 2 else "",
                model=MODELS[day % len(MODELS)],
                channel=CHANNELS[day % len(CHANNELS)],
            ),
            by=DESK,
        )
    return showroom


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_statistics_day(snap_compare, november, make_app, size):
    assert shoot(snap_compare, make_app(), size, "f5")


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_statistics_month_sheet(snap_compare, november, make_app, size):
    assert shoot(snap_compare, make_app(), size, "f5", "m")


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_statistics_formulas(snap_compare, november, make_app, size):
    assert shoot(snap_compare, make_app(), size, "f5", "question_mark")


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_statistics_day_in_english(snap_compare, november, make_app, size):
    i18n.set_language("en")
    assert shoot(snap_compare, make_app(), size, "f5")

"""SVG snapshots of F7's pages after the daily report at 80×24 and 120×36, on the frozen
clock and a store built by hand (tests/test_reports_pages.py).

Update them after a deliberate change with ``--snapshot-update`` and look at the report.
"""

from __future__ import annotations

import pytest

from tests.conftest import SNAPSHOT_SIZES, shoot
from tests.test_compliance import build_november
from tests.test_losses import build_month_of_losses
from tests.test_reconcile import build_day
from tests.test_reports_pages import file_applications
from tests.test_targets import build_month_of_targets


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_reports_review_queue(snap_compare, showroom, make_app, size):
    file_applications(showroom)
    assert shoot(snap_compare, make_app(staff=showroom["chenjing"]), size, "f7", "2")


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_reports_reconcile(snap_compare, showroom, make_app, size):
    build_day(showroom)
    app = make_app(staff=showroom["chenjing"])
    assert shoot(snap_compare, app, size, "f7", "3", "left", "left")


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_reports_compliance(snap_compare, db, frozen_clock, make_app, size):
    members = build_november(frozen_clock)  # the clock then on 12-02 18:00
    app = make_app(staff=members["chenjing"])
    assert shoot(snap_compare, app, size, "f7", "4", "comma")


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_reports_losses(snap_compare, showroom, frozen_clock, make_app, size):
    build_month_of_losses(showroom, frozen_clock)  # the clock then on 12-01
    app = make_app(staff=showroom["chenjing"])
    assert shoot(snap_compare, app, size, "f7", "5", "comma")


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_reports_losses_export(snap_compare, showroom, frozen_clock, make_app, size):
    build_month_of_losses(showroom, frozen_clock)
    app = make_app(staff=showroom["chenjing"])
    assert shoot(snap_compare, app, size, "f7", "5", "comma", "x")


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_reports_targets(snap_compare, showroom, frozen_clock, make_app, size):
    build_month_of_targets(showroom, frozen_clock)  # the clock then on 11-25
    app = make_app(staff=showroom["chenjing"])
    assert shoot(snap_compare, app, size, "f7", "6")


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_reports_targets_set_dialog(snap_compare, showroom, frozen_clock, make_app, size):
    build_month_of_targets(showroom, frozen_clock)
    app = make_app(staff=showroom["chenjing"])
    assert shoot(snap_compare, app, size, "f7", "6", "e", "w", "enter", "enter", "x", "ctrl+s")

"""SVG snapshots of the desk's sign-in at 80×24 and 120×36: the PIN step and its refusals."""

from __future__ import annotations

import pytest

from frontdesk.people import pins, team
from frontdesk.people.actor import OPERATOR
from frontdesk.store import settings
from screens.app import FrontdeskApp
from tests.conftest import SNAPSHOT_SIZES, shoot


@pytest.fixture
def desk_app(showroom, monkeypatch):
    """A desk terminal signed in as nobody; 王磊 has a PIN, 陈静 (manager) none yet."""
    monkeypatch.setattr(pins, "SCRYPT_N", 2**10)
    monkeypatch.setattr(pins, "this_terminal", lambda: "desk-pc:/dev/tty1")
    pins.set_pin("wanglei", "1357", by=OPERATOR)

    def build() -> FrontdeskApp:
        return FrontdeskApp(
            store_name=settings.store_name(),
            watch_interval=None,
            sign_in=team.list_staff(active_only=True),
        )

    return build


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_pin_step_after_a_wrong_pin(snap_compare, desk_app, size):
    """王磊 chosen, 0000 refused (4 tries left), two digits of the next try typed, masked."""
    assert shoot(snap_compare, desk_app(), size, "down", "enter", *"0000", "enter", "1", "3")


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_manager_without_a_pin(snap_compare, desk_app, size):
    """陈静 has no PIN: the names stay, with what to ask the admin."""
    assert shoot(snap_compare, desk_app(), size, "down", "down", "down", "enter")

"""The keystroke count of the busiest task at the desk: logging a returning walk-in.

The Pilot script is the benchmark's (``bench/bench_keystrokes.py``); here the keys the app
received (not the script's list) must be exactly the keys sent, within 8 beyond the typed
phone number, and the row it saves must be right.
"""

from __future__ import annotations

import datetime as dt

from bench.bench_keystrokes import TARGET, KeyCount, log_returning_walkin
from frontdesk.desk import registration
from frontdesk.people.actor import DESK
from frontdesk.store.models import Customer, LevelChange, Registration
from screens.desk.registration_form import RegistrationScreen
from tests.conftest import FROZEN_NOW

PHONE = "13912345678"


def _earlier_visit() -> Registration:
    return registration.register(
        registration.RegistrationInput(
            kind="walkin",
            time_in=FROZEN_NOW - dt.timedelta(days=3),
            phone=PHONE,
            name="李雷",
            gender="M",
            model="汉兰达",
            channel="网络",
            level="A",
            consultant="李娜",
        ),
        by=DESK,
    )


async def test_a_returning_party_of_two_takes_at_most_eight_keys(showroom, make_app):
    first = _earlier_visit()
    app = make_app(staff=showroom["zhaomin"])
    counted = KeyCount()
    async with app.run_test(size=(80, 24), message_hook=counted.hear) as pilot:
        await log_returning_walkin(pilot, counted, PHONE, party=2)
        assert not isinstance(app.screen, RegistrationScreen)  # saved and closed
    # What the app received: the phone's digits, then the keys beyond them, and nothing else.
    assert counted.received_text == PHONE
    assert counted.keys == ["f2", "enter", "enter", "enter", "2", "ctrl+s"]
    assert counted.count <= TARGET, counted.keys
    assert counted.received == counted.sent  # no key sent went unreceived, none came extra

    saved = Registration.select().order_by(Registration.id.desc()).get()
    assert saved.id != first.id
    assert (saved.kind, saved.visit, saved.customer_id) == (
        "walkin",
        "returning",
        first.customer_id,
    )
    assert (saved.phone, saved.name, saved.gender, saved.party_size) == (PHONE, "李雷", "M", 2)
    assert (saved.model, saved.channel, saved.level) == ("汉兰达", "网络", "A")
    assert saved.consultant.name == "李娜"  # their own consultant, not the head of the rotation
    assert saved.registered_by.name == "赵敏"
    assert saved.time_in == FROZEN_NOW  # stamped when the form opened
    assert (saved.test_drive, saved.quote, saved.ordered, saved.time_out) == (
        False,
        False,
        False,
        None,
    )
    assert Customer.select().count() == 1
    assert LevelChange.select().count() == 1  # the level did not change: nothing new recorded

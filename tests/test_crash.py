"""Crash: a writer killed with SIGKILL loses nothing it acknowledged.

A writer process registers walk-ins and calls back to back and prints each id once the
save is committed (what the receptionist sees as "saved #id"). The test kills it with
SIGKILL — no clean-up, no flush, as a power cut or ``kill -9`` would.

First a brand-new store is killed inside its migrations: the writer stops right after one
of them is applied, before the migrations' transaction commits, and is killed there; the
file must then hold no table at all (never half a schema) and open whole at the newest
schema. The soak does this after every migration, and also kills brand-new stores at
random moments of their start, recording where each kill landed (before the file exists,
while it is opened, during the migrations, after it is ready) and checking that the store
is absent, empty or fully migrated, never half.

Then writers on a prepared store are killed: every fifth one right after it printed an
acknowledgement (it waits there to be killed), the others at random moments — mostly a few
to a hundred saves in, every fourth one while it is still starting. After every kill the
store must be sound (``integrity_check``, ``foreign_key_check``), every acknowledged
registration there exactly as acknowledged, and no registration half-written (a
registration without its customer or audit entry, an audit entry without its
registration, a customer without the registration that created it).

The kill right after an acknowledgement is what catches a writer that acknowledges inside
its transaction (the ``--ack-inside-transaction`` mutant): it has printed "saved" and not
committed. A test runs the whole check against that mutant and requires it to fail, every
time.

``make test`` kills 1 + 5 times; ``make soak`` 25 + 50 times. Run with ``-s`` to see where
the kills landed.
"""

from __future__ import annotations

import collections
import random
import signal
import time

import pytest

from frontdesk import store
from tests import reliability
from tests.reliability import (
    ABSENT,
    EMPTY,
    MIGRATED,
    MIGRATING,
    OPENED,
    OPENING,
    READY,
    SAVING,
    STARTING,
)
from tests.workers import prepare_store

FAST_KILLS = 5
SOAK_KILLS = 50
SOAK_FRESH_KILLS = 20  # brand-new stores killed at a random moment of their start
HELD_EVERY = 5  # every fifth writer is killed right after an acknowledgement
START_EVERY = 4  # every fourth while it is still starting
MIN_DELAY_S, MAX_DELAY_S = 0.02, 0.3  # after the writer is ready: a few to a hundred saves
START_DELAY_S = 0.4  # while Python starts, imports, opens the store (ready at ~0.3 s)
MAX_HELD_ACK = 30
MUTANT = ("--ack-inside-transaction",)
MUTANT_RUNS = 5
SOAK_MUTANT_RUNS = 20
NEWEST = max(int(p.name[:4]) for p in store.MIGRATIONS_DIR.glob("[0-9]*.py"))
MIGRATIONS = sorted(p.stem for p in store.MIGRATIONS_DIR.glob("[0-9]*.py"))

# What a brand-new store may hold after a kill at each place (never half a schema).
POSSIBLE_STATES = {
    STARTING: {ABSENT},
    OPENING: {ABSENT, EMPTY},
    MIGRATING: {EMPTY, MIGRATED},  # MIGRATED: killed between the commit and "opened"
    OPENED: {MIGRATED},
    READY: {MIGRATED},
    SAVING: {MIGRATED},
}


def _kill_brand_new_store(tmp_path, name: str, rng: random.Random, hold_at: str = "") -> str:
    """Kill a writer creating a new store (inside the migrations, or at random); check it."""
    fresh, output = tmp_path / f"{name}.db", tmp_path / f"{name}.out"
    held = ("--hold-at", hold_at) if hold_at else ()
    process = reliability.spawn("writer", fresh, "--id", "9", *held, output=output, hold=bool(held))
    if hold_at:
        reliability.wait_for_line(output, f"holding {hold_at}", process)
    else:
        time.sleep(rng.uniform(0.0, START_DELAY_S))
    # Past "ready" the writer's first save is refused (a new store has no models): no matter.
    reliability.kill(process)
    where, state = reliability.landing(output), reliability.store_state(fresh)
    assert state in POSSIBLE_STATES[where], f"{name}: killed while {where}, the store is {state}"
    if hold_at:  # aimed inside the migrations' transaction: it must have landed there
        assert (where, state) == (MIGRATING, EMPTY), f"{name}: {where}, {state}"
    db = store.open_store(str(fresh))
    try:
        assert store.schema_version(db) == NEWEST
        channels = db.execute_sql("SELECT COUNT(*) FROM code_item WHERE kind='channel'")
        assert channels.fetchone()[0] == 10
    finally:
        store.close_store()
    assert reliability.soundness(fresh) == []
    return f"{where}, store {state}"


def _kill_writer(process, output, rng: random.Random, how: str) -> None:
    if how == "held":
        reliability.wait_for_line(output, "holding ack:", process)
    elif how == "start":
        time.sleep(rng.uniform(0.0, START_DELAY_S))
    else:
        reliability.wait_for_line(output, "ready", process)
        time.sleep(rng.uniform(MIN_DELAY_S, MAX_DELAY_S))
    reliability.kill(process)


def _crash_run(
    tmp_path, kills: int, seed: int, writer: tuple[str, ...] = (), fresh_kills: int = 0
) -> dict:
    """The crash check; ``writer``: options of every writer (the mutant's, for one)."""
    rng = random.Random(seed)
    tmp_path.mkdir(parents=True, exist_ok=True)
    fresh = collections.Counter()

    # A brand-new store killed inside its migrations' transaction still opens whole.
    aimed = MIGRATIONS if fresh_kills else [rng.choice(MIGRATIONS)]
    for name in aimed:
        fresh[_kill_brand_new_store(tmp_path, f"in-{name}", rng, f"migration:{name}")] += 1
    for number in range(fresh_kills):
        fresh[_kill_brand_new_store(tmp_path, f"fresh{number}", rng)] += 1

    path = tmp_path / "store.db"
    prepare_store(str(path))
    acknowledged: list[reliability.Ack] = []
    landed = collections.Counter()
    for kill in range(kills):
        output = tmp_path / f"writer{kill}.out"
        how = "held" if kill % HELD_EVERY == 0 else "start" if kill % START_EVERY == 3 else "random"
        options = ("--hold-at", f"ack:{rng.randint(1, MAX_HELD_ACK)}") if how == "held" else ()
        # Each writer has its own phones (odd numbers) and shares 20 with the others.
        process = reliability.spawn(
            "writer", path, "--id", str(kill % 9), *writer, *options,
            output=output, hold=how == "held",
        )  # fmt: skip
        _kill_writer(process, output, rng, how)
        where = reliability.landing(output)
        landed["right after an acknowledgement" if how == "held" else where] += 1
        after = f"after kill {kill + 1} ({how}, landed {where})"
        assert process.returncode == -signal.SIGKILL, after
        assert reliability.errors(output) == [], after
        new = reliability.acks(output)
        acknowledged += new
        assert reliability.soundness(path) == [], after
        assert reliability.missing_acks(path, acknowledged) == [], after
    stored = reliability.count(path, "SELECT COUNT(*) FROM registration")
    # At most one save per kill was committed but not yet acknowledged when it died.
    assert len(acknowledged) <= stored <= len(acknowledged) + kills
    assert len({ack.id for ack in acknowledged}) == len(acknowledged)
    return {
        "kills": kills,
        "acknowledged": len(acknowledged),
        "stored": stored,
        "landed": dict(landed),
        "brand-new stores": dict(fresh),
    }


def test_killed_writers_lose_nothing_acknowledged(tmp_path):
    result = _crash_run(tmp_path, FAST_KILLS, seed=6)
    assert result["acknowledged"] > 0
    print(f"crash: {result}")


def _mutant_caught(tmp_path, runs: int) -> list[str]:
    """Run the crash check against the writer that acknowledges before it commits."""
    caught = []
    for seed in range(runs):
        try:
            _crash_run(tmp_path / f"run{seed}", FAST_KILLS, seed, writer=MUTANT)
        except AssertionError as failure:
            if "acknowledged but lost" in str(failure):
                caught.append(str(failure).splitlines()[0])
    return caught


def test_the_crash_check_catches_a_writer_that_acknowledges_before_commit(tmp_path):
    caught = _mutant_caught(tmp_path, MUTANT_RUNS)
    print(f"crash mutant caught {len(caught)} of {MUTANT_RUNS}: {caught}")
    assert len(caught) == MUTANT_RUNS


@pytest.mark.soak
def test_fifty_kills_lose_nothing_acknowledged(tmp_path):
    result = _crash_run(tmp_path, SOAK_KILLS, seed=2026, fresh_kills=SOAK_FRESH_KILLS)
    assert result["acknowledged"] > SOAK_KILLS  # most kills landed after saves were made
    print(f"crash soak: {result}")


@pytest.mark.soak
def test_the_crash_check_always_catches_the_early_acknowledgement(tmp_path):
    caught = _mutant_caught(tmp_path, SOAK_MUTANT_RUNS)
    print(f"crash soak mutant caught {len(caught)} of {SOAK_MUTANT_RUNS}")
    assert len(caught) == SOAK_MUTANT_RUNS

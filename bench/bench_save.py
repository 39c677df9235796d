"""Saving a registration: ``registration.register`` of a returning customer with a phone, on
the large store against an empty one (target ≤ 1.5).

The large store is copied first (the saves must not change the cached store other
benchmarks read); the empty one is a fresh store with the same staff and models and only
the returning customers' earlier visits. Each save is a real one — validation, the customer
looked up and brought up to date, first/returning decided, the audit entry, and the
``BEGIN IMMEDIATE`` … ``COMMIT`` with ``synchronous=FULL`` — of a different returning
customer, timed alone. Rounds alternate between the stores; the figure is the ratio of the
medians of every save. A missed target keeps its profile (cProfile of the large store's saves).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.support import empty_store, migrated
from frontdesk import store
from frontdesk.desk import registration
from frontdesk.people import team
from frontdesk.people.actor import Actor
from frontdesk.store.models import Customer

ROUNDS = 7
SAVES_PER_ROUND = 25
TARGET = 1.5
RECEPTIONIST = "前台甲"


def _returning_phones(count: int) -> list[str]:
    """Phones of customers who walked in before, spread over the whole customer table."""
    total = Customer.select().count()
    step = max(1, total // count)
    phones = []
    for (phone,) in (
        Customer.select(Customer.phone)
        .where(Customer.id % step == 0)
        .order_by(Customer.id)
        .limit(count * 3)
        .tuples()
    ):
        if registration.lookup(phone) and registration.lookup(phone).walkins:
            phones.append(phone)
        if len(phones) == count:
            break
    return phones


def _saves(path: str, phones: list[str]) -> list[float]:
    """Register one returning walk-in per phone on the store at ``path``; each save's seconds."""
    store.open_store(path)
    try:
        by = Actor.member(team.require_staff(RECEPTIONIST))
        timings = []
        for phone in phones:
            data = registration.RegistrationInput(kind="walkin", phone=phone, party_size=2)
            started = time.perf_counter()
            saved = registration.register(data, by=by)
            timings.append(time.perf_counter() - started)
            assert saved.visit == "returning", (path, phone)
        return timings
    finally:
        store.close_store()


def _profile(path: str, phones: list[str]) -> str:
    """cProfile of saves (a separate, untimed pass: the profiler slows what it watches)."""
    profile = cProfile.Profile()
    profile.enable()
    _saves(path, phones)
    profile.disable()
    report = io.StringIO()
    pstats.Stats(profile, stream=report).sort_stats("cumulative").print_stats(15)
    return report.getvalue()


def measure(store_path: str, rounds: int = ROUNDS, per_round: int = SAVES_PER_ROUND) -> dict:
    migrated(store_path)
    with tempfile.TemporaryDirectory(prefix="bench-save-") as scratch:
        large = Path(scratch) / "large.db"
        shutil.copyfile(store_path, large)
        needed = (rounds + 2) * per_round
        store.open_store(str(large))
        try:
            large_phones = _returning_phones(needed)
        finally:
            store.close_store()
        empty = Path(scratch) / "empty.db"
        empty_phones = empty_store(empty, str(large), needed)

        samples: dict[str, list[float]] = {"large": [], "empty": []}
        for number in range(rounds + 1):  # round 0 warms both stores up and is not counted
            part = slice(number * per_round, (number + 1) * per_round)
            timed_empty = _saves(str(empty), empty_phones[part])
            timed_large = _saves(str(large), large_phones[part])
            if number:
                samples["empty"] += timed_empty
                samples["large"] += timed_large
        large_median = statistics.median(samples["large"])
        empty_median = statistics.median(samples["empty"])
        profile = ""
        if large_median / empty_median > TARGET:
            profile = _profile(str(large), large_phones[-per_round:])
    return {
        "large": large_median,
        "empty": empty_median,
        "ratio": large_median / empty_median,
        "p90_large": statistics.quantiles(samples["large"], n=10)[-1],
        "p90_empty": statistics.quantiles(samples["empty"], n=10)[-1],
        "saves": len(samples["large"]),
        "profile": profile,
    }


def run(store_path: str) -> str:
    result = measure(store_path)
    ratio = result["ratio"]
    verdict = "met" if ratio <= TARGET else "**missed**"
    lines = [
        "## Saving a registration",
        "",
        "`registration.register` of a returning walk-in with a phone, large store ÷ empty"
        f" store: **{ratio:.2f}** (target ≤ {TARGET}: {verdict}).",
        "",
        f"- large {result['large'] * 1000:.2f} ms, empty {result['empty'] * 1000:.2f} ms per"
        f" save (commit with `synchronous=FULL` included; 90th percentile"
        f" {result['p90_large'] * 1000:.2f} / {result['p90_empty'] * 1000:.2f} ms); medians of"
        f" {result['saves']} saves"
        f" each, {ROUNDS} alternating rounds after a warm-up round, each save a different"
        " returning customer.",
        "- reproduce: `.venv/bin/python -m bench --only save`",
        "",
    ]
    if ratio > TARGET:
        lines += ["Profile of the large store's saves:", "", "```", result["profile"], "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run(sys.argv[1]))

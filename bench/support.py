"""What the start-up, save, keystroke and latency benchmarks share (no ``bench_`` prefix:
not run)."""

from __future__ import annotations

import statistics as stats_lib
import time
from collections.abc import Callable
from pathlib import Path

from frontdesk import store
from frontdesk.desk import registration
from frontdesk.people import team
from frontdesk.people.actor import OPERATOR
from frontdesk.store import codes
from frontdesk.store.models import Staff


def migrated(store_path: str) -> None:
    """Open and close a store once, so that any pending migration is applied now.

    The large store is built once and cached; migrations written since then are applied by
    its next open, which must not be the one a benchmark times.
    """
    store.open_store(store_path)
    store.close_store()


def empty_store(path: Path, like: str, count: int) -> list[str]:
    """A fresh store with the large store's staff and models and ``count`` returning customers."""
    store.open_store(like)
    try:
        staff = [(m.name, m.role) for m in Staff.select().order_by(Staff.id)]
        models = codes.names(codes.MODEL)
    finally:
        store.close_store()
    store.open_store(str(path))
    try:
        for name, role in staff:
            team.add_staff(name, role, by=OPERATOR)
        codes.add(codes.MODEL, *models)
        phones = [f"139{n:08d}" for n in range(1, count + 1)]
        for phone in phones:
            registration.register(
                registration.RegistrationInput(phone=phone, name="老客户", model=models[0]),
                by=OPERATOR,
            )
    finally:
        store.close_store()
    return phones


def side_by_side(core: Callable[[], object], raw: Callable[[], object], runs: int):
    """Median seconds of each, their runs interleaved (warmed up once)."""
    core(), raw()
    core_times, raw_times = [], []
    for _ in range(runs):
        for job, times in ((core, core_times), (raw, raw_times)):
            started = time.perf_counter()
            job()
            times.append(time.perf_counter() - started)
    return stats_lib.median(core_times), stats_lib.median(raw_times)


def add_consultant_row(
    by_consultant: dict, name, returning, parties, on_file, drives, orders
) -> None:
    """Add one row of the hand-written consultant split (a returning flag's parties) into
    ``by_consultant``'s figures of ``name``, as the statistics count them."""
    row = by_consultant.setdefault(
        name or "",
        {"parties": 0, "first": 0, "first_on_file": 0, "test_drives": 0, "orders": 0},
    )
    row["parties"] += parties
    row["test_drives"] += drives
    row["orders"] += orders
    if not returning:
        row["first"] += parties
        row["first_on_file"] += on_file

"""The contact table (F6): opening it to the complete screen with 100 000 open intent
customers ÷ with 100 (target ≤ 1.5), and the peak memory of the process, the same way
(target ≤ 1.3).

Each measurement is a fresh process (``python bench/bench_contacts.py --probe DB``): the
real app headless at 120×36 (``App.run_test``), today's log loaded first, then F6 is
pressed and the clock runs until the screen is complete: the grid has painted its first
page of rows (the first ``render_line`` of a loaded row) and the foot its totals (the
first ``render_line`` of the foot with text in it: before the totals come it is blank),
whichever comes last — detected the same way in both stores. The process's peak resident
memory (``VmHWM``) is read once the screen has finished loading. The two stores are
measured alternately, after one warm-up each; the figures are ratios of medians. As
context, the time to the first painted row alone (the headline before issue 16), to the
last row after End, and where the time goes (median time in each query of
``frontdesk.followup.contact_table``).

The large store is copied first (with its write-ahead log, if any) and the copy migrated
and measured: the store given is never written.

``python bench/bench_contacts.py LARGE_DB`` runs it on its own; ``python -m bench`` runs it
with the others.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

RUNS = 7
TIME_TARGET = 1.5
MEMORY_TARGET = 1.3
SIZE = (120, 36)
TIMEOUT_S = 300
SMALL = {"registrations": 1_000, "intent_customers": 100, "contacts": 300}
QUERIES = ("count", "rows_from", "page", "with_marks", "totals")


# -- the child process --------------------------------------------------------------------


def _peak_rss_kb() -> int:
    """This process's peak resident memory in KiB.

    Linux's ``VmHWM`` belongs to this program's own address space; ``ru_maxrss`` would not
    do here, since it survives fork and exec and so reports the parent's peak (the runner's,
    after building the large store) when that is larger.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


async def _probe(db_path: str) -> dict:

    from textual.widgets import Static

    from frontdesk import store
    from frontdesk.followup import contact_table
    from frontdesk.store import settings
    from frontdesk.store.models import Staff
    from screens import app as app_module
    from screens.app import FrontdeskApp
    from screens.followup import contact_grid

    spent: dict[str, float] = {name: 0.0 for name in QUERIES}

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started

        return wrapper

    for name in QUERIES:
        setattr(contact_table, name, timed(name, getattr(contact_table, name)))

    painted: dict[str, float] = {}
    real_render_line = contact_grid.ContactGrid.render_line

    def render_line(self, y):
        strip = real_render_line(self, y)
        index = int(self.scroll_y) + y - contact_grid.HEADER_LINES
        if y >= contact_grid.HEADER_LINES and self.row_at(index) is not None:
            painted.setdefault(f"row{index}", time.perf_counter())
        return strip

    contact_grid.ContactGrid.render_line = render_line
    real_static_line = Static.render_line

    def static_line(self, y):
        strip = real_static_line(self, y)
        if self.id == "contacts-foot" and strip.text.strip():
            painted.setdefault("foot", time.perf_counter())
        return strip

    Static.render_line = static_line

    store.open_store(db_path)
    # A manager: the table shows every consultant's customers (a consultant sees their own).
    manager = Staff.select().where(Staff.role == "manager").order_by(Staff.id).first()
    app = FrontdeskApp(staff=manager, store_name=settings.store_name(), watch_interval=None)
    async with app.run_test(size=SIZE) as pilot:
        # Start-up done first, its delayed warm-up (the pinyin and phone libraries) too: it
        # happens in every session, and must not fall inside the measured opening.
        await pilot.pause(getattr(app_module, "WARM_UP_DELAY_S", 0) + 0.1)
        await app.workers.wait_for_complete()
        await pilot.pause()
        for name in QUERIES:
            spent[name] = 0.0
        started = time.perf_counter()
        await pilot.press("f6")
        while "row0" not in painted or "foot" not in painted:
            await pilot.pause(0.001)
        opened = painted["row0"] - started
        complete = max(painted["row0"], painted["foot"]) - started
        foot = painted["foot"] - started
        await app.workers.wait_for_complete()
        await pilot.pause()
        grid = app.screen.query_one(contact_grid.ContactGrid)
        total = grid.total
        last = f"row{total - 1}"
        started = time.perf_counter()
        await pilot.press("end")
        while last not in painted:
            await pilot.pause(0.001)
        to_end = painted[last] - started
        await app.workers.wait_for_complete()
        await pilot.pause()
    peak_kb = _peak_rss_kb()
    return {
        "complete_s": complete,
        "foot_s": foot,
        "open_s": opened,
        "end_s": to_end,
        "peak_mb": peak_kb / 1024,
        "rows": total,
        "queries_ms": {name: spent[name] * 1000 for name in QUERIES},
    }


def _child(db_path: str) -> int:
    import asyncio

    print(json.dumps(asyncio.run(_probe(db_path))), flush=True)
    return 0


# -- the parent ---------------------------------------------------------------------------


def read_through(db_path: str) -> None:
    """Read the store's files once, so that the probe finds them in the page cache as a desk
    in use does: a machine that drops its cache between probes would otherwise time the
    disk (reading 450 MB costs the large store, not the small one, up to a second)."""
    for path in (db_path, db_path + "-wal"):
        if Path(path).exists():
            with open(path, "rb") as file:
                while file.read(1 << 20):
                    pass


def probe(db_path: str) -> dict:
    read_through(db_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTDESK_")}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--probe", db_path],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        cwd=ROOT,
        env=env,
        check=False,
    )
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(
            f"contact-table probe on {db_path} failed:\n{done.stdout}\n{done.stderr}"
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def small_store(folder: Path) -> Path:
    from bench.generate import build_store

    path = folder / "store-contacts-small.db"
    build_store(path, **SMALL)
    return path


def private_copy(path: str, folder: Path) -> str:
    """A copy of the store at ``path`` (and its write-ahead log) in ``folder``."""
    copy = folder / Path(path).name
    shutil.copyfile(path, copy)
    if Path(path + "-wal").exists():
        shutil.copyfile(path + "-wal", str(copy) + "-wal")
    return str(copy)


def measure(given: str, runs: int = RUNS) -> dict:
    from bench.support import migrated

    with tempfile.TemporaryDirectory() as folder:
        large = private_copy(given, Path(folder))
        migrated(large)
        small = str(small_store(Path(folder)))
        migrated(small)
        probe(small)  # warm-up: the .pyc files and the page cache, the same for both
        probe(large)
        results: dict[str, list[dict]] = {"small": [], "large": []}
        for _ in range(runs):
            results["small"].append(probe(small))
            results["large"].append(probe(large))

    def median(which: str, key: str) -> float:
        return statistics.median(r[key] for r in results[which])

    summary = {
        which: {
            "complete_s": median(which, "complete_s"),
            "foot_s": median(which, "foot_s"),
            "open_s": median(which, "open_s"),
            "end_s": median(which, "end_s"),
            "peak_mb": median(which, "peak_mb"),
            "rows": results[which][0]["rows"],
            "queries_ms": {
                name: statistics.median(r["queries_ms"][name] for r in results[which])
                for name in QUERIES
            },
        }
        for which in results
    }
    summary["time_ratio"] = summary["large"]["complete_s"] / summary["small"]["complete_s"]
    summary["first_row_ratio"] = summary["large"]["open_s"] / summary["small"]["open_s"]
    summary["memory_ratio"] = summary["large"]["peak_mb"] / summary["small"]["peak_mb"]
    summary["runs"] = runs
    return summary


def run(store_path: str) -> str:
    result = measure(store_path)
    small, large = result["small"], result["large"]

    def verdict(ratio: float, target: float) -> str:
        return "met" if ratio <= target else "**missed**"

    lines = [
        "## The contact table (F6)",
        "",
        f"Opening F6 to the complete screen (its first page of rows and the totals under"
        f" them painted), {large['rows']:,} open intent customers ÷ {small['rows']:,}:"
        f" **{result['time_ratio']:.2f}** (target ≤ {TIME_TARGET}:"
        f" {verdict(result['time_ratio'], TIME_TARGET)}).",
        "",
        f"Peak memory of the process, the same two: **{result['memory_ratio']:.2f}**"
        f" (target ≤ {MEMORY_TARGET}: {verdict(result['memory_ratio'], MEMORY_TARGET)}).",
        "",
        f"- complete: {large['complete_s'] * 1000:.0f} ms with {large['rows']:,},"
        f" {small['complete_s'] * 1000:.0f} ms with {small['rows']:,}; medians of"
        f" {result['runs']} alternating runs in fresh processes, headless at"
        f" {SIZE[0]}×{SIZE[1]}, from pressing F6 on today's log to the later of the first"
        " row and the foot's totals painted (each its first `render_line` with them).",
        f"- of which the first row: {large['open_s'] * 1000:.0f} ms and"
        f" {small['open_s'] * 1000:.0f} ms (ratio {result['first_row_ratio']:.2f}); the"
        f" totals: {large['foot_s'] * 1000:.0f} ms and {small['foot_s'] * 1000:.0f} ms.",
        f"- peak memory {large['peak_mb']:.0f} MB and {small['peak_mb']:.0f} MB.",
        f"- End (jump to the last row) to its row painted: {large['end_s'] * 1000:.0f} ms with"
        f" {large['rows']:,}, {small['end_s'] * 1000:.0f} ms with {small['rows']:,}.",
        "- the small store: `build_store(registrations=1_000, intent_customers=100,"
        " contacts=300)`; the rows are paged by keyset from the intent cycles' index on"
        " `(opened_at, id, closed_at, customer_id)` and drawn by a virtual grid"
        " (`screens/followup/contact_grid.py`); the totals of the month in progress are"
        " read from the counts the store keeps of its open rows (`open_by_met`,"
        " `open_by_due`, kept by triggers: migration 0020), summed from their indexes alone"
        " (0026; overdue as the open rows less those due from today on), on a thread of"
        " their own started with the rows'.",
        "- the large store is measured on a private copy (migrated there), never in place;"
        " before each probe the store's files are read through once (the page cache warm, as"
        " on a desk in use).",
        "- reproduce: `.venv/bin/python -m bench --only contacts`"
        " (or `.venv/bin/python bench/bench_contacts.py LARGE_DB`)",
        "",
        "Time in each query while opening and jumping to the end (median ms per run, summed"
        " over threads):",
        "",
        f"| query | {large['rows']:,} | {small['rows']:,} |",
        "|---|---:|---:|",
    ]
    for name in QUERIES:
        lines.append(
            f"| `contact_table.{name}` | {large['queries_ms'][name]:.1f}"
            f" | {small['queries_ms'][name]:.1f} |"
        )
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--probe":
        raise SystemExit(_child(sys.argv[2]))
    print(run(sys.argv[1]))

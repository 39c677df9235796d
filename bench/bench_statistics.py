"""Statistics (F5, ``frontdesk stats``): the core against the same aggregates by hand.

Side by side on the large store, runs interleaved: ``statistics.daily_statistics`` and
``statistics.month_sheet`` (peewee queries, results assembled into dataclasses) against the
same GROUP BY queries written by hand and run on a raw ``sqlite3`` connection with the
store's cache size, their rows gathered into plain dicts. The two must agree (checked
before timing); the ratio is the price of the core's layer over the SQL, which does the
work. Targets: a day ≤ 1.5, a month sheet ≤ 2. A missed target appends a profile.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import pstats
import sqlite3
from collections.abc import Callable

from bench.support import add_consultant_row, side_by_side
from frontdesk import months, store
from frontdesk.stats import statistics

DAY_RUNS = 15
MONTH_RUNS = 7
DAY_TARGET = 1.5
MONTH_TARGET = 2.0

_EARLIER = """EXISTS (
    SELECT 1 FROM registration e WHERE e.customer_id = r.customer_id AND e.kind = '{kind}'
    AND e.time_in <= r.time_in AND (e.time_in < r.time_in OR e.id < r.id))"""
_EARLIER_WALKIN, _EARLIER_CALL = _EARLIER.format(kind="walkin"), _EARLIER.format(kind="phone")
_CONTACTED = """EXISTS (
    SELECT 1 FROM contact c WHERE c.customer_id = r.customer_id AND c.at < r.time_in
    AND (c.registration_id IS NULL OR c.registration_id != r.id))"""
_RETURNING = f"""CASE WHEN r.kind = 'walkin' AND r.customer_id IS NOT NULL AND {_EARLIER_WALKIN}
    THEN 1 ELSE 0 END"""
_REPEAT = f"""CASE WHEN r.customer_id IS NOT NULL AND ({_EARLIER_WALKIN} OR {_EARLIER_CALL})
    THEN 1 ELSE 0 END"""
_INVITED = f"""r.kind = 'walkin' AND r.customer_id IS NOT NULL AND NOT {_EARLIER_WALKIN}
    AND ({_EARLIER_CALL} OR {_CONTACTED})"""
RAW_TOTALS = f"""
SELECT substr(r.time_in, 1, 10) AS day, r.kind, {_RETURNING} AS is_returning,
       {_REPEAT} AS is_repeat, COUNT(*), SUM(r.party_size), SUM(r.phone IS NOT NULL),
       SUM(r.customer_id IS NOT NULL), SUM(r.test_drive), SUM(r.quote), SUM(r.ordered),
       SUM(CASE WHEN {_INVITED} THEN 1 ELSE 0 END),
       SUM(CASE WHEN r.time_out IS NOT NULL
           THEN strftime('%s', r.time_out) - strftime('%s', r.time_in) END),
       COUNT(r.time_out), SUM(r.time_out IS NULL)
FROM registration r WHERE r.time_in >= ? AND r.time_in < ?
GROUP BY day, r.kind, is_returning, is_repeat"""
RAW_SPLIT = """
SELECT substr(time_in, 1, 10) AS day, {key} AS key, kind, COUNT(*)
FROM registration WHERE kind IN ('walkin', 'phone') AND time_in >= ? AND time_in < ?
GROUP BY day, key, kind"""
RAW_CONSULTANT = f"""
SELECT substr(r.time_in, 1, 10) AS day, r.consultant_id, {_RETURNING} AS is_returning, COUNT(*),
       SUM(r.phone IS NOT NULL), SUM(r.test_drive), SUM(r.ordered)
FROM registration r
WHERE r.kind = 'walkin' AND r.time_in >= ? AND r.time_in < ?
GROUP BY day, r.consultant_id, is_returning"""
RAW_NAMES = "SELECT id, name FROM staff"
# New intent customers (新增意向): the intent cycles met face to face on the day, by the
# level then (a defeated customer who comes back is new again), as the statistics count them.
RAW_NEW_INTENT = """
SELECT substr(met_at, 1, 10) AS day, met_level, COUNT(*)
FROM intent_cycle
WHERE met_at >= ? AND met_at < ?
GROUP BY day, met_level"""


def raw_statistics(conn: sqlite3.Connection, first: dt.date, last: dt.date) -> dict:
    """The same figures by hand: {day: {"walkin": {…}, "phone": {…}, splits…}}."""
    bounds = (f"{first} 00:00:00", f"{last + dt.timedelta(days=1)} 00:00:00")
    days: dict[str, dict] = {}

    def day_of(day: str) -> dict:
        if day not in days:
            days[day] = {
                "walkin": dict.fromkeys(
                    (
                        "parties",
                        "people",
                        "returning",
                        "first_on_file",
                        "invited",
                        "test_drives",
                        "quotes",
                        "orders",
                        "stay",
                        "left",
                        "open",
                    ),
                    0,
                ),
                "phone": {"calls": 0, "repeat": 0, "on_file": 0},
                "leads": 0,
                "new_intent": {},
                "by_hour": {},
                "by_channel": {},
                "by_model": {},
                "by_consultant": {},
            }
        return days[day]

    for row in conn.execute(RAW_TOTALS, bounds):
        day, kind, returning, repeat, n, people, on_file, customers = row[:8]
        drives, quotes, orders, invited, stay, left, open_ = row[8:]
        figures = day_of(day)
        new_leads = 0 if repeat else customers
        figures["leads"] += new_leads
        if kind == "walkin":
            walkin = figures["walkin"]
            walkin["parties"] += n
            walkin["people"] += people
            walkin["test_drives"] += drives
            walkin["quotes"] += quotes
            walkin["orders"] += orders
            walkin["invited"] += invited
            walkin["stay"] += stay or 0
            walkin["left"] += left
            walkin["open"] += open_
            if returning:
                walkin["returning"] += n
            else:
                walkin["first_on_file"] += on_file
        else:
            figures["phone"]["calls"] += n
            figures["phone"]["repeat"] += n if repeat else 0
            figures["phone"]["on_file"] += new_leads
    for split, key in (
        ("by_hour", "substr(time_in, 12, 2)"),
        ("by_channel", "channel"),
        ("by_model", "model"),
    ):
        for day, name, kind, n in conn.execute(RAW_SPLIT.format(key=key), bounds):
            row = day_of(day)[split].setdefault(name, {"walkin": 0, "phone": 0})
            row[kind] += n
    consultants = conn.execute(RAW_CONSULTANT, bounds).fetchall()
    names = dict(conn.execute(RAW_NAMES).fetchall())
    for day, consultant_id, returning, parties, on_file, drives, orders in consultants:
        name = names.get(consultant_id)
        add_consultant_row(
            day_of(day)["by_consultant"], name, returning, parties, on_file, drives, orders
        )
    for day, level, n in conn.execute(RAW_NEW_INTENT, bounds):
        day_of(day)["new_intent"][level] = n
    return days


def _agree(core: statistics.Statistics, raw: dict) -> None:
    walkin = raw["walkin"]
    assert (core.parties, core.people, core.returning, core.first_on_file) == (
        walkin["parties"],
        walkin["people"],
        walkin["returning"],
        walkin["first_on_file"],
    ), "the core and the hand-written SQL disagree"
    assert (core.test_drives, core.orders, core.open, core.calls) == (
        walkin["test_drives"],
        walkin["orders"],
        walkin["open"],
        raw["phone"]["calls"],
    )
    assert (core.quotes, core.invited, core.leads) == (
        walkin["quotes"],
        walkin["invited"],
        raw["leads"],
    )
    assert (core.repeat_calls, core.calls_on_file) == (
        raw["phone"]["repeat"],
        raw["phone"]["on_file"],
    )
    assert {k: v for k, v in core.new_intent.items() if v} == raw["new_intent"]
    assert core.by_consultant == raw["by_consultant"]


def _profile(job: Callable[[], object]) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        job()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(12)
    return out.getvalue()


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def run(store_path: str) -> str:
    db = store.open_store(store_path)
    conn = sqlite3.connect(store_path)
    conn.execute(f"PRAGMA cache_size = {store.SQLITE_PRAGMAS['cache_size']}")
    try:
        (latest,) = db.execute_sql("SELECT MAX(time_in) FROM registration").fetchone()
        day = dt.date.fromisoformat(latest[:10]) - dt.timedelta(days=1)  # a whole day
        month_start = day.replace(day=1) - dt.timedelta(days=1)  # the last whole month
        year, month = month_start.year, month_start.month
        month_dates = months.month_days(dt.date(year, month, 1))
        (day_rows,) = db.execute_sql(
            "SELECT COUNT(*) FROM registration WHERE time_in >= ? AND time_in < ?",
            (f"{day} 00:00:00", f"{day + dt.timedelta(days=1)} 00:00:00"),
        ).fetchone()
        (month_rows,) = db.execute_sql(
            "SELECT COUNT(*) FROM registration WHERE time_in >= ? AND time_in < ?",
            (f"{month_dates[0]} 00:00:00", f"{month_dates[-1] + dt.timedelta(days=1)} 00:00:00"),
        ).fetchone()

        core_day = statistics.daily_statistics(day)
        _agree(core_day, raw_statistics(conn, day, day)[day.isoformat()])
        sheet = statistics.month_sheet(year, month)
        raw_month = raw_statistics(conn, month_dates[0], month_dates[-1])
        for stats in sheet.days:
            if stats.day.isoformat() in raw_month:
                _agree(stats, raw_month[stats.day.isoformat()])

        def core_day_job():
            return statistics.daily_statistics(day)

        def raw_day_job():
            return raw_statistics(conn, day, day)

        def core_month_job():
            return statistics.month_sheet(year, month)

        def raw_month_job():
            return raw_statistics(conn, month_dates[0], month_dates[-1])

        day_core, day_raw = side_by_side(core_day_job, raw_day_job, DAY_RUNS)
        month_core, month_raw = side_by_side(core_month_job, raw_month_job, MONTH_RUNS)
        day_ratio, month_ratio = day_core / day_raw, month_core / month_raw
        lines = [
            "## Statistics (F5, `frontdesk stats`)",
            "",
            "`statistics.daily_statistics` and `statistics.month_sheet` against the same GROUP BY"
            " queries written by hand on a raw `sqlite3` connection (results checked equal"
            f" first); medians of {DAY_RUNS} (day) and {MONTH_RUNS} (month) interleaved runs.",
            "",
            "| measure | core | raw sqlite3 | ratio | target |",
            "|---|---:|---:|---:|---:|",
            f"| a day ({day}, {day_rows:,} registrations) | {_ms(day_core)} | {_ms(day_raw)}"
            f" | {day_ratio:.2f} | ≤ {DAY_TARGET} |",
            f"| a month sheet ({year}-{month:02d}, {month_rows:,} registrations)"
            f" | {_ms(month_core)} | {_ms(month_raw)} | {month_ratio:.2f} | ≤ {MONTH_TARGET} |",
            "",
        ]
        for ratio, target, job, name in (
            (day_ratio, DAY_TARGET, core_day_job, "day"),
            (month_ratio, MONTH_TARGET, core_month_job, "month sheet"),
        ):
            if ratio > target:
                lines += [
                    f"Target missed for the {name}: the core's profile (5 runs, cumulative):",
                    "",
                    "```",
                    _profile(job).strip(),
                    "```",
                    "",
                ]
        return "\n".join(lines)
    finally:
        conn.close()
        store.close_store()


if __name__ == "__main__":
    import sys

    print(run(sys.argv[1]))

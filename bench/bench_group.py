"""A dealer group on PostgreSQL at scale (``bench.generate_group``: 100 stores × 3 years,
about 10 million registrations; ``--quick``: 5 stores × 3 months).

Four measures, on the group's database reached as the desks' role (row-level security
binds it, as in a real group):

- the group's month (``statistics.group_month`` as the group manager) ÷ the same GROUP BY
  queries by store written by hand on a raw psycopg connection in the same kind of
  transaction (read only, ``frontdesk.group_read``), their rows gathered into plain dicts;
  the two checked equal first; medians of alternating runs (target ≤ 1.5);
- one store's day statistics (``statistics.daily_statistics``) on the group's database
  ÷ the same store's rows copied out into an SQLite file of its own;
- a save (``registration.register`` of a returning walk-in) under 20 desks saving at
  once, each in its own process and its own store: p50 and p99, failures; beside it one
  desk alone;
- the isolation check under that load: between its saves each desk reads its day's log,
  looks a customer up by a phone that every store has, and reads its day's statistics;
  every registration and customer the reads returned is looked up afterwards (as the
  server's superuser) and counted when it is another store's.

The group is built once per size and kept with its server in ``.bench/group-pg``
(git-ignored); the saves add today's rows to it (a few hundred a run: none in the month
or the day measured).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import sqlite3
import statistics as stats_lib
import tempfile
import time
from pathlib import Path

from bench.generate_group import (
    FULL,
    GROUP_MANAGER,
    QUICK,
    Group,
    GroupSize,
    customer_phone,
    group_database,
    receptionist_id,
    store_code,
    store_id,
)
from bench.support import add_consultant_row, side_by_side
from frontdesk import clock, months, store

NEEDS_LARGE_STORE = False  # ``bench.__main__``: this one builds its own
CACHE = Path(__file__).resolve().parent.parent / ".bench"
MONTH_RUNS, MONTH_RUNS_QUICK = 7, 3
DAY_ROUNDS = 5
DAY_RUNS_PER_ROUND = 3
DESKS = 20
SAVES_PER_DESK, SAVES_PER_DESK_QUICK = 25, 5
MONTH_TARGET = 1.5
REPRODUCE = "`.venv/bin/python -m bench --only group`"
TITLE = "## A dealer group on PostgreSQL"

# -- the group's month by hand: the product's queries, grouped by store, PostgreSQL's words --

_EARLIER = """EXISTS (
    SELECT 1 FROM registration e WHERE e.customer_id = r.customer_id AND e.kind = '{kind}'
    AND e.time_in <= r.time_in AND (e.time_in < r.time_in OR e.id < r.id))"""
_WALKIN_BEFORE, _CALL_BEFORE = _EARLIER.format(kind="walkin"), _EARLIER.format(kind="phone")
_CONTACTED = """EXISTS (
    SELECT 1 FROM contact c WHERE c.customer_id = r.customer_id AND c.at < r.time_in
    AND (c.registration_id IS NULL OR c.registration_id <> r.id))"""
# Every store, said so that the (store, moment) indexes are sought store by store (0025).
_EVERY_STORE = "store_id = ANY(ARRAY(SELECT id FROM store))"
_RETURNING = f"""CASE WHEN r.kind = 'walkin' AND r.customer_id IS NOT NULL AND {_WALKIN_BEFORE}
    THEN 1 ELSE 0 END"""
RAW_TOTALS = f"""
SELECT r.store_id, r.kind, {_RETURNING} AS is_returning,
       CASE WHEN r.customer_id IS NOT NULL AND ({_WALKIN_BEFORE} OR {_CALL_BEFORE})
            THEN 1 ELSE 0 END AS is_repeat,
       COUNT(*), SUM(r.party_size), SUM(CASE WHEN r.phone IS NOT NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN r.customer_id IS NOT NULL THEN 1 ELSE 0 END), SUM(r.test_drive),
       SUM(r.quote), SUM(r.ordered),
       SUM(CASE WHEN r.kind = 'walkin' AND r.customer_id IS NOT NULL AND NOT {_WALKIN_BEFORE}
                 AND ({_CALL_BEFORE} OR {_CONTACTED}) THEN 1 ELSE 0 END),
       SUM(CASE WHEN r.time_out IS NOT NULL THEN EXTRACT(EPOCH FROM r.time_out - r.time_in) END),
       COUNT(r.time_out),
       SUM(CASE WHEN r.time_out IS NULL AND r.left_unrecorded_at IS NULL THEN 1 ELSE 0 END)
  FROM registration r WHERE r.{_EVERY_STORE} AND r.time_in >= %s AND r.time_in < %s
 GROUP BY r.store_id, r.kind, is_returning, is_repeat"""
RAW_SPLIT = f"""
SELECT store_id, {{key}} AS key, kind, COUNT(*) FROM registration
 WHERE {_EVERY_STORE} AND kind IN ('walkin', 'phone') AND time_in >= %s AND time_in < %s
 GROUP BY store_id, key, kind"""
RAW_CONSULTANT = f"""
SELECT r.store_id, r.consultant_id, {_RETURNING} AS is_returning, COUNT(*),
       SUM(CASE WHEN r.phone IS NOT NULL THEN 1 ELSE 0 END), SUM(r.test_drive), SUM(r.ordered)
  FROM registration r
 WHERE r.{_EVERY_STORE} AND r.kind = 'walkin' AND r.time_in >= %s AND r.time_in < %s
 GROUP BY r.store_id, r.consultant_id, is_returning"""
RAW_NAMES = "SELECT id, name FROM staff"
RAW_NEW_INTENT = f"""
SELECT store_id, met_level, COUNT(*) FROM intent_cycle
 WHERE {_EVERY_STORE} AND met_at >= %s AND met_at < %s GROUP BY store_id, met_level"""
RAW_NEW_LEADS = f"""
SELECT store_id, opened_level, COUNT(*) FROM intent_cycle
 WHERE {_EVERY_STORE} AND opened_at >= %s AND opened_at < %s
   AND opened_by NOT IN ('walkin', 'visit')
 GROUP BY store_id, opened_level"""
RAW_STORES = "SELECT id, code, name FROM store ORDER BY code"
RAW_BASES = "SELECT store_id, value FROM setting WHERE key = 'rate_base'"

_FIGURES = ("parties", "people", "returning", "first_on_file", "test_drives", "quotes")
_FIGURES += ("orders", "invited", "stay", "left", "open", "calls", "repeat", "on_file", "leads")


def raw_group_month(conn, start: dt.datetime, end: dt.datetime) -> dict:
    """The month by hand: {store id: {figure: n, "by_…": {…}, "new_intent": {…}}}, in one
    read-only transaction that sees every store (what ``dialect.group_read`` does)."""
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        conn.execute("SELECT set_config('frontdesk.group_read', 'on', true)")
        stores = {
            sid: {
                "code": code,
                **dict.fromkeys(_FIGURES, 0),
                "by_hour": {},
                "by_channel": {},
                "by_model": {},
                "by_consultant": {},
                "new_intent": {},
                "new_leads": {},
            }
            for sid, code, _name in conn.execute(RAW_STORES).fetchall()
        }
        bases = dict(conn.execute(RAW_BASES).fetchall())
        for sid in stores:
            stores[sid]["rate_base"] = bases.get(sid)
        bounds = (start, end)
        for row in conn.execute(RAW_TOTALS, bounds).fetchall():
            sid, kind, returning, repeat, n, people, on_file, customers = row[:8]
            drives, quotes, orders, invited, stay, left, open_ = row[8:]
            figures = stores[sid]
            new_leads = 0 if repeat else customers
            figures["leads"] += new_leads
            if kind == "walkin":
                figures["parties"] += n
                figures["people"] += people
                figures["test_drives"] += drives
                figures["quotes"] += quotes
                figures["orders"] += orders
                figures["invited"] += invited
                figures["stay"] += int(stay or 0)
                figures["left"] += left
                figures["open"] += open_
                if returning:
                    figures["returning"] += n
                else:
                    figures["first_on_file"] += on_file
            else:
                figures["calls"] += n
                figures["repeat"] += n if repeat else 0
                figures["on_file"] += new_leads
        for split, key in (
            ("by_hour", "to_char(time_in, 'HH24')"),
            ("by_channel", "channel"),
            ("by_model", "model"),
        ):
            for sid, name, kind, n in conn.execute(RAW_SPLIT.format(key=key), bounds).fetchall():
                stores[sid][split].setdefault(name, {"walkin": 0, "phone": 0})[kind] += n
        consultants = conn.execute(RAW_CONSULTANT, bounds).fetchall()
        names = dict(conn.execute(RAW_NAMES).fetchall())
        for sid, consultant_id, returning, parties, on_file, drives, orders in consultants:
            name = names.get(consultant_id)
            add_consultant_row(
                stores[sid]["by_consultant"], name, returning, parties, on_file, drives, orders
            )
        for sid, level, n in conn.execute(RAW_NEW_INTENT, bounds).fetchall():
            stores[sid]["new_intent"][level] = n
        for sid, level, n in conn.execute(RAW_NEW_LEADS, bounds).fetchall():
            stores[sid]["new_leads"][level] = n
    return stores


def _agree(core, raw: dict) -> None:
    """The product's month and the one by hand are the same figures, store by store."""
    by_code = {figures["code"]: figures for figures in raw.values()}
    assert [row.code for row in core.stores] == sorted(by_code), "not the same stores"
    for row in core.stores:
        mine, theirs = row.figures, by_code[row.code]
        assert (
            mine.parties,
            mine.people,
            mine.returning,
            mine.first_on_file,
            mine.test_drives,
            mine.quotes,
            mine.orders,
            mine.invited,
            mine.stay_seconds,
            mine.left,
            mine.open,
            mine.calls,
            mine.repeat_calls,
            mine.calls_on_file,
            mine.leads,
        ) == tuple(theirs[name] for name in _FIGURES), f"{row.code}: the figures differ"
        assert {k: v for k, v in mine.new_intent.items() if v} == theirs["new_intent"], row.code
        assert {k: v for k, v in mine.new_leads.items() if v} == theirs["new_leads"], row.code
        assert mine.by_consultant == theirs["by_consultant"], row.code
        for split in ("by_hour", "by_channel", "by_model"):
            assert getattr(mine, split) == theirs[split], (row.code, split)


def _desk_url(group: Group) -> str:
    return group.url.replace("postgresql://frontdesk@", "postgresql://frontdesk_desk@")


def measure_month(group: Group, runs: int) -> dict:
    """(a): the group's month, the product as the group manager ÷ by hand."""
    import psycopg

    from frontdesk.people.actor import Actor
    from frontdesk.stats import statistics
    from frontdesk.store.models import Staff

    today = clock.today()
    month_first = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)  # last whole
    dates = months.month_days(month_first)
    start, end = clock.day_bounds(dates[0])[0], clock.day_bounds(dates[-1])[1]
    desk = _desk_url(group)
    db = store.open_store(desk, store_code(1))
    conn = psycopg.connect(desk)
    try:
        manager = Actor.member(Staff.get(Staff.login == GROUP_MANAGER))
        core = statistics.group_month(month_first.year, month_first.month, by=manager)
        _agree(core, raw_group_month(conn, start, end))

        def core_job():
            return statistics.group_month(month_first.year, month_first.month, by=manager)

        def raw_job():
            return raw_group_month(conn, start, end)

        core_s, raw_s = side_by_side(core_job, raw_job, runs)
        return {
            "month": f"{month_first:%Y-%m}",
            "registrations": core.total.parties + core.total.calls,
            "stores": len(core.stores),
            "core": core_s,
            "raw": raw_s,
            "ratio": core_s / raw_s,
            "runs": runs,
        }
    finally:
        conn.close()
        store.close_store()
        db.close_all()


# -- (b): one store's day, on the group's database and on its own file ------------------------


def copy_out(group: Group, number: int, path: Path) -> int:
    """The ``number``-th store's rows, copied as they are (ids kept) into a new SQLite store
    file at ``path`` as its one store; the registrations copied."""
    import psycopg

    from frontdesk.store import row_security

    store.open_store(str(path))  # the schema from the same migrations
    store.close_store()
    own = store_id(number)
    skipped = {"open_by_met", "open_by_due"}  # kept by the file's own triggers from the cycles
    lite = sqlite3.connect(path)
    copied = 0
    try:
        with psycopg.connect(group.url) as conn, lite:
            for table in ["person", *row_security.store_owned_tables()]:
                if table in skipped:
                    continue
                lite.execute(f'DELETE FROM "{table}"')  # the file's seeded code lists
                columns = [row[1] for row in lite.execute(f'PRAGMA table_info("{table}")')]
                where = (
                    'WHERE "id" IN (SELECT person_id FROM staff WHERE store_id = %s)'
                    if table == "person"
                    else 'WHERE "store_id" = %s'
                )
                names = ", ".join(f'"{c}"' for c in columns)
                cursor = conn.execute(f'SELECT {names} FROM "{table}" {where}', (own,))
                marks = ", ".join("?" * len(columns))
                at = columns.index("store_id") if "store_id" in columns else None
                while batch := cursor.fetchmany(20_000):
                    rows = [
                        [1 if i == at else value for i, value in enumerate(row)] for row in batch
                    ]
                    lite.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
                    if table == "registration":
                        copied += len(rows)
        lite.execute("ANALYZE")
    finally:
        lite.close()
    return copied


def _day_runs(target: str, code: str | None, day: dt.date, runs: int) -> list[float]:
    from frontdesk.stats import statistics

    db = store.open_store(target, code)
    try:
        statistics.daily_statistics(day)  # warm: the connection, the compiled SQL
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            statistics.daily_statistics(day)
            times.append(time.perf_counter() - started)
        return times
    finally:
        store.close_store()
        if hasattr(db, "close_all"):
            db.close_all()


def _index_reads(plan: dict) -> tuple[str, int, int] | None:
    """(index, rows it gave, rows then removed by a filter) of the first index scan of the
    day's registrations (``t1``; not the EXISTS probes by customer) in an EXPLAIN's JSON
    plan, a bitmap scan's index under its heap scan."""
    if plan.get("Relation Name") == "registration" and plan.get("Alias") == "t1":
        removed = plan.get("Rows Removed by Filter", 0)
        if "Index Name" in plan:  # an index scan: the rows it kept, and those it removed
            return plan["Index Name"], plan["Actual Rows"] + removed, removed
        for child in plan.get("Plans", []):  # a bitmap heap scan over its index
            if "Index Name" in child:
                return child["Index Name"], child["Actual Rows"], removed
    for child in plan.get("Plans", []):
        found = _index_reads(child)
        if found is not None:
            return found
    return None


def day_reads(desk: str, day: dt.date) -> tuple[str, int, int]:
    """What the day's first query (the totals) reads on the group, as the desk of the first
    store: (the index it seeks the day's registrations by, the rows that index gave, the rows
    the row-level security policy then threw away), from EXPLAIN ANALYZE."""
    import json

    from frontdesk.stats import statistics

    db = store.open_store(desk, store_code(1))
    seen: list[tuple[str, object]] = []
    run = db.execute_sql

    def recorded(sql, params=None, *args, **kwargs):
        seen.append((sql, params))
        return run(sql, params, *args, **kwargs)

    try:
        db.execute_sql = recorded
        statistics.daily_statistics(day)
        db.execute_sql = run
        sql, params = next((q, p) for q, p in seen if '"registration"' in q)
        (plan,) = run("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params).fetchone()
        plan = json.loads(plan) if isinstance(plan, str) else plan
        found = _index_reads(plan[0]["Plan"])
        assert found is not None, "the day's registrations are read by no index"
        return found
    finally:
        db.execute_sql = run
        store.close_store()
        db.close_all()


def measure_day(group: Group) -> dict:
    """(b): the first store's yesterday, on the group's database ÷ on its own file."""
    import psycopg

    from frontdesk.stats import statistics

    day = clock.today() - dt.timedelta(days=1)
    desk = _desk_url(group)
    with tempfile.TemporaryDirectory(prefix="bench-group-") as scratch:
        path = Path(scratch) / "one-store.db"
        copied = copy_out(group, 1, path)
        store.open_store(str(path))
        try:
            on_file = statistics.daily_statistics(day).figures_json()
        finally:
            store.close_store()
        db = store.open_store(desk, store_code(1))
        try:
            on_group = statistics.daily_statistics(day).figures_json()
        finally:
            store.close_store()
            db.close_all()
        assert on_file == on_group, "the store's day differs between its file and the group"
        group_times: list[float] = []
        file_times: list[float] = []
        for _ in range(DAY_ROUNDS):
            file_times += _day_runs(str(path), None, day, DAY_RUNS_PER_ROUND)
            group_times += _day_runs(desk, store_code(1), day, DAY_RUNS_PER_ROUND)
    group_s, file_s = stats_lib.median(group_times), stats_lib.median(file_times)
    with psycopg.connect(group.url) as conn:  # the superuser: every store's rows of the day
        start, end = clock.day_bounds(day)
        (whole_day,) = conn.execute(
            "SELECT COUNT(*) FROM registration WHERE time_in >= %s AND time_in < %s", (start, end)
        ).fetchone()
    index, given, removed = day_reads(desk, day)
    return {
        "index": index,
        "index_rows": given,
        "removed": removed,
        "group_day_rows": whole_day,
        "day": day.isoformat(),
        "day_rows": on_group["walkin"]["parties"] + on_group["phone"]["calls"],
        "copied": copied,
        "group": group_s,
        "file": file_s,
        "ratio": group_s / file_s,
        "runs": len(group_times),
    }


# -- (c), (d): desks saving at once, each in its own store, reading between saves -------------


def desk_worker(number: int, url: str, saves: int, seed: int, start, results) -> None:
    """One store's desk (a process of its own): ``saves`` returning walk-ins, and between
    them the reads a desk makes; what it saw, sent back on ``results``."""
    from frontdesk.desk import day_log, registration
    from frontdesk.people.actor import Actor
    from frontdesk.stats import statistics
    from frontdesk.store.models import Customer, Staff

    rng = random.Random(seed)
    db = store.open_store(url, store_code(number))
    out: dict = {"store": store_id(number), "times": [], "failures": [], "registrations": []}
    out["customers"] = []
    try:
        by = Actor.member(Staff.get(Staff.id == receptionist_id(number)))
        walked_in = [  # customers of this store who walked in before: returning walk-ins
            phone
            for (phone,) in Customer.select(Customer.phone)
            .where(Customer.first_contact < clock.today())
            .order_by(Customer.id)
            .limit(saves * 4)
            .tuples()
        ]
        rng.shuffle(walked_in)
        start.wait()
        for phone in walked_in[:saves]:
            data = registration.RegistrationInput(kind="walkin", phone=phone, party_size=2)
            began = time.perf_counter()
            try:
                saved = registration.register(data, by=by)
            except Exception as error:  # a failed save is counted and named, not fatal
                out["failures"].append(f"{type(error).__name__}: {error}")
            else:
                out["registrations"].append(saved.id)
            out["times"].append(time.perf_counter() - began)
            # The reads between saves: today's log, a look-up by a phone every store has.
            out["registrations"] += [row.id for row in day_log.day_log(clock.today())]
            found = registration.lookup(customer_phone(rng.randrange(1, 200)))
            if found is not None:
                out["customers"].append(found.id)
            statistics.daily_statistics(clock.today())
    except Exception as error:
        out["failures"].append(f"{type(error).__name__}: {error}")
    finally:
        store.close_store()
        db.close_all()
        results.put(out)


def _desks(group: Group, count: int, saves: int) -> dict:
    """``count`` desks of the first ``count`` stores saving at once (each a process)."""
    import psycopg

    context = multiprocessing.get_context("spawn")
    start = context.Barrier(count)
    results = context.Queue()
    desk = _desk_url(group)
    workers = [
        context.Process(target=desk_worker, args=(number, desk, saves, number, start, results))
        for number in range(1, count + 1)
    ]
    load = os.getloadavg()[0]
    began = time.perf_counter()
    for worker in workers:
        worker.start()
    outs = [results.get(timeout=900) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    wall = time.perf_counter() - began
    times = sorted(t for out in outs for t in out["times"])
    foreign = checked = 0
    with psycopg.connect(group.url) as conn:  # the superuser: sees whose each row is
        for out in outs:
            for table, ids in (
                ("registration", out["registrations"]),
                ("customer", out["customers"]),
            ):
                checked += len(ids)
                (n,) = conn.execute(
                    f"SELECT COUNT(*) FROM unnest(%s::int[]) AS seen(id)"
                    f" JOIN {table} t ON t.id = seen.id WHERE t.store_id <> %s",
                    (ids, out["store"]),
                ).fetchone()
                foreign += n
    quantiles = (  # inclusive: never past the slowest save seen
        stats_lib.quantiles(times, n=100, method="inclusive") if len(times) > 1 else times * 99
    )
    return {
        "desks": count,
        "saves": len(times),
        "p50": stats_lib.median(times),
        "p99": quantiles[98],
        "worst": times[-1],
        "failures": [f for out in outs for f in out["failures"]],
        "foreign": foreign,
        "checked": checked,
        "wall": wall,
        "load": load,
    }


# -- the section ------------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _skipped(reason: str) -> str:
    return "\n".join([TITLE, "", f"Not measured: {reason}", "", f"- reproduce: {REPRODUCE}", ""])


def run(store_path: str, quick: bool = False) -> str:
    size: GroupSize = QUICK if quick else FULL
    group = group_database(CACHE, size)
    if group is None:
        return _skipped(
            "no PostgreSQL server binaries were found (`initdb` on PATH or in"
            " /usr/lib/postgresql/VERSION/bin)."
        )
    load = os.getloadavg()[0]
    saves = SAVES_PER_DESK_QUICK if quick else SAVES_PER_DESK
    desks = min(DESKS, size.stores)
    try:
        month = measure_month(group, MONTH_RUNS_QUICK if quick else MONTH_RUNS)
        day = measure_day(group)
        alone = _desks(group, 1, saves)
        crowd = _desks(group, desks, saves)
    finally:
        group.cluster.stop()  # kept on disk for the next run, not left running
    built = group.built
    seconds = built["seconds"]
    verdict = "met" if month["ratio"] <= MONTH_TARGET else "**missed**"
    isolation = "none" if crowd["foreign"] == 0 else f"**{crowd['foreign']}**"
    failures = crowd["failures"] + alone["failures"]
    lines = [
        TITLE,
        "",
        f"The group's month (`statistics.group_month` as the group manager) ÷ the same SQL by"
        f" hand: **{month['ratio']:.2f}** (target ≤ {MONTH_TARGET}: {verdict}).",
        "",
        f"Rows of another store returned to a desk under load: **{crowd['foreign']}** of"
        f" {crowd['checked']:,} checked (must be 0: {'met' if not crowd['foreign'] else 'missed'}"
        ").",
        "",
        f"- the group: {size.stores} stores × {size.days} days, {size.per_store:,} registrations"
        f" a store ({size.stores * size.per_store:,} in all),"
        f" {size.customers_per_store * size.stores:,} customers,"
        f" {size.intent_per_store * size.stores:,} open intent customers"
        " (`bench/generate_group.py`);"
        f" built {built['built_at']} in {seconds['total']:.0f} s (registrations"
        f" {seconds['registrations']:.0f} s, indexes {seconds['indexes']:.0f} s, vacuum and"
        f" analyze {seconds['vacuum, analyze']:.0f} s), {built['bytes'] / 2**30:.2f} GiB on disk"
        f" ({built.get('server_bytes', 0) / 2**30:.2f} GiB the server's whole folder, its WAL"
        " included);"
        " PostgreSQL as `tests/postgres.py` starts it, with shared_buffers 1 GB;"
        " every measure as the desks' role (`frontdesk_desk`, bound by row-level security).",
        f"- the month {month['month']} ({month['registrations']:,} registrations,"
        f" {month['stores']} stores: the migrations' own `main`, empty, among them)"
        f": {_ms(month['core'])} product, {_ms(month['raw'])} by hand"
        f" (the same GROUP BY queries by store on a raw psycopg connection, in the same"
        f" read-only transaction with `frontdesk.group_read`; every store's figures checked"
        f" equal first); medians of {month['runs']} alternating runs.",
        f"- one store's day ({store_code(1)}, {day['day']}, {day['day_rows']:,} registrations)"
        f" with `statistics.daily_statistics`, on the group's database ÷ on the store's own"
        f" SQLite file: **{day['ratio']:.2f}** ({_ms(day['group'])} and {_ms(day['file'])};"
        f" the store's {day['copied']:,} registrations and its other rows copied out, ids kept,"
        f" the figures checked equal first); medians of {day['runs']} runs each, in"
        f" {DAY_ROUNDS} alternating rounds. The day's totals query (EXPLAIN ANALYZE) reads"
        f" {day['index_rows']:,} registrations from the index `{day['index']}` and the"
        f" row-level security policy throws away {day['removed']:,} (the whole group's day:"
        f" {day['group_day_rows']:,}).",
        f"- a save under {desks} desks at once, each a process of its own in its own store,"
        f" saving returning walk-ins as fast as they can and between saves reading today's"
        f" log, a customer by phone and today's statistics: p50 {_ms(crowd['p50'])},"
        f" p99 {_ms(crowd['p99'])}, worst {_ms(crowd['worst'])} over {crowd['saves']} saves"
        f" ({crowd['wall']:.1f} s in all); one desk alone: p50 {_ms(alone['p50'])},"
        f" p99 {_ms(alone['p99'])} over {alone['saves']} saves. Failures: {len(failures)}"
        + (f" (first: {failures[0]})" if failures else "")
        + ".",
        f"- isolation under that load: every registration (the saves' own and every row of"
        f" the day's logs) and every customer found by phone (the same numbers are on file"
        f" in every store) looked up afterwards by the server's superuser:"
        f" {crowd['checked']:,} rows, another store's: {isolation}.",
        f"- machine load when the measures began: {load:.1f}, when the {desks} desks started:"
        f" {crowd['load']:.1f} (1-minute average, {os.cpu_count()} cores).",
        f"- reproduce: {REPRODUCE}" + (" (`--quick`: the small group)" if quick else ""),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    print(run("", quick="--quick" in sys.argv))

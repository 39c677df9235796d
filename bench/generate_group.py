"""A generator of a dealer group on PostgreSQL for benchmarks: N stores × some days.

``build_group(url, stores=100, days=3 * 365)`` fills a new, migrated database (the schema
from the real migrations: ``store.open_store``) with ``stores`` stores, each with the
staff of a showroom (20 consultants, 3 receptionists, 2 managers; each a person of the
group), its code lists and settings, and over ``days`` ending today: its registrations
(33,334 a year: 100 stores × 3 years ≈ 10 million), its customers (the 70 % of the
registrations that left a phone, a customer coming back now and then), a tenth of them
open intent customers with a level, their level change and their intent cycle (met at a
walk-in), three follow-up contacts each over the last quarter, and the counts of open
rows the triggers keep (migration 0020). Every row carries its store. A group manager
(``GROUP_MANAGER``) is on the first store's staff.

It is written by the server itself (``INSERT … SELECT`` over ``generate_series``, seeded
with ``setseed``): nothing crosses the socket row by row, which is faster than ``COPY``
from Python. The big tables' indexes (but their primary keys) are dropped before the load
and made again after it, triggers and foreign-key checks are off while loading
(``session_replication_role = replica``: the generator writes what they would), then
every id counter is moved past the ids written, and the tables are vacuumed and analysed.
First or returning (``visit``) is stamped by the app's rule with window functions; ids
follow the time in, across the stores, as the desks' saves would leave them.

The server's superuser writes (row-level security does not bind it); the desks' role is
given its rights at the end (``tests.postgres.Cluster.as_desk``).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from bench.generate import GIVEN, HOURLY, MODELS, SURNAMES
from frontdesk import clock, rules, store

REGISTRATIONS_PER_STORE_YEAR = 33_334  # 100 stores × 3 years ≈ 10 million
CONSULTANTS, RECEPTIONISTS, MANAGERS = 20, 3, 2
STAFF_PER_STORE = CONSULTANTS + RECEPTIONISTS + MANAGERS
CONTACTS_PER_INTENT = 3
GROUP_MANAGER = "group.manager"  # the login of the group manager (on the first store's staff)
BIG_TABLES = ("registration", "customer", "contact", "level_change", "intent_cycle")
# The levels of the intent customers, by the weights of ``bench.generate`` (H 2 A 3 B 4 C 4 O 1).
LEVEL_CYCLE = ["H", "H", "A", "A", "A", "B", "B", "B", "B", "C", "C", "C", "C", "O"]
METHODS = ("call", "visit", "walkin", "message")


@dataclass(frozen=True)
class GroupSize:
    """How big a group is: its stores and the days of registrations each has."""

    stores: int
    days: int
    registrations_per_store: int = 0  # 0: REGISTRATIONS_PER_STORE_YEAR over the days

    @property
    def per_store(self) -> int:
        return self.registrations_per_store or max(
            1, REGISTRATIONS_PER_STORE_YEAR * self.days // 365
        )

    @property
    def customers_per_store(self) -> int:
        return max(1, self.per_store * 7 // 30)  # 70 % with a phone, each back now and then

    @property
    def intent_per_store(self) -> int:
        return max(1, self.per_store // 10)

    @property
    def name(self) -> str:
        return f"group_{self.stores}s_{self.days}d_{self.per_store}r"


def store_code(number: int) -> str:
    """The code of the group's ``number``-th store (from 1)."""
    return f"S{number:03d}"


def store_id(number: int) -> int:
    """Its id: 1 is the migrations' own store ``main``, left empty."""
    return number + 1


def staff_id(number: int, position: int) -> int:
    """The id of the ``position``-th (from 1) member of the ``number``-th store: consultants
    first, then receptionists, then managers (a person's id is their member's)."""
    return (number - 1) * STAFF_PER_STORE + position


def receptionist_id(number: int, which: int = 1) -> int:
    return staff_id(number, CONSULTANTS + which)


def customer_phone(local: int) -> str:
    """The phone of a store's ``local``-th customer (the same numbers in every store: a
    search in one store must never find another's customer of that number)."""
    return f"13{local % 10}{local:08d}"[-11:]


def _hours_array() -> str:
    hours = [hour for hour, weight in HOURLY.items() for _ in range(weight)]
    return "ARRAY[" + ",".join(map(str, hours)) + "]"


def _text_array(values) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]::text[]"


def _small_rows(size: GroupSize, now: dt.datetime, channels: list[str]):
    """The persons, stores, staff, settings and code lists (a few thousand rows); each
    store's channels are the migrations' (seeded in ``main``)."""
    stores, persons, staff, settings, codes = [], [], [], [], []
    for number in range(1, size.stores + 1):
        sid = store_id(number)
        stores.append((sid, store_code(number), f"基准{number:03d}店", now))
        roles = (
            [("consultant", f"顾问{n:02d}", f"c{n:02d}") for n in range(1, CONSULTANTS + 1)]
            + [("receptionist", f"前台{n}", f"r{n}") for n in range(1, RECEPTIONISTS + 1)]
            + [("manager", f"主管{n}", f"m{n}") for n in range(1, MANAGERS + 1)]
        )
        for position, (role, name, login) in enumerate(roles, start=1):
            member = staff_id(number, position)
            login = f"{store_code(number).lower()}.{login}"
            persons.append((member, login, name, now))
            staff.append((member, name, login, role, 1, 1, position, now, sid, member))
        settings += [(sid, "store_name", f"基准{number:03d}店"), (sid, "welcomed", "1")]
        for kind, names in (("channel", channels), ("model", MODELS)):
            codes += [(kind, name, n, 1, sid) for n, name in enumerate(names, start=1)]
    manager = size.stores * STAFF_PER_STORE + 1
    persons.append((manager, GROUP_MANAGER, "集团经理", now))
    staff.append(
        (manager, "集团经理", GROUP_MANAGER, "group_manager", 1, 0, 0, now, store_id(1), manager)
    )
    return stores, persons, staff, settings, codes


@functools.cache
def _names() -> list[str]:
    """Every name of a surname and two given characters."""
    return sorted({a + b + c for a in SURNAMES for b in GIVEN for c in GIVEN})


def _load_small(cur, size: GroupSize, now: dt.datetime) -> None:
    seeded = cur.execute(
        "SELECT name FROM code_item WHERE kind = 'channel' AND store_id = 1 ORDER BY position"
    ).fetchall()
    stores, persons, staff, settings, codes = _small_rows(size, now, [n for (n,) in seeded])
    cur.executemany(
        'INSERT INTO "store" ("id", "code", "name", "created_at") VALUES (%s, %s, %s, %s)', stores
    )
    cur.executemany(
        'INSERT INTO "person" ("id", "login", "name", "created_at") VALUES (%s, %s, %s, %s)',
        persons,
    )
    cur.executemany(
        'INSERT INTO "staff" ("id", "name", "login", "role", "active", "on_duty",'
        ' "rotation_order", "created_at", "store_id", "person_id")'
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        staff,
    )
    cur.executemany(
        'INSERT INTO "setting" ("store_id", "key", "value") VALUES (%s, %s, %s)', settings
    )
    cur.executemany(
        'INSERT INTO "code_item" ("kind", "name", "position", "active", "store_id")'
        " VALUES (%s, %s, %s, %s, %s)",
        codes,
    )
    names = _names()
    cur.execute("CREATE TEMP TABLE bench_name (n integer PRIMARY KEY, name text, initials text)")
    with cur.copy("COPY bench_name (n, name, initials) FROM STDIN") as copy:
        for n, name in enumerate(names):
            copy.write_row((n, name, rules.pinyin_initials(name)))


def _registrations_sql(size: GroupSize, first_day: dt.date) -> str:
    """Every store's registrations, in order of time in (the ids too)."""
    c = size.customers_per_store
    models = _text_array(MODELS)
    channels = (
        "(SELECT array_agg(name ORDER BY position) FROM code_item WHERE kind = 'channel'"
        " AND store_id = 2)"
    )
    return f"""
INSERT INTO registration (id, kind, time_in, time_out, customer_id, name, phone, gender,
    party_size, visit, model, colour, channel, level, consultant_id, test_drive, quote,
    ordered, notes, registered_by_id, created_at, updated_at, version, source,
    left_unrecorded_at, store_id)
WITH raw AS (
    SELECT k, n, random() < 0.2 AS is_phone,
           DATE '{first_day}' + make_interval(days => floor(random() * {size.days})::int,
               hours => ({_hours_array()})[1 + floor(random() * {sum(HOURLY.values())})::int],
               secs => floor(random() * 3600)) AS time_in,
           CASE WHEN random() < 0.7 THEN 1 + floor(random() * {c})::int END AS local,
           random() AS r_stay, random() AS r_model, random() AS r_channel,
           random() AS r_consultant, random() AS r_party, random() AS r_drive,
           random() AS r_quote, random() AS r_order, random() AS r_desk
      FROM generate_series(0, {size.stores - 1}) AS k,
           generate_series(1, {size.per_store}) AS n
), numbered AS (
    SELECT raw.*, row_number() OVER (ORDER BY time_in, k, n) AS rid,
           CASE WHEN local IS NOT NULL THEN k * {c} + local END AS customer_id
      FROM raw
), stamped AS (
    SELECT numbered.*,
           count(*) FILTER (WHERE NOT is_phone) OVER earlier AS walkins_before,
           count(*) OVER earlier AS any_before
      FROM numbered
    WINDOW earlier AS (PARTITION BY customer_id ORDER BY time_in, rid
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
), channels AS (SELECT {channels} AS names)
SELECT rid, CASE WHEN is_phone THEN 'phone' ELSE 'walkin' END, time_in,
       CASE WHEN NOT is_phone
            THEN time_in + make_interval(mins => 10 + floor(r_stay * 110)::int) END,
       customer_id, CASE WHEN local IS NULL THEN '' ELSE '客户' || local END,
       CASE WHEN local IS NOT NULL
            THEN right('13' || (local % 10) || lpad(local::text, 8, '0'), 11) END,
       '', CASE WHEN is_phone THEN 1
                ELSE (ARRAY[1, 1, 1, 2, 2, 3, 4])[1 + floor(r_party * 7)::int] END,
       CASE WHEN customer_id IS NOT NULL
                 AND ((NOT is_phone AND walkins_before > 0) OR (is_phone AND any_before > 0))
            THEN 'returning' ELSE 'first' END,
       ({models})[1 + floor(r_model * {len(MODELS)})::int], '',
       (SELECT names FROM channels)[1 + floor(r_channel * 10)::int], NULL,
       k * {STAFF_PER_STORE} + 1 + floor(r_consultant * {CONSULTANTS})::int,
       (NOT is_phone AND r_drive < 0.3)::int, (r_quote < 0.25)::int,
       (NOT is_phone AND r_order < 0.08)::int, '',
       k * {STAFF_PER_STORE} + {CONSULTANTS} + 1 + floor(r_desk * {RECEPTIONISTS})::int,
       time_in, time_in, 1, NULL, NULL, k + 2
  FROM stamped ORDER BY rid"""


def _contacts_sql(size: GroupSize, today: dt.date) -> str:
    """Three follow-up contacts of each open intent customer over the last quarter."""
    c, i = size.customers_per_store, size.intent_per_store
    return f"""
INSERT INTO contact (customer_id, staff_id, at, method, account, level_after, next_date,
    registration_id, created_at, purpose, store_id)
SELECT k * {c} + local, k * {STAFF_PER_STORE} + 1 + floor(random() * {CONSULTANTS})::int, at,
       ({_text_array(METHODS)})[1 + floor(random() * 4)::int], '跟进',
       ({_text_array(LEVEL_CYCLE)})[1 + (local * 7919) % {len(LEVEL_CYCLE)}], NULL, NULL, at, '',
       k + 2
  FROM (SELECT k, local, DATE '{today}' - (1 + floor(random() * 89))::int
                 + make_interval(hours => 9 + floor(random() * 11)::int,
                                 mins => floor(random() * 60)::int) AS at
          FROM generate_series(0, {size.stores - 1}) AS k,
               generate_series(1, {i}) AS local,
               generate_series(1, {CONTACTS_PER_INTENT}) AS nth) AS drawn
 ORDER BY at"""


def _customers_sql(size: GroupSize, today: dt.date, now: dt.datetime) -> str:
    c, i = size.customers_per_store, size.intent_per_store
    days = " ".join(f"WHEN '{lv}' THEN {d}" for lv, d in rules.FOLLOW_UP_DAYS.items())
    return f"""
CREATE TEMP TABLE bench_seen AS
SELECT customer_id, MIN(time_in) AS first_at, MAX(time_in) AS last_at
  FROM registration WHERE customer_id IS NOT NULL GROUP BY customer_id;
CREATE TEMP TABLE bench_contacted AS
SELECT customer_id, MAX(at) AS last_at FROM contact GROUP BY customer_id;
INSERT INTO customer (id, name, phone, initials, gender, region, customer_class, level, model,
    channel, source, consultant_id, first_contact, notes, created_at, updated_at, version,
    last_contact, next_due, closed_at, closed_as, close_reason, competitor, store_id)
SELECT id, nm.name, right('13' || (local % 10) || lpad(local::text, 8, '0'), 11), nm.initials,
       '', '', CASE WHEN level IS NULL THEN 'base' ELSE 'intent' END, level,
       ({_text_array(MODELS)})[1 + (local * 31) % {len(MODELS)}],
       (SELECT array_agg(name ORDER BY position) FROM code_item
         WHERE kind = 'channel' AND store_id = 2)[1 + (local * 17) % 10],
       (ARRAY[1, 2, 3, 4, 4, 4, 5, 6, 7])[1 + (local * 13) % 9],
       k * {STAFF_PER_STORE} + 1 + (local * 7) % {CONSULTANTS},
       first_day, '', first_moment, first_moment, 1, last_contact,
       CASE WHEN level IS NOT NULL THEN last_contact + (CASE level {days} END) END,
       NULL, NULL, '', '', k + 2
  FROM (SELECT k, local, k * {c} + local AS id,
               CASE WHEN local <= {i}
                    THEN ({_text_array(LEVEL_CYCLE)})[1 + (local * 7919) % {len(LEVEL_CYCLE)}]
               END AS level,
               COALESCE(s.first_at, TIMESTAMP '{now:%Y-%m-%d %H:%M:%S}') AS first_moment,
               COALESCE(s.first_at::date, DATE '{today}' - (local % 90)) AS first_day,
               COALESCE(GREATEST(s.last_at, ct.last_at)::date,
                        s.first_at::date, DATE '{today}') AS last_contact,
               (k * {c} + local) % {len(_names())} AS name_n
          FROM generate_series(0, {size.stores - 1}) AS k
          CROSS JOIN generate_series(1, {c}) AS local
          LEFT JOIN bench_seen s ON s.customer_id = k * {c} + local
          LEFT JOIN bench_contacted ct ON ct.customer_id = k * {c} + local) AS each
  JOIN bench_name nm ON nm.n = each.name_n
 ORDER BY id"""


_LEVEL_CHANGES_SQL = """
INSERT INTO level_change (customer_id, from_level, to_level, at, staff_id, contact_id,
    registration_id, closed_as, close_reason, competitor, store_id)
SELECT id, NULL, level, created_at, consultant_id, NULL, NULL, NULL, '', '', store_id
  FROM customer WHERE level IS NOT NULL ORDER BY created_at, id"""

_CYCLES_SQL = """
INSERT INTO intent_cycle (customer_id, opened_at, opened_by, opened_level, met_at, origin,
    met_level, closed_at, closed_as, open_level, open_due, open_consultant_id, store_id)
SELECT id, created_at, 'walkin', level, created_at, 'walkin', level, NULL, NULL, level,
       next_due, consultant_id, store_id
  FROM customer WHERE level IS NOT NULL ORDER BY created_at, id"""

_OPEN_COUNTS_SQL = [
    """INSERT INTO open_by_met (consultant_id, level, met_month, number, store_id)
SELECT open_consultant_id, open_level, COALESCE(to_char(met_at, 'YYYY-MM'), ''), COUNT(*),
       store_id
  FROM intent_cycle WHERE open_level IS NOT NULL
 GROUP BY store_id, open_consultant_id, open_level, COALESCE(to_char(met_at, 'YYYY-MM'), '')""",
    """INSERT INTO open_by_due (consultant_id, level, next_due, number, store_id)
SELECT open_consultant_id, open_level, open_due, COUNT(*), store_id
  FROM intent_cycle WHERE open_level IS NOT NULL AND open_due IS NOT NULL
 GROUP BY store_id, open_consultant_id, open_level, open_due""",
]


def _identity_counters(cur) -> list[str]:
    """Statements moving every identity counter past the ids written by hand."""
    rows = cur.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = 'public' AND is_identity = 'YES'"
    ).fetchall()
    return [
        f"SELECT setval(pg_get_serial_sequence('public.\"{table}\"', '{column}'),"
        f' COALESCE((SELECT MAX("{column}") FROM public."{table}"), 0) + 1, false)'
        for table, column in rows
    ]


def build_group(url: str, size: GroupSize, *, seed: float = 0.25, log=None) -> dict[str, float]:
    """Fill the empty database at ``url`` (the server's superuser) with a group of ``size``;
    the seconds each step took."""
    import time

    import psycopg

    say = log or (lambda _text: None)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    db = store.open_store(url, any_store=True)  # the schema from the real migrations
    store.close_store()
    db.close_all()
    timings["migrations"] = time.perf_counter() - started

    today = clock.today()
    now = clock.now().replace(microsecond=0)
    first_day = today - dt.timedelta(days=size.days - 1)
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.cursor()
        for setting in (
            "SET session_replication_role = replica",  # no triggers, no foreign-key checks
            "SET work_mem = '512MB'",
            "SET maintenance_work_mem = '1GB'",
            "SET max_parallel_maintenance_workers = 2",
        ):
            cur.execute(setting)
        cur.execute("SELECT setseed(%s)", (seed,))
        indexes = cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes i"
            " WHERE schemaname = 'public' AND tablename = ANY(%s) AND NOT EXISTS ("
            "   SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            (list(BIG_TABLES),),
        ).fetchall()
        for name, _ in indexes:
            cur.execute(f'DROP INDEX "{name}"')

        steps = [
            ("stores, staff, code lists", lambda: _load_small(cur, size, now)),
            ("registrations", lambda: cur.execute(_registrations_sql(size, first_day))),
            ("contacts", lambda: cur.execute(_contacts_sql(size, today))),
            ("customers", lambda: cur.execute(_customers_sql(size, today, now))),
            ("level changes", lambda: cur.execute(_LEVEL_CHANGES_SQL)),
            ("intent cycles", lambda: cur.execute(_CYCLES_SQL)),
            ("open counts", lambda: [cur.execute(sql) for sql in _OPEN_COUNTS_SQL]),
            ("indexes", lambda: [cur.execute(sql) for _, sql in indexes]),
            ("id counters", lambda: [cur.execute(sql) for sql in _identity_counters(cur)]),
            ("vacuum, analyze", lambda: cur.execute("VACUUM (ANALYZE)")),
        ]
        for name, step in steps:
            began = time.perf_counter()
            say(f"  {name} …")
            step()
            timings[name] = time.perf_counter() - began
    return timings


# -- the kept server: built once per size, reused ---------------------------------------------

# The server of the benchmarks' group (besides the tests' settings, ``tests.postgres``): a
# buffer pool for the group's indexes, checkpoints spaced out while it loads (at 8 GB of
# WAL between them the server kept 6 GB of WAL files beside a 4.4 GB database).
SERVER_SETTINGS = (
    "-c shared_buffers=1GB -c max_wal_size=2GB -c checkpoint_timeout=30min"
    " -c maintenance_work_mem=1GB"
)
FULL = GroupSize(stores=100, days=3 * 365)
QUICK = GroupSize(stores=5, days=90)


@dataclass
class Group:
    """A group's database on the kept server: how to reach it and how it was built."""

    cluster: Any  # tests.postgres.Cluster (a kept one)
    name: str
    url: str  # as the server's superuser
    built: dict  # {"seconds": {step: s}, "built_at": text, "bytes": size on disk}


def group_database(cache, size: GroupSize, log=print) -> Group | None:
    """The group of ``size`` on the server kept in ``cache`` (started if need be), built on
    first use; None when no PostgreSQL server binaries are installed."""
    import json
    import time

    import psycopg

    from tests import postgres

    found = postgres.binaries()
    if found is None:
        return None
    cluster = postgres.Cluster(found, cache / "group-pg").start(SERVER_SETTINGS)
    record = cache / "group-pg" / f"{size.name}.json"
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        names = {n for (n,) in conn.execute("SELECT datname FROM pg_database").fetchall()}
        if size.name not in names or not record.exists():
            building = size.name + "_building"
            for stale in (building, size.name):
                conn.execute(f'DROP DATABASE IF EXISTS "{stale}"')
            conn.execute(f'CREATE DATABASE "{building}"')
            log(f"building the group {size.name} ({size.stores} stores × {size.days} days) …")
            began = time.perf_counter()
            seconds = build_group(cluster.url(building), size, log=log)
            seconds["total"] = time.perf_counter() - began
            cluster.as_desk(cluster.url(building))
            conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{size.name}"')
            (size_bytes,) = conn.execute("SELECT pg_database_size(%s)", (size.name,)).fetchone()
            conn.execute("CHECKPOINT")  # the WAL files of the load recycled
            server = sum(f.stat().st_size for f in cluster.data.rglob("*") if f.is_file())
            built = {
                "seconds": seconds,
                "built_at": f"{dt.datetime.now():%Y-%m-%d %H:%M}",
                "bytes": size_bytes,
                "server_bytes": server,  # the server's whole folder (WAL, other groups)
            }
            record.write_text(json.dumps(built, indent=1), encoding="utf-8")
            log(f"built in {seconds['total']:.0f} s, {size_bytes / 2**30:.2f} GiB")
    built = json.loads(record.read_text(encoding="utf-8"))
    return Group(cluster, size.name, cluster.url(size.name), built)


if __name__ == "__main__":  # build (or find) a group: python -m bench.generate_group STORES DAYS
    import sys
    from pathlib import Path

    wanted = GroupSize(int(sys.argv[1]), int(sys.argv[2])) if len(sys.argv) > 2 else FULL
    group = group_database(Path(__file__).resolve().parent.parent / ".bench", wanted)
    print(group)

"""A generator of large stores for benchmarks: dealer-group scale, written with executemany.

``build_store(path, registrations=1_000_000, intent_customers=100_000, contacts=300_000)``
makes five years of registrations ending today, a population of customers of whom the
given number are open intent customers, and follow-up contacts over the last quarter. It
goes straight to SQLite (not the ORM row by row): the point is the size of the store, the
rules are exercised by the tests. The schema comes from the real migrations.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from pathlib import Path

from frontdesk import clock, rules, store

YEARS = 5
CONSULTANTS = [f"顾问{n:02d}" for n in range(1, 21)]
RECEPTIONISTS = ["前台甲", "前台乙", "前台丙"]
MANAGERS = ["主管甲", "主管乙"]
MODELS = [
    "凯美瑞",
    "卡罗拉",
    "汉兰达",
    "RAV4荣放",
    "雷凌",
    "威兰达",
    "亚洲龙",
    "赛那",
    "bZ4X",
    "皇冠",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静磊洋艳勇军杰娟涛明超秀霞平刚桂英华建国"
# Relative walk-in traffic by hour of the day (the showroom is open 09:00–18:00).
HOURLY = {9: 4, 10: 9, 11: 8, 12: 4, 13: 5, 14: 8, 15: 9, 16: 7, 17: 4}
LEVEL_WEIGHTS = {"H": 2, "A": 3, "B": 4, "C": 4, "O": 1}
METHODS = ("call", "visit", "walkin", "message")


def _phone(number: int) -> str:
    """A valid Chinese mobile number, distinct for each ``number``."""
    return f"13{number % 10}{number:08d}"[-11:]


def _time_in(rng: random.Random, day: dt.date) -> dt.datetime:
    hour = rng.choices(list(HOURLY), weights=list(HOURLY.values()))[0]
    return dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60)))


def build_store(
    path: str | Path,
    *,
    registrations: int = 1_000_000,
    intent_customers: int = 100_000,
    contacts: int = 300_000,
    seed: int = 1,
) -> Path:
    """Create a fresh store at ``path`` (replacing any) of the given size."""
    path = Path(path)
    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    store.open_store(str(path))
    store.close_store()

    rng = random.Random(seed)
    today = clock.today()
    now = clock.now().strftime("%Y-%m-%d %H:%M:%S")
    first_day = today - dt.timedelta(days=365 * YEARS)
    days = (today - first_day).days + 1

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")
    with conn:
        staff_rows = [
            (n, name, f"bench{n}", role, 1, 1, n, now)
            for n, (name, role) in enumerate(
                [(c, "consultant") for c in CONSULTANTS]
                + [(r, "receptionist") for r in RECEPTIONISTS]
                + [(m, "manager") for m in MANAGERS],
                start=1,
            )
        ]
        conn.executemany(  # each member a person of the group (migration 0023), the same id
            "INSERT INTO person (id, name, login, created_at) VALUES (?, ?, ?, ?)",
            [(row[0], row[1], row[2], row[7]) for row in staff_rows],
        )
        conn.executemany(
            "INSERT INTO staff (person_id, name, login, role, active, on_duty, rotation_order,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            staff_rows,
        )
        consultant_ids = list(range(1, len(CONSULTANTS) + 1))
        receptionist_ids = list(range(len(CONSULTANTS) + 1, len(CONSULTANTS) + 4))
        conn.executemany(
            "INSERT OR IGNORE INTO code_item (kind, name, position, active) VALUES (?, ?, ?, 1)",
            [("model", name, n) for n, name in enumerate(MODELS, start=1)],
        )
        conn.execute(
            "INSERT OR REPLACE INTO setting (key, value) VALUES ('store_name', '基准测试集团店')"
        )
        conn.execute("INSERT OR REPLACE INTO setting (key, value) VALUES ('welcomed', '1')")
        channels = [
            row[0] for row in conn.execute("SELECT name FROM code_item WHERE kind='channel'")
        ]

        # Registrations: 30 % anonymous walk-ins, the rest belong to customers who come back
        # now and then; a fifth are phone calls.
        on_file = int(registrations * 0.7)
        customer_count = max(intent_customers * 2, on_file // 3, 1)
        moments = sorted(
            _time_in(rng, first_day + dt.timedelta(days=rng.randrange(days)))
            for _ in range(registrations)
        )
        seen_walkin: set[int] = set()
        seen_any: set[int] = set()
        first_seen: dict[int, str] = {}
        customer_of: dict[int, tuple] = {}
        rows = []
        for moment in moments:
            kind = "phone" if rng.random() < 0.2 else "walkin"
            customer = rng.randrange(1, customer_count + 1) if rng.random() < 0.7 else None
            if kind == "walkin":
                visit = "returning" if customer in seen_walkin else "first"
            else:
                visit = "returning" if customer in seen_any else "first"
            if customer is not None:
                seen_any.add(customer)
                if kind == "walkin":
                    seen_walkin.add(customer)
                first_seen.setdefault(customer, moment.date().isoformat())
            time_in = moment.strftime("%Y-%m-%d %H:%M:%S")
            stay = dt.timedelta(minutes=rng.randrange(10, 120))
            time_out = (moment + stay).strftime("%Y-%m-%d %H:%M:%S") if kind == "walkin" else None
            model = rng.choice(MODELS)
            channel = rng.choice(channels)
            consultant = rng.choice(consultant_ids)
            if customer is not None:
                customer_of.setdefault(customer, (model, channel, consultant))
            rows.append(
                (
                    kind,
                    time_in,
                    time_out,
                    customer,
                    "" if customer is None else f"客户{customer}",
                    None if customer is None else _phone(customer),
                    "",
                    rng.choice((1, 1, 1, 2, 2, 3, 4)) if kind == "walkin" else 1,
                    visit,
                    model,
                    "",
                    channel,
                    None,
                    consultant,
                    int(kind == "walkin" and rng.random() < 0.3),
                    int(rng.random() < 0.25),
                    int(kind == "walkin" and rng.random() < 0.08),
                    "",
                    rng.choice(receptionist_ids),
                    time_in,
                    time_in,
                    1,
                )
            )

        # Customers: everyone who registered with a phone; the first `intent_customers`
        # of them by number are open intent customers with a level.
        customers = []
        levels = list(LEVEL_WEIGHTS)
        level_of: dict[int, str] = {}
        for number in range(1, customer_count + 1):
            model, channel, consultant = customer_of.get(
                number, (rng.choice(MODELS), rng.choice(channels), rng.choice(consultant_ids))
            )
            level = None
            if number <= intent_customers:
                level = rng.choices(levels, weights=list(LEVEL_WEIGHTS.values()))[0]
                level_of[number] = level
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            first = first_seen.get(
                number, (today - dt.timedelta(days=rng.randrange(90))).isoformat()
            )
            customers.append(
                (
                    number,
                    name,
                    _phone(number),
                    rules.pinyin_initials(name),
                    "",
                    "",
                    "intent" if level else "base",
                    level,
                    model,
                    channel,
                    rng.choice((1, 2, 3, 4, 4, 4, 5, 6, 7)),
                    consultant,
                    first,
                    "",
                    now,
                    now,
                    1,
                )
            )
        conn.executemany(
            "INSERT INTO customer (id, name, phone, initials, gender, region, customer_class,"
            " level, model, channel, source, consultant_id, first_contact, notes, created_at,"
            " updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            customers,
        )
        conn.executemany(
            "INSERT INTO registration (kind, time_in, time_out, customer_id, name, phone, gender,"
            " party_size, visit, model, colour, channel, level, consultant_id, test_drive, quote,"
            " ordered, notes, registered_by_id, created_at, updated_at, version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.executemany(
            "INSERT INTO level_change (customer_id, from_level, to_level, at, staff_id)"
            " VALUES (?, NULL, ?, ?, ?)",
            [
                (number, level, f"{first_seen.get(number, today.isoformat())} 10:00:00", 1)
                for number, level in level_of.items()
            ],
        )
        intent_ids = list(level_of)
        contact_rows = []
        for _ in range(contacts if intent_ids else 0):
            customer = rng.choice(intent_ids)
            at = dt.datetime.combine(
                today - dt.timedelta(days=rng.randrange(1, 90)),
                dt.time(rng.randrange(9, 20), rng.randrange(60)),
            ).strftime("%Y-%m-%d %H:%M:%S")
            contact_rows.append(
                (
                    customer,
                    rng.choice(consultant_ids),
                    at,
                    rng.choice(METHODS),
                    "跟进",
                    level_of[customer],
                    at,
                )
            )
        conn.executemany(
            "INSERT INTO contact (customer_id, staff_id, at, method, account, level_after,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            contact_rows,
        )
    conn.execute("ANALYZE")
    conn.close()
    _after_build(path)
    return path


def _after_build(path: Path) -> None:
    """Let later schema (denormalised follow-up columns) recompute what it derives."""
    try:
        from frontdesk.followup import contacts  # the follow-up discipline, once it exists
    except ImportError:
        return
    recompute = getattr(contacts, "recompute_follow_up", None)
    if recompute is not None:
        db = store.open_store(str(path))
        try:
            recompute(db)
        finally:
            store.close_store()

"""Processes for the reliability tests: ``python -m tests.workers ROLE STORE [options]``.

- ``writer``: registers walk-ins and calls through ``registration.register`` exactly as
  the form does (now, or with ``--day`` at scattered times of that past day: late entries
  from paper), and after each one is committed prints ``ack ID NOTE PHONE PARTY MS`` —
  the acknowledgement a receptionist sees ("saved #ID"), and how long the save took,
  waiting for the write lock included. Any exception is an error that would reach a user:
  it prints ``error …`` and exits 1. On its way up it prints where it is, so a test that
  kills it knows where the kill landed: ``opening`` (before the store file is opened or
  created), ``migrating NAME`` and ``migrated NAME`` around each migration it applies
  (inside the one transaction of the migrations), ``opened`` (migrations committed), then
  ``ready``. ``--hold-at migration:NAME`` or ``--hold-at ack:N`` makes it print
  ``holding …`` right after that migration is applied or after its Nth acknowledgement, and
  wait there (reading stdin) for the test to kill it: a kill at an exact point.
  ``--ack-inside-transaction`` is the deliberately broken writer (the mutant the crash test
  must catch): it prints each acknowledgement before its transaction commits.
- ``reader``: the manager's screen: reads today's (``--day``'s) statistics
  (``frontdesk.stats.statistics`` when it exists, else the day's log) and the raw counts in one
  read transaction, over and over, checking that they agree and never go backwards, until
  the stop file appears.

The parent test owns the store (it creates it with ``prepare_store``) and decides when a
writer dies (SIGKILL) or stops (the stop file).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
import time
import traceback

from frontdesk.people.actor import OPERATOR
from tests.actors import as_member

RECEPTIONIST = "赵敏"
BACKDATE_SPAN_S = 10 * 3600
CONSULTANTS = ("王磊", "李娜", "张伟")
LEVELS = ("H", "A", "", "B", "C", "")


def prepare_store(path: str) -> None:
    """A store with staff and models, as every worker expects it (call in the parent)."""
    from frontdesk import store
    from frontdesk.people import team
    from frontdesk.store import codes, settings

    store.open_store(path)
    try:
        settings.put(settings.WELCOMED, "1")
        for name in CONSULTANTS:
            team.add_staff(name, "consultant", by=OPERATOR)
        team.add_staff(RECEPTIONIST, "receptionist", by=OPERATOR)
        codes.add(codes.MODEL, "凯美瑞", "卡罗拉", "汉兰达")
    finally:
        store.close_store()


def phone_for(writer: int, number: int, shared: int) -> str:
    """Even numbers: one of ``shared`` phones all writers use (returning customers, and two
    writers creating the same customer at once); odd: a phone of this writer alone."""
    if number % 2 == 0 and shared:
        return f"1390000{(number // 2) % shared:04d}"
    return f"13{writer % 9}{number:08d}"


def hold(point: str) -> None:
    """Stop at ``point`` until killed: the test kills the process once it reads this line."""
    print(f"holding {point}", flush=True)
    sys.stdin.buffer.read()  # returns only if the test closed the pipe instead of killing
    print(f"error released at {point} without being killed", flush=True)
    sys.exit(3)


def announce_migrations(hold_at: str) -> None:
    """Print each migration as it is applied, and hold after the one named in ``hold_at``.

    Hooked into the migration runner of this process only: the store's code is unchanged.
    """
    from playhouse.migrations import Runner

    run = Runner._run

    def announced_run(runner, name, module, direction, fake=False):
        print(f"migrating {name}", flush=True)
        run(runner, name, module, direction, fake=fake)
        print(f"migrated {name}", flush=True)  # applied, not yet committed
        if hold_at == f"migration:{name}":
            hold(hold_at)

    Runner._run = announced_run


def backdated(day: dt.date, writer: int, number: int) -> dt.datetime:
    """A time on ``day`` between 09:00 and 19:00, scattered so that the writers save a
    customer's walk-ins in another order than they happened (late entries from paper)."""
    seconds = (number * 7919 + writer * 104729) % BACKDATE_SPAN_S
    return dt.datetime.combine(day, dt.time(9)) + dt.timedelta(seconds=seconds)


def writer(
    path: str,
    writer_id: int,
    count: int,
    shared: int,
    stop_file: str | None,
    pause: float,
    hold_at: str = "",
    ack_inside_transaction: bool = False,
    backdate: dt.date | None = None,
) -> int:
    from frontdesk import rules, store
    from frontdesk.desk import registration
    from frontdesk.people import team
    from frontdesk.store.models import database

    announce_migrations(hold_at)
    print("opening", flush=True)
    store.open_store(path)
    print("opened", flush=True)
    by = team.find_staff(RECEPTIONIST)
    models = ("凯美瑞", "卡罗拉", "汉兰达", "")
    rules.warm_up()  # as the app does after its first frame: the first save is not slower
    print("ready", flush=True)
    number = 0
    while count <= 0 or number < count:
        if stop_file and os.path.exists(stop_file):
            break
        phone = "" if number % 7 == 3 else phone_for(writer_id, number, shared)
        kind = "phone" if number % 5 == 4 else "walkin"
        party = 1 + number % 4 if kind == "walkin" else 1
        note = f"w{writer_id}-{number}"
        data = registration.RegistrationInput(
            kind=kind,
            time_in=backdated(backdate, writer_id, number) if backdate else None,
            phone=phone,
            name=f"客户{phone[-4:]}" if phone else "",
            party_size=party,
            model=models[number % len(models)],
            level=LEVELS[number % len(LEVELS)] if phone else "",
            test_drive=kind == "walkin" and number % 3 == 0,
            notes=note,
        )
        # The mutant wraps the save in a transaction of its own and acknowledges inside it.
        broken = database.atomic() if ack_inside_transaction else contextlib.nullcontext()
        started = time.perf_counter()
        try:
            with broken:
                saved = registration.register(data, by=as_member(by))
                waited_ms = (time.perf_counter() - started) * 1000
                print(f"ack {saved.id} {note} {phone or '-'} {party} {waited_ms:.1f}", flush=True)
                number += 1
                if hold_at == f"ack:{number}":
                    hold(hold_at)
        except Exception as error:
            print(f"error {type(error).__name__}: {error}", flush=True)
            traceback.print_exc()
            return 1
        if pause:
            time.sleep(pause)
    store.close_store()
    return 0


def _read_once(today) -> tuple[int, int]:
    """(walk-ins today, registrations in all) — checked against each other in one snapshot."""
    from frontdesk import clock
    from frontdesk.desk import day_log as daylog
    from frontdesk.store.models import Registration

    try:
        from frontdesk.stats import statistics
    except ImportError:  # the statistics of F5 are not there yet: the day's log alone
        statistics = None
    start, end = clock.day_bounds(today)
    today_rows = Registration.select().where(
        (Registration.time_in >= start) & (Registration.time_in < end)
    )
    walkins = today_rows.where(Registration.kind == "walkin").count()
    calls = today_rows.where(Registration.kind == "phone").count()
    log = daylog.day_log(today)
    if sum(row.kind == "walkin" for row in log) != walkins or len(log) != walkins + calls:
        raise AssertionError(f"day log {len(log)} rows, raw {walkins} walk-ins {calls} calls")
    daily = getattr(statistics, "daily_statistics", None)
    if daily is not None:
        figures = daily(today)
        if (figures.parties, figures.calls) != (walkins, calls):
            raise AssertionError(
                f"statistics {figures.parties}/{figures.calls}, raw {walkins}/{calls}"
            )
        if figures.people != sum(row.party_size for row in log if row.kind == "walkin"):
            raise AssertionError("statistics people differ from the day's log")
    return walkins, Registration.select().count()


def reader(path: str, stop_file: str, day: dt.date | None = None) -> int:
    from frontdesk import clock, store
    from frontdesk.store.models import database

    store.open_store(path)
    reads, last_total = 0, 0
    try:
        while True:
            stopping = os.path.exists(stop_file)  # one more read after the writers stopped
            with database.atomic("DEFERRED"):  # one snapshot: never blocks a writer
                walkins, total = _read_once(day or clock.today())
            if total < last_total:
                raise AssertionError(f"registrations went from {last_total} to {total}")
            last_total = total
            reads += 1
            if stopping:
                break
            time.sleep(0.01)
    except Exception as error:
        print(f"error {type(error).__name__}: {error}", flush=True)
        traceback.print_exc()
        return 1
    finally:
        store.close_store()
    print(f"reads {reads} total {last_total} walkins {walkins}", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.workers")
    parser.add_argument("role", choices=("writer", "reader"))
    parser.add_argument("store")
    parser.add_argument("--id", type=int, default=0)
    parser.add_argument("--count", type=int, default=0, help="0: until killed or stopped")
    parser.add_argument("--shared", type=int, default=20)
    parser.add_argument("--stop-file")
    parser.add_argument("--pause", type=float, default=0.0, help="seconds between saves")
    parser.add_argument("--hold-at", default="", help="migration:NAME or ack:N; wait to be killed")
    parser.add_argument(
        "--ack-inside-transaction", action="store_true", help="the broken writer (a mutant)"
    )
    parser.add_argument(
        "--day",
        type=dt.date.fromisoformat,
        help="writer: register on this past day, out of order; reader: read this day",
    )
    args = parser.parse_args(argv)
    if args.role == "writer":
        return writer(
            args.store,
            args.id,
            args.count,
            args.shared,
            args.stop_file,
            args.pause,
            args.hold_at,
            args.ack_inside_transaction,
            args.day,
        )
    return reader(args.store, args.stop_file, args.day)


if __name__ == "__main__":
    sys.exit(main())

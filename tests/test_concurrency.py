"""Concurrency: four terminals registering at once while a manager reads the statistics.

Four writer processes register walk-ins and calls back to back (half of them with phones
shared by all four, so two writers often create or update the same customer at the same
moment) while a fifth process reads today's statistics, the day's log and the raw counts
in one snapshot, over and over. No error may reach a user — "database is locked"
included — the counts must be exact, every acknowledged save present, and the rules that
depend on what was saved before (first or returning, the up rotation) exactly as if the
saves had been made one after the other. A second run enters yesterday's walk-ins from
paper, out of their order: first or returning stored must still be the rule's, and the
statistics' count of first visits the stored one.

``make test``: 4 × 50 saves, twice; ``make soak``: 4 × 500.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests import reliability
from tests.workers import CONSULTANTS, prepare_store

WRITERS = 4
SHARED_PHONES = 20
TIMEOUT_S = {50: 120, 500: 900}


# Every registration of a customer whose stored visit is not the rule's: a walk-in is first
# when it is the customer's earliest walk-in, a call when it is their earliest registration
# of any kind; earliest by time in, then by order of saving.
VISITS_AGAINST_THE_RULE = """
WITH ranked AS (
    SELECT id, kind, visit,
           ROW_NUMBER() OVER (PARTITION BY customer_id, kind = 'walkin'
                              ORDER BY time_in, id) AS walkin_rank,
           ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY time_in, id) AS any_rank
      FROM registration WHERE customer_id IS NOT NULL)
SELECT COUNT(*) FROM ranked
 WHERE visit != CASE WHEN (CASE kind WHEN 'walkin' THEN walkin_rank ELSE any_rank END) = 1
                     THEN 'first' ELSE 'returning' END
"""


def _concurrent_run(tmp_path, per_writer: int, day: dt.date | None = None) -> dict:
    """Four writers and a reader; with ``day``, the writers register on that past day at
    scattered times, so that each saves a customer's walk-ins out of their order."""
    path = tmp_path / "store.db"
    prepare_store(str(path))
    stop = tmp_path / "stop"
    reader_out = tmp_path / "reader.out"
    on_day = ("--day", day.isoformat()) if day else ()
    reader = reliability.spawn("reader", path, "--stop-file", str(stop), *on_day, output=reader_out)
    writers, outputs = [], []
    for number in range(WRITERS):
        output = tmp_path / f"writer{number}.out"
        outputs.append(output)
        writers.append(
            reliability.spawn(
                "writer",
                path,
                *("--id", str(number), "--count", str(per_writer)),
                *("--shared", str(SHARED_PHONES)),
                *on_day,
                output=output,
            )
        )
    try:
        codes = [process.wait(timeout=TIMEOUT_S[per_writer]) for process in writers]
    finally:
        stop.touch()
        reader_code = reader.wait(timeout=60)
        for process in writers:
            if process.poll() is None:
                process.kill()

    for output in [*outputs, reader_out]:
        assert reliability.errors(output) == [], output.read_text()
    assert codes == [0] * WRITERS
    assert reader_code == 0, reader_out.read_text()

    acknowledged = [ack for output in outputs for ack in reliability.acks(output)]
    assert len(acknowledged) == WRITERS * per_writer
    assert len({ack.id for ack in acknowledged}) == len(acknowledged)
    assert reliability.missing_acks(path, acknowledged) == []
    assert reliability.soundness(path) == []

    total = reliability.count(path, "SELECT COUNT(*) FROM registration")
    assert total == WRITERS * per_writer
    phones = {ack.phone for ack in acknowledged if ack.phone}
    assert reliability.count(path, "SELECT COUNT(*) FROM customer") == len(phones)
    # Saved one after the other: exactly one first walk-in per customer who walked in, and
    # it is that customer's earliest walk-in, whatever the order the saves came in.
    assert (
        reliability.count(
            path,
            """SELECT COUNT(*) FROM (SELECT customer_id FROM registration
               WHERE kind = 'walkin' AND customer_id IS NOT NULL
               GROUP BY customer_id HAVING SUM(visit = 'first') != 1)""",
        )
        == 0
    )
    assert reliability.count(path, VISITS_AGAINST_THE_RULE) == 0
    stored_first = reliability.count(
        path, "SELECT COUNT(*) FROM registration WHERE kind = 'walkin' AND visit = 'first'"
    )
    assert _first_walkins_counted(path) == stored_first
    # The up rotation never had two consultants in the same place.
    orders = reliability.count(
        path,
        "SELECT COUNT(DISTINCT rotation_order) FROM staff WHERE role = 'consultant'",
    )
    assert orders == len(CONSULTANTS)
    reads = reliability.lines(reader_out)[-1]
    assert reads.startswith("reads ") and f"total {total}" in reads, reads
    waits = sorted(ack.ms for ack in acknowledged)
    return {
        "saves": total,
        "customers": len(phones),
        "reader": reads,
        "save_ms_median": waits[len(waits) // 2],
        "save_ms_p99": waits[int(len(waits) * 0.99)],
        "save_ms_max": waits[-1],
    }


def _first_walkins_counted(path) -> int:
    """The statistics' first walk-ins (首次), summed over every day the writers wrote on."""
    from frontdesk import store
    from frontdesk.stats import statistics

    with reliability.raw(path) as conn:
        days = [row[0] for row in conn.execute("SELECT DISTINCT date(time_in) FROM registration")]
    store.open_store(str(path))
    try:
        return sum(statistics.daily_statistics(dt.date.fromisoformat(d)).first for d in days)
    finally:
        store.close_store()


def test_four_writers_and_a_reader(tmp_path):
    result = _concurrent_run(tmp_path, per_writer=50)
    assert int(result["reader"].split()[1]) > 1  # the reader read while the writers wrote


def test_four_writers_entering_yesterday_out_of_order(tmp_path):
    """Late entries from paper, from four terminals at once: each customer's walk-ins are
    saved in another order than they happened, and still exactly one is first (首次)."""
    yesterday = dt.date.today() - dt.timedelta(days=1)
    result = _concurrent_run(tmp_path, per_writer=50, day=yesterday)
    assert int(result["reader"].split()[1]) > 1


@pytest.mark.soak
def test_four_writers_of_five_hundred_and_a_reader(tmp_path):
    result = _concurrent_run(tmp_path, per_writer=500)
    print(f"concurrency soak: {result}")

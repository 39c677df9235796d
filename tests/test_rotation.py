"""The fair up rotation (接待顺序 / 轮流接待): skips with a reason, consultants out of the
rotation for their overdue follow-ups, and the spells on duty kept for the hours.

The showroom of ``conftest``: 王磊 at the head, then 李娜; here 赵强 joins them third. The
clock stands on Wednesday 2026-11-25 10:30.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from playhouse.migrations import Runner

from frontdesk import store
from frontdesk.desk import registration
from frontdesk.desk.registration import RegistrationInput
from frontdesk.errors import Forbidden, ValidationError
from frontdesk.followup import contacts
from frontdesk.people import team
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.store import settings
from frontdesk.store.models import AuditEntry, Customer, DutyPeriod, RotationSkip, database
from tests.actors import as_member

pytestmark = pytest.mark.both_engines  # the store's tests, on SQLite and on PostgreSQL

NOW = dt.datetime(2026, 11, 25, 10, 30)


@pytest.fixture
def three(showroom):
    """王磊, 李娜, 赵强 on duty, in that order."""
    showroom["zhaoqiang"] = team.add_staff("赵强", "consultant", by=OPERATOR)
    return showroom


def put_in_order(*names: str) -> None:
    """Set the rotation by hand (a named first visit also sends its consultant to the end)."""
    from frontdesk.store.models import Staff

    for order, name in enumerate(names, start=1):
        Staff.update(rotation_order=order).where(Staff.name == name).execute()


def line() -> list[str]:
    return [member.name for member in team.rotation()]


def walk_in(**fields) -> registration.Registration:
    """A first-visit walk-in the rotation hands out (no consultant named)."""
    return registration.register(RegistrationInput(**fields), by=DESK)


# -- skips ----------------------------------------------------------------------------------


def test_with_a_customer_keeps_the_turn(three):
    # 王磊, 李娜, 赵强. 王磊 is busy: he changes places with 李娜 → 李娜, 王磊, 赵强.
    assert team.skip_head("busy", by=DESK) == three["lina"]
    assert line() == ["李娜", "王磊", "赵强"]
    # 李娜 takes the next first-visit party and goes to the end → 王磊, 赵强, 李娜: he is up.
    assert walk_in(time_in="10:30").consultant == three["lina"]
    assert line() == ["王磊", "赵强", "李娜"]
    # Busy again: he changes places with 赵强 (赵强, 王磊, 李娜) — never further than second.
    assert team.skip_head("busy", by=DESK) == three["zhaoqiang"]
    assert line() == ["赵强", "王磊", "李娜"]
    assert walk_in(time_in="10:30").consultant == three["zhaoqiang"]
    assert line() == ["王磊", "李娜", "赵强"]


def test_off_the_floor_and_declined_lose_the_turn(three):
    # 王磊, 李娜, 赵强 → 王磊 off the floor: to the end → 李娜, 赵强, 王磊.
    assert team.skip_head("away", by=DESK) == three["lina"]
    assert line() == ["李娜", "赵强", "王磊"]
    # 李娜 declines: to the end → 赵强, 王磊, 李娜; 赵强 takes the party → 王磊, 李娜, 赵强.
    assert team.skip_head("declined", by=DESK) == three["zhaoqiang"]
    assert line() == ["赵强", "王磊", "李娜"]
    assert walk_in(time_in="10:30").consultant == three["zhaoqiang"]
    assert line() == ["王磊", "李娜", "赵强"]


def test_a_returning_customer_takes_no_turn_so_the_busy_one_waits_second(three):
    # 张三 was 李娜's on Monday; 王磊 busy → 李娜, 王磊, 赵强; 张三 comes back to 李娜, who
    # keeps the head (a returning party is no turn), and the next new party is hers too.
    walk_in(time_in="2026-11-23 10:00", phone="13812345678", consultant="李娜")
    put_in_order("王磊", "李娜", "赵强")
    team.skip_head("busy", by=DESK)
    assert line() == ["李娜", "王磊", "赵强"]
    assert walk_in(time_in="10:30", phone="13812345678").consultant == three["lina"]
    assert line() == ["李娜", "王磊", "赵强"]
    assert walk_in(time_in="10:30").consultant == three["lina"]
    assert line() == ["王磊", "赵强", "李娜"]


def test_alone_in_the_rotation_a_busy_consultant_stays_up(showroom):
    team.set_on_duty(showroom["lina"], False, by=DESK)
    assert team.skip_head("busy", by=DESK) == showroom["wanglei"]
    assert line() == ["王磊"]


def test_a_tie_of_orders_still_changes_places(three):
    # Two with the same order go by id (王磊 before 李娜); the busy head still drops one place.
    from frontdesk.store.models import Staff

    Staff.update(rotation_order=5).where(Staff.name.in_(["王磊", "李娜"])).execute()
    Staff.update(rotation_order=6).where(Staff.name == "赵强").execute()
    assert line() == ["王磊", "李娜", "赵强"]
    team.skip_head("busy", by=DESK)
    assert line() == ["李娜", "王磊", "赵强"]


def test_each_skip_is_kept_with_its_reason_who_and_when_and_audited(three):
    team.skip_head("busy", by=as_member(three["zhaomin"]))  # 王磊, by the receptionist
    team.skip_head("away", by=DESK)  # 李娜 (now at the head), by the desk
    skips = list(RotationSkip.select().order_by(RotationSkip.id).dicts())
    assert [(s["staff"], s["reason"], s["skipped_by"], s["at"]) for s in skips] == [
        (three["wanglei"].id, "busy", three["zhaomin"].id, NOW),
        (three["lina"].id, "away", None, NOW),
    ]
    audited = AuditEntry.select().where(AuditEntry.action == "skip").order_by(AuditEntry.id)
    assert [(e.entity, e.entity_id, json.loads(e.detail)["reason"]) for e in audited] == [
        ("rotation", three["wanglei"].id, "busy"),
        ("rotation", three["lina"].id, "away"),
    ]


def test_a_skip_needs_a_known_reason_and_the_right(three):
    with pytest.raises(ValidationError) as refused:
        team.skip_head("lunch", by=DESK)
    assert "reason" in refused.value.errors
    with pytest.raises(Forbidden):
        team.skip_head("busy", by=as_member(three["wanglei"]))  # a consultant may not
    assert line() == ["王磊", "李娜", "赵强"] and not RotationSkip.select().exists()


# -- out of the rotation for overdue follow-ups ----------------------------------------------


def overdue(consultant: str, count: int, day: int = 20) -> list[Customer]:
    """``count`` H customers of ``consultant`` met on 11-``day``: due 2 days later, so
    overdue on 11-25 (due before today) when ``day`` < 23."""
    made = []
    for n in range(count):
        saved = walk_in(
            time_in=f"2026-11-{day:02d} 10:0{n}",
            phone=f"1381234{day:02d}{n:02d}",
            level="H",
            consultant=consultant,
        )
        made.append(Customer.get_by_id(saved.customer_id))
    return made


def test_the_setting_is_off_by_default_and_checked(three):
    assert settings.known_setting(settings.ROTATION_OVERDUE_OUT).default == "0"
    assert team.overdue_out_threshold() == 0
    overdue("李娜", 5)
    put_in_order("王磊", "李娜", "赵强")
    assert line() == ["王磊", "李娜", "赵强"]  # off: overdue or not, everyone takes turns
    for bad in ("-1", "两个", "1.5"):
        with pytest.raises(ValidationError):
            settings.change(settings.ROTATION_OVERDUE_OUT, bad, by=OPERATOR)
    with pytest.raises(Forbidden):
        settings.change(settings.ROTATION_OVERDUE_OUT, "2", by=DESK)
    assert settings.known_setting(settings.ROTATION_OVERDUE_OUT).description


def test_overdue_follow_ups_take_a_consultant_out_until_they_catch_up(three):
    # 李娜: 3 customers met 11-20 (due 11-22, 3 days late); 赵强: 1 met 11-21; 王磊: 1 met
    # 11-24 (due 11-26, not late). With N = 2 only 李娜 (3 ≥ 2) is out; 赵强 (1) is in.
    lina = overdue("李娜", 3)
    overdue("赵强", 1, day=21)
    overdue("王磊", 1, day=24)
    put_in_order("王磊", "李娜", "赵强")
    settings.change(settings.ROTATION_OVERDUE_OUT, "2", by=OPERATOR)
    assert line() == ["王磊", "赵强"]
    standing = team.standing()
    assert [m.name for m in standing.queue] == ["王磊", "赵强"]
    assert [(m.name, n) for m, n in standing.out] == [("李娜", 3)]
    # 王磊 skipped off the floor: the head is 赵强, never 李娜 while she is out.
    assert team.skip_head("away", by=DESK) == three["zhaoqiang"]
    assert walk_in(time_in="10:30").consultant == three["zhaoqiang"]
    assert line() == ["王磊", "赵强"]
    # She catches up on two of them (closed after a call): 1 overdue < 2, she is back at
    # her place — first, as she was never moved (王磊 and 赵强 went to the end since).
    manager = as_member(three["chenjing"])
    for customer in lina[:2]:
        contacts.close_customer(customer.id, "lost", "电话停机", by=manager)
    assert line() == ["李娜", "王磊", "赵强"]
    assert team.standing().out == []


def test_who_is_out_is_read_in_one_grouped_query(three, monkeypatch):
    overdue("李娜", 2)
    overdue("赵强", 2, day=21)  # other customers (a phone is a customer)
    settings.change(settings.ROTATION_OVERDUE_OUT, "2", by=OPERATOR)
    seen: list[str] = []
    execute = database.obj.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        seen.append(sql)
        return execute(sql, params, *args, **kwargs)

    monkeypatch.setattr(database.obj, "execute_sql", counting)
    standing = team.standing()
    monkeypatch.undo()
    assert [(m.name, n) for m, n in standing.out] == [("李娜", 2), ("赵强", 2)]
    reads = [sql for sql in seen if "customer" in sql]
    assert len(reads) == 1 and "GROUP BY" in reads[0], seen


# -- spells on duty --------------------------------------------------------------------------


def spells(member) -> list[tuple]:
    query = DutyPeriod.select().where(DutyPeriod.staff == member.id).order_by(DutyPeriod.id)
    return [(p.started_at, p.ended_at) for p in query]


def test_going_on_and_off_duty_opens_and_ends_a_spell(showroom, frozen_clock):
    wang, li = showroom["wanglei"], showroom["lina"]
    assert spells(wang) == [(NOW, None)]  # on duty from being added, 10:30
    assert spells(showroom["zhaomin"]) == []  # a receptionist takes no turns
    frozen_clock.move_to(dt.datetime(2026, 11, 25, 12, 0))
    team.set_roster({li.id}, by=DESK)  # 王磊 off at 12:00
    frozen_clock.move_to(dt.datetime(2026, 11, 25, 13, 15))
    team.set_roster({li.id}, by=DESK)  # no change, no spell
    team.set_on_duty(wang, True, by=DESK)  # back at 13:15
    noon, quarter = dt.datetime(2026, 11, 25, 12, 0), dt.datetime(2026, 11, 25, 13, 15)
    assert spells(wang) == [(NOW, noon), (quarter, None)]
    assert spells(li) == [(NOW, None)]


def test_leaving_the_store_or_the_role_ends_the_spell(showroom, frozen_clock):
    admin = as_member(team.add_staff("周杰", "admin", by=OPERATOR))
    frozen_clock.move_to(dt.datetime(2026, 11, 25, 11, 0))
    team.set_active("王磊", False, by=admin)
    team.set_role("李娜", "receptionist", by=admin)
    eleven = dt.datetime(2026, 11, 25, 11, 0)
    assert spells(showroom["wanglei"]) == [(NOW, eleven)]
    assert spells(showroom["lina"]) == [(NOW, eleven)]
    frozen_clock.move_to(dt.datetime(2026, 11, 25, 14, 0))
    team.set_active("王磊", True, by=admin)  # back, and still marked on duty
    assert spells(showroom["wanglei"])[-1] == (dt.datetime(2026, 11, 25, 14, 0), None)


def test_the_migration_opens_a_spell_for_who_is_on_duty_then(db_path, frozen_clock):
    # A store at 0015: 王磊 on duty, 李娜 off, 陈静 a manager, 赵强 a consultant who left.
    old = store.make_database(db_path)
    old.connect()
    Runner(old, str(store.MIGRATIONS_DIR), table_name=store.MIGRATIONS_TABLE).up(
        target="0015_report_resign"
    )
    for n, (name, role, active, on_duty) in enumerate(
        [("王磊", "consultant", 1, 1), ("李娜", "consultant", 1, 0),
         ("陈静", "manager", 1, 1), ("赵强", "consultant", 0, 1)], start=1,
    ):  # fmt: skip
        old.execute_sql(
            "INSERT INTO staff (id, name, login, role, active, on_duty, rotation_order, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, '2026-11-01 09:00:00')",
            (n, name, f"s{n}", role, active, on_duty, n),
        )
    old.close()
    store.open_store(db_path)
    try:
        # Only 王磊 is in the rotation's pool: his spell opens at the upgrade (10:30).
        rows = list(DutyPeriod.select().dicts())
        assert [(r["staff"], r["started_at"], r["ended_at"]) for r in rows] == [(1, NOW, None)]
    finally:
        store.close_store()

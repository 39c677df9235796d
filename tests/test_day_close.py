"""The desk's end-of-day close-out (日终结账, ``frontdesk.desk.day_close``): the parties still
in, the incomplete registrations, the close and its confirmation, amendments, re-closes,
the days not closed, and who may do each.

The day under test is Wednesday 2026-11-25, the clock frozen at 10:30 (``FROZEN_NOW``):

==== ======= ======= ============================ ===== ======= ====== ========= ==========
 #   in      kind    who                          level model   chan.  consult.  out
==== ======= ======= ============================ ===== ======= ====== ========= ==========
 1   09:10   walk-in 张三 13812345678               —     凯美瑞  网络   王磊*     (in)
 2   09:20   walk-in anonymous                    —     —       网络   李娜      09:30
 3   09:40   walk-in anonymous                    H     —       —      王磊      (in)
 4   10:00   call    李四 13900001111               —     —       网络   —         —
 5   10:10   walk-in 王五 13700002222               A     卡罗拉  —      李娜      (in)
==== ======= ======= ============================ ===== ======= ====== ========= ==========

(* the head of the up rotation, given to #1 by the desk.)

Worked out by hand:

- walk-ins 4 (#1 #2 #3 #5), calls 1 (#4); in the showroom 3 (#1 #3 #5: no time out);
- missing (``MISSING``): #3 has a level and no phone, and no model → phone, model (its
  channel is not asked: no phone, so not on file); #5 is a new customer on file (a phone,
  a first visit) with no channel → channel. #1 and #4 have a channel; #2 has no phone.
  So 2 incomplete registrations: #3 (phone, model) and #5 (channel).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from frontdesk.desk import day_close, day_log, registration
from frontdesk.errors import ConflictError, Forbidden, ValidationError
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.stats import statistics
from frontdesk.store.models import AuditEntry, DayClose, Registration
from tests.actors import as_member
from tests.conftest import FROZEN_NOW

pytestmark = pytest.mark.both_engines  # the store's tests, on SQLite and on PostgreSQL

DAY = FROZEN_NOW.date()
YESTERDAY = DAY - dt.timedelta(days=1)


def register(time_in: str, **fields) -> Registration:
    return registration.register(registration.RegistrationInput(time_in=time_in, **fields), by=DESK)


@pytest.fixture
def morning(showroom):
    """The day of the module docstring, by its row numbers."""
    return {
        1: register("09:10", phone="13812345678", name="张三", model="凯美瑞", channel="网络"),
        2: register("09:20", time_out="09:30", consultant="李娜", channel="网络"),
        3: register("09:40", level="H", consultant="王磊"),
        4: register("10:00", kind="phone", phone="13900001111", name="李四", channel="网络"),
        5: register(
            "10:10", phone="13700002222", name="王五", level="A", model="卡罗拉", consultant="李娜"
        ),
    }


def all_out(rows) -> None:
    """#1 left at 10:00, #3 and #5 are marked left unrecorded: nobody is in."""
    day_close.set_time_out(rows[1].id, "10:00", by=DESK)
    day_close.mark_left(rows[3].id, by=DESK)
    day_close.mark_left(rows[5].id, by=DESK)


# -- the parties still in and the incomplete registrations ------------------------------------


def test_the_parties_still_in_are_listed_in_order_of_arrival_with_their_numbers(morning):
    parties = day_close.open_parties(DAY)
    assert [(party.number, party.name) for party in parties] == [(1, "张三"), (3, ""), (5, "王五")]
    assert parties[0].consultant == "王磊"


def test_the_registrations_missing_what_the_form_asks_are_listed_with_what_they_miss(morning):
    missing = day_close.missing_fields(DAY)
    # #3: a level without phone or model; #5: on file, first visit, no channel.
    assert [(item.number, item.missing) for item in missing] == [
        (3, ("phone", "model")),
        (5, ("channel",)),
    ]
    assert missing[0].missing_labels == "电话、意向车型"


def test_a_walk_in_with_no_consultant_is_missing_one(showroom):
    # An anonymous walk-in with no one on duty gets no consultant: the only thing missing.
    from frontdesk.people import team

    team.set_roster(set(), by=OPERATOR)
    register("09:00")
    assert [item.missing for item in day_close.missing_fields(DAY)] == [("consultant",)]


def test_the_close_outs_figures_are_counted_in_sql(morning):
    # walk-ins 4, calls 1, in 3 (#1 #3 #5), left unrecorded 0, incomplete 2 (#3 #5).
    assert day_close.counts(DAY) == day_close.CloseCounts(4, 1, 3, 0, 2)
    day_close.mark_left(morning[3].id, by=DESK)
    # #3 is no longer in, and is left unrecorded; still a walk-in party, still incomplete.
    assert day_close.counts(DAY) == day_close.CloseCounts(4, 1, 2, 1, 2)


def test_a_time_out_must_be_typed_and_be_after_the_time_in(morning):
    with pytest.raises(ValidationError) as blank:
        day_close.set_time_out(morning[1].id, " ", by=DESK)
    assert "time_out" in blank.value.errors
    with pytest.raises(ValidationError) as early:
        day_close.set_time_out(morning[1].id, "09:00", by=DESK)  # in at 09:10
    assert "time_out" in early.value.errors
    with pytest.raises(ValidationError):
        day_close.set_time_out(morning[1].id, "11:00", by=DESK)  # the clock says 10:30
    saved = day_close.set_time_out(morning[1].id, "10:05", by=DESK)
    assert saved.time_out == dt.datetime(2026, 11, 25, 10, 5)


def test_marking_a_party_left_unrecorded_is_stored_audited_and_refused_twice(morning):
    saved = day_close.mark_left(morning[3].id, by=DESK)
    assert saved.left_unrecorded_at == FROZEN_NOW
    assert saved.version == morning[3].version + 1  # an editor holding the row sees the change
    entry = AuditEntry.get(AuditEntry.action == "left_unrecorded")
    assert entry.entity_id == morning[3].id
    with pytest.raises(ConflictError):
        day_close.mark_left(morning[3].id, by=DESK)
    with pytest.raises(ConflictError):  # #2 left at 09:30
        day_close.mark_left(morning[2].id, by=DESK)
    with pytest.raises(ValidationError):  # a call has no time out
        day_close.mark_left(morning[4].id, by=DESK)


def test_a_party_left_unrecorded_is_not_in_the_showroom_on_the_log_and_still_a_party(morning):
    day_close.mark_left(morning[3].id, by=DESK)
    summary = day_log.day_summary(DAY)
    # 4 walk-in parties still; in the showroom #1 and #5 only (3 before the mark).
    assert (summary.walkins, summary.open) == (4, 2)
    row = next(row for row in day_log.day_log(DAY) if row.id == morning[3].id)
    assert row.left_unrecorded and not row.is_open


def test_a_party_left_unrecorded_is_not_in_the_statistics_showroom_figure(morning):
    before = statistics.daily_statistics(DAY)
    # Parties 4; in the showroom 3 (#1 #3 #5); the mean stay only over #2 (10 minutes).
    assert (before.parties, before.open) == (4, 3)
    day_close.mark_left(morning[3].id, by=DESK)
    day_close.mark_left(morning[5].id, by=DESK)
    after = statistics.daily_statistics(DAY)
    # Still 4 parties received; in the showroom only #1; no stay for the marked (no time out).
    assert (after.parties, after.open) == (4, 1)
    assert after.avg_stay_min == before.avg_stay_min == 10.0


def test_a_customer_marked_left_is_no_longer_in_the_showroom_for_the_form(morning):
    customer = morning[5].customer_id
    assert registration.still_in_showroom(customer, DAY) is not None
    day_close.mark_left(morning[5].id, by=DESK)
    assert registration.still_in_showroom(customer, DAY) is None


# -- the close ---------------------------------------------------------------------------------


def test_the_close_is_refused_while_parties_are_still_in(morning):
    with pytest.raises(ConflictError, match="3 批"):  # #1 #3 #5
        day_close.close_day(DAY, by=DESK)
    day_close.mark_left(morning[3].id, by=DESK)
    with pytest.raises(ConflictError, match="2 批"):
        day_close.close_day(DAY, by=DESK)
    assert DayClose.select().count() == 0


def test_the_close_is_signed_stored_with_the_day_as_it_stood_and_audited(morning, showroom):
    all_out(morning)
    receptionist = as_member(showroom["zhaomin"])
    state = day_close.close_day(DAY, by=receptionist)
    assert state.status == day_close.CLOSED
    assert state.close is not None
    assert (state.close.closed_by, state.close.closed_at) == ("赵敏", "2026-11-25 10:30:00")
    record = DayClose.get()
    assert record.closed_by_id == showroom["zhaomin"].id and record.closed_as == "staff"
    frozen = json.loads(record.snapshot)
    assert [row["number"] for row in frozen] == [1, 2, 3, 4, 5]
    assert frozen[2]["left_unrecorded"] is True and frozen[0]["time_out"] == "2026-11-25 10:00:00"
    entry = AuditEntry.get(AuditEntry.entity == "day_close")
    # 5 rows frozen; still 2 incomplete (#3, #5): the close does not wait for them.
    assert entry.action == "close"
    assert json.loads(entry.detail)["rows"] == 5
    assert json.loads(entry.detail)["incomplete"] == 2


def test_closing_today_takes_everyone_off_duty_and_ends_their_spells(morning, frozen_clock):
    """王磊 and 李娜 have been on duty since they were added (10:30, the frozen now). The
    close at 19:00 ends both spells there: 8.5 h each, not a spell running through the night;
    the rotation is empty until tomorrow's roster."""
    from frontdesk.people import team
    from frontdesk.store.models import DutyPeriod

    all_out(morning)
    frozen_clock.move_to(dt.datetime(2026, 11, 25, 19, 0))
    day_close.close_day(DAY, by=DESK)
    assert team.rotation() == []
    spells = [
        (p.staff.name, p.started_at, p.ended_at)
        for p in DutyPeriod.select().order_by(DutyPeriod.id)
    ]
    assert spells == [
        ("王磊", dt.datetime(2026, 11, 25, 10, 30), dt.datetime(2026, 11, 25, 19, 0)),
        ("李娜", dt.datetime(2026, 11, 25, 10, 30), dt.datetime(2026, 11, 25, 19, 0)),
    ]


def test_closing_a_past_day_leaves_todays_duty_alone(showroom):
    from frontdesk.people import team

    party = register("2026-11-24 17:00", time_out="2026-11-24 17:30")
    assert party.id
    day_close.close_day(YESTERDAY, by=DESK)
    # (the 17:00 party went to 王磊, the head then: he is second now, and both still on duty)
    assert [member.name for member in team.rotation()] == ["李娜", "王磊"]


def test_a_day_closed_with_nothing_changed_since_is_not_closed_twice(morning):
    all_out(morning)
    day_close.close_day(DAY, by=DESK)
    with pytest.raises(ConflictError, match="前台"):
        day_close.close_day(DAY, by=DESK)


def test_a_correction_after_the_close_is_an_amendment_and_the_day_is_closed_again(morning):
    all_out(morning)
    day_close.close_day(DAY, by=DESK)
    # After the close: #3 gets its phone, and a party of 09:50 is entered late from paper.
    data = registration.to_input(Registration.get_by_id(morning[3].id))
    data.phone = "13600003333"
    registration.update(morning[3].id, data, morning[3].version + 1, by=DESK)
    late = register("09:50", time_out="10:00", consultant="王磊")
    state = day_close.closeout(DAY, by=DESK)
    assert state.status == day_close.AMENDED
    # The late party is No. 4 now (09:50, before the 10:00 call); #3 keeps No. 3. The
    # call and #5 move down a number, which is not one of their fields: no amendment.
    assert [(a.what, a.id, a.number) for a in state.amendments] == [
        ("changed", morning[3].id, 3),
        ("added", late.id, 4),
    ]
    changed = next(a for a in state.amendments if a.id == morning[3].id)
    assert ("phone", "", "13600003333") in changed.changes
    again = day_close.close_day(DAY, by=DESK)
    assert again.status == day_close.CLOSED and not again.amendments
    assert len(again.earlier) == 1  # the first close stays under the new one
    assert DayClose.select().count() == 2
    assert AuditEntry.select().where(AuditEntry.action == "reclose").count() == 1


def test_a_manager_confirms_the_latest_close_once(morning, showroom):
    all_out(morning)
    manager = as_member(showroom["chenjing"])
    with pytest.raises(ConflictError):  # not closed yet
        day_close.confirm_day(DAY, by=manager)
    day_close.close_day(DAY, by=DESK)
    state = day_close.confirm_day(DAY, by=manager)
    assert state.status == day_close.CONFIRMED
    assert state.close is not None and state.close.confirmed_by == "陈静"
    assert DayClose.get().confirmed_by_id == showroom["chenjing"].id
    assert AuditEntry.select().where(AuditEntry.action == "confirm").count() == 1
    with pytest.raises(ConflictError, match="陈静"):
        day_close.confirm_day(DAY, by=manager)


def test_a_day_corrected_after_its_close_is_closed_again_before_it_is_confirmed(morning, showroom):
    all_out(morning)
    day_close.close_day(DAY, by=DESK)
    registration.checkout(morning[3].id, "10:20", by=DESK)  # #3's time out found after all
    manager = as_member(showroom["chenjing"])
    with pytest.raises(ConflictError, match="重新结账"):
        day_close.confirm_day(DAY, by=manager)
    day_close.close_day(DAY, by=manager)  # a manager may close too
    assert day_close.confirm_day(DAY, by=manager).status == day_close.CONFIRMED


def test_a_day_to_come_cannot_be_closed(showroom):
    with pytest.raises(ValidationError):
        day_close.close_day(DAY + dt.timedelta(days=1), by=DESK)


def test_a_past_day_is_closed_with_its_own_times(showroom):
    # Yesterday's party in at 17:00 gets its time out "18:15" on its own day.
    party = register("2026-11-24 17:00")
    day_close.set_time_out(party.id, "18:15", by=DESK)
    assert Registration.get_by_id(party.id).time_out == dt.datetime(2026, 11, 24, 18, 15)
    assert day_close.close_day(YESTERDAY, by=DESK).status == day_close.CLOSED


# -- the days not closed ----------------------------------------------------------------------


def test_the_days_not_closed_are_listed_for_a_manager(showroom):
    # 11-20: 2 registrations, 1 party still in; 11-23: 1, closed; 11-24: 1 call;
    # today (11-25) is not listed: it is not over.
    register("2026-11-20 09:00")
    register("2026-11-20 10:00", time_out="10:30")
    closed = register("2026-11-23 11:00")
    day_close.mark_left(closed.id, by=DESK)
    day_close.close_day(dt.date(2026, 11, 23), by=DESK)
    register("2026-11-24 15:00", kind="phone")
    register("10:00")
    assert day_close.unclosed(by=OPERATOR) == [
        day_close.Unclosed(dt.date(2026, 11, 20), 2, 1),
        day_close.Unclosed(dt.date(2026, 11, 24), 1, 0),
    ]


# -- who may ----------------------------------------------------------------------------------


def test_the_desk_and_a_receptionist_close_a_manager_confirms_a_consultant_neither(
    morning, showroom
):
    all_out(morning)
    consultant = as_member(showroom["wanglei"])
    receptionist = as_member(showroom["zhaomin"])
    with pytest.raises(Forbidden):
        day_close.close_day(DAY, by=consultant)
    with pytest.raises(Forbidden):
        day_close.mark_left(morning[2].id, by=consultant)
    day_close.close_day(DAY, by=receptionist)
    with pytest.raises(Forbidden):
        day_close.confirm_day(DAY, by=receptionist)
    with pytest.raises(Forbidden):
        day_close.confirm_day(DAY, by=DESK)
    with pytest.raises(Forbidden):
        day_close.unclosed(by=receptionist)
    # Anyone who reads the log reads the close-out: the consultant too.
    assert day_close.closeout(DAY, by=consultant).status == day_close.CLOSED

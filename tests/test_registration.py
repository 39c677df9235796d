"""The registration form as a service: walk-ins, calls, customers, the up rotation."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from frontdesk import i18n
from frontdesk.desk import day_log, registration
from frontdesk.desk.registration import RegistrationInput
from frontdesk.errors import ConflictError, NotFound, ValidationError
from frontdesk.people import team
from frontdesk.people.actor import DESK
from frontdesk.stats import statistics
from frontdesk.store.models import AuditEntry, Customer, LevelChange, Registration
from tests.actors import as_member

pytestmark = pytest.mark.both_engines  # the store's tests, on SQLite and on PostgreSQL

ZHANG_SAN = "13812345678"  # 张三's mobile, as stored


def at(hhmm: str) -> dt.datetime:
    """A time on the frozen day, Tuesday 25 November 2026."""
    hour, minute = map(int, hhmm.split(":"))
    return dt.datetime(2026, 11, 25, hour, minute)


@pytest.fixture
def desk(showroom):
    """Register as the receptionist 赵敏 does."""

    def register(**fields):
        return registration.register(RegistrationInput(**fields), by=as_member(showroom["zhaomin"]))

    return register


def rotation_names() -> list[str]:
    return [member.name for member in team.rotation()]


def counts() -> tuple[int, ...]:
    return tuple(
        model.select().count() for model in (Registration, Customer, LevelChange, AuditEntry)
    )


# ---------------------------------------------------------------- walk-ins


def test_an_anonymous_walkin_needs_only_the_time_in(desk, showroom):
    reg = desk(time_in="10:05")
    assert reg.kind == "walkin"
    assert reg.time_in == at("10:05")
    assert reg.time_out is None
    assert reg.party_size == 1
    assert reg.visit == "first"
    assert reg.customer is None
    assert reg.phone is None
    assert reg.name == ""
    assert reg.consultant == showroom["wanglei"]  # the head of the up rotation
    assert reg.registered_by == showroom["zhaomin"]
    assert Customer.select().count() == 0


def test_a_walkin_without_time_in_arrives_now(desk):
    assert desk().time_in == at("10:30")


def test_a_walkin_with_a_phone_puts_the_customer_on_file(desk, showroom):
    reg = desk(
        time_in="10:00", phone="138 1234 5678", name="张三", gender="男", level="h", model="凯美瑞"
    )
    customer = Customer.get(Customer.phone == ZHANG_SAN)
    assert reg.customer == customer
    assert reg.phone == ZHANG_SAN
    assert (customer.name, customer.initials, customer.gender) == ("张三", "zs", "M")
    assert customer.first_contact == dt.date(2026, 11, 25)
    assert customer.customer_class == "intent"
    assert customer.level == "H"
    assert customer.model == "凯美瑞"
    assert customer.source == 4  # 来店/电
    assert customer.consultant == showroom["wanglei"]
    change = LevelChange.get(LevelChange.customer == customer)
    assert (change.from_level, change.to_level) == (None, "H")
    assert change.registration == reg
    assert change.staff == showroom["zhaomin"]
    assert change.at == at("10:00")


def test_a_customer_without_a_level_is_a_base_customer(desk):
    desk(time_in="10:00", phone=ZHANG_SAN, name="张三")
    customer = Customer.get(Customer.phone == ZHANG_SAN)
    assert customer.customer_class == "base"
    assert customer.level is None
    assert LevelChange.select().count() == 0


def test_the_same_phone_typed_differently_is_a_returning_walkin(desk, showroom):
    first = desk(time_in="09:00", phone="138 1234 5678", name="张三", level="H")
    assert rotation_names() == ["李娜", "王磊"]  # 王磊 took 张三; 李娜 is now the head
    again = desk(time_in="10:20", phone="+86 138-1234-5678")
    assert first.visit == "first"
    assert again.visit == "returning"
    assert again.customer_id == first.customer_id
    assert again.name == "张三"  # taken from the customer on file
    assert again.consultant == showroom["wanglei"]  # their own consultant, not the head
    assert Customer.select().count() == 1


def test_a_returning_walkin_does_not_move_the_rotation(desk, showroom):
    desk(time_in="09:00", phone=ZHANG_SAN, name="张三")  # 王磊 takes 张三
    desk(time_in="09:30")  # 李娜 takes an anonymous party
    assert rotation_names() == ["王磊", "李娜"]
    desk(time_in="10:00", phone=ZHANG_SAN)  # 张三 comes back to 王磊
    assert rotation_names() == ["王磊", "李娜"]


def test_a_first_visit_walkin_sends_its_consultant_to_the_end(desk, showroom):
    assert rotation_names() == ["王磊", "李娜"]
    desk(time_in="09:00")
    assert rotation_names() == ["李娜", "王磊"]
    assert desk(time_in="09:10").consultant == showroom["lina"]
    assert rotation_names() == ["王磊", "李娜"]


def test_skip_head_moves_the_head_to_the_end(desk, showroom):
    new_head = team.skip_head("away", by=as_member(showroom["zhaomin"]))
    assert new_head == showroom["lina"]
    assert rotation_names() == ["李娜", "王磊"]
    assert desk(time_in="10:00").consultant == showroom["lina"]
    skip = AuditEntry.get(AuditEntry.action == "skip")
    assert (skip.entity, skip.entity_id) == ("rotation", showroom["wanglei"].id)


def test_a_phone_call_does_not_move_the_rotation(desk):
    desk(kind="phone", time_in="09:00", phone=ZHANG_SAN)
    assert rotation_names() == ["王磊", "李娜"]


def test_a_call_before_the_first_walkin_keeps_the_walkin_first(desk, showroom):
    call = desk(kind="phone", time_in="09:00", phone=ZHANG_SAN, name="张三")
    walkin = desk(time_in="09:30", phone=ZHANG_SAN)
    second_call = desk(kind="phone", time_in="10:00", phone=ZHANG_SAN)
    assert call.visit == "first"
    assert walkin.visit == "first"  # only an earlier walk-in makes a walk-in returning
    assert second_call.visit == "returning"  # any earlier contact makes a call a repeat
    assert walkin.consultant == showroom["wanglei"]  # the consultant who took the call
    assert rotation_names() == ["李娜", "王磊"]  # the first walk-in moved him


def test_a_phone_call_is_always_a_party_of_one(desk):
    assert desk(kind="phone", time_in="09:00", party_size=3).party_size == 1


@pytest.mark.parametrize("chosen", ["李娜", "lina", "LiNa"])
def test_the_consultant_can_be_chosen_by_name_or_login(desk, showroom, chosen):
    reg = desk(time_in="10:00", phone=ZHANG_SAN, consultant=chosen)
    assert reg.consultant == showroom["lina"]
    assert Customer.get(Customer.phone == ZHANG_SAN).consultant == showroom["lina"]
    assert rotation_names() == ["王磊", "李娜"]  # 李娜 took a first visit: to the end


# ---------------------------------------------------------------- first or returning

YESTERDAY = dt.date(2026, 11, 24)  # a whole day before the frozen clock's 10:30


def yesterday(hhmm: str) -> str:
    return f"{YESTERDAY} {hhmm}"


def stamps() -> list[tuple[str, str, str]]:
    """(kind, time in, stored visit) of every registration, in order of time in."""
    rows = Registration.select(Registration.kind, Registration.time_in, Registration.visit)
    return [
        (kind, moment.strftime("%H:%M"), visit)
        for kind, moment, visit in rows.order_by(Registration.time_in, Registration.id).tuples()
    ]


def stored_first_walkins() -> int:
    return (
        Registration.select()
        .where((Registration.kind == "walkin") & (Registration.visit == "first"))
        .count()
    )


def test_a_back_dated_walkin_makes_the_later_one_returning(desk):
    """15:00 saved first, then 10:00 typed in from paper: 10:00 is the first visit."""
    desk(time_in=yesterday("15:00"), phone=ZHANG_SAN, name="张三")
    desk(time_in=yesterday("10:00"), phone=ZHANG_SAN)
    assert stamps() == [("walkin", "10:00", "first"), ("walkin", "15:00", "returning")]
    day = statistics.daily_statistics(YESTERDAY)
    assert (day.first, day.returning) == (1, 1)
    assert stored_first_walkins() == 1


def test_a_back_dated_walkin_before_a_call_makes_the_call_a_repeat(desk):
    desk(time_in=yesterday("15:00"), phone=ZHANG_SAN)
    desk(kind="phone", time_in=yesterday("12:00"), phone=ZHANG_SAN)  # after 15:00's save
    assert [visit for *_, visit in stamps()] == ["first", "first"]  # the call came first
    desk(time_in=yesterday("10:00"), phone=ZHANG_SAN)
    assert stamps() == [
        ("walkin", "10:00", "first"),
        ("phone", "12:00", "returning"),  # he had walked in at 10:00
        ("walkin", "15:00", "returning"),
    ]


@pytest.mark.parametrize(
    ("moved", "to", "expected"),
    [
        ("15:00", "09:00", [("walkin", "09:00", "first"), ("walkin", "10:00", "returning")]),
        ("10:00", "16:00", [("walkin", "15:00", "first"), ("walkin", "16:00", "returning")]),
    ],
)
def test_moving_a_walkin_earlier_or_later_restamps_the_customers_rows(desk, moved, to, expected):
    walkins = {
        hhmm: desk(time_in=yesterday(hhmm), phone=ZHANG_SAN, name="张三")
        for hhmm in ("10:00", "15:00")
    }
    data = registration.to_input(walkins[moved])
    data.time_in = yesterday(to)
    registration.update(walkins[moved].id, data, walkins[moved].version, by=DESK)
    assert stamps() == expected
    day = statistics.daily_statistics(YESTERDAY)
    assert (day.first, day.returning) == (1, 1)
    assert stored_first_walkins() == 1


def test_moving_a_walkin_to_another_phone_restamps_both_customers(desk):
    first = desk(time_in=yesterday("09:00"), phone=ZHANG_SAN, name="张三")
    second = desk(time_in=yesterday("10:00"), phone=ZHANG_SAN)
    assert Registration.get_by_id(second.id).visit == "returning"
    data = registration.to_input(first)
    data.phone, data.name = "13912345678", "李四"  # the 09:00 party was someone else
    registration.update(first.id, data, first.version, by=DESK)
    assert Registration.get_by_id(first.id).visit == "first"  # 李四's first visit
    assert Registration.get_by_id(second.id).visit == "first"  # now 张三's first visit
    data = registration.to_input(Registration.get_by_id(first.id))
    data.phone = ""  # and then without any phone: an anonymous party, first too
    registration.update(first.id, data, first.version + 1, by=DESK)
    assert [visit for *_, visit in stamps()] == ["first", "first"]
    assert statistics.daily_statistics(YESTERDAY).first == 2
    assert stored_first_walkins() == 2


def test_the_proposed_consultant(showroom, desk):
    assert registration.propose_consultant() == showroom["wanglei"]
    desk(time_in="09:00", phone=ZHANG_SAN, consultant="李娜")
    assert registration.propose_consultant("138-1234-5678") == showroom["lina"]
    assert registration.propose_consultant("13900000000") == showroom["wanglei"]


# ---------------------------------------------------------------- validation


def errors_of(desk, **fields) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        desk(**fields)
    return caught.value.errors


@pytest.mark.parametrize(
    ("fields", "field_id"),
    [
        ({"phone": "12345"}, "phone"),
        ({"phone": "138-1234-567x"}, "phone"),
        ({"party_size": 0}, "party_size"),
        ({"party_size": 100}, "party_size"),
        ({"party_size": "abc"}, "party_size"),
        ({"party_size": "-1"}, "party_size"),
        ({"level": "X"}, "level"),
        ({"level": "HH"}, "level"),
        ({"model": "宝马X5"}, "model"),
        ({"model": "k"}, "model"),  # 凯美瑞 and 卡罗拉: ambiguous
        ({"channel": "抖音"}, "channel"),
        ({"name": "张" * 41}, "name"),
        ({"notes": "备" * 501}, "notes"),
        ({"time_in": "10:20", "time_out": "10:00"}, "time_out"),
        ({"time_in": "10:20", "time_out": "abc"}, "time_out"),
        ({"kind": "phone", "time_in": "10:00", "time_out": "10:10"}, "time_out"),
        ({"time_in": "25:00"}, "time_in"),
        ({"time_in": "1999-12-31 23:59"}, "time_in"),
        ({"time_in": "0001-01-01 00:00"}, "time_in"),
        ({"consultant": "孙悟空"}, "consultant"),
        ({"gender": "x"}, "gender"),
        ({"kind": "visit"}, "kind"),
    ],
)
def test_a_bad_field_is_named_by_its_field_name(desk, fields, field_id):
    before = counts()
    rotation = rotation_names()
    assert set(errors_of(desk, **fields)) == {field_id}
    assert counts() == before  # nothing stored
    assert rotation_names() == rotation


def test_several_errors_are_reported_at_once(desk):
    before = counts()
    errors = errors_of(
        desk,
        phone="12345",
        party_size=0,
        level="X",
        model="宝马X5",
        name="张" * 41,
        time_in="10:20",
        time_out="10:00",
        consultant="孙悟空",
    )
    assert set(errors) == {
        "phone",
        "party_size",
        "level",
        "model",
        "name",
        "time_out",
        "consultant",
    }
    assert all(errors.values())
    assert counts() == before


def test_a_time_in_before_2000_is_refused_with_the_first_day(desk):
    assert errors_of(desk, time_in="1999-12-31 10:00") == {"time_in": "时间不能早于 2000-01-01"}


def test_a_phone_with_letters_is_refused_with_its_own_sentence(desk):
    before = counts()
    assert errors_of(desk, time_in="10:00", phone="1391234abcd") == {
        "phone": "电话号码里不能有字母：只填数字（可带 +、空格、-）"
    }
    assert counts() == before
    assert Customer.get_or_none(Customer.phone == "13912342223") is None  # the keypad reading


def test_an_inactive_consultant_cannot_be_chosen(desk, showroom):
    Staff = type(showroom["lina"])
    Staff.update(active=False).where(Staff.id == showroom["lina"].id).execute()
    assert set(errors_of(desk, consultant="李娜")) == {"consultant"}


def test_a_unique_fuzzy_model_is_resolved(desk):
    assert desk(time_in="10:00", model="km").model == "凯美瑞"
    assert desk(time_in="10:01", model="rav").model == "RAV4荣放"
    assert desk(time_in="10:02", channel="朋友").channel == "朋友介绍"


@pytest.mark.parametrize(("typed", "stored"), [("", 1), (" 3 ", 3), (99, 99), ("1", 1)])
def test_party_size(desk, typed, stored):
    assert desk(time_in="10:00", party_size=typed).party_size == stored


def test_user_text_is_stored_literally(desk):
    reg = desk(
        time_in="10:00",
        phone=ZHANG_SAN,
        name="[VIP]张三",
        notes="[/x] [bold]别解析[/bold] {name} %s",
        colour="珍珠白[/]",
    )
    stored = Registration.get_by_id(reg.id)
    assert stored.name == "[VIP]张三"
    assert stored.notes == "[/x] [bold]别解析[/bold] {name} %s"
    assert stored.colour == "珍珠白[/]"
    customer = Customer.get(Customer.phone == ZHANG_SAN)
    assert customer.name == "[VIP]张三"
    assert customer.initials == "vzs"


def test_terminal_escapes_are_dropped_from_user_text(desk):
    reg = desk(time_in="10:00", name="\x1b[2J张三\x07")
    assert Registration.get_by_id(reg.id).name == "[2J张三"


def test_validation_errors_follow_the_language(desk):
    chinese = errors_of(desk, phone="12345", party_size=0)
    assert chinese == {"phone": "不是有效的电话号码", "party_size": "人数：1 到 99"}
    i18n.set_language("en")
    english = errors_of(desk, phone="12345", party_size=0)
    assert english == {"phone": "Not a valid phone number", "party_size": "Party size: 1 to 99"}
    with pytest.raises(ValidationError, match=r"^Phone: Not a valid phone number$"):
        desk(phone="12345")


# ---------------------------------------------------------------- lookup


def test_lookup_summarises_a_known_customer(desk):
    desk(time_in="09:00", phone=ZHANG_SAN, name="张三", level="H", model="凯美瑞", gender="M")
    desk(kind="phone", time_in="10:00", phone="+86 138 1234 5678")
    summary = registration.lookup("138-1234-5678")
    assert summary is not None
    assert summary.name == "张三"
    assert summary.phone == ZHANG_SAN
    assert summary.gender == "M"
    assert summary.level == "H"
    assert summary.model == "凯美瑞"
    assert (summary.consultant, summary.consultant_login) == ("王磊", "wanglei")
    assert summary.last_visit == at("10:00")
    assert (summary.visits, summary.walkins) == (2, 1)


@pytest.mark.parametrize("typed", ["13900000000", "12345", "", "abc"])
def test_lookup_of_an_unknown_or_invalid_phone_is_none(desk, typed):
    desk(time_in="09:00", phone=ZHANG_SAN, name="张三")
    assert registration.lookup(typed) is None


def test_a_customer_still_in_the_showroom_is_found_with_the_days_number(desk):
    """在店: today's walk-in without a time out, numbered as today's log numbers it."""
    desk(time_in="09:00")  # 序号 1, anonymous
    zhang = desk(time_in="10:05", phone=ZHANG_SAN, name="张三")  # 序号 3
    desk(time_in="09:30", phone="13900000000")  # typed later, arrived earlier: 序号 2
    customer_id = zhang.customer_id
    present = registration.still_in_showroom(customer_id, at("10:30").date())
    assert present == registration.StillInShowroom(zhang.id, 3, at("10:05"))
    log_number = {row.id: row.number for row in day_log.day_log(at("10:30").date())}[zhang.id]
    assert present.number == log_number
    assert registration.lookup(ZHANG_SAN).in_showroom == present


def test_a_customer_who_left_or_only_called_is_not_in_the_showroom(desk, showroom):
    zhang = desk(time_in="09:05", phone=ZHANG_SAN, name="张三")
    desk(kind="phone", time_in="10:00", phone=ZHANG_SAN)
    registration.checkout(zhang.id, "09:40", by=as_member(showroom["zhaomin"]))
    assert registration.still_in_showroom(zhang.customer_id, at("10:30").date()) is None
    yesterday = desk(time_in="2026-11-24 16:00", phone="13900000000")  # never checked out
    assert registration.still_in_showroom(yesterday.customer_id, at("10:30").date()) is None
    assert registration.lookup(ZHANG_SAN).in_showroom is None


# ---------------------------------------------------------------- checkout


def test_checkout_now(desk, showroom):
    reg = desk(time_in="10:00")
    left = registration.checkout(reg.id, by=as_member(showroom["zhaomin"]))
    assert left.time_out == at("10:30")
    assert left.version == reg.version + 1
    entry = AuditEntry.get(AuditEntry.action == "checkout")
    assert (entry.entity, entry.entity_id, entry.staff) == (
        "registration",
        reg.id,
        left.registered_by,
    )


def test_checkout_at_a_corrected_time(desk):
    reg = desk(time_in="10:00")
    assert registration.checkout(reg.id, "10:20", by=DESK).time_out == at("10:20")
    assert registration.checkout(reg.id, "2026-11-25 10:25", by=DESK).time_out == at("10:25")


@pytest.mark.parametrize("typed", ["09:59", "abc"])
def test_checkout_refuses_a_bad_time(desk, typed):
    reg = desk(time_in="10:00")
    with pytest.raises(ValidationError) as caught:
        registration.checkout(reg.id, typed, by=DESK)
    assert set(caught.value.errors) == {"time_out"}
    assert Registration.get_by_id(reg.id).time_out is None


def test_checkout_refuses_a_phone_call(desk):
    call = desk(kind="phone", time_in="10:00")
    with pytest.raises(ValidationError) as caught:
        registration.checkout(call.id, by=DESK)
    assert set(caught.value.errors) == {"time_out"}


def test_checkout_of_an_unknown_registration(desk):
    with pytest.raises(NotFound):
        registration.checkout(9999, by=DESK)


# ---------------------------------------------------------------- update


def test_update_with_the_current_version(desk, showroom):
    reg = desk(time_in="10:00", phone=ZHANG_SAN, name="张三")
    data = registration.to_input(reg)
    data.party_size = 3
    data.notes = "带孩子"
    updated = registration.update(reg.id, data, reg.version, by=as_member(showroom["zhaomin"]))
    assert updated.version == reg.version + 1
    assert (updated.party_size, updated.notes) == (3, "带孩子")
    assert updated.visit == "first"
    entry = AuditEntry.get(AuditEntry.action == "update", AuditEntry.entity == "registration")
    assert entry.entity_id == reg.id


def test_update_with_a_stale_version_is_refused(desk):
    reg = desk(time_in="10:00")
    first = registration.to_input(reg)
    first.party_size = 2
    registration.update(reg.id, first, reg.version, by=DESK)
    second = registration.to_input(reg)  # read before the first save
    second.party_size = 5
    with pytest.raises(ConflictError):
        registration.update(reg.id, second, reg.version, by=DESK)
    assert Registration.get_by_id(reg.id).party_size == 2


def test_update_of_an_unknown_registration(desk):
    with pytest.raises(NotFound):
        registration.update(9999, RegistrationInput(), 1, by=DESK)


def test_update_validates_like_register(desk):
    reg = desk(time_in="10:00")
    data = registration.to_input(reg)
    data.party_size = 0
    with pytest.raises(ValidationError) as caught:
        registration.update(reg.id, data, reg.version, by=DESK)
    assert set(caught.value.errors) == {"party_size"}
    assert Registration.get_by_id(reg.id).version == reg.version


def test_a_level_change_through_update_is_recorded(desk, showroom):
    reg = desk(time_in="10:00", phone=ZHANG_SAN, name="张三", level="H")
    data = registration.to_input(reg)
    data.level = "a"
    registration.update(reg.id, data, reg.version, by=as_member(showroom["chenjing"]))  # a manager
    customer = Customer.get(Customer.phone == ZHANG_SAN)
    assert customer.level == "A"
    changes = list(LevelChange.select().order_by(LevelChange.id))
    assert [(c.from_level, c.to_level) for c in changes] == [(None, "H"), ("H", "A")]
    assert changes[1].registration_id == reg.id
    assert changes[1].staff == showroom["chenjing"]


def test_correcting_an_old_registration_keeps_the_customers_later_level(desk):
    morning = desk(time_in="09:00", phone=ZHANG_SAN, name="张三", level="H", model="凯美瑞")
    desk(kind="phone", time_in="10:00", phone=ZHANG_SAN, level="A", model="汉兰达")
    data = registration.to_input(morning)
    data.notes = "补记：试驾了"
    registration.update(morning.id, data, morning.version, by=DESK)
    customer = Customer.get(Customer.phone == ZHANG_SAN)
    assert (customer.level, customer.model) == ("A", "汉兰达")
    changes = [(c.from_level, c.to_level) for c in LevelChange.select().order_by(LevelChange.id)]
    assert changes == [(None, "H"), ("H", "A")]


# ---------------------------------------------------------------- audit


def test_every_write_leaves_an_audit_entry(desk, showroom):
    AuditEntry.delete().execute()  # forget the showroom's own set-up
    anonymous = desk(time_in="09:00")
    on_file = desk(time_in="09:10", phone=ZHANG_SAN, name="张三")
    registration.checkout(anonymous.id, "09:40", by=as_member(showroom["zhaomin"]))
    data = registration.to_input(on_file)
    data.party_size = 2
    registration.update(on_file.id, data, on_file.version, by=as_member(showroom["zhaomin"]))
    entries = list(AuditEntry.select().order_by(AuditEntry.id))
    customer_id = on_file.customer_id
    assert [(e.action, e.entity, e.entity_id) for e in entries] == [
        ("create", "registration", anonymous.id),
        ("create", "customer", customer_id),
        ("create", "registration", on_file.id),
        ("checkout", "registration", anonymous.id),
        ("update", "registration", on_file.id),
    ]
    assert {e.staff_id for e in entries} == {showroom["zhaomin"].id}
    assert all(e.at == at("10:30") and e.session for e in entries)
    assert json.loads(entries[1].detail) == {"phone": ZHANG_SAN}


def test_times_that_have_not_come_yet_are_refused(showroom):
    with pytest.raises(ValidationError) as refused:
        registration.register(RegistrationInput(kind="walkin", time_in="11:00"), by=DESK)
    assert set(refused.value.errors) == {"time_in"}
    party = registration.register(RegistrationInput(kind="walkin", time_in="10:00"), by=DESK)
    with pytest.raises(ValidationError) as refused:
        registration.checkout(party.id, "23:00", by=DESK)
    assert set(refused.value.errors) == {"time_out"}


# ---------------------------------------------------------------- one check, form and core


@pytest.mark.parametrize(
    ("field_id", "typed"),
    [
        ("phone", "1391234abcd"),
        ("phone", "12"),
        ("phone", "13812345678"),
        ("party_size", "0"),
        ("party_size", "３"),  # full width, from a Chinese input method
        ("party_size", "2.5"),
        ("party_size", "100"),
        ("party_size", "4"),
        ("time_in", "25:00"),
        ("time_in", "9:05"),
    ],
)
def test_the_form_checks_a_field_exactly_as_the_core_saves_it(desk, field_id, typed):
    """What the form says of a field as it is typed is what the save says of it."""
    from frontdesk.desk import registration_input
    from frontdesk.errors import ValidationError

    said = registration_input.field_error(field_id, typed)
    data = RegistrationInput(kind="walkin", **{field_id: typed})
    try:
        registration_input.clean(data)
    except ValidationError as refused:
        saved = refused.errors.get(field_id)
    else:
        saved = None
    assert said == saved

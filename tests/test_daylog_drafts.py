"""The day's log, drafts, settings, code lists and staff."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from frontdesk.desk import day_log as daylog
from frontdesk.desk import registration
from frontdesk.desk.registration import RegistrationInput
from frontdesk.errors import Forbidden, NotFound, ValidationError
from frontdesk.people import team
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.store import codes, drafts, settings
from frontdesk.store.models import AuditEntry, Draft, Registration, Staff
from tests.actors import as_member

WEDNESDAY = dt.date(2026, 11, 25)
NOW = dt.datetime(2026, 11, 25, 10, 30)


def register(**fields) -> Registration:
    return registration.register(RegistrationInput(**fields), by=DESK)


# ---------------------------------------------------------------- the day's log


@pytest.fixture
def busy_wednesday(showroom):
    """Tuesday evening's last party, Wednesday's morning, and Thursday's first call."""
    tuesday_evening = register(time_in="2026-11-24 23:59:59", name="周二晚")
    later = register(time_in="10:10", name="张三", phone="13812345678", party_size=3)
    early = register(time_in="2026-11-25 00:00", name="开门前")
    call = register(kind="phone", time_in="09:00", name="李四", consultant="陈静")
    left = register(time_in="09:30", time_out="09:50", name="王五")
    with time_machine.travel(dt.datetime(2026, 11, 26, 0, 5), tick=False):
        thursday = register(kind="phone", time_in="2026-11-26 00:00", name="周四")
    return {
        "tuesday_evening": tuesday_evening,
        "later": later,
        "early": early,
        "call": call,
        "left": left,
        "thursday": thursday,
    }


def test_day_log_holds_only_that_days_registrations_in_order(busy_wednesday):
    rows = daylog.day_log(WEDNESDAY)
    assert [row.name for row in rows] == ["开门前", "李四", "王五", "张三"]
    assert [row.id for row in rows] == [
        busy_wednesday[key].id for key in ("early", "call", "left", "later")
    ]


def test_day_log_numbers_the_day_by_time_in_not_by_the_order_typed(busy_wednesday):
    # Typed 10:10, 00:00, 09:00, 09:30 (ids 2, 3, 4, 5): numbered as the paper form does.
    register(time_in="09:30", name="同时到")  # the same minute as 王五: after them, typed later
    rows = daylog.day_log(WEDNESDAY)
    assert [(row.number, row.name) for row in rows] == [
        (1, "开门前"),
        (2, "李四"),
        (3, "王五"),
        (4, "同时到"),
        (5, "张三"),
    ]
    assert rows[4].id == busy_wednesday["later"].id  # each number still names its registration
    assert [row.number for row in daylog.day_log(dt.date(2026, 11, 26))] == [1]  # each day from 1


def test_day_log_of_the_neighbouring_days(busy_wednesday):
    assert [row.name for row in daylog.day_log(dt.date(2026, 11, 24))] == ["周二晚"]
    assert [row.name for row in daylog.day_log(dt.date(2026, 11, 26))] == ["周四"]
    assert daylog.day_log(dt.date(2026, 11, 27)) == []


def test_day_summary_counts_parties_people_those_still_in_and_calls(busy_wednesday):
    # Wednesday: 开门前 (1, still in), 张三 (3, still in), 王五 (1, left) and 李四's call.
    assert daylog.day_summary(WEDNESDAY) == daylog.DaySummary(walkins=3, people=5, open=2, calls=1)
    assert daylog.day_summary(dt.date(2026, 11, 26)) == daylog.DaySummary(0, 0, 0, 1)
    assert daylog.day_summary(dt.date(2026, 11, 27)) == daylog.DaySummary(0, 0, 0, 0)


def test_day_log_rows_carry_the_form(busy_wednesday):
    rows = {row.name: row for row in daylog.day_log(WEDNESDAY)}
    zhang = rows["张三"]
    assert zhang.consultant == "李娜"  # Tuesday's last party went to 王磊, the head then
    assert rows["李四"].consultant == "陈静"
    assert daylog.day_log(dt.date(2026, 11, 24))[0].consultant == "王磊"
    assert (zhang.kind, zhang.phone, zhang.party_size, zhang.visit) == (
        "walkin",
        "13812345678",
        3,
        "first",
    )
    assert zhang.time_in == dt.datetime(2026, 11, 25, 10, 10)
    assert zhang.version == 1


def test_day_log_without_a_consultant_shows_blank(showroom):
    for member in team.rotation():
        team.set_on_duty(member, False, by=DESK)
    register(time_in="10:00", name="没人接")
    [row] = daylog.day_log(WEDNESDAY)
    assert row.consultant == ""


def test_open_parties_and_their_stay(busy_wednesday):
    rows = {row.name: row for row in daylog.day_log(WEDNESDAY)}
    assert rows["张三"].is_open
    assert rows["张三"].stay_minutes(NOW) == 20
    assert not rows["王五"].is_open
    assert rows["王五"].stay_minutes(NOW) == 20  # 09:30 to 09:50
    assert not rows["李四"].is_open  # a call is never "in the showroom"
    assert rows["李四"].stay_minutes(NOW) is None


def test_a_checkout_closes_the_row(busy_wednesday):
    registration.checkout(busy_wednesday["later"].id, "10:25", by=DESK)
    row = next(r for r in daylog.day_log(WEDNESDAY) if r.name == "张三")
    assert not row.is_open
    assert row.time_out == dt.datetime(2026, 11, 25, 10, 25)
    assert row.stay_minutes(NOW) == 15
    assert row.version == 2


# ---------------------------------------------------------------- drafts


def test_a_draft_is_kept_per_owner_and_form(db):
    drafts.save_draft("zhaomin", "walkin", {"phone": "138", "name": "张三"})
    drafts.save_draft("zhaomin", "phone", {"phone": "010"})
    drafts.save_draft("", "walkin", {"name": "前台草稿"})
    payload, saved_at = drafts.load_draft("zhaomin", "walkin")
    assert payload == {"phone": "138", "name": "张三"}
    assert saved_at == NOW
    assert drafts.load_draft("zhaomin", "phone")[0] == {"phone": "010"}
    assert drafts.load_draft("", "walkin")[0] == {"name": "前台草稿"}
    assert drafts.load_draft("lina", "walkin") is None
    assert drafts.load_draft("zhaomin", "edit:1") is None


def test_saving_again_replaces_the_draft(db, frozen_clock):
    drafts.save_draft("zhaomin", "walkin", {"name": "张"})
    frozen_clock.shift(dt.timedelta(minutes=2))
    drafts.save_draft("zhaomin", "walkin", {"name": "张三", "party_size": "2"})
    assert Draft.select().count() == 1
    payload, saved_at = drafts.load_draft("zhaomin", "walkin")
    assert payload == {"name": "张三", "party_size": "2"}
    assert saved_at == dt.datetime(2026, 11, 25, 10, 32)


def test_a_draft_keeps_text_literally(db):
    payload = {"notes": "[/x] {name} 🚗", "when": dt.datetime(2026, 11, 25, 10, 5)}
    drafts.save_draft("zhaomin", "walkin", payload)
    assert drafts.load_draft("zhaomin", "walkin")[0] == {
        "notes": "[/x] {name} 🚗",
        "when": "2026-11-25 10:05:00",
    }


def test_discarding_a_draft(db):
    drafts.save_draft("zhaomin", "walkin", {"name": "张三"})
    drafts.save_draft("zhaomin", "phone", {"name": "李四"})
    drafts.discard_draft("zhaomin", "walkin")
    assert drafts.load_draft("zhaomin", "walkin") is None
    assert drafts.load_draft("zhaomin", "phone") is not None
    drafts.discard_draft("zhaomin", "walkin")  # nothing left: no error


def test_a_corrupted_draft_is_none(db):
    drafts.save_draft("zhaomin", "walkin", {"name": "张三"})
    Draft.update(payload='{"name": "张').execute()
    assert drafts.load_draft("zhaomin", "walkin") is None


# ---------------------------------------------------------------- settings


def test_settings_get_and_put(db):
    assert settings.get("store_name") == ""
    assert settings.get("store_name", "无名店") == "无名店"
    assert settings.store_name() == ""
    assert not settings.is_welcomed()
    settings.put(settings.STORE_NAME, "丰田4S店")
    settings.put(settings.STORE_NAME, "广汽丰田4S店")
    settings.put(settings.WELCOMED, "1")
    assert settings.store_name() == "广汽丰田4S店"
    assert settings.is_welcomed()


# ---------------------------------------------------------------- code lists


def test_the_default_channels_are_there(db):
    channels = codes.names(codes.CHANNEL)
    assert channels[0] == "网络"
    assert channels[-1] == "其他"
    assert len(channels) == 10


def test_codes_add_keeps_order_and_ignores_duplicates_and_blanks(showroom):
    assert codes.names(codes.MODEL) == ["凯美瑞", "卡罗拉", "汉兰达", "RAV4荣放"]
    added = codes.add(codes.MODEL, "威兰达", "  ", "", "凯美瑞", " 威兰达 ", "bZ3")
    assert added == 2
    assert codes.names(codes.MODEL) == ["凯美瑞", "卡罗拉", "汉兰达", "RAV4荣放", "威兰达", "bZ3"]


def test_code_lists_are_separate(showroom):
    assert codes.add(codes.CHANNEL, "凯美瑞") == 1  # a channel may share a model's name
    assert codes.names(codes.CHANNEL)[-1] == "凯美瑞"
    assert codes.names(codes.MODEL).count("凯美瑞") == 1


def test_a_retired_code_is_not_offered(showroom):
    from frontdesk.store.models import CodeItem

    CodeItem.update(active=False).where(CodeItem.name == "卡罗拉").execute()
    assert codes.names(codes.MODEL) == ["凯美瑞", "汉兰达", "RAV4荣放"]
    assert codes.add(codes.MODEL, "卡罗拉") == 0  # kept as it is, still retired


# ---------------------------------------------------------------- staff


def test_the_same_name_twice_is_refused(showroom):
    with pytest.raises(ValidationError) as caught:
        team.add_staff("王磊", "consultant", by=OPERATOR)
    assert set(caught.value.errors) == {"name"}
    assert Staff.select().where(Staff.name == "王磊").count() == 1


def test_colliding_pinyin_gets_a_numbered_login(showroom):
    wang_lei = team.add_staff("王蕾", "consultant", by=OPERATOR)  # also wáng lěi
    assert wang_lei.login == "wanglei2"
    assert team.add_staff("汪磊", "receptionist", by=OPERATOR).login == "wanglei3"
    assert team.find_staff("wanglei2") == wang_lei
    assert team.find_staff("王磊") == showroom["wanglei"]


def test_an_explicit_login_is_lower_cased_and_must_be_free(showroom):
    member = team.add_staff("孙悦", "consultant", login="SunYue", by=OPERATOR)
    assert member.login == "sunyue"
    assert team.find_staff("SUNYUE") == member
    with pytest.raises(ValidationError) as caught:
        team.add_staff("孙月", "consultant", login="sunyue", by=OPERATOR)
    assert set(caught.value.errors) == {"login"}


@pytest.mark.parametrize(
    ("name", "role", "login", "field_id"),
    [
        ("孙悦", "boss", None, "role"),
        ("孙悦", "consultant", "sun yue", "login"),
        ("孙悦", "consultant", "孙悦", "login"),
        ("", "consultant", None, "name"),
        ("   ", "consultant", None, "name"),
        ("孙" * 41, "consultant", None, "name"),
    ],
)
def test_add_staff_validation(showroom, name, role, login, field_id):
    before = Staff.select().count()
    with pytest.raises(ValidationError) as caught:
        team.add_staff(name, role, login=login, by=OPERATOR)
    assert set(caught.value.errors) == {field_id}
    assert Staff.select().count() == before


def test_add_staff_is_audited(showroom):
    member = showroom["chenjing"]
    entry = AuditEntry.get((AuditEntry.entity == "staff") & (AuditEntry.entity_id == member.id))
    assert entry.action == "create"


def test_list_staff(showroom):
    names = [member.name for member in team.list_staff()]
    # by role, then by rotation order
    assert names == ["王磊", "李娜", "陈静", "赵敏"]
    Staff.update(active=False).where(Staff.name == "赵敏").execute()
    assert [m.name for m in team.list_staff(active_only=True)] == ["王磊", "李娜", "陈静"]
    assert len(team.list_staff()) == 4


def test_consultants_include_managers_who_receive_customers(showroom):
    assert [m.name for m in team.consultants()] == ["王磊", "李娜", "陈静"]


def test_set_on_duty_removes_from_the_rotation(showroom):
    wang = showroom["wanglei"]
    assert [m.name for m in team.rotation()] == ["王磊", "李娜"]
    team.set_on_duty(wang, False, by=DESK)
    assert [m.name for m in team.rotation()] == ["李娜"]
    assert team.proposed_consultant() == showroom["lina"]
    assert register(time_in="10:00").consultant == showroom["lina"]
    team.set_on_duty(wang, True, by=DESK)
    assert [m.name for m in team.rotation()] == ["王磊", "李娜"]
    duty = AuditEntry.select().where(AuditEntry.action == "duty").count()
    assert duty == 2


def test_the_roster_sets_who_is_on_duty_in_one_go(showroom):
    wang, li = showroom["wanglei"], showroom["lina"]
    assert [(m.name, m.on_duty) for m in team.duty_roster()] == [
        ("王磊", True),
        ("李娜", True),
    ]  # consultants only: the manager receives customers but is not in the rotation
    assert team.set_roster({li.id}, by=DESK) == [li]
    assert [(m.name, m.on_duty) for m in team.duty_roster()] == [
        ("王磊", False),
        ("李娜", True),
    ]
    assert team.set_roster([wang.id, li.id], by=DESK) == [wang, li]
    assert AuditEntry.select().where(AuditEntry.action == "duty").count() == 2  # changes only
    with pytest.raises(Forbidden):
        team.set_roster([], by=as_member(wang))  # a consultant does not set the roster


def test_nobody_on_duty_proposes_nobody(showroom):
    for member in team.rotation():
        team.set_on_duty(member, False, by=DESK)
    assert team.proposed_consultant() is None
    assert team.skip_head("busy", by=DESK) is None


def test_a_member_who_leaves_is_out_of_the_rotation_and_back_when_reactivated(showroom):
    from frontdesk.followup import contacts

    wang, admin = showroom["wanglei"], team.add_staff("周杰", "admin", by=OPERATOR)
    customer = register(time_in="10:00", phone="13812345678", level="H").customer
    assert customer.consultant == wang
    member, still_open = team.set_active("王磊", False, by=as_member(admin))
    assert (member.id, member.active, still_open) == (wang.id, False, 1)  # 张三 is still his
    assert not team.is_active(wang.id)
    assert [m.name for m in team.rotation()] == ["李娜"]
    contacts.close_customer(customer.id, "lost", "电话停机", by=as_member(showroom["chenjing"]))
    member, still_open = team.set_active("wanglei", True, by=as_member(admin))
    assert (member.active, still_open, team.is_active(wang.id)) == (True, 0, True)
    assert [m.name for m in team.rotation()] == ["李娜", "王磊"]
    actions = [
        e.action
        for e in AuditEntry.select().where(AuditEntry.entity_id == wang.id).order_by(AuditEntry.id)
        if e.entity == "staff"
    ]
    assert actions[-2:] == ["deactivate", "activate"]


def test_only_an_admin_deactivates_and_never_themselves(showroom):
    admin = team.add_staff("周杰", "admin", by=OPERATOR)
    with pytest.raises(Forbidden):
        team.set_active("王磊", False, by=as_member(showroom["chenjing"]))  # a manager may not
    with pytest.raises(ValidationError) as refused:
        team.set_active("周杰", False, by=as_member(admin))
    assert refused.value.errors == {"name": "不能停用自己"}
    with pytest.raises(NotFound):
        team.set_active("孙悟空", False, by=as_member(admin))
    assert all(member.active for member in team.list_staff())


def test_require_staff(showroom):
    assert team.require_staff("zhaomin") == showroom["zhaomin"]
    with pytest.raises(NotFound):
        team.require_staff("孙悟空")

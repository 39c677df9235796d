"""The code lists (代码表): list, add, rename and retire — the admin's, kept on old rows."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from frontdesk.desk import registration
from frontdesk.errors import Forbidden, NotFound, ValidationError
from frontdesk.followup import contacts
from frontdesk.people import team
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.store import codes
from frontdesk.store.models import AuditEntry, CodeItem, Customer, Registration
from tests.actors import as_member
from tests.conftest import FROZEN_NOW


@pytest.fixture
def admin(showroom):
    return as_member(team.add_staff("周杰", "admin", by=OPERATOR))


def walkin(phone: str, model: str = "", channel: str = "", minutes_ago: int = 60):
    data = registration.RegistrationInput(
        kind="walkin",
        time_in=FROZEN_NOW - dt.timedelta(minutes=minutes_ago),
        phone=phone,
        name="张三",
        model=model,
        channel=channel,
        level="A",
    )
    return registration.register(data, by=DESK)


def listed(kind: str, by) -> list[tuple[str, bool, int]]:
    return [(code.name, code.active, code.uses) for code in codes.list_codes(kind, by=by)]


def test_the_list_shows_retired_names_and_how_many_rows_use_each(showroom, admin):
    walkin("13812345678", model="凯美瑞")
    walkin("13912345678", model="凯美瑞", minutes_ago=50)
    walkin("13700001111", model="汉兰达", minutes_ago=40)
    codes.retire_code(codes.MODEL, "汉兰达", by=admin)
    assert listed(codes.MODEL, admin) == [
        ("凯美瑞", True, 2),
        ("卡罗拉", True, 0),
        ("汉兰达", False, 1),
        ("RAV4荣放", True, 0),
    ]
    assert {code.kind for code in codes.list_codes(by=admin)} == {codes.CHANNEL, codes.MODEL}


def test_a_retired_model_is_offered_no_more_but_stays_on_its_rows(showroom, admin):
    kept = walkin("13812345678", model="汉兰达")
    codes.retire_code(codes.MODEL, "汉兰达", by=admin)

    assert "汉兰达" not in codes.names(codes.MODEL)
    with pytest.raises(ValidationError) as refused:
        walkin("13912345678", model="汉兰达", minutes_ago=30)
    assert refused.value.errors["model"] == "不在车型表中：汉兰达"
    assert Registration.get_by_id(kept.id).model == "汉兰达"
    assert Customer.get_by_id(kept.customer_id).model == "汉兰达"

    # Correcting the old row (its notes) keeps its model; changing to a retired one is refused.
    data = registration.to_input(Registration.get_by_id(kept.id))
    data.notes = "补记：要七座"
    saved = registration.update(kept.id, data, kept.version, by=DESK)
    assert (saved.model, saved.notes) == ("汉兰达", "补记：要七座")
    other = walkin("13700001111", model="凯美瑞", minutes_ago=20)
    data = registration.to_input(other)
    data.model = "汉兰达"
    with pytest.raises(ValidationError) as refused:
        registration.update(other.id, data, other.version, by=DESK)
    assert "model" in refused.value.errors


def test_a_rename_corrects_every_row_that_carries_the_name_in_one_go(showroom, admin):
    codes.add_code(codes.MODEL, "凯美锐", by=admin)  # a typo
    first = walkin("13812345678", model="凯美锐")
    second = walkin("13912345678", model="凯美锐", channel="网络", minutes_ago=30)
    other = walkin("13700001111", model="卡罗拉", minutes_ago=20)

    row, rewritten = codes.rename_code(codes.MODEL, "凯美锐", "凯美瑞Ⅱ", by=admin)

    assert (row.name, rewritten) == ("凯美瑞Ⅱ", 4)  # two registrations, two customers
    for saved in (first, second):
        assert Registration.get_by_id(saved.id).model == "凯美瑞Ⅱ"
        assert Customer.get_by_id(saved.customer_id).model == "凯美瑞Ⅱ"
    assert Registration.get_by_id(other.id).model == "卡罗拉"
    assert Registration.get_by_id(second.id).version == second.version  # no false conflict
    assert "凯美锐" not in codes.names(codes.MODEL)
    entry = AuditEntry.get(AuditEntry.action == "code_rename")
    assert entry.staff_id == admin.staff_id
    assert json.loads(entry.detail) == {
        "kind": "model",
        "before": "凯美锐",
        "after": "凯美瑞Ⅱ",
        "rows": 4,
    }


def test_a_rename_of_a_competitor_or_reason_corrects_the_closed_customers(showroom, admin):
    codes.add_code(codes.COMPETITOR, "大众朗逸", by=admin)
    codes.add_code(codes.DEFEAT_REASON, "价钱", by=admin)
    lost = Customer.get_by_id(walkin("13812345678").customer_id)
    contacts.close_customer(lost.id, "defeat", reason="价钱", competitor="大众朗逸", by=OPERATOR)
    away = Customer.get_by_id(walkin("13912345678", minutes_ago=30).customer_id)
    contacts.close_customer(away.id, "lost", reason="价钱", by=OPERATOR)  # not a defeat

    codes.rename_code(codes.COMPETITOR, "大众朗逸", "上汽大众朗逸", by=admin)
    codes.rename_code(codes.DEFEAT_REASON, "价钱", "价格", by=admin)

    lost, away = Customer.get_by_id(lost.id), Customer.get_by_id(away.id)
    assert (lost.competitor, lost.close_reason) == ("上汽大众朗逸", "价格")
    assert away.close_reason == "价钱"  # a lost customer's own words are not a defeat reason


def test_refusals_are_sentences_beside_the_name(showroom, admin):
    cases = [
        (codes.add_code, (codes.MODEL, "凯美瑞"), "车型表中已有“凯美瑞”"),
        (codes.add_code, (codes.MODEL, "rav4荣放"), "车型表中已有“rav4荣放”"),
        (codes.add_code, (codes.MODEL, "  "), "必填"),
        (codes.add_code, (codes.MODEL, "长" * 61), "太长：最多 60 个字"),
        (codes.rename_code, (codes.MODEL, "凯美瑞", "卡罗拉"), "车型表中已有“卡罗拉”"),
        (codes.retire_code, (codes.CHANNEL, "网络"), None),
        (codes.retire_code, (codes.CHANNEL, "网络"), "“网络”已经停用"),
        (codes.restore_code, (codes.MODEL, "凯美瑞"), "“凯美瑞”正在使用，无需恢复"),
    ]
    for service, args, message in cases:
        if message is None:
            service(*args, by=admin)
            continue
        with pytest.raises(ValidationError) as refused:
            service(*args, by=admin)
        assert refused.value.errors == {"name": message}
    with pytest.raises(ValidationError) as refused:
        codes.add_code("colour", "红", by=admin)
    assert refused.value.errors == {
        "kind": "代码表只能是：channel, model, defeat-reason, competitor"
    }
    with pytest.raises(NotFound, match="车型表中没有“凯美锐”"):
        codes.rename_code(codes.MODEL, "凯美锐", "凯美瑞", by=admin)


def test_adding_a_retired_name_brings_it_back(showroom, admin):
    codes.retire_code(codes.MODEL, "卡罗拉", by=admin)
    row, restored = codes.add_code(codes.MODEL, "卡罗拉", by=admin)
    assert restored and row.active
    assert CodeItem.select().where(CodeItem.name == "卡罗拉").count() == 1
    row, restored = codes.add_code(codes.DEFEAT_REASON, "交车期太长", by=admin)
    assert not restored
    assert codes.names(codes.DEFEAT_REASON) == ["交车期太长"]


def test_a_case_only_rename_is_allowed(showroom, admin):
    codes.add_code(codes.MODEL, "rav4", by=admin)
    row, _ = codes.rename_code(codes.MODEL, "rav4", "RAV4", by=admin)
    assert row.name == "RAV4"


@pytest.mark.parametrize("who", ["wanglei", "zhaomin", "chenjing", None])
def test_only_the_admin_changes_or_lists_the_code_lists(showroom, who):
    by = as_member(showroom[who]) if who else DESK
    for call in (
        lambda: codes.list_codes(by=by),
        lambda: codes.add_code(codes.MODEL, "威兰达", by=by),
        lambda: codes.rename_code(codes.MODEL, "凯美瑞", "凯美瑞双擎", by=by),
        lambda: codes.retire_code(codes.MODEL, "凯美瑞", by=by),
        lambda: codes.restore_code(codes.MODEL, "凯美瑞", by=by),
    ):
        with pytest.raises(Forbidden, match="无权管理代码表"):
            call()
    assert codes.names(codes.MODEL) == ["凯美瑞", "卡罗拉", "汉兰达", "RAV4荣放"]


# -- the command line ----------------------------------------------------------------------


@pytest.fixture
def store_with_admin(run_cli):
    assert run_cli("staff", "add", "周杰", "--role", "admin")[0] == 0
    assert run_cli("staff", "add", "王磊", "--role", "consultant")[0] == 0
    assert run_cli("codes", "add", "model", "凯美锐", "卡罗拉")[0] == 0
    return run_cli


def test_codes_commands_add_rename_retire_and_list(store_with_admin):
    run = store_with_admin
    status, out, _ = run("--as", "zhoujie", "codes", "add", "competitor", "大众朗逸")
    assert (status, out) == (0, "竞争品牌表：已添加“大众朗逸”\n")
    status, out, _ = run("--as", "zhoujie", "codes", "rename", "model", "凯美锐", "凯美瑞")
    assert (status, out) == (0, "车型表：“凯美锐”已改为“凯美瑞”，0 条记录随之改正\n")
    status, out, _ = run("--as", "zhoujie", "codes", "retire", "model", "卡罗拉")
    assert (status, out) == (0, "车型表：“卡罗拉”已停用，已有记录保留原样\n")
    status, out, _ = run("--as", "zhoujie", "codes", "list", "model")
    assert status == 0
    assert out.splitlines() == [
        "代码表  名称    状态    已用  取自",
        "车型    凯美瑞  在用    0     本店",
        "车型    卡罗拉  已停用  0     本店",
    ]
    status, out, _ = run("--as", "zhoujie", "codes", "restore", "model", "卡罗拉")
    assert (status, out) == (0, "车型表：已恢复“卡罗拉”\n")
    status, out, _ = run("--as", "zhoujie", "--lang", "en", "codes")
    assert status == 0
    rows = [line.split() for line in out.splitlines()]
    assert rows[0] == ["List", "Name", "State", "Used", "From"]
    assert ["channel", "网络", "in", "use", "0", "store"] in rows
    assert rows[-1] == ["competitor", "大众朗逸", "in", "use", "0", "store"]


def test_codes_commands_refuse_others_and_bad_input(store_with_admin):
    run = store_with_admin
    status, out, err = run("--as", "wanglei", "codes", "add", "model", "威兰达")
    assert (status, out, err) == (1, "", "销售顾问无权管理代码表\n")
    assert run("--as", "wanglei", "codes", "list")[0] == 1
    status, _, err = run("codes", "add", "colour", "红")
    assert (status, err) == (1, "代码表只能是：channel, model, defeat-reason, competitor\n")
    status, _, err = run("codes", "rename", "model", "卡罗拉", "凯美锐")
    assert (status, err) == (1, "车型表中已有“凯美锐”\n")
    status, _, err = run("codes", "retire", "model", "威兰达")
    assert (status, err) == (1, "车型表中没有“威兰达”\n")

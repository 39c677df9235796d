"""The follow-up dialogs' input (contact_input): every field checked at once, one sentence per
field, the same checks one field at a time as it is typed."""

from __future__ import annotations

import datetime as dt

import pytest

from frontdesk.desk import registration
from frontdesk.errors import ValidationError
from frontdesk.followup import contact_input
from frontdesk.followup.contact_input import CloseInput, ContactInput
from frontdesk.people.actor import DESK
from frontdesk.store.models import Customer


def customer(phone: str = "13812345678", level: str = "A") -> Customer:
    data = registration.RegistrationInput(
        kind="walkin", time_in="09:00", phone=phone, name="张三", level=level
    )
    return Customer.get_by_id(registration.register(data, by=DESK).customer_id)


def errors_of(call, *args, **kwargs) -> dict[str, str]:
    with pytest.raises(ValidationError) as refused:
        call(*args, **kwargs)
    return refused.value.errors


def test_a_contact_is_cleaned_to_what_is_stored(showroom):
    clean = contact_input.clean_contact(
        ContactInput(
            method=" Visit ", at="10:05", account=" 送资料 ", level="h", next_date="12-01"
        ),
        customer(),
    )
    assert clean == contact_input.CleanContact(
        method="visit",
        at=dt.datetime(2026, 11, 25, 10, 5),
        account="送资料",
        level="H",
        next_date=dt.date(2026, 12, 1),
        staff=None,
        source=4,  # none typed: the customer's own, 4 as the desk put them on file
    )


def test_every_bad_field_of_a_contact_is_named_at_once(showroom):
    errors = errors_of(
        contact_input.clean_contact,
        ContactInput(
            method="fax", at="11:00", account="长" * 501, level="X", next_date="+400", staff="无名"
        ),
        customer(),
    )
    assert errors == {
        "method": "接触方式只能是 call 电话、visit 拜访、walkin 来店、message 短信·微信",
        "at": "时间还没到：不能晚于现在",
        "account": "太长：最多 500 个字",
        "level": "级别只能是 H、A、B、C、O 或空白",
        "next": "约定日期须在接触后一年内（最晚 2027-11-26）",
        "staff": "没有这位员工：无名",
    }


def test_a_customer_without_a_level_needs_one_after_the_contact(showroom):
    errors = errors_of(contact_input.clean_contact, ContactInput(), customer(level=""))
    assert errors == {"level": "这位客户还不是意向客户：请给出接触后的级别（H A B C O）"}


@pytest.mark.parametrize(
    ("field_id", "typed", "at", "message"),
    [
        ("at", "25:00", None, "时间格式：HH:MM 或 YYYY-MM-DD HH:MM"),
        ("at", "11:00", None, "时间还没到：不能晚于现在"),
        ("at", "1999-12-31 10:00", None, "时间不能早于 2000-01-01"),
        ("at", "10:00", None, None),
        ("next", "12月40日", None, "日期格式：YYYY-MM-DD、MM-DD 或 +天数"),
        ("next", "2026-11-21", None, "约定日期不能早于接触日期"),
        ("next", "2026-11-21", "2026-11-20 15:00", None),  # read against the contact's day
        ("next", "+367", "2026-11-20 15:00", "约定日期须在接触后一年内（最晚 2027-11-21）"),
        ("next", "", None, None),
        ("account", "anything", None, None),  # not checked as typed
    ],
)
def test_one_field_as_typed_gets_the_sentence_the_whole_contact_would(
    showroom, field_id, typed, at, message
):
    assert contact_input.field_error(field_id, typed, at=at) == message
    if field_id in contact_input.TYPED_FIELDS:
        key = "next_date" if field_id == "next" else field_id
        data = ContactInput(**{"at": at, key: typed})
        try:
            contact_input.clean_contact(data, customer())
        except ValidationError as refused:
            assert refused.errors.get(field_id) == message
        else:
            assert message is None


def test_a_close_names_every_missing_field_at_once(showroom):
    open_one = customer()
    assert errors_of(contact_input.clean_close, CloseInput("defeat"), open_one) == {
        "reason": "战败、失控必须写明原因",
        "competitor": "战败必须写明购买的竞品（品牌/车型）",
    }
    assert errors_of(contact_input.clean_close, CloseInput("won"), open_one) == {
        "outcome": "关闭线索的结果只能是 deal 成交、defeat 战败、lost 失控"
    }
    clean = contact_input.clean_close(CloseInput(" LOST ", " 电话停机 "), open_one)
    assert (clean.outcome, clean.reason) == ("lost", "电话停机")


def test_a_customer_who_is_not_open_cannot_be_closed(showroom):
    closed = customer(level="")
    errors = errors_of(contact_input.clean_close, CloseInput("deal"), closed)
    assert errors == {"outcome": "张三 不是跟进中的意向客户"}


def test_a_customer_goes_only_to_an_active_consultant(showroom):
    assert contact_input.clean_consultant("lina").name == "李娜"
    assert contact_input.clean_consultant(showroom["chenjing"]).name == "陈静"  # a manager
    errors = errors_of(contact_input.clean_consultant, "赵敏")  # the receptionist
    assert errors == {"consultant": "不是在职的销售顾问：赵敏"}


def test_a_refusal_read_as_one_sentence_names_no_field_key():
    refused = ValidationError({"time-out": "离店时间早于来店时间", "party-size": "人数：1 到 99"})
    assert str(refused) == "离店时间早于来店时间 · 人数：1 到 99"

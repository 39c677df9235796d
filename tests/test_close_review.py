"""战败 / 失控 review: a consultant applies, a manager approves (the close) or rejects (the
customer goes on); the store files the silent customers as lost; the card, the CLI and the
F6 dialog by keys. The clock is frozen on Wednesday 2026-11-25 10:30."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from textual.widgets import Static

from frontdesk import cli
from frontdesk.desk import registration
from frontdesk.errors import Forbidden, ValidationError
from frontdesk.followup import close_review, contact_table, contacts, customer_card
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.store import settings
from frontdesk.store.models import (
    AuditEntry,
    CloseApplication,
    Customer,
    IntentCycle,
    LevelChange,
)
from screens.followup.contact_forms import CloseScreen
from screens.followup.contacts import ContactsScreen
from tests.actors import as_member
from tests.conftest import FROZEN_NOW, screen_text, settle

ZHANG, LI, WANG, ZHAO = "13812345678", "13912345678", "13700001111", "13600002222"


def at(day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute)


def walkin(phone: str, name: str, level: str, when: dt.datetime, consultant: str = "王磊"):
    data = registration.RegistrationInput(
        kind="walkin", time_in=when, phone=phone, name=name, level=level, consultant=consultant
    )
    return Customer.get_by_id(registration.register(data, by=DESK).customer_id)


@pytest.fixture
def people(showroom):
    return {login: as_member(member) for login, member in showroom.items()}


@pytest.fixture
def zhang(showroom):
    """张三, H, met on the 20th by 王磊: due on the 22nd (H every 2 days), overdue today."""
    return walkin(ZHANG, "张三", "H", at(20))


def audited(action: str) -> list[AuditEntry]:
    return list(
        AuditEntry.select()
        .where((AuditEntry.entity == "close_application") & (AuditEntry.action == action))
        .order_by(AuditEntry.id)
    )


# -- applying: the customer stays open and due -------------------------------------------------


def test_a_consultants_defeat_is_an_application_and_the_customer_stays_open(zhang, people):
    closing = close_review.request_close(
        zhang.id, "defeat", "价格", "本田雅阁", by=people["wanglei"]
    )
    assert closing.applied
    application = closing.application
    assert (application.status, application.outcome) == ("pending", "defeat")
    assert application.level == "H"
    assert (application.reason, application.competitor) == ("价格", "本田雅阁")
    assert (application.applied_by.name, application.consultant.name) == ("王磊", "王磊")
    assert (application.origin, application.applied_at) == ("consultant", FROZEN_NOW)
    # Nothing happened to the customer: open, H, due on the 22nd (20th + 2), still listed.
    after = Customer.get_by_id(zhang.id)
    assert (after.level, after.closed_as, after.next_due) == ("H", None, dt.date(2026, 11, 22))
    assert after.customer_class == "intent"
    assert not LevelChange.select().where(LevelChange.to_level.is_null()).exists()
    assert IntentCycle.get(IntentCycle.customer == zhang.id).closed_at is None
    due = contact_table.followups(people["wanglei"])
    assert [item.name for item in due] == ["张三"]
    [entry] = audited("apply")
    assert (entry.entity_id, entry.staff.name) == (application.id, "王磊")
    assert json.loads(entry.detail)["outcome"] == "defeat"


def test_a_lost_application_needs_a_reason_and_a_defeat_its_competitor(zhang, people):
    with pytest.raises(ValidationError) as refused:
        close_review.request_close(zhang.id, "defeat", "价格", by=people["wanglei"])
    assert set(refused.value.errors) == {"competitor"}
    with pytest.raises(ValidationError) as refused:
        close_review.request_close(zhang.id, "lost", by=people["wanglei"])
    assert set(refused.value.errors) == {"reason"}
    with pytest.raises(ValidationError) as refused:
        close_review.request_close(zhang.id, "gone", "x", by=people["wanglei"])
    assert set(refused.value.errors) == {"outcome"}
    assert CloseApplication.select().count() == 0


def test_one_application_waits_per_customer(zhang, people):
    close_review.apply(zhang.id, "lost", "电话停机", by=people["wanglei"])
    with pytest.raises(ValidationError) as refused:
        close_review.apply(zhang.id, "defeat", "价格", "本田雅阁", by=people["wanglei"])
    assert refused.value.errors["outcome"] == "张三 已有待审批的失控申请（2026-11-25）"
    assert CloseApplication.select().count() == 1


def test_a_deal_needs_no_review_and_a_managers_own_close_none_either(zhang, people):
    li = walkin(LI, "李四", "A", at(21))
    closing = close_review.request_close(zhang.id, "deal", by=people["wanglei"])
    assert not closing.applied and closing.customer.closed_as == "deal"
    closing = close_review.request_close(li.id, "lost", "电话停机", by=people["chenjing"])
    assert not closing.applied and closing.customer.closed_as == "lost"
    assert CloseApplication.select().count() == 0


# -- rights ----------------------------------------------------------------------------------


def test_a_consultant_applies_for_their_own_customers_only_and_cannot_decide(zhang, people):
    with pytest.raises(Forbidden) as refused:
        close_review.request_close(zhang.id, "lost", "停机", by=people["lina"])
    assert str(refused.value) == "只有该客户的销售顾问或展厅主管可以申请关闭线索"
    with pytest.raises(Forbidden):
        close_review.request_close(zhang.id, "deal", by=people["lina"])  # not hers either
    with pytest.raises(Forbidden):  # a consultant's direct close of a defeat: refused
        contacts.close_customer(zhang.id, "defeat", "价格", "本田雅阁", by=people["wanglei"])
    application = close_review.apply(zhang.id, "lost", "停机", by=people["wanglei"])
    with pytest.raises(Forbidden) as refused:
        close_review.approve(application.id, by=people["wanglei"])
    assert str(refused.value) == "销售顾问无权审批战败、失控申请"
    with pytest.raises(Forbidden):
        close_review.reject(application.id, "再跟", by=people["wanglei"])
    assert CloseApplication.get_by_id(application.id).status == "pending"


def test_the_desk_and_the_receptionist_are_refused(zhang, people):
    for actor in (DESK, people["zhaomin"]):
        with pytest.raises(Forbidden):
            close_review.request_close(zhang.id, "lost", "停机", by=actor)
        with pytest.raises(Forbidden):
            close_review.request_close(zhang.id, "deal", by=actor)
        with pytest.raises(Forbidden):
            close_review.queue(actor)
    assert CloseApplication.select().count() == 0
    assert Customer.get_by_id(zhang.id).level == "H"


def test_each_sees_the_queue_they_may(zhang, people):
    li = walkin(LI, "李四", "A", at(21), consultant="李娜")
    close_review.apply(zhang.id, "lost", "停机", by=people["wanglei"])
    close_review.apply(li.id, "defeat", "价格", "大众帕萨特", by=people["lina"])
    assert [item.name for item in close_review.queue(people["wanglei"])] == ["张三"]
    assert [item.name for item in close_review.queue(people["lina"])] == ["李四"]
    assert [item.name for item in close_review.queue(people["chenjing"])] == ["张三", "李四"]


# -- deciding --------------------------------------------------------------------------------


def test_the_managers_approval_is_the_close_at_the_approvals_moment(zhang, people, frozen_clock):
    application = close_review.apply(zhang.id, "defeat", "价格", "本田雅阁", by=people["wanglei"])
    frozen_clock.move_to(at(26, 9))  # the manager reads the queue the next morning
    approved = close_review.approve(application.id, by=people["chenjing"])
    closed = Customer.get_by_id(zhang.id)
    assert (closed.level, closed.closed_as, closed.closed_at) == (None, "defeat", at(26, 9))
    assert (closed.customer_class, closed.competitor, closed.close_reason) == (
        "defeated",
        "本田雅阁",
        "价格",
    )
    close = LevelChange.get(LevelChange.to_level.is_null())
    assert (close.from_level, close.at, close.staff.name) == ("H", at(26, 9), "陈静")
    assert (close.closed_as, close.close_reason, close.competitor) == ("defeat", "价格", "本田雅阁")
    cycle = IntentCycle.get(IntentCycle.customer == zhang.id)
    assert (cycle.closed_at, cycle.closed_as) == (at(26, 9), "defeat")
    assert (approved.status, approved.decided_by.name, approved.decided_at) == (
        "approved",
        "陈静",
        at(26, 9),
    )
    assert approved.close_id == close.id
    assert approved.applied_at == FROZEN_NOW  # the application keeps its own moment
    [entry] = audited("approve")
    assert (entry.entity_id, entry.staff.name) == (application.id, "陈静")
    with pytest.raises(ValidationError) as refused:  # decided: not twice
        close_review.approve(application.id, by=people["chenjing"])
    assert refused.value.errors["id"] == f"申请 #{application.id} 已批准，不能再审批"


def test_a_rejection_leaves_the_customer_as_they_were(zhang, people):
    application = close_review.apply(zhang.id, "lost", "电话停机", by=people["wanglei"])
    before = Customer.select().where(Customer.id == zhang.id).dicts().get()
    with pytest.raises(ValidationError) as refused:
        close_review.reject(application.id, "  ", by=people["chenjing"])
    assert refused.value.errors == {"reason": "驳回必须写明原因"}
    rejected = close_review.reject(application.id, "客户下周回国，继续跟", by=people["chenjing"])
    assert (rejected.status, rejected.note, rejected.decided_by.name) == (
        "rejected",
        "客户下周回国，继续跟",
        "陈静",
    )
    assert Customer.select().where(Customer.id == zhang.id).dicts().get() == before
    assert [item.name for item in contact_table.followups(people["wanglei"])] == ["张三"]
    assert [entry.entity_id for entry in audited("reject")] == [application.id]
    with pytest.raises(ValidationError):
        close_review.approve(application.id, by=people["chenjing"])
    # Rejected, the consultant may apply again (the customer is open and nothing waits).
    assert close_review.apply(zhang.id, "lost", "仍联系不上", by=people["wanglei"]).id


def test_a_customer_closed_meanwhile_is_not_closed_twice(zhang, people):
    application = close_review.apply(zhang.id, "lost", "电话停机", by=people["wanglei"])
    contacts.close_customer(zhang.id, "deal", by=people["chenjing"])  # he bought from us after all
    [item] = close_review.queue(people["chenjing"])
    assert (item.id, item.open) == (application.id, False)
    with pytest.raises(ValidationError) as refused:
        close_review.approve(application.id, by=people["chenjing"])
    assert refused.value.errors["outcome"] == "张三 不是跟进中的意向客户"
    assert Customer.get_by_id(zhang.id).closed_as == "deal"


# -- the silent customers (follow_up.auto_lost_days) -----------------------------------------


@pytest.fixture
def silent(showroom, people):
    """Five customers, today 11-25. With 10 days set the cut-off is 11-15 (25 − 10): a
    last contact on or before it is silent.

    张三 H, last 11-10 (15 days): filed. 李四 A, last 11-16 (9 days): not yet. 王五 O (an
    order), last 11-01: never. 赵六 B, last 11-05 with 王磊's own 失控申请 waiting: not a
    second one. 钱七 C, last 11-02, closed as lost: not open."""
    found = {
        "zhang": walkin(ZHANG, "张三", "H", at(10)),
        "li": walkin(LI, "李四", "A", at(16), consultant="李娜"),
        "wang": walkin(WANG, "王五", "O", at(1)),
        "zhao": walkin(ZHAO, "赵六", "B", at(5)),
        "qian": walkin("13500003333", "钱七", "C", at(2)),
    }
    close_review.apply(found["zhao"].id, "lost", "电话停机", by=people["wanglei"])
    contacts.close_customer(found["qian"].id, "lost", "搬家", by=people["chenjing"])
    return found


def test_the_setting_is_off_by_default(silent, people):
    assert settings.known_setting(settings.AUTO_LOST_DAYS).default == "0"
    assert [item.name for item in close_review.queue(people["chenjing"])] == ["赵六"]


def test_a_silent_customer_is_filed_as_lost_once(silent, people, frozen_clock):
    settings.change(settings.AUTO_LOST_DAYS, "10", by=OPERATOR)
    queue = close_review.queue(people["wanglei"])  # 王磊's listing files for the whole store
    assert [(item.name, item.origin) for item in queue] == [
        ("赵六", "consultant"),
        ("张三", "auto"),
    ]
    filed = CloseApplication.get(CloseApplication.origin == "auto")
    assert (filed.customer_id, filed.outcome) == (silent["zhang"].id, "lost")
    assert filed.status == "pending"
    assert (filed.reason, filed.level, filed.applied_by) == ("超过 10 天未接触", "H", None)
    assert queue[1].silent_days(FROZEN_NOW.date()) == 15
    assert Customer.get_by_id(silent["zhang"].id).level == "H"  # still open, until approved
    [entry] = [e for e in audited("apply") if json.loads(e.detail).get("origin") == "auto"]
    assert entry.entity_id == filed.id
    # Idempotent: listing again (any role) files nothing more.
    close_review.queue(people["chenjing"])
    assert close_review.file_silent_customers(people["chenjing"]) == 0
    assert CloseApplication.select().where(CloseApplication.origin == "auto").count() == 1
    # Rejected: not filed again while nobody has contacted 张三 since.
    close_review.reject(filed.id, "在外地，月底回来", by=people["chenjing"])
    assert close_review.file_silent_customers(people["chenjing"]) == 0
    # A call on 11-26, then ten silent days: 张三 is filed again on 12-06 (11-26 + 10). On
    # 12-05 he is 9 days silent, but 李四 (11-16 + 10 = 11-26) is filed then, 19 days.
    frozen_clock.move_to(at(26, 9))
    contacts.record_contact(silent["zhang"].id, contacts.ContactInput(method="call"), by=OPERATOR)
    frozen_clock.move_to(dt.datetime(2026, 12, 5, 18, 0))
    assert close_review.file_silent_customers(people["chenjing"]) == 1  # 李四 alone
    frozen_clock.move_to(dt.datetime(2026, 12, 6, 9, 0))
    assert close_review.file_silent_customers(people["chenjing"]) == 1  # 张三, 10 days
    pending = [item.name for item in close_review.queue(people["chenjing"])]
    assert pending == ["赵六", "李四", "张三"]


def test_the_store_files_when_the_manager_approves_it_closes(silent, people):
    settings.change(settings.AUTO_LOST_DAYS, "10", by=OPERATOR)
    filed = next(i for i in close_review.queue(people["chenjing"]) if i.origin == "auto")
    close_review.approve(filed.id, by=people["chenjing"])
    closed = Customer.get_by_id(silent["zhang"].id)
    assert (closed.closed_as, closed.close_reason) == ("lost", "超过 10 天未接触")


# -- the customer card -----------------------------------------------------------------------


def test_the_card_shows_each_application_and_its_outcome(zhang, people, frozen_clock):
    first = close_review.apply(zhang.id, "lost", "电话停机", by=people["wanglei"])
    card = customer_card.customer_card(zhang.id, by=people["wanglei"])
    assert (card.pending_outcome, card.pending_since) == ("lost", FROZEN_NOW)
    frozen_clock.move_to(at(25, 11))
    close_review.reject(first.id, "再打一次", by=people["chenjing"])
    frozen_clock.move_to(at(25, 15))
    second = close_review.apply(zhang.id, "defeat", "价格", "本田雅阁", by=people["wanglei"])
    frozen_clock.move_to(at(26, 9))
    close_review.approve(second.id, by=people["chenjing"])
    card = customer_card.customer_card(zhang.id, by=people["wanglei"])
    assert card.pending_outcome is None
    events = [
        (entry.at, entry.kind, entry.outcome, entry.status, entry.staff, entry.text)
        for entry in card.entries
        if entry.kind in ("apply", "review", "close")
    ]
    # Newest first; at the approval's moment the close, then the approval under it.
    assert events == [
        (at(26, 9), "close", "defeat", "", "陈静", "价格"),
        (at(26, 9), "review", "defeat", "approved", "陈静", ""),
        (at(25, 15), "apply", "defeat", "approved", "王磊", "价格"),
        (at(25, 11), "review", "lost", "rejected", "陈静", "再打一次"),
        (FROZEN_NOW, "apply", "lost", "rejected", "王磊", "电话停机"),
    ]


# -- the command line ------------------------------------------------------------------------


@pytest.fixture
def run(db_path, capsys, monkeypatch):
    for name in ("FRONTDESK_DB", "FRONTDESK_LANG", "FRONTDESK_AS"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = cli.main(["--db", db_path, *args])
        out, err = capsys.readouterr()
        return status, out, err

    return run


def test_cli_a_consultants_close_files_an_application_a_manager_decides(zhang, people, run):
    li = walkin(LI, "李四", "A", at(21))
    status, out, err = run("--as", "wanglei", "close", "--phone", ZHANG, "defeat",
                           "--reason", "价格", "--competitor", "本田雅阁")  # fmt: skip
    assert (status, err) == (0, "")
    assert out == "已提交 张三 的战败申请 #1，待主管审批（frontdesk review list）\n"
    assert Customer.get_by_id(zhang.id).level == "H"
    assert run("--as", "wanglei", "close", "--phone", LI, "lost", "--reason", "停机")[0] == 0

    status, out, _ = run("--as", "chenjing", "review", "list", "--json")
    assert status == 0
    listed = json.loads(out)
    assert listed == [item.as_json() for item in close_review.queue(people["chenjing"])]
    assert [(row["id"], row["name"], row["outcome"], row["status"]) for row in listed] == [
        (1, "张三", "defeat", "pending"),
        (2, "李四", "lost", "pending"),
    ]
    assert listed[0]["applied_at"] == "2026-11-25 10:30:00" and listed[0]["level"] == "H"
    status, out, _ = run("--as", "wanglei", "review", "list")
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["编号", "申请时间", "申请", "姓名"]
    assert lines[1].split()[:5] == ["1", "2026-11-25", "10:30", "战败申请", "张三"]
    assert "5 天" in lines[1] and "本田雅阁" in lines[1] and "待审批" in lines[1]

    status, _, err = run("--as", "wanglei", "review", "approve", "1")
    assert status == 1 and err.strip() == "销售顾问无权审批战败、失控申请"
    status, out, err = run("--as", "chenjing", "review", "approve", "1")
    assert (status, err) == (0, "")
    assert out == "已批准申请 #1：张三 的战败申请，线索已关闭\n"
    assert Customer.get_by_id(zhang.id).closed_as == "defeat"
    status, _, err = run("--as", "chenjing", "review", "reject", "2", "--reason", "")
    assert status == 1 and err.strip() == "驳回必须写明原因"
    status, out, _ = run("--as", "chenjing", "review", "reject", "2", "--reason", "下周再联系")
    assert out == "已驳回申请 #2：李四 的失控申请，继续跟进\n"
    assert Customer.get_by_id(li.id).level == "A"
    status, out, _ = run("--as", "chenjing", "review", "list")
    assert out == "没有待审批的申请\n"
    status, out, _ = run("--as", "chenjing", "review", "list", "--all")
    assert "已驳回：下周再联系" in out and "已批准" in out
    status, _, err = run("--as", "chenjing", "review", "approve", "9")
    assert status == 1 and err.strip() == "没有申请 #9"


def test_cli_in_english(zhang, run):
    run("--as", "wanglei", "close", "--phone", ZHANG, "lost", "--reason", "no answer")
    status, out, _ = run("--lang", "en", "--as", "chenjing", "review", "list")
    assert status == 0 and "lost application" in out and "pending" in out


# -- the F6 dialog, by keys, for a consultant -------------------------------------------------


async def test_a_consultants_x_on_f6_is_the_same_dialog_as_an_application(
    zhang, make_app, showroom
):
    app = make_app(staff=showroom["wanglei"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, ContactsScreen)
        assert "关闭线索" in screen_text(app)  # the key is on the consultant's footer now
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, CloseScreen)
        shown = screen_text(app)
        assert "战败/失控申请：张三（级别 H）" in shown and "主管批准后关闭" in shown
        await pilot.press("2", "enter", *"雅阁优惠大", "enter", *"本田雅阁", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ContactsScreen)
        notices = [n.message for n in app._notifications]
        assert notices[-1] == "已提交 张三 的战败申请，待主管审批"
        assert str(app.screen.query_one("#contacts-current", Static).render()).count("张三") == 1
    application = CloseApplication.get()
    assert (application.reason, application.competitor) == ("雅阁优惠大", "本田雅阁")
    assert Customer.get_by_id(zhang.id).level == "H"  # open and due until approved


async def test_a_managers_x_still_closes_at_once(zhang, make_app, showroom):
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert "关闭线索：张三（级别 H）" in screen_text(app)
        await pilot.press("3", "enter", *"电话停机", "ctrl+s")
        await settle(pilot)
    assert Customer.get_by_id(zhang.id).closed_as == "lost"
    assert CloseApplication.select().count() == 0


async def test_the_card_says_an_application_waits_and_lists_it(zhang, people, make_app, showroom):
    close_review.apply(zhang.id, "defeat", "价格", "本田雅阁", by=people["wanglei"])
    app = make_app(staff=showroom["wanglei"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        shown = screen_text(app)
        assert "待审批：战败申请（2026-11-25），批准前照常跟进" in shown
        assert "2026-11-25 10:30  战败申请" in shown and "本田雅阁  价格" in shown

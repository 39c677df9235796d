"""Who acts, and what they may see: identity, rights and scope by every path (issue 10).

Each test here is an attack that once worked: a login confused with a name, a consultant's
CLI listing everyone's customers, a receptionist taking a backup, a contact recorded as
someone else, a consultant's contact table widened by clearing a screen filter.
"""

from __future__ import annotations

import csv
import json

import pytest

from frontdesk.desk import registration
from frontdesk.desk.registration import RegistrationInput
from frontdesk.errors import Forbidden, ValidationError
from frontdesk.followup import contact_table, contacts
from frontdesk.followup.contact_table import TableFilter
from frontdesk.people import keys, team
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.store.models import Contact, Customer, Staff, StaffKey
from tests.actors import as_member
from tests.conftest import settle

WANGLEI_PHONE, LINA_PHONE = "13812345678", "13900001111"


def _intent(phone: str, name: str, consultant: str) -> Customer:
    registration.register(
        RegistrationInput(kind="walkin", phone=phone, name=name, level="H", consultant=consultant),
        by=DESK,
    )
    return Customer.get(Customer.phone == phone)


@pytest.fixture
def two_books(showroom):
    """王磊 and 李娜 each own one open intent customer."""
    return {
        "wanglei": _intent(WANGLEI_PHONE, "张三", "王磊"),
        "lina": _intent(LINA_PHONE, "李四", "李娜"),
    }


# -- identity: a login is never a name -------------------------------------------------------


def test_a_new_name_that_is_another_members_login_is_refused(showroom):
    assert showroom["lina"].login == "lina"
    with pytest.raises(ValidationError) as refused:
        team.add_staff("lina", "admin", by=OPERATOR)
    assert "lina" in refused.value.errors["name"]
    assert Staff.select().where(Staff.role == "admin").count() == 0


def test_a_login_that_is_another_members_name_is_refused_and_never_made_up(showroom):
    team.add_staff("Tom", "consultant", login="tom", by=OPERATOR)
    with pytest.raises(ValidationError) as refused:
        team.add_staff("汤姆", "admin", login="TOM", by=OPERATOR)
    assert "login" in refused.value.errors
    # A generated login skips both the logins and the names already taken.
    member = team.add_staff("Anna", "consultant", login="annie", by=OPERATOR)
    assert member.login == "annie"
    assert team.add_staff("安娜", "admin", by=OPERATOR).login == "anna2"


def test_lookups_take_the_login_first_even_beside_a_member_named_like_it(showroom):
    """A store made before the rule may hold a name equal to another's login."""
    impostor = Staff.create(name="lina", login="lina2", role="admin", rotation_order=99)
    assert team.find_staff("lina") == showroom["lina"]
    assert team.find_staff("LINA") == showroom["lina"]
    assert team.find_staff("lina2") == impostor
    assert team.find_staff("李娜") == showroom["lina"]  # a name, where no login is


def test_a_key_added_by_login_goes_to_that_login(showroom, tmp_path):
    import asyncssh

    Staff.create(name="lina", login="lina2", role="admin", rotation_order=99)
    path = tmp_path / "lina.pub"
    path.write_bytes(asyncssh.generate_private_key("ssh-ed25519").export_public_key())
    row = keys.add_key("lina", path, by=OPERATOR)
    assert row.staff == showroom["lina"]
    assert keys.sign_in("lina", row.fingerprint).staff == showroom["lina"]
    assert keys.sign_in("lina2", row.fingerprint).reason == "unknown_key"


def test_as_takes_the_login_on_the_command_line(run_cli):
    assert run_cli("staff", "add", "李娜", "--role", "consultant")[0] == 0
    status, _, err = run_cli("staff", "add", "lina", "--role", "admin")
    assert status == 1 and "lina" in err
    status, _, err = run_cli("--as", "lina", "staff", "list")
    assert status == 1 and "销售顾问无权管理员工" in err


# -- the command line checks the same rights as the screens ----------------------------------


@pytest.fixture
def books_cli(run_cli, cli_store):
    """The showroom's staff and two consultants' customers, through the command line."""
    for name, role in (
        ("王磊", "consultant"),
        ("李娜", "consultant"),
        ("赵敏", "receptionist"),
        ("陈静", "manager"),
        ("周杰", "admin"),
    ):
        assert run_cli("staff", "add", name, "--role", role)[0] == 0
    for phone, name, consultant in (
        (WANGLEI_PHONE, "张三", "王磊"),
        (LINA_PHONE, "李四", "李娜"),
    ):
        args = ["register", "--kind", "walkin", "--at", "2026-11-25 09:00", "--phone", phone]
        args += ["--name", name, "--level", "H", "--consultant", consultant]
        assert run_cli(*args)[0] == 0
    return run_cli


def test_a_consultants_followups_are_their_own_even_with_all(books_cli):
    status, out, _ = books_cli("--as", "wanglei", "followups", "--all", "--json")
    assert status == 0
    assert [row["name"] for row in json.loads(out)] == ["张三"]
    status, out, _ = books_cli("--as", "wanglei", "followups", "--all", "--consultant", "李娜")
    assert status == 0 and "李四" not in out
    status, out, _ = books_cli("--as", "chenjing", "followups", "--all", "--json")
    assert sorted(row["name"] for row in json.loads(out)) == ["张三", "李四"]


def test_a_consultants_export_of_the_contact_table_holds_their_own_customers(books_cli, tmp_path):
    out = tmp_path / "contacts.csv"
    args = ["export", "contacts", "--month", "2026-11", "--out", str(out)]
    assert books_cli("--as", "lina", *args)[0] == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "李四" in text and "张三" not in text
    rows = list(csv.reader(text.splitlines()))
    assert sum(1 for row in rows if WANGLEI_PHONE in "".join(row)) == 0


@pytest.mark.parametrize(
    ("who", "command"),
    [
        ("zhaomin", ["backup", "BACKUP"]),
        ("chenjing", ["backup", "BACKUP"]),
        ("wanglei", ["staff", "key", "list"]),
        ("chenjing", ["staff", "list"]),
        ("wanglei", ["settings"]),
        ("zhoujie", ["stats"]),
        ("zhoujie", ["followups"]),
        ("zhaomin", ["followups", "--all"]),
        ("lina", ["close", "--phone", WANGLEI_PHONE, "deal"]),  # 王磊's customer, not hers
        ("zhaomin", ["close", "--phone", WANGLEI_PHONE, "lost", "--reason", "停机"]),
        ("zhaomin", ["review", "list"]),
        ("wanglei", ["review", "approve", "1"]),
        ("wanglei", ["review", "reject", "1", "--reason", "再跟"]),
        ("wanglei", ["report", "losses", "--month", "2026-11"]),
        ("wanglei", ["targets", "set", "--consultant", "王磊", "--month", "2026-11"]),
        ("zhaomin", ["report", "targets", "--month", "2026-11"]),
        ("zhoujie", ["targets", "list", "--month", "2026-11"]),
        ("wanglei", ["reassign", "--phone", WANGLEI_PHONE, "--to", "李娜"]),
        ("lina", ["contact", "--phone", WANGLEI_PHONE, "--at", "10:00", "--method", "call"]),
    ],
)
def test_each_command_refuses_a_role_without_the_right(books_cli, tmp_path, who, command):
    command = [str(tmp_path / "b.db") if part == "BACKUP" else part for part in command]
    status, out, err = books_cli("--as", who, *command)
    assert (status, out) == (1, "")
    assert "无权" in err or "只有该客户的销售顾问或展厅主管" in err
    assert not (tmp_path / "b.db").exists()


def test_the_admin_and_the_operator_may_back_up(books_cli, tmp_path):
    assert books_cli("--as", "zhoujie", "backup", str(tmp_path / "a.db"))[0] == 0
    assert books_cli("backup", str(tmp_path / "o.db"))[0] == 0  # the store machine's operator


def test_only_a_manager_records_a_contact_as_someone_else(books_cli, cli_store):
    contact = ["contact", "--phone", WANGLEI_PHONE, "--at", "10:00", "--method", "call"]
    status, _, err = books_cli("--as", "wanglei", *contact, "--by", "李娜")
    assert status == 1 and "代其他员工记录接触" in err
    assert books_cli("--as", "wanglei", *contact, "--by", "王磊")[0] == 0  # oneself: fine
    assert books_cli("--as", "chenjing", *contact, "--by", "王磊")[0] == 0
    assert books_cli("--as", "chenjing", *contact)[0] == 0
    from frontdesk import store

    store.open_store(cli_store)
    makers = [c.staff.name for c in Contact.select().order_by(Contact.id)]
    assert makers == ["王磊", "王磊", "陈静"]  # a manager's own call is the manager's


def test_a_receptionist_or_an_admin_cannot_receive_a_customer(books_cli):
    for who in ("赵敏", "周杰"):
        args = ["register", "--kind", "walkin", "--at", "2026-11-25 10:00", "--consultant", who]
        status, out, err = books_cli(*args)
        assert (status, out) == (1, "")
        assert err.startswith("接待顾问: ") and who in err


# -- one meaning for "nobody": the desk and the operator are said, never implied ----------------


def test_the_desk_has_the_receptionists_rights_and_no_more(two_books):
    customer = two_books["wanglei"]
    with pytest.raises(Forbidden):
        contacts.record_contact(customer.id, contacts.ContactInput(method="call"), by=DESK)
    with pytest.raises(Forbidden):
        contacts.close_customer(customer.id, "deal", by=DESK)
    with pytest.raises(Forbidden):
        contacts.reassign(customer.id, "李娜", by=DESK)
    from frontdesk.followup import customer_card

    with pytest.raises(Forbidden):
        customer_card.customer_card(customer.id, by=DESK)
    with pytest.raises(Forbidden):
        contact_table.followups(DESK, include_later=True)


def test_every_service_requires_an_actor(two_books):
    """No service has a default for who acts: leaving it out is an error, not a pass."""
    customer = two_books["wanglei"]
    with pytest.raises(TypeError):
        contacts.record_contact(customer.id, contacts.ContactInput(method="call"))
    with pytest.raises(TypeError):
        contacts.close_customer(customer.id, "deal")
    with pytest.raises(TypeError):
        registration.register(RegistrationInput(kind="walkin"))
    with pytest.raises(TypeError):
        contact_table.followups()
    with pytest.raises(TypeError):
        contacts.record_contact(
            customer.id, contacts.ContactInput(method="call"), by=customer.consultant
        )
    assert Contact.select().count() == 0


# -- the contact table's scope is the core's, not the screen's ---------------------------------


def test_the_core_narrows_a_consultants_table_whatever_the_filter(two_books, showroom):
    wanglei = as_member(showroom["wanglei"])
    f = contact_table.current_filter(wanglei)  # no consultant filter at all
    assert f.consultant_id is None
    assert [row.name for row in contact_table.page(f)] == ["张三"]
    assert contact_table.count(f) == 1
    assert contact_table.totals(f).total == 1
    assert [row.name for row in contact_table.all_rows(f)] == ["张三"]
    assert contact_table.rows_from(f, 0, total=1)[0].name == "张三"
    assert contact_table.key_at(f, 1) is None
    other = f.with_(consultant_id=showroom["lina"].id)  # asking for someone else's: nothing
    assert contact_table.count(other) == 0
    assert contact_table.count(f.with_(search="李四")) == 0
    manager = contact_table.current_filter(as_member(showroom["chenjing"]))
    assert contact_table.count(manager) == 2
    receptionist = TableFilter(month=f.month, today=f.today, viewer=as_member(showroom["zhaomin"]))
    assert contact_table.count(receptionist) == 0


async def test_esc_in_a_consultants_contact_table_shows_still_only_their_own(
    two_books, showroom, make_app
):
    from screens.followup.contact_grid import ContactGrid
    from tests.conftest import screen_text

    app = make_app(staff=showroom["wanglei"])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot, 0.2)
        screen = app.screen
        assert screen.query_one(ContactGrid).total == 1
        assert screen.filter.consultant_id == showroom["wanglei"].id  # the title's filter
        await pilot.press("escape")  # drops every filter, the consultant's among them
        await settle(pilot, 0.2)
        assert app.screen is screen and screen.filter.consultant_id is None
        assert screen.query_one(ContactGrid).total == 1
        assert "张三" in screen_text(app) and "李四" not in screen_text(app)


def test_an_unsaved_key_list_for_a_consultant_leaves_no_trace(two_books, showroom):
    with pytest.raises(Forbidden):
        keys.list_keys(by=as_member(showroom["wanglei"]))
    assert StaffKey.select().count() == 0

"""Who may do what: the rules of ``frontdesk.people.roles`` and the services that keep them."""

from __future__ import annotations

import pytest

from frontdesk.desk import registration
from frontdesk.desk.registration import RegistrationInput
from frontdesk.errors import Forbidden
from frontdesk.people import roles, team
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.store.models import Customer, Registration, Staff
from tests.actors import as_member

ZHANG_SAN = "13812345678"


@pytest.fixture
def customer_of_wanglei(showroom) -> Customer:
    registration.register(
        RegistrationInput(
            kind="walkin", phone=ZHANG_SAN, name="张三", level="H", consultant="王磊"
        ),
        by=DESK,
    )
    return Customer.get(Customer.phone == ZHANG_SAN)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (
            "receptionist",
            {
                "registration.create",
                "registration.update",
                "registration.checkout",
                "log.view",
                "rotation.skip",
                "statistics.view",
                "day.close",  # the close-out of the day (日终结账); a manager confirms it
            },
        ),
        (
            "consultant",
            {
                "log.view",
                "statistics.view",
                "contacts.view",
                "customer.view",
                "contact.record",
                "reconcile.view",
                "close.apply",  # a deal, or an application for a defeat or a loss
                "report.view",
                "targets.view",  # their own targets only
                "ups.view",  # their own line of the ups report (接待统计)
            },
        ),
        (
            "manager",
            roles.ACTIONS
            - {"staff.manage", "keys.manage", "settings.manage", "codes.manage", "backup"}
            - {"stores.manage"}  # a dealer group's stores: the admin's
            - {"group.view"}  # every store's figures: the group manager's
            - {"group.defaults"},  # the group's defaults: the group manager's too
        ),
        (
            "admin",
            {
                "staff.manage",
                "keys.manage",
                "settings.manage",
                "codes.manage",
                "backup",
                "log.view",
                "stores.manage",
            },
        ),
        (
            "group_manager",  # reads what a store's manager reads, changes no store's rows
            {
                "log.view",
                "statistics.view",
                "contacts.view",
                "customer.view",
                "reconcile.view",
                "losses.view",
                "report.view",
                "targets.view",
                "ups.view",
                "group.view",  # and every store's figures with the group's total
                "group.defaults",  # and sets the group's defaults, no store's own
            },
        ),
    ],
)
def test_each_role_has_its_rights_and_no_others(db, role, allowed):
    member = Staff(name="x", login="x", role=role, active=True)
    assert {action for action in roles.ACTIONS if roles.may(as_member(member), action)} == allowed


def test_nobody_signed_in_is_the_front_desk_with_the_receptionists_rights(db):
    assert {a for a in roles.ACTIONS if roles.may(DESK, a)} == roles.RIGHTS["receptionist"]


def test_an_inactive_member_may_do_nothing(showroom):
    member = showroom["zhaomin"]
    member.active = False
    assert not any(roles.may(as_member(member), action) for action in roles.ACTIONS)
    with pytest.raises(Forbidden, match="赵敏"):
        roles.require(as_member(member), roles.REGISTRATION_CREATE)


def test_the_store_machines_operator_has_every_right(db):
    assert {a for a in roles.ACTIONS if roles.may(OPERATOR, a)} == roles.ACTIONS


@pytest.mark.parametrize("who", [None, "staff"])
def test_a_check_without_an_actor_is_a_programming_error_not_a_pass(showroom, who):
    """Nothing means "no check": a bare staff member or None is refused outright."""
    member = None if who is None else showroom["chenjing"]
    with pytest.raises(TypeError):
        roles.may(member, roles.CONTACT_RECORD)
    with pytest.raises(TypeError):
        roles.require(member, roles.CONTACT_CLOSE)


def test_an_unknown_action_is_a_programming_error(db):
    with pytest.raises(ValueError):
        roles.may(DESK, "registration.destroy")


def test_a_consultant_may_not_open_another_consultants_customer(showroom, customer_of_wanglei):
    wanglei, lina, manager = showroom["wanglei"], showroom["lina"], showroom["chenjing"]
    assert roles.may(as_member(wanglei), roles.CUSTOMER_VIEW, customer_of_wanglei)
    assert roles.may(as_member(wanglei), roles.CONTACT_RECORD, customer_of_wanglei.id)  # by id too
    assert not roles.may(as_member(lina), roles.CUSTOMER_VIEW, customer_of_wanglei)
    with pytest.raises(Forbidden) as refused:
        roles.require(as_member(lina), roles.CUSTOMER_VIEW, customer_of_wanglei)
    assert str(refused.value) == "只有该客户的销售顾问或展厅主管可以查看此客户"
    with pytest.raises(Forbidden):
        roles.require(as_member(lina), roles.CONTACT_RECORD, customer_of_wanglei.id)
    roles.require(as_member(manager), roles.CUSTOMER_VIEW, customer_of_wanglei)  # every customer
    roles.require(as_member(manager), roles.CONTACT_REASSIGN, customer_of_wanglei)
    with pytest.raises(Forbidden):  # the own-customer rule does not widen a consultant's rights
        roles.require(as_member(wanglei), roles.CONTACT_REASSIGN, customer_of_wanglei)


def test_the_customer_scope_narrows_a_consultants_list(showroom, customer_of_wanglei):
    registration.register(
        RegistrationInput(kind="phone", phone="13900002222", consultant="李娜"), by=DESK
    )
    query = Customer.select(Customer.phone).order_by(Customer.phone)

    def phones(member):
        return [c.phone for c in roles.scope_customers(query, as_member(member))]

    assert phones(showroom["wanglei"]) == [ZHANG_SAN]
    assert phones(showroom["lina"]) == ["13900002222"]
    assert phones(showroom["chenjing"]) == [ZHANG_SAN, "13900002222"]
    assert phones(showroom["zhaomin"]) == []  # a receptionist has no contact table


def test_refusals_are_translated_sentences(showroom):
    with pytest.raises(Forbidden) as refused:
        roles.require(as_member(showroom["wanglei"]), roles.REGISTRATION_CREATE)
    assert str(refused.value) == "销售顾问无权登记来店(电)客户"


def test_the_registration_services_refuse_a_role_without_the_right(showroom):
    consultant, admin = showroom["wanglei"], team.add_staff("周杰", "admin", by=OPERATOR)
    data = RegistrationInput(kind="walkin", name="张三")
    for member in (consultant, admin):
        with pytest.raises(Forbidden):
            registration.register(data, by=as_member(member))
    saved = registration.register(data, by=as_member(showroom["zhaomin"]))
    with pytest.raises(Forbidden):
        registration.update(
            saved.id, registration.to_input(saved), saved.version, by=as_member(consultant)
        )
    with pytest.raises(Forbidden):
        registration.checkout(saved.id, by=as_member(consultant))
    registration.checkout(saved.id, by=as_member(showroom["chenjing"]))  # a manager may
    assert Registration.select().count() == 1


def test_the_rotation_and_staff_services_refuse_too(showroom):
    with pytest.raises(Forbidden):
        team.skip_head("declined", by=as_member(showroom["wanglei"]))
    with pytest.raises(Forbidden):
        team.add_staff("新人", "consultant", by=as_member(showroom["chenjing"]))
    admin = team.add_staff("周杰", "admin", by=OPERATOR)  # the machine's operator: no --as
    team.add_staff("新人", "consultant", by=as_member(admin))

"""Who may do what: the one place the rights of each role are written down.

The same rules hold at the desk, over SSH and on the command line; the core services call
``require`` before they change anything, and the screens call ``may`` to leave out the keys,
screens and commands a role cannot use.

- receptionist 展厅接待: registers walk-ins and calls, corrects them, records departures,
  changes the up rotation; reads today's log and the statistics.
- consultant 销售顾问: reads today's log and the statistics; sees and records contacts
  with *their own* intent customers only.
- manager 展厅主管: everything the desk and the consultants do, for every consultant's
  customers; reassigns customers and approves closing them.
- admin 系统管理员: staff, SSH keys, settings, backups; reads today's log.

Signed in as nobody (``staff`` is None: no ``--as``, no ``FRONTDESK_AS``, the sign-in
skipped) is the front-desk terminal, with the receptionist's rights. The admin's
commands run on the store's machine without ``--as`` are the machine's operator at work:
``require_operator`` lets them through, since whoever can run them can read the store
file anyway; with ``--as`` they are checked like everything else.
"""

from __future__ import annotations

from frontdesk.errors import Forbidden
from frontdesk.i18n import t
from frontdesk.models import Customer, Staff

# Registration log (来店(电)客户登记表) and the up rotation.
REGISTRATION_CREATE = "registration.create"
REGISTRATION_UPDATE = "registration.update"
REGISTRATION_CHECKOUT = "registration.checkout"
LOG_VIEW = "log.view"
ROTATION_SKIP = "rotation.skip"
# Statistics (展厅来店(电)统计表).
STATISTICS_VIEW = "statistics.view"
# Intent customers and the contact table (意向客户接触状况表).
CONTACTS_VIEW = "contacts.view"  # open the contact table (a consultant sees their own rows)
CUSTOMER_VIEW = "customer.view"  # open one customer's card: consultants their own only
CONTACT_RECORD = "contact.record"  # record a contact / level change: consultants their own
CONTACT_CLOSE = "contact.close"  # approve closing a customer (成交 / 战败 / 失控)
CONTACT_REASSIGN = "contact.reassign"  # give a customer to another consultant
# Administration.
STAFF_MANAGE = "staff.manage"
KEYS_MANAGE = "keys.manage"
SETTINGS_MANAGE = "settings.manage"
BACKUP = "backup"

DESK = "desk"  # the role of a terminal signed in as nobody
DESK_ROLE = "receptionist"  # …and whose rights it has

_DESK_WORK = frozenset(
    {
        REGISTRATION_CREATE,
        REGISTRATION_UPDATE,
        REGISTRATION_CHECKOUT,
        LOG_VIEW,
        ROTATION_SKIP,
        STATISTICS_VIEW,
    }
)
_CONSULTANT_WORK = frozenset(
    {LOG_VIEW, STATISTICS_VIEW, CONTACTS_VIEW, CUSTOMER_VIEW, CONTACT_RECORD}
)
_MANAGER_WORK = _DESK_WORK | _CONSULTANT_WORK | {CONTACT_CLOSE, CONTACT_REASSIGN}
_ADMIN_WORK = frozenset({STAFF_MANAGE, KEYS_MANAGE, SETTINGS_MANAGE, BACKUP, LOG_VIEW})

RIGHTS: dict[str, frozenset[str]] = {
    "receptionist": _DESK_WORK,
    "consultant": _CONSULTANT_WORK,
    "manager": frozenset(_MANAGER_WORK),
    "admin": _ADMIN_WORK,
}
ACTIONS = frozenset().union(*RIGHTS.values())

# (role, action) pairs allowed only on the staff member's own customers.
OWN_CUSTOMERS_ONLY = frozenset({("consultant", CUSTOMER_VIEW), ("consultant", CONTACT_RECORD)})


def role_of(staff: Staff | None) -> str:
    """The role whose rights apply: the staff member's, or the desk's for nobody."""
    return staff.role if staff is not None else DESK_ROLE


def _customer_consultant_id(customer: Customer | int | None) -> int | None:
    if isinstance(customer, Customer):
        return customer.consultant_id
    if customer is None:
        return None
    row = Customer.select(Customer.consultant).where(Customer.id == customer).tuples().first()
    return row[0] if row else None


def may(staff: Staff | None, action: str, customer: Customer | int | None = None) -> bool:
    """Whether ``staff`` (None: the desk) may do ``action`` — on ``customer``, if given.

    A consultant may see and record contacts with their own customers only: without a
    customer the answer is about the action in general (the screen is shown, filtered
    with ``scope_customers``); with one, it is about that customer.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if staff is not None and not staff.active:
        return False
    role = role_of(staff)
    if action not in RIGHTS.get(role, frozenset()):
        return False
    if customer is not None and (role, action) in OWN_CUSTOMERS_ONLY:
        return staff is not None and _customer_consultant_id(customer) == staff.id
    return True


def require(staff: Staff | None, action: str, customer: Customer | int | None = None) -> None:
    """Refuse with a sentence the user can act on unless ``may(staff, action, customer)``."""
    if may(staff, action, customer):
        return
    if staff is not None and not staff.active:
        raise Forbidden(t("access.inactive", name=staff.name))
    if customer is not None and action in RIGHTS.get(role_of(staff), frozenset()):
        raise Forbidden(t("access.not_own_customer", action=action_label(action)))
    raise Forbidden(
        t("access.denied", role=role_label(role_of(staff)), action=action_label(action))
    )


def require_operator(staff: Staff | None, action: str) -> None:
    """For the admin's commands: the machine's operator (nobody) passes, staff are checked."""
    if staff is not None:
        require(staff, action)


def own_customers_only(staff: Staff | None, action: str = CUSTOMER_VIEW) -> bool:
    """True when ``staff`` sees only their own customers for ``action`` (consultants)."""
    return (role_of(staff), action) in OWN_CUSTOMERS_ONLY


def scope_customers(query, staff: Staff | None, action: str = CUSTOMER_VIEW):
    """``query`` (over ``Customer``) narrowed to the customers ``staff`` may see.

    A consultant's contact table lists their own customers; a manager's lists everyone's;
    someone who may not ``action`` at all gets an empty result.
    """
    if not may(staff, action):
        return query.where(Customer.id.is_null(True) & Customer.id.is_null(False))
    if own_customers_only(staff, action):
        return query.where(Customer.consultant == staff.id)
    return query


def role_label(role: str) -> str:
    """The role as the user reads it (接待, 销售顾问, …)."""
    label = t(f"cli.role_{role}")
    return role if label == f"cli.role_{role}" else label


def action_label(action: str) -> str:
    """The action as the user reads it ("register walk-ins and calls", …)."""
    key = "access.action_" + action.replace(".", "_")
    label = t(key)
    return action if label == key else label

"""Who may do what: the one place the rights of each role are written down.

Every service is told who acts (``frontdesk.people.actor.Actor``: the desk, a staff member, or the
store machine's operator) and calls ``require`` before it reads or changes anything a role
may lack; the screens call ``may`` to leave out the keys, screens and commands a role cannot
use. The same rules hold at the desk, over SSH and on the command line.

- receptionist 展厅接待: registers walk-ins and calls, corrects them, records departures,
  changes the up rotation; reads today's log and the statistics; closes the day
  (日终结账). A desk terminal that nobody signed in to has these rights.
- consultant 销售顾问: reads today's log and the statistics; sees and records contacts
  with *their own* intent customers only, everywhere (F6, the card, the CLI, exports);
  closes their own customers as a deal, and *applies* to close them as defeated or lost
  (战败申请 / 失控申请), which a manager approves or rejects; reads their own lines of
  the reconciliation (对账), their own daily report (营业日报表) and their own line of the
  ups report (接待统计).
- manager 展厅主管: everything the desk and the consultants do, for every consultant's
  customers; records contacts on a consultant's behalf, reassigns customers, closes them
  without review, approves or rejects the applications, reads the loss analysis and
  every consultant's reconciliation of reports and log (对账); reads every
  consultant's daily report and signs it (签核); sets the consultants' monthly targets
  (营业目标), which a consultant reads for themself only; confirms the desk's close of a
  day.
- admin 系统管理员: staff, SSH keys, settings, the code lists (代码表), backups; reads
  today's log.
- group_manager 集团经理: a dealer group's manager, on the staff of the stores they look
  after (one person, a role per store: ``people.team``): reads what a store's manager
  reads in the store they work in — the log, the statistics, the contact table and the
  cards, the reconciliation, the loss analysis, the daily reports, the targets and the
  ups — and changes nothing; and reads every store's figures side by side with the
  group's total (``GROUP_VIEW``: ``stats --group``, F5's store column, the compliance
  and loss roll-ups), which no store role may.
- the store machine's operator (the CLI without ``--as``): every right — whoever can run a
  command there can read and copy the store file anyway.
"""

from __future__ import annotations

from frontdesk.errors import Forbidden
from frontdesk.i18n import t
from frontdesk.people.actor import OPERATOR_ROLE, Actor
from frontdesk.store.models import Customer

# Registration log (来店(电)客户登记表) and the up rotation.
REGISTRATION_CREATE = "registration.create"
REGISTRATION_UPDATE = "registration.update"
REGISTRATION_CHECKOUT = "registration.checkout"
LOG_VIEW = "log.view"
ROTATION_SKIP = "rotation.skip"
# The desk's end-of-day close-out (日终结账): the desk closes the day, a manager confirms it.
DAY_CLOSE = "day.close"  # give the parties still in a time out, or mark them left; sign the close
DAY_CONFIRM = "day.confirm"  # confirm a closed day; the list of the days not closed
# Statistics (展厅来店(电)统计表).
STATISTICS_VIEW = "statistics.view"
# Intent customers and the contact table (意向客户接触状况表).
CONTACTS_VIEW = "contacts.view"  # open the contact table (a consultant sees their own rows)
CUSTOMER_VIEW = "customer.view"  # open one customer's card: consultants their own only
CONTACT_RECORD = "contact.record"  # record a contact / level change: consultants their own
CONTACT_ON_BEHALF = "contact.on_behalf"  # record a contact as made by another member (--by)
CONTACT_CLOSE = "contact.close"  # close a customer without review (成交 / 战败 / 失控)
CLOSE_APPLY = "close.apply"  # a deal, or apply for 战败 / 失控: consultants their own
CLOSE_REVIEW = "close.review"  # approve or reject an application (战败审批)
CONTACT_REASSIGN = "contact.reassign"  # give a customer to another consultant
# The manager's reports: the reconciliation of the reports with the log (对账): consultants
# their own lines.
RECONCILE_VIEW = "reconcile.view"
# The manager's reports (主管报表).
LOSSES_VIEW = "losses.view"  # the loss analysis (销售促成失控(败)分析表)
# The consultant's daily report (营业日报表) and its sign-off.
REPORT_VIEW = "report.view"  # read a daily report: a consultant their own only
REPORT_SIGN = "report.sign"  # sign one, with the manager's instructions (签核, 主管指示事项)
# The monthly targets against the actuals (营业目标计划与实际比较表).
TARGETS_VIEW = "targets.view"  # read them: a consultant their own row only
TARGETS_SET = "targets.set"  # set a consultant's targets for a month
# The ups against the hours on duty (接待统计): a consultant their own line only.
UPS_VIEW = "ups.view"
# Administration.
STAFF_MANAGE = "staff.manage"
KEYS_MANAGE = "keys.manage"
SETTINGS_MANAGE = "settings.manage"
CODES_MANAGE = "codes.manage"  # the code lists: channels, models, defeat reasons, competitors
BACKUP = "backup"
STORES_MANAGE = "stores.manage"  # a dealer group's stores: add one, list them
GROUP_VIEW = "group.view"  # every store's figures and the group's total (集团汇总)
# The group's defaults (集团默认): the settings and code lists every store without its own uses.
GROUP_DEFAULTS = "group.defaults"

_DESK_WORK = frozenset(
    {
        REGISTRATION_CREATE,
        REGISTRATION_UPDATE,
        REGISTRATION_CHECKOUT,
        LOG_VIEW,
        ROTATION_SKIP,
        STATISTICS_VIEW,
        DAY_CLOSE,
    }
)
_CONSULTANT_WORK = frozenset(
    {
        LOG_VIEW,
        STATISTICS_VIEW,
        CONTACTS_VIEW,
        CUSTOMER_VIEW,
        CONTACT_RECORD,
        RECONCILE_VIEW,
        CLOSE_APPLY,
        REPORT_VIEW,
        TARGETS_VIEW,
        UPS_VIEW,
    }
)
_MANAGERS_OWN = {
    CONTACT_ON_BEHALF,
    CONTACT_CLOSE,
    CONTACT_REASSIGN,
    CLOSE_REVIEW,
    LOSSES_VIEW,
    REPORT_SIGN,
    TARGETS_SET,
    DAY_CONFIRM,
}
_MANAGER_WORK = _DESK_WORK | _CONSULTANT_WORK | _MANAGERS_OWN
_ADMIN_WORK = frozenset(
    {STAFF_MANAGE, KEYS_MANAGE, SETTINGS_MANAGE, CODES_MANAGE, BACKUP, LOG_VIEW, STORES_MANAGE}
)

_GROUP_MANAGER_WORK = frozenset(
    {
        LOG_VIEW,
        STATISTICS_VIEW,
        CONTACTS_VIEW,
        CUSTOMER_VIEW,
        RECONCILE_VIEW,
        LOSSES_VIEW,
        REPORT_VIEW,
        TARGETS_VIEW,
        UPS_VIEW,
        GROUP_VIEW,
        GROUP_DEFAULTS,
    }
)

STAFF_RIGHTS: dict[str, frozenset[str]] = {
    "receptionist": _DESK_WORK,
    "consultant": _CONSULTANT_WORK,
    "manager": frozenset(_MANAGER_WORK),
    "admin": _ADMIN_WORK,
    "group_manager": _GROUP_MANAGER_WORK,
}
ACTIONS = frozenset().union(*STAFF_RIGHTS.values())
RIGHTS: dict[str, frozenset[str]] = {**STAFF_RIGHTS, OPERATOR_ROLE: ACTIONS}

# (role, action) pairs allowed only on the staff member's own customers (for the
# reconciliation: on the lines of which they are the consultant).
OWN_CUSTOMERS_ONLY = frozenset(
    {
        ("consultant", CONTACTS_VIEW),
        ("consultant", CUSTOMER_VIEW),
        ("consultant", CONTACT_RECORD),
        ("consultant", RECONCILE_VIEW),
        ("consultant", CLOSE_APPLY),
    }
)

# (role, action) pairs allowed only on the staff member's own work: their daily report,
# their targets, their line of the ups report.
OWN_WORK_ONLY = frozenset(
    {("consultant", REPORT_VIEW), ("consultant", TARGETS_VIEW), ("consultant", UPS_VIEW)}
)


def _customer_consultant_id(customer: Customer | int) -> int | None:
    if isinstance(customer, Customer):
        return customer.consultant_id
    row = Customer.select(Customer.consultant).where(Customer.id == customer).tuples().first()
    return row[0] if row else None


def _check(actor: Actor) -> Actor:
    if not isinstance(actor, Actor):  # a Staff or None would mean a check skipped
        raise TypeError(f"who acts must be an Actor, not {type(actor).__name__}")
    return actor


def may(actor: Actor, action: str, customer: Customer | int | None = None) -> bool:
    """Whether ``actor`` may do ``action`` — on ``customer``, if given.

    A consultant may see and record contacts with their own customers only: without a
    customer the answer is about the action in general (the screen is shown, its rows
    narrowed by ``scope_customers``); with one, it is about that customer.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    _check(actor)
    if actor.staff is not None and not actor.staff.active:
        return False
    if action not in RIGHTS.get(actor.role, frozenset()):
        return False
    if customer is not None and own_customers_only(actor, action):
        return _customer_consultant_id(customer) == actor.staff_id
    return True


def require(actor: Actor, action: str, customer: Customer | int | None = None) -> None:
    """Refuse with a sentence the user can act on unless ``may(actor, action, customer)``."""
    if may(actor, action, customer):
        return
    raise Forbidden(refusal(actor, action, customer))


def require_for_member(actor: Actor, action: str, member_id: int) -> None:
    """Refuse unless ``actor`` may do ``action`` on the work of staff member ``member_id``:
    a consultant on their own only (their daily report), a manager on anyone's."""
    require(actor, action)
    if (actor.role, action) in OWN_WORK_ONLY and member_id != actor.staff_id:
        raise Forbidden(t("access.not_own_work", action=action_label(action)))


def own_work_only(actor: Actor, action: str) -> bool:
    """True when ``actor`` may do ``action`` on their own work only (a consultant's report,
    their targets, their line of the ups): a listing of everyone's is narrowed to theirs."""
    return (_check(actor).role, action) in OWN_WORK_ONLY


def refusal(actor: Actor, action: str, customer: Customer | int | None = None) -> str:
    """Why ``actor`` may not do ``action``, in one sentence (销售顾问无权备份数据): what
    ``require`` raises, and what a screen says when a key is refused."""
    if actor.staff is not None and not actor.staff.active:
        return t("access.inactive", name=actor.staff.name)
    if customer is not None and action in RIGHTS.get(actor.role, frozenset()):
        return t("access.not_own_customer", action=action_label(action))
    return t("access.denied", role=role_label(actor.role), action=action_label(action))


def own_customers_only(actor: Actor, action: str = CUSTOMER_VIEW) -> bool:
    """True when ``actor`` sees only their own customers for ``action`` (consultants)."""
    return (_check(actor).role, action) in OWN_CUSTOMERS_ONLY


def customer_scope(actor: Actor, action: str = CONTACTS_VIEW):
    """The condition on ``Customer`` rows ``actor`` may see for ``action``.

    None: every row (a manager, the operator); a consultant's own customers only; and a
    condition no row meets for someone who may not ``action`` at all.
    """
    if not may(actor, action):
        return Customer.id.is_null(True) & Customer.id.is_null(False)
    if own_customers_only(actor, action):
        return Customer.consultant == actor.staff_id
    return None


def scope_customers(query, actor: Actor, action: str = CONTACTS_VIEW):
    """``query`` (over ``Customer``) narrowed to the customers ``actor`` may see."""
    clause = customer_scope(actor, action)
    return query if clause is None else query.where(clause)


def role_label(role: str) -> str:
    """The role as the user reads it (接待, 销售顾问, …)."""
    label = t(f"cli.role_{role}")
    return role if label == f"cli.role_{role}" else label


def action_label(action: str) -> str:
    """The action as the user reads it ("register walk-ins and calls", …)."""
    key = "access.action_" + action.replace(".", "_")
    label = t(key)
    return action if label == key else label

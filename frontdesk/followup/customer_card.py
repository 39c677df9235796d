"""The customer card (客户信息卡): a customer with their whole history, newest first — what
the manager opens from the contact table.

Every event with who and when: registrations (来店/来电), contacts (接触), level changes
(升降级), revivals (a closed customer interested again, 重新跟进), closes (关闭线索: 成交 /
战败 / 失控, with the reason and the competitor), reassignments (转交, from which
consultant to which), and the applications to close (战败申请 / 失控申请) with the manager's
decision on each (批准 / 驳回, with the note). Closes and reassignments are read from the
audit log, which keeps who made them, when, and the details of each one (the customer
keeps only the latest close); the applications from their own table. Each source is read
in time order by SQL and the sources are merged as they come.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
from collections.abc import Iterator
from dataclasses import dataclass

from peewee import JOIN, SQL, fn

from frontdesk.followup.contacts import get_customer, overdue_days
from frontdesk.people import roles
from frontdesk.people.actor import Actor
from frontdesk.store import dialect, rows
from frontdesk.store.models import (
    AuditEntry,
    CloseApplication,
    Contact,
    LevelChange,
    Registration,
    Staff,
)
from frontdesk.store.rows import moment as stored_moment

# The kinds of event, and which comes first (newest first) when two share a moment: the
# close or reassignment, then the decision on an application (an approval is followed by
# its close), then the application, then the level change, the contact, the registration.
KINDS = ("registration", "contact", "level", "revival", "close", "reassign", "apply", "review")
_RANK = {
    "registration": 0,
    "contact": 1,
    "level": 2,
    "revival": 2,
    "apply": 3,
    "review": 4,
    "close": 5,
    "reassign": 5,
}
# The audit log's actions that are events of the card.
_AUDITED = ("close", "reassign")


@dataclass(frozen=True)
class HistoryEntry:
    """One event of a customer's history, newest first.

    ``kind`` is one of ``KINDS``; ``staff`` is who made it (for a registration, the
    consultant who received the customer), "" when no staff member did: then ``actor``
    says who did (``desk`` 前台, ``operator`` 本机管理员) when the store knows it.
    """

    at: dt.datetime
    kind: str
    method: str  # walkin | phone (registration), call | visit | walkin | message (contact)
    level: str | None  # the level at a registration, after a contact or a change
    from_level: str | None  # level changes, revivals and closes: the level before
    staff: str
    text: str  # notes, the account of a contact, the reason of a close
    next_date: dt.date | None
    via: str = ""  # level changes and revivals: contact | registration
    outcome: str = ""  # closes: deal | defeat | lost (成交 / 战败 / 失控)
    competitor: str = ""  # closes as a defeat: the brand / model bought instead
    from_consultant: str = ""  # reassignments: the consultant before (转交)
    to_consultant: str = ""  # reassignments: the consultant after
    actor: str = ""  # closes and reassignments made by no staff member: desk | operator
    id: int = 0  # the row's id in its own table (orders events of one moment)
    # Applications (apply) and decisions (review): consultant | auto (filed by the store
    # for a silent customer), and the decision: approved | rejected (the note in ``text``).
    origin: str = ""
    status: str = ""

    @property
    def order(self) -> tuple[dt.datetime, int, int]:
        """Its place in time: the moment, then the kind's rank, then the row."""
        return (self.at, _RANK[self.kind], self.id)


@dataclass(frozen=True)
class CustomerCard:
    """A customer with every event of their history (客户信息卡)."""

    id: int
    name: str
    phone: str
    level: str | None
    customer_class: str
    model: str
    channel: str
    source: int
    consultant: str
    first_contact: dt.date | None
    last_contact: dt.date | None
    next_due: dt.date | None
    closed_at: dt.datetime | None
    closed_as: str | None
    close_reason: str
    competitor: str
    entries: tuple[HistoryEntry, ...]
    # An application to close waiting for a manager (战败申请 / 失控申请): its outcome and
    # when it was made; the customer stays open and due meanwhile.
    pending_outcome: str | None = None
    pending_since: dt.datetime | None = None

    def overdue_days(self, today: dt.date) -> int:
        return overdue_days(self.next_due, today)


def customer_card(customer_id: int, *, by: Actor) -> CustomerCard:
    """The customer and their history (a consultant: their own customers only)."""
    customer = get_customer(customer_id)
    roles.require(by, roles.CUSTOMER_VIEW, customer)
    consultant = customer.consultant
    pending = (
        CloseApplication.select(CloseApplication.outcome, CloseApplication.applied_at)
        .where((CloseApplication.customer == customer.id) & (CloseApplication.status == "pending"))
        .first()
    )
    return CustomerCard(
        id=customer.id,
        name=customer.name,
        phone=customer.phone,
        level=customer.level,
        customer_class=customer.customer_class,
        model=customer.model,
        channel=customer.channel,
        source=customer.source,
        consultant=consultant.name if consultant else "",
        first_contact=customer.first_contact,
        last_contact=customer.last_contact,
        next_due=customer.next_due,
        closed_at=customer.closed_at,
        closed_as=customer.closed_as,
        close_reason=customer.close_reason,
        competitor=customer.competitor,
        entries=tuple(history(customer.id)),
        pending_outcome=pending.outcome if pending else None,
        pending_since=pending.applied_at if pending else None,
    )


def history(customer_id: int) -> Iterator[HistoryEntry]:
    """Every event of a customer, newest first: six queries, each in time order, merged."""
    sources = (
        _registrations(customer_id),
        _contacts(customer_id),
        _level_changes(customer_id),
        _audited(customer_id),
        _applications(customer_id),
        _decisions(customer_id),
    )
    return heapq.merge(*sources, key=lambda entry: entry.order, reverse=True)


def _registrations(customer_id: int) -> Iterator[HistoryEntry]:
    query = (
        Registration.select(
            Registration.id,
            Registration.time_in,
            Registration.kind,
            Registration.level,
            Registration.notes,
            Staff.name.alias("staff_name"),
        )
        .join(Staff, JOIN.LEFT_OUTER, on=(Registration.consultant == Staff.id))
        .where(Registration.customer == customer_id)
        .order_by(Registration.time_in.desc(), Registration.id.desc())
    )
    for row in rows.dicts(query):
        yield HistoryEntry(
            at=row["time_in"],
            kind="registration",
            method=row["kind"],
            level=row["level"],
            from_level=None,
            staff=row["staff_name"] or "",
            text=row["notes"],
            next_date=None,
            id=row["id"],
        )


def _contacts(customer_id: int) -> Iterator[HistoryEntry]:
    query = (
        Contact.select(
            Contact.id,
            Contact.at,
            Contact.method,
            Contact.level_after,
            Contact.account,
            Contact.next_date,
            Staff.name.alias("staff_name"),
        )
        .join(Staff, JOIN.LEFT_OUTER, on=(Contact.staff == Staff.id))
        .where(Contact.customer == customer_id)
        .order_by(Contact.at.desc(), Contact.id.desc())
    )
    for row in rows.dicts(query):
        yield HistoryEntry(
            at=row["at"],
            kind="contact",
            method=row["method"],
            level=row["level_after"],
            from_level=None,
            staff=row["staff_name"] or "",
            text=row["account"],
            next_date=row["next_date"],
            id=row["id"],
        )


def _level_changes(customer_id: int) -> Iterator[HistoryEntry]:
    """Level changes through a contact or a registration; one from no level after an
    earlier close is a revival. The change to no level of a close is the close's own
    event (``_audited``), with its outcome."""
    earlier = LevelChange.alias("earlier")
    after_a_close = fn.EXISTS(
        earlier.select(SQL("1")).where(
            (earlier.customer == LevelChange.customer)
            & earlier.to_level.is_null()
            & (earlier.id < LevelChange.id)
        )
    )
    query = (
        LevelChange.select(
            LevelChange.id,
            LevelChange.at,
            LevelChange.from_level,
            LevelChange.to_level,
            LevelChange.contact,
            LevelChange.registration,
            (LevelChange.from_level.is_null() & after_a_close).alias("revived"),
            Staff.name.alias("staff_name"),
        )
        .join(Staff, JOIN.LEFT_OUTER, on=(LevelChange.staff == Staff.id))
        .where((LevelChange.customer == customer_id) & LevelChange.to_level.is_null(False))
        .order_by(LevelChange.at.desc(), LevelChange.id.desc())
    )
    for row in rows.dicts(query):
        via = "contact" if row["contact"] else "registration" if row["registration"] else ""
        yield HistoryEntry(
            at=row["at"],
            kind="revival" if row["revived"] else "level",
            method="",
            level=row["to_level"],
            from_level=row["from_level"],
            staff=row["staff_name"] or "",
            text="",
            next_date=None,
            via=via,
            id=row["id"],
        )


def audited_query(customer_id: int):
    """A customer's closes and reassignments in the audit log, newest first, with the
    consultants' names of a reassignment joined from its detail (by the log's index on
    what an entry speaks of). Each happened at the moment its detail names (``at``: the
    demo's past days), else when it was recorded."""
    who, before, after = Staff.alias("who"), Staff.alias("before"), Staff.alias("after")
    happened = fn.COALESCE(dialect.json_moment(AuditEntry.detail, "at"), AuditEntry.at)
    return (
        AuditEntry.select(
            AuditEntry.id,
            happened.alias("happened"),
            AuditEntry.action,
            AuditEntry.detail,
            who.name.alias("staff_name"),
            before.name.alias("from_name"),
            after.name.alias("to_name"),
        )
        .join_from(AuditEntry, who, JOIN.LEFT_OUTER, on=(AuditEntry.staff == who.id))
        .join_from(
            AuditEntry,
            before,
            JOIN.LEFT_OUTER,
            on=(before.id == dialect.json_number(AuditEntry.detail, "from_consultant")),
        )
        .join_from(
            AuditEntry,
            after,
            JOIN.LEFT_OUTER,
            on=(after.id == dialect.json_number(AuditEntry.detail, "to_consultant")),
        )
        .where(
            dialect.seek_this_store(AuditEntry.store_id),  # (store, entity, id) on PostgreSQL
            (AuditEntry.entity == "customer")
            & (AuditEntry.entity_id == customer_id)
            & AuditEntry.action.in_(_AUDITED),
        )
        .order_by(happened.desc(), AuditEntry.id.desc())
        .dicts()
    )


def _audited(customer_id: int) -> Iterator[HistoryEntry]:
    """Closes and reassignments, as the audit log keeps them."""
    for row in rows.dicts(audited_query(customer_id)):
        detail = _detail(row["detail"])
        closed = row["action"] == "close"
        yield HistoryEntry(
            at=stored_moment(row["happened"]),
            kind=row["action"],
            method="",
            level=None,
            from_level=(_text(detail.get("level")) or None) if closed else None,
            staff=row["staff_name"] or "",
            text=_text(detail.get("reason")),
            next_date=None,
            outcome=_text(detail.get("outcome")) if closed else "",
            competitor=_text(detail.get("competitor")),
            from_consultant=row["from_name"] or "",
            to_consultant=row["to_name"] or "",
            actor=_text(detail.get("actor")),
            id=row["id"],
        )


def _applications(customer_id: int) -> Iterator[HistoryEntry]:
    """The applications to close (战败申请 / 失控申请), as made: who, the level then, why."""
    query = (
        CloseApplication.select(
            CloseApplication.id,
            CloseApplication.applied_at,
            CloseApplication.outcome,
            CloseApplication.level,
            CloseApplication.reason,
            CloseApplication.competitor,
            CloseApplication.origin,
            CloseApplication.status,
            Staff.name.alias("staff_name"),
        )
        .join(Staff, JOIN.LEFT_OUTER, on=(CloseApplication.applied_by == Staff.id))
        .where(CloseApplication.customer == customer_id)
        .order_by(CloseApplication.applied_at.desc(), CloseApplication.id.desc())
    )
    for row in rows.dicts(query):
        yield HistoryEntry(
            at=row["applied_at"],
            kind="apply",
            method="",
            level=row["level"],
            from_level=None,
            staff=row["staff_name"] or "",
            text=row["reason"],
            next_date=None,
            outcome=row["outcome"],
            competitor=row["competitor"],
            id=row["id"],
            origin=row["origin"],
            status=row["status"],
        )


def _decisions(customer_id: int) -> Iterator[HistoryEntry]:
    """The manager's decisions on them (批准 / 驳回), with the note of a rejection."""
    query = (
        CloseApplication.select(
            CloseApplication.id,
            CloseApplication.decided_at,
            CloseApplication.outcome,
            CloseApplication.status,
            CloseApplication.note,
            Staff.name.alias("staff_name"),
        )
        .join(Staff, JOIN.LEFT_OUTER, on=(CloseApplication.decided_by == Staff.id))
        .where(
            (CloseApplication.customer == customer_id) & CloseApplication.decided_at.is_null(False)
        )
        .order_by(CloseApplication.decided_at.desc(), CloseApplication.id.desc())
    )
    for row in rows.dicts(query):
        yield HistoryEntry(
            at=row["decided_at"],
            kind="review",
            method="",
            level=None,
            from_level=None,
            staff=row["staff_name"] or "",
            text=row["note"],
            next_date=None,
            outcome=row["outcome"],
            # No member decided it: the store machine's operator (the only other reviewer).
            actor="" if row["staff_name"] else "operator",
            id=row["id"],
            status=row["status"],
        )


def _detail(raw: str) -> dict:
    """An audit entry's detail (JSON written by ``audit.record``); {} if unreadable."""
    try:
        detail = json.loads(raw or "{}")
    except ValueError:
        return {}
    return detail if isinstance(detail, dict) else {}


def _text(value: object) -> str:
    return "" if value is None else str(value)

"""战败 / 失控 review (战败审批): a consultant applies to close a customer, a manager decides.

A defeat (战败: the customer bought a competitor) or a loss (失控: contact lost) counts only
once a showroom manager has reviewed it, as the OEM DMS keep it: a consultant cannot drop a
customer from the contact table on their own.

- ``request_close``: what the close dialog (F6 ``x``) and ``frontdesk close`` call. A manager
  closes at once (``contacts.close_customer``: no review); a consultant closes their own
  customer as a deal at once (成交 / 交车 needs no review) and *applies* for a defeat or a loss.
- ``apply``: a 战败申请 (competitor and reason) or 失控申请 (reason) for an open customer of
  one's own; one pending application per customer. Nothing about the customer changes: they
  stay open, on the contact table and due, and are followed up as before.
- ``approve``: the manager's approval *is* the close, made at the approval's moment by the
  manager, as ``contacts.close_customer`` makes it (the intent cycle closes then,
  ``followup.cycles``). Until then the customer was open and due each day, as the contact
  table and those days' plans showed, so no past month changes when a review comes late;
  the application keeps when it was made.
- ``reject``: with the manager's note; the customer goes on being followed up, unchanged.
- ``queue``: the applications a screen or ``review list`` shows (a consultant: those for
  their own customers). Listing it first files the automatic ones (``file_silent_customers``).
- ``file_silent_customers``: with ``follow_up.auto_lost_days`` = N (0, the default: off),
  every open customer (not O: an order taken is not a lost lead) with no contact for N days
  or more gets a 失控 application from the store — once: not while one is pending, and not
  again after one made since their last contact's day (a rejection holds until the next
  contact and N more silent days).

Every application and decision is audited (``apply`` / ``approve`` / ``reject``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from peewee import JOIN, SQL, Value, fn

from frontdesk import clock, rules
from frontdesk.errors import NotFound, ValidationError
from frontdesk.followup import contacts
from frontdesk.followup.contact_input import CloseInput, check_text, clean_close
from frontdesk.i18n import t
from frontdesk.people import roles
from frontdesk.people.actor import Actor
from frontdesk.store import audit, rows, settings
from frontdesk.store.guard import WriteRefused
from frontdesk.store.models import CloseApplication, Customer, LevelChange, Staff, database

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
STATUSES = (PENDING, APPROVED, REJECTED)
REVIEWED = ("defeat", "lost")  # the outcomes a consultant applies for; a deal needs no review
BY_CONSULTANT, BY_STORE = "consultant", "auto"  # who filed it: the consultant, or the store
NOT_AUTO_LOST = ("O",)  # an order taken (订车) is a delivery to follow, not a lead to lose
ENTITY = "close_application"


@dataclass(frozen=True)
class Closing:
    """What a close request did: closed the customer, or filed ``application`` for review."""

    customer: Customer
    application: CloseApplication | None = None

    @property
    def applied(self) -> bool:
        return self.application is not None


@dataclass(frozen=True)
class QueueItem:
    """One application as the queue shows it (审批队列): the customer, what was applied for
    and why, by whom and when, and the decision once there is one."""

    id: int
    customer_id: int
    name: str
    phone: str
    model: str
    consultant: str
    level: str | None  # the level when applied
    open: bool  # the customer is still an open intent customer
    outcome: str  # defeat | lost
    reason: str
    competitor: str
    origin: str  # consultant | auto
    applied_by: str  # "" for the store's own (auto) and the operator's
    applied_at: dt.datetime
    last_contact: dt.date | None
    status: str  # pending | approved | rejected
    decided_by: str
    decided_at: dt.datetime | None
    note: str

    def silent_days(self, today: dt.date) -> int | None:
        """Days since the customer's last contact (registration or contact)."""
        return None if self.last_contact is None else (today - self.last_contact).days

    def as_json(self) -> dict[str, Any]:
        def moment(value: dt.datetime | None) -> str | None:
            return value.strftime("%Y-%m-%d %H:%M:%S") if value else None

        return {
            "id": self.id,
            "customer_id": self.customer_id,
            "name": self.name,
            "phone": self.phone,
            "model": self.model,
            "consultant": self.consultant,
            "level": self.level,
            "open": self.open,
            "outcome": self.outcome,
            "reason": self.reason,
            "competitor": self.competitor,
            "origin": self.origin,
            "applied_by": self.applied_by,
            "applied_at": moment(self.applied_at),
            "last_contact": self.last_contact.isoformat() if self.last_contact else None,
            "status": self.status,
            "decided_by": self.decided_by,
            "decided_at": moment(self.decided_at),
            "note": self.note,
        }


# -- applying ------------------------------------------------------------------------------


def request_close(
    customer_id: int,
    outcome: str,
    reason: str = "",
    competitor: str = "",
    *,
    by: Actor,
    at: dt.datetime | str | None = None,
) -> Closing:
    """Close a customer, or apply to: the one path of the close dialog and ``close``.

    A manager (``CONTACT_CLOSE``) closes; anyone else closes a deal and applies for a
    defeat or a loss (the rights and the typed fields checked by the service that acts).
    """
    folded = rules.fold_width(outcome).strip().lower()
    if roles.may(by, roles.CONTACT_CLOSE) or folded == "deal":
        closed = contacts.close_customer(customer_id, outcome, reason, competitor, by=by, at=at)
        return Closing(closed)
    application = apply(customer_id, outcome, reason, competitor, by=by, at=at)
    return Closing(Customer.get_by_id(customer_id), application)


def apply(
    customer_id: int,
    outcome: str,
    reason: str = "",
    competitor: str = "",
    *,
    by: Actor,
    at: dt.datetime | str | None = None,
) -> CloseApplication:
    """File a 战败申请 or 失控申请 for an open customer (a consultant: their own); ``at`` is
    when the consultant judged it (default now). The customer is not changed."""
    with database.atomic():
        customer = contacts.get_customer(customer_id)
        roles.require(by, roles.CLOSE_APPLY, customer)
        clean = clean_close(CloseInput(outcome, reason, competitor, at), customer)
        if clean.outcome not in REVIEWED:
            raise ValidationError({"outcome": t("review.error.deal")})
        _refuse_a_second(customer)
        application = CloseApplication.create(
            customer=customer,
            outcome=clean.outcome,
            reason=clean.reason,
            competitor=clean.competitor if clean.outcome == "defeat" else "",
            level=customer.level,
            consultant=customer.consultant_id,
            origin=BY_CONSULTANT,
            applied_by=by.staff,
            applied_at=clean.at,
        )
        audit.record(
            "apply",
            ENTITY,
            application.id,
            by,
            customer=customer.id,
            outcome=clean.outcome,
            level=customer.level,
            reason=application.reason,
            competitor=application.competitor,
            at=clean.at,
        )
    return application


def _refuse_a_second(customer: Customer) -> None:
    pending = (
        CloseApplication.select(CloseApplication.outcome, CloseApplication.applied_at)
        .where((CloseApplication.customer == customer.id) & (CloseApplication.status == PENDING))
        .first()
    )
    if pending is not None:
        raise ValidationError(
            {
                "outcome": t(
                    "review.error.pending",
                    name=customer.name or rules.format_phone(customer.phone),
                    outcome=t(f"contacts.outcome.{pending.outcome}"),
                    date=pending.applied_at.strftime("%Y-%m-%d"),
                )
            }
        )


# -- deciding ----------------------------------------------------------------------------


def _pending(application_id: int) -> CloseApplication:
    application = CloseApplication.get_or_none(CloseApplication.id == application_id)
    if application is None:
        raise NotFound(t("review.error.no_application", id=application_id))
    if application.status != PENDING:
        raise ValidationError(
            {"id": t("review.error.decided", id=application_id, status=status_label(application))}
        )
    return application


def approve(application_id: int, *, by: Actor) -> CloseApplication:
    """Approve an application: the customer is closed now, by the manager, as applied for
    (a customer no longer open is refused: reject it instead)."""
    roles.require(by, roles.CLOSE_REVIEW)
    with database.atomic():
        application = _pending(application_id)
        customer = contacts.close_customer(
            application.customer_id,
            application.outcome,
            application.reason,
            application.competitor,
            by=by,
        )
        close = (
            LevelChange.select(fn.MAX(LevelChange.id))
            .where((LevelChange.customer == customer.id) & LevelChange.to_level.is_null())
            .scalar()
        )
        _decide(application, APPROVED, by, close=close)
    return CloseApplication.get_by_id(application_id)


def reject(application_id: int, note: str, *, by: Actor) -> CloseApplication:
    """Reject an application with a note (驳回): the customer goes on being followed up."""
    roles.require(by, roles.CLOSE_REVIEW)
    text, error = check_text(note, rules.MAX_NOTES)
    if not error and not text:
        error = t("review.error.note_required")
    if error:
        raise ValidationError({"reason": error})
    with database.atomic():
        application = _pending(application_id)
        _decide(application, REJECTED, by, note=text)
    return CloseApplication.get_by_id(application_id)


def _decide(
    application: CloseApplication, status: str, by: Actor, *, note: str = "", close=None
) -> None:
    now = clock.now()
    (
        CloseApplication.update(
            status=status, decided_by=by.staff, decided_at=now, note=note, close=close
        )
        .where(CloseApplication.id == application.id)
        .execute()
    )
    action = "approve" if status == APPROVED else "reject"
    audit.record(
        action,
        ENTITY,
        application.id,
        by,
        customer=application.customer_id,
        outcome=application.outcome,
        note=note,
    )


# -- the customers no one contacts any more (失控) -------------------------------------------


def auto_lost_days() -> int:
    """``follow_up.auto_lost_days``: after how many silent days a customer counts as lost
    (0: never)."""
    return int(settings.number(settings.AUTO_LOST_DAYS))


def _silent_customers(days: int, today: dt.date):
    """Open customers (not O) with no contact since ``days`` before ``today``, and no
    pending application nor one made on a day after their last contact (a contact the day
    of a rejected application, before or after it, starts the silence again)."""
    earlier = CloseApplication.alias("earlier")
    already = earlier.select(SQL("1")).where(
        (earlier.customer == Customer.id)
        & ((earlier.status == PENDING) | (fn.date(earlier.applied_at) > Customer.last_contact))
    )
    return Customer.select(Customer.id).where(
        Customer.level.is_null(False)
        & Customer.level.not_in(NOT_AUTO_LOST)
        & (Customer.last_contact <= today - dt.timedelta(days=days))
        & ~fn.EXISTS(already)
    )


def file_silent_customers(by: Actor, today: dt.date | None = None) -> int:
    """File a 失控 application for every customer silent for ``auto_lost_days`` days (see
    the module's docstring); returns how many. Idempotent: a second run files none. A store
    that takes no saves (``store.guard``) files none, and the queue is listed all the same."""
    days = auto_lost_days()
    if days <= 0:
        return 0
    today = today or clock.today()
    if not _silent_customers(days, today).exists():  # a read: no write lock for nothing
        return 0
    now = clock.now()
    reason = t("review.auto_reason", days=days)
    try:
        with database.atomic():
            before = CloseApplication.select(fn.MAX(CloseApplication.id)).scalar() or 0
            silent = _silent_customers(days, today).select(
                Customer.id,
                Value("lost"),
                Value(reason),
                Value(""),
                Customer.level,
                Customer.consultant,
                Value(BY_STORE),
                Value(now),
                Value(PENDING),
                Value(""),
            )
            CloseApplication.insert_from(
                silent,
                [
                    CloseApplication.customer,
                    CloseApplication.outcome,
                    CloseApplication.reason,
                    CloseApplication.competitor,
                    CloseApplication.level,
                    CloseApplication.consultant,
                    CloseApplication.origin,
                    CloseApplication.applied_at,
                    CloseApplication.status,
                    CloseApplication.note,
                ],
            ).execute()
            filed = CloseApplication.select(
                CloseApplication.id, CloseApplication.customer, CloseApplication.level
            ).where(CloseApplication.id > before)
            count = 0
            for ident, customer, level in rows.tuples(filed):
                audit.record(
                    "apply",
                    ENTITY,
                    ident,
                    by,
                    customer=customer,
                    outcome="lost",
                    level=level,
                    reason=reason,
                    origin=BY_STORE,
                    days=days,
                    at=now,
                )
                count += 1
    except WriteRefused:
        return 0
    return count


# -- the queue ---------------------------------------------------------------------------


def queue(by: Actor, *, decided: bool = False, limit: int | None = None) -> list[QueueItem]:
    """The pending applications, oldest first (with ``decided``, the decided ones after
    them, newest first): everyone's for a manager, a consultant's own customers' for them.
    The silent customers are filed first (``file_silent_customers``)."""
    roles.require(by, roles.CLOSE_APPLY)
    file_silent_customers(by)
    applicant, decider = Staff.alias("applicant"), Staff.alias("decider")
    consultant = Staff.alias("consultant")
    is_pending = CloseApplication.status == PENDING
    query = (
        CloseApplication.select(
            CloseApplication.id,
            CloseApplication.customer.alias("customer_id"),
            Customer.name,
            Customer.phone,
            Customer.model,
            Customer.level.alias("current_level"),
            Customer.last_contact,
            consultant.name.alias("consultant_name"),
            CloseApplication.level,
            CloseApplication.outcome,
            CloseApplication.reason,
            CloseApplication.competitor,
            CloseApplication.origin,
            applicant.name.alias("applicant_name"),
            CloseApplication.applied_at,
            CloseApplication.status,
            decider.name.alias("decider_name"),
            CloseApplication.decided_at,
            CloseApplication.note,
        )
        .join_from(CloseApplication, Customer, on=(CloseApplication.customer == Customer.id))
        .join_from(
            CloseApplication,
            consultant,
            JOIN.LEFT_OUTER,
            on=(fn.COALESCE(CloseApplication.consultant, Customer.consultant) == consultant.id),
        )
        .join_from(
            CloseApplication,
            applicant,
            JOIN.LEFT_OUTER,
            on=(CloseApplication.applied_by == applicant.id),
        )
        .join_from(
            CloseApplication,
            decider,
            JOIN.LEFT_OUTER,
            on=(CloseApplication.decided_by == decider.id),
        )
    )
    scope = roles.customer_scope(by, roles.CLOSE_APPLY)
    if scope is not None:
        query = query.where(scope)
    if decided:
        query = query.order_by(
            is_pending.desc(),
            fn.COALESCE(CloseApplication.decided_at, CloseApplication.applied_at).desc(),
            CloseApplication.id.desc(),
        )
    else:
        query = query.where(is_pending).order_by(CloseApplication.applied_at, CloseApplication.id)
    if limit is not None:
        query = query.limit(limit)
    return [_item(row) for row in rows.dicts(query)]


def _item(row: dict) -> QueueItem:
    return QueueItem(
        id=row["id"],
        customer_id=row["customer_id"],
        name=row["name"],
        phone=row["phone"],
        model=row["model"],
        consultant=row["consultant_name"] or "",
        level=row["level"],
        open=row["current_level"] is not None,
        outcome=row["outcome"],
        reason=row["reason"],
        competitor=row["competitor"],
        origin=row["origin"],
        applied_by=row["applicant_name"] or "",
        applied_at=row["applied_at"],
        last_contact=row["last_contact"],
        status=row["status"],
        decided_by=row["decider_name"] or "",
        decided_at=row["decided_at"],
        note=row["note"],
    )


def status_label(application: CloseApplication | QueueItem) -> str:
    """待审批 / 已批准 / 已驳回."""
    return t(f"review.status.{application.status}")


def application_label(outcome: str) -> str:
    """战败申请 / 失控申请."""
    return t(f"review.kind.{outcome}")

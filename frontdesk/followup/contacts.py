"""Follow-up discipline for intent customers (意向客户跟进): contacts, levels, closing.

The seed's rule: H is followed up every 2 days, A every 3, B weekly, C every 2 weeks, O
weekly until delivery (store settings, ``settings.follow_up_days``), and a level changes
only through a recorded contact (意向客户升降级别均应通过日报表).

- ``record_contact``: a call, visit, walk-in or message (电话 / 拜访 / 来店 / 短信·微信):
  who, when, what for (访问目的), the account of it (访问经过), the level after it and an
  optional agreed next date (约定日期: from the contact's day to a year after it). A change
  of level is written to ``LevelChange`` with the contact; a 来源区分 typed with it is set
  on the customer.
- What each dialog takes and how it is checked is ``frontdesk.followup.contact_input``.
- ``close_customer``: 成交 deal (an own-sold owner now), 战败 defeat (bought a competitor:
  brand/model and reason required), 失控 lost (lost contact: reason required). The
  customer leaves the open table and keeps its whole history. A manager closes at once;
  a consultant closes their own customer as a deal only — a defeat or a loss they apply
  for, and the manager's approval is the close (``frontdesk.followup.close_review``).
- The customer card (all of a customer's history) is in ``frontdesk.followup.customer_card``.
- ``recompute_follow_up``: ``customer.last_contact`` (the latest registration or contact)
  and ``customer.next_due`` (the agreed date of the latest contact, else the last contact
  plus the level's interval), in SQL, for some customers or all. The registration service
  and this module call it in the transaction of every change, so the contact table can
  page through 100 000 open intent customers by an index on ``next_due``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from peewee import fn

from frontdesk import clock, rules
from frontdesk.errors import NotFound, ValidationError
from frontdesk.followup import cycles
from frontdesk.followup.contact_input import (
    CloseInput,
    ContactInput,
    clean_close,
    clean_consultant,
    clean_contact,
    clean_moment,
)
from frontdesk.i18n import t
from frontdesk.people import roles, team
from frontdesk.people.actor import Actor
from frontdesk.store import audit, dialect, settings
from frontdesk.store.models import Contact, Customer, LevelChange, Registration, Staff, database

# What a closed intent customer becomes (客户分类): a lost one stays a base customer (基盘).
CLASS_AFTER_CLOSE = {"deal": "own_sold", "defeat": "defeated", "lost": "base"}
IDS_PER_STATEMENT = 500  # customer ids per recompute statement (SQLite's variable limit)

# The latest registration or contact, else the first contact, else the day on file.
_LAST_CONTACT_SQL = """
UPDATE "customer" SET "last_contact" = COALESCE(
    (SELECT {day_of_latest} FROM (
        SELECT MAX(r."time_in") AS "moment" FROM "registration" r
         WHERE r."customer_id" = "customer"."id"
        UNION ALL
        SELECT MAX(c."at") FROM "contact" c WHERE c."customer_id" = "customer"."id") AS "latest"),
    "first_contact",
    {day_on_file})
"""

# Open intent customers (a level) are due at the date agreed at the latest contact of their
# cycle that agreed one, while it lies after the last contact or nothing came after it (the
# latest agreement in time wins, whatever the order of typing); else at the last contact
# plus the level's interval (``followup.due`` has the same rule for past days).
_NEXT_DUE_SQL = """
UPDATE "customer" SET "next_due" = CASE WHEN "level" IS NULL THEN NULL ELSE COALESCE(
    (SELECT CASE WHEN c."next_date" > "customer"."last_contact"
                   OR (c."at" >= COALESCE((SELECT MAX(r."time_in") FROM "registration" r
                                            WHERE r."customer_id" = "customer"."id"), {never})
                       AND c."at" >= (SELECT MAX(later."at") FROM "contact" later
                                       WHERE later."customer_id" = "customer"."id"))
                 THEN c."next_date" END
       FROM "contact" c
      WHERE c."customer_id" = "customer"."id" AND c."next_date" IS NOT NULL
        AND c."at" >= COALESCE((SELECT MAX(ic."opened_at") FROM "intent_cycle" ic
                                 WHERE ic."customer_id" = "customer"."id"), {never})
      ORDER BY c."at" DESC, c."id" DESC LIMIT 1),
    {interval_after_last}) END
"""


def _follow_up_sql(db, days: dict[str, int]) -> tuple[str, str]:
    """The two statements, in the words of ``db``'s engine (``frontdesk.store.dialect``)."""
    cases = " ".join(f"WHEN '{level}' THEN {int(days[level])}" for level in rules.LEVELS)
    last_contact = _LAST_CONTACT_SQL.format(
        day_of_latest=dialect.day_sql(db, 'MAX("moment")'),
        day_on_file=dialect.day_sql(db, '"created_at"'),
    )
    next_due = _NEXT_DUE_SQL.format(
        never=dialect.never_sql(db),
        interval_after_last=dialect.days_after_sql(
            db, '"last_contact"', f'(CASE "level" {cases} END)'
        ),
    )
    return last_contact, next_due


def _intervals(db) -> dict[str, int]:
    if db is database or getattr(database, "obj", None) is db:
        return settings.follow_up_days()
    days = dict(rules.FOLLOW_UP_DAYS)  # a connection of its own: read the settings there
    rows = dialect.execute(
        db, "SELECT key, value FROM setting WHERE key LIKE ?", (settings.FOLLOW_UP_DAYS + "%",)
    )
    for key, value in rows:
        level = key.removeprefix(settings.FOLLOW_UP_DAYS)
        if level in days and str(value).strip().isdigit() and int(value) > 0:
            days[level] = int(value)
    return days


def recompute_follow_up(
    db=None, customer_ids: Iterable[int | None] | None = None, *, history: bool = True
) -> None:
    """(Re)compute the intent cycles (``followup.cycles``; not with ``history=False``: only
    an interval changed), ``last_contact`` and ``next_due`` of some customers, or of all.

    ``db`` is a peewee database or a sqlite3 connection (the benchmark generator writes
    with raw SQL and calls this once at the end); by default the store in use. Call it in
    the transaction of the change, so the table never shows a stale due date.
    """
    db = database if db is None else db
    last_contact_sql, next_due_sql = _follow_up_sql(db, _intervals(db))
    if customer_ids is None:
        if history:
            cycles.rebuild(db)
        dialect.execute(db, last_contact_sql)
        dialect.execute(db, next_due_sql)
        return
    ids = sorted({int(i) for i in customer_ids if i is not None})
    if history:
        cycles.rebuild(db, ids)
    for start in range(0, len(ids), IDS_PER_STATEMENT):
        chunk = ids[start : start + IDS_PER_STATEMENT]
        where = f' WHERE "id" IN ({", ".join("?" * len(chunk))})'
        dialect.execute(db, last_contact_sql + where, chunk)
        dialect.execute(db, next_due_sql + where, chunk)


def overdue_days(next_due: dt.date | None, today: dt.date) -> int:
    """Days a follow-up is past due on ``today`` (the store's local day); 0 if not."""
    if next_due is None:
        return 0
    return max(0, (today - next_due).days)


def customer_with_phone(phone: str) -> Customer | None:
    """The store's customer with this (normalised) phone, if any: by the key (store, phone)
    — on PostgreSQL the store named so that the key is sought (migration 0025 dropped the
    index on the phone alone), on SQLite by the phone's own index."""
    return Customer.get_or_none(dialect.seek_this_store(Customer.store_id), Customer.phone == phone)


def find_customer(raw_phone: str) -> Customer:
    """The customer on file with this phone number; a sentence to act on otherwise."""
    phone = rules.normalise_phone(raw_phone)
    if phone is None and rules.phone_has_letters(raw_phone):
        raise ValidationError({"phone": t("error.phone_letters")})
    if phone is None:
        raise ValidationError({"phone": t("error.phone")})
    customer = customer_with_phone(phone)
    if customer is None:
        raise NotFound(t("contacts.error.no_customer", phone=rules.format_phone(phone)))
    return customer


def get_customer(customer_id: int) -> Customer:
    """The customer with this id; a clear refusal when there is none."""
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise NotFound(t("contacts.error.no_customer_id", id=customer_id))
    return customer


# -- recording a contact --------------------------------------------------------------------


def record_contact(customer_id: int, data: ContactInput, *, by: Actor) -> Contact:
    """Store one contact, its level change and the customer's next due date, atomically.

    ``by`` is who acts: a consultant may record contacts with their own customers only,
    as themselves; a manager for anyone's, and as made by another member (``data.staff``).
    """
    with database.atomic():
        customer = get_customer(customer_id)
        roles.require(by, roles.CONTACT_RECORD, customer)
        now = clock.now()
        clean = clean_contact(data, customer, now=now)
        who = _contact_maker(customer, by)
        if clean.staff is not None and clean.staff.id != by.staff_id:
            roles.require(by, roles.CONTACT_ON_BEHALF)
            who = clean.staff
        method, at, level, next_date = clean.method, clean.at, clean.level, clean.next_date

        contact = Contact.create(
            customer=customer,
            staff=who,
            at=at,
            method=method,
            account=clean.account,
            purpose=clean.purpose,
            level_after=level,
            next_date=next_date,
            created_at=now,
        )
        changes: dict[str, object] = {}
        if level != customer.level:
            LevelChange.create(
                customer=customer,
                from_level=customer.level,
                to_level=level,
                at=at,
                staff=who,
                contact=contact,
            )
            changes["level"] = level
        if customer.customer_class != "intent":
            changes["customer_class"] = "intent"
        if level and customer.level is None:  # a closed customer interested again: reopened
            changes.update(closed_at=None, closed_as=None)
        if clean.source != customer.source:
            changes["source"] = clean.source
        (
            Customer.update(**changes, updated_at=now, version=Customer.version + 1)
            .where(Customer.id == customer.id)
            .execute()
        )
        recompute_follow_up(customer_ids=[customer.id])
        detail: dict[str, Any] = {"customer": customer.id, "method": method, "level": level}
        if clean.purpose:
            detail["purpose"] = clean.purpose
        if "level" in changes:
            detail["from_level"] = customer.level
        if next_date:
            detail["next_date"] = next_date
        if "source" in changes:
            detail.update(source=clean.source, from_source=customer.source)
        audit.record("create", "contact", contact.id, by, **detail)
    return contact


def _contact_maker(customer: Customer, by: Actor) -> Staff | None:
    """Who made a contact nobody named: the signed-in consultant or manager; for the desk
    and the operator, the customer's consultant."""
    if by.staff is not None and by.staff.role in team.RECEIVING_ROLES:
        return by.staff
    return customer.consultant


# -- closing and reassigning --------------------------------------------------------------


def close_customer(
    customer_id: int,
    outcome: str,
    reason: str = "",
    competitor: str = "",
    *,
    by: Actor,
    at: dt.datetime | str | None = None,
) -> Customer:
    """Close an open intent customer as a deal, a defeat or lost; history is kept.

    The level goes (recorded as a level change to none, with who closed it), so the
    customer leaves the open table; a later registration or contact with a level reopens
    them. ``at`` is when it happened (default now; the demo's past days).

    A manager (``CONTACT_CLOSE``) closes any customer so; a consultant their own as a deal
    (成交 needs no review), a defeat or a loss only through an application.
    """
    with database.atomic():
        customer = get_customer(customer_id)
        _require_close(by, customer, outcome)
        clean = clean_close(CloseInput(outcome, reason, competitor, at), customer)
        now = clean.at
        _refuse_close_before_history(customer, now)
        LevelChange.create(
            customer=customer,
            from_level=customer.level,
            to_level=None,
            at=now,
            staff=by.staff,
            closed_as=clean.outcome,
            close_reason=clean.reason,
            competitor=clean.competitor if clean.outcome == "defeat" else "",
        )
        (
            Customer.update(
                level=None,
                next_due=None,
                customer_class=CLASS_AFTER_CLOSE[clean.outcome],
                closed_at=now,
                closed_as=clean.outcome,
                close_reason=clean.reason,
                competitor=clean.competitor if clean.outcome == "defeat" else "",
                updated_at=clock.now(),
                version=Customer.version + 1,
            )
            .where(Customer.id == customer.id)
            .execute()
        )
        cycles.rebuild(customer_ids=[customer.id])
        audit.record(
            "close",
            "customer",
            customer.id,
            by,
            outcome=clean.outcome,
            level=customer.level,
            reason=clean.reason,
            competitor=clean.competitor,
            at=now,
        )
    return Customer.get_by_id(customer.id)


def _require_close(by: Actor, customer: Customer, outcome: str) -> None:
    """A close without review is a manager's; a consultant's own customer's deal too."""
    if roles.may(by, roles.CONTACT_CLOSE):
        return
    if rules.fold_width(outcome).strip().lower() == "deal":
        roles.require(by, roles.CLOSE_APPLY, customer)
        return
    roles.require(by, roles.CONTACT_CLOSE)


def _refuse_close_before_history(customer: Customer, at: dt.datetime) -> None:
    """A close comes after the customer's last registration or contact: closed before
    them, the later ones would have happened to nobody (and reopen at once)."""
    latest = max(
        (
            moment
            for moment in (
                Contact.select(fn.MAX(Contact.at)).where(Contact.customer == customer).scalar(),
                Registration.select(fn.MAX(Registration.time_in))
                .where(Registration.customer == customer)
                .scalar(),
            )
            if moment is not None
        ),
        default=None,
    )
    if latest is not None and at < latest:
        moment = latest.strftime("%Y-%m-%d %H:%M")
        raise ValidationError({"at": t("contacts.error.close_before_contact", last=moment)})


def reassign(
    customer_id: int, consultant: str | Staff, *, by: Actor, at: dt.datetime | None = None
) -> Customer:
    """Give a customer to another consultant (a manager's call, seed: 客户是公司的资产);
    ``at`` is when (default now)."""
    with database.atomic():
        customer = get_customer(customer_id)
        roles.require(by, roles.CONTACT_REASSIGN)
        member = clean_consultant(consultant)
        moment = clean_moment(at)
        if customer.consultant_id != member.id:
            (
                Customer.update(
                    consultant=member, updated_at=clock.now(), version=Customer.version + 1
                )
                .where(Customer.id == customer.id)
                .execute()
            )
            audit.record(
                "reassign",
                "customer",
                customer.id,
                by,
                from_consultant=customer.consultant_id,
                to_consultant=member.id,
                at=moment,
            )
    return Customer.get_by_id(customer.id)

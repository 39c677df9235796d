"""The walk-in / phone registration form (来店(电)客户登记表) as a service.

The form, the CLI and the importer all hand a ``RegistrationInput`` to ``register``: the
same validation, the same rules. Only the time in is required; an anonymous walk-in is a
valid, not-on-file (未留档) party. A valid phone number puts the customer on file (留档):
it finds or creates the customer, decides first or returning (首次/再次), and proposes
their own consultant, or the head of the up rotation for a new customer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from frontdesk import bounds, clock, rules
from frontdesk.desk import fields
from frontdesk.desk.registration_input import (
    CleanRegistration,
    RegistrationInput,
    clean,
    parse_moment,
)
from frontdesk.errors import ConflictError, NotFound, ValidationError
from frontdesk.followup import contacts
from frontdesk.i18n import t
from frontdesk.people import roles, team
from frontdesk.people.actor import Actor
from frontdesk.store import audit, rows
from frontdesk.store.models import Customer, LevelChange, Registration, Staff, database


@dataclass(frozen=True)
class StillInShowroom:
    """A walk-in party of the customer's still in the showroom (在店): no time out yet."""

    registration_id: int
    number: int  # the day's 序号, as today's log numbers it
    time_in: dt.datetime


@dataclass
class CustomerSummary:
    """What the form shows when a typed phone number is known."""

    id: int
    name: str
    phone: str
    gender: str
    level: str | None
    model: str
    channel: str
    consultant: str
    consultant_login: str
    last_visit: dt.datetime | None
    visits: int
    walkins: int
    in_showroom: StillInShowroom | None = None  # today's walk-in with no time out, if any


def still_in_showroom(customer_id: int, day: dt.date) -> StillInShowroom | None:
    """The customer's latest walk-in on ``day`` that has no time out (在店), with its 序号.

    The 序号 is the day's row number in order of time in, ties by id, as today's log
    (``desk.day_log``) numbers its rows: one query, the window over the day's rows.
    """
    start, end = clock.day_bounds(day)
    day_rows = (
        Registration.select(
            Registration.id,
            Registration.customer,
            Registration.kind,
            Registration.time_in,
            Registration.time_out,
            Registration.left_unrecorded_at,
            fn.ROW_NUMBER().over(order_by=(Registration.time_in, Registration.id)).alias("number"),
        )
        .where((Registration.time_in >= start) & (Registration.time_in < end))
        .alias("day_rows")
    )
    query = (
        Registration.select(day_rows.c.id, day_rows.c.number, day_rows.c.time_in)
        .from_(day_rows)
        .where(
            (day_rows.c.customer_id == customer_id)
            & (day_rows.c.kind == "walkin")
            & day_rows.c.time_out.is_null()
            & day_rows.c.left_unrecorded_at.is_null()  # 离店未登记 at the close-out: gone
        )
        .order_by(day_rows.c.time_in.desc(), day_rows.c.id.desc())
        .limit(1)
    )
    found = next(rows.tuples(query), None)
    if found is None:
        return None
    registration_id, number, time_in = found
    # A subquery's column comes back as SQLite stored it: read it as the model's field does.
    return StillInShowroom(registration_id, number, Registration.time_in.python_value(time_in))


def lookup(raw_phone: str) -> CustomerSummary | None:
    """The customer a typed phone number belongs to, if it is valid and on file (with
    their party still in the showroom today, if any)."""
    phone = rules.normalise_phone(raw_phone)
    if phone is None:
        return None
    customer = contacts.customer_with_phone(phone)
    if customer is None:
        return None
    registrations = Registration.select().where(Registration.customer == customer)
    last = registrations.order_by(Registration.time_in.desc()).first()
    consultant = customer.consultant
    return CustomerSummary(
        id=customer.id,
        name=customer.name,
        phone=customer.phone,
        gender=customer.gender,
        level=customer.level,
        model=customer.model,
        channel=customer.channel,
        consultant=consultant.name if consultant else "",
        consultant_login=consultant.login if consultant else "",
        last_visit=last.time_in if last else None,
        visits=registrations.count(),
        walkins=registrations.where(Registration.kind == "walkin").count(),
        in_showroom=still_in_showroom(customer.id, clock.today()),
    )


# First or returning (首次/再次), the rule the statistics count by: a walk-in returns when
# the customer walked in before it; a call is a repeat when the customer is already known
# from any earlier registration. "Before" is by time in, ties broken by the order of saving
# (the id). Computed in SQL for every registration of a customer at once, because a save
# changes what came before the customer's *later* rows too: a walk-in entered late from
# paper (back-dated), or a correction of a time or a phone.
_VISIT = """CASE WHEN EXISTS (
    SELECT 1 FROM "registration" AS "earlier"
     WHERE "earlier"."customer_id" = "registration"."customer_id"
       AND ("earlier"."kind" = 'walkin' OR "registration"."kind" != 'walkin')
       AND "earlier"."time_in" <= "registration"."time_in"
       AND ("earlier"."time_in" < "registration"."time_in"
            OR "earlier"."id" < "registration"."id"))
    THEN 'returning' ELSE 'first' END"""
# Only the rows whose visit changes are written.
_STAMP_VISITS_SQL = f"""UPDATE "registration" SET "visit" = {_VISIT}
 WHERE "customer_id" = ? AND "visit" IS NOT {_VISIT}"""


def stamp_visits(customer_ids: list[int | None]) -> None:
    """Stamp first or returning on every registration of these customers, by the rule.

    Call it in the transaction of every save that adds, moves or re-times a customer's
    registration: the save is ``BEGIN IMMEDIATE``, so whatever the order in which terminals
    save, each customer has exactly one first walk-in, their earliest.
    """
    for customer_id in sorted({i for i in customer_ids if i is not None}):
        database.execute_sql(_STAMP_VISITS_SQL, (customer_id,))


def propose_consultant(customer_phone: str = "") -> Staff | None:
    """A returning customer's own consultant, else the head of the up rotation."""
    phone = rules.normalise_phone(customer_phone) if customer_phone else None
    return _consultant_for(contacts.customer_with_phone(phone) if phone else None)


def _consultant_for(customer: Customer | None) -> Staff | None:
    if customer is not None and customer.consultant_id is not None:
        return customer.consultant
    return team.proposed_consultant()


def _apply_to_customer(
    clean_data: CleanRegistration,
    consultant: Staff | None,
    by: Actor,
    customer: Customer | None,
) -> Customer | None:
    """Create the customer behind a phone number, or bring ``customer`` (the one on file
    with that phone, read in this transaction) up to date."""
    if clean_data.phone is None:
        return None
    now = clock.now()
    if customer is None:
        customer = Customer.create(
            name=clean_data.name,
            phone=clean_data.phone,
            initials=rules.pinyin_initials(clean_data.name),
            gender=clean_data.gender,
            customer_class="intent" if clean_data.level else "base",
            level=clean_data.level,
            model=clean_data.model,
            channel=clean_data.channel,
            source=clean_data.source or rules.SOURCE_WALKIN_PHONE,
            consultant=consultant,
            first_contact=clean_data.time_in.date(),
            created_at=now,
            updated_at=now,
        )
        audit.record("create", "customer", customer.id, by, phone=customer.phone)
        return customer
    changes = {}
    for key in ("name", "gender", "model", "channel"):
        value = getattr(clean_data, key)
        if value and value != getattr(customer, key):
            changes[key] = value
    if "name" in changes:
        changes["initials"] = rules.pinyin_initials(changes["name"])
    if clean_data.source is not None and clean_data.source != customer.source:
        changes["source"] = clean_data.source  # 来源区分: only when typed; blank keeps it
    if clean_data.level and clean_data.level != customer.level:
        changes["level"] = clean_data.level
        changes["customer_class"] = "intent"
        if customer.level is None:  # a closed customer interested again: reopened
            changes.update(closed_at=None, closed_as=None)
    if customer.consultant_id is None and consultant is not None:
        changes["consultant"] = consultant
    if customer.first_contact is None or clean_data.time_in.date() < customer.first_contact:
        changes["first_contact"] = clean_data.time_in.date()
    if changes:
        (
            Customer.update(**changes, updated_at=now, version=Customer.version + 1)
            .where(Customer.id == customer.id)
            .execute()
        )
        audit.record("update", "customer", customer.id, by, **changes)
    return customer


def _record_level(customer, old_level, new_level, at, by, registration) -> None:
    if customer is not None and new_level and new_level != old_level:
        LevelChange.create(
            customer=customer,
            from_level=old_level,
            to_level=new_level,
            at=at,
            staff=by.staff,
            registration=registration,
        )


def _row(clean_data: CleanRegistration) -> dict:
    """The registration's columns of the field table, as validated; the caller decides
    the rest (the customer, first or returning) and overrides the name and consultant."""
    return clean_data.as_dict()


def register(data: RegistrationInput, *, by: Actor) -> Registration:
    """Validate and store one registration, in one IMMEDIATE transaction."""
    roles.require(by, roles.REGISTRATION_CREATE)
    with database.atomic():
        clean_data = clean(data)
        existing = contacts.customer_with_phone(clean_data.phone) if clean_data.phone else None
        if existing is not None and not clean_data.channel:
            # 信息来源: a known customer's own, as the form prefills it on the phone's lookup.
            clean_data.channel = existing.channel
        old_level = existing.level if existing else None
        consultant = clean_data.consultant or _consultant_for(existing)
        customer = _apply_to_customer(clean_data, consultant, by, existing)
        now = clock.now()
        registration = Registration.create(
            **{
                **_row(clean_data),
                "customer": customer,
                "name": clean_data.name or (customer.name if customer else ""),
                "visit": "first",  # an anonymous party; a customer's rows are stamped next
                "consultant": consultant,
                "registered_by": by.staff,
                "created_at": now,
                "updated_at": now,
            }
        )
        if customer is not None:
            stamp_visits([customer.id])
            registration.visit = (
                Registration.select(Registration.visit)
                .where(Registration.id == registration.id)
                .scalar()
            )
        visit = registration.visit
        _record_level(customer, old_level, clean_data.level, clean_data.time_in, by, registration)
        if customer is not None:  # last contact and next follow-up, in this transaction
            contacts.recompute_follow_up(customer_ids=[customer.id])
        if (
            clean_data.kind == "walkin"
            and visit == "first"
            and consultant is not None
            and consultant.on_duty
            and consultant.role == "consultant"
        ):
            team.move_to_end(consultant)
        audit.record("create", "registration", registration.id, by, kind=clean_data.kind)
    return registration


def update(
    registration_id: int, data: RegistrationInput, version: int, *, by: Actor
) -> Registration:
    """Correct a registration. Refused if someone else saved it since ``version`` was read."""
    roles.require(by, roles.REGISTRATION_UPDATE)
    with database.atomic():
        bounds.check_id(registration_id)
        current = Registration.get_or_none(Registration.id == registration_id)
        if current is None:
            raise NotFound(t("error.no_registration", id=registration_id))
        if current.version != version:
            raise ConflictError(t("error.conflict"))
        data.kind = current.kind
        kept = {"model": current.model, "channel": current.channel}  # even if retired since
        clean_data = clean(data, today=current.time_in.date(), kept=kept)
        existing = contacts.customer_with_phone(clean_data.phone) if clean_data.phone else None
        old_level = existing.level if existing else None
        consultant = clean_data.consultant or current.consultant
        for_customer = clean_data
        if clean_data.phone is not None and clean_data.phone == current.phone:
            # Only what this correction changes reaches the customer: re-saving an older row
            # must not undo the level or model that later contacts recorded on the customer.
            unchanged = {
                key: None if key == "level" else ""
                for key in ("name", "gender", "model", "channel", "level")
                if getattr(clean_data, key) == getattr(current, key)
            }
            for_customer = clean_data.replace(**unchanged)
            if clean_data.source == current.source:  # 来源区分 as saved: the customer's stays
                for_customer = for_customer.replace(source=None)
        customer = _apply_to_customer(for_customer, consultant, by, existing)
        changes = {
            **_row(clean_data),
            "customer": customer,
            "visit": "first",  # without a customer; with one, stamped below
            "consultant": consultant,
        }
        updated = (
            Registration.update(**changes, updated_at=clock.now(), version=version + 1)
            .where((Registration.id == registration_id) & (Registration.version == version))
            .execute()
        )
        if not updated:
            raise ConflictError(t("error.conflict"))
        # The customer it now belongs to and the one it was moved from: their rows after it
        # (or after where it was) may have become first or returning.
        stamp_visits([customer.id if customer else None, current.customer_id])
        _record_level(customer, old_level, for_customer.level, clean_data.time_in, by, current)
        # Both the customer it now belongs to and the one it was moved from, if any.
        contacts.recompute_follow_up(
            customer_ids=[customer.id if customer else None, current.customer_id]
        )
        audit.record("update", "registration", registration_id, by)
    return Registration.get_by_id(registration_id)


def checkout(
    registration_id: int, at: dt.datetime | str | None = None, *, by: Actor
) -> Registration:
    """Record a walk-in party's departure (time out), now or at a corrected time."""
    roles.require(by, roles.REGISTRATION_CHECKOUT)
    with database.atomic():
        bounds.check_id(registration_id)
        registration = Registration.get_or_none(Registration.id == registration_id)
        if registration is None:
            raise NotFound(t("error.no_registration", id=registration_id))
        if registration.kind != "walkin":
            raise _time_out_refused(t("error.phone_no_time_out"))
        try:
            time_out = (
                clock.now() if at in (None, "") else parse_moment(at, registration.time_in.date())
            )
        except ValueError:
            raise _time_out_refused(t("error.time")) from None
        if time_out < registration.time_in:
            raise _time_out_refused(t("error.out_before_in"))
        if rules.is_future(time_out, clock.now()):
            raise _time_out_refused(t("error.future"))
        (
            Registration.update(
                time_out=time_out, updated_at=clock.now(), version=Registration.version + 1
            )
            .where(Registration.id == registration_id)
            .execute()
        )
        audit.record("checkout", "registration", registration_id, by, time_out=time_out)
    return Registration.get_by_id(registration_id)


def _time_out_refused(message: str) -> ValidationError:
    return ValidationError({"time_out": message}, labels=fields.labels(["time_out"]))


def to_input(registration: Registration) -> RegistrationInput:
    """The form's view of a stored registration, for editing: each field as typed (a
    consultant by name, no phone or level as blank)."""
    values = {}
    for field in fields.FIELDS:
        value = getattr(registration, field.name)
        if field.type is fields.ValueType.STAFF:
            value = value.name if value is not None else ""
        values[field.name] = field.default if value is None else value
    return RegistrationInput(**values)

"""The customer card (客户信息卡): a customer with every registration, contact and level
change, newest first — what the manager opens from the contact table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN

from frontdesk.followup.contacts import get_customer, overdue_days
from frontdesk.people import roles
from frontdesk.people.actor import Actor
from frontdesk.store.models import Contact, LevelChange, Registration, Staff


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a customer's history, newest first: a registration, contact or change."""

    at: dt.datetime
    kind: str  # registration | contact | level
    method: str  # walkin | phone (registration), call | visit | walkin | message (contact)
    level: str | None  # the level at a registration or after a contact
    from_level: str | None  # level changes
    staff: str
    text: str  # notes, the account of a contact
    next_date: dt.date | None
    via: str = ""  # level changes: contact | registration | close


@dataclass(frozen=True)
class CustomerCard:
    """A customer with every registration, contact and level change (客户信息卡)."""

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

    def overdue_days(self, today: dt.date) -> int:
        return overdue_days(self.next_due, today)


def customer_card(customer_id: int, *, by: Actor) -> CustomerCard:
    """The customer and their history, in three queries (a consultant: their own only)."""
    customer = get_customer(customer_id)
    roles.require(by, roles.CUSTOMER_VIEW, customer)
    entries: list[HistoryEntry] = []
    registrations = (
        Registration.select(Registration, Staff.name.alias("staff_name"))
        .join(Staff, JOIN.LEFT_OUTER, on=(Registration.consultant == Staff.id))
        .where(Registration.customer == customer.id)
        .dicts()
    )
    for row in registrations:
        entries.append(
            HistoryEntry(
                at=row["time_in"],
                kind="registration",
                method=row["kind"],
                level=row["level"],
                from_level=None,
                staff=row["staff_name"] or "",
                text=row["notes"],
                next_date=None,
            )
        )
    contacts = (
        Contact.select(Contact, Staff.name.alias("staff_name"))
        .join(Staff, JOIN.LEFT_OUTER, on=(Contact.staff == Staff.id))
        .where(Contact.customer == customer.id)
        .dicts()
    )
    for row in contacts:
        entries.append(
            HistoryEntry(
                at=row["at"],
                kind="contact",
                method=row["method"],
                level=row["level_after"],
                from_level=None,
                staff=row["staff_name"] or "",
                text=row["account"],
                next_date=row["next_date"],
            )
        )
    changes = (
        LevelChange.select(LevelChange, Staff.name.alias("staff_name"))
        .join(Staff, JOIN.LEFT_OUTER, on=(LevelChange.staff == Staff.id))
        .where(LevelChange.customer == customer.id)
        .dicts()
    )
    for row in changes:
        via = "contact" if row["contact"] else "registration" if row["registration"] else ""
        if not via and row["to_level"] is None:
            via = "close"
        entries.append(
            HistoryEntry(
                at=row["at"],
                kind="level",
                method="",
                level=row["to_level"],
                from_level=row["from_level"],
                staff=row["staff_name"] or "",
                text="",
                next_date=None,
                via=via,
            )
        )
    order = {"level": 0, "contact": 1, "registration": 2}  # same moment: the change on top
    entries.sort(key=lambda e: (e.at, -order[e.kind]), reverse=True)
    consultant = customer.consultant
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
        entries=tuple(entries),
    )

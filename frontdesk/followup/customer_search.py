"""Finding a customer on file (留档客户) by name, pinyin initials or phone digits.

The command palette's answer to ``zs`` (张三) or ``5678``: every customer the one who asks
may see — a consultant their own, a manager everyone — whether an open intent customer or
not, best matches first. One SQL query, a few rows; the same search words as the contact
table's ``/``.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN, Case

from frontdesk.followup.contact_table import search_clause
from frontdesk.people import roles
from frontdesk.people.actor import Actor
from frontdesk.store import dialect, rows
from frontdesk.store.models import Customer, Staff

MAX_FOUND = 8  # the palette shows a handful; typing more narrows it
MIN_QUERY = 2  # one letter or digit finds too many to be of use


@dataclass(frozen=True)
class FoundCustomer:
    id: int
    name: str
    phone: str
    level: str | None
    consultant: str


def find_customers(query: str, *, by: Actor, limit: int = MAX_FOUND) -> list[FoundCustomer]:
    """The customers ``query`` names that ``by`` may see: whole-name and initials matches
    first, then open intent customers, then by name."""
    text = (query or "").strip()
    if len(text) < MIN_QUERY or not roles.may(by, roles.CONTACTS_VIEW):
        return []
    exact = (Customer.name == text) | (Customer.initials == text.lower())
    select = (
        Customer.select(Customer.id, Customer.name, Customer.phone, Customer.level, Staff.name)
        .join(Staff, JOIN.LEFT_OUTER, on=(Customer.consultant == Staff.id))
        .where(dialect.seek_this_store(Customer.store_id), search_clause(text))
        .order_by(
            Case(None, [(exact, 0)], 1),
            Customer.level.is_null(),
            Customer.name,
            Customer.id,
        )
        .limit(limit)
    )
    scoped = roles.scope_customers(select, by)
    return [
        FoundCustomer(id_, name, phone, level, consultant or "")
        for id_, name, phone, level, consultant in rows.tuples(scoped)
    ]

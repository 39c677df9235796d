"""The store's code lists: information channels (信息来源) and models (车型).

They are store settings, not code: the welcome screen, the demo and the CLI fill them.
"""

from __future__ import annotations

from peewee import fn

from frontdesk.store import rows
from frontdesk.store.models import CodeItem, database

CHANNEL = "channel"
MODEL = "model"
KINDS = (CHANNEL, MODEL)


def names(kind: str) -> list[str]:
    """The active names of a code list, in the store's order."""
    query = (
        CodeItem.select(CodeItem.name)
        .where((CodeItem.kind == kind) & CodeItem.active)
        .order_by(CodeItem.position, CodeItem.id)
    )
    return [name for (name,) in rows.tuples(query)]


def add(kind: str, *items: str) -> int:
    """Append names to a code list; names already there are kept as they are."""
    with database.atomic():
        known = {
            name
            for (name,) in rows.tuples(CodeItem.select(CodeItem.name).where(CodeItem.kind == kind))
        }
        position = (
            CodeItem.select(fn.MAX(CodeItem.position)).where(CodeItem.kind == kind).scalar() or 0
        )
        fresh = [name for name in dict.fromkeys(item.strip() for item in items) if name]
        new_items = [
            {"kind": kind, "name": name, "position": position + offset}
            for offset, name in enumerate((n for n in fresh if n not in known), start=1)
        ]
        if new_items:
            CodeItem.insert_many(new_items).execute()
    return len(new_items)

"""A store's own values over the group's defaults (门店设置优先，集团默认其次).

A setting and a code list are kept per store with a group default: the store's rows
(``Setting``, ``CodeItem``: store-owned) beside the group's (``GroupSetting``,
``GroupCodeItem``: group-wide, migration 0024). What a store uses is decided for each
*holder* — a setting's key, a code list's kind — as a whole: the store's rows when it has
any for it, else the group's; neither, and the program's built-in default holds (a
setting's ``Known.default``; a code list is then empty). So a store that sets its own rate
base keeps the group's rotation rule, and a store with a model list of its own offers none
of the group's models, while one without it follows the group's list as the group changes
it.

One mechanism for both: ``Layered.rows`` is one query, the store's rows and the group's
for the holders the store does not hold, each marked with where it comes from (``STORE`` /
``GROUP``). The store's side is narrowed to the connection's store by the table's
row-level security on PostgreSQL and by the file on SQLite, as every query of a store's
table is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from peewee import SQL, Expression, Model, Value, fn

from frontdesk.store.models import CodeItem, GroupCodeItem, GroupSetting, Setting

STORE = "store"  # the store's own value (本店)
GROUP = "group"  # the group's default (集团默认)
BUILT_IN = "built_in"  # the program's own default (系统默认)
SOURCES = (STORE, GROUP, BUILT_IN)

LEVEL = "level"  # the column of ``rows`` that says where a row comes from


@dataclass(frozen=True)
class Layered:
    """A thing kept per store with a group default: the store's model, the group's (the
    same columns but ``store_id``) and the column that names what a row is for."""

    own: type[Model]
    group: type[Model]
    holder: str  # "key" for a setting, "kind" for a code list

    def model(self, level: str) -> type[Model]:
        """The table of ``level`` (``STORE`` or ``GROUP``)."""
        return self.group if level == GROUP else self.own

    def rows(
        self,
        *columns: str,
        holder: str | None = None,
        where: Callable[[Any], Expression] | None = None,
    ):
        """The rows a store uses (of one ``holder``, if given): its own, and the group's
        for every holder it has no row of; ``columns`` and ``LEVEL`` of each. ``where``
        narrows the rows of either side (by their model) without changing who holds:
        a store whose list is all retired still holds it."""

        def side(model: type[Model], level: str):
            query = model.select(*(getattr(model, name) for name in columns), Value(level))
            if holder is not None:
                query = query.where(getattr(model, self.holder) == holder)
            if where is not None:
                query = query.where(where(model))
            return query

        own_holder = getattr(self.own, self.holder)
        held = self.own.select(SQL("1")).where(own_holder == getattr(self.group, self.holder))
        return side(self.own, STORE) + side(self.group, GROUP).where(~fn.EXISTS(held))

    def level_of(self, holder: str) -> str | None:
        """Who holds ``holder``: ``STORE``, ``GROUP``, or None (neither has a row of it)."""
        query = self.rows(self.holder, holder=holder).limit(1)
        found = query.tuples().first()
        return None if found is None else found[-1]


SETTINGS = Layered(Setting, GroupSetting, "key")
CODES = Layered(CodeItem, GroupCodeItem, "kind")

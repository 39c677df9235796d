"""The stores (门店) of the database: which one a terminal works in, adding one, the list.

A showroom's SQLite file is one store, ``main`` (migration 0022), and a terminal on it needs
no ``--store``; a dealer group's PostgreSQL database holds many, and a terminal names its
own (``--store CODE``, ``FRONTDESK_STORE``): ``frontdesk.store.postgres`` finds it and works
in it alone. Adding a store is the store machine's operator's or an admin's
(``roles.STORES_MANAGE``), on PostgreSQL only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from peewee import Database, IntegrityError

from frontdesk import clock
from frontdesk.errors import FrontdeskError, ValidationError
from frontdesk.i18n import t
from frontdesk.people import roles
from frontdesk.people.actor import Actor
from frontdesk.store import audit, dialect
from frontdesk.store.models import Registration, Store, database

MAX_CODE = 32
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")  # typed after --store, in a URL, a file


class StoreNotFound(FrontdeskError):
    """The terminal names no store of the database, or one it does not have."""


def not_found(code: str | None, known: list[str]) -> StoreNotFound:
    """The refusal of a store not named (``code`` None) or not in the database, naming the
    codes it has."""
    listed = ", ".join(known) or "—"
    if code is None:
        return StoreNotFound(t("stores.not_chosen", known=listed))
    return StoreNotFound(t("stores.unknown", code=code, known=listed))


def check_own(db: Database, code: str) -> None:
    """Refuse ``--store CODE`` on an SQLite file whose one store is another."""
    try:
        rows = db.execute_sql('SELECT "code" FROM "store"').fetchall()
    except Exception:  # an older or damaged file, opened to be read: its one store
        rows = []
    own = [found for (found,) in rows] or ["main"]
    if code not in own:
        raise StoreNotFound(t("stores.sqlite_one", code=code, own=", ".join(own)))


@dataclass(frozen=True)
class StoreRow:
    code: str
    name: str
    registrations: int
    current: bool  # the store this terminal works in


def valid_code(code: str) -> bool:
    """Whether ``code`` can be a store's code (typed after --store, in a URL, a file)."""
    return bool(_CODE.match(code)) and len(code) <= MAX_CODE


def add_store(code: str, name: str, *, by: Actor) -> Store:
    """A new store of the group's database, its creation its first audit entry."""
    roles.require(by, roles.STORES_MANAGE)
    if not dialect.is_postgres(database):
        raise FrontdeskError(t("stores.sqlite_add"))
    code, name = code.strip(), name.strip()
    errors = {}
    if not valid_code(code):
        errors["code"] = t("stores.bad_code", max=MAX_CODE)
    if not name:
        errors["name"] = t("stores.no_name")
    if errors:
        raise ValidationError(errors, {"code": t("stores.col_code"), "name": t("stores.col_name")})
    try:
        with database.atomic():
            added = Store.create(code=code, name=name, created_at=clock.now())
            # The audit entry is the new store's own: written in it, for this transaction.
            database.execute_sql(
                "SELECT set_config('frontdesk.store_id', %s, true)", (str(added.id),)
            )
            audit.record("store.add", "store", added.id, by, code=code, name=name)
    except IntegrityError:
        raise FrontdeskError(t("stores.exists", code=code)) from None
    return added


def list_stores(*, by: Actor) -> list[StoreRow]:
    """Every store, by code, with its registrations (each counted in its own store: a
    connection sees one store's rows at a time)."""
    roles.require(by, roles.STORES_MANAGE)
    stores = list(Store.select().order_by(Store.code))
    if not dialect.is_postgres(database):
        count = Registration.select().count()
        return [StoreRow(s.code, s.name, count, True) for s in stores]
    db = database.obj
    own = getattr(db, "store_id", None)
    rows = []
    try:
        for each in stores:
            db.execute_sql("SELECT set_config('frontdesk.store_id', %s, false)", (str(each.id),))
            count = Registration.select().count()
            rows.append(StoreRow(each.code, each.name, count, each.id == own))
    finally:  # back in the terminal's own store, or in none
        db.execute_sql(
            "SELECT set_config('frontdesk.store_id', %s, false)", ("" if own is None else str(own),)
        )
    return rows

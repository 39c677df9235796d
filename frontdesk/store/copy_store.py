"""Moving a store in (门店迁入): a showroom's SQLite file copied into the dealer group's
PostgreSQL database as one of its stores, in one transaction, then proved.

``copy_store(source, target, code, by=…)`` reads the file in one snapshot (a deferred
read transaction: a desk still open on it may keep saving, the copy is of one moment) and
writes every store-owned table — every model deriving from ``models.StoreOwned``, so a
table added later is copied with no change here — into a new store ``code`` of the group's
database, inside one transaction of the target:

1. The store ``code`` must not exist yet: the copy creates it (as ``store add`` does), so a
   copy that fails leaves not even the store behind, and no copy ever mixes into a store
   that already has rows.
2. Ids are new: the group's tables hold other stores' rows. Each table's ids are taken
   from its own identity counter (``nextval``, as many as the file has rows, in the
   file's order, so every ordering by id stays the same), and every reference is mapped:
   the models' foreign keys, the id columns the triggers keep (``SOFT_REFERENCES``), an
   audit entry's subject and the consultants and customer its detail names, a day
   close's and a signed report's frozen rows, a draft of a registration's correction.
   The counters stand past the ids written (they gave them).
3. A table the target's triggers fill as rows of another go in (the open counts of 0020,
   kept from the intent cycles) is not written: it is compared.
4. The proof, before the commit: each table's rows read back from the target equal the
   file's, column for column (references mapped), their counts equal, and the month
   statistics (``stats --month``) of every month the file has and the follow-ups
   (``followups --all``) equal on both sides, through the same services the commands use.
   Any difference rolls the whole transaction back (``ProofFailed``).

The target is reached as a role the row-level security policies bind (the tables' owner,
or the desks' role), never a superuser: through one the services would read every store at
once, and the proof compare the file with the whole group. A copy that fails takes nothing
with it but the ids it drew (a sequence's numbers are never given back: the next rows skip
them).

The file must be at this frontdesk's schema: an older one is opened once with this
frontdesk first (which upgrades it), a newer one needs this frontdesk upgraded. The right
is ``roles.STORES_MANAGE`` (the store machine's operator, an admin).
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import peewee
from peewee import CompositeKey, Database, ForeignKeyField, IntegrityError, Model

from frontdesk import clock
from frontdesk.errors import FrontdeskError
from frontdesk.i18n import t
from frontdesk.people import roles, team
from frontdesk.people.actor import OPERATOR, Actor
from frontdesk.store import (
    audit,
    dialect,
    failures,
    is_postgres,
    layers,
    make_database,
    row_security,
    settings,
    stores,
)
from frontdesk.store.guard import MIGRATIONS_DIR, MIGRATIONS_TABLE, migration_number
from frontdesk.store.models import (
    GROUP_WIDE_TABLES,
    GroupSetting,
    Person,
    Setting,
    Store,
    database,
    store_owned_models,
)

STORE = "store"
STAFF, CUSTOMER, REGISTRATION, CONTACT = "staff", "customer", "registration", "contact"
PERSON = "person"

# Id columns that are no foreign key of the models: (table, column) → the table they name.
# 0 in them is "none" (the counts' consultant), as None is.
SOFT_REFERENCES: dict[tuple[str, str], str] = {
    ("staff", "person_id"): PERSON,
    ("intent_cycle", "open_consultant_id"): STAFF,
    ("open_by_met", "consultant_id"): STAFF,
    ("open_by_due", "consultant_id"): STAFF,
}
# An audit entry's subject (``entity``) → the table its ``entity_id`` is a row of (None:
# it names no row).
AUDIT_ENTITIES: dict[str, str | None] = {
    "customer": CUSTOMER,
    "registration": REGISTRATION,
    "contact": CONTACT,
    "staff": STAFF,
    "rotation": STAFF,  # the consultant skipped at the head of the up rotation
    "ssh": STAFF,  # the member who signed in (None: an unknown key)
    "code": "code_item",
    "day_close": "day_close",
    "report_signoff": "report_signoff",
    "sales_target": "sales_target",
    "close_application": "close_application",
    "setting": None,
    STORE: STORE,
}
# The ids an audit entry's detail names, by key (numbers only: a target's ``consultant``
# is a name).
AUDIT_DETAIL_REFERENCES = {
    "from_consultant": STAFF,
    "to_consultant": STAFF,
    "consultant": STAFF,
    "customer": CUSTOMER,
}
# A signed report's row of a contact (``reports.daily_report.CONTACT``; else a reception,
# a registration): named here, the store not depending on the reports.
REPORT_CONTACT_ROW = "contact"
EDIT_FORM = "edit:"  # a draft of a registration's correction: edit:<registration id>


class CopyRefused(FrontdeskError):
    """The copy cannot start, or found the file inconsistent: nothing was written."""


class ProofFailed(FrontdeskError):
    """The copy differs from the file: rolled back, nothing was written."""


class CopyFailed(FrontdeskError):
    """The group's database failed during the copy: rolled back, nothing was written."""


@dataclass(frozen=True)
class TableCount:
    table: str
    source: int
    target: int
    filled_by_triggers: bool = False  # compared, not written: the target's triggers made them


@dataclass
class CopyResult:
    code: str
    name: str
    store_id: int
    tables: list[TableCount] = field(default_factory=list)
    months: list[str] = field(default_factory=list)  # YYYY-MM, each one's statistics equal
    followups: int = 0  # the follow-ups (followups --all) found equal
    seconds: float = 0.0
    # The file's people whose login another person of the group already has: (in the
    # file, as given them in the group).
    renamed: list[tuple[str, str]] = field(default_factory=list)
    # The settings the file's store used without a value of its own, where the group's
    # default differs, kept as the new store's own: (key, the file's value, the group's).
    kept_settings: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(count.target for count in self.tables)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "store_id": self.store_id,
            "tables": [
                {
                    "table": count.table,
                    "source": count.source,
                    "target": count.target,
                    "filled_by_triggers": count.filled_by_triggers,
                }
                for count in self.tables
            ],
            "rows": self.rows,
            "months": self.months,
            "followups": self.followups,
            "renamed": [{"login": old, "now": new} for old, new in self.renamed],
            "kept_settings": [
                {"key": key, "value": value, "group": group}
                for key, value, group in self.kept_settings
            ],
            "proved": True,
            "seconds": round(self.seconds, 3),
        }


# -- the tables ---------------------------------------------------------------------------


def store_models() -> list[type[Model]]:
    """Every store-owned model, each after the tables its foreign keys name (ties in the
    order of ``ALL_MODELS``: the intent cycles before the counts their triggers keep)."""
    owned = store_owned_models()
    placed: list[type[Model]] = []
    while len(placed) < len(owned):
        for model in owned:
            if model in placed:
                continue
            needs = {
                f.rel_model
                for f in model._meta.fields.values()
                if isinstance(f, ForeignKeyField) and f.rel_model is not model
            }
            if all(need in placed or need not in owned for need in needs):
                placed.append(model)
                break
        else:  # a cycle of foreign keys: no order inserts it (the models have none)
            raise RuntimeError("store-owned models reference one another in a cycle")
    return placed


def _columns(model: type[Model]) -> list[str]:
    return [f.column_name for f in model._meta.sorted_fields]


def _references(model: type[Model]) -> dict[str, str]:
    """The model's columns that hold another table's id: column → that table."""
    table = model._meta.table_name
    found = {
        f.column_name: f.rel_model._meta.table_name
        for f in model._meta.sorted_fields
        if isinstance(f, ForeignKeyField)
    }
    found.update({column: to for (owner, column), to in SOFT_REFERENCES.items() if owner == table})
    return found


# -- the source ---------------------------------------------------------------------------


def _source_path(source: str) -> str:
    if is_postgres(source):
        raise CopyRefused(t("copy_store.source_postgres"))
    path = source.split("sqlite:///", 1)[1] if source.startswith("sqlite:///") else source
    if "://" in path or not Path(path).expanduser().is_file():
        raise CopyRefused(t("copy_store.no_source", source=source))
    return str(Path(path).expanduser())


def open_source(source: str) -> Database:
    """The store file ``source`` (a path or ``sqlite:///path``) opened as it is: not
    migrated, refused unless at this frontdesk's schema."""
    path = _source_path(source)
    db = make_database(path)
    try:
        db.connect(reuse_if_open=True)
        check_schema(db, source)
    except BaseException:
        db.close()
        raise
    return db


def check_schema(db: Database, source: str) -> None:
    """Refuse a file that is not at exactly the schema this frontdesk ships."""
    shipped = {path.stem for path in MIGRATIONS_DIR.glob("[0-9]*.py")}
    known = max((migration_number(name) for name in shipped), default=0)
    try:
        rows = db.execute_sql(f'SELECT "name" FROM "{MIGRATIONS_TABLE}"').fetchall()
    except Exception:  # no ledger: not a store, or a file damaged
        raise CopyRefused(t("copy_store.not_a_store", source=source)) from None
    applied = {name for (name,) in rows}
    version = max((migration_number(name) for name in applied), default=0)
    if applied - shipped:
        raise CopyRefused(t("copy_store.source_newer", source=source, version=version, known=known))
    if shipped - applied:
        raise CopyRefused(t("copy_store.source_older", source=source, version=version, known=known))
    tables = {
        name
        for (name,) in db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    }
    expected = {m._meta.table_name for m in store_models()} | {MIGRATIONS_TABLE, *GROUP_WIDE_TABLES}
    unknown = sorted(tables - expected)
    if unknown:
        raise CopyRefused(t("copy_store.unknown_tables", tables=", ".join(unknown)))


# -- mapping the ids ----------------------------------------------------------------------


class _Ids:
    """Each table's ids: the file's → the target's."""

    def __init__(self, store_id: int) -> None:
        self.tables: dict[str, dict[int, int]] = {STORE: {}}
        self.store_id = store_id
        self.logins: dict[str, str] = {}  # a person's login in the file → in the group

    def of(self, table: str, old: int | None, *, zero_is_none: bool = False) -> int | None:
        """The target's id of the file's ``old`` in ``table``; KeyError when the file has
        no such row."""
        if old is None or (zero_is_none and old == 0):
            return old
        if table == STORE:
            return self.store_id
        return self.tables[table][old]

    def maybe(self, table: str | None, old: Any) -> Any:
        """Like ``of``, for an id kept in text (JSON, an audit entry): a row gone (or a
        value not an id) gives None."""
        if table is None or not isinstance(old, int) or isinstance(old, bool):
            return None if table is not None and old is not None else old
        if table == STORE:
            return self.store_id
        return self.tables.get(table, {}).get(old)


def _detail(ids: _Ids, raw: str) -> str:
    try:
        detail = json.loads(raw or "{}")
    except ValueError:
        return raw
    if not isinstance(detail, dict):
        return raw
    changed = False
    for key, table in AUDIT_DETAIL_REFERENCES.items():
        value = detail.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            detail[key] = ids.maybe(table, value)
            changed = True
    return json.dumps(detail, ensure_ascii=False, default=str) if changed else raw


def _day_close_snapshot(ids: _Ids, raw: str) -> str:
    try:
        frozen = json.loads(raw)
    except ValueError:
        return raw
    if not isinstance(frozen, list):
        return raw
    for record in frozen:
        if isinstance(record, dict) and "id" in record:
            record["id"] = ids.maybe(REGISTRATION, record["id"])
    return json.dumps(frozen, ensure_ascii=False)


def _report_snapshot(ids: _Ids, raw: str) -> str:
    try:
        report = json.loads(raw)
    except ValueError:
        return raw
    if not isinstance(report, dict):
        return raw
    if "consultant_id" in report:
        report["consultant_id"] = ids.maybe(STAFF, report["consultant_id"])
    for row in report.get("rows") or []:
        if not isinstance(row, dict):
            continue
        if "id" in row:
            kind = CONTACT if row.get("kind") == REPORT_CONTACT_ROW else REGISTRATION
            row["id"] = ids.maybe(kind, row["id"])
        if "customer_id" in row:
            row["customer_id"] = ids.maybe(CUSTOMER, row["customer_id"])
    return json.dumps(report, ensure_ascii=False)


def _text_references(table: str, columns: list[str]) -> Callable[[_Ids, list], None]:
    """What maps the ids a row of ``table`` keeps in its text columns (none: nothing)."""
    at = {column: index for index, column in enumerate(columns)}

    def audit_entry(ids: _Ids, row: list) -> None:
        entity = row[at["entity"]]
        if entity not in AUDIT_ENTITIES:
            raise CopyRefused(t("copy_store.unknown_entity", entity=entity))
        row[at["entity_id"]] = ids.maybe(AUDIT_ENTITIES[entity], row[at["entity_id"]])
        row[at["detail"]] = _detail(ids, row[at["detail"]])

    def day_close(ids: _Ids, row: list) -> None:
        row[at["snapshot"]] = _day_close_snapshot(ids, row[at["snapshot"]])

    def report_signoff(ids: _Ids, row: list) -> None:
        row[at["snapshot"]] = _report_snapshot(ids, row[at["snapshot"]])

    def staff(ids: _Ids, row: list) -> None:  # the person's login, as the group has it
        row[at["login"]] = ids.logins.get(row[at["login"]], row[at["login"]])

    def draft(ids: _Ids, row: list) -> None:
        form = row[at["form"]]
        if form.startswith(EDIT_FORM) and form[len(EDIT_FORM) :].isdigit():
            new = ids.maybe(REGISTRATION, int(form[len(EDIT_FORM) :]))
            if new is None:
                raise CopyRefused(t("copy_store.draft_orphan", owner=row[at["owner"]], form=form))
            row[at["form"]] = f"{EDIT_FORM}{new}"

    return {
        "audit_entry": audit_entry,
        "day_close": day_close,
        "report_signoff": report_signoff,
        "draft": draft,
        "staff": staff,
    }.get(table, lambda ids, row: None)


# -- the copy -----------------------------------------------------------------------------


@dataclass
class _Table:
    model: type[Model]
    columns: list[str]
    rows: list[list]  # as the file has them, ids mapped once written

    @property
    def name(self) -> str:
        return self.model._meta.table_name


def _read(model: type[Model], db: Database, where: Any = None) -> list[list]:
    """A table's rows as Python values (the model's converters), by id (or key)."""
    query = model.select(*model._meta.sorted_fields)
    if where is not None:
        query = query.where(where)
    key = model._meta.primary_key
    if isinstance(key, CompositeKey):
        order = [model._meta.fields[name] for name in key.field_names]
    else:
        order = [key]
    rows: Any = query.order_by(*order).tuples().bind(db)
    return [list(row) for row in rows]


def _map(table: _Table, ids: _Ids) -> list[list]:
    """The file's rows with every id the target's."""
    at = {column: index for index, column in enumerate(table.columns)}
    refs = _references(table.model)
    soft = {column for (owner, column) in SOFT_REFERENCES if owner == table.name}
    text = _text_references(table.name, table.columns)
    mapped = []
    for source_row in table.rows:
        row = list(source_row)
        row[at["store_id"]] = ids.store_id
        if "id" in at:
            row[at["id"]] = ids.of(table.name, row[at["id"]])
        for column, to in refs.items():
            try:
                row[at[column]] = ids.of(to, row[at[column]], zero_is_none=column in soft)
            except KeyError:
                raise CopyRefused(
                    t(
                        "copy_store.dangling",
                        table=table.name,
                        column=column,
                        value=row[at[column]],
                        to=to,
                    )
                ) from None
        text(ids, row)
        mapped.append(row)
    return mapped


def _take_ids(target: Database, table: str, count: int) -> list[int]:
    """``count`` ids from ``table``'s own counter, in order."""
    if not count:
        return []
    rows = target.execute_sql(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        (f'public."{table}"', count),
    ).fetchall()
    return sorted(value for (value,) in rows)


def _insert(target: Database, table: _Table, rows: list[list]) -> None:
    names = ", ".join(f'"{column}"' for column in table.columns)
    marks = ", ".join(["%s"] * len(table.columns))
    statement = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'
    # The driver's errors as Peewee's, as ``execute_sql`` raises them (the CLI's sentences).
    with vars(peewee)["__exception_wrapper__"]:
        target.cursor().executemany(statement, rows)


def _count(db: Database, table: str, store_id: int | None = None) -> int:
    if store_id is None:
        return db.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    return db.execute_sql(
        f'SELECT COUNT(*) FROM "{table}" WHERE "store_id" = %s', (store_id,)
    ).fetchone()[0]


def _without_ids(table: _Table, rows: list[list]) -> list[tuple]:
    """Rows compared where the ids are not the copy's own (made by the target's triggers)."""
    if "id" not in table.columns:
        return sorted(map(tuple, rows), key=repr)
    at = table.columns.index("id")
    return sorted((tuple(row[:at] + row[at + 1 :]) for row in rows), key=repr)


@contextlib.contextmanager
def _working_on(db: Database) -> Iterator[None]:
    """The services (statistics, follow-ups) read ``db`` for a block."""
    before = database.obj
    database.initialize(db)
    try:
        yield
    finally:
        database.initialize(before)


def source_months(source: Database) -> list[str]:
    """Every month (YYYY-MM) the file has a registration or a contact in."""
    found = source.execute_sql(
        'SELECT DISTINCT substr("time_in", 1, 7) FROM "registration" WHERE "time_in" IS NOT NULL'
        ' UNION SELECT DISTINCT substr("at", 1, 7) FROM "contact"'
    ).fetchall()
    return sorted(month for (month,) in found if month)


def figures(months: list[str]) -> tuple[dict[str, Any], list[Any]]:
    """What ``stats --month`` gives for each month and ``followups --all``, as JSON: read
    from the database the services are on."""
    from frontdesk.followup import contact_table
    from frontdesk.stats import statistics

    sheets = {}
    for month in months:
        year, number = (int(part) for part in month.split("-"))
        sheets[month] = statistics.month_sheet(year, number).to_json()
    due = contact_table.followups(OPERATOR, None, None, include_later=True)
    return sheets, [item.as_json() for item in due]


def _used_without_own(source: Database) -> dict[str, str]:
    """The settings the file's store used without a value of its own (the file's group
    default, or the built-in one), by key: read with the services on the file."""
    return {
        held.entry.key: held.value for held in settings.holding() if held.source != layers.STORE
    }


def _keep_used_settings(used: dict[str, str]) -> list[tuple[str, str, str]]:
    """Keep, as the new store's own, each setting the file's store used without its own
    value where the group's default says otherwise: a store moved in works, counts and
    divides as it did (its statistics are proved equal), until its admin drops the value
    (``settings reset KEY``) to follow the group's. Written after the tables are proved,
    in the new store (the transaction's setting)."""
    kept: list[tuple[str, str, str]] = []
    group = GroupSetting.select(GroupSetting.key, GroupSetting.value).order_by(GroupSetting.key)
    for key, default in cast("list[tuple[str, str]]", list(group.tuples())):
        if key in used and used[key] != default:
            Setting.insert(key=key, value=used[key]).execute()
            kept.append((key, used[key], default))
    return kept


def _new_store(code: str, name: str) -> Store:
    try:
        with database.atomic():  # a savepoint: the store's code taken is this refusal
            created = Store.create(code=code, name=name, created_at=clock.now())
    except IntegrityError:
        raise CopyRefused(t("copy_store.exists", code=code)) from None
    # Its rows are the new store's: the policies take them, their default is it, for this
    # transaction only (a rollback leaves no trace of the setting either).
    database.execute_sql("SELECT set_config('frontdesk.store_id', %s, true)", (str(created.id),))
    return created


def _own_name(source: Database) -> str:
    """The file's store name: its setting (what the desk shows), else its store row's."""
    named = (
        Setting.select(Setting.value)
        .where(Setting.key == settings.STORE_NAME)
        .bind(source)
        .scalar()
    )
    if named and named.strip():
        return named.strip()
    own = Store.select(Store.name).order_by(Store.id).bind(source).first()
    return own.name if own else ""


def _bound_by_policies(target: Database) -> None:
    """Refuse a role the row-level security policies do not bind (a superuser, BYPASSRLS):
    through it the services read every store at once, and the proof would compare the file
    with the whole group."""
    user = row_security.bypassing_role(target)
    if user is not None:
        raise CopyRefused(t("copy_store.superuser", user=user))


def _valid_code(code: str) -> str:
    code = code.strip()
    if not stores.valid_code(code):
        raise CopyRefused(t("copy_store.bad_code", code=code, max=stores.MAX_CODE))
    return code


def copy_store(
    source: Database,
    target: Database,
    code: str,
    name: str | None = None,
    *,
    by: Actor,
    source_name: str = "",
) -> CopyResult:
    """Copy the store file ``source`` (``open_source``) into the group's database
    ``target`` (opened, migrated: ``store.open_store(url, any_store=True)``) as the new
    store ``code``, then prove it; one transaction, rolled back whole on any failure.
    ``source_name``: the file as the audit entry names it."""
    roles.require(by, roles.STORES_MANAGE)
    started = time.perf_counter()
    if not dialect.is_postgres(target):
        raise CopyRefused(t("copy_store.target_sqlite"))
    code = _valid_code(code)
    refusal = getattr(target, "refusal", None)
    if refusal is not None:  # a newer frontdesk upgraded the group's database
        raise refusal
    _bound_by_policies(target)
    models = store_models()
    with dialect.read_transaction(source):  # one snapshot of the file, no lock on its desks
        months = source_months(source)
        with _working_on(source):
            expected = figures(months)
            used = _used_without_own(source)
        name = (name or "").strip() or _own_name(source) or code
        tables = [_Table(model, _columns(model), _read(model, source)) for model in models]
        counted = {table.name: _count(source, table.name) for table in tables}
        persons = _Table(Person, _columns(Person), _read(Person, source))
    try:
        result = _write_and_prove(
            target, persons, tables, counted, months, expected, code, name, by, source_name, used
        )
    except peewee.DatabaseError as error:  # rolled back: the server refused, or was lost
        failures.log_failure(error, "copying a store in", code)
        raise CopyFailed(t("copy_store.failed", reason=failures.explain(error))) from None
    result.seconds = time.perf_counter() - started
    return result


def _copy_persons(target: Database, persons: _Table, ids: _Ids, result: CopyResult) -> None:
    """The file's people as people of the group, under new ids. A login another person of
    the group already has is given the first free one after it (``wanglei`` →
    ``wanglei2``), as migration 0023 does for a login met in two stores: two files' 王磊
    are two people until an admin says otherwise (``staff join``). Proved as the tables."""
    at = {column: index for index, column in enumerate(persons.columns)}
    olds = [row[at["id"]] for row in persons.rows]
    ids.tables[PERSON] = dict(zip(olds, _take_ids(target, PERSON, len(olds)), strict=True))
    rows = []
    for source_row in persons.rows:  # one by one: a login given here is taken for the next
        row = list(source_row)
        row[at["id"]] = ids.of(PERSON, row[at["id"]])
        login = row[at["login"]]
        if Person.select().where(Person.login == login).exists():
            free = team.free_login(login)
            ids.logins[login] = free
            result.renamed.append((login, free))
            row[at["login"]] = free
        _insert(target, persons, [row])
        rows.append(row)
    new_ids = list(ids.tables[PERSON].values())
    if _read(Person, target, Person.id.in_(new_ids)) != sorted(rows):
        raise ProofFailed(t("copy_store.rows_differ", table=PERSON))
    result.tables.append(TableCount(PERSON, len(olds), len(rows)))


def _write_and_prove(
    target: Database,
    persons: _Table,
    tables: list[_Table],
    counted: dict[str, int],
    months: list[str],
    expected: tuple[dict[str, Any], list[Any]],
    code: str,
    name: str,
    by: Actor,
    source_name: str,
    used: dict[str, str],
) -> CopyResult:
    """The new store written and proved in one transaction of ``target`` (see the module);
    any exception leaves it rolled back."""
    with _working_on(target), target.atomic():
        created = _new_store(code, name)
        ids = _Ids(created.id)
        result = CopyResult(code=code, name=name, store_id=created.id, months=months)
        _copy_persons(target, persons, ids, result)
        for table in tables:
            if "id" in table.columns:
                olds = [row[table.columns.index("id")] for row in table.rows]
                ids.tables[table.name] = dict(
                    zip(olds, _take_ids(target, table.name, len(olds)), strict=True)
                )
            rows = _map(table, ids)
            made = _count(target, table.name, created.id)
            if not made:  # not filled by the triggers of a table written before it
                _insert(target, table, rows)
            owned: Any = table.model  # a StoreOwned model
            stored = _read(owned, target, owned.store_id == created.id)
            kept = _without_ids(table, stored) if made else stored
            wanted = _without_ids(table, rows) if made else rows
            if kept != wanted:
                raise ProofFailed(t("copy_store.rows_differ", table=table.name))
            copied = _count(target, table.name, created.id)
            if copied != counted[table.name]:
                raise ProofFailed(
                    t(
                        "copy_store.count_differs",
                        table=table.name,
                        source=counted[table.name],
                        target=copied,
                    )
                )
            result.tables.append(TableCount(table.name, counted[table.name], copied, bool(made)))
        result.kept_settings = _keep_used_settings(used)
        sheets, due = figures(months)
        for month in months:
            if sheets[month] != expected[0][month]:
                raise ProofFailed(t("copy_store.stats_differ", month=month))
        if due != expected[1]:
            raise ProofFailed(t("copy_store.followups_differ"))
        result.followups = len(due)
        # The copy's own entry, after the proof: the new store's first word on itself.
        audit.record(
            "store.copy",
            STORE,
            created.id,
            by,
            code=code,
            name=name,
            source=source_name,
            rows=result.rows,
        )
    return result

"""The store's code lists (代码表): information channels (信息来源), models (车型), defeat
reasons (战败原因) and competitors (竞争品牌).

They are store settings, not code: the welcome screen, the demo and the CLI fill them, and
the admin keeps them (``frontdesk codes``, the admin screen). Each row that uses a code —
a registration's model and channel, a customer's model, channel, competitor and reason of
defeat — keeps its *text*, so that the paper form, the statistics and the exports read it
without a join. That is what the two changes an admin makes respect:

- **retire** (停用): the name is no longer offered for new rows (the form, the import, the
  command line refuse it), but every row that has it keeps it, and a correction of such a
  row may keep it too (``desk.registration_input.clean``);
- **rename** (改名): a name typed wrong (``凯美锐`` for ``凯美瑞``) is corrected everywhere
  at once — the code and every row that carries its text, in one transaction — so the log,
  the statistics and the contact table never count one model under two names. The audit
  log keeps the old name. A model that is really replaced by another is *added* and the old
  one retired instead, so the rows of the old model keep its name.
- **the group's lists** (集团代码表): a store without a list of its own of a kind offers the
  group's, as the group manager keeps it (``group=True``: ``frontdesk codes … --group``;
  ``store.layers``). The store's first change of such a list — a name added, retired,
  restored or corrected — makes it the store's own, a copy of the group's with the change:
  from then on the group's changes of that kind no longer reach the store, until its admin
  gives the list back (``reset_list``: the store follows the group's again). A name of the
  group's list is not renamed: the stores' rows carry it, and a group manager writes no
  store's rows — the right name is added and the wrong one retired.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from peewee import SQL, Field, Value, fn

from frontdesk import rules
from frontdesk.errors import NotFound, ValidationError
from frontdesk.i18n import t
from frontdesk.people import roles
from frontdesk.people.actor import Actor
from frontdesk.store import audit, dialect, layers, rows
from frontdesk.store.models import (
    CodeItem,
    Customer,
    GroupCodeItem,
    Registration,
    database,
    is_yes,
)

CHANNEL = "channel"
MODEL = "model"
DEFEAT_REASON = "defeat-reason"
COMPETITOR = "competitor"
KINDS = (CHANNEL, MODEL, DEFEAT_REASON, COMPETITOR)
FIELD = "name"  # the field a refused name is reported on
KIND_FIELD = "kind"

# A list's entry, the store's own or the group's, and its table.
Entry = CodeItem | GroupCodeItem
EntryTable = type[CodeItem] | type[GroupCodeItem]


@dataclass(frozen=True)
class Code:
    """One entry of a code list as the admin sees it: retired or not, on how many rows it
    is (registrations for a channel or a model, customers for a competitor or a reason),
    and whose list it is on (``layers.STORE``: the store's own; ``GROUP``: the group's,
    which the store follows)."""

    id: int
    kind: str
    name: str
    active: bool
    uses: int
    source: str = layers.STORE


def _carriers(kind: str) -> list[tuple[Field, object]]:
    """The columns that carry a code's text, each with the condition on its rows (or None);
    the first is what ``uses`` counts."""
    if kind == CHANNEL:
        return [(Registration.channel, None), (Customer.channel, None)]
    if kind == MODEL:
        return [(Registration.model, None), (Customer.model, None)]
    if kind == COMPETITOR:
        return [(Customer.competitor, None)]
    return [(Customer.close_reason, Customer.closed_as == "defeat")]


# The columns of a list's rows, in the list's order (``position``, then ``id``: the 3rd, 4th).
_LISTED = ("name", "active", "position", "id")


def _listed(kind: str, *, active_only: bool = False):
    """The rows of the list of ``kind`` the store offers (its own, else the group's), in
    its order: name, active, position, id, source."""
    where = (lambda model: is_yes(model.active)) if active_only else None
    query = layers.CODES.rows(*_LISTED, holder=kind, where=where)
    return rows.tuples(query.order_by(SQL("3"), SQL("4")))


def names(kind: str) -> list[str]:
    """The active names of the code list the store offers (its own, else the group's), in
    its order."""
    return [name for name, *_ in _listed(kind, active_only=True)]


def _own_list(kind: str, by: Actor | None) -> None:
    """Make the list of ``kind`` the store's own before it changes it: while it has none, a
    copy of the group's (names, order, retired ones too), in one statement."""
    if CodeItem.select().where(CodeItem.kind == kind).exists():
        return
    columns = ("kind", "name", "position", "active")
    group = GroupCodeItem.select(*(getattr(GroupCodeItem, c) for c in columns)).where(
        GroupCodeItem.kind == kind
    )
    if not group.exists():
        return
    CodeItem.insert_from(group, [getattr(CodeItem, c) for c in columns]).execute()
    if by is not None:
        audit.record("code_list_copy", "code", None, by, kind=kind)


def add(kind: str, *items: str) -> int:
    """Append names to the store's code list (made its own first: ``_own_list``); names
    already there are kept as they are (setting up a store: the welcome, the demo; the
    admin adds one with ``add_code``)."""
    with database.atomic():
        _own_list(kind, None)
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


# -- the admin's changes, and the group manager's -----------------------------------------


def kind_label(kind: str) -> str:
    """The list's name as the user reads it (信息来源, 车型, …)."""
    return t(f"codes.kind.{kind}")


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValidationError({KIND_FIELD: t("codes.unknown_kind", kinds=", ".join(KINDS))})
    return kind


def _clean_name(raw: str) -> str:
    try:
        name = rules.clean_text(raw, rules.MAX_TEXT)
    except ValueError:
        raise ValidationError({FIELD: t("error.too_long", limit=rules.MAX_TEXT)}) from None
    if not name:
        raise ValidationError({FIELD: t("error.required")})
    return name


def _same_name(model: EntryTable, kind: str, name: str):
    """The condition of a code of ``kind`` called ``name`` (Latin letters in any case)."""
    return (model.kind == kind) & (fn.LOWER(model.name) == name.lower())


def _require_code(model: EntryTable, kind: str, name: str) -> Entry:
    row = model.get_or_none(_same_name(model, kind, name.strip()))
    if row is None:
        raise NotFound(t("codes.no_code", kind=kind_label(kind), name=name.strip()))
    return row


@contextlib.contextmanager
def _changing(kind: str, group: bool, by: Actor) -> Iterator[EntryTable]:
    """The transaction of a change of a list of ``kind``, with its table: the group's
    (a group manager's, ``dialect.group_write``), or the store's own (an admin's, made
    its own first)."""
    _check_kind(kind)
    if group:
        roles.require(by, roles.GROUP_DEFAULTS)
        with dialect.group_write(database):
            yield GroupCodeItem
        return
    roles.require(by, roles.CODES_MANAGE)
    with database.atomic():
        _own_list(kind, by)
        yield CodeItem


def _action(group: bool, action: str) -> str:
    return f"group_{action}" if group else action


def _uses(kind: str, names_: list[str]) -> dict[str, int]:
    """How many rows carry each of ``names_`` (one grouped count)."""
    if not names_:
        return {}
    column, condition = _carriers(kind)[0]
    where = column.in_(names_)
    if condition is not None:
        where &= condition
    query = column.model.select(column, fn.COUNT(SQL("*"))).where(where).group_by(column)
    return dict(query.tuples())


def list_codes(kind: str | None = None, *, by: Actor, group: bool = False) -> list[Code]:
    """Every code (of one list, if given), the retired ones too, list by list in order,
    each with how many rows use it: the lists the store offers, its own or the group's
    (``Code.source``), their uses in the store; ``group``: the group's lists (a group
    manager's), their uses in every store of the group."""
    roles.require(by, roles.GROUP_DEFAULTS if group else roles.CODES_MANAGE)
    kinds = KINDS if kind is None else (_check_kind(kind),)
    found: list[Code] = []
    for each in kinds:
        if group:
            query = GroupCodeItem.select(
                GroupCodeItem.name,
                GroupCodeItem.active,
                GroupCodeItem.position,
                GroupCodeItem.id,
                Value(layers.GROUP),
            ).where(GroupCodeItem.kind == each)
            items = list(rows.tuples(query.order_by(GroupCodeItem.position, GroupCodeItem.id)))
            with dialect.group_read(database):
                uses = _uses(each, [name for name, *_ in items])
        else:
            items = list(_listed(each))
            uses = _uses(each, [name for name, *_ in items])
        found += [
            Code(id_, each, name, bool(active), uses.get(name, 0), source)
            for name, active, _, id_, source in items
        ]
    return found


def add_code(kind: str, name: str, *, by: Actor, group: bool = False) -> tuple[Entry, bool]:
    """Add a name at the end of a code list (the store's, or the group's: ``group``);
    returns it and whether it was a retired name brought back (restored, not added twice)."""
    name = _clean_name(name)
    with _changing(kind, group, by) as model:
        existing = model.get_or_none(_same_name(model, kind, name))
        if existing is not None and existing.active:
            raise ValidationError({FIELD: t("codes.exists", kind=kind_label(kind), name=name)})
        if existing is not None:
            model.update(active=True).where(model.id == existing.id).execute()
            existing.active = True
            action = _action(group, "code_restore")
            audit.record(action, "code", existing.id, by, kind=kind, name=existing.name)
            return existing, True
        position = model.select(fn.MAX(model.position)).where(model.kind == kind).scalar() or 0
        row = model.create(kind=kind, name=name, position=position + 1)
        audit.record(_action(group, "code_add"), "code", row.id, by, kind=kind, name=name)
    return row, False


def rename_code(
    kind: str, old: str, new: str, *, by: Actor, group: bool = False
) -> tuple[Entry, int]:
    """Correct a code's name, and every row that carries it, in one transaction; returns
    the code and how many rows were rewritten.

    The rows are rewritten, not left with the old text, because a rename is a correction
    of the same thing (a typo, a name the brand changed): the statistics must count the
    model's rows under one name, and a customer's card and the log must show what the
    store calls it now. Their versions are not raised — no field the user typed changed —
    so nobody correcting one of those rows is told of a conflict; a correction saved with
    the old name is refused beside the field, since that name is in no list any more.

    A name of the group's list (``group``) is refused: the rows of the stores that offer
    it carry it, and are theirs to write (see the module).
    """
    if group:
        roles.require(by, roles.GROUP_DEFAULTS)
        _check_kind(kind)
        raise ValidationError({FIELD: t("codes.group_rename", kind=kind_label(kind))})
    name = _clean_name(new)
    with _changing(kind, False, by):
        row = _require_code(CodeItem, kind, old)
        clash = CodeItem.get_or_none(_same_name(CodeItem, kind, name) & (CodeItem.id != row.id))
        if clash is not None:
            raise ValidationError({FIELD: t("codes.exists", kind=kind_label(kind), name=name)})
        if name == row.name:
            return row, 0
        before = row.name
        CodeItem.update(name=name).where(CodeItem.id == row.id).execute()
        rewritten = 0
        for column, condition in _carriers(kind):
            where = column == before
            if condition is not None:
                where &= condition
            rewritten += column.model.update({column: name}).where(where).execute()
        row.name = name
        audit.record(
            "code_rename", "code", row.id, by, kind=kind, before=before, after=name, rows=rewritten
        )
    return row, rewritten


def retire_code(kind: str, name: str, *, by: Actor, group: bool = False) -> Entry:
    """Stop offering a name for new rows; the rows that have it keep it."""
    return _set_active(kind, name, False, by, group)


def restore_code(kind: str, name: str, *, by: Actor, group: bool = False) -> Entry:
    """Offer a retired name again."""
    return _set_active(kind, name, True, by, group)


def _set_active(kind: str, name: str, active: bool, by: Actor, group: bool) -> Entry:
    with _changing(kind, group, by) as model:
        row = _require_code(model, kind, name)
        if row.active == active:
            state = "codes.already_active" if active else "codes.already_retired"
            raise ValidationError({FIELD: t(state, name=row.name)})
        model.update(active=active).where(model.id == row.id).execute()
        row.active = active
        action = _action(group, "code_restore" if active else "code_retire")
        audit.record(action, "code", row.id, by, kind=kind, name=row.name)
    return row


def reset_list(kind: str, *, by: Actor) -> int:
    """Give the store's own list of ``kind`` up for the group's, which it follows again;
    returns how many names the store's list had. Refused while the store has no list of
    its own (it follows the group's already), and when the group has none to follow (the
    store would be left with no list). The rows that carry its names keep them."""
    roles.require(by, roles.CODES_MANAGE)
    _check_kind(kind)
    with database.atomic():
        own = CodeItem.select().where(CodeItem.kind == kind).count()
        if not own:
            raise ValidationError({KIND_FIELD: t("codes.follows_group", kind=kind_label(kind))})
        if not GroupCodeItem.select().where(GroupCodeItem.kind == kind).exists():
            raise ValidationError({KIND_FIELD: t("codes.group_has_none", kind=kind_label(kind))})
        CodeItem.delete().where(CodeItem.kind == kind).execute()
        audit.record("code_list_reset", "code", None, by, kind=kind, names=own)
    return own

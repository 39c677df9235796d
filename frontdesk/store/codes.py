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
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import SQL, Field, fn

from frontdesk import rules
from frontdesk.errors import NotFound, ValidationError
from frontdesk.i18n import t
from frontdesk.people import roles
from frontdesk.people.actor import Actor
from frontdesk.store import audit, rows
from frontdesk.store.models import CodeItem, Customer, Registration, database, is_yes

CHANNEL = "channel"
MODEL = "model"
DEFEAT_REASON = "defeat-reason"
COMPETITOR = "competitor"
KINDS = (CHANNEL, MODEL, DEFEAT_REASON, COMPETITOR)
FIELD = "name"  # the field a refused name is reported on
KIND_FIELD = "kind"


@dataclass(frozen=True)
class Code:
    """One entry of a code list as the admin sees it: retired or not, and on how many rows
    it is (registrations for a channel or a model, customers for a competitor or a reason)."""

    id: int
    kind: str
    name: str
    active: bool
    uses: int


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


def names(kind: str) -> list[str]:
    """The active names of a code list, in the store's order."""
    query = (
        CodeItem.select(CodeItem.name)
        .where((CodeItem.kind == kind) & is_yes(CodeItem.active))
        .order_by(CodeItem.position, CodeItem.id)
    )
    return [name for (name,) in rows.tuples(query)]


def add(kind: str, *items: str) -> int:
    """Append names to a code list; names already there are kept as they are (setting up
    a store: the welcome, the demo; the admin adds one with ``add_code``)."""
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


# -- the admin's changes -----------------------------------------------------------------


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


def _same_name(kind: str, name: str):
    """The condition of a code of ``kind`` called ``name`` (Latin letters in any case)."""
    return (CodeItem.kind == kind) & (fn.LOWER(CodeItem.name) == name.lower())


def _require_code(kind: str, name: str) -> CodeItem:
    row = CodeItem.get_or_none(_same_name(kind, name.strip()))
    if row is None:
        raise NotFound(t("codes.no_code", kind=kind_label(kind), name=name.strip()))
    return row


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


def list_codes(kind: str | None = None, *, by: Actor) -> list[Code]:
    """Every code (of one list, if given), the retired ones too, list by list in the
    store's order, each with how many rows use it."""
    roles.require(by, roles.CODES_MANAGE)
    kinds = KINDS if kind is None else (_check_kind(kind),)
    found: list[Code] = []
    for each in kinds:
        items = list(
            rows.tuples(
                CodeItem.select(CodeItem.id, CodeItem.name, CodeItem.active)
                .where(CodeItem.kind == each)
                .order_by(CodeItem.position, CodeItem.id)
            )
        )
        uses = _uses(each, [name for _, name, _ in items])
        found += [Code(id_, each, name, active, uses.get(name, 0)) for id_, name, active in items]
    return found


def add_code(kind: str, name: str, *, by: Actor) -> tuple[CodeItem, bool]:
    """Add a name at the end of a code list; returns it and whether it was a retired name
    brought back (restored, not added twice)."""
    roles.require(by, roles.CODES_MANAGE)
    _check_kind(kind)
    name = _clean_name(name)
    with database.atomic():
        existing = CodeItem.get_or_none(_same_name(kind, name))
        if existing is not None and existing.active:
            raise ValidationError({FIELD: t("codes.exists", kind=kind_label(kind), name=name)})
        if existing is not None:
            CodeItem.update(active=True).where(CodeItem.id == existing.id).execute()
            existing.active = True
            audit.record("code_restore", "code", existing.id, by, kind=kind, name=existing.name)
            return existing, True
        position = (
            CodeItem.select(fn.MAX(CodeItem.position)).where(CodeItem.kind == kind).scalar() or 0
        )
        row = CodeItem.create(kind=kind, name=name, position=position + 1)
        audit.record("code_add", "code", row.id, by, kind=kind, name=name)
    return row, False


def rename_code(kind: str, old: str, new: str, *, by: Actor) -> tuple[CodeItem, int]:
    """Correct a code's name, and every row that carries it, in one transaction; returns
    the code and how many rows were rewritten.

    The rows are rewritten, not left with the old text, because a rename is a correction
    of the same thing (a typo, a name the brand changed): the statistics must count the
    model's rows under one name, and a customer's card and the log must show what the
    store calls it now. Their versions are not raised — no field the user typed changed —
    so nobody correcting one of those rows is told of a conflict; a correction saved with
    the old name is refused beside the field, since that name is in no list any more.
    """
    roles.require(by, roles.CODES_MANAGE)
    _check_kind(kind)
    name = _clean_name(new)
    with database.atomic():
        row = _require_code(kind, old)
        clash = CodeItem.get_or_none(_same_name(kind, name) & (CodeItem.id != row.id))
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


def retire_code(kind: str, name: str, *, by: Actor) -> CodeItem:
    """Stop offering a name for new rows; the rows that have it keep it."""
    return _set_active(kind, name, False, by)


def restore_code(kind: str, name: str, *, by: Actor) -> CodeItem:
    """Offer a retired name again."""
    return _set_active(kind, name, True, by)


def _set_active(kind: str, name: str, active: bool, by: Actor) -> CodeItem:
    roles.require(by, roles.CODES_MANAGE)
    _check_kind(kind)
    with database.atomic():
        row = _require_code(kind, name)
        if row.active == active:
            state = "codes.already_active" if active else "codes.already_retired"
            raise ValidationError({FIELD: t(state, name=row.name)})
        CodeItem.update(active=active).where(CodeItem.id == row.id).execute()
        row.active = active
        action = "code_restore" if active else "code_retire"
        audit.record(action, "code", row.id, by, kind=kind, name=row.name)
    return row

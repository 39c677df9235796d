"""Staff: who works the desk, who receives customers, who manages.

The up rotation (接待顺序 / 轮流接待) is the queue of consultants on duty: the head is proposed
for the next first-visit party, and whoever takes one moves to the end.

- A **skip** (``s`` at the desk, ``skip_head``) gives a reason (``SKIP_REASONS``), stored
  with who and when (``RotationSkip``) and audited. *With a customer* (busy, 接待中) keeps
  the turn: the head changes place with the next in line, so that once that one has taken
  the next party (and gone to the end) the skipped consultant is at the head again. A
  returning customer handed to their own consultant takes no turn, so the order waits.
  Alone in the rotation, a busy consultant stays where they are. *Off the floor* (away,
  不在展厅) and *declined* (放弃) lose the turn: the head goes to the end.
- **Overdue follow-ups** (``settings.ROTATION_OVERDUE_OUT`` = N, 0 the default: off): a
  consultant on duty with N or more open intent customers due before today is out of the
  rotation until they catch up — ``rotation`` and ``proposed_consultant`` pass over them,
  they keep their place, and ``standing`` names them with the count for the desk's line.
- **Spells on duty** (``DutyPeriod``): a consultant is on duty in the rotation while
  active, a consultant and marked on duty; each change of any of the three opens or ends
  their spell in the same transaction (``set_on_duty``, ``set_roster``, ``set_active``,
  ``set_role``, ``add_staff``), for the hours on duty of the ups report (``reports.ups``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from peewee import JOIN, SQL, fn

from frontdesk import clock, rules
from frontdesk.errors import NotFound, ValidationError
from frontdesk.i18n import t
from frontdesk.people import roles
from frontdesk.people.actor import Actor
from frontdesk.store import audit, dialect, settings
from frontdesk.store.models import (
    Customer,
    DutyPeriod,
    Person,
    RotationSkip,
    Staff,
    Store,
    database,
    is_yes,
)


def add_staff(name: str, role: str, login: str | None = None, *, by: Actor) -> Staff:
    """Add a staff member; the login defaults to the pinyin of the name (王磊 → wanglei).

    A name may not be another member's login, nor a login another's name: ``--as``, SSH
    user names and the staff commands look a member up by either, and must never find
    the wrong one (``find_staff``).
    """
    roles.require(by, roles.STAFF_MANAGE)
    errors: dict[str, str] = {}
    try:
        name = rules.clean_text(name, rules.MAX_NAME)
    except ValueError:
        errors["name"] = t("error.too_long", limit=rules.MAX_NAME)
    if not errors and not name:
        errors["name"] = t("error.required")
    if role not in rules.ROLES:
        errors["role"] = t("error.role", roles=", ".join(rules.ROLES))
    if login is not None and not (login.isascii() and login.isalnum()):
        errors["login"] = t("error.login")
    if errors:
        raise ValidationError(errors)
    with database.atomic():
        if Staff.select().where(Staff.name == name).exists():
            raise ValidationError({"name": t("error.staff_exists", name=name)})
        if Staff.select().where(Staff.login == name.lower()).exists():
            raise ValidationError({"name": t("error.name_is_login", name=name)})
        if login is None:
            login = free_login(rules.login_for(name))
        elif (
            Person.select().where(Person.login == login.lower()).exists()
            or Staff.select().where(fn.LOWER(Staff.name) == login.lower()).exists()
        ):
            raise ValidationError({"login": t("error.login_taken", login=login)})
        person = Person.create(login=login.lower(), name=name)
        member = _join(person, role)
        audit.record("create", "staff", member.id, by, name=name, role=role)
    return member


def _join(person: Person, role: str) -> Staff:
    """The person's membership of this store, in ``role``: last in the rotation."""
    order = (Staff.select(fn.MAX(Staff.rotation_order)).scalar() or 0) + 1
    member = Staff.create(
        person_id=person.id, name=person.name, login=person.login, role=role, rotation_order=order
    )
    _keep_duty_spell(member)
    return member


def add_to_store(login: str, role: str, *, by: Actor) -> Staff:
    """Put a person already on another store's staff on this store's too, in ``role`` here
    (one person, a role per store): the same login and PIN, found by their login.

    Refused when no person has the login, when they are on this store's staff already,
    or when their name is another member's name or login here.
    """
    roles.require(by, roles.STAFF_MANAGE)
    if role not in rules.ROLES:
        raise ValidationError({"role": t("error.role", roles=", ".join(rules.ROLES))})
    with database.atomic():
        person = Person.get_or_none(Person.login == (login or "").strip().lower())
        if person is None:
            raise NotFound(t("error.no_person", login=login))
        if Staff.select().where(Staff.person_id == person.id).exists():
            raise ValidationError({"login": t("error.person_here", login=person.login)})
        if (
            Staff.select()
            .where((Staff.name == person.name) | (Staff.login == person.name.lower()))
            .exists()
        ):
            raise ValidationError({"login": t("error.staff_exists", name=person.name)})
        member = _join(person, role)
        audit.record("join", "staff", member.id, by, login=person.login, role=role)
    return member


def stores_of(person_id: int) -> list[tuple[str, str]]:
    """(store code, role) of each store whose staff the person is on, that this terminal
    may see: its own store's membership (on PostgreSQL a store sees only its own staff)."""
    query = (
        Staff.select(Store.code, Staff.role)
        .join(Store, on=(Staff.store_id == Store.id))
        .where(Staff.person_id == person_id)
        .order_by(Store.code)
        .tuples()
    )
    return cast(list[tuple[str, str]], list(query))


def set_active(name_or_login: str, active: bool, *, by: Actor) -> tuple[Staff, int]:
    """A staff member leaves the store (``active=False``) or comes back.

    One who has left cannot sign in, at a terminal or over SSH (their keys stop working at
    once), is out of the up rotation, and an app they have open closes itself; their
    customers stay theirs until a manager reassigns them. Returns the member and how many
    open intent customers they still have.
    """
    roles.require(by, roles.STAFF_MANAGE)
    member = require_staff(name_or_login)
    if by.staff_id == member.id and not active:
        raise ValidationError({"name": t("error.staff_self")})
    with database.atomic():
        Staff.update(active=active).where(Staff.id == member.id).execute()
        member.active = active
        _keep_duty_spell(member)
        audit.record("activate" if active else "deactivate", "staff", member.id, by)
        still_open = (
            Customer.select()
            .where((Customer.consultant == member.id) & Customer.next_due.is_null(False))
            .count()
        )
    return member, still_open


def set_role(name_or_login: str, role: str, *, by: Actor) -> tuple[Staff, int]:
    """Give a staff member another role (岗位): a receptionist becomes a consultant, a
    consultant is made showroom manager, ….

    Their rights change at once, everywhere. Nobody changes their own role (an admin could
    otherwise take away the last admin's rights by mistake, from the only terminal they
    have). Returns the member and how many open intent customers they still have, to be
    reassigned when the new role no longer receives customers.
    """
    roles.require(by, roles.STAFF_MANAGE)
    if role not in rules.ROLES:
        raise ValidationError({"role": t("error.role", roles=", ".join(rules.ROLES))})
    with database.atomic():
        member = require_staff(name_or_login)
        if by.staff_id == member.id:
            raise ValidationError({"role": t("error.staff_self_role")})
        if member.role != role:
            audit.record("role", "staff", member.id, by, before=member.role, after=role)
            Staff.update(role=role).where(Staff.id == member.id).execute()
            member.role = role
            _keep_duty_spell(member)
        still_open = 0
        if role not in RECEIVING_ROLES:
            still_open = (
                Customer.select()
                .where((Customer.consultant == member.id) & Customer.next_due.is_null(False))
                .count()
            )
    return member, still_open


def is_active(staff_id: int) -> bool:
    """Whether this staff member may still work (an open app checks when the store changes)."""
    return Staff.select().where((Staff.id == staff_id) & is_yes(Staff.active)).exists()


def free_login(base: str) -> str:
    """``base``, or ``base2``, ``base3``…: the first that is no person's login in the group
    nor a member's name here."""
    logins = Person.select(Person.login).where(Person.login.startswith(base)).scalars()
    names = Staff.select(Staff.name).where(Staff.name.startswith(base)).scalars()
    taken = set(logins) | {name.lower() for name in names}
    if base not in taken:
        return base
    suffix = 2
    while f"{base}{suffix}" in taken:
        suffix += 1
    return f"{base}{suffix}"


RECEIVING_ROLES = ("consultant", "manager")  # who may receive a customer (接待 / 负责)


def list_staff(active_only: bool = False) -> list[Staff]:
    query = Staff.select().order_by(Staff.role, Staff.rotation_order, Staff.id)
    if active_only:
        query = query.where(is_yes(Staff.active))
    return list(query)


def consultants() -> list[Staff]:
    """Active consultants (and managers, who may receive customers), in rotation order."""
    return list(
        Staff.select()
        .where(is_yes(Staff.active) & Staff.role.in_(RECEIVING_ROLES))
        .order_by(Staff.rotation_order, Staff.id)
    )


def find_staff(name_or_login: str) -> Staff | None:
    """A staff member by login (case-insensitive), exactly; else by name, if only one has it.

    A login is never confused with a name: ``--as lina`` is the member whose login is
    ``lina``, even beside a member named ``lina`` (which ``add_staff`` no longer allows).
    """
    key = (name_or_login or "").strip()
    if not key:
        return None
    member = Staff.get_or_none(Staff.login == key.lower())
    if member is not None:
        return member
    named = list(Staff.select().where(Staff.name == key).limit(2))
    return named[0] if len(named) == 1 else None


def require_staff(name_or_login: str) -> Staff:
    member = find_staff(name_or_login)
    if member is None:
        raise NotFound(not_here(name_or_login))
    return member


def not_here(name_or_login: str) -> str:
    """Why no member of this store answers to ``name_or_login``: a person of the group
    who is not on this store's staff is told so (a terminal in a store acts as the
    person's role there, and they have none); anyone else is unknown."""
    key = (name_or_login or "").strip().lower()
    if key and Person.select().where(Person.login == key).exists():
        return t("error.not_on_staff", login=key, store=_store_code())
    return t("error.no_staff", name=name_or_login)


def _store_code() -> str:
    code = Store.select(Store.code).where(dialect.this_store(Store.id)).scalar()
    return code or ""


# Why a consultant at the head is skipped (跳过原因): with a customer (接待中) keeps the turn,
# off the floor (不在展厅) and declined (放弃) lose it.
SKIP_BUSY, SKIP_AWAY, SKIP_DECLINED = "busy", "away", "declined"
SKIP_REASONS = (SKIP_BUSY, SKIP_AWAY, SKIP_DECLINED)


def overdue_out_threshold() -> int:
    """``rotation.overdue_out``: from how many overdue follow-ups a consultant is out of the
    rotation; 0 (the default) when the rule is off."""
    return max(0, int(settings.number(settings.ROTATION_OVERDUE_OUT)))


def _overdue_by_consultant(threshold: int):
    """(consultant id, overdue) of the consultants with ``threshold`` or more open intent
    customers due before today (``next_due`` is set for open ones only): one GROUP BY."""
    overdue = fn.COUNT(SQL("*"))
    return (
        Customer.select(Customer.consultant, overdue.alias("overdue"))
        .where(dialect.seek_this_store(Customer.store_id))  # (store, next due) on PostgreSQL
        .where(Customer.consultant.is_null(False) & (Customer.next_due < clock.today()))
        .group_by(Customer.consultant)
        .having(overdue >= threshold)
    )


def _on_duty_query():
    return (
        Staff.select()
        .where(is_yes(Staff.active) & is_yes(Staff.on_duty) & (Staff.role == "consultant"))
        .order_by(Staff.rotation_order, Staff.id)
    )


def _rotation_query():
    query = _on_duty_query()
    threshold = overdue_out_threshold()
    if threshold:
        out = _overdue_by_consultant(threshold).select(Customer.consultant)
        query = query.where(Staff.id.not_in(out))
    return query


def rotation() -> list[Staff]:
    """The up rotation: active consultants on duty, head first — less those out for their
    overdue follow-ups, when the store's rule is on."""
    return list(_rotation_query())


def proposed_consultant() -> Staff | None:
    """The consultant at the head of the up rotation, if anyone is on duty (and in)."""
    _proposals.count = proposals() + 1
    return _rotation_query().first()


_proposals = threading.local()


def proposals() -> int:
    """How many times this thread asked for the head of the rotation: an import knows from
    it whether its rows depended on the rotation's order (``desk.import_rehearsal``)."""
    return getattr(_proposals, "count", 0)


@dataclass(frozen=True)
class Standing:
    """The rotation as the desk shows it: the queue, head first, and the consultants on
    duty out of it for their overdue follow-ups, each with how many (in rotation order)."""

    queue: list[Staff]
    out: list[tuple[Staff, int]]


def standing() -> Standing:
    """The up rotation and who is out of it for overdue follow-ups: one query, the
    consultants on duty joined to the grouped counts of their overdue customers."""
    threshold = overdue_out_threshold()
    if not threshold:
        return Standing(list(_on_duty_query()), [])
    late = _overdue_by_consultant(threshold).alias("late")
    rows = list(
        _on_duty_query()
        .select(Staff, late.c.overdue)
        .join(late, JOIN.LEFT_OUTER, on=(late.c.consultant_id == Staff.id))
        .objects()
    )
    return Standing(
        [member for member in rows if member.overdue is None],
        [(member, member.overdue) for member in rows if member.overdue is not None],
    )


def move_to_end(member: Staff) -> None:
    """Send a consultant to the end of the up rotation (they took a party, or lost a turn)."""
    with database.atomic():
        last = Staff.select(fn.MAX(Staff.rotation_order)).scalar() or 0
        Staff.update(rotation_order=last + 1).where(Staff.id == member.id).execute()
        member.rotation_order = last + 1


def _change_places(head: Staff, second: Staff) -> None:
    """The second in line goes before the head (a busy head keeps the turn). When the two
    share an order (ties go by id), the second takes one less."""
    first, after = head.rotation_order, second.rotation_order
    if first == after:
        first -= 1
    Staff.update(rotation_order=first).where(Staff.id == second.id).execute()
    Staff.update(rotation_order=after).where(Staff.id == head.id).execute()
    head.rotation_order, second.rotation_order = after, first


def skip_head(reason: str, *, by: Actor) -> Staff | None:
    """Skip the head of the rotation for ``reason`` (``SKIP_REASONS``); returns the new head.

    The rule, by hand (王磊, 李娜, 赵强 in line):

    - busy (接待中): 王磊 and 李娜 change places → 李娜, 王磊, 赵强; 李娜 takes the next
      first-visit party → 王磊, 赵强, 李娜: 王磊 is up again. Skipped busy again, he changes
      places with 赵强, and so on: he never drops further than second.
    - away (不在展厅) / declined (放弃): 王磊 goes to the end → 李娜, 赵强, 王磊.

    Each skip is kept (``RotationSkip``: whom, why, who skipped, when) and audited; with
    nobody in the rotation nothing happens and None comes back."""
    roles.require(by, roles.ROTATION_SKIP)
    if reason not in SKIP_REASONS:
        raise ValidationError({"reason": t("rotation.bad_reason", reasons=", ".join(SKIP_REASONS))})
    with database.atomic():
        line = list(_rotation_query().limit(2))
        if not line:
            return None
        head = line[0]
        if reason != SKIP_BUSY:
            move_to_end(head)
        elif len(line) > 1:
            _change_places(head, line[1])
        RotationSkip.create(staff=head.id, reason=reason, at=clock.now(), skipped_by=by.staff_id)
        audit.record("skip", "rotation", head.id, by, reason=reason)
        return proposed_consultant()


def _keep_duty_spell(member: Staff) -> None:
    """Open or end ``member``'s spell on duty (``DutyPeriod``) to match whether they are in
    the rotation's pool now (active, a consultant, on duty); call inside the change's
    transaction."""
    wanted = member.active and member.on_duty and member.role == "consultant"
    spell = DutyPeriod.staff == member.id
    is_open = DutyPeriod.select().where(spell & DutyPeriod.ended_at.is_null()).exists()
    if wanted and not is_open:
        DutyPeriod.create(staff=member.id, started_at=clock.now())
    elif is_open and not wanted:
        DutyPeriod.update(ended_at=clock.now()).where(
            spell & DutyPeriod.ended_at.is_null()
        ).execute()


def set_on_duty(member: Staff, on_duty: bool, *, by: Actor) -> None:
    """Put a consultant on duty (当班) or take them off: the desk's roster (``d``) or the
    admin's staff screen. Only consultants take turns in the up rotation."""
    if not roles.may(by, roles.STAFF_MANAGE):
        roles.require(by, roles.ROTATION_SKIP)
    if member.role != "consultant":
        raise ValidationError({"on_duty": t("error.duty_consultants", name=member.name)})
    with database.atomic():
        Staff.update(on_duty=on_duty).where(Staff.id == member.id).execute()
        member.on_duty = on_duty
        _keep_duty_spell(member)
        audit.record("duty", "staff", member.id, by, on_duty=on_duty)


def duty_roster() -> list[Staff]:
    """The active consultants in rotation order, each with whether they are on duty (当班)."""
    return list(
        Staff.select()
        .where(is_yes(Staff.active) & (Staff.role == "consultant"))
        .order_by(Staff.rotation_order, Staff.id)
    )


def set_roster(on_duty: Iterable[int], *, by: Actor) -> list[Staff]:
    """Who is on duty today: the consultants whose ids are in ``on_duty``, and no others.

    Only those who change are written (and audited), in one transaction; returns the up
    rotation as it now stands."""
    roles.require(by, roles.ROTATION_SKIP)
    wanted = set(on_duty)
    with database.atomic():
        for member in duty_roster():
            if member.on_duty != (member.id in wanted):
                set_on_duty(member, member.id in wanted, by=by)
    return rotation()

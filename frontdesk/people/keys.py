"""Staff SSH keys: who may sign in to ``frontdesk serve``, with which public key.

A key belongs to one staff member (its SHA256 fingerprint is unique in the store); a
manager signs in as ``ssh -p 2222 LOGIN@host`` and is let in only with a key of their
own while they are active. Keys are added from the public key file the staff member
sends (``id_ed25519.pub``), never from a private key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from peewee import fn

from frontdesk import clock
from frontdesk.errors import NotFound, ValidationError
from frontdesk.i18n import t
from frontdesk.people import roles, team
from frontdesk.people.actor import Actor
from frontdesk.store import audit, rows
from frontdesk.store.models import Staff, StaffKey, database

MAX_KEY_FILE = 64 * 1024  # a public key is a line; anything bigger is the wrong file
FIELD = "keyfile"


@dataclass(frozen=True)
class PublicKey:
    algorithm: str
    public_key: str  # "algorithm base64", no comment
    fingerprint: str  # SHA256:…
    comment: str


@dataclass(frozen=True)
class SignIn:
    """The answer to "may LOGIN sign in with this key?": ``staff`` when yes, else why not."""

    staff: Staff | None
    key_id: int | None
    reason: str  # ok | unknown_user | inactive | unknown_key


def parse_public_key(text: str) -> PublicKey:
    """The one public key in ``text`` (OpenSSH or RFC 4716 format), or a ValidationError."""
    import asyncssh  # only the commands and the server need it

    if "PRIVATE KEY" in text:
        raise ValidationError({FIELD: t("keys.private")})
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if len(lines) > 1 and all(" " in line.strip() for line in lines):
        raise ValidationError({FIELD: t("keys.several")})
    try:
        key = asyncssh.import_public_key(text.strip())
    except (asyncssh.KeyImportError, ValueError, TypeError):
        raise ValidationError({FIELD: t("keys.not_a_key")}) from None
    line = key.export_public_key("openssh").decode("ascii").split()
    return PublicKey(
        algorithm=key.get_algorithm(),
        public_key=" ".join(line[:2]),
        fingerprint=key.get_fingerprint("sha256"),
        comment=(key.get_comment() or "")[:200],
    )


def read_key_file(path: str | Path) -> PublicKey:
    path = Path(path).expanduser()
    try:
        if path.stat().st_size > MAX_KEY_FILE:
            raise ValidationError({FIELD: t("keys.not_a_key")})
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise ValidationError({FIELD: t("keys.no_file", path=path)}) from None
    except IsADirectoryError:
        raise ValidationError({FIELD: t("keys.no_file", path=path)}) from None
    except OSError as error:
        raise ValidationError({FIELD: t("keys.unreadable", path=path, error=error)}) from None
    return parse_public_key(text)


def add_key(name_or_login: str, key: PublicKey | str | Path, *, by: Actor) -> StaffKey:
    """Give a staff member a key (a parsed key, or the path of a ``.pub`` file)."""
    roles.require(by, roles.KEYS_MANAGE)
    if not isinstance(key, PublicKey):
        key = read_key_file(key)
    with database.atomic():
        member = team.require_staff(name_or_login)
        existing = StaffKey.get_or_none(StaffKey.fingerprint == key.fingerprint)
        if existing is not None:
            raise ValidationError(
                {FIELD: t("keys.duplicate", fingerprint=key.fingerprint, name=existing.staff.name)}
            )
        row = StaffKey.create(
            staff=member,
            algorithm=key.algorithm,
            public_key=key.public_key,
            fingerprint=key.fingerprint,
            comment=key.comment,
            created_at=clock.now(),
        )
        audit.record("key_add", "staff", member.id, by, fingerprint=key.fingerprint)
    return row


def add_pasted_key(name_or_login: str, text: str, *, by: Actor) -> StaffKey:
    """Give a staff member the key pasted as text: the line of their ``.pub`` file (the
    admin screen, where there is no file to name)."""
    roles.require(by, roles.KEYS_MANAGE)
    if len(text) > MAX_KEY_FILE:
        raise ValidationError({FIELD: t("keys.not_a_key")})
    return add_key(name_or_login, parse_public_key(text), by=by)


def key_counts(*, by: Actor) -> dict[int, int]:
    """How many keys each staff member has, by staff id (members with none are left out)."""
    roles.require(by, roles.KEYS_MANAGE)
    query = StaffKey.select(StaffKey.staff, fn.COUNT(StaffKey.id)).group_by(StaffKey.staff)
    return dict(rows.tuples(query))


def list_keys(name_or_login: str | None = None, *, by: Actor) -> list[StaffKey]:
    """Every key (of one staff member, if named), with its owner, by owner then age."""
    roles.require(by, roles.KEYS_MANAGE)
    query = StaffKey.select(StaffKey, Staff).join(Staff).order_by(Staff.login, StaffKey.id)
    if name_or_login:
        query = query.where(StaffKey.staff == team.require_staff(name_or_login))
    return list(query)


def remove_key(name_or_login: str, which: str, *, by: Actor) -> StaffKey:
    """Take a key from a staff member: ``which`` is its number in the list or its fingerprint."""
    roles.require(by, roles.KEYS_MANAGE)
    with database.atomic():
        member = team.require_staff(name_or_login)
        query = StaffKey.select().where(StaffKey.staff == member)
        which = which.strip()
        if which.isdigit():
            row = query.where(StaffKey.id == int(which)).first()
        else:
            fingerprint = which if which.startswith("SHA256:") else f"SHA256:{which}"
            row = query.where(StaffKey.fingerprint == fingerprint).first()
        if row is None:
            raise NotFound(t("keys.no_key", which=which, name=member.name))
        row.delete_instance()
        audit.record("key_remove", "staff", member.id, by, fingerprint=row.fingerprint)
    return row


def sign_in(login: str, fingerprint: str) -> SignIn:
    """May ``login`` sign in with the key of this fingerprint? (Reads only.)"""
    member = Staff.get_or_none(Staff.login == (login or "").strip().lower())
    if member is None:
        return SignIn(None, None, "unknown_user")
    if not member.active:
        return SignIn(member, None, "inactive")
    key = StaffKey.get_or_none((StaffKey.staff == member) & (StaffKey.fingerprint == fingerprint))
    if key is None:
        return SignIn(member, None, "unknown_key")
    return SignIn(member, key.id, "ok")


def mark_used(key_id: int) -> None:
    with database.atomic():
        StaffKey.update(last_used_at=clock.now()).where(StaffKey.id == key_id).execute()

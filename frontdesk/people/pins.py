"""PINs for the desk's sign-in (前台登录密码): who may take a name at a shared terminal.

A desk terminal started without ``--as`` asks who is at it; without a PIN anyone could
choose the manager's name there and see every consultant's customers. So:

- any staff member may have a PIN of 4–12 digits (``frontdesk staff pin NAME``, an admin's
  command); managers and admins *must* have one to sign in at the desk, the others are
  asked for theirs only when one is set;
- the PIN is kept as a memory-hard hash (scrypt, a random salt, the parameters stored with
  it: ``scrypt$n$r$p$salt$hash``), never as typed;
- five wrong PINs in a row lock that name at that terminal (``this_terminal``) for five
  minutes, each further lock twice as long, up to a day; the count lives in the store, so
  restarting the app does not reset it, and the right PIN, or an admin setting or clearing
  the PIN, ends it;
- every PIN set, cleared or typed wrong, and every lock, is in the audit log.

Over SSH the key is the proof and the session starts signed in (``--as``): no PIN. On the
store's machine ``--as`` / ``FRONTDESK_AS`` needs none either: whoever runs commands there
can read the store file already.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
import math
import os
import re
import secrets
import socket
import sys
import unicodedata
from dataclasses import dataclass

from frontdesk import clock
from frontdesk.errors import FrontdeskError, ValidationError
from frontdesk.i18n import t
from frontdesk.people import roles, team
from frontdesk.people.actor import DESK, Actor
from frontdesk.store import audit
from frontdesk.store.models import Person, PinLockout, Staff, database

log = logging.getLogger("frontdesk.people.pins")

FIELD = "pin"
PIN_PATTERN = re.compile(r"[0-9]{4,12}")
# may not sign in at the desk without a PIN
PIN_ROLES = frozenset({"manager", "admin", "group_manager"})

# scrypt with N = 2^15, r = 8: 32 MiB and about 0.1 s per check on the desk's machine.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
SCHEME = "scrypt"
# A stored hash asking for more than this is damaged or planted: never run it.
MAX_SCRYPT_MEMORY = 256 * 1024 * 1024

TRIES = 5  # wrong PINs in a row before the name is locked at that terminal
FIRST_LOCK = dt.timedelta(minutes=5)
LONGEST_LOCK = dt.timedelta(days=1)


class PinError(FrontdeskError):
    """The desk's sign-in refused: ``str()`` says why and what to do."""


class PinMissing(PinError):
    """A manager or admin without a PIN chose their name at the desk."""


class PinWrong(PinError):
    """A wrong PIN; ``left`` more before the name is locked at this terminal."""

    def __init__(self, message: str, left: int):
        super().__init__(message)
        self.left = left


class PinLocked(PinError):
    """The name is locked at this terminal until ``until``."""

    def __init__(self, message: str, until: dt.datetime):
        super().__init__(message)
        self.until = until


@dataclass(frozen=True)
class DeskSignIn:
    """A name chosen at the desk: the member as stored now, whether a PIN is asked, until
    when the name is locked at this terminal (None: it is not), and what to tell the user
    before they type (the lock, or "")."""

    member: Staff
    needs_pin: bool
    locked_until: dt.datetime | None = None
    notice: str = ""


# -- the terminal -------------------------------------------------------------------------


def _tty_name() -> str | None:
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        try:
            return os.ttyname(stream.fileno())
        except (AttributeError, OSError, ValueError):
            continue
    return None


def this_terminal() -> str:
    """This terminal's identity for the lockout: ``host:tty``.

    A fixed terminal (a console ``/dev/tty1``, a serial line) is itself. A pseudo-terminal
    (``/dev/pts/3``: a window, an SSH login) gets a new number for every window, so all of
    a machine's pseudo-terminals count as one terminal: opening another window must not
    escape a lock.
    """
    host = socket.gethostname() or "localhost"
    tty = _tty_name()
    if tty is None or tty.startswith("/dev/pts/") or re.fullmatch(r"/dev/ttys\d+", tty):
        tty = "pty"
    return f"{host}:{tty}"


# -- the hash -------------------------------------------------------------------------------


def normalise_pin(raw: str | None) -> str:
    """The PIN as digits: full-width ``１２３４`` is ``1234`` (NFKC); else a ValidationError."""
    pin = unicodedata.normalize("NFKC", raw or "").strip()
    if not PIN_PATTERN.fullmatch(pin):
        raise ValidationError({FIELD: t("pin.format")})
    return pin


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_pin(pin: str) -> str:
    """``scrypt$n$r$p$salt$hash`` of a normalised PIN, with a fresh random salt."""
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, HASH_BYTES)
    return f"{SCHEME}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    memory = 128 * r * n * p + 128 * r * n  # what OpenSSL needs, with room
    return hashlib.scrypt(
        pin.encode("ascii"), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=memory + 1024 * 1024
    )


def verify_pin(pin: str, stored: str) -> bool:
    """Whether ``pin`` (normalised) is the one ``stored`` was made from (constant time)."""
    try:
        scheme, n_text, r_text, p_text, salt_text, key_text = stored.split("$")
        n, r, p = int(n_text), int(r_text), int(p_text)
        salt = base64.b64decode(salt_text, validate=True)
        key = base64.b64decode(key_text, validate=True)
    except (ValueError, TypeError):
        log.error("a stored PIN hash is damaged: it matches no PIN")
        return False
    if (
        scheme != SCHEME
        or n < 2
        or n & (n - 1)
        or not 1 <= r <= 64
        or not 1 <= p <= 16
        or 128 * r * n * (p + 1) > MAX_SCRYPT_MEMORY
        or not 16 <= len(key) <= 64
    ):
        log.error("a stored PIN hash has parameters out of bounds: it matches no PIN")
        return False
    return hmac.compare_digest(_scrypt(pin, salt, n, r, p, len(key)), key)


# -- setting and clearing (the admin) -----------------------------------------------------------


def holder(name_or_login: Staff | str, *, by: Actor) -> Staff:
    """The staff member whose PIN ``by`` is about to change (the right is checked first,
    so the command line asks for no PIN it would then refuse)."""
    roles.require(by, roles.STAFF_MANAGE)
    if isinstance(name_or_login, Staff):
        return name_or_login
    return team.require_staff(name_or_login)


def set_pin(name_or_login: Staff | str, pin: str, *, by: Actor) -> Staff:
    """Give a staff member a new PIN; any lock of their name at any terminal ends."""
    member = holder(name_or_login, by=by)
    return _store_pin(member, hash_pin(normalise_pin(pin)), "pin_set", by)


def clear_pin(name_or_login: Staff | str, *, by: Actor) -> Staff:
    """Take a staff member's PIN away (a manager or admin then cannot sign in at the desk)."""
    return _store_pin(holder(name_or_login, by=by), None, "pin_clear", by)


def _store_pin(member: Staff, stored: str | None, action: str, by: Actor) -> Staff:
    """Write the member's PIN hash (None: no PIN), end their locks, and audit it."""
    with database.atomic():
        Person.update(pin_hash=stored).where(Person.id == member.person_id).execute()
        PinLockout.delete().where(PinLockout.staff == member.id).execute()
        audit.record(action, "staff", member.id, by)
    return member


# -- the desk's sign-in -------------------------------------------------------------------------


def pin_required(member: Staff) -> bool:
    """Whether the desk asks this member for a PIN (a manager or admin always)."""
    return member.pin_hash is not None or member.role in PIN_ROLES


def _wait(span: dt.timedelta) -> str:
    """A span as the user reads it: "5 分钟", "2 小时 40 分钟" (minutes rounded up)."""
    minutes = max(1, math.ceil(span.total_seconds() / 60))
    if minutes < 60:
        return t("pin.minutes", minutes=minutes)
    hours, minutes = divmod(minutes, 60)
    if not minutes:
        return t("pin.hours", hours=hours)
    return t("pin.hours_minutes", hours=hours, minutes=minutes)


def _lock_length(lockouts: int) -> dt.timedelta:
    """The ``lockouts``-th lock in a row: 5 min, 10, 20, … up to a day."""
    return min(FIRST_LOCK * 2 ** min(lockouts - 1, 20), LONGEST_LOCK)


def _locked(member: Staff, until: dt.datetime, now: dt.datetime) -> PinLocked:
    moment = until.strftime("%H:%M" if until.date() == now.date() else "%m-%d %H:%M")
    message = t("pin.locked", name=member.name, tries=TRIES, wait=_wait(until - now), until=moment)
    return PinLocked(message, until)


def _missing(member: Staff) -> PinMissing:
    return PinMissing(
        t("pin.missing", name=member.name, role=roles.role_label(member.role), login=member.login)
    )


def _lockout(member: Staff, terminal: str) -> PinLockout | None:
    """This member's count of wrong PINs at this terminal, if there is one."""
    here = (PinLockout.staff == member.id) & (PinLockout.terminal == terminal)
    return PinLockout.get_or_none(here)


def _lock_until(row: PinLockout | None, now: dt.datetime) -> dt.datetime | None:
    if row is None or row.locked_until is None or row.locked_until <= now:
        return None
    return row.locked_until


def _fresh(member: Staff | int) -> Staff:
    """The member as stored now (a PIN may have been set, or they may have left)."""
    member_id = member.id if isinstance(member, Staff) else member
    fresh = Staff.get_or_none(Staff.id == member_id)
    if fresh is None:
        raise PinError(t("error.no_staff", name=getattr(member, "name", member_id)))
    if not fresh.active:
        raise PinError(t("access.inactive", name=fresh.name))
    return fresh


def desk_sign_in(member: Staff | int, terminal: str) -> DeskSignIn:
    """A name chosen at the desk: may it be taken, with a PIN or without? (Reads only.)

    A manager or admin with no PIN set is refused with what to do (``PinMissing``).
    """
    fresh = _fresh(member)
    if fresh.pin_hash is None and fresh.role in PIN_ROLES:
        raise _missing(fresh)
    if not pin_required(fresh):
        return DeskSignIn(fresh, False)
    now = clock.now()
    until = _lock_until(_lockout(fresh, terminal), now)
    notice = str(_locked(fresh, until, now)) if until is not None else ""
    return DeskSignIn(fresh, True, until, notice)


def check_pin(member: Staff | int, pin: str, terminal: str) -> Staff:
    """Let ``member`` sign in at ``terminal`` with ``pin``; returns them as stored now.

    Refuses with a sentence: the name is locked here (``PinLocked``), the PIN is wrong
    (``PinWrong``, counted; the fifth locks the name), not 4–12 digits (not counted: it can
    match nothing), or a manager or admin has none (``PinMissing``). The right PIN ends the
    count at this terminal.
    """
    fresh = _fresh(member)
    now = clock.now()
    counted = _lockout(fresh, terminal)
    until = _lock_until(counted, now)
    if until is not None:
        raise _locked(fresh, until, now)
    if fresh.pin_hash is None:
        if fresh.role in PIN_ROLES:
            raise _missing(fresh)
        return fresh  # no PIN set, none needed
    try:
        digits = normalise_pin(pin)
    except ValidationError as error:
        raise PinError(error.errors[FIELD]) from None
    right = verify_pin(digits, fresh.pin_hash)  # the slow part, outside the write lock
    if right and counted is None:
        return fresh  # nothing to forget: no write
    with database.atomic():
        row = _lockout(fresh, terminal)  # again, under the write lock
        until = _lock_until(row, now)
        if until is not None:
            raise _locked(fresh, until, now)  # another try at this terminal won
        if right:
            if row is not None:
                row.delete_instance()
            return fresh
        if row is None:
            row = PinLockout(staff=fresh.id, terminal=terminal)
        row.failures += 1
        row.updated_at = now
        audit.record(
            "pin_failed", "staff", fresh.id, DESK, terminal=terminal, failures=row.failures
        )
        locked_until = None  # the fifth wrong PIN in a row locks the name here until then
        if row.failures >= TRIES:
            row.lockouts += 1
            row.failures = 0
            locked_until = row.locked_until = now + _lock_length(row.lockouts)
            audit.record(
                "pin_locked", "staff", fresh.id, DESK, terminal=terminal, until=locked_until
            )
        row.save()
    if locked_until is not None:
        raise _locked(fresh, locked_until, now)
    left = TRIES - row.failures
    wait = _wait(_lock_length(row.lockouts + 1))
    raise PinWrong(t("pin.wrong", left=left, name=fresh.name, wait=wait), left)

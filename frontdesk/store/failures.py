"""When the store fails (数据库故障): what happened, in the user's words.

SQLite's own words ("database is locked", "cannot rollback - no transaction is active")
mean nothing at the front desk, and the second one even hides the first: when the disk
fills up, SQLite rolls the transaction back itself, and the rollback that follows fails
with a new error whose ``__context__`` is the real one. ``explain`` walks that chain and
answers with one sentence from the catalogue — another program holds the store, the disk
is full, the store is read-only… — and never with the raw text, which goes to the log
(``log_failure``) with what is needed to reproduce it.

The screens' worker path and the command line both use it, so the desk, an SSH session
and the CLI say the same thing about the same failure.
"""

from __future__ import annotations

import errno
import logging
import sqlite3

from frontdesk.errors import FrontdeskError
from frontdesk.i18n import t

log = logging.getLogger("frontdesk.store.failures")

# What went wrong, as far as the user can act on it (the catalogue's ``failure.*`` keys).
LOCKED = "locked"  # another program holds the write lock past the busy timeout
FULL = "full"  # the disk (or the user's quota) is full
READ_ONLY = "read_only"  # the file, its folder or its disk cannot be written
DISK = "disk"  # the disk failed to read or write (I/O error)
DAMAGED = "damaged"  # the file is not a sound SQLite store any more
UNREACHABLE = "unreachable"  # the file cannot be opened (moved, unmounted)
SERVER = "server"  # the PostgreSQL server cannot be reached, or refuses the connection
UNKNOWN = "unknown"  # anything else: a sentence without the raw text

# SQLite's primary result codes (the low byte of an extended code).
_SQLITE_CODES = {
    5: LOCKED,  # SQLITE_BUSY
    6: LOCKED,  # SQLITE_LOCKED
    8: READ_ONLY,  # SQLITE_READONLY
    10: DISK,  # SQLITE_IOERR
    11: DAMAGED,  # SQLITE_CORRUPT
    13: FULL,  # SQLITE_FULL
    14: UNREACHABLE,  # SQLITE_CANTOPEN
    26: DAMAGED,  # SQLITE_NOTADB
}
_ERRNOS = {
    errno.ENOSPC: FULL,
    errno.EDQUOT: FULL,
    errno.EROFS: READ_ONLY,
    errno.EIO: DISK,
}  # not EACCES: a file the user named without the right to write it has its own message
# Peewee re-raises SQLite's errors as its own, without the code: the words then decide.
_WORDS = (
    ("locked", LOCKED),
    ("busy", LOCKED),
    ("lock timeout", LOCKED),  # PostgreSQL's: a write lock held past ``lock_timeout``
    ("disk is full", FULL),
    ("no space left", FULL),
    ("readonly", READ_ONLY),
    ("read-only", READ_ONLY),
    ("disk i/o error", DISK),
    ("malformed", DAMAGED),
    ("not a database", DAMAGED),
    ("unable to open database", UNREACHABLE),
    # psycopg's, through Peewee: the server is down, not there, or refuses this user
    ("connection to server", SERVER),
    ("connection is bad", SERVER),
    ("connection refused", SERVER),
    ("could not connect", SERVER),
    ("server closed the connection", SERVER),
    ("terminating connection", SERVER),
)
_CHAIN_LIMIT = 16  # links of __cause__/__context__ looked at (a chain can loop)


class StoreFailure(FrontdeskError):
    """The store could not do what was asked; ``str()`` is ``explain``'s sentence.

    What the screens hand to a form's error callback, like any refusal, so the form is
    left able to try again; ``error`` is the original exception, for the log."""

    def __init__(self, error: BaseException) -> None:
        self.error = error
        self.kind = kind(error)
        super().__init__(explain(error))


def _chain(error: BaseException):
    seen: set[int] = set()
    link: BaseException | None = error
    while link is not None and id(link) not in seen and len(seen) < _CHAIN_LIMIT:
        seen.add(id(link))
        yield link
        link = link.__cause__ or link.__context__


def _kind_of_one(error: BaseException) -> str:
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int) and (code & 0xFF) in _SQLITE_CODES:
        return _SQLITE_CODES[code & 0xFF]
    if isinstance(error, OSError) and error.errno in _ERRNOS:
        return _ERRNOS[error.errno]
    if isinstance(error, sqlite3.Error) or type(error).__module__ == "peewee":
        words = str(error).lower()
        for fragment, found in _WORDS:
            if fragment in words:
                return found
    return UNKNOWN


def kind(error: BaseException) -> str:
    """What went wrong (``LOCKED``, ``FULL``…): the first link of the chain that says."""
    for link in _chain(error):
        found = _kind_of_one(link)
        if found != UNKNOWN:
            return found
    return UNKNOWN


def explain(error: BaseException) -> str:
    """One sentence, in the user's language, for a failure of the store or its disk."""
    return t(f"failure.{kind(error)}")


# A file the user named (an export, an import, a backup, the store's path): the errno
# says what they can do about it (the catalogue's ``failure.file_*`` keys).
_FILE_ERRNOS = {
    errno.ENOENT: "file_missing",
    errno.ENOTDIR: "file_missing",
    errno.EACCES: "file_denied",
    errno.EPERM: "file_denied",
    errno.EISDIR: "file_is_folder",
    errno.EEXIST: "file_not_folder",  # a folder to make is a file already
    errno.ENAMETOOLONG: "file_name_too_long",
}


def explain_file(error: OSError, path: object) -> str:
    """One sentence for a file the user named that could not be read or written, saying
    which file and what to do; never the system's own words ("[Errno 2] …")."""
    found = kind(error)
    if found != UNKNOWN:  # a full disk, a read-only disk, an I/O error
        return t("failure.file_failed", path=path, why=t(f"failure.{found}"))
    # An OSError raised without a number (``OSError("…")``) says nothing more precise.
    key = "file_other" if error.errno is None else _FILE_ERRNOS.get(error.errno, "file_other")
    return t(f"failure.{key}", path=path)


def log_failure(error: BaseException, doing: str, store: str = "") -> None:
    """Log the raw error, its chain and where it happened: enough to reproduce it."""
    codes = [
        f"{type(link).__name__}({getattr(link, 'sqlite_errorname', None) or link})"
        for link in _chain(error)
    ]
    log.error(
        "store failure (%s) while %s on %s: %s",
        kind(error),
        doing,
        store or "the store",
        " <- ".join(codes),
        exc_info=error,
    )


# A library's loggers stay quiet unless the program configures logging (``frontdesk
# serve`` does): without this, Python's last-resort handler would print the raw error
# and its traceback on the terminal, beside the sentence meant for the user.
logging.getLogger("frontdesk").addHandler(logging.NullHandler())

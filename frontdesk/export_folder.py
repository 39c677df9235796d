"""Where an exported file may go (导出文件夹): a member's own folder over SSH, any path at the desk.

A manager away from the showroom (``frontdesk serve``) exports the month sheet or takes a
screenshot on the server, not on their own computer. So over SSH a file goes only into
that member's export folder beside the store, ``<the store's folder>/exports/<login>/``
(made with mode 0700), under a name they type — a name only: no folder, no ``..``, no link
that leads out of it. They fetch it from there with ``sftp``/``scp`` over the same server
(read-only, ``frontdesk.ssh.files``). At the desk the path is the user's to choose. In both
places an existing file is replaced only once the user has said yes: a target says whether
it exists, and the dialog asks.

Whether this process is an SSH session is told by the server, and only by it: it names
the session ``ssh:…`` in ``FRONTDESK_SESSION``, a variable no client can send.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from frontdesk.errors import FrontdeskError
from frontdesk.i18n import t
from frontdesk.store import audit
from frontdesk.store.models import database

EXPORTS = "exports"  # beside the store: exports/<login>/
FOLDER_MODE = 0o700  # the member's files are theirs (and the server's), no one else's
FILE_MODE = 0o600
MAX_NAME_BYTES = 255  # what a Linux file system takes in one name
SSH_SESSION_PREFIX = "ssh:"


class ExportPathError(FrontdeskError):
    """A file name or path that an export may not use; ``str()`` says what to type instead."""


@dataclass(frozen=True)
class ExportTarget:
    """The file an export will write, and whether a file of that name is already there."""

    path: Path
    exists: bool  # an existing file would be replaced: ask first


def over_ssh() -> bool:
    """Whether this process is an app the SSH server started for a member."""
    return audit.this_session().startswith(SSH_SESSION_PREFIX)


def store_folder() -> Path:
    """The folder of the open store's file (the export folders live beside it)."""
    path = getattr(database.obj, "database", None)
    if not isinstance(path, str) or not path or path == ":memory:":
        raise ExportPathError(t("export_folder.no_store_file"))
    return Path(path).expanduser().resolve().parent


def member_folder(login: str, root: Path | None = None) -> Path:
    """``<root>/exports/<login>/`` (root: the store's folder), made 0700 if it is not there.

    An existing folder is made 0700 again: it holds customers' names and phones."""
    if not login or not (login.isascii() and login.isalnum()):
        raise ExportPathError(t("export_folder.no_member"))
    exports = (root or store_folder()) / EXPORTS
    folder = exports / login.lower()
    for place in (exports, folder):
        if place.is_symlink():  # the folder itself must not lead elsewhere
            raise ExportPathError(t("export_folder.link"))
        place.mkdir(mode=FOLDER_MODE, exist_ok=True)
        os.chmod(place, FOLDER_MODE)
    return folder


def session_folder(login: str) -> Path | None:
    """The member's export folder when this process is an SSH session; None at the desk."""
    return member_folder(login) if over_ssh() else None


def check_name(name: str) -> str:
    """A bare file name, or ExportPathError saying why not (a folder, ``..``, a hidden
    name, control characters, too long)."""
    name = name.strip()
    if not name:
        raise ExportPathError(t("export_folder.empty"))
    if "/" in name or "\\" in name or os.path.isabs(name):
        raise ExportPathError(t("export_folder.name_only"))
    if name.startswith("."):  # "..", ".", and hidden files
        raise ExportPathError(t("export_folder.bad_name"))
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
        raise ExportPathError(t("export_folder.bad_name"))
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise ExportPathError(t("export_folder.too_long"))
    return name


def in_folder(folder: Path, name: str) -> ExportTarget:
    """The file ``name`` inside ``folder``: refused if the name is not a bare name, or if
    what is there is a link or not a file; resolved and checked to stay in the folder."""
    name = check_name(name)
    home = folder.resolve()
    path = home / name
    if path.is_symlink():  # wherever it points: a link is never written through
        raise ExportPathError(t("export_folder.link"))
    if path.resolve().parent != home:
        raise ExportPathError(t("export_folder.name_only"))
    if path.exists() and not path.is_file():
        raise ExportPathError(t("export_folder.not_a_file", name=name))
    return ExportTarget(path, path.exists())


def at_desk(text: str) -> ExportTarget:
    """The file a desk user typed (relative to the current folder); a folder is refused."""
    text = text.strip()
    if not text:
        raise ExportPathError(t("export_folder.empty"))
    path = Path(text).expanduser()
    if path.is_dir():
        raise ExportPathError(t("export_folder.not_a_file", name=text))
    return ExportTarget(path, path.exists())


def export_target(text: str, login: str, suffixes: tuple[str, ...] = ()) -> ExportTarget:
    """Where an export typed as ``text`` goes: the member's folder over SSH, else the path.
    With ``suffixes`` (``(".xlsx",)``), a name that ends otherwise is refused, saying so."""
    if suffixes and Path(text.strip()).suffix.lower() not in suffixes:
        formats = t("export_folder.or").join(suffixes)
        raise ExportPathError(t("export_folder.bad_ext", formats=formats))
    folder = session_folder(login)
    return in_folder(folder, text) if folder is not None else at_desk(text)


def unused(folder: Path, name: str) -> ExportTarget:
    """``name`` in ``folder``, or ``stem (2).ext``, ``stem (3).ext``… the first not taken."""
    name = check_name(name)
    stem, suffix = os.path.splitext(name)
    candidate, number = name, 2
    while (folder / candidate).exists() or (folder / candidate).is_symlink():
        candidate = f"{stem} ({number}){suffix}"
        number += 1
    return in_folder(folder, candidate)


def write_new(target: ExportTarget, data: bytes) -> Path:
    """Write ``data`` to a file that must not exist yet (never through a link), mode 0600."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(target.path, flags, FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return target.path

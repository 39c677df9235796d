"""SFTP on a member's export folder: list it and fetch from it, nothing else.

A manager's export (the month sheet, a screenshot) is written on the server, into their
own folder (``frontdesk.export_folder``). ``sftp -P 2222 LOGIN@host`` (and ``scp``, which
speaks SFTP in OpenSSH 9 and later) opens that folder as ``/``: ``ls`` and ``get`` work;
uploads, removals, renames, new folders, attribute changes and links are refused, and so
is any path that leads out of the folder (``..`` stays inside it by the chroot; a link
inside that points out is resolved and refused). Every file fetched and every refusal is
logged and audited by the connection (``Record``).
"""

from __future__ import annotations

import os
import stat
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import NoReturn, cast

import asyncssh
from asyncssh.channel import SSHChannel
from asyncssh.sftp import (
    ACE4_READ_ATTRIBUTES,
    ACE4_READ_DATA,
    FXF_OPEN_EXISTING,
    FXF_READ,
    MIN_SFTP_VERSION,
)

# asyncssh's session that speaks SFTP on a channel (what its own ``sftp_factory`` uses);
# a member's channel becomes one when it asks for the sftp subsystem (``StaffChannel``).
from asyncssh.stream import SSHServerStreamSession

from frontdesk.i18n import t
from frontdesk.ssh.escape import printable

# (what happened, details): "fetch" with the file, or "sftp" (a refusal) with the operation.
Record = Callable[[str, dict], None]

MAX_PATH_SHOWN = 200


def shown(path: bytes) -> str:
    """A client's path as the log and the audit show it: decoded, control characters escaped."""
    return printable(os.fsdecode(path), MAX_PATH_SHOWN)


class ExportFolderServer(asyncssh.SFTPServer):
    """One SFTP session on one member's export folder: read-only, jailed, audited."""

    def __init__(self, chan: asyncssh.SSHServerChannel, folder: Path, record: Record) -> None:
        super().__init__(chan, chroot=os.fsencode(folder))
        self._root = os.fsencode(os.path.realpath(folder))
        self._record = record

    # -- what leads where --------------------------------------------------------------

    def _refuse(self, operation: str, path: bytes = b"") -> asyncssh.SFTPError:
        self._record("sftp", {"operation": operation, "path": shown(path)})
        return asyncssh.SFTPPermissionDenied(t("ssh.files_refused"))

    def _local(self, path: bytes, operation: str, folder_too: bool = False) -> bytes:
        """The real path of ``path``: the folder itself (if ``folder_too``) or a name in it.

        The chroot maps ``..`` and absolute paths into the folder; resolving then catches a
        link inside that points out, and anything below the folder's own level."""
        real = os.path.realpath(self.map_path(path))
        if real == self._root and folder_too:
            return real
        if os.path.dirname(real) != self._root:
            raise self._refuse(operation, path)
        return real

    # -- what is allowed: look and fetch -------------------------------------------------

    def realpath(self, path: bytes) -> bytes:
        return self.reverse_map_path(self._local(path, "realpath", folder_too=True))

    def stat(self, path: bytes) -> os.stat_result:
        return os.stat(self._local(path, "stat", folder_too=True))

    def lstat(self, path: bytes) -> os.stat_result:
        return os.stat(self._local(path, "lstat", folder_too=True))

    async def scandir(self, path: bytes) -> AsyncIterator[asyncssh.SFTPName]:
        if self._local(path, "list", folder_too=True) != self._root:
            raise self._refuse("list", path)
        async for name in super().scandir(b"/"):
            yield name

    def open(self, path: bytes, pflags: int, attrs: asyncssh.SFTPAttrs) -> object:
        if pflags & ~FXF_READ:  # write, append, create, truncate, exclusive
            raise self._refuse("put", path)
        return self._fetch(path)

    def open56(
        self, path: bytes, desired_access: int, flags: int, attrs: asyncssh.SFTPAttrs
    ) -> object:
        reading = desired_access & ~(ACE4_READ_DATA | ACE4_READ_ATTRIBUTES) == 0
        if not reading or flags != FXF_OPEN_EXISTING:  # no create, truncate or append
            raise self._refuse("put", path)
        return self._fetch(path)

    def _fetch(self, path: bytes) -> object:
        local = self._local(path, "get")
        if not stat.S_ISREG(os.stat(local).st_mode):
            raise self._refuse("get", path)
        fd = os.open(local, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
        handle = os.fdopen(fd, "rb", buffering=0)
        size = os.fstat(fd).st_size
        self._record("fetch", {"file": shown(os.path.basename(local)), "bytes": size})
        return handle

    def format_user(self, uid: int | None) -> str:
        return ""  # the server's own accounts are none of the client's business

    def format_group(self, gid: int | None) -> str:
        return ""

    def exit(self) -> None:
        """The session is over: say so with status 0, as OpenSSH's sftp-server does (``scp``
        counts a channel closed without an exit status as a failure)."""
        self.channel.exit(0)

    # -- everything else: refused --------------------------------------------------------

    def write(self, file_obj: object, offset: int, data: bytes) -> int:
        raise self._refuse("write")

    def setstat(self, path: bytes, attrs: asyncssh.SFTPAttrs) -> None:
        raise self._refuse("setstat", path)

    def lsetstat(self, path: bytes, attrs: asyncssh.SFTPAttrs) -> None:
        raise self._refuse("setstat", path)

    def fsetstat(self, file_obj: object, attrs: asyncssh.SFTPAttrs) -> None:
        raise self._refuse("setstat")

    def remove(self, path: bytes) -> None:
        raise self._refuse("remove", path)

    def mkdir(self, path: bytes, attrs: asyncssh.SFTPAttrs) -> None:
        raise self._refuse("mkdir", path)

    def rmdir(self, path: bytes) -> None:
        raise self._refuse("rmdir", path)

    def rename(self, oldpath: bytes, newpath: bytes) -> None:
        raise self._refuse("rename", oldpath)

    def posix_rename(self, oldpath: bytes, newpath: bytes) -> None:
        raise self._refuse("rename", oldpath)

    def readlink(self, path: bytes) -> bytes:
        raise self._refuse("readlink", path)

    def symlink(self, oldpath: bytes, newpath: bytes) -> None:
        raise self._refuse("symlink", newpath)

    def link(self, oldpath: bytes, newpath: bytes) -> None:
        raise self._refuse("link", newpath)

    def lock(self, file_obj: object, offset: int, length: int, flags: int) -> None:
        raise self._refuse("lock")

    def unlock(self, file_obj: object, offset: int, length: int) -> None:
        raise self._refuse("lock")

    def fsync(self, file_obj: object) -> None:
        raise self._refuse("fsync")

    def statvfs(self, path: bytes) -> NoReturn:
        raise self._refuse("statvfs", path)

    def fstatvfs(self, file_obj: object) -> NoReturn:
        raise self._refuse("statvfs")


def files_session(folder: Path, record: Record) -> asyncssh.SSHServerSession:
    """The session a member's channel becomes when it asks for ``sftp``."""

    def serve(chan: SSHChannel[bytes]) -> ExportFolderServer:
        # asyncssh types the factory's channel as the base class; a server's is a server one.
        return ExportFolderServer(cast("asyncssh.SSHServerChannel", chan), folder, record)

    return SSHServerStreamSession(None, serve, sftp_version=MIN_SFTP_VERSION)

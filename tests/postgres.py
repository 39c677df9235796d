"""A throwaway PostgreSQL server for the tests: ``initdb`` in a temporary folder, ``pg_ctl``
on a Unix socket there, no TCP port, stopped and removed at the end.

PostgreSQL refuses to run as root; a test run as root (CI) starts the server as
``nobody``, in a folder it owns. The binaries are found on ``PATH`` or where Debian's
``postgresql`` package puts them (``/usr/lib/postgresql/VERSION/bin``). Without them the
PostgreSQL half of the tests is skipped, and the run's summary says so.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

SUPERUSER = "frontdesk"
UNPRIVILEGED = "nobody"
START_TIMEOUT_S = 60


def binaries() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl`` (the newest installed), or None."""
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    folders = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parent.parent.name),
    )
    return Path(folders[-1]).parent if folders else None


class Cluster:
    """One server for the whole run; ``new_database()`` gives each test its own."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="frontdesk-pg-"))
        self.data = self.folder / "data"
        self.socket = self.folder
        self._user = pwd.getpwnam(UNPRIVILEGED) if os.geteuid() == 0 else None

    def _run(self, *args: str) -> None:
        options: dict = {}
        if self._user is not None:
            options = {"user": self._user.pw_uid, "group": self._user.pw_gid}
        subprocess.run(
            [str(self.bin_dir / args[0]), *args[1:]],
            check=True,
            capture_output=True,
            timeout=START_TIMEOUT_S,
            cwd=self.folder,
            **options,
        )

    def start(self) -> Cluster:
        if self._user is not None:
            os.chown(self.folder, self._user.pw_uid, self._user.pw_gid)
        self._run(
            "initdb", "-D", str(self.data), "-U", SUPERUSER, "-A", "trust",
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        settings = (
            f"-k {self.socket} -c listen_addresses='' -F"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"),
            "-o", settings, "-w", "-t", str(START_TIMEOUT_S), "start",
        )  # fmt: skip
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@/{database}?host={self.socket}"

    def new_database(self, template: str | None = None) -> str:
        """A new database, empty or a copy of ``template`` (a database nobody is connected
        to); its name."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        copy = f' TEMPLATE "{template}"' if template else ""
        with psycopg.connect(host=str(self.socket), user=SUPERUSER, dbname="postgres") as conn:
            conn.autocommit = True
            conn.execute(f'CREATE DATABASE "{name}"{copy}')
        return name

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

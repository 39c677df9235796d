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
DESK_ROLE = "frontdesk_desk"  # the README's role of the desks: logs in, owns nothing
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
    """One server for the whole run; ``new_database()`` gives each test its own.

    ``folder``: a server kept there between runs (the benchmarks' group, ``bench.
    generate_group``): made on its first start, started again on the next (or found
    running), stopped cleanly and never removed. Without it, a throwaway one in a
    temporary folder."""

    def __init__(self, bin_dir: Path, folder: Path | None = None) -> None:
        self.bin_dir = bin_dir
        self.kept = folder is not None
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
        self.folder = (folder or Path(tempfile.mkdtemp(prefix="frontdesk-pg-"))).resolve()
        self.data = self.folder / "data"
        self.socket = self.folder
        self._user = pwd.getpwnam(UNPRIVILEGED) if os.geteuid() == 0 else None

    def _run(self, *args: str, check: bool = True) -> int:
        options: dict = {}
        if self._user is not None:
            options = {"user": self._user.pw_uid, "group": self._user.pw_gid}
        done = subprocess.run(
            [str(self.bin_dir / args[0]), *args[1:]],
            check=check,
            capture_output=True,
            timeout=START_TIMEOUT_S,
            cwd=self.folder,
            **options,
        )
        return done.returncode

    def start(self, settings: str = "") -> Cluster:
        """Start the server (``settings``: more ``-c name=value`` for it)."""
        if self._user is not None:
            os.chown(self.folder, self._user.pw_uid, self._user.pw_gid)
        if not (self.data / "PG_VERSION").exists():
            self._run(
                "initdb", "-D", str(self.data), "-U", SUPERUSER, "-A", "trust",
                "-E", "UTF8", "--locale=C", "--no-sync",
            )  # fmt: skip
        elif self._run("pg_ctl", "-D", str(self.data), "status", check=False) == 0:
            return self  # a kept server left running by an earlier run
        settings = (
            f"-k {self.socket} -c listen_addresses='' -F"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
            f" {settings}"
        ).strip()
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"),
            "-o", settings, "-w", "-t", str(START_TIMEOUT_S), "start",
        )  # fmt: skip
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@/{database}?host={self.socket}"

    def as_desk(self, url: str) -> str:
        """``url`` (a database of this server, as the superuser) as the desks' role, as the
        README sets it up: it may read and write every table there and owns none."""
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (DESK_ROLE,))
            if exists.fetchone() is None:
                conn.execute(f'CREATE ROLE "{DESK_ROLE}" LOGIN')
            for grant in (
                "SELECT, INSERT, UPDATE, DELETE ON ALL TABLES",
                "USAGE, SELECT ON ALL SEQUENCES",
            ):
                conn.execute(f'GRANT {grant} IN SCHEMA public TO "{DESK_ROLE}"')
        return url.replace(f"postgresql://{SUPERUSER}@", f"postgresql://{DESK_ROLE}@")

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

    def reusable(self, template: str) -> Reusable:
        """One database copied from ``template`` for a test process's tests to share, each
        starting from the template's rows (``Reusable.fresh``)."""
        return Reusable(self, self.new_database(template))

    def stop(self) -> None:
        """Stop the server; a throwaway one is removed, a kept one shut down cleanly."""
        mode = "fast" if self.kept else "immediate"
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")
        if not self.kept:
            shutil.rmtree(self.folder, ignore_errors=True)


class Reusable:
    """A test process's one PostgreSQL database for all its tests: ``fresh()`` empties it
    back to the rows its template had (the seeded settings and code lists) before each.

    A new database per test (``CREATE DATABASE … TEMPLATE``) took 0.1–0.6 s, and the run's
    end then deleted some two hundred of them. Here the template's rows are kept aside in
    a schema of their own; ``fresh`` ends every other session on the database, then in
    one transaction, with the triggers off (the counts they keep are rows copied back
    too), empties every table, copies those rows back and sets each identity's sequence
    where it stood in the template. A test that changed the tables themselves (a table
    more or fewer) gets a new copy of the template.
    """

    SEED = "fd_template_rows"

    def __init__(self, cluster: Cluster, name: str) -> None:
        self.cluster = cluster
        self.template_name = name
        self.name = ""
        self.tables: list[str] = []
        self.sequences: list[tuple[str, int, bool]] = []  # each identity's, as in the template
        self._refill = ""  # the SQL that puts the template's rows back
        self._copy()

    def _connect(self):
        import psycopg

        return psycopg.connect(
            host=str(self.cluster.socket), user=SUPERUSER, dbname=self.name, autocommit=True
        )

    def _copy(self) -> None:
        self.name = self.cluster.new_database(self.template_name)
        with self._connect() as conn:
            self.tables = self._public_tables(conn)
            conn.execute(f'CREATE SCHEMA "{self.SEED}"')
            for table in self.tables:
                conn.execute(f'CREATE TABLE "{self.SEED}"."{table}" AS TABLE public."{table}"')
            self.sequences = []
            for (sequence,) in conn.execute(
                "SELECT pg_get_serial_sequence(format('public.%I', table_name), column_name)"
                " FROM information_schema.columns"
                " WHERE table_schema = 'public' AND is_identity = 'YES'"
            ).fetchall():
                value, called = conn.execute(
                    f"SELECT last_value, is_called FROM {sequence}"
                ).fetchone()
                self.sequences.append((sequence, value, called))
        # A test's few rows go by DELETE, not TRUNCATE (which makes every table's files anew).
        statements = ["BEGIN", "SET LOCAL session_replication_role = replica"]  # no triggers
        for table in self.tables:
            statements.append(f'DELETE FROM public."{table}"')
            statements.append(f'INSERT INTO public."{table}" SELECT * FROM "{self.SEED}"."{table}"')
        for sequence, value, called in self.sequences:
            statements.append(f"SELECT setval('{sequence}', {value}, {str(called).lower()})")
        self._refill = "; ".join([*statements, "COMMIT"])

    @staticmethod
    def _public_tables(conn) -> list[str]:
        rows = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall()
        return [name for (name,) in rows]

    def fresh(self) -> str:
        """The URL of the database, holding exactly its template's rows."""
        with self._connect() as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if self._public_tables(conn) != self.tables:
                self._copy()  # a test changed the schema: start again from the template
                return self.cluster.url(self.name)
            conn.execute(self._refill)  # one round trip, one transaction
        return self.cluster.url(self.name)

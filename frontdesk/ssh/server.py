"""``frontdesk serve``: an SSH server that gives every connection the app and nothing else.

No shell, no command execution, no port, agent or X11 forwarding. The one thing besides
the app: SFTP, read-only, on the member's own export folder (``files``), so that what
they exported on the server can be fetched (``sftp``, and ``scp`` of OpenSSH 9 and later,
which speaks SFTP; the old scp protocol is a command, refused). A staff member signs in
as ``ssh -p 2222 LOGIN@host`` with a public key that an admin gave them (``frontdesk
staff key add``); passwords are never accepted (an attempt is refused, logged and
counted). Each refusal, each login and each file fetched is written to the audit log and
to Python logging, with what the client sent escaped (``escape``); an address that keeps
failing is shut out for a while (``backoff``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import signal
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

from frontdesk import export_folder, store
from frontdesk.i18n import t
from frontdesk.people import keys
from frontdesk.people.actor import Actor
from frontdesk.ssh import files
from frontdesk.ssh.backoff import LoginBackoff
from frontdesk.ssh.channel import StaffChannel
from frontdesk.ssh.escape import printable
from frontdesk.ssh.launcher import Launcher, LauncherGone
from frontdesk.ssh.options import ServeOptions
from frontdesk.ssh.session import AppSession, server_environment
from frontdesk.store import audit
from frontdesk.store.models import Staff

log = logging.getLogger("frontdesk.ssh")

KEEPALIVE_S = 30  # a phone that lost its network is noticed in about 90 s
SHUTDOWN_GRACE_S = 15.0
RELAUNCH_AFTER_S = 60.0  # a pre-forked process that died sooner is not started again


@dataclass
class Hub:
    """What every connection of one server shares."""

    options: ServeOptions
    backoff: LoginBackoff = field(init=False)
    sessions: set[AppSession] = field(default_factory=set)
    launcher: Launcher | None = None
    _numbers: itertools.count = field(default_factory=lambda: itertools.count(1))
    # One thread for the store: lookups and audit entries in the order they were asked for,
    # and never on the event loop (a writer elsewhere may hold the lock for a moment).
    _store_thread: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="frontdesk-ssh-store")
    )

    def __post_init__(self) -> None:
        self.backoff = LoginBackoff(
            after=self.options.backoff_after, base=self.options.backoff_seconds
        )

    async def in_store(self, job: Callable, *args):
        """Run a store job on the store thread, with a connection for its length."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._store_thread, _in_store, job, *args)

    def close(self) -> None:
        self._store_thread.shutdown(wait=True)

    async def start_launcher(self) -> None:
        """Start the pre-forked process that forks each session's app (unless told not to)."""
        if not self.options.prefork:
            return
        launcher = Launcher(self.options.python, self.options.app_module, server_environment())
        try:
            await launcher.start()
        except OSError as error:
            log.error("cannot start the pre-forked process (%s): apps start the slow way", error)
            return
        self.launcher = launcher

    async def start_app(self, session: AppSession, tty: int):
        """The session's app on ``tty``: forked by the pre-forked process, or else started
        as a process of its own (slower: it imports everything itself)."""
        launcher = self.launcher
        if launcher is not None and not launcher.alive:
            age = asyncio.get_running_loop().time() - launcher.started_at
            if age > RELAUNCH_AFTER_S:  # it did not die young: not a crash loop, start another
                self.launcher = None
                await launcher.close()
                await self.start_launcher()
                launcher = self.launcher
        if launcher is not None and launcher.alive:
            try:
                return await launcher.spawn(session.app_args(), session.environment(), tty)
            except LauncherGone as error:
                log.warning("session %s: the pre-forked process failed (%s)", session.name, error)
        return await asyncio.create_subprocess_exec(
            *session.command(),
            stdin=tty,
            stdout=tty,
            stderr=tty,
            env=session.environment(),
            start_new_session=True,
            close_fds=True,
        )

    def next_number(self) -> int:
        return next(self._numbers)


def load_or_create_host_key(path: Path) -> asyncssh.SSHKey:
    """The server's host key, generated once (ed25519, mode 600) and kept at ``path``."""
    path = Path(path).expanduser()
    if not path.exists():
        key = asyncssh.generate_private_key("ssh-ed25519", comment="frontdesk")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another server made it first: use theirs
            return asyncssh.read_private_key(path)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key.export_private_key())
        Path(f"{path}.pub").write_bytes(key.export_public_key())
        log.info("generated the host key %s (%s)", path, key.get_fingerprint())
        return key
    return asyncssh.read_private_key(path)


def _in_store(job: Callable, *args):
    with store.connection():
        return job(*args)


class StaffServer(asyncssh.SSHServer):
    """One connection: who it is, whether their key is theirs, what they may open."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.number = hub.next_number()
        self.session_name = f"ssh:{os.getpid()}.{self.number}"
        self.conn: asyncssh.SSHServerConnection | None = None
        self.address = ""
        self.login = ""
        self.staff: Staff | None = None  # set once authentication has completed
        self.candidate: keys.SignIn | None = None  # a key of theirs, signature still to check
        self.key_id: int | None = None
        self.fingerprint = ""
        self.refusal: tuple[Staff | None, str, list[str]] | None = None
        self.channels = itertools.count(1)
        self.tasks: set[asyncio.Task] = set()

    # -- the connection ------------------------------------------------------------------

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername") or ("?", 0)
        self.address = str(peer[0])
        log.debug("connection %s from %s", self.session_name, self.address)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.staff is not None:
            log.info("%s (%s) signed out", self.login, self.session_name)
            self._audit("logout", self.staff, address=self.address)
        elif self.refusal is not None:
            member, reason, fingerprints = self.refusal
            self._refuse(member, reason, fingerprints=fingerprints)

    # -- authentication ------------------------------------------------------------------

    def begin_auth(self, username: str) -> bool:
        self.login = username
        wait = self.hub.backoff.wait(self.address)
        if wait > 0 and self.conn is not None:
            self._refuse(None, "backoff", count=False, seconds=int(wait) + 1)
            self.conn.disconnect(
                asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE,
                t("ssh.backoff", seconds=int(wait) + 1),
            )
        return True  # everyone must authenticate

    def public_key_auth_supported(self) -> bool:
        return True

    async def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        fingerprint = key.get_fingerprint("sha256")
        decision = await self.hub.in_store(keys.sign_in, username, fingerprint)
        if decision.reason == "ok":
            self.candidate, self.fingerprint = decision, fingerprint
            return True
        offered = self.refusal[2] if self.refusal else []
        if fingerprint not in offered:
            offered.append(fingerprint)
        self.refusal = (decision.staff, decision.reason, offered)
        return False

    def password_auth_supported(self) -> bool:
        # Advertised only so that an attempt is seen, refused, logged and counted.
        return True

    async def validate_password(self, username: str, password: str) -> bool:
        member = await self.hub.in_store(Staff.get_or_none, Staff.login == username.strip().lower())
        self._refuse(member, "password")
        if self.conn is not None:
            with contextlib.suppress(OSError):
                self.conn.send_auth_banner(t("ssh.keys_only") + "\r\n")
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def host_based_auth_supported(self) -> bool:
        return False

    def auth_completed(self) -> None:
        assert self.candidate is not None
        staff = self.candidate.staff
        assert staff is not None  # a candidate is kept only when its key signs someone in
        self.staff, self.key_id = staff, self.candidate.key_id
        self.refusal = None
        self.hub.backoff.succeeded(self.address)
        log.info(
            "%s (%s) signed in from %s with %s as %s",
            self.login,
            staff.role,
            self.address,
            self.fingerprint,
            self.session_name,
        )
        self._audit(
            "login", self.staff, address=self.address, fingerprint=self.fingerprint, key=self.key_id
        )
        if self.key_id is not None:
            self._spawn(self.hub.in_store(keys.mark_used, self.key_id))

    # -- what an authenticated connection may open ---------------------------------------

    def session_requested(self):
        if self.staff is None:
            return False
        limit = self.hub.options.max_sessions
        if len(self.hub.sessions) >= limit:
            log.warning("%s: refused a session, %s already open", self.login, limit)
            self.note_event("session_limit", limit=limit)
            raise asyncssh.ChannelOpenError(
                asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED, t("ssh.too_many_sessions", limit=limit)
            )
        return StaffChannel(AppSession(self.hub, self, next(self.channels)), self)

    def files_session(self) -> asyncssh.SSHServerSession:
        """SFTP on the member's export folder (made if it is not there yet): read-only."""
        assert self.staff is not None
        folder = export_folder.member_folder(self.staff.login)
        return files.files_session(folder, self._files_said)

    def _files_said(self, what: str, detail: dict) -> None:
        if what == "fetch":
            log.info("%s (%s) fetched %s", self.login, self.session_name, _shown(detail))
            self.note_event("fetch", **detail)
        else:
            self.note_refusal(what, **detail)

    def connection_requested(self, dest_host, dest_port, orig_host, orig_port):
        self.note_refusal("forwarding", to=f"{dest_host}:{dest_port}")
        return False

    def server_requested(self, listen_host, listen_port):
        self.note_refusal("forwarding", listen=f"{listen_host}:{listen_port}")
        return False

    def unix_connection_requested(self, dest_path):
        self.note_refusal("forwarding", to=str(dest_path))
        return False

    def unix_server_requested(self, listen_path):
        self.note_refusal("forwarding", listen=str(listen_path))
        return False

    def tun_requested(self, unit):
        return False

    def tap_requested(self, unit):
        return False

    # -- the record ----------------------------------------------------------------------

    def _spawn(self, job) -> None:
        task = asyncio.ensure_future(job)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def _audit(self, action: str, member: Staff | None, **detail) -> None:
        def write() -> None:
            audit.record(
                action,
                "ssh",
                member.id if member else None,
                Actor.member(member) if member else None,
                session=self.session_name,
                login=printable(self.login),
                **detail,
            )

        self._spawn(self.hub.in_store(write))

    def _refuse(self, member: Staff | None, reason: str, count: bool = True, **detail) -> None:
        """Log and audit a refused login; count it against the address unless told not to."""
        if count:
            self.hub.backoff.failed(self.address)
        log.warning("refused %r from %s: %s %s", self.login, self.address, reason, detail or "")
        self._audit("refuse", member, address=self.address, reason=reason, **detail)

    def note_refusal(self, what: str, **detail) -> None:
        """Something a signed-in connection may not open (a shell command, a subsystem,
        forwarding, an SFTP write); what the client sent is escaped in the log and audit."""
        detail = _shown(detail)
        said = " ".join(f"{key}={value}" for key, value in detail.items())
        log.warning("%s (%s): refused %s %s", self.login, self.session_name, what, said)
        self._audit("refuse", self.staff, address=self.address, reason=what, **detail)

    def note_event(self, what: str, **detail) -> None:
        self._audit(what, self.staff, address=self.address, **_shown(detail))


def _shown(detail: dict) -> dict:
    """The texts of ``detail`` as the log and the audit show them (control characters escaped)."""
    return {k: printable(v) if isinstance(v, str) else v for k, v in detail.items()}


async def run_server(
    options: ServeOptions,
    ready: Callable[[asyncssh.SSHAcceptor, asyncssh.SSHKey], None] | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Listen until ``stop`` is set (or SIGTERM / SIGINT), then hang up every session."""
    host_key = load_or_create_host_key(options.host_key)
    hub = Hub(options)
    acceptor = await asyncssh.listen(
        options.host,
        options.port,
        server_factory=lambda: StaffServer(hub),
        server_host_keys=[host_key],
        encoding=None,  # bytes both ways: the app's output goes through untouched
        line_editor=False,
        allow_pty=True,
        agent_forwarding=False,
        x11_forwarding=False,
        allow_scp=False,  # the old scp protocol is a command: refused (scp speaks SFTP now)
        sftp_factory=None,  # SFTP is the member's channel's own (StaffChannel, files)
        public_key_auth=True,
        password_auth=True,
        kbdint_auth=False,
        host_based_auth=False,
        gss_host=None,
        login_timeout=options.login_timeout,
        keepalive_interval=KEEPALIVE_S,
        keepalive_count_max=3,
    )
    await hub.start_launcher()
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, stop.set)
    if ready is not None:
        ready(acceptor, host_key)
    try:
        await stop.wait()
    finally:
        acceptor.close()
        sessions = list(hub.sessions)
        for session in sessions:
            session.hang_up("shutdown")
            if session.task is None and session.chan is not None:
                session.chan.close()  # no app on it (SFTP, or not started yet): just close
        tasks = [s.task for s in sessions if s.task is not None]
        if tasks:
            await asyncio.wait(tasks, timeout=SHUTDOWN_GRACE_S)
        await acceptor.wait_closed()
        if hub.launcher is not None:
            await hub.launcher.close()
        await asyncio.sleep(0)  # let the last audit entries be queued
        hub.close()

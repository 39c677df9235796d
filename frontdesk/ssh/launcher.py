"""The server's side of the pre-forked process (``prefork``): ask it for apps, learn their end.

``Launcher.start()`` starts ``python -m frontdesk.ssh.prefork APP_MODULE FD`` with one end of
a Unix socket pair; ``spawn(args, env, tty)`` sends it a request with the session's pty and
returns a ``LaunchedApp`` once it has forked. ``LaunchedApp`` offers what a session uses of
``asyncio.subprocess.Process``: ``pid``, ``returncode``, ``wait()``, ``send_signal()``.

If the pre-forked process dies, the requests it had not answered fail with
``LauncherGone`` (the server then starts those apps the slow way, ``child``), and the apps
it had started are watched through pidfds until they end: their exit status is lost with
it, so they end with ``LOST_STATUS``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import os
import socket
import subprocess

log = logging.getLogger("frontdesk.ssh")

MESSAGE_BYTES = 64 * 1024
LOST_STATUS = 255  # an app whose exit status went with the pre-forked process
STOP_GRACE_S = 5.0


class LauncherGone(RuntimeError):
    """The pre-forked process is not there to start an app."""


class LaunchedApp:
    """A session's app, forked by the pre-forked process (so not our child to wait for)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._ended = asyncio.get_running_loop().create_future()

    async def wait(self) -> int:
        return await asyncio.shield(self._ended)

    def send_signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def ended(self, returncode: int) -> None:
        if self.returncode is None:
            self.returncode = returncode
            self._ended.set_result(returncode)


class Launcher:
    """One pre-forked process and the apps it started for this server."""

    def __init__(self, python: str, app_module: str, env: dict[str, str]) -> None:
        self.python = python
        self.app_module = app_module
        self.env = env
        self.process: asyncio.subprocess.Process | None = None
        self.started_at = 0.0
        self.ready = asyncio.Event()
        self._sock: socket.socket | None = None
        self._reader: asyncio.Task | None = None
        self._numbers = itertools.count(1)
        self._asked: dict[int, asyncio.Future[LaunchedApp]] = {}
        self._apps: dict[int, LaunchedApp] = {}
        self._stopping = False

    @property
    def alive(self) -> bool:
        return self._sock is not None

    async def start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.process = await asyncio.create_subprocess_exec(
                *(self.python, "-m", "frontdesk.ssh.prefork"),
                *(self.app_module, str(theirs.fileno())),
                stdin=subprocess.DEVNULL,
                env=self.env,
                pass_fds=(theirs.fileno(),),
                start_new_session=True,  # Ctrl+C on the server is the server's to handle
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        ours.setblocking(False)
        self._sock = ours
        self.started_at = asyncio.get_running_loop().time()
        self._reader = asyncio.ensure_future(self._read())
        log.info("pre-forked process %s is importing %s", self.process.pid, self.app_module)

    async def spawn(self, args: list[str], env: dict[str, str], tty: int) -> LaunchedApp:
        """Fork an app on ``tty`` (our copy can be closed once this returns)."""
        if self._sock is None:
            raise LauncherGone("not running")
        number = next(self._numbers)
        answer = asyncio.get_running_loop().create_future()
        self._asked[number] = answer
        request = json.dumps({"id": number, "args": args, "env": env}).encode()
        try:
            socket.send_fds(self._sock, [request], [tty])
        except OSError as error:
            self._asked.pop(number, None)
            raise LauncherGone(str(error)) from error
        return await answer

    async def close(self) -> None:
        """Stop the pre-forked process (the apps it started run on until they hang up)."""
        self._stopping = True
        if self._reader is not None:
            self._reader.cancel()  # closing the socket alone would not wake it
            await asyncio.gather(self._reader, return_exceptions=True)
        self._lost()
        if self.process is None or self.process.returncode is not None:
            return
        try:
            await asyncio.wait_for(self.process.wait(), STOP_GRACE_S)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            await self.process.wait()

    # -- what it says ----------------------------------------------------------------------

    async def _read(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._sock is not None:
                data = await loop.sock_recv(self._sock, MESSAGE_BYTES)
                if not data:
                    break
                self._heard(json.loads(data))
        except (OSError, ValueError) as error:
            log.error("pre-forked process: %s", error)
        finally:
            if not self._stopping:
                log.error("the pre-forked process has gone: apps start the slow way for now")
                self._lost()

    def _heard(self, message: dict) -> None:
        if "ready" in message:
            self.ready.set()
            took = asyncio.get_running_loop().time() - self.started_at
            log.info("pre-forked process %s ready in %.2f s", message["ready"], took)
        elif "exited" in message:
            app = self._apps.pop(message["exited"], None)
            if app is not None:
                app.ended(message["status"])
        elif "id" in message:
            answer = self._asked.pop(message["id"], None)
            if answer is None or answer.done():
                return
            if "pid" in message:
                app = LaunchedApp(message["pid"])
                self._apps[app.pid] = app
                answer.set_result(app)
            else:
                answer.set_exception(LauncherGone(message.get("error", "?")))

    def _lost(self) -> None:
        """The socket is closed or broken: fail what was asked, watch what was started."""
        sock, self._sock = self._sock, None
        if sock is None:
            return
        sock.close()
        for answer in self._asked.values():
            if not answer.done():
                answer.set_exception(LauncherGone("the pre-forked process has gone"))
        self._asked.clear()
        apps, self._apps = self._apps, {}
        for app in apps.values():
            self._watch(app)

    def _watch(self, app: LaunchedApp) -> None:
        """Learn through a pidfd when an app of the departed process ends."""
        loop = asyncio.get_running_loop()
        try:
            pidfd = os.pidfd_open(app.pid)
        except OSError:  # already gone (or no pidfds here)
            app.ended(LOST_STATUS)
            return

        def ended() -> None:
            loop.remove_reader(pidfd)
            os.close(pidfd)
            app.ended(LOST_STATUS)

        loop.add_reader(pidfd, ended)

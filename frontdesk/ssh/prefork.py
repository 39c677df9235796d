"""``python -m frontdesk.ssh.prefork APP_MODULE FD``: start each session's app from a warm process.

Starting Python and importing Textual and the screens costs a session about 0.2 s of CPU
before it draws anything; ten managers connecting at once would pay it ten times over on
the same cores. This process pays it once. It imports ``APP_MODULE`` (and calls its
``preload()``, if it has one), then waits on the Unix socket ``FD`` (from the server) for
requests: a JSON message ``{"id", "args", "env"}`` carrying the session's pty as its one
file descriptor. For each request it forks. The child becomes a session of its own with the
pty as controlling terminal and standard streams, takes the session's environment (and no
other), and runs ``APP_MODULE.main(args)``; its status is the process's exit status.

What it tells the server, in order on the socket: ``{"ready": pid}`` once the imports are
done, ``{"id", "pid"}`` (or ``{"id", "error"}``) for each request, and ``{"exited", "status"}``
when a child ends (``status`` as ``asyncio``'s ``returncode``: ``-N`` for signal N). A pid
is always reported before its exit. When the server goes away (the socket closes), it stops;
the sessions already started carry on until their pty hangs up.

It never opens the store, starts a thread or runs an event loop, so every child starts from
a clean, single-threaded copy of it.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import select
import signal
import socket
import sys
import time
import traceback

from frontdesk.ssh.child import default_signals, take_terminal

MESSAGE_BYTES = 256 * 1024  # a request: arguments and an environment, a few kB
APP_NAME = "frontdesk-app"


def _send(sock: socket.socket, message: dict) -> None:
    with contextlib.suppress(OSError):  # the server is gone: the main loop sees it next
        sock.send(json.dumps(message).encode())


def _exit_code(error: SystemExit) -> int:
    if error.code is None:
        return 0
    if isinstance(error.code, int):
        return error.code
    print(error.code, file=sys.stderr)
    return 1


def run_app(module, tty: int, args: list[str], env: dict[str, str], close: list[int]) -> None:
    """In the forked child: become the session on ``tty``, run the app, and exit (never returns)."""
    status = 1
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        default_signals()  # this process ignores SIGINT; its parent may ignore SIGHUP (nohup)
        for fd in close:
            os.close(fd)
        # What ps -o comm and top show for it (Linux).
        with contextlib.suppress(OSError), open("/proc/self/comm", "w") as comm:
            comm.write(APP_NAME)
        os.setsid()
        take_terminal(tty)
        for fd in (0, 1, 2):
            os.dup2(tty, fd)
        if tty > 2:
            os.close(tty)
        os.environ.clear()
        os.environ.update(env)
        time.tzset()
        sys.argv = [module.__name__, *args]
        status = module.main(args) or 0
    except SystemExit as error:
        status = _exit_code(error)
    except BaseException:
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(status if 0 <= status <= 255 else 1)


def _reap(sock: socket.socket) -> None:
    """Tell the server about every child that has ended."""
    while True:
        try:
            pid, wait_status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _send(sock, {"exited": pid, "status": os.waitstatus_to_exitcode(wait_status)})


def _start(module, sock: socket.socket, data: bytes, fds: list[int], close: list[int]) -> None:
    """One request: fork a child for it and report its pid (or why not)."""
    number = None
    try:
        request = json.loads(data)
        number = request["id"]
        args = [str(arg) for arg in request["args"]]
        env = {str(name): str(value) for name, value in request["env"].items()}
        if len(fds) != 1:
            raise ValueError(f"one terminal expected, {len(fds)} sent")
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        pid = os.fork()
    except Exception as error:  # a malformed request, or no fork: the server uses another way
        for fd in fds:
            os.close(fd)
        _send(sock, {"id": number, "error": repr(error)})
        return
    if pid == 0:
        run_app(module, fds[0], args, env, close)
    os.close(fds[0])
    _send(sock, {"id": number, "pid": pid})


def serve(module_name: str, sock: socket.socket) -> None:
    """Import the app once, then fork a child per request until the server goes away."""
    module = importlib.import_module(module_name)
    preload = getattr(module, "preload", None)
    if preload is not None:
        preload()
    gc.collect()
    gc.freeze()  # the imported objects stay out of the children's collections: shared pages
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_read, False)
    os.set_blocking(wake_write, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so that the wake-up fd is written
    signal.set_wakeup_fd(wake_write)
    close_in_child = [sock.fileno(), wake_read, wake_write]
    _send(sock, {"ready": os.getpid()})
    while True:
        ready, _, _ = select.select([sock, wake_read], [], [])
        if wake_read in ready:
            with contextlib.suppress(BlockingIOError):
                os.read(wake_read, 4096)
            _reap(sock)
        if sock in ready:
            try:
                data, fds, _, _ = socket.recv_fds(sock, MESSAGE_BYTES, 1)
            except OSError:
                return
            if not data:
                return  # the server has gone
            _start(module, sock, data, fds, close_in_child)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m frontdesk.ssh.prefork APP_MODULE FD", file=sys.stderr)
        return 2
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops it, by closing the socket
    with socket.socket(fileno=int(argv[1])) as sock:
        serve(argv[0], sock)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

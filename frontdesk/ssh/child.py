"""``python -m frontdesk.ssh.child MODULE ARGS…``: run MODULE on the pty the server gave.

This is the way without the pre-forked process (``prefork``): ``frontdesk serve
--no-prefork``, or when that process cannot start.

The server starts each session's app in a new session (``setsid``) with the pty on its
standard streams. Here the pty becomes the session's controlling terminal before the app
starts, so that the kernel sends it SIGWINCH when the window changes size and SIGHUP
when the connection drops. (Doing this in the child itself, rather than in a
``preexec_fn`` between fork and exec, keeps the threaded server out of that hazard.)
"""

from __future__ import annotations

import contextlib
import fcntl
import runpy
import signal
import sys
import termios

# A session's app must hear its hang-up whatever the server inherited: a server started
# under ``nohup`` (SIGHUP ignored) would otherwise pass the ignoring on to every app, and a
# dropped connection would leave the app running until the server's SIGTERM.
SESSION_SIGNALS = (signal.SIGHUP, signal.SIGTERM, signal.SIGINT)


def default_signals() -> None:
    """The session's app starts with the default action for its hang-up signals."""
    for signum in SESSION_SIGNALS:
        handler = signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL
        signal.signal(signum, handler)


def take_terminal(fd: int) -> None:
    """Make the tty ``fd`` the controlling terminal of this session (whose leader we are).

    Not a session leader, or not a tty (tests, tools): carry on all the same."""
    with contextlib.suppress(OSError):
        fcntl.ioctl(fd, termios.TIOCSCTTY, 0)


def main(argv: list[str]) -> None:
    if not argv:
        raise SystemExit("usage: python -m frontdesk.ssh.child MODULE [ARGS…]")
    module, *args = argv
    default_signals()
    take_terminal(0)
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])

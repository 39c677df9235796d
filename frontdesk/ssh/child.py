"""``python -m frontdesk.ssh.child MODULE ARGS…``: run MODULE on the pty the server gave.

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
import sys
import termios


def main(argv: list[str]) -> None:
    if not argv:
        raise SystemExit("usage: python -m frontdesk.ssh.child MODULE [ARGS…]")
    module, *args = argv
    # Not a session leader, or no tty (tests, tools): run all the same.
    with contextlib.suppress(OSError):
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])

"""A stand-in app for the pre-forked process's tests: it reports where it runs, then waits.

``main(argv)`` writes one line of JSON to its terminal (its arguments, session, controlling
terminal, size and environment), then reads a line: a number is its exit status, ``boom``
raises. A hang-up (SIGHUP, the default action) ends it as it would end any process, even
when the end of input is read first.
"""

from __future__ import annotations

import json
import os
import signal
import sys

PRELOADED: list[str] = []


def preload() -> None:
    PRELOADED.append("yes")


def main(argv: list[str]) -> int:
    tty = os.open("/dev/tty", os.O_RDWR)  # fails unless the pty is our controlling terminal
    os.close(tty)
    facts = {
        "argv": argv,
        "sys_argv": sys.argv,
        "session_leader": os.getsid(0) == os.getpid(),
        "foreground": os.tcgetpgrp(0) == os.getpgrp(),
        "size": list(os.get_terminal_size(0)),
        "env": dict(os.environ),
        "preloaded": PRELOADED,
    }
    print(json.dumps(facts), flush=True)
    try:
        line = sys.stdin.readline().strip()
    except OSError:  # EIO: the terminal is gone
        line = ""
    if not line:
        # The end of input comes when the terminal hangs up, and may be read a moment before
        # the SIGHUP the server sends with it arrives: wait for it, so the end is the signal's.
        signal.pause()
    if line == "boom":
        raise RuntimeError("boom")
    return int(line)


if __name__ == "__main__":  # started the slow way: python -m frontdesk.ssh.child tests.prefork_app
    raise SystemExit(main(sys.argv[1:]))

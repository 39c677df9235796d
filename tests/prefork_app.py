"""A stand-in app for the pre-forked process's tests: it reports where it runs, then waits.

``main(argv)`` writes one line of JSON to its terminal (its arguments, session, controlling
terminal, size and environment), then reads a line: a number is its exit status, ``boom``
raises. A hang-up (SIGHUP, the default action) ends it as it would end any process.
"""

from __future__ import annotations

import json
import os
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
    line = sys.stdin.readline().strip()
    if line == "boom":
        raise RuntimeError("boom")
    return int(line)


if __name__ == "__main__":  # started the slow way: python -m frontdesk.ssh.child tests.prefork_app
    raise SystemExit(main(sys.argv[1:]))

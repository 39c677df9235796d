"""What ``frontdesk serve`` is told: where to listen, which store, and its limits.

Kept apart from the server so that the command line can show the defaults without
loading the SSH library.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from frontdesk.ssh.backoff import DEFAULT_AFTER, DEFAULT_BASE_S

APP_MODULE = "screens.main"  # what the ``frontdesk`` command runs; named, never imported
HOST_KEY_NAME = "ssh_host_ed25519_key"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 2222
DEFAULT_MAX_SESSIONS = 20
DEFAULT_IDLE_TIMEOUT_S = 60 * 60
LOGIN_TIMEOUT_S = 60


@dataclass
class ServeOptions:
    db: str  # the store the sessions open (a path or a sqlite:/// URL)
    host_key: Path
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    max_sessions: int = DEFAULT_MAX_SESSIONS
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT_S  # seconds without input; 0: never
    backoff_after: int = DEFAULT_AFTER
    backoff_seconds: float = DEFAULT_BASE_S
    login_timeout: float = LOGIN_TIMEOUT_S
    app_module: str = APP_MODULE
    prefork: bool = True  # fork each app from a process that has imported it (``prefork``)
    python: str = sys.executable
    store: str | None = None  # the store of a group's database the sessions work in (--store)


def default_host_key_path(db_file: str | None) -> Path | None:
    """``<the store's folder>/ssh_host_ed25519_key``, or None for a store with no file."""
    if not db_file or db_file == ":memory:":
        return None
    return Path(db_file).expanduser().resolve().parent / HOST_KEY_NAME

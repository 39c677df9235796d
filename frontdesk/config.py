"""Where the store lives and which language the user reads.

Resolution order for both: the command-line option, then the environment
(``FRONTDESK_DB``, ``FRONTDESK_LANG``, ``FRONTDESK_AS``), then the default.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "frontdesk"
DB_FILENAME = "frontdesk.db"
ENV_DB = "FRONTDESK_DB"
ENV_LANG = "FRONTDESK_LANG"
ENV_AS = "FRONTDESK_AS"


def default_db_path() -> Path:
    """The embedded default store: ``frontdesk.db`` in the platform's user data folder."""
    return user_data_path(APP_NAME, appauthor=False) / DB_FILENAME


def resolve_db(option: str | None) -> str:
    """The store to open: a file path or a database URL."""
    return option or os.environ.get(ENV_DB) or str(default_db_path())


def resolve_lang(option: str | None) -> str | None:
    """The language asked for, if any (the catalogue falls back to zh-CN)."""
    return option or os.environ.get(ENV_LANG) or None


def resolve_staff(option: str | None) -> str | None:
    """The staff member this terminal is signed in as (a login or a name), if any."""
    return option or os.environ.get(ENV_AS) or None

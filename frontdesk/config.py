"""Where the store lives, which language the user reads, and where their own keys are.

Resolution order: the command-line option, then the environment (``FRONTDESK_DB``,
``FRONTDESK_STORE``, ``FRONTDESK_LANG``, ``FRONTDESK_AS``, ``FRONTDESK_KEYMAP``), then the default.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path

APP_NAME = "frontdesk"
DB_FILENAME = "frontdesk.db"
ENV_DB = "FRONTDESK_DB"
ENV_STORE = "FRONTDESK_STORE"
ENV_LANG = "FRONTDESK_LANG"
ENV_AS = "FRONTDESK_AS"
ENV_KEYMAP = "FRONTDESK_KEYMAP"
KEYMAP_FILENAME = "keymap.toml"


def default_db_path() -> Path:
    """The embedded default store: ``frontdesk.db`` in the platform's user data folder."""
    return user_data_path(APP_NAME, appauthor=False) / DB_FILENAME


def resolve_db(option: str | None) -> str:
    """The store to open: a file path or a database URL."""
    return option or os.environ.get(ENV_DB) or str(default_db_path())


def resolve_store(option: str | None) -> str | None:
    """The store of the database this terminal works in (its code), if named: a dealer
    group's database holds many; a showroom's file is one and needs none."""
    return option or os.environ.get(ENV_STORE) or None


def resolve_lang(option: str | None) -> str | None:
    """The language asked for, if any (the catalogue falls back to zh-CN)."""
    return option or os.environ.get(ENV_LANG) or None


def resolve_staff(option: str | None) -> str | None:
    """The staff member this terminal is signed in as (a login or a name), if any."""
    return option or os.environ.get(ENV_AS) or None


def default_keymap_path() -> Path:
    """The user's own keys: ``keymap.toml`` in the platform's user config folder (on Linux
    ``~/.config/frontdesk/keymap.toml``)."""
    return user_config_path(APP_NAME, appauthor=False) / KEYMAP_FILENAME


def resolve_keymap() -> Path:
    """The keymap file to read (it need not exist): ``FRONTDESK_KEYMAP`` or the default."""
    return Path(os.environ.get(ENV_KEYMAP) or default_keymap_path())

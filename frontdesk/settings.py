"""Store settings kept in the ``setting`` table (store name, first-run state, …)."""

from __future__ import annotations

from frontdesk.models import Setting, database

STORE_NAME = "store_name"
WELCOMED = "welcomed"


def get(key: str, default: str = "") -> str:
    row = Setting.get_or_none(Setting.key == key)
    return row.value if row else default


def put(key: str, value: str) -> None:
    with database.atomic():
        Setting.insert(key=key, value=value).on_conflict_replace().execute()


def store_name() -> str:
    return get(STORE_NAME)


def is_welcomed() -> bool:
    return get(WELCOMED) == "1"

"""Store settings kept in the ``setting`` table (store name, first-run state, follow-up
intervals, …)."""

from __future__ import annotations

from frontdesk import rules
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


FOLLOW_UP_DAYS = "follow_up_days."  # + level: days between follow-ups (H → follow_up_days.H)


def follow_up_days() -> dict[str, int]:
    """Days between follow-ups by intent level: the store's settings over the seed's defaults."""
    days = dict(rules.FOLLOW_UP_DAYS)
    for row in Setting.select().where(Setting.key.startswith(FOLLOW_UP_DAYS)):
        level = row.key.removeprefix(FOLLOW_UP_DAYS)
        if level in days and row.value.strip().isdigit() and int(row.value) > 0:
            days[level] = int(row.value)
    return days

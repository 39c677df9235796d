"""Store settings kept in the ``setting`` table (store name, first-run state, follow-up
intervals, when a silent customer counts as lost, when overdue follow-ups take a consultant
out of the up rotation, what the statistics' rates divide by,
the SSH server's limits).

``known()`` lists the ones an admin may change (``frontdesk settings``), each with its
kind, its default and its lower bound, checked by ``change``; the others (first-run state,
last backup) are the program's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk import clock, rules
from frontdesk.errors import ValidationError
from frontdesk.i18n import t
from frontdesk.people import roles
from frontdesk.people.actor import Actor
from frontdesk.store import audit
from frontdesk.store.models import IntervalChange, Setting, database

STORE_NAME = "store_name"
WELCOMED = "welcomed"


def get(key: str, default: str = "") -> str:
    row = Setting.get_or_none(Setting.key == key)
    return row.value if row else default


def put(key: str, value: str) -> None:
    with database.atomic():
        Setting.insert(key=key, value=value).on_conflict(
            conflict_target=[Setting.store_id, Setting.key], update={Setting.value: value}
        ).execute()


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


# A customer with no contact for this many days goes into the review queue as lost (失控),
# as if their consultant had applied (``followup.close_review``); 0, the default: never.
AUTO_LOST_DAYS = "follow_up.auto_lost_days"

# A consultant with this many overdue follow-ups (open intent customers due before today)
# or more is out of the up rotation until they catch up (``people.team``); 0, the default: off.
ROTATION_OVERDUE_OUT = "rotation.overdue_out"

# What the statistics' test-drive, quote and order rates divide by (考核口径): the first-visit
# parties (首次来店批次, the common OEM convention: the default) or all walk-in parties.
RATE_BASE = "stats.rate_base"
RATE_BASES = ("first", "all")

SSH_MAX_SESSIONS = "ssh.max_sessions"
SSH_IDLE_MINUTES = "ssh.idle_timeout_minutes"
SSH_BACKOFF_AFTER = "ssh.backoff_after"
SSH_BACKOFF_SECONDS = "ssh.backoff_seconds"


@dataclass(frozen=True)
class Known:
    """A setting an admin may change: ``kind`` is "text", "int", "number" or "choice" (one
    of ``choices``)."""

    key: str
    kind: str
    default: str
    minimum: float = 0
    choices: tuple[str, ...] = ()

    @property
    def description(self) -> str:
        return t(f"settings.about.{self.key}")


def _known() -> dict[str, Known]:
    # The SSH server's defaults, without loading the SSH library.
    from frontdesk.ssh.backoff import DEFAULT_AFTER, DEFAULT_BASE_S
    from frontdesk.ssh.options import DEFAULT_IDLE_TIMEOUT_S, DEFAULT_MAX_SESSIONS

    known = [
        Known(STORE_NAME, "text", ""),
        *(
            Known(f"{FOLLOW_UP_DAYS}{level}", "int", str(days), minimum=1)
            for level, days in rules.FOLLOW_UP_DAYS.items()
        ),
        Known(AUTO_LOST_DAYS, "int", "0"),
        Known(ROTATION_OVERDUE_OUT, "int", "0"),
        Known(RATE_BASE, "choice", RATE_BASES[0], choices=RATE_BASES),
        Known(SSH_MAX_SESSIONS, "int", str(DEFAULT_MAX_SESSIONS), minimum=1),
        Known(SSH_IDLE_MINUTES, "number", f"{DEFAULT_IDLE_TIMEOUT_S / 60:g}"),
        Known(SSH_BACKOFF_AFTER, "int", str(DEFAULT_AFTER), minimum=1),
        Known(SSH_BACKOFF_SECONDS, "number", f"{DEFAULT_BASE_S:g}"),
    ]
    return {entry.key: entry for entry in known}


def known_setting(key: str) -> Known:
    """The description of one setting an admin may change (KeyError for any other)."""
    return _known()[key]


def number(key: str) -> int | float:
    """A numeric setting as stored, else its default (also when the stored text no longer
    reads as a number: it was written by hand)."""
    entry = known_setting(key)
    kind = int if entry.kind == "int" else float
    try:
        return kind(get(key) or entry.default)
    except ValueError:
        return kind(entry.default)


def known() -> list[tuple[Known, str | None]]:
    """Every setting an admin may change, with its stored value (None: the default holds)."""
    stored = {row.key: row.value for row in Setting.select()}
    return [(entry, stored.get(key)) for key, entry in _known().items()]


def _named(entry: Known) -> dict[str, str]:
    """A setting is named by its key, as ``frontdesk settings set`` takes it."""
    return {entry.key: entry.key}


def _checked(entry: Known, raw: str) -> str:
    value = raw.strip()
    if entry.kind == "text":
        try:
            value = rules.clean_text(value, rules.MAX_NAME)
        except ValueError:
            raise ValidationError(
                {entry.key: t("error.too_long", limit=rules.MAX_NAME)}, _named(entry)
            ) from None
        if not value:
            raise ValidationError({entry.key: t("error.required")}, _named(entry))
        return value
    if entry.kind == "choice":
        if value.lower() not in entry.choices:
            choices = t("settings.choice_or").join(entry.choices)
            raise ValidationError(
                {entry.key: t("settings.not_choice", choices=choices)}, _named(entry)
            )
        return value.lower()
    try:
        number = int(value) if entry.kind == "int" else float(value)
    except ValueError:
        raise ValidationError({entry.key: t(f"settings.not_{entry.kind}")}, _named(entry)) from None
    if not number >= entry.minimum or number > 1_000_000:  # NaN fails the first test
        raise ValidationError(
            {entry.key: t("settings.out_of_range", minimum=f"{entry.minimum:g}")}, _named(entry)
        )
    return str(number) if entry.kind == "int" else f"{number:g}"


def _keep_interval_change(level: str, stored: str | None) -> None:
    """Keep a level's interval change (``IntervalChange``): the past keeps the days before."""
    before = follow_up_days()[level]
    after = int(stored) if stored is not None else rules.FOLLOW_UP_DAYS[level]
    if after != before:
        IntervalChange.create(level=level, days_before=before, days_after=after, at=clock.now())


def change(key: str, value: str | None, *, by: Actor) -> str:
    """Set a known setting (``value`` None: back to its default); returns what is stored
    now, or the default. A follow-up interval changes every open customer's due date, in
    the same transaction."""
    roles.require(by, roles.SETTINGS_MANAGE)
    entry = _known().get(key)
    if entry is None:
        raise ValidationError({"key": t("settings.unknown", key=key)})
    stored = None if value is None else _checked(entry, value)
    with database.atomic():
        if key.startswith(FOLLOW_UP_DAYS):
            _keep_interval_change(key.removeprefix(FOLLOW_UP_DAYS), stored)
        if stored is None:
            Setting.delete().where(Setting.key == key).execute()
        else:
            put(key, stored)
        if key.startswith(FOLLOW_UP_DAYS):
            from frontdesk.followup import contacts  # it reads the settings: imported when needed

            contacts.recompute_follow_up(history=False)
        audit.record("setting", "setting", None, by, key=key, value=stored)
    return entry.default if stored is None else stored

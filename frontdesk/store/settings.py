"""Store settings kept in the ``setting`` table (store name, first-run state, follow-up
intervals, when a silent customer counts as lost, when overdue follow-ups take a consultant
out of the up rotation, what the statistics' rates divide by,
the SSH server's limits), with the group's defaults (集团默认) in ``group_setting``.

A store's setting holds its own value, else the group's default, else the program's
built-in default (``store.layers``): ``get`` reads it so, ``holding`` says which of the
three holds each one. ``known()`` lists the ones an admin may change (``frontdesk
settings``), each with its kind, its default and its lower bound, checked by ``change``;
the others (first-run state, last backup) are the program's own. A group manager sets a
group default (``change(…, group=True)``) for every setting but those a store keeps for
itself (``Known.own_only``): its name, and the follow-up intervals, which each store's due
dates are computed from in the transaction that changes one.
"""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk import clock, rules
from frontdesk.errors import ValidationError
from frontdesk.i18n import t
from frontdesk.people import roles
from frontdesk.people.actor import Actor
from frontdesk.store import audit, dialect, layers, rows
from frontdesk.store.models import GroupSetting, IntervalChange, Setting, database

STORE_NAME = "store_name"
WELCOMED = "welcomed"


def get(key: str, default: str = "") -> str:
    """The setting the store uses: its own value, else the group's, else ``default``."""
    found = next(rows.tuples(layers.SETTINGS.rows("value", holder=key)), None)
    return found[0] if found else default


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
    query = layers.SETTINGS.rows("key", "value", where=lambda m: m.key.startswith(FOLLOW_UP_DAYS))
    for key, value, _ in rows.tuples(query):
        level = key.removeprefix(FOLLOW_UP_DAYS)
        if level in days and value.strip().isdigit() and int(value) > 0:
            days[level] = int(value)
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


OWN_INTERVALS = "settings.own_intervals"


@dataclass(frozen=True)
class Known:
    """A setting an admin may change: ``kind`` is "text", "int", "number" or "choice" (one
    of ``choices``)."""

    key: str
    kind: str
    default: str
    minimum: float = 0
    choices: tuple[str, ...] = ()
    # Why the group sets no default of it (a catalogue key), or "": the group may.
    own_only: str = ""

    @property
    def description(self) -> str:
        return t(f"settings.about.{self.key}")


def _known() -> dict[str, Known]:
    # The SSH server's defaults, without loading the SSH library.
    from frontdesk.ssh.backoff import DEFAULT_AFTER, DEFAULT_BASE_S
    from frontdesk.ssh.options import DEFAULT_IDLE_TIMEOUT_S, DEFAULT_MAX_SESSIONS

    known = [
        Known(STORE_NAME, "text", "", own_only="settings.own_name"),
        *(
            Known(f"{FOLLOW_UP_DAYS}{level}", "int", str(days), minimum=1, own_only=OWN_INTERVALS)
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
    """Every setting an admin may change, with the store's own value (None: the group's
    default or the built-in one holds: ``holding``)."""
    stored = dict(rows.tuples(Setting.select(Setting.key, Setting.value)))
    return [(entry, stored.get(key)) for key, entry in _known().items()]


@dataclass(frozen=True)
class Held:
    """A setting as a store uses it: the value, and where it comes from (``layers.STORE``,
    ``GROUP`` or ``BUILT_IN``: the entry's default)."""

    entry: Known
    value: str
    source: str


def holding() -> list[Held]:
    """Every setting an admin may change, the value the store uses and its source."""
    used = {
        key: (value, level)
        for key, value, level in rows.tuples(layers.SETTINGS.rows("key", "value"))
    }
    return [
        Held(entry, *used.get(key, (entry.default, layers.BUILT_IN)))
        for key, entry in _known().items()
    ]


def group_defaults() -> list[Held]:
    """Every setting an admin may change as the group sets it: its default (``GROUP``) or
    the built-in one; a setting each store keeps for itself is left out."""
    stored = dict(rows.tuples(GroupSetting.select(GroupSetting.key, GroupSetting.value)))
    return [
        Held(entry, stored[key], layers.GROUP)
        if key in stored
        else Held(entry, entry.default, layers.BUILT_IN)
        for key, entry in _known().items()
        if not entry.own_only
    ]


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


def change(key: str, value: str | None, *, by: Actor, group: bool = False) -> str:
    """Set a known setting (``value`` None: back to what holds without it); returns the
    value that holds now. A follow-up interval changes every open customer's due date, in
    the same transaction. ``group``: the group's default, a group manager's
    (``roles.GROUP_DEFAULTS``), used by every store without its own value."""
    if group:
        return _change_group(key, value, by)
    roles.require(by, roles.SETTINGS_MANAGE)
    entry = _entry(key)
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
        return get(key, entry.default)


def _entry(key: str) -> Known:
    entry = _known().get(key)
    if entry is None:
        raise ValidationError({"key": t("settings.unknown", key=key)})
    return entry


def _change_group(key: str, value: str | None, by: Actor) -> str:
    """Set or clear the group's default of a setting (see ``change``)."""
    roles.require(by, roles.GROUP_DEFAULTS)
    entry = _entry(key)
    if entry.own_only:
        raise ValidationError({"key": t(entry.own_only, key=key)})
    stored = None if value is None else _checked(entry, value)
    with dialect.group_write(database):
        if stored is None:
            GroupSetting.delete().where(GroupSetting.key == key).execute()
        else:
            GroupSetting.insert(key=key, value=stored).on_conflict(
                conflict_target=[GroupSetting.key], update={GroupSetting.value: stored}
            ).execute()
        audit.record("group_setting", "setting", None, by, key=key, value=stored)
    return entry.default if stored is None else stored

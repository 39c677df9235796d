"""The ranges of what a user can type: days, months and record numbers (日期、月份与编号的范围).

A showroom asks about days from 2000-01-01 (older paper is not typed in) to a year ahead
(the agreed follow-ups of the coming year); a month is one of those days' months. Outside
them a date is a slip of the keyboard (``9999-12-31``, ``0001-01``) that would only end in
an overflow of date arithmetic, so it is refused here with a sentence that says the range.
A record number (编号) is a positive SQLite integer.

Every command, form and screen reads days, months and numbers through this module: one
parser, one range, one message.
"""

from __future__ import annotations

import datetime as dt

from frontdesk import clock, rules
from frontdesk.errors import ValidationError
from frontdesk.i18n import t
from frontdesk.months import month_of
from frontdesk.months import parse_month as read_month

FIRST_DAY = dt.date(2000, 1, 1)
YEAR_AHEAD = dt.timedelta(days=366)  # a year, leap day included
MAX_ID = 2**63 - 1  # SQLite's largest integer


def last_day(today: dt.date | None = None) -> dt.date:
    """The latest day a user may ask about: a year after today."""
    return (today or clock.today()) + YEAR_AHEAD


def day_in_range(day: dt.date, today: dt.date | None = None) -> bool:
    return FIRST_DAY <= day <= last_day(today)


def month_in_range(month: dt.date, today: dt.date | None = None) -> bool:
    """Whether a month (any day of it) is one a user may ask about."""
    return month_of(FIRST_DAY) <= month_of(month) <= month_of(last_day(today))


def day_range_message(today: dt.date | None = None) -> str:
    return t("error.day_range", first=FIRST_DAY.isoformat(), last=last_day(today).isoformat())


def month_range_message(today: dt.date | None = None) -> str:
    return t(
        "error.month_range",
        first=FIRST_DAY.strftime("%Y-%m"),
        last=last_day(today).strftime("%Y-%m"),
    )


def check_day(day: dt.date, field: str = "date") -> dt.date:
    """``day`` if it is in range; a ValidationError saying the range on ``field`` if not."""
    if not day_in_range(day):
        raise ValidationError({field: day_range_message()})
    return day


def check_month(month: dt.date, field: str = "month") -> dt.date:
    """The first day of ``month`` if it is in range; a ValidationError saying it if not."""
    if not month_in_range(month):
        raise ValidationError({field: month_range_message()})
    return month_of(month)


def parse_day(text: str | None, field: str = "date") -> dt.date:
    """``YYYY-MM-DD`` (full-width digits too) within the range; a ValidationError on
    ``field`` otherwise."""
    try:
        day = dt.date.fromisoformat(rules.fold_width(text).strip())
    except ValueError:
        raise ValidationError({field: t("error.date")}) from None
    return check_day(day, field)


def parse_month(text: str | None, field: str = "month") -> dt.date:
    """``YYYY-MM`` (or ``YYYY/MM``, ``YYYYMM``) within the range → the month's first day;
    a ValidationError on ``field`` otherwise."""
    try:
        month = read_month(text)
    except ValueError:
        raise ValidationError({field: t("error.month")}) from None
    return check_month(month, field)


def check_id(value: int, field: str = "id") -> int:
    """A record number from 1 to ``MAX_ID``; a ValidationError saying the range if not."""
    if not 1 <= value <= MAX_ID:
        raise ValidationError({field: t("error.id_range", max=MAX_ID)})
    return value

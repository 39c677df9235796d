"""Months (月份): how the forms name a month, and the arithmetic on them, in one place.

The paper forms are kept a month at a time — the month sheet of the statistics (展厅来店(电)
统计表) has a row for each day 1–31, the contact table (意向客户接触状况表) a column for
each. A month is its first day (``dt.date(2026, 11, 1)``) and runs to the first day of the
next, half-open; users type it ``YYYY-MM`` (also ``YYYY/MM`` or ``YYYYMM``). What months a
user may ask about at all is ``frontdesk.bounds``'s to say.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

MONTH_FORMATS = ("%Y-%m", "%Y/%m", "%Y%m")


def month_of(day: dt.date) -> dt.date:
    """The month ``day`` falls in (its first day)."""
    return day.replace(day=1)


def shift_month(month: dt.date, delta: int) -> dt.date:
    """The month ``delta`` months after ``month`` (before it, for a negative ``delta``)."""
    index = month.year * 12 + month.month - 1 + delta
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(month: dt.date) -> dt.date:
    """The first day of the next month: the month is the half-open [month, end)."""
    return shift_month(month_of(month), 1)


def days_in_month(month: dt.date) -> int:
    return (month_end(month) - month_of(month)).days


def month_days(month: dt.date) -> list[dt.date]:
    """Every day of the month, the 1st to the last."""
    first = month_of(month)
    return [first + dt.timedelta(days=n) for n in range(days_in_month(first))]


def parse_month(text: str | None) -> dt.date:
    """A typed month (``YYYY-MM``, ``YYYY/MM`` or ``YYYYMM``, full-width digits too) → its
    first day; ValueError when it is none of them."""
    raw = unicodedata.normalize("NFKC", text or "").strip()
    for fmt in MONTH_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(raw)

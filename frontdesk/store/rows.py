"""Typed rows of a query read as dictionaries or tuples.

Peewee's type stubs say that iterating a ``.dicts()`` or ``.tuples()`` query yields model
instances; it yields dictionaries and tuples. These helpers say what the rows really are,
in one place, so that the code reading them is checked against that; and the day or moment
a raw statement read, whichever engine's type it came as (``day``, ``moment``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, cast


def dicts(query: Any) -> Iterator[dict[str, Any]]:
    """The rows of ``query.dicts()``, by column name (or alias)."""
    return iter(cast("list[dict[str, Any]]", query.dicts()))


def tuples(query: Any) -> Iterator[tuple[Any, ...]]:
    """The rows of ``query.tuples()``, in the order of the selected columns."""
    return iter(cast("list[tuple[Any, ...]]", query.tuples()))


def day(value: Any) -> dt.date:
    """A day read by raw SQL: SQLite's text ``YYYY-MM-DD`` or PostgreSQL's date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def moment(value: Any) -> dt.datetime:
    """A moment read by raw SQL: SQLite's text or PostgreSQL's timestamp."""
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))

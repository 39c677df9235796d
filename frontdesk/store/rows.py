"""Typed rows of a query read as dictionaries or tuples.

Peewee's type stubs say that iterating a ``.dicts()`` or ``.tuples()`` query yields model
instances; it yields dictionaries and tuples. These helpers say what the rows really are,
in one place, so that the code reading them is checked against that.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast


def dicts(query: Any) -> Iterator[dict[str, Any]]:
    """The rows of ``query.dicts()``, by column name (or alias)."""
    return iter(cast("list[dict[str, Any]]", query.dicts()))


def tuples(query: Any) -> Iterator[tuple[Any, ...]]:
    """The rows of ``query.tuples()``, in the order of the selected columns."""
    return iter(cast("list[tuple[Any, ...]]", query.tuples()))

"""The group view of F7's month pages (跟进达成, 战败分析), a group manager's: the group's
table (``frontdesk.reports.group_tables``: a header, each store's row, the group's total
last), drawn with its figures right-aligned and its total bold. The key ``g`` that switches
a page between this store and the group is F5's (``bindings.group_key``)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

NAMES = 2  # the store's code and name; the figures after them


def group_table(rows: Sequence[Sequence[str]]) -> Table:
    """``rows`` (the header first, the group's total last) as a table."""
    header, *lines = rows
    table = Table(box=None, padding=(0, 1, 0, 0), show_edge=False, header_style="dim")
    for index, label in enumerate(header):
        table.add_column(Text(label), no_wrap=True, justify="left" if index < NAMES else "right")
    for number, line in enumerate(lines, start=1):
        style = "bold" if number == len(lines) else ""
        table.add_row(*(Text(cell, style=style) for cell in line))
    return table

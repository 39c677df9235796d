"""The group view of F7's month pages (跟进达成, 战败分析), a group manager's: the CLI's
table of the group (a header, each store's row, the group's total last), drawn as a table
whose figures are right-aligned and whose total is bold; and the key ``g`` that switches a
page between this store and the group (F5's key, the same words)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.binding import Binding

NAMES = 2  # the store's code and name; the figures after them


def group_key(page: str) -> Binding:
    """``g`` on ``page``: its action ``{page}_group``, under F5's label and help."""
    return Binding(
        "g", f"{page}_group", "stats.key.group", tooltip="stats.help.group_key", id=f"{page}-group"
    )


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

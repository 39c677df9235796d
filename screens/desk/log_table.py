"""The day's log as a table (today's log, F4): its columns, their cells, and its keys.

The paper form's columns (来店(电)客户登记表) fit the first 80 cells in either language:
short marks (首/再; ✓ under 试报订; 来电 where a call has no time out) and names, models,
channels and consultants cut with … at a fixed width, so no long text pushes the others
off screen. The minutes in the showroom and the notes start past them, reached with → .
Home and End go to the first and the last row.

User text is drawn as typed, never as markup.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.cells import cell_len
from rich.control import strip_control_codes
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from frontdesk import rules
from frontdesk.desk import day_log as daylog
from frontdesk.i18n import t
from screens.bindings import translate_bindings
from screens.widgets import FdTable


@dataclass(frozen=True)
class LogColumn:
    """A column of the log: its heading (``log.<key>`` in the catalogue), the most cells
    its text may take (longer text is cut with …; the form, ``e``, shows all of it), and
    whether it is a number, set to the right."""

    key: str
    cap: int | None = None
    right: bool = False


# The paper form's columns, in its order. With every capped text at its cap, a 3-digit 序
# and a 4-digit area code they take 79 cells in either language (CJK counts two; each
# column one more for the gap after it): they fit 80 columns beside a one-cell scrollbar.
PAPER = (
    LogColumn("col_no", right=True),
    LogColumn("col_time_in"),
    LogColumn("col_time_out"),  # the time out; 在店 while in; 未登 left unrecorded; 来电 a call
    LogColumn("col_visit"),
    LogColumn("col_name", cap=8),
    LogColumn("col_phone"),
    LogColumn("col_party", right=True),
    LogColumn("col_model", cap=6),
    LogColumn("col_channel", cap=7),
    LogColumn("col_level"),
    LogColumn("col_consultant", cap=6),
    LogColumn("col_flags"),
)
# Past the paper form, reached with →: what it leaves to the reader (the minutes in the
# showroom) or to the margin (notes). They start past the first 80 cells, so that at 80
# columns none of them shows half a heading.
REST = (
    LogColumn("col_stay", right=True),
    LogColumn("col_notes", cap=30),
)
COLUMNS = PAPER + REST
FIRST_PAGE = 80  # cells
GAP = 1  # cells between two columns
YES, NO = "✓", "·"
_STYLES: dict[str, Style] = {"": Style.null()}  # a cell's style by its name


def cut(text: str, cells: int | None) -> str:
    """``text`` in at most ``cells`` terminal cells (CJK counts two), or cut short with …"""
    if cells is None or cell_len(text) <= cells:
        return text
    kept, width = [], 0
    for char in text:
        width += cell_len(char)
        if width > cells - 1:
            break
        kept.append(char)
    return "".join(kept) + "…"


def flag_marks(heading: str, flags: tuple[bool, bool, bool]) -> str:
    """✓ or · under each letter of the heading (试报订: test drive, quote, order), as the
    paper form ticks its three columns; a heading without three letters gets ✓/✓/·."""
    letters = [i for i, char in enumerate(heading) if not char.isspace() and char != "/"]
    marks = [YES if flag else NO for flag in flags]
    if len(letters) != len(marks):
        return "/".join(marks)
    cells = [" " * cell_len(char) for char in heading]
    for index, mark in zip(letters, marks, strict=True):
        cells[index] = mark.ljust(cell_len(heading[index]))
    return "".join(cells).rstrip()


def row_cells(row: daylog.LogRow, now: dt.datetime) -> list[LogCell]:
    """One registration as the log's cells, long text cut to its column."""
    stay = row.stay_minutes(now)
    if row.kind != "walkin":
        time_out = t("log.mark_call")
    elif row.left_unrecorded:  # 离店未登记, marked at the close-out
        time_out = t("log.left_mark")
    elif row.time_out is None:  # still in the showroom
        time_out = t("log.open_mark")
    else:
        time_out = row.time_out.strftime("%H:%M")
    texts = [
        str(row.number),
        row.time_in.strftime("%H:%M"),
        time_out,
        t(f"log.mark_{row.visit}"),
        row.name,
        rules.format_phone(row.phone),
        str(row.party_size) if row.kind == "walkin" else "",
        row.model,
        row.channel,
        row.level or "",
        row.consultant,
        flag_marks(t("log.col_flags"), (row.test_drive, row.quote, row.ordered)),
        "" if stay is None else str(stay),
        " ".join(row.notes.split()),  # the notes' lines on one line
    ]
    style = "bold" if row.is_open else ""
    return [
        LogCell(cut(text, column.cap), style, column.right)
        for column, text in zip(COLUMNS, texts, strict=True)
    ]


class LogCell:
    """A cell of the log: its text drawn as it is (user text: never markup).

    It has no ``__rich_measure__``, so the table does not measure each of a busy day's
    thousands of cells through the console one by one (most of the start-up time of a
    day with 500 rows); ``set_columns`` sizes the columns itself, from ``cell_len``. It is
    drawn as one segment of text, not through a Rich ``Text`` (which splits, wraps and
    justifies it first): a third less work for each cell the first frame of the log draws.
    """

    __slots__ = ("plain", "right", "style")

    def __init__(self, plain: str, style: str = "", right: bool = False) -> None:
        self.plain = plain
        self.style = style
        self.right = right

    def __rich_console__(self, console, options):
        plain = self.plain
        if self.right:  # against the gap that ends the column
            plain = " " * (options.max_width - GAP - cell_len(plain)) + plain
        if "\n" in plain or "\t" in plain:  # not from row_cells: Rich's lines and tabs
            yield Text(plain, style=self.style, no_wrap=True, end="")
            return
        if not plain:
            return  # an empty cell: the padding fills it
        style = _STYLES.get(self.style)
        if style is None:
            style = _STYLES[self.style] = Style.parse(self.style)
        yield Segment(strip_control_codes(plain), style)  # as Text strips them

    def __str__(self) -> str:
        return self.plain

    @property
    def cell_len(self) -> int:
        return cell_len(self.plain)


def column_widths(labels: list[str], rows: list[list[LogCell]]) -> list[int]:
    """Each column as wide as its widest cell or its heading (wide CJK characters count 2)."""
    widths = [cell_len(label) for label in labels]
    for cells in rows:
        widths = [max(width, cell.cell_len) for width, cell in zip(widths, cells, strict=True)]
    return widths


def set_columns(table: DataTable, cells: list[list[LogCell]]) -> None:
    """Head ``table`` with the log's columns, each as wide as its widest cell or heading;
    the paper form's take the first page, the rest start past it."""
    labels = [t(f"log.{column.key}") for column in COLUMNS]
    widths = column_widths(labels, cells)
    paper = sum(width + GAP for width in widths[: len(PAPER)])
    widths[len(PAPER) - 1] += max(0, FIRST_PAGE - paper)
    for column, label, width in zip(COLUMNS, labels, widths, strict=True):
        if column.right:
            label = " " * (width - cell_len(label)) + label
        table.add_column(Text(label, no_wrap=True), width=width + GAP, key=column.key)


class LogTable(FdTable):
    """The log's rows: Home and End go to the first and the last row, as in the contact
    table (DataTable's own Home and End scroll to the first and the last column), and
    ← → turn sideways by whole columns: to the minutes and the notes, and back.
    """

    BINDINGS = [
        Binding("home", "scroll_top", "log.key_first", show=False, id="first-row"),
        Binding("end", "scroll_bottom", "log.key_last", show=False, id="last-row"),
        Binding("left", "sideways(-1)", "log.key_left", show=False, id="columns-left"),
        Binding("right", "sideways(1)", "log.key_right", show=False, id="columns-right"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        translate_bindings(self)

    def settle(self) -> None:
        """Measure the rows just added now, not when the table is next idle: DataTable waits
        for that, after a first frame drawn without them measured — the cursor's row (the
        last, at start) is scrolled to a frame later, and the table drawn twice. Textual's
        own step, taken early; without it (another Textual) the table waits as it did."""
        if getattr(self, "_require_update_dimensions", False) and hasattr(self, "_new_rows"):
            self._require_update_dimensions = False
            new_rows = self._new_rows.copy()
            self._new_rows.clear()
            self._update_dimensions(new_rows)

    def action_sideways(self, step: int) -> None:
        """→: the first column not wholly in view comes to the left edge (or as near as
        the table's end allows); ←: back as far as one view's width, to a column's start."""
        starts, ends, x = [], [], 0
        for column in self.ordered_columns:
            starts.append(x)
            x += column.get_render_width(self)
            ends.append(x)
        left, view = round(self.scroll_x), self.scrollable_content_region.width
        if step > 0:
            hidden = [start for start, end in zip(starts, ends, strict=True) if end > left + view]
            target = min(hidden[0], self.max_scroll_x) if hidden else left
        else:
            target = next((start for start in starts if start >= left - view), 0)
        self.scroll_to(x=target, animate=False)

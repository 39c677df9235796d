"""The day's log as a table (today's log, F4): its columns, their cells, and its keys.

The paper form's columns (来店(电)客户登记表) fit the first 80 cells in either language:
short marks (首/再; ✓ under 试报订; 来电 where a call has no time out) and names, models,
channels and consultants cut with … at a fixed width, so no long text pushes the others
off screen. The minutes in the showroom and the notes start past them, reached with → .
Home and End go to the first and the last row.

``LogGrid`` draws them: a virtual grid (as the contact table's ``ContactGrid``) that
renders only the lines on screen, from segments of plain text — user text is drawn as
typed, never as markup.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from frontdesk import rules
from frontdesk.desk import day_log as daylog
from frontdesk.i18n import t
from screens.bindings import translate_bindings
from screens.widgets import (
    BarsWhereScrolled,
    grid_bindings,
    row_in_view,
    set_virtual_size,
    top_to_show,
)


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
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # never sent to the terminal


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
        LogCell(cut(_CONTROL.sub(" ", text), column.cap), style, column.right)
        for column, text in zip(COLUMNS, texts, strict=True)
    ]


class LogCell:
    """A cell of the log: its text, drawn as it is (user text: never markup), its style
    (``bold`` for a party still in) and whether it is set to the right."""

    __slots__ = ("plain", "right", "style")

    def __init__(self, plain: str, style: str = "", right: bool = False) -> None:
        self.plain = plain
        self.style = style
        self.right = right

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


def column_layout(cells: list[list[LogCell]]) -> tuple[list[str], list[int]]:
    """The log's headings and the cells each column takes (with the gap after it), each
    as wide as its widest cell or heading; the paper form's take the first page, the rest
    start past it."""
    labels = [t(f"log.{column.key}") for column in COLUMNS]
    widths = column_widths(labels, cells)
    paper = sum(width + GAP for width in widths[: len(PAPER)])
    widths[len(PAPER) - 1] += max(0, FIRST_PAGE - paper)
    headings = [
        " " * (width - cell_len(label)) + label if column.right else label
        for column, label, width in zip(COLUMNS, labels, widths, strict=True)
    ]
    return headings, [width + GAP for width in widths]


def _drawn(text: str, width: int, right: bool) -> tuple[str, str]:
    """``text`` in a column ``width`` cells wide (its gap included): the text, set to the
    right against the gap if ``right``, and the blank after it."""
    length = cell_len(text)
    if length > width - GAP:  # wider than its column: cannot come from row_cells
        text, length = set_cell_size(text, width - GAP), width - GAP
    if right:
        return " " * (width - GAP - length) + text, " " * GAP
    return text, " " * (width - length)


class LogGrid(BarsWhereScrolled, ScrollView, can_focus=True):
    """The log's rows under a line of headings that stays on top; the cursor on a row.

    ↑ ↓ PgUp PgDn move the cursor, Home and End go to the first and the last row, ← → turn
    sideways by whole columns: to the minutes and the notes, and back. Enter says which
    row was chosen (``Selected``). Only the lines on screen are drawn, each from its cells'
    plain text: the first frame of a busy day draws some twenty lines, not a table.
    """

    COMPONENT_CLASSES = {
        "log-grid--header",
        "log-grid--cursor",
        "log-grid--even-row",
        "log-grid--odd-row",
    }
    BINDINGS = [
        *grid_bindings("log.key_{}"),
        Binding("enter", "select", "log.key_select", show=False, id="select-row"),
    ]

    class Selected(Message):
        """Enter on a row: ``key`` is its registration's id."""

        def __init__(self, grid: LogGrid, row: int, key: int) -> None:
            super().__init__()
            self.grid = grid
            self.row = row
            self.key = key

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        translate_bindings(self)
        self._keys: list[int] = []
        self._cells: list[list[LogCell]] = []
        self._headings, self._widths = column_layout([])
        self._lines: dict[int, list[tuple[str, str, str]]] = {}  # a row's (text, blank, style)
        self._cursor = 0
        self._styles: dict[str, Style] = {}  # component and cell styles by name (``_style``)

    # -- the rows and the cursor ----------------------------------------------------------

    def set_rows(self, keys: list[int], cells: list[list[LogCell]]) -> None:
        """Show ``cells``, a row for each of ``keys`` (registration ids), the columns sized
        to them; the cursor stays on its registration if it is still there, else it goes
        to the last row."""
        kept = self.cursor_key
        self._keys, self._cells = list(keys), cells
        self._headings, self._widths = column_layout(cells)
        self._lines.clear()
        self._cursor = keys.index(kept) if kept in keys else max(len(keys) - 1, 0)
        set_virtual_size(self, Size(sum(self._widths), len(keys) + 1))
        self._keep_cursor_in_view()
        self.refresh()

    @property
    def row_count(self) -> int:
        return len(self._keys)

    @property
    def cursor_row(self) -> int:
        """The cursor's row (0 when there is none)."""
        return self._cursor

    @property
    def cursor_key(self) -> int | None:
        """The registration id of the cursor's row, or None without rows."""
        return self._keys[self._cursor] if self._keys else None

    def row_texts(self, index: int) -> list[str]:
        """The texts of row ``index``'s cells, as the log shows them."""
        return [cell.plain for cell in self._cells[index]]

    @property
    def rows_in_view(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def move_cursor(self, row: int) -> None:
        """The cursor to ``row`` (within the rows), scrolled into view."""
        if not self._keys:
            return
        row = max(0, min(row, len(self._keys) - 1))
        if row != self._cursor:
            self.refresh_line(self._cursor + 1)
            self._cursor = row
            self.refresh_line(row + 1)
        self._keep_cursor_in_view()

    def _keep_cursor_in_view(self) -> None:
        if not self.scrollable_content_region.height:
            return  # not laid out yet: done when it is (``_size_updated``)
        top = top_to_show(self._cursor, int(self.scroll_y), self.rows_in_view)
        if top != int(self.scroll_y):
            self.scroll_to(y=top, animate=False, immediate=True)

    def _size_updated(self, size, virtual_size, container_size, layout: bool = True) -> bool:
        """Laid out: the cursor's row scrolled into view before the frame is drawn (the
        first frame of a busy day shows its last row, the cursor's, not its first)."""
        resized = super()._size_updated(size, virtual_size, container_size, layout)
        self._keep_cursor_in_view()
        return resized

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        top = int(new)
        # Scrolled away (scroll bar, mouse wheel): the cursor comes along.
        if self._keys and not top <= self._cursor < top + self.rows_in_view:
            self._cursor = row_in_view(self._cursor, top, self.rows_in_view, len(self._keys))

    # -- keys -----------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        self.move_cursor(self._cursor + delta)

    def action_page(self, delta: int) -> None:
        """A page up or down: the rows and the cursor move by the rows in view, as a
        DataTable's did."""
        page = self.rows_in_view
        row = self._cursor + delta * page  # before the scroll brings the cursor along
        self.scroll_to(y=self.scroll_y + delta * page, animate=False, immediate=True)
        self.move_cursor(row)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self._keys) - 1)

    def action_sideways(self, step: int) -> None:
        """→: the first column not wholly in view comes to the left edge (or as near as
        the table's end allows); ←: back as far as one view's width, to a column's start."""
        starts, ends, x = [], [], 0
        for width in self._widths:
            starts.append(x)
            x += width
            ends.append(x)
        left, view = round(self.scroll_x), self.scrollable_content_region.width
        if step > 0:
            hidden = [start for start, end in zip(starts, ends, strict=True) if end > left + view]
            target = min(hidden[0], self.max_scroll_x) if hidden else left
        else:
            target = next((start for start in starts if start >= left - view), 0)
        self.scroll_to(x=target, animate=False, immediate=True)

    def action_select(self) -> None:
        key = self.cursor_key
        if key is not None:
            self.post_message(self.Selected(self, self._cursor, key))

    # -- drawing ----------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        """A component's style (``header``, ``cursor``, ``even-row``, ``odd-row``) over the
        grid's own, or a cell's (``bold``); kept until the styles change, as Textual keeps
        its own."""
        style = self._styles.get(name)
        if style is None:
            if name in ("", "bold"):
                style = Style.parse(name) if name else Style.null()
            else:
                style = self.get_component_rich_style(f"log-grid--{name}")
            self._styles[name] = style
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def _line(self, index: int) -> list[tuple[str, str, str]]:
        line = self._lines.get(index)
        if line is None:
            line = self._lines[index] = [
                (*_drawn(cell.plain, width, cell.right), cell.style)
                for cell, width in zip(self._cells[index], self._widths, strict=True)
            ]
        return line

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        segments: list[Segment] = []
        if y == 0:
            style = self._style("header")
            for heading, column in zip(self._headings, self._widths, strict=True):
                segments.append(Segment(heading, style))
                segments.append(Segment(" " * (column - cell_len(heading)), style))
        else:
            index = int(self.scroll_y) + y - 1
            if index >= len(self._keys):
                return Strip.blank(width, base)
            style = self._style("odd-row" if index % 2 else "even-row")
            if index == self._cursor:
                style += self._style("cursor")
            for text, blank, cell_style in self._line(index):
                if text:
                    segments.append(Segment(text, style + self._style(cell_style)))
                segments.append(Segment(blank, style))
        table = sum(self._widths)
        if width > table:  # the row's own style to the grid's right edge
            segments.append(Segment(" " * (width - table), style))
        scroll_x = int(self.scroll_x)
        strip = Strip(segments, max(table, width)).crop(scroll_x, scroll_x + width)
        return strip.adjust_cell_length(width, base).simplify()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

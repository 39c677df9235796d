"""The month sheet of the statistics (展厅来店(电)统计表): one row per day 1–31, a total row.

The columns of the paper form (``statistics_sheet.COLUMNS``), grouped over two header
lines; day and weekday stay in view while ←/→ scroll the other columns. ``[``/``]`` move a
month, ``t`` comes back to this month, Enter opens the day under the cursor, ``x`` exports.
"""

from __future__ import annotations

import datetime as dt

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Static

from frontdesk import bounds, clock
from frontdesk import months as months_core
from frontdesk.i18n import t
from frontdesk.people import roles
from frontdesk.stats import statistics
from frontdesk.stats import statistics_sheet as sheet
from screens import registry
from screens.bindings import translate_bindings
from screens.db import run_db
from screens.stats.statistics_dialogs import MONTH_KEYS, FormulasScreen, export_month
from screens.tables import FdTable
from screens.widgets import FdFooter, FdHeader

TOTAL_KEY = "total"
WEEKEND_STYLE = "$accent"


def _headers() -> list[Text]:
    """Each column's label under its group's name (on the group's first column only)."""
    headers, previous = [], None
    for column in sheet.COLUMNS:
        group = t(column.group) if column.group and column.group != previous else ""
        previous = column.group
        justify = "left" if column.kind == sheet.TEXT else "right"
        headers.append(Text(f"{group}\n{t(column.label)}", justify=justify))
    return headers


def _fixed_width(column: sheet.Column, header: Text) -> int | None:
    """The width of a text column (日, 星期): its header, a day's text or the total's
    (合计), whichever is widest — set, not measured from the rows as they arrive, so that
    the sheet is drawn the same however late the table measures them."""
    if column.kind != sheet.TEXT:
        return None
    weekdays = [t(f"stats.wd.{day}") for day in range(7)]
    texts = [*header.plain.split("\n"), t("stats.total"), "31", *weekdays]
    return max(cell_len(text) for text in texts)


def _cells(stats: statistics.Statistics, values: list[object]) -> list[Text]:
    is_day = isinstance(stats, statistics.DayStatistics)
    weekend = is_day and stats.day.weekday() >= 5
    cells = []
    for column, value in zip(sheet.COLUMNS, values, strict=True):
        if column.kind == sheet.TEXT:
            cells.append(Text(str(value), style=WEEKEND_STYLE if weekend else ""))
        else:
            cells.append(Text(sheet.format_value(value, column.kind), justify="right"))
    if not is_day:
        for cell in cells:
            cell.stylize("bold")
    return cells


@registry.screen(
    section="stats.help.month",
    order=80,
    right=roles.STATISTICS_VIEW,
    help=(registry.OWN_KEYS, registry.HelpRow("← →", "stats.help.scroll_columns")),
    place=registry.STATISTICS,
)
class MonthSheetScreen(Screen[dt.date | None]):
    """The month sheet; dismisses with the day to open, or None."""

    BINDINGS = [
        Binding("left_square_bracket", "move(-1)", "stats.key.prev_month", id="stats-prev-month"),
        Binding("right_square_bracket", "move(1)", "stats.key.next_month", id="stats-next-month"),
        Binding("t", "this_month", "stats.key.this_month", id="stats-this-month"),
        Binding(
            "enter",
            "open_day",
            "stats.key.open_day",
            tooltip="stats.help.open_day_key",
            id="stats-open-day",
        ),
        *MONTH_KEYS,
    ]

    def __init__(self, year: int, month: int) -> None:
        super().__init__()
        translate_bindings(self)
        self.year, self.month = year, month

    def compose(self) -> ComposeResult:
        yield FdHeader(id="header")
        yield Static(Content(""), id="month-title")
        table = FdTable(
            id="month-table",
            cursor_type="row",
            zebra_stripes=True,
            header_height=2,
            fixed_columns=2,
        )
        for column, header in zip(sheet.COLUMNS, _headers(), strict=True):
            table.add_column(header, key=column.key, width=_fixed_width(column, header))
        yield table
        yield Static(Content(""), id="month-summary")
        yield FdFooter()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        """Count the month again (in a worker)."""
        label = f"{self.year:04d}-{self.month:02d}"
        self.query_one("#month-title", Static).update(
            Content.styled(t("stats.month_title", month=label), "bold")
        )
        run_db(
            self,
            statistics.month_sheet,
            self.year,
            self.month,
            on_done=self._show,
            group="stats-month",
            exclusive=True,
        )

    def _show(self, month_sheet: statistics.MonthSheet) -> None:
        if (month_sheet.year, month_sheet.month) != (self.year, self.month):
            return  # the user moved on while this month was counted
        table = self.query_one("#month-table", DataTable)
        cursor = table.cursor_row if table.row_count else None
        table.clear()
        for stats, values in sheet.sheet_rows(month_sheet):
            key = stats.day.isoformat() if isinstance(stats, statistics.DayStatistics) else None
            table.add_row(*_cells(stats, values), key=key or TOTAL_KEY)
        today = clock.today()
        if cursor is None:
            same_month = (today.year, today.month) == (self.year, self.month)
            cursor = today.day - 1 if same_month else 0
        table.move_cursor(row=min(cursor, table.row_count - 1))
        table.focus()
        total = month_sheet.total
        counts = t(
            "stats.month_summary", parties=total.parties, people=total.people, calls=total.calls
        )
        rates = t(
            "stats.month_rates",
            on_file_rate=sheet.format_value(total.on_file_rate, sheet.RATE),
            test_drive_rate=sheet.format_value(total.test_drive_rate, sheet.RATE),
            order_rate=sheet.format_value(total.order_rate, sheet.RATE),
        )
        self.query_one("#month-summary", Static).update(Content(f"{counts}\n{rates}"))

    def _day_under_cursor(self) -> dt.date | None:
        table = self.query_one("#month-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return None if key in (None, TOTAL_KEY) else dt.date.fromisoformat(key)

    def show_month(self, year: int, month: int) -> None:
        today = clock.today()
        if (year, month) > (today.year, today.month):
            self.app.bell()
            self.notify(t("stats.no_later"), severity="warning", markup=False)
            return
        if (year, month) < (bounds.FIRST_DAY.year, bounds.FIRST_DAY.month):
            self.app.bell()
            self.notify(bounds.month_range_message(), severity="warning", markup=False)
            return
        self.year, self.month = year, month
        self.query_one("#month-table", DataTable).clear()
        self.refresh_data()

    def action_move(self, months: int) -> None:
        moved = months_core.shift_month(dt.date(self.year, self.month, 1), months)
        self.show_month(moved.year, moved.month)

    def action_this_month(self) -> None:
        today = clock.today()
        self.show_month(today.year, today.month)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_day()

    def action_open_day(self) -> None:
        day = self._day_under_cursor()
        if day is not None and day <= clock.today():
            self.dismiss(day)

    def action_export(self) -> None:
        export_month(self, self.year, self.month)

    def action_formulas(self) -> None:
        self.app.push_screen(FormulasScreen())

    def action_back(self) -> None:
        self.dismiss(None)

"""The month sheet of the statistics (展厅来店(电)统计表): one row per day 1–31, a total row.

The columns of the paper form (``statistics_sheet.COLUMNS``), grouped over two header
lines; day and weekday stay in view while ←/→ scroll the other columns. ``[``/``]`` move a
month, ``t`` comes back to this month, Enter opens the day under the cursor, ``x`` exports.

For a group manager (``roles.GROUP_VIEW``) ``g`` switches to the group's month and back: the
same columns with one row per store — its code and name in view instead of the day and
weekday — and the group's total (``statistics.group_month``); the day's F5 opens it with
``g`` too. Other roles have no ``g``: their sheet is as it was.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

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
from screens import access, registry
from screens.bindings import group_key, translate_bindings
from screens.db import run_db
from screens.stats.statistics_dialogs import MONTH_KEYS, FormulasScreen, export_month
from screens.tables import FdTable
from screens.widgets import FdFooter, FdHeader

TOTAL_KEY = "total"
WEEKEND_STYLE = "$accent"
FIGURE_COLUMNS = sheet.COLUMNS[2:]  # the figures, after the day and the weekday
STORE_LABELS = ("stats.col.store", "stats.col.store_name")  # the group's two first columns
MAX_STORE_NAME = 16  # a store's name beyond this many cells is cut (…): the figures stay in view

# The group's month and back (a group manager's; the day's F5 has it too).
GROUP_KEY = group_key("group", "stats-group")


def _headers() -> list[Text]:
    """Each column's label under its group's name (on the group's first column only)."""
    headers, previous = [], None
    for column in sheet.COLUMNS:
        group = t(column.group) if column.group and column.group != previous else ""
        previous = column.group
        justify = "left" if column.kind == sheet.TEXT else "right"
        headers.append(Text(f"{group}\n{t(column.label)}", justify=justify))
    return headers


def _figure_cells(values: list[object]) -> list[Text]:
    """The figures of a row (a day's, a store's, a total's), right-aligned."""
    return [
        Text(sheet.format_value(value, column.kind), justify="right")
        for column, value in zip(FIGURE_COLUMNS, values, strict=True)
    ]


def _store_widths(group: statistics.GroupMonth) -> tuple[int, int]:
    """The widths of the group's code and name columns: their headers, the stores' and
    the total's (集团合计), whichever is widest; a name at most ``MAX_STORE_NAME``."""
    codes = [t(STORE_LABELS[0]), t("stats.group_total"), *(row.code for row in group.stores)]
    names = [t(STORE_LABELS[1]), *(row.name for row in group.stores)]
    return (
        max(cell_len(text) for text in codes),
        min(MAX_STORE_NAME, max(cell_len(text) for text in names)),
    )


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
    style = WEEKEND_STYLE if weekend else ""
    cells = [Text(str(value), style=style) for value in values[:2]]  # the day, the weekday
    cells += _figure_cells(values[2:])
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
    """The month sheet (or, for a group manager, the group's month by store); dismisses
    with the day to open, or None."""

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
        GROUP_KEY,
        *MONTH_KEYS,
    ]
    ACTION_RIGHTS = {"group": roles.GROUP_VIEW}
    STORE_ONLY = ("open_day", "export")  # a day of this store, its sheet: not the group's

    def __init__(self, year: int, month: int, *, by_store: bool = False) -> None:
        super().__init__()
        translate_bindings(self)
        self.year, self.month = year, month
        self.by_store = by_store  # the group's month, a row per store

    def compose(self) -> ComposeResult:
        yield FdHeader(id="header")
        yield Static(Content(""), id="month-title")
        yield FdTable(
            id="month-table",
            cursor_type="row",
            zebra_stripes=True,
            header_height=2,
            fixed_columns=2,
        )
        yield Static(Content(""), id="month-summary")
        yield FdFooter()

    def on_mount(self) -> None:
        if not self.by_store:
            self._day_columns()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.by_store and action in self.STORE_ONLY:
            return False
        return access.allowed(self, action)

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        """Count the month again (in a worker): this store's days, or the group's stores."""
        label = f"{self.year:04d}-{self.month:02d}"
        if self.by_store:
            run_db(
                self,
                partial(statistics.group_month, by=access.actor_of(self)),
                self.year,
                self.month,
                on_done=self._show_group,
                group="stats-month",
                exclusive=True,
            )
            return
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

    def _day_columns(self) -> None:
        table = self.query_one("#month-table", DataTable)
        table.clear(columns=True)
        for column, header in zip(sheet.COLUMNS, _headers(), strict=True):
            table.add_column(header, key=column.key, width=_fixed_width(column, header))

    def _store_columns(self, group: statistics.GroupMonth) -> None:
        """The group's columns: the store's code and name (their widths from the stores),
        then the figures under the same headers as the days'."""
        table = self.query_one("#month-table", DataTable)
        table.clear(columns=True)
        for key, width in zip(STORE_LABELS, _store_widths(group), strict=True):
            table.add_column(Text(f"\n{t(key)}"), key=key, width=width)
        for column, header in zip(FIGURE_COLUMNS, _headers()[2:], strict=True):
            table.add_column(header, key=column.key)

    def _show(self, month_sheet: statistics.MonthSheet) -> None:
        if self.by_store or (month_sheet.year, month_sheet.month) != (self.year, self.month):
            return  # the user moved on while this month was counted
        table = self.query_one("#month-table", FdTable)
        cursor = table.cursor_row if table.row_count else None
        table.clear()
        for stats, values in sheet.sheet_rows(month_sheet):
            key = stats.day.isoformat() if isinstance(stats, statistics.DayStatistics) else None
            table.add_row(*_cells(stats, values), key=key or TOTAL_KEY)
        table.settle()
        today = clock.today()
        if cursor is None:
            same_month = (today.year, today.month) == (self.year, self.month)
            cursor = today.day - 1 if same_month else 0
        table.move_cursor(row=min(cursor, table.row_count - 1))
        table.focus()
        self._summary(month_sheet.total)

    def _show_group(self, group: statistics.GroupMonth) -> None:
        if not self.by_store or (group.year, group.month) != (self.year, self.month):
            return  # the user moved on, or back to this store, while it was counted
        title = t("stats.group_title", month=group.label, stores=len(group.stores))
        self.query_one("#month-title", Static).update(Content.styled(title, "bold"))
        table = self.query_one("#month-table", FdTable)
        cursor = table.cursor_row if table.row_count else 0
        self._store_columns(group)
        for row in group.stores:
            name = Text(row.name, no_wrap=True, overflow="ellipsis")
            values = [column.value(row.figures) for column in FIGURE_COLUMNS]
            table.add_row(Text(row.code), name, *_figure_cells(values), key=row.code)
        total = [column.value(group.total) for column in FIGURE_COLUMNS]
        cells = [Text(t("stats.group_total")), Text(""), *_figure_cells(total)]
        for cell in cells:
            cell.stylize("bold")
        table.add_row(*cells, key=TOTAL_KEY)
        table.settle()
        table.move_cursor(row=min(cursor, table.row_count - 1))
        table.focus()
        self._summary(group.total)

    def _summary(self, total: statistics.Statistics) -> None:
        """The month's (or the group's) walk-ins, people and calls, and its three rates."""
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
        if self.by_store or not table.row_count:
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

    def action_group(self) -> None:
        """Switch between this store's days and the group's stores, the same month."""
        self.by_store = not self.by_store
        table = self.query_one("#month-table", DataTable)
        table.clear(columns=True)
        if not self.by_store:
            self._day_columns()
        self.refresh_bindings()
        self.refresh_data()

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

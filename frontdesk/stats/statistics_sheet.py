"""The statistics (展厅来店(电)统计表) as the paper form lays them out, and as a file.

``FIGURES`` are the day's headline figures and ``COLUMNS`` the month sheet's columns — day,
weekday, the walk-in figures, the calls, the new intent customers by level — shared by the
screens, the CLI, the XLSX and the CSV, so that they all show the same figures in the same
order with the same labels. The XLSX is laid out like the paper form (title; store, month
and when it was made; two header rows, one row per day, a total row; the signature lines
制表 / 展厅主管 / 销售经理) and prints on one landscape page width under the same page
header (``report_page``); the CSV has the same columns under one header row. After them
come the month's splits — by hour, by channel (信息来源), by model (意向车型) and by
consultant (销售顾问) — each on a sheet of its own in the XLSX (one row per key with its
month's counts, and their total), below the days in the CSV. Channel, model and consultant
names are typed by people: every cell goes through ``safe_cells``, so none of them can
become a formula.

Under the total row both files carry a line saying what the test-drive, quote and order
rates divide by (``rate_base_note``: the store's setting when the figures were counted).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from frontdesk import clock, export_folder, report_page, rules, safe_cells
from frontdesk.errors import FrontdeskError
from frontdesk.export_folder import ExportTarget
from frontdesk.i18n import t
from frontdesk.stats.statistics import (
    CONSULTANT_FIGURES,
    UNASSIGNED,
    DayStatistics,
    MonthSheet,
    Statistics,
    month_sheet,
)
from frontdesk.store import failures, settings

COUNT, RATE, MINUTES, TEXT = "count", "rate", "minutes", "text"
XLSX, CSV = ".xlsx", ".csv"
EXTENSIONS = (XLSX, CSV)
NO_VALUE = "—"  # an undefined rate, or no walk-in left yet
NOT_YET = ""  # a figure of a day still to come: left blank, as on the paper form

Value = int | float | str | None
"""A figure as the statistics give it (a count; a rate or minutes, None when undefined), or
the day's number, its weekday, ``NOT_YET``."""


class ExportError(FrontdeskError):
    """A file that cannot be written (unknown type, no such folder, no permission)."""


@dataclass(frozen=True)
class Column:
    """One column of the month sheet: its key, header (group and label) and value."""

    key: str
    group: str  # catalogue key of the header over several columns, or ""
    label: str  # catalogue key of the column's own header
    kind: str
    value: Callable[[Statistics], Value]

    def header(self) -> str:
        """Its one-line header (the CSV's): the column's own name as a manager says it
        (``stats.header.<key>``: 首次来店, 平均停留(分)), not the group glued to the label
        the paper form's two header rows show (来店 over 首次)."""
        return t(f"stats.header.{self.key}")


def _figure(name: str) -> Callable[[Statistics], Value]:
    return lambda stats: getattr(stats, name)


def _new_intent(level: str) -> Callable[[Statistics], Value]:
    return lambda stats: stats.new_intent[level]


def _day_number(stats: Statistics) -> Value:
    return stats.day.day if isinstance(stats, DayStatistics) else t("stats.total")


def _weekday(stats: Statistics) -> Value:
    return t(f"stats.wd.{stats.day.weekday()}") if isinstance(stats, DayStatistics) else ""


@dataclass(frozen=True)
class Figure:
    """A headline figure of the day: its label (catalogue key), kind and value."""

    label: str
    kind: str
    value: Callable[[Statistics], Value]


FIGURES = tuple(
    Figure(f"stats.fig.{label}", kind, _figure(name))
    for label, kind, name in (
        ("parties", COUNT, "parties"),
        ("people", COUNT, "people"),
        ("first", COUNT, "first"),
        ("returning", COUNT, "returning"),
        ("first_on_file", COUNT, "first_on_file"),
        ("on_file_rate", RATE, "on_file_rate"),
        ("invited", COUNT, "invited"),
        ("invited_rate", RATE, "invited_rate"),
        ("test_drives", COUNT, "test_drives"),
        ("test_drive_rate", RATE, "test_drive_rate"),
        ("quotes", COUNT, "quotes"),
        ("quote_rate", RATE, "quote_rate"),
        ("orders", COUNT, "orders"),
        ("order_rate", RATE, "order_rate"),
        ("avg_stay", MINUTES, "avg_stay_min"),
        ("open", COUNT, "open"),
        ("calls", COUNT, "calls"),
        ("calls_on_file", COUNT, "calls_on_file"),
        ("repeat_calls", COUNT, "repeat_calls"),  # the first calls are the rest
        ("leads", COUNT, "leads"),
    )
)

_WALKIN, _PHONE, _INTENT = "stats.group.walkin", "stats.group.phone", "stats.group.new_intent"
COLUMNS = (
    Column("day", "", "stats.col.day", TEXT, _day_number),
    Column("weekday", "", "stats.col.weekday", TEXT, _weekday),
    Column("parties", _WALKIN, "stats.col.parties", COUNT, _figure("parties")),
    Column("people", _WALKIN, "stats.col.people", COUNT, _figure("people")),
    Column("first", _WALKIN, "stats.col.first", COUNT, _figure("first")),
    Column("returning", _WALKIN, "stats.col.returning", COUNT, _figure("returning")),
    Column("first_on_file", _WALKIN, "stats.col.first_on_file", COUNT, _figure("first_on_file")),
    Column("on_file_rate", _WALKIN, "stats.col.on_file_rate", RATE, _figure("on_file_rate")),
    Column("invited", _WALKIN, "stats.col.invited", COUNT, _figure("invited")),
    Column("invited_rate", _WALKIN, "stats.col.invited_rate", RATE, _figure("invited_rate")),
    Column("test_drives", _WALKIN, "stats.col.test_drives", COUNT, _figure("test_drives")),
    Column(
        "test_drive_rate", _WALKIN, "stats.col.test_drive_rate", RATE, _figure("test_drive_rate")
    ),
    Column("quotes", _WALKIN, "stats.col.quotes", COUNT, _figure("quotes")),
    Column("quote_rate", _WALKIN, "stats.col.quote_rate", RATE, _figure("quote_rate")),
    Column("orders", _WALKIN, "stats.col.orders", COUNT, _figure("orders")),
    Column("order_rate", _WALKIN, "stats.col.order_rate", RATE, _figure("order_rate")),
    Column("avg_stay_min", _WALKIN, "stats.col.avg_stay", MINUTES, _figure("avg_stay_min")),
    Column("calls", _PHONE, "stats.col.calls", COUNT, _figure("calls")),
    Column("first_calls", _PHONE, "stats.col.first_calls", COUNT, _figure("first_calls")),
    Column("repeat_calls", _PHONE, "stats.col.repeat_calls", COUNT, _figure("repeat_calls")),
    Column("calls_on_file", _PHONE, "stats.col.calls_on_file", COUNT, _figure("calls_on_file")),
    Column("leads", "", "stats.col.leads", COUNT, _figure("leads")),
    *(
        Column(f"new_{level}", _INTENT, f"stats.level.{level}", COUNT, _new_intent(level))
        for level in rules.LEVELS
    ),
)


def format_value(value: Value, kind: str) -> str:
    """A figure as text: rates in percent with one decimal, minutes with one, "—" if none."""
    if value is None:
        return NO_VALUE
    if value == NOT_YET:
        return NOT_YET
    if kind == RATE:
        return f"{value * 100:.1f}%"
    if kind == MINUTES:
        return f"{value:.1f}"
    return str(value)


def rate_base_note(stats: Statistics) -> str:
    """The line every export carries: what the test-drive, quote and order rates divide by
    (the store's setting when the figures were counted)."""
    return t("stats.rate_base_note", base=t(f"stats.rate_base.{stats.rate_base}"))


def sheet_rows(sheet: MonthSheet) -> list[tuple[Statistics, list[Value]]]:
    """Each day's row of values, then the total's: numbers, None where a rate is undefined,
    and ``NOT_YET`` for the figures of the days after today."""
    today = clock.today()
    rows = []
    for stats in (*sheet.days, sheet.total):
        values = [column.value(stats) for column in COLUMNS]
        if isinstance(stats, DayStatistics) and stats.day > today:
            values = [
                v if c.kind == TEXT else NOT_YET for c, v in zip(COLUMNS, values, strict=True)
            ]
        rows.append((stats, values))
    return rows


@dataclass(frozen=True)
class Split:
    """One split of the statistics: its title, the header of its key column, and the
    counts shown for each key (catalogue keys of their headers)."""

    title: str
    key_label: str
    figures: tuple[tuple[str, str], ...]  # (name in the split's counts, header key)
    value: Callable[[Statistics], dict[str, dict[str, int]]]


_WALKIN_PHONE = (("walkin", "stats.col.walkin"), ("phone", "stats.col.phone"))
SPLITS = (
    Split("stats.hours", "stats.col.hour", _WALKIN_PHONE, lambda stats: stats.by_hour),
    Split("stats.by_channel", "stats.col.channel", _WALKIN_PHONE, lambda stats: stats.by_channel),
    Split("stats.by_model", "stats.col.model", _WALKIN_PHONE, lambda stats: stats.by_model),
    Split(
        "stats.by_consultant",
        "stats.col.consultant",
        tuple((name, f"stats.col.{name}") for name in CONSULTANT_FIGURES),
        lambda stats: stats.by_consultant,
    ),
)


def split_rows(stats: Statistics) -> list[tuple[str, list[object]]]:
    """(role, cells) of each split that had traffic: its title, its header, then one row
    per hour or name with the counts as numbers; role is title | header | row."""
    lines: list[tuple[str, list[object]]] = []
    for split in SPLITS:
        counts = split.value(stats)
        if not counts:
            continue
        lines.append(("title", [t(split.title)]))
        lines.append(("header", [t(split.key_label), *(t(label) for _, label in split.figures)]))
        for key, row in counts.items():
            name = key if key != UNASSIGNED else t("stats.unassigned")
            lines.append(("row", [name, *(row[figure] for figure, _ in split.figures)]))
    return lines


def default_filename(year: int, month: int) -> str:
    """``展厅来店统计-2026-11.xlsx`` (or its English name), for the current directory."""
    return t("stats.default_file", month=f"{year:04d}-{month:02d}") + XLSX


def export_target(text: str, login: str = "") -> ExportTarget:
    """The file a month sheet typed as ``text`` goes to (``frontdesk.export_folder``: over
    SSH a name in ``login``'s export folder); refused, saying why, unless .xlsx or .csv."""
    return export_folder.export_target(text, login, EXTENSIONS)


def export_month(year: int, month: int, path: str | Path) -> Path:
    """Write the month sheet to ``path`` (.xlsx or .csv); returns the path written."""
    path = Path(path).expanduser()
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS:
        raise ExportError(t("stats.export_bad_ext"))
    sheet = month_sheet(year, month)
    try:
        if suffix == CSV:
            _write_csv(sheet, path)
        else:
            header = report_page.page_header(
                t("stats.sheet_title"), settings.store_name(), sheet.label
            )
            _write_xlsx(sheet, path, header)
    except OSError as error:
        raise ExportError(failures.explain_file(error, path)) from None
    return path.resolve()


def _write_csv(sheet: MonthSheet, path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([column.header() for column in COLUMNS])
        for _, values in sheet_rows(sheet):
            writer.writerow(
                [
                    value if column.kind == TEXT else format_value(value, column.kind)
                    for column, value in zip(COLUMNS, values, strict=True)
                ]
            )
        writer.writerows([[], [rate_base_note(sheet.total)]])
        for role, cells in split_rows(sheet.total):
            if role == "title":
                writer.writerow([])
            writer.writerow(safe_cells.csv_row(cells))


# -- the XLSX, like the paper form ---------------------------------------------------------

TITLE_ROW, STORE_ROW, GROUP_ROW, LABEL_ROW, FIRST_DAY_ROW = 1, 2, 3, 4, 5
WIDTHS = {TEXT: 6, COUNT: 7, RATE: 8, MINUTES: 9}
NUMBER_FORMATS = {COUNT: "0", RATE: "0.0%", MINUTES: "0.0"}
WEEKEND_FILL = "F2F2F2"
HEADER_FILL = "DDEBF7"
SIGN_GAP, SIGN_HEIGHT = 1, 30  # a blank row under the rates' note, then room to sign


def _write_xlsx(sheet: MonthSheet, path: Path, header: report_page.PageHeader) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    workbook = Workbook()
    ws = workbook.active
    assert isinstance(ws, Worksheet)  # a new workbook opens on one empty worksheet
    ws.title = sheet.label
    last_col = len(COLUMNS)
    last_letter = get_column_letter(last_col)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    header_fill = PatternFill("solid", fgColor=HEADER_FILL)
    weekend_fill = PatternFill("solid", fgColor=WEEKEND_FILL)

    ws.merge_cells(f"A{TITLE_ROW}:{last_letter}{TITLE_ROW}")
    title = safe_cells.set_text(ws.cell(TITLE_ROW, 1), t("stats.sheet_title"))
    title.font = Font(bold=True, size=16)
    title.alignment = Alignment(horizontal="center")
    ws.row_dimensions[TITLE_ROW].height = 26

    # The page header (店名 · 月份 · 制表时间): the store on the left, the month in the
    # middle, when the table was made on the right; and the same printed on every page.
    half, quarter = last_col // 2, max(last_col // 4, 1)
    parts = (
        (1, half, header.store_text, "left"),
        (half + 1, last_col - quarter, header.month_text, "center"),
        (last_col - quarter + 1, last_col, header.made_at_text, "right"),
    )
    for first, last, text, side in parts:
        ws.merge_cells(start_row=STORE_ROW, start_column=first, end_row=STORE_ROW, end_column=last)
        safe_cells.set_text(ws.cell(STORE_ROW, first), text).alignment = Alignment(horizontal=side)
    report_page.set_print_header(ws, header)

    # Two header rows: a group over its columns, the label under it (merged down alone).
    start = 1
    while start <= last_col:
        group = COLUMNS[start - 1].group
        end = start
        while end < last_col and group and COLUMNS[end].group == group:
            end += 1
        if group:
            ws.merge_cells(
                start_row=GROUP_ROW, start_column=start, end_row=GROUP_ROW, end_column=end
            )
            safe_cells.set_text(ws.cell(GROUP_ROW, start), t(group))
            for index in range(start, end + 1):
                safe_cells.set_text(ws.cell(LABEL_ROW, index), t(COLUMNS[index - 1].label))
        else:
            ws.merge_cells(
                start_row=GROUP_ROW, start_column=start, end_row=LABEL_ROW, end_column=start
            )
            safe_cells.set_text(ws.cell(GROUP_ROW, start), t(COLUMNS[start - 1].label))
        start = end + 1
    for row in (GROUP_ROW, LABEL_ROW):
        for index in range(1, last_col + 1):
            cell = ws.cell(row, index)
            cell.font = Font(bold=True)
            cell.alignment = centre
            cell.border = box
            cell.fill = header_fill

    for offset, (stats, values) in enumerate(sheet_rows(sheet)):
        row = FIRST_DAY_ROW + offset
        is_total = not isinstance(stats, DayStatistics)
        weekend = isinstance(stats, DayStatistics) and stats.day.weekday() >= 5
        for index, (column, value) in enumerate(zip(COLUMNS, values, strict=True), start=1):
            if value is None:
                value = NO_VALUE
            elif value == NOT_YET:
                value = None  # an empty cell
            cell = safe_cells.set_text(ws.cell(row, index), value)
            cell.border = box
            cell.alignment = Alignment(horizontal="center" if column.kind == TEXT else "right")
            if isinstance(value, int | float) and column.kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[column.kind]
            if is_total:
                cell.font = Font(bold=True)
            elif weekend:
                cell.fill = weekend_fill
    # What the rates divide by, a line under the total row (a blank row between).
    note_row = FIRST_DAY_ROW + len(sheet.days) + 2
    safe_cells.set_text(ws.cell(note_row, 1), rate_base_note(sheet.total))

    # The signature lines of the paper form (制表 / 展厅主管 / 销售经理), under the note.
    sign_row = note_row + 1 + SIGN_GAP
    for index, signer in enumerate(report_page.signature_row(last_col), start=1):
        if signer is not None:
            safe_cells.set_text(ws.cell(sign_row, index), signer)
    ws.row_dimensions[sign_row].height = SIGN_HEIGHT

    for index, column in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = WIDTHS[column.kind]
    ws.freeze_panes = ws.cell(FIRST_DAY_ROW, 3).coordinate  # headers and day/weekday stay in view
    ws.print_title_rows = f"{GROUP_ROW}:{LABEL_ROW}"
    _print_on_a4(ws, landscape=True)
    for split in SPLITS:
        _write_split(workbook.create_sheet(t(split.title)), split, sheet.total, header)
    workbook.save(path)


def _print_on_a4(ws, landscape: bool) -> None:
    """One page wide on A4, as many pages down as it takes, centred."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True


SPLIT_TITLE_ROW = 1
SPLIT_HEADER_ROW = 5  # under the title and the three lines of the page header
SPLIT_KEY_WIDTH, SPLIT_FIGURE_WIDTH = 18, 10


def _write_split(ws, split: Split, stats: Statistics, header: report_page.PageHeader) -> None:
    """One split of the month (by hour, channel, model or consultant) on its own sheet:
    the title, the page header a line each (店名, 月份, 制表时间), then one row per key
    with its month's counts, and the split's total."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold, header_fill = Font(bold=True), PatternFill("solid", fgColor=HEADER_FILL)
    width = 1 + len(split.figures)
    lines = (t(split.title), header.store_text, header.month_text, header.made_at_text)
    for row, text in enumerate(lines, start=SPLIT_TITLE_ROW):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        safe_cells.set_text(ws.cell(row, 1), text)
    ws.cell(SPLIT_TITLE_ROW, 1).font = Font(bold=True, size=14)
    report_page.set_print_header(ws, header)

    labels = (split.key_label, *(label for _, label in split.figures))
    for index, label in enumerate(labels, start=1):
        cell = safe_cells.set_text(ws.cell(SPLIT_HEADER_ROW, index), t(label))
        cell.font, cell.fill = bold, header_fill
        cell.alignment = Alignment(horizontal="center")
    counts = split.value(stats)
    row = SPLIT_HEADER_ROW
    for key, figures in counts.items():
        row += 1
        safe_cells.set_text(ws.cell(row, 1), key if key != UNASSIGNED else t("stats.unassigned"))
        for index, (figure, _) in enumerate(split.figures, start=2):
            ws.cell(row, index, figures[figure])
    row += 1
    safe_cells.set_text(ws.cell(row, 1), t("stats.total")).font = bold
    for index, (figure, _) in enumerate(split.figures, start=2):
        ws.cell(row, index, sum(figures[figure] for figures in counts.values())).font = bold

    ws.column_dimensions["A"].width = SPLIT_KEY_WIDTH
    for index in range(2, width + 1):
        ws.column_dimensions[get_column_letter(index)].width = SPLIT_FIGURE_WIDTH
    ws.freeze_panes = ws.cell(SPLIT_HEADER_ROW + 1, 2).coordinate
    ws.print_title_rows = f"{SPLIT_HEADER_ROW}:{SPLIT_HEADER_ROW}"
    _print_on_a4(ws, landscape=False)

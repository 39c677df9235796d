"""The monthly contact table (意向客户接触状况表) as a file, laid out like the paper form.

Title, store and month; one row per intent customer — number, name, phone, model, first
contact, source, consultant, level, next due — then the days 1–31 with the level letter
on each day the customer was contacted (or registered); per-level totals at the foot,
per day too, and the customers carried over from last month (上月留存) and new this month
(本月新生). XLSX (openpyxl, written row by row) or CSV (UTF-8 with a BOM, so that Excel
reads the Chinese); the XLSX also says when it was made (制表时间), prints the page header
on every page and ends with the signature lines 制表 / 展厅主管 / 销售经理
(``report_page``). Headers in the language of the command line. Names, models and
consultants are typed by people: every cell goes through ``safe_cells``, so none becomes a
formula in Excel or WPS.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from frontdesk import months, report_page, rules, safe_cells
from frontdesk.errors import ValidationError
from frontdesk.followup import contact_table
from frontdesk.i18n import t
from frontdesk.store import settings

FORMATS = (".xlsx", ".csv")
MAX_DAYS = 31
PAGE = 500  # rows per keyset page while writing
FIXED_COLUMNS = (
    "no",
    "name",
    "phone",
    "model",
    "first_contact",
    "source",
    "consultant",
    "level",
    "next_due",
)
COLUMN_WIDTHS = (6, 10, 14, 10, 11, 9, 8, 5, 11)  # 来源区分 whole
DAY_WIDTH = 3.5
UNKNOWN_LEVEL = "+"  # a registration before the customer had any level


def _day_text(mark: contact_table.Mark | None) -> str:
    if mark is not None and mark.kind == "closed":
        return t(f"contacts.outcome.{mark.level}")
    if mark is None or mark.kind != "contact":
        return ""
    return mark.level or UNKNOWN_LEVEL


def sheet_rows(f: contact_table.TableFilter) -> Iterator[tuple[str, list]]:
    """(role, cells) for each line of the sheet, role being title | info | header | row |
    blank | total | summary (the XLSX writer styles by role)."""
    days = months.days_in_month(f.month)
    width = len(FIXED_COLUMNS) + MAX_DAYS
    store_name = settings.store_name() or t("app.no_store_name")
    yield "title", [t("contacts.title")] + [""] * (width - 1)
    info = t("contacts.export.info", store=store_name, month=f.month.strftime("%Y-%m"))
    yield "info", [info] + [""] * (width - 1)
    header = [t(f"contacts.col.{key}") for key in FIXED_COLUMNS]
    yield "header", header + [str(day) for day in range(1, MAX_DAYS + 1)]

    per_day: dict[str, list[int]] = {level: [0] * MAX_DAYS for level in rules.LEVELS}
    per_day[UNKNOWN_LEVEL] = [0] * MAX_DAYS
    number = 0
    after = None
    while True:
        rows = contact_table.page(f, after, PAGE)
        for grid in contact_table.with_marks(rows, f):
            row = grid.row
            number += 1
            cells = [
                row.number or number,
                t("contacts.row.lead", name=row.name) if row.is_lead else row.name,
                rules.format_phone(row.phone),
                row.model,
                row.first_contact.isoformat() if row.first_contact else "",
                row.source,
                row.consultant or "",
                row.level,
                _due_text(row),
            ]
            for day in range(1, MAX_DAYS + 1):
                text = _day_text(grid.marks.get(day)) if day <= days else ""
                if text in per_day:
                    per_day[text][day - 1] += 1
                cells.append(text)
            yield "row", cells
        if len(rows) < PAGE:
            break
        after = rows[-1].key

    totals = contact_table.totals(f)
    yield "blank", [""] * width
    blank_fixed: list[str | int] = [""] * len(FIXED_COLUMNS)  # a label, and a count under "level"
    level_column = FIXED_COLUMNS.index("level")
    name_column = FIXED_COLUMNS.index("name")
    for level in rules.LEVELS:
        line = list(blank_fixed)
        line[name_column] = t("contacts.export.level_total", level=level)
        line[level_column] = totals.by_level.get(level, 0)
        yield "total", line + [n or "" for n in per_day[level]]
    line = list(blank_fixed)
    line[name_column] = t("contacts.export.total")
    line[level_column] = number
    all_days = [sum(counts[i] for counts in per_day.values()) for i in range(MAX_DAYS)]
    yield "total", line + [n or "" for n in all_days]
    for outcome in contact_table.OUTCOMES:
        line = list(blank_fixed)
        line[name_column] = t(f"contacts.outcome.{outcome}")
        line[level_column] = totals.closed.get(outcome, 0)
        yield "total", line + [""] * MAX_DAYS
    summary = t(
        "contacts.export.flow",
        carried=totals.carried,
        carried_closed=contact_table.closes_text(totals.carried_closed),
        new=totals.new,
        leads=totals.leads,
    )
    yield "summary", [summary] + [""] * (width - 1)


def _due_text(row: contact_table.TableRow) -> str:
    if row.closed_as:
        return t(f"contacts.outcome.{row.closed_as}")
    return row.next_due.isoformat() if row.next_due else ""


def export_month(path: str | Path, f: contact_table.TableFilter) -> int:
    """Write the month's table to ``path`` (.xlsx or .csv); returns the customers written."""
    path = Path(path).expanduser()
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValidationError(
            {"out": t("contacts.error.export_format", ext=suffix or path.name, formats="xlsx, csv")}
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = sheet_rows(f)
    written = 0
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            for role, cells in lines:
                written += role == "row"
                writer.writerow(safe_cells.csv_row(cells))
        return written
    return _write_xlsx(path, lines, f)


def _write_xlsx(path: Path, lines, f: contact_table.TableFilter) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(f.month.strftime("%Y-%m"))
    for index, width in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for day in range(1, MAX_DAYS + 1):
        letter = get_column_letter(len(FIXED_COLUMNS) + day)
        sheet.column_dimensions[letter].width = DAY_WIDTH
    sheet.freeze_panes = "C4"  # the number and name stay in view, and the header
    sheet.print_title_rows = "3:3"  # the header row on every printed page
    header = report_page.page_header(
        t("contacts.title"), settings.store_name(), f.month.strftime("%Y-%m")
    )
    report_page.set_print_header(sheet, header)
    days = months.days_in_month(f.month)
    bold = Font(bold=True)
    fonts = {"title": Font(bold=True, size=14), "header": bold, "total": bold}
    outside = PatternFill("solid", fgColor="DDDDDD")  # days the month does not have
    centre = Alignment(horizontal="center")
    right = Alignment(horizontal="right")
    written = 0
    for role, cells in lines:
        if role == "row":  # plain values: styling 40 cells of every row is most of the time
            written += 1
            sheet.append(  # None: no cell
                [safe_cells.write_only_value(sheet, cell) if cell != "" else None for cell in cells]
            )
            continue
        if role == "info":  # store and month on the left, when it was made on the right
            cells = [*cells[:-1], header.made_at_text]
        row = []
        for index, value in enumerate(cells):
            cell = safe_cells.set_text(WriteOnlyCell(sheet), value)
            if role in fonts:
                cell.font = fonts[role]
            day = index - len(FIXED_COLUMNS) + 1
            if day >= 1 and role in ("header", "total"):
                cell.alignment = centre
                if day > days:
                    cell.fill = outside
            if role == "info" and index == len(cells) - 1:
                cell.alignment = right  # runs on to the left, over the empty cells
            row.append(cell)
        sheet.append(row)
    # The signature lines of the paper form (制表 / 展厅主管 / 销售经理), a row below the foot.
    width = len(FIXED_COLUMNS) + MAX_DAYS
    sheet.append([])
    sheet.append(
        [safe_cells.write_only_value(sheet, text) for text in report_page.signature_row(width)]
    )
    workbook.save(path)
    return written

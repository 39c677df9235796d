"""The daily report (营业日报表) as an XLSX laid out like the paper form (seed 000 slide 56).

Title, the day (年月日, 星期) and the consultant; the rows' table — 序号, 客户姓名, 车型,
电话, 开拓/确度, 电话/拜访, 访问目的, 访问经过 — with at least the form's fourteen lines;
then the summary blocks as the form has them: 本日访问客户数 and 本月访问累计, 本日止意向
客户数 by level (上月留存 / 本月新生 / 合计), 本日止保有客户数 (自销 / 他销 / 合计), the
purposes (促进 / 手续 / 管理 / 开拓), the level changes (原来 → 现在), the next day's plan,
主管指示事项 and the signature, with any amendment after it; the form's legend of levels,
and the signature lines (制表 / 展厅主管 / 销售经理, ``report_page``) with the page header
on every printed page. Every cell goes through ``safe_cells``: names and accounts are typed
by people, and none becomes a formula.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from frontdesk import report_page, safe_cells
from frontdesk.errors import ValidationError
from frontdesk.i18n import t
from frontdesk.reports import daily_layout as layout
from frontdesk.reports.daily_report import DailyReport
from frontdesk.store import settings

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

PAPER_ROWS = 14  # the paper form's lines 1–14: a short day still prints as the form
# 序号 时间 客户姓名 车型 电话 开拓/确度 电话/拜访 访问目的 访问经过
COLUMN_WIDTHS = (6, 7, 12, 10, 15, 10, 10, 10, 48)


def sheet_rows(report: DailyReport) -> list[tuple[str, list]]:
    """(role, cells) of each line of the sheet; role is title | info | header | row | blank
    | section | total | text (the writer styles by role)."""
    store = settings.store_name() or t("app.no_store_name")
    lines: list[tuple[str, list]] = [
        ("title", [t("daily.title")]),
        ("info", [t("daily.info", store=store, date=layout.report_date(report),
                    consultant=report.consultant)]),
        ("header", layout.header()),
    ]  # fmt: skip
    lines += [("row", layout.row_cells(row)) for row in report.rows]
    for number in range(len(report.rows) + 1, PAPER_ROWS + 1):
        lines.append(("row", [str(number)]))
    lines.append(("blank", []))
    lines += [("total", cells) for cells in layout.visit_rows(report)]
    lines.append(("total", [t("daily.purposes"), layout.purpose_text(report)]))
    lines.append(("section", [t("daily.intent")]))
    intent = layout.intent_rows(report)
    lines += [("header", intent[0]), *(("row", cells) for cells in intent[1:])]
    lines.append(("section", [t("daily.owners")]))
    lines += [("row", cells) for cells in layout.owner_rows(report)]
    lines.append(("section", [t("daily.moves")]))
    lines.append(("header", layout.move_header()))
    lines += [("row", cells) for cells in layout.move_rows(report)] or [("row", ["—"])]
    lines.append(("section", [t("daily.plan")]))
    lines.append(("header", layout.plan_header()))
    lines += [("row", cells) for cells in layout.plan_rows(report)] or [("row", ["—"])]
    lines.append(("blank", []))
    lines.append(("section", [t("daily.instructions")]))
    lines.append(("text", [layout.instructions_text(report)]))
    lines.append(("text", [layout.signoff_line(report)]))
    lines += [("text", [line]) for line in layout.amendment_lines(report)]
    lines.append(("blank", []))
    lines.append(("text", [t("daily.legend")]))
    return lines


def export_report(path: str | Path, report: DailyReport) -> Path:
    """Write ``report`` to ``path`` (.xlsx); returns the path written."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    path = Path(path).expanduser()
    if path.suffix.lower() != ".xlsx":
        raise ValidationError(
            {"out": t("contacts.error.export_format", ext=path.suffix or path.name, formats="xlsx")}
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook()
    sheet = cast("Worksheet", workbook.active)  # a new workbook's one sheet
    sheet.title = report.day.isoformat()
    for index, width in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.print_title_rows = "3:3"  # the header of the rows on every printed page
    page = report_page.page_header(t("daily.title"), settings.store_name(), report.day.isoformat())
    report_page.set_print_header(sheet, page)
    bold = Font(bold=True)
    fonts = {"title": Font(bold=True, size=14), "header": bold, "section": bold, "total": bold}
    wrap = Alignment(wrap_text=True, vertical="top")
    last_column = len(COLUMN_WIDTHS)

    def put(row: int, column: int, value: object, role: str = "") -> None:
        if value is None or value == "":
            return
        cell = safe_cells.set_text(sheet.cell(row=row, column=column), value)
        if role in fonts:
            cell.font = fonts[role]
        if role == "row" and column == last_column:
            cell.alignment = wrap  # 访问经过: the whole account, over lines

    number = 0
    for number, (role, cells) in enumerate(sheet_rows(report), start=1):
        if role == "info":  # store, day and consultant on the left, when made on the right
            put(number, last_column, page.made_at_text, role)
        for column, value in enumerate(cells, start=1):
            put(number, column, value, role)
    # The signature lines of the paper form, a row below the legend.
    for column, text in enumerate(report_page.signature_row(last_column), start=1):
        put(number + 2, column, text)
    workbook.save(path)
    return path

"""The loss analysis (销售促成失控(败)分析表) as an XLSX the manager prints and signs.

One sheet: the title, the page header (店名 · 月份 · 制表时间, also printed on every page,
``report_page``); the month's losses in all (战败 / 失控 / 合计 / 平均跟进天数) and the
applications (申请 · 批准 · 驳回 · 待审批 · 战败明确率); then a table per way of counting —
by reason, competitor, model, consultant, level at the loss — and the applications by
consultant; the signature lines 制表 / 展厅主管 / 销售经理 at the foot. Reasons, competitors,
models and names are typed by people: every cell goes through ``safe_cells``. Headers in
the language of the command line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from frontdesk import report_page, safe_cells
from frontdesk.i18n import t
from frontdesk.reports.losses import DIMENSIONS, ApplicationCount, LossAnalysis, LossCount
from frontdesk.store import settings

WIDTH = 6  # columns: what, 战败, 失控, 合计, share, mean days (applications: 6 too)
COLUMN_WIDTHS = (22, 8, 8, 8, 9, 12)
NO_VALUE = "—"


def key_text(dimension: str, key: str) -> str:
    """A row's name: what was typed, or a word for none (未填写 / 未分配)."""
    if key:
        return key
    return t("losses.none_consultant") if dimension == "consultant" else t("losses.none")


def loss_cells(row: LossCount, name: str, of: int) -> list[object]:
    """[name, 战败, 失控, 合计, share of all losses, mean days]."""
    share = row.total / of if of else None
    days = None if row.mean_days is None else round(row.mean_days, 1)
    return [name, row.defeat, row.lost, row.total, share, days]


def application_cells(row: ApplicationCount, name: str) -> list[object]:
    """[name, 申请, 批准, 驳回, 待审批, 战败明确率]."""
    return [name, row.applied, row.approved, row.rejected, row.pending, row.rate]


def sheet_rows(analysis: LossAnalysis) -> Iterator[tuple[str, list[object]]]:
    """(role, cells) of each line: title | info | section | header | blank, and the figures:
    row | total (losses: the fifth cell a share, the sixth days) and apps_row | apps_total
    (applications: the sixth cell 战败明确率, a share)."""
    blank: list[object] = [""] * WIDTH
    yield "title", [t("losses.title"), *blank[1:]]
    yield "info", blank
    loss_header: list[object] = [
        "",
        t("contacts.outcome.defeat"),
        t("contacts.outcome.lost"),
        t("losses.col.total"),
        t("losses.col.share"),
        t("losses.col.mean_days"),
    ]
    of = analysis.total.total
    yield "header", loss_header
    yield "total", loss_cells(analysis.total, t("losses.col.all"), of)
    yield "blank", blank
    for dimension in DIMENSIONS:
        yield "section", [t(f"losses.by.{dimension}"), *blank[1:]]
        yield "header", [t(f"losses.key.{dimension}"), *loss_header[1:]]
        for row in analysis.by[dimension]:
            yield "row", loss_cells(row, key_text(dimension, row.key), of)
        yield "blank", blank
    yield "section", [t("losses.applications"), *blank[1:]]
    yield (
        "header",
        [
            t("losses.key.consultant"),
            t("losses.col.applied"),
            t("losses.col.approved"),
            t("losses.col.rejected"),
            t("losses.col.pending"),
            t("losses.col.rate"),
        ],
    )
    for count in analysis.applications_by_consultant:
        yield "apps_row", application_cells(count, key_text("consultant", count.key))
    yield "apps_total", application_cells(analysis.applications, t("losses.col.all"))


# How a figure's cell reads, by the line's role and the column (1-based): shares as percent.
_FORMATS = {
    "row": {5: "0.0%", 6: "0.0"},
    "total": {5: "0.0%", 6: "0.0"},
    "apps_row": {6: "0.0%"},
    "apps_total": {6: "0.0%"},
}
_BOLD_ROLES = ("section", "header", "total", "apps_total")


def export_month(analysis: LossAnalysis, path: str | Path) -> Path:
    """Write the analysis to ``path`` (.xlsx); returns the path written."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    path, workbook, ws = report_page.new_workbook(path, analysis.label)
    header = report_page.page_header(t("losses.title"), settings.store_name(), analysis.label)
    right = Alignment(horizontal="right")
    for number, (role, cells) in enumerate(sheet_rows(analysis), start=1):
        if role == "info":  # the store and the month on the left, when it was made on the right
            safe_cells.set_text(ws.cell(number, 1), f"{header.store_text}  {header.month_text}")
            safe_cells.set_text(ws.cell(number, WIDTH), header.made_at_text).alignment = right
            continue
        formats = _FORMATS.get(role)
        for index, value in enumerate(cells, start=1):
            if value == "":
                continue
            cell = safe_cells.set_text(ws.cell(number, index), value)
            if formats is not None and value is None:
                cell.value = NO_VALUE  # a share of nothing, the days of no loss
                cell.alignment = right
            elif formats is not None and index in formats:
                cell.number_format = formats[index]
            if role == "title":
                cell.font = Font(bold=True, size=14)
            elif role in _BOLD_ROLES:
                cell.font = Font(bold=True)
    # The signature lines of the paper form (制表 / 展厅主管 / 销售经理), a row below the foot.
    sign_row = ws.max_row + 2
    for index, signer in enumerate(report_page.signature_row(WIDTH), start=1):
        if signer is not None:
            safe_cells.set_text(ws.cell(sign_row, index), signer)
    for index, width in enumerate(COLUMN_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    report_page.set_print_header(ws, header)
    workbook.save(path)
    return path.resolve()

"""The targets against the actuals (营业目标计划与实际比较表) as an XLSX the manager prints
and signs.

One sheet, as the paper form: the title, the page header (店名 · 月份 · 制表时间, also printed
on every page, ``report_page``) and the pace it is read at (已过 n/N 天); then a row per
consultant (and under them their model rows) and, for each figure — 接待来店, 试乘试驾, 订车,
交车 — its 目标 / 实际 / 达成率 / 应完成 / 进度 (正常 or 落后); the total (合计); the signature
lines 制表 / 展厅主管 / 销售经理 at the foot. Names and models are typed by people: every
cell goes through ``safe_cells``. Headers in the language of the command line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from frontdesk import report_page, safe_cells
from frontdesk.i18n import t
from frontdesk.reports.targets import FIGURES, Figure, TargetRow, TargetsReport
from frontdesk.store import settings

PER_FIGURE = ("target", "actual", "percent", "expected", "pace")
WIDTH = 2 + len(FIGURES) * len(PER_FIGURE)
NAME_WIDTHS = (12, 12)
FIGURE_WIDTHS = (6, 6, 8, 7, 6)
NO_VALUE = "—"


def model_text(model: str) -> str:
    return model or t("targets.all_models")


def pace_text(figure: Figure) -> str:
    """正常 / 落后, or — without a target."""
    if figure.on_track is None:
        return NO_VALUE
    return t("targets.on_track") if figure.on_track else t("targets.behind")


def pace_line(report: TargetsReport) -> str:
    return t(
        "targets.pace",
        as_of=report.as_of.isoformat(),
        elapsed=report.elapsed,
        days=report.days,
    )


def figure_cells(figure: Figure) -> list[object]:
    """[目标, 实际, 达成率 (a share), 应完成, 进度]: None where there is no target."""
    expected = None if figure.expected is None else round(figure.expected, 1)
    return [figure.target, figure.actual, figure.percent, expected, pace_text(figure)]


def row_cells(row: TargetRow) -> list[object]:
    cells: list[object] = [row.consultant, model_text(row.model)]
    for name in FIGURES:
        cells += figure_cells(row.figures[name])
    return cells


def sheet_rows(report: TargetsReport) -> Iterator[tuple[str, list[object]]]:
    """(role, cells) of each line: title | info | pace | groups | header | row | total."""
    blank: list[object] = [""] * WIDTH
    yield "title", [t("targets.title"), *blank[1:]]
    yield "info", blank
    yield "pace", [pace_line(report), *blank[1:]]
    groups: list[object] = ["", ""]
    header: list[object] = [t("targets.col.consultant"), t("targets.col.model")]
    for name in FIGURES:
        groups += [t(f"targets.field.{name}"), *[""] * (len(PER_FIGURE) - 1)]
        header += [t(f"targets.col.{column}") for column in PER_FIGURE]
    yield "groups", groups
    yield "header", header
    for row in report.rows:
        yield "row", row_cells(row)
    yield "total", row_cells(report.total)


def _percent_columns() -> set[int]:
    """The 1-based columns of 达成率 (formatted as percent) and 应完成 (one place)."""
    start = 3 + PER_FIGURE.index("percent")
    return {start + n * len(PER_FIGURE) for n in range(len(FIGURES))}


def export_month(report: TargetsReport, path: str | Path) -> Path:
    """Write the report to ``path`` (.xlsx); returns the path written."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    path, workbook, ws = report_page.new_workbook(path, report.label)
    header = report_page.page_header(t("targets.title"), settings.store_name(), report.label)
    right = Alignment(horizontal="right")
    centre = Alignment(horizontal="center")
    percents = _percent_columns()
    expected_columns = {column + 1 for column in percents}
    for number, (role, cells) in enumerate(sheet_rows(report), start=1):
        if role == "info":  # the store and the month on the left, when it was made on the right
            safe_cells.set_text(ws.cell(number, 1), f"{header.store_text}  {header.month_text}")
            safe_cells.set_text(ws.cell(number, WIDTH), header.made_at_text).alignment = right
            continue
        for index, value in enumerate(cells, start=1):
            if value == "":
                continue
            cell = safe_cells.set_text(ws.cell(number, index), value)
            if role in ("row", "total") and index > 2:
                if value is None:
                    cell.value = NO_VALUE  # no target: no share, no pace
                    cell.alignment = right
                elif index in percents:
                    cell.number_format = "0.0%"
                elif index in expected_columns:
                    cell.number_format = "0.0"
            if role == "title":
                cell.font = Font(bold=True, size=14)
            elif role in ("groups", "header", "total"):
                cell.font = Font(bold=True)
        if role == "groups":  # each figure's name over its five columns
            for n in range(len(FIGURES)):
                first = 3 + n * len(PER_FIGURE)
                ws.merge_cells(
                    start_row=number,
                    start_column=first,
                    end_row=number,
                    end_column=first + len(PER_FIGURE) - 1,
                )
                ws.cell(number, first).alignment = centre
    # The signature lines of the paper form (制表 / 展厅主管 / 销售经理), a row below the foot.
    sign_row = ws.max_row + 2
    for index, signer in enumerate(report_page.signature_row(WIDTH), start=1):
        if signer is not None:
            safe_cells.set_text(ws.cell(sign_row, index), signer)
    widths = [*NAME_WIDTHS, *FIGURE_WIDTHS * len(FIGURES)]
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.page_setup.orientation = "landscape"  # 22 columns: the form is printed across
    report_page.set_print_header(ws, header)
    workbook.save(path)
    return path.resolve()

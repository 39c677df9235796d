"""What a report carries on paper (报表的页眉与签字栏): the page header and the signatures.

The showroom manager prints the month's statistics (展厅来店(电)统计表) and the contact
table (意向客户接触状况表), checks them and signs them, as the paper forms are signed:

- the page header: the store (店名), the month (月份) and when the table was made
  (制表时间, the export's time: the figures are those of that moment); written both as the
  sheet's first rows and as the header the spreadsheet prints on every page, with
  "第 1 页，共 2 页" at the foot;
- the signature lines under the last row of the main sheet: 制表 (who made the table),
  展厅主管 (the showroom manager) and 销售经理 (the sales manager).

The store name is typed by people: in the printed header an ``&`` starts one of Excel's
codes (``&P`` the page), so it is doubled there; the cells go through ``safe_cells``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from frontdesk import clock
from frontdesk.errors import ValidationError
from frontdesk.i18n import t

SUFFIX = ".xlsx"

SIGNERS = ("report.sign.prepared", "report.sign.showroom_manager", "report.sign.sales_manager")
SIGN_LINE = "_" * 14  # the line to sign on, as on the paper form
MADE_AT_FORMAT = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class PageHeader:
    """The page header of one report: its title, store, month and when it was made."""

    title: str
    store: str
    month: str  # "2026-11"
    made_at: dt.datetime

    @property
    def store_text(self) -> str:
        return t("report.store", name=self.store or t("app.no_store_name"))

    @property
    def month_text(self) -> str:
        return t("report.month", month=self.month)

    @property
    def made_at_text(self) -> str:
        return t("report.made_at", time=self.made_at.strftime(MADE_AT_FORMAT))


def page_header(title: str, store: str, month: str) -> PageHeader:
    """The header of a report made now (the one clock)."""
    return PageHeader(title, store, month, clock.now())


def _printed(text: str) -> str:
    """A text as Excel's header shows it: every ``&`` doubled, so none starts a code."""
    return text.replace("&", "&&")


def set_print_header(ws, header: PageHeader) -> None:
    """The header and footer the spreadsheet prints on every page of ``ws``: the store on
    the left, title and month in the middle, when it was made on the right; the page
    number at the foot. (Works on write-only sheets too.)"""
    ws.oddHeader.left.text = _printed(header.store_text)
    ws.oddHeader.center.text = _printed(t("report.title", title=header.title, month=header.month))
    ws.oddHeader.right.text = _printed(header.made_at_text)
    ws.oddFooter.center.text = t("report.page", page="&P", pages="&N")


def signature_row(width: int) -> list[str | None]:
    """The row of signature lines over ``width`` columns: 制表 at the first column, 展厅主管
    a third across, 销售经理 two thirds across, each followed by its line; the cells
    between are empty, so each text runs on over them."""
    row: list[str | None] = [None] * width
    step = max(width // len(SIGNERS), 1)
    for index, signer in enumerate(SIGNERS):
        row[min(index * step, width - 1)] = t(signer) + SIGN_LINE
    return row


def new_workbook(path: str | Path, sheet_title: str) -> tuple[Path, Any, Any]:
    """Where a month's form goes and the workbook to write it in: ``path`` with ``~``
    expanded and its folder made (a sentence on ``out`` unless it ends in .xlsx), and a
    workbook of one worksheet titled ``sheet_title``; returns (path, workbook, worksheet)."""
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    target = Path(path).expanduser()
    if target.suffix.lower() != SUFFIX:
        ext = target.suffix or target.name
        raise ValidationError({"out": t("contacts.error.export_format", ext=ext, formats="xlsx")})
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook()
    ws = workbook.active
    assert isinstance(ws, Worksheet)  # a new workbook opens on one empty worksheet
    ws.title = sheet_title
    return target, workbook, ws

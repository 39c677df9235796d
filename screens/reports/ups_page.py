"""F7's ups page (接待统计): a month's ups per consultant against their hours on duty, the
skips of the up rotation by reason, then the list of skips — from
``frontdesk.reports.ups``, in the same cells as ``frontdesk report ups``.

``,`` / ``.`` change the month. A manager reads every consultant's line, a consultant
their own (the core narrows it).
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from frontdesk.i18n import t
from frontdesk.reports import ups
from frontdesk.reports.ups import UpsReport
from screens import access
from screens.db import run_db
from screens.reports.month_paging import MonthPage

PAGE = "ups"
KEYS = [
    Binding("comma", "ups_month(-1)", "compliance.key.prev_month",
            tooltip="ups.help.prev_month_key", id="ups-prev-month"),
    Binding("full_stop", "ups_month(1)", "compliance.key.next_month",
            tooltip="ups.help.next_month_key", id="ups-next-month"),
]  # fmt: skip
RIGHTS: dict[str, str] = {}


def _table(
    header: list[str], rows: list[list[str]], total: bool = False, figures: bool = True
) -> Table:
    """Names left, ``figures`` right (else every column left); the total's line (the last,
    when ``total``) in bold."""
    table = Table(box=None, padding=(0, 2, 0, 0), show_edge=False, header_style="dim")
    for index, name in enumerate(header):
        justify = "right" if figures and index else "left"
        table.add_column(Text(name), justify=justify, no_wrap=True)
    for number, cells in enumerate(rows, start=1):
        style = "bold" if total and number == len(rows) else ""
        table.add_row(*(Text(cell, style=style) for cell in cells))
    return table


def ups_view(report: UpsReport) -> Group:
    """The figures per consultant (and the total), then the skips, as the CLI prints them."""
    rows = ups.figure_rows(report)
    parts: list[RenderableType] = [_table(ups.header(), rows, total=len(report.lines) > 1)]
    parts.append(Text(""))
    parts.append(Text(t("ups.skips"), style="bold"))
    if report.skips:
        parts.append(_table(ups.skip_header(), ups.skip_rows(report), figures=False))
    else:
        parts.append(Text(t("ups.no_skips"), style="dim"))
    return Group(*parts)


class UpsPage(MonthPage):
    """One month's ups; the screen's keys drive it."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.view: UpsReport | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content(t("daily.loading")), id="ups-title", classes="report-title")
        with VerticalScroll(id="ups-body", classes="report-body"):
            yield Static(Content(""), id="ups-table")

    def focus_body(self) -> None:
        self.query_one("#ups-body").focus()

    def refresh_data(self) -> None:
        by = access.actor_of(self)
        month = self.month

        def load() -> UpsReport:
            return ups.month_ups(month, by=by)

        run_db(self, load, on_done=self._show, on_error=self._refused, group="ups",
               exclusive=True)  # fmt: skip

    def _refused(self, error) -> None:
        self.query_one("#ups-title", Static).update(Content.styled(str(error), "bold $error"))

    def _show(self, report: UpsReport) -> None:
        if report.month != self.month:
            return  # the user moved on while this one was read
        self.view = report
        self.query_one("#ups-title", Static).update(Content.styled(ups.title(report), "bold"))
        self.query_one("#ups-body").display = True
        if self.screen.focused is None:  # hidden while it loaded, the body lost the focus
            self.focus_body()
        table = self.query_one("#ups-table", Static)
        busy = report.total.ups or report.total.hours or report.skips
        if report.lines and busy:
            table.update(ups_view(report))
        else:
            table.update(Text(t("ups.none_in_month"), style="dim"))
        self.screen.refresh_bindings()

    # -- what the keys do ----------------------------------------------------------------

    def may(self, action: str) -> bool:
        return True

    def loading(self) -> None:
        self.query_one("#ups-title", Static).update(Content(t("daily.loading")))
        self.query_one("#ups-body").display = False

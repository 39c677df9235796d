"""F7's loss analysis page (销售促成失控(败)分析表): a month's defeats and losses by reason,
competitor, model, consultant and level at the loss, with the mean days followed up, then
the applications and 战败明确率 — from ``frontdesk.reports.losses``, laid out as its XLSX
(``losses_sheet.sheet_rows``: the same lines, in the same order).

``,`` / ``.`` change the month, ``x`` exports it (XLSX, the paper form with its signature
lines). For a group manager (``roles.GROUP_VIEW``) ``g`` switches to the group's month and
back: each store's row and the group's total (``losses.group_losses``, the CLI's
``report losses --group`` table, its losses and its applications one under the other to fit
80 columns); the export is this store's. Managers only: the page is
not offered to others.
"""

from __future__ import annotations

from functools import partial

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from frontdesk.i18n import t
from frontdesk.people import roles
from frontdesk.reports import losses, losses_sheet
from frontdesk.reports.group_tables import losses_rows
from frontdesk.reports.losses import GroupLosses, LossAnalysis
from screens import access
from screens.bindings import group_key
from screens.db import run_db
from screens.export_dialog import Export, export_file, xlsx_target
from screens.reports.group_table import NAMES, group_table
from screens.reports.month_paging import MonthPage

PAGE = "losses"
KEYS = [
    Binding("comma", "losses_month(-1)", "compliance.key.prev_month",
            tooltip="compliance.help.prev_month_key", id="losses-prev-month"),
    Binding("full_stop", "losses_month(1)", "compliance.key.next_month",
            tooltip="compliance.help.next_month_key", id="losses-next-month"),
    Binding("x", "losses_export", "losses.key.export", tooltip="losses.help.export_key",
            id="losses-export"),
    group_key(f"{PAGE}_group", f"{PAGE}-group"),
]  # fmt: skip
RIGHTS = {"losses_export": roles.LOSSES_VIEW, "losses_group": roles.GROUP_VIEW}
APPLICATIONS = 6  # the first column of the applications in the CLI's group rows
_STYLES = {"header": "dim", "total": "bold", "apps_total": "bold"}
_SHARES = {"row": 4, "total": 4, "apps_row": 5, "apps_total": 5}  # 0-based cell of a share


def _cell(role: str, index: int, value: object) -> str:
    """A cell as the sheet shows it: shares in percent, days to one place, none as —."""
    if role not in _SHARES or index == 0:
        return str(value)
    if value is None:
        return losses_sheet.NO_VALUE
    if index == _SHARES[role]:
        return f"{float(value):.1%}"  # type: ignore[arg-type]
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _block() -> Table:
    table = Table(box=None, padding=(0, 1, 0, 0), show_edge=False, show_header=False)
    table.add_column(no_wrap=True)
    for _ in range(losses_sheet.WIDTH - 1):
        table.add_column(justify="right", no_wrap=True)
    return table


def analysis_table(analysis: LossAnalysis) -> Group:
    """The sheet's lines, less its title and page header (the page's title says them): a
    table for each way of counting, under its heading, so each is as wide as its names."""
    parts: list[RenderableType] = []
    table = _block()
    for role, cells in losses_sheet.sheet_rows(analysis):
        if role in ("title", "info"):
            continue
        if role == "section":  # a heading, then the next way of counting
            parts += [table, Text(str(cells[0]), style="bold")]
            table = _block()
            continue
        if role == "blank":
            continue
        style = _STYLES.get(role, "")
        table.add_row(*(Text(_cell(role, i, v), style=style) for i, v in enumerate(cells)))
    parts.append(table)
    return Group(*parts)


def group_tables(group: GroupLosses) -> Group:
    """The CLI's group table in two: each store's losses, then under their heading each
    store's applications (one table is wider than 80 columns in English)."""
    rows = losses_rows(group)
    lost = [row[:APPLICATIONS] for row in rows]
    applications = [row[:NAMES] + row[APPLICATIONS:] for row in rows]
    heading = Text(t("losses.applications"), style="bold")
    return Group(group_table(lost), Text(""), heading, group_table(applications))


class LossesPage(MonthPage):
    """One month's loss analysis; the screen's keys drive it."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.view: LossAnalysis | GroupLosses | None = None
        self.by_store = False  # the group's month, a row per store

    def compose(self) -> ComposeResult:
        yield Static(Content(t("daily.loading")), id="losses-title", classes="report-title")
        with VerticalScroll(id="losses-body", classes="report-body"):
            yield Static(Content(""), id="losses-table")

    def focus_body(self) -> None:
        self.query_one("#losses-body").focus()

    def refresh_data(self) -> None:
        by = access.actor_of(self)
        month = self.month

        if self.by_store:
            run_db(self, lambda: losses.group_losses(month, by=by), on_done=self._show_group,
                   on_error=self._refused, group="losses", exclusive=True)  # fmt: skip
            return

        def load() -> LossAnalysis:
            return losses.loss_analysis(month, by=by)

        run_db(self, load, on_done=self._show, on_error=self._refused, group="losses",
               exclusive=True)  # fmt: skip

    def _refused(self, error) -> None:
        self.query_one("#losses-title", Static).update(Content.styled(str(error), "bold $error"))

    def _show(self, analysis: LossAnalysis) -> None:
        if self.by_store or analysis.month != self.month:
            return  # the user moved on, or to the group, while this one was read
        self.view = analysis
        title = t("losses.cli.title", month=analysis.label)
        self.query_one("#losses-title", Static).update(Content.styled(title, "bold"))
        self.query_one("#losses-body").display = True
        if self.screen.focused is None:  # hidden while it loaded, the body lost the focus
            self.focus_body()
        table = self.query_one("#losses-table", Static)
        if analysis.total.total or analysis.applications.applied:
            table.update(analysis_table(analysis))
        else:
            table.update(Text(t("losses.none_in_month"), style="dim"))
        self.screen.refresh_bindings()

    def _show_group(self, group: GroupLosses) -> None:
        if not self.by_store or group.month != self.month:
            return  # the user moved on, or back to this store, while it was read
        self.view = group
        title = t("losses.cli.group_title", month=group.label)
        self.query_one("#losses-title", Static).update(Content.styled(title, "bold"))
        self.query_one("#losses-body").display = True
        if self.screen.focused is None:
            self.focus_body()
        self.query_one("#losses-table", Static).update(group_tables(group))
        self.screen.refresh_bindings()

    # -- what the keys do ----------------------------------------------------------------

    def may(self, action: str) -> bool:
        if action == "losses_export":  # this store's month, as its paper form
            return isinstance(self.view, LossAnalysis)
        return True

    def toggle_group(self) -> None:
        """Switch between this store's month and the group's stores, the same month."""
        self.by_store = not self.by_store
        self.loading()
        self.refresh_data()

    def loading(self) -> None:
        self.query_one("#losses-title", Static).update(Content(t("daily.loading")))
        self.query_one("#losses-body").display = False

    def export(self) -> None:
        """Ask for a file and write the month shown to it (XLSX)."""
        analysis = self.view
        if not isinstance(analysis, LossAnalysis):
            return
        export_file(
            self,
            Export(
                title=t("losses.export_title", month=analysis.label),
                filename=t("losses.filename", month=analysis.label),
                check=xlsx_target,
                write=partial(losses_sheet.export_month, analysis),
            ),
        )

"""F7's targets page (营业目标计划与实际比较表): each consultant's targets for the month
against what they did — walk-ins received, test drives, orders, deliveries — and the
month's pace, from ``frontdesk.reports.targets``.

A cell reads ``actual/target share``, marked ``*`` and shown in the error colour when the
figure is behind the pace (actual < target × days elapsed ÷ days in the month); a consultant
with no target shows ``actual/—``. Under a consultant, their model rows (a target for one
model counts that model only).

``,`` / ``.`` change the month, ``x`` exports it (XLSX, the paper form with its signature
lines), ``e`` sets a consultant's targets for the month shown (a manager's). A consultant
sees their own rows only: the core narrows them.
"""

from __future__ import annotations

from functools import partial

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from frontdesk.i18n import t
from frontdesk.people import roles, team
from frontdesk.reports import targets, targets_sheet
from frontdesk.reports.targets import FIGURES, Figure, TargetsReport
from frontdesk.store import codes
from screens import access
from screens.db import run_db
from screens.export_dialog import Export, export_file, xlsx_target
from screens.reports.month_paging import MonthPage
from screens.reports.target_dialogs import TargetScreen

PAGE = "targets"
KEYS = [
    Binding("comma", "targets_month(-1)", "targets.key.prev_month",
            tooltip="targets.help.prev_month_key", id="targets-prev-month"),
    Binding("full_stop", "targets_month(1)", "targets.key.next_month",
            tooltip="targets.help.next_month_key", id="targets-next-month"),
    Binding("e", "targets_edit", "targets.key.edit", tooltip="targets.help.edit_key",
            id="targets-edit"),
    Binding("x", "targets_export", "targets.key.export", tooltip="targets.help.export_key",
            id="targets-export"),
]  # fmt: skip
RIGHTS = {"targets_edit": roles.TARGETS_SET, "targets_export": roles.TARGETS_VIEW}
BEHIND = "*"


def figure_text(figure: Figure) -> Text:
    """``4/30 13%*``: actual/target and the share, ``*`` (and the error colour) when behind."""
    if figure.target is None:
        return Text(f"{figure.actual}/{targets_sheet.NO_VALUE}", style="dim")
    share = targets_sheet.NO_VALUE if figure.percent is None else f"{figure.percent:.0%}"
    text = f"{figure.actual}/{figure.target} {share}"
    if figure.on_track:
        return Text(text + " ")
    return Text(text + BEHIND, style="bold red")


def report_table(report: TargetsReport) -> Table:
    """A row per consultant and model (the model rows under their consultant, unnamed), a
    column per figure; the total last."""
    table = Table(box=None, padding=(0, 1, 0, 0), show_edge=False, header_style="dim")
    table.add_column(t("targets.col.consultant"), no_wrap=True)
    table.add_column(t("targets.col.model"), no_wrap=True)
    for name in FIGURES:
        table.add_column(t(f"targets.field.{name}"), justify="right", no_wrap=True)
    previous = None
    for row in report.rows:
        name = "" if row.consultant_id == previous else row.consultant
        previous = row.consultant_id
        table.add_row(
            Text(name),
            Text(targets_sheet.model_text(row.model), style="" if row.model else "dim"),
            *(figure_text(row.figures[figure]) for figure in FIGURES),
        )
    total = report.total
    table.add_row(
        Text(total.consultant, style="bold"),
        Text(""),
        *(figure_text(total.figures[figure]) for figure in FIGURES),
    )
    return table


class TargetsPage(MonthPage):
    """One month's targets against actuals; the screen's keys drive it."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.view: TargetsReport | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content(t("daily.loading")), id="targets-title", classes="report-title")
        with VerticalScroll(id="targets-body", classes="report-body"):
            yield Static(Content(""), id="targets-table")

    def focus_body(self) -> None:
        self.query_one("#targets-body").focus()

    def refresh_data(self) -> None:
        by = access.actor_of(self)
        month = self.month

        def load() -> TargetsReport:
            return targets.targets_report(month, by=by)

        run_db(self, load, on_done=self._show, on_error=self._refused, group="targets",
               exclusive=True)  # fmt: skip

    def _refused(self, error) -> None:
        self.query_one("#targets-title", Static).update(Content.styled(str(error), "bold $error"))

    def _show(self, report: TargetsReport) -> None:
        if report.month != self.month:
            return  # the user moved on while this one was read
        self.view = report
        title = t("targets.title_month", month=report.label)
        self.query_one("#targets-title", Static).update(Content.styled(title, "bold"))
        self.query_one("#targets-body").display = True
        if self.screen.focused is None:  # hidden while it loaded, the body lost the focus
            self.focus_body()
        table = self.query_one("#targets-table", Static)
        pace = Text(targets_sheet.pace_line(report), style="dim")
        if report.rows:
            legend = Text(t("targets.behind_mark"), style="dim")
            table.update(Group(pace, Text(""), report_table(report), Text(""), legend))
        else:
            table.update(Group(pace, Text(""), Text(t("targets.none_in_month"), style="dim")))
        self.screen.refresh_bindings()

    # -- what the keys do ----------------------------------------------------------------

    def may(self, action: str) -> bool:
        return self.view is not None

    def loading(self) -> None:
        self.query_one("#targets-title", Static).update(Content(t("daily.loading")))
        self.query_one("#targets-body").display = False

    def export(self) -> None:
        """Ask for a file and write the month shown to it (XLSX)."""
        report = self.view
        if report is None:
            return
        export_file(
            self,
            Export(
                title=t("targets.export_title", month=report.label),
                filename=t("targets.filename", month=report.label),
                check=xlsx_target,
                write=partial(targets_sheet.export_month, report),
            ),
        )

    def edit(self) -> None:
        """Open the dialog that sets a consultant's targets for the month shown, with the
        consultants and the models to pick from (read in a worker)."""
        month = self.month

        def choices() -> tuple[list[str], list[str]]:
            return [member.name for member in team.consultants()], codes.names(codes.MODEL)

        by = access.actor_of(self)

        def save(consultant: str, **fields: object) -> str:  # in the dialog's worker
            row = targets.set_target(month, consultant, by=by, **fields)  # type: ignore[arg-type]
            return t("targets.set_done", consultant=row.consultant.name,
                     month=month.strftime("%Y-%m"))  # fmt: skip

        def open_dialog(found: tuple[list[str], list[str]]) -> None:
            names, models = found
            self.app.push_screen(TargetScreen(month, names, models, save), self._set)

        run_db(self, choices, on_done=open_dialog)

    def _set(self, said: str | None) -> None:
        if said is None:
            return
        self.notify(said, markup=False)
        self.refresh_data()

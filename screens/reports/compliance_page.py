"""F7's follow-up compliance page (跟进达成): a month's planned follow-ups per consultant
and level, made on time ÷ planned, then the late and the open ones with how late — from
``frontdesk.reports.compliance``.

``,`` / ``.`` change the month. For a group manager (``roles.GROUP_VIEW``) ``g`` switches
to the group's month and back: each store's row and the group's total
(``compliance.group_compliance``, the CLI's ``report compliance --group`` table). The
figures walk the month's contact table, which takes a while on a big store: they are read
in a worker, the page saying 正在载入… meanwhile. A consultant sees their own.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from frontdesk import rules
from frontdesk.i18n import t
from frontdesk.people import roles
from frontdesk.reports import compliance
from frontdesk.reports.compliance import Compliance, GroupCompliance, PlannedContact, Tally
from frontdesk.reports.group_tables import compliance_rows, compliance_title
from frontdesk.stats.statistics_sheet import RATE, format_value
from screens import access
from screens.bindings import group_key
from screens.db import run_db
from screens.reports.group_table import group_table
from screens.reports.month_paging import MonthPage

PAGE = "compliance"
KEYS = [
    Binding("comma", "compliance_month(-1)", "compliance.key.prev_month",
            tooltip="compliance.help.prev_month_key", id="compliance-prev-month"),
    Binding("full_stop", "compliance_month(1)", "compliance.key.next_month",
            tooltip="compliance.help.next_month_key", id="compliance-next-month"),
    group_key(f"{PAGE}_group", f"{PAGE}-group"),
]  # fmt: skip
# Whose figures is the core's (roles.CONTACTS_VIEW); the group's, a group manager's.
RIGHTS = {"compliance_group": roles.GROUP_VIEW}
TALLY_HEADS = ("consultant", "level", "planned", "on_time", "late", "open", "rate")
MISSED_HEADS = ("due", "consultant", "level", "name", "phone", "made_on", "days_late")


def _consultant(name: str | None) -> str:
    if name is None:
        return t("compliance.everyone")
    return name or t("compliance.unassigned")


def _table(heads: tuple[str, ...]) -> Table:
    table = Table(box=None, padding=(0, 1, 0, 0), show_edge=False, header_style="dim")
    for key in heads:
        table.add_column(Text(t(f"compliance.col.{key}")), no_wrap=True)
    return table


def _tally_cells(line: Tally) -> list[str]:
    return [
        _consultant(line.consultant),
        line.level or t("compliance.all_levels"),
        str(line.planned),
        str(line.on_time),
        str(line.late),
        str(line.open),
        format_value(line.rate, RATE),
    ]


def tally_table(result: Compliance) -> Table:
    """Each consultant's levels, then the consultant's all levels (bold); everyone's last."""
    table = _table(TALLY_HEADS)
    for mine in result.consultants:
        for line in result.lines:
            if line.consultant == mine.consultant:
                table.add_row(*(Text(cell) for cell in _tally_cells(line)))
        table.add_row(*(Text(cell, style="bold") for cell in _tally_cells(mine)))
    table.add_row(*(Text(cell, style="bold") for cell in _tally_cells(result.total)))
    return table


def _missed_cells(contact: PlannedContact) -> list[str]:
    made = contact.made_on.isoformat() if contact.made_on else t("compliance.still_open")
    return [
        contact.due.isoformat(),
        _consultant(contact.consultant),
        contact.level or "—",
        contact.name or "—",
        rules.format_phone(contact.phone),
        made,
        str(contact.days_late),
    ]


def missed_table(result: Compliance) -> Table | Text:
    if not result.missed:
        return Text(t("reconcile.none"), style="dim")
    table = _table(MISSED_HEADS)
    for contact in result.missed:
        table.add_row(*(Text(cell) for cell in _missed_cells(contact)))
    return table


class CompliancePage(MonthPage):
    """One month's follow-up compliance; the screen's keys drive it."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.view: Compliance | GroupCompliance | None = None
        self.by_store = False  # the group's month, a row per store

    def compose(self) -> ComposeResult:
        yield Static(Content(t("daily.loading")), id="compliance-title", classes="report-title")
        with VerticalScroll(id="compliance-body", classes="report-body"):
            yield Static(Content(""), id="compliance-tally")
            yield Static(Content(t("compliance.missed")), id="compliance-missed-head",
                         classes="daily-section")  # fmt: skip
            yield Static(Content(""), id="compliance-missed")

    def focus_body(self) -> None:
        self.query_one("#compliance-body").focus()

    def refresh_data(self) -> None:
        by = access.actor_of(self)
        month = self.month

        if self.by_store:
            run_db(self, lambda: compliance.group_compliance(month, by=by),
                   on_done=self._show_group, on_error=self._refused, group="compliance",
                   exclusive=True)  # fmt: skip
            return

        def load() -> Compliance:
            return compliance.compliance(month, by=by)

        run_db(self, load, on_done=self._show, on_error=self._refused, group="compliance",
               exclusive=True)  # fmt: skip

    def _refused(self, error) -> None:
        self.query_one("#compliance-title", Static).update(
            Content.styled(str(error), "bold $error")
        )

    def loading(self) -> None:
        self.query_one("#compliance-title", Static).update(Content(t("daily.loading")))
        self.query_one("#compliance-body").display = False

    def _show(self, result: Compliance) -> None:
        if self.by_store or result.month != self.month:
            return  # the user moved on, or to the group, while this one was read
        self.view = result
        title = t(
            "compliance.title_month",
            month=result.month.strftime("%Y-%m"),
            as_of=result.as_of.isoformat(),
        )
        self.query_one("#compliance-title", Static).update(Content.styled(title, "bold"))
        self.query_one("#compliance-body").display = True
        if self.screen.focused is None:  # hidden while it loaded, the body lost the focus
            self.focus_body()
        tally = self.query_one("#compliance-tally", Static)
        planned = bool(result.total.planned)
        tally.update(tally_table(result) if planned else Text(t("compliance.none"), style="dim"))
        self.query_one("#compliance-missed-head").display = planned
        missed = self.query_one("#compliance-missed", Static)
        missed.display = planned
        missed.update(missed_table(result))
        self.screen.refresh_bindings()

    def _show_group(self, group: GroupCompliance) -> None:
        if not self.by_store or group.month != self.month:
            return  # the user moved on, or back to this store, while it was read
        self.view = group
        self.query_one("#compliance-title", Static).update(
            Content.styled(compliance_title(group), "bold")
        )
        self.query_one("#compliance-body").display = True
        if self.screen.focused is None:
            self.focus_body()
        self.query_one("#compliance-tally", Static).update(group_table(compliance_rows(group)))
        self.query_one("#compliance-missed-head").display = False
        self.query_one("#compliance-missed").display = False
        self.screen.refresh_bindings()

    # -- what the keys do ----------------------------------------------------------------

    def may(self, action: str) -> bool:
        return True

    def toggle_group(self) -> None:
        """Switch between this store's month and the group's stores, the same month."""
        self.by_store = not self.by_store
        self.loading()
        self.refresh_data()

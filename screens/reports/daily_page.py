"""F7's first page: a consultant's daily report (营业日报表) of one day, and its sign-off.

The report as the paper form has it — the rows (序号 … 访问经过), the day's and month's
contacts, the purposes, the intent customers at the day's end (上月留存 / 本月新生), the
owners on file, the level changes, tomorrow's plan — then the manager's instructions and
signature, and what was corrected after it. A manager moves between consultants (``c``)
and days (←/→), signs (``s``) and goes to the oldest report still unsigned (``u``); the
line at the foot says how many wait. ``x`` exports the report as the paper form (XLSX). A
consultant reads (and exports) their own reports only. Every figure is the core's
(``frontdesk.reports``), read in a worker.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from frontdesk import bounds, clock, rules
from frontdesk.i18n import t
from frontdesk.people import roles, team
from frontdesk.people.actor import Actor
from frontdesk.reports import daily_export, daily_report, daily_signoff
from frontdesk.reports import daily_layout as layout
from frontdesk.reports.daily_report import DailyReport
from screens import access
from screens.db import run_db
from screens.export_dialog import Export, export_file, xlsx_target
from screens.reports.daily_dialogs import ReportChoiceScreen, SignReportScreen

PAGE = "daily"
# The page's keys, bound on the screen (the footer, F1 and the palette list a screen's own):
# each action is ``daily_…``, and runs on this page only.
KEYS = [
    Binding("left,left_square_bracket", "daily_move(-1)", "daily.key.prev_day", priority=True,
            id="daily-prev-day"),
    Binding("right,right_square_bracket", "daily_move(1)", "daily.key.next_day", priority=True,
            id="daily-next-day"),
    Binding("t", "daily_today", "daily.key.today", id="daily-today"),
    Binding("c", "daily_consultant", "daily.key.consultant", tooltip="daily.help.consultant_key",
            id="daily-consultant"),
    Binding("s", "daily_sign", "daily.key.sign", tooltip="daily.help.sign_key", id="daily-sign"),
    Binding("u", "daily_unsigned", "daily.key.unsigned", tooltip="daily.help.unsigned_key",
            id="daily-unsigned"),
    Binding("x", "daily_export", "daily.key.export", tooltip="daily.help.export_key",
            id="daily-export"),
]  # fmt: skip
# Whose report and the signature are a manager's: a consultant reads their own only.
RIGHTS = {
    "daily_consultant": roles.REPORT_SIGN,
    "daily_sign": roles.REPORT_SIGN,
    "daily_unsigned": roles.REPORT_SIGN,
}
AMENDED_STYLE = "bold $warning"


@dataclass(frozen=True)
class DailyView:
    """What the page shows, read in one worker: whose report, the report, what waits."""

    members: list[tuple[int, str]]  # whose reports ``by`` may read: (id, name)
    report: DailyReport | None  # None: nobody receives customers yet
    waiting: list[daily_signoff.Unsigned] = field(default_factory=list)


def load(by: Actor, member_id: int | None, day: dt.date) -> DailyView:
    """The report of ``member_id`` on ``day`` — by default a consultant's own, for a manager
    the first consultant's — whose reports may be read, and the unsigned (for a manager)."""
    manager = roles.may(by, roles.REPORT_SIGN)
    if manager:
        # Consultants first (theirs are the reports a manager reads), in the order they joined.
        found = sorted(team.consultants(), key=lambda m: (m.role != "consultant", m.id))
        members = [(member.id, member.name) for member in found]
    else:
        roles.require(by, roles.REPORT_VIEW)
        members = [(by.staff.id, by.staff.name)] if by.staff is not None else []
    if member_id is None and members:
        member_id = members[0][0]
    report = daily_report.daily_report(member_id, day, by=by) if member_id else None
    waiting = daily_signoff.unsigned(by=by) if manager else []
    return DailyView(members, report, waiting)


def _table(*headers: str) -> Table:
    table = Table(box=None, padding=(0, 1, 0, 0), show_edge=False, header_style="dim")
    for header in headers:
        table.add_column(Text(header), no_wrap=True)
    return table


def rows_table(report: DailyReport) -> Table | Text:
    """The rows: every column whole, 访问经过 taking the rest of the width, over lines."""
    if not report.rows:
        return Text(t("daily.no_rows"), style="dim")
    heads = [t(f"daily.head.{key}") for key in layout.ROW_COLUMNS]  # short: 80 columns
    table = _table(*heads[:-1])
    table.add_column(Text(heads[-1]), ratio=1, overflow="fold")
    for row in report.rows:
        table.add_row(*(Text(cell) for cell in layout.row_cells(row)))
    return table


def intent_table(report: DailyReport) -> Table:
    """本日止意向客户数 with the levels across, as 80 columns hold them."""
    table = _table(t("daily.intent"), *rules.LEVELS, t("daily.total"))
    for spell in ("carried", "new"):
        counts = [report.intent.get(level, {}).get(spell, 0) for level in rules.LEVELS]
        table.add_row(
            Text(t(f"daily.{spell}")), *(Text(str(n)) for n in counts), Text(str(sum(counts)))
        )
    return table


def summary_lines(report: DailyReport) -> Content:
    """The day's and the month's contacts, the purposes, the phone leads, the owners."""
    leads = sum(by.get("leads", 0) for by in report.intent.values())
    owners = " · ".join(f"{label} {count}" for label, count in layout.owner_rows(report))
    lines = [
        " · ".join(f"{label} {value}" for label, value in layout.visit_rows(report)),
        t("daily.purposes_line", mix=layout.purpose_text(report)),
        t("daily.leads_line", count=leads),
        t("daily.owners_line", owners=owners),
    ]
    return Content("\n").join(Content(line) for line in lines)


def moves_table(report: DailyReport) -> Table | Text:
    if not report.moves:
        return Text(t("daily.no_moves"), style="dim")
    table = _table(*layout.move_header())
    for cells in layout.move_rows(report):
        table.add_row(*(Text(cell) for cell in cells))
    return table


def plan_table(report: DailyReport) -> Table | Text:
    if not report.plan:
        return Text(t("daily.no_plan"), style="dim")
    table = _table(*layout.plan_header())
    for cells in layout.plan_rows(report):
        table.add_row(*(Text(cell) for cell in cells))
    return table


def signoff_content(report: DailyReport) -> Content:
    """主管指示事项, the signature (or that it waits), and the amendments after it."""
    lines = [
        Content(t("daily.instructions_line", text=layout.instructions_text(report))),
        Content.styled(layout.signoff_line(report), "bold"),
    ]
    lines += [Content.styled(line, AMENDED_STYLE) for line in layout.amendment_lines(report)]
    return Content("\n").join(lines)


class DailyPage(Vertical):
    """One consultant's daily report of one day; the screen's keys drive it."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.member_id: int | None = None
        self.day = clock.today()
        self.view: DailyView | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content(t("daily.loading")), id="daily-title")
        with VerticalScroll(id="daily-body"):
            yield Static(Content(""), id="daily-rows")
            yield Static(Content(""), id="daily-summary", classes="daily-block")
            yield Static(Content(""), id="daily-intent", classes="daily-block")
            yield Static(Content(t("daily.moves")), classes="daily-section")
            yield Static(Content(""), id="daily-moves")
            yield Static(Content(t("daily.plan")), classes="daily-section")
            yield Static(Content(""), id="daily-plan")
            yield Static(Content(""), id="daily-signoff", classes="daily-block")
        yield Static(Content(""), id="daily-waiting")

    @property
    def report(self) -> DailyReport | None:
        return self.view.report if self.view else None

    def focus_body(self) -> None:
        self.query_one("#daily-body").focus()

    # -- loading -------------------------------------------------------------------------

    def refresh_data(self) -> None:
        """Read the report again (a worker; also when another terminal committed)."""
        run_db(
            self,
            load,
            access.actor_of(self),
            self.member_id,
            self.day,
            on_done=self._show,
            on_error=self._refused,
            group="daily",
            exclusive=True,
        )

    def _refused(self, error) -> None:
        self.query_one("#daily-title", Static).update(Content.styled(str(error), "bold $error"))

    def _show(self, view: DailyView) -> None:
        report = view.report
        if report is not None and (report.day != self.day or self.member_id not in (
            None, report.consultant_id)):  # fmt: skip
            return  # the user moved on while this one was read
        self.view = view
        title = self.query_one("#daily-title", Static)
        if report is None:
            title.update(Content.styled(t("daily.no_consultant"), "dim"))
            self._waiting(view)
            self.screen.refresh_bindings()
            return
        self.member_id = report.consultant_id
        state = layout.signoff_line(report, earlier=False)
        title.update(
            Content.assemble(
                Content.styled(layout.title(report), "bold"),
                " · ",
                Content.styled(state, "bold" if report.signoff else "$warning"),
            )
        )
        self.query_one("#daily-rows", Static).update(rows_table(report))
        self.query_one("#daily-summary", Static).update(summary_lines(report))
        self.query_one("#daily-intent", Static).update(intent_table(report))
        self.query_one("#daily-moves", Static).update(moves_table(report))
        self.query_one("#daily-plan", Static).update(plan_table(report))
        self.query_one("#daily-signoff", Static).update(signoff_content(report))
        self._waiting(view)
        self.screen.refresh_bindings()

    def _waiting(self, view: DailyView) -> None:
        line = self.query_one("#daily-waiting", Static)
        line.display = access.may(self, roles.REPORT_SIGN)
        if not view.waiting:
            line.update(Content.styled(t("daily.none_unsigned"), "dim"))
            return
        oldest = view.waiting[0]
        line.update(
            Content.styled(
                t(
                    "daily.waiting",
                    count=len(view.waiting),
                    date=oldest.day.isoformat(),
                    consultant=oldest.consultant,
                ),
                "$warning",
            )
        )

    # -- what the keys do ----------------------------------------------------------------

    def may(self, action: str) -> bool:
        """Whether the page's ``action`` does something now (the footer shows it then)."""
        if action == "daily_sign":  # unsigned, or corrected since it was signed
            report = self.report
            return report is not None and (report.signoff is None or bool(report.amendments))
        if action == "daily_unsigned":
            return bool(self.view and self.view.waiting)
        if action == "daily_consultant":
            return bool(self.view and len(self.view.members) > 1)
        if action == "daily_export":
            return self.report is not None
        return True

    def show(self, member_id: int | None, day: dt.date) -> None:
        if day > clock.today() or not bounds.day_in_range(day):
            self.app.bell()
            self.notify(t("daily.error.future", today=clock.today().isoformat()), markup=False)
            return
        self.member_id, self.day = member_id, day
        self.query_one("#daily-title", Static).update(Content(t("daily.loading")))
        self.refresh_data()

    def move(self, delta: int) -> None:
        self.show(self.member_id, self.day + dt.timedelta(days=delta))

    def today(self) -> None:
        self.show(self.member_id, clock.today())

    def choose_consultant(self) -> None:
        if self.view is None:
            return

        def chosen(member_id: int | None) -> None:
            if member_id:
                self.show(member_id, self.day)

        self.app.push_screen(ReportChoiceScreen(self.view.members, self.member_id), chosen)

    def sign(self) -> None:
        report = self.report
        if report is None or not self.may("daily_sign"):
            return
        by = access.actor_of(self)
        member, day = report.consultant_id, report.day

        def save(instructions: str) -> DailyReport:
            return daily_signoff.sign(member, day, instructions, by=by)

        def signed(result: DailyReport | None) -> None:
            if result is None:
                return
            message = t("daily.sign.done", consultant=result.consultant, date=day.isoformat())
            self.notify(message, markup=False)
            self.refresh_data()

        again = "resign_title" if report.signoff is not None else "title"
        title = t(f"daily.sign.{again}", consultant=report.consultant,
                  date=layout.report_date(report), count=len(report.amendments))  # fmt: skip
        self.app.push_screen(SignReportScreen(title, save), signed)

    def export(self) -> None:
        """Ask for a file and write the report shown to it — as signed, with its amendments
        — as the paper form (XLSX)."""
        report = self.report
        if report is None:
            return

        def write(path: Path) -> Path:
            return daily_export.export_report(path, report)

        names = {"consultant": report.consultant, "date": report.day.isoformat()}
        export_file(
            self,
            Export(
                title=t("daily.export_title", **names),
                filename=t("daily.filename", **names),
                check=xlsx_target,
                write=write,
            ),
        )

    def oldest_unsigned(self) -> None:
        if self.view and self.view.waiting:
            oldest = self.view.waiting[0]
            self.show(oldest.consultant_id, oldest.day)

"""F7's reconciliation page (日报与登记表对账): a day's consultants' reports against the
registration log, from ``frontdesk.reports.reconcile``.

Three sections, each line naming its records (the registration's # and 序号, or the
contact's #, the customer, the consultant), so the manager can act from it: the leads not
taken up (登记未跟进), the intents that never came through the desk (未经前台的意向), and each
consultant's new intents on the reports against the log, with the records that differ.
←/→ change the day, ``t`` comes back to today. A consultant sees their own lines. Read in
a worker.
"""

from __future__ import annotations

import datetime as dt

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from frontdesk import bounds, clock, rules
from frontdesk.i18n import t
from frontdesk.reports import reconcile
from frontdesk.reports.reconcile import ConsultantTally, Line, Reconciliation, Record
from screens import access
from screens.db import run_db

PAGE = "reconcile"
KEYS = [
    Binding("left,left_square_bracket", "reconcile_move(-1)", "daily.key.prev_day",
            priority=True, id="reconcile-prev-day"),
    Binding("right,right_square_bracket", "reconcile_move(1)", "daily.key.next_day",
            priority=True, id="reconcile-next-day"),
    Binding("t", "reconcile_today", "daily.key.today", id="reconcile-today"),
]  # fmt: skip
RIGHTS: dict[str, str] = {}  # who may read which lines is the core's (roles.RECONCILE_VIEW)


def _method(record: Record) -> str:
    if record.kind == reconcile.REGISTRATION:
        return t(f"kind.{record.method}")
    return t(f"contacts.method.{record.method}")


def record_text(record: Record | None) -> str:
    """登记 #12 序号 3 10:00 来店, or 接触 #7 15:00 电话."""
    if record is None:
        return t("reconcile.no_record")
    time = record.at.strftime("%H:%M")
    if record.kind == reconcile.REGISTRATION:
        number = record.number if record.number is not None else "—"
        return t("reconcile.registration", id=record.id, number=number, time=time,
                 method=_method(record))  # fmt: skip
    return t("reconcile.contact", id=record.id, time=time, method=_method(record))


def _consultant(line: Line | ConsultantTally) -> str:
    return line.consultant or t("reconcile.unassigned")


def _table(*headers: str) -> Table:
    table = Table(box=None, padding=(0, 1, 0, 0), show_edge=False, header_style="dim")
    table.add_column(Text(headers[0]), overflow="fold")
    for header in headers[1:]:
        table.add_column(Text(header), no_wrap=True)
    return table


def _cells(line: Line) -> list[str]:
    return [record_text(line.record), line.name or "—", rules.format_phone(line.phone),
            line.level or "—", _consultant(line)]  # fmt: skip


LINE_HEADS = ("record", "customer", "phone", "level", "consultant")


def lines_table(lines: list[Line]) -> Table | Text:
    if not lines:
        return Text(t("reconcile.none"), style="dim")
    table = _table(*(t(f"reconcile.col.{key}") for key in LINE_HEADS))
    for line in lines:
        table.add_row(*(Text(cell) for cell in _cells(line)))
    return table


def tally_table(result: Reconciliation) -> Table | Text:
    if not result.consultants:
        return Text(t("reconcile.none"), style="dim")
    heads = ("consultant", "on_report", "in_log", "check")
    table = _table(*(t(f"reconcile.col.{key}") for key in heads))
    for tally in result.consultants:
        check = t("reconcile.agrees") if tally.agrees else t("reconcile.differs")
        table.add_row(Text(_consultant(tally)), Text(str(tally.on_report)),
                      Text(str(tally.in_log)),
                      Text(check, style="" if tally.agrees else "bold"))  # fmt: skip
    return table


def differences(result: Reconciliation) -> list[tuple[str, str, Line]]:
    """Every record on one side only: the consultant, which side, the line."""
    return [
        (_consultant(tally), t(f"reconcile.side.{side}"), line)
        for tally in result.consultants
        for side, found in (
            (reconcile.REPORT_ONLY, tally.report_only),
            (reconcile.LOG_ONLY, tally.log_only),
        )
        for line in found
    ]


def differences_table(found: list[tuple[str, str, Line]]) -> Table:
    heads = [t("reconcile.col.consultant"), t("reconcile.col.side")]
    table = _table(*(t(f"reconcile.col.{key}") for key in LINE_HEADS[:-1]))
    for head in heads:
        table.add_column(Text(head), no_wrap=True)
    for consultant, side, line in found:
        table.add_row(*(Text(cell) for cell in _cells(line)[:-1]), Text(consultant), Text(side))
    return table


class ReconcilePage(Vertical):
    """One day's reconciliation; the screen's keys drive it."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.day = clock.today()
        self.view: Reconciliation | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content(t("daily.loading")), id="reconcile-title", classes="report-title")
        with VerticalScroll(id="reconcile-body", classes="report-body"):
            yield Static(Content(""), id="reconcile-final")
            yield Static(Content(""), id="reconcile-untaken-head", classes="daily-section")
            yield Static(Content(""), id="reconcile-untaken")
            yield Static(Content(""), id="reconcile-not-via-desk-head", classes="daily-section")
            yield Static(Content(""), id="reconcile-not-via-desk")
            yield Static(Content(t("reconcile.new_intent")), classes="daily-section")
            yield Static(Content(""), id="reconcile-tally")
            yield Static(Content(""), id="reconcile-differences-head", classes="daily-section")
            yield Static(Content(""), id="reconcile-differences")

    def focus_body(self) -> None:
        self.query_one("#reconcile-body").focus()

    def refresh_data(self) -> None:
        by = access.actor_of(self)
        day = self.day

        def load() -> Reconciliation:
            return reconcile.reconcile(day, by=by)

        run_db(self, load, on_done=self._show, on_error=self._refused, group="reconcile",
               exclusive=True)  # fmt: skip

    def _refused(self, error) -> None:
        self.query_one("#reconcile-title", Static).update(Content.styled(str(error), "bold $error"))

    def _show(self, result: Reconciliation) -> None:
        if result.day != self.day:
            return  # the user moved on while this one was read
        self.view = result
        day = result.day
        date = t("app.date", date=day.isoformat(), weekday=t(f"weekday.{day.weekday()}"))
        self.query_one("#reconcile-title", Static).update(
            Content.styled(t("reconcile.title", date=date), "bold")
        )
        final = self.query_one("#reconcile-final", Static)
        final.display = not result.final
        following = (day + dt.timedelta(days=1)).isoformat()
        final.update(Content.styled(t("reconcile.not_final", next=following), "$warning"))
        self._section("untaken", t("reconcile.untaken", count=len(result.untaken)))
        self.query_one("#reconcile-untaken", Static).update(lines_table(result.untaken))
        count = len(result.not_via_desk)
        self._section("not-via-desk", t("reconcile.not_via_desk", count=count))
        self.query_one("#reconcile-not-via-desk", Static).update(lines_table(result.not_via_desk))
        self.query_one("#reconcile-tally", Static).update(tally_table(result))
        found = differences(result)
        head = self.query_one("#reconcile-differences-head", Static)
        body = self.query_one("#reconcile-differences", Static)
        head.display = body.display = bool(found)
        head.update(Content(t("reconcile.differences", count=len(found))))
        if found:
            body.update(differences_table(found))
        self.screen.refresh_bindings()

    def _section(self, name: str, title: str) -> None:
        self.query_one(f"#reconcile-{name}-head", Static).update(Content(title))

    # -- what the keys do ----------------------------------------------------------------

    def may(self, action: str) -> bool:
        return True

    def show(self, day: dt.date) -> None:
        if day > clock.today() or not bounds.day_in_range(day):
            self.app.bell()
            self.notify(t("reconcile.page.future", today=clock.today().isoformat()), markup=False)
            return
        self.day = day
        self.query_one("#reconcile-title", Static).update(Content(t("daily.loading")))
        self.refresh_data()

    def move(self, delta: int) -> None:
        self.show(self.day + dt.timedelta(days=delta))

    def today(self) -> None:
        self.show(clock.today())

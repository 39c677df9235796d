"""Today's registration log (F4): the paper form on screen.

Every registration of the day in order of arrival, numbered 1, 2, 3 … as on the paper
(序号); open walk-ins are marked 在店. The table (``LogGrid``) and its columns are
``log_table``.

``o`` or Enter records a party's departure (now, correctable), ``e`` corrects a row,
``s`` skips the consultant at the head of the up rotation (asking why: ``skip``), ``d``
sets who is on duty today, ``c`` opens the day's close-out (日终结账, ``day_close``); the
title says when the day is closed, and by whom. Home and End go to the first and the last
row. The rotation's line names, after the queue, the consultants out of it for their
overdue follow-ups.
"""

from __future__ import annotations

from concurrent.futures import Future
from functools import partial

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from frontdesk import clock
from frontdesk.desk import day_close
from frontdesk.desk import day_log as daylog
from frontdesk.desk.day_close_layout import log_mark
from frontdesk.i18n import t
from frontdesk.people import roles, team
from frontdesk.store.models import Registration
from screens import access, registry
from screens.bindings import key_label, translate_bindings
from screens.db import run_db
from screens.desk.log_table import LogGrid, row_cells
from screens.widgets import FdFooter, FdHeader


@registry.screen(
    section="help.log",
    order=10,
    help=(registry.HelpRow("Enter", "help.checkout", action="checkout"), registry.OWN_KEYS),
    place=registry.LOG,
)
class DayLogScreen(Screen):
    """The day's registrations, with departures and corrections by key."""

    BINDINGS = [
        Binding("o", "checkout", "key.checkout", tooltip="help.checkout", id="checkout"),
        Binding("e", "edit", "key.edit", tooltip="help.edit", id="edit"),
        Binding("s", "skip", "key.skip", tooltip="help.skip", id="skip"),
        Binding("d", "duty", "key.duty", tooltip="help.duty", id="duty"),
        Binding("c", "close_day", "close.key.open", tooltip="close.help.open", id="day-close"),
    ]
    # What each key needs (frontdesk.people.roles): a consultant reads the log, and changes nothing.
    ACTION_RIGHTS = {
        "checkout": roles.REGISTRATION_CHECKOUT,
        "edit": roles.REGISTRATION_UPDATE,
        "skip": roles.ROTATION_SKIP,
        "duty": roles.ROTATION_SKIP,
        "close_day": roles.DAY_CLOSE,
    }

    def __init__(self, early: Future | None = None) -> None:
        """``early``: today's log already being read (``load``), taken if it is ready."""
        super().__init__()
        translate_bindings(self)
        self.rows: dict[int, daylog.LogRow] = {}
        self._early = early

    def compose(self) -> ComposeResult:
        yield FdHeader(id="header")
        yield Static(Content(""), id="log-title")
        yield LogGrid(id="log-table")
        yield Static(Content(""), id="log-summary")
        yield Static(Content(""), id="log-rotation")
        yield FdFooter()

    def on_screen_resume(self) -> None:
        # Also sent when the app first shows this screen: one load at start-up, not two.
        self.refresh_data()

    def refresh_data(self) -> None:
        """Reload the day's rows and the rotation from the store (in a worker)."""
        early, self._early = self._early, None
        if early is not None and early.done() and early.exception() is None:
            self._show(early.result())  # read while the app started: the first frame has it
            return
        run_db(self, self.load, on_done=self._show, group="log", exclusive=True)

    @staticmethod
    def load():
        """Today, its log, the up rotation and the day's close, if closed (call in a store
        thread)."""
        day = clock.today()
        standing = team.standing()
        queue = [member.name for member in standing.queue]
        out = [(member.name, overdue) for member, overdue in standing.out]
        log = daylog.day_log(day)
        closed = day_close.log_status(day, log)
        return day, log, daylog.day_summary(day), (queue, out), closed

    def _show(self, loaded) -> None:
        day, rows, counts, (queue, out), closed = loaded
        now = clock.now()
        self.rows = {row.id: row for row in rows}
        # The cursor stays on its registration, else goes to the last row.
        grid = self.query_one(LogGrid)
        grid.set_rows([row.id for row in rows], [row_cells(row, now) for row in rows])
        date = t("app.date", date=day.isoformat(), weekday=t(f"weekday.{day.weekday()}"))
        title = Content.styled(t("log.title", date=date), "bold")
        if closed is not None:  # 已结账: who closed it, and what came after
            title = Content.assemble(title, " · ", Content(log_mark(closed)))
        self.query_one("#log-title", Static).update(title)
        summary = t(
            "log.summary",
            walkins=counts.walkins,
            people=counts.people,
            open=counts.open,
            calls=counts.calls,
        )
        if not rows:
            summary = t("log.empty")
        self.query_one("#log-summary", Static).update(Content(summary))
        # Everyone on duty out for their overdue follow-ups: the line says only that.
        rotation = " → ".join(queue) if queue else "—" if out else self._no_one_on_duty()
        parts: list[Content | tuple[str, str] | str] = [
            (t("log.rotation"), "bold"),
            " ",
            Content(rotation),
        ]
        if out:  # names are user text: each goes in through the catalogue's own pattern
            marked = t("rotation.separator").join(
                t("rotation.out", name=name, count=n) for name, n in out
            )
            parts += ["   ", (t("rotation.out_label"), "bold"), " ", Content(marked)]
        self.query_one("#log-rotation", Static).update(Content.assemble(*parts))

    def _no_one_on_duty(self) -> str:
        """An empty rotation says how to fill it: the key that sets who is on duty (as the
        footer shows it), or whom to ask for a role without it."""
        key = next((k for k, a in self.active_bindings.items() if a.binding.id == "duty"), None)
        if key is None:
            return t("log.no_one_on_duty_ask")
        return t("log.no_one_on_duty", key=key_label(key))

    def _current(self) -> daylog.LogRow | None:
        key = self.query_one(LogGrid).cursor_key
        return None if key is None else self.rows.get(key)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return access.allowed(self, action)

    def on_log_grid_selected(self, event: LogGrid.Selected) -> None:
        event.stop()
        if access.allowed(self, "checkout"):
            self.action_checkout()
        else:  # Enter is not on the footer for this role: say why it does nothing
            refused = access.refusal(self, roles.REGISTRATION_CHECKOUT)
            self.notify(refused, severity="warning", markup=False)

    def action_checkout(self) -> None:
        from frontdesk.desk import registration
        from screens.dialogs import TimeScreen

        row = self._current()
        if row is None:
            return
        if row.kind != "walkin":
            self.notify(t("log.not_walkin"), severity="warning", markup=False)
            return
        suggested = (row.time_out or clock.now()).strftime("%H:%M")
        if row.time_in.date() != clock.today():
            suggested = (row.time_out or clock.now()).strftime("%Y-%m-%d %H:%M")
        by = access.actor_of(self)

        def save(value: str) -> Registration:
            # The suggestion, untouched, means "now" to the second (not the minute).
            at = None if value == suggested and row.time_out is None else value
            return registration.checkout(row.id, at, by=by)

        def chosen(saved: Registration | None) -> None:
            if saved is not None:
                self._checked_out(row.number, saved)

        title = t("log.checkout_title", number=row.number)
        self.app.push_screen(TimeScreen(title, suggested, save), chosen)

    def _checked_out(self, number: int, saved: Registration) -> None:
        """``number``: the row's 序号, the one the receptionist reads (not the id)."""
        time_out = saved.time_out.strftime("%H:%M")
        self.notify(t("log.checked_out", number=number, time=time_out), markup=False)
        self.refresh_data()

    def action_edit(self) -> None:
        row = self._current()
        if row is None:
            return
        run_db(self, self._load_for_edit, row.id, on_done=self._open_editor)

    @staticmethod
    def _load_for_edit(registration_id: int):
        from frontdesk.desk import registration

        saved = Registration.get_by_id(registration_id)
        return saved.id, saved.version, registration.to_input(saved)

    def _open_editor(self, loaded) -> None:
        registration_id, version, data = loaded
        self.app.open_registration(
            data.kind, edit_id=registration_id, edit_version=version, initial=data
        )

    def action_duty(self) -> None:
        """Who is on duty today: the roster in a dialog, kept with Ctrl+S."""
        from screens.desk.duty import DutyScreen

        by = access.actor_of(self)

        def chosen(on_duty: set[int] | None) -> None:
            if on_duty is not None:
                run_db(
                    self,
                    partial(team.set_roster, by=by),
                    on_duty,
                    on_done=lambda _: self.refresh_data(),
                )

        run_db(
            self,
            team.duty_roster,
            on_done=lambda roster: self.app.push_screen(DutyScreen(roster), chosen),
        )

    def action_close_day(self) -> None:
        """The day's close-out (日终结账): the parties still in, the incomplete
        registrations, the signature; a manager's confirmation."""
        from screens.desk.day_close import DayCloseScreen

        self.app.push_screen(DayCloseScreen())

    def action_skip(self) -> None:
        """Ask why the head of the rotation is skipped, then skip them for that reason."""
        from screens.desk.skip import SkipScreen

        by = access.actor_of(self)

        def ask(head) -> None:
            if head is None:
                self.notify(t("rotation.nobody"), severity="warning", markup=False)
                return

            def chosen(reason: str | None) -> None:
                if reason is not None:
                    run_db(
                        self,
                        partial(team.skip_head, by=by),
                        reason,
                        on_done=lambda now_up: self._skipped(head.name, reason, now_up),
                    )

            self.app.push_screen(SkipScreen(head.name), chosen)

        run_db(self, team.proposed_consultant, on_done=ask)

    def _skipped(self, name: str, reason: str, now_up) -> None:
        head = now_up.name if now_up is not None else "—"
        reason_label = t(f"rotation.reason.{reason}")
        self.notify(t("rotation.skipped", name=name, reason=reason_label, head=head), markup=False)
        self.refresh_data()

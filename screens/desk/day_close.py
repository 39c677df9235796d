"""The day's close-out (日终结账 / 交班), opened from today's log with ``c``.

Three steps, as the receptionist does them at the end of the day (``frontdesk.desk.
day_close``):

1. the parties still in the showroom, one at a time, the earliest first: type its time out
   (HH:MM) and Enter, or ``l`` to mark it left unrecorded (离店未登记);
2. the registrations missing what the form asks, in a list: Enter (or ``e``) corrects the
   one selected on the form, as ``e`` on the log does;
3. ``s`` signs the close (a question first); after corrections, ``s`` closes the day again.

A manager confirms a closed day with ``m``. Esc goes back to the log.
"""

from __future__ import annotations

from functools import partial

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from frontdesk import clock, rules
from frontdesk.desk import day_close, registration
from frontdesk.desk.day_close_layout import amendment_text, counts_line, status_line
from frontdesk.errors import FrontdeskError
from frontdesk.i18n import t
from frontdesk.people import roles
from frontdesk.store.models import Registration
from screens import access, registry
from screens.bindings import translate_bindings
from screens.db import run_db
from screens.dialogs import ConfirmScreen
from screens.widgets import FdFooter, FdHeader, after_typing

OPEN_STEP, REVIEW_STEP = "open", "review"
TIME_CHARACTERS = "0123456789:："  # what the time field takes (a full-width colon too)


class TimeField(Input):
    """The time out typed at the close-out: it takes digits and a colon only, so that the
    screen's letter keys (``l``: left unrecorded) reach the screen while it has the focus."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character is not None and character in TIME_CHARACTERS


MOST_AMENDMENTS = 3  # lines of amendments shown under the list; the CLI lists them all


def _fill(table: DataTable, columns: tuple[str, ...], rows: list[tuple[str, ...]], items) -> None:
    """Head ``table`` with ``columns`` (``close.col.<key>``), each as wide as its widest
    cell or heading — set, not measured by the table as the rows arrive (a loaded machine
    drew a column narrower) — and add the rows, keyed by their registration's id."""
    headings = [t(f"close.col.{key}") for key in columns]
    widths = [cell_len(heading) for heading in headings]
    for cells in rows:
        widths = [max(width, cell_len(cell)) for width, cell in zip(widths, cells, strict=True)]
    for key, heading, width in zip(columns, headings, widths, strict=True):
        table.add_column(Text(heading, no_wrap=True), width=width, key=key)
    for cells, item in zip(rows, items, strict=True):
        table.add_row(*(Text(cell, no_wrap=True) for cell in cells), key=str(item.id))


@registry.screen(
    section="close.section",
    order=25,  # after the form (the desk: 10–60); opened by ``c`` on the log
    right=roles.DAY_CLOSE,
    help=(
        registry.HelpRow("Enter", "close.help.enter_time", action="left"),
        registry.HelpRow("Enter", "close.help.enter_edit", action="edit"),
        registry.OWN_KEYS,
    ),
    place=registry.LOG,
    leave="back",
)
class DayCloseScreen(Screen):
    """The close-out of today: the parties still in, the incomplete registrations, the
    signature, a manager's confirmation."""

    BINDINGS = [
        # Before the focused time field, which leaves it to the screen (TimeField).
        Binding("l", "left", "close.key.left", tooltip="close.help.left", id="close-left",
                priority=True),
        Binding("e", "edit", "close.key.edit", tooltip="close.help.edit", id="close-edit"),
        Binding("s", "sign", "close.key.sign", tooltip="close.help.sign", id="close-sign"),
        Binding("m", "confirm", "close.key.confirm", tooltip="close.help.confirm",
                id="close-confirm"),
        Binding("escape", "back", "close.key.back", tooltip="close.help.back", id="close-back"),
    ]  # fmt: skip
    ACTION_RIGHTS = {
        "left": roles.DAY_CLOSE,
        "edit": roles.REGISTRATION_UPDATE,
        "sign": roles.DAY_CLOSE,
        "confirm": roles.DAY_CONFIRM,
    }

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.day = clock.today()
        self.state: day_close.DayCloseout | None = None
        self.saving = False
        self.error = ""  # the core's refusal of the time typed, shown until the next save
        self._asked: int | None = None  # the party whose time out the field is asking

    @property
    def step(self) -> str:
        if self.state is not None and self.state.open_parties:
            return OPEN_STEP
        return REVIEW_STEP

    def compose(self) -> ComposeResult:
        yield FdHeader(id="header")
        yield Static(Content(""), id="close-title")
        yield Static(Content(""), id="close-status")
        yield Static(Content(""), id="close-counts")
        yield Static(Content(""), id="close-step")
        yield Static(Content(""), id="close-party")
        with Horizontal(id="close-time-row", classes="field-row"):
            yield Static(Content(t("close.time_label")), classes="field-label")
            yield TimeField(
                id="close-time",
                compact=True,
                max_length=5,
                restrict=f"[{TIME_CHARACTERS}]*",
                placeholder="HH:MM",
            )
        yield Static(Content(""), id="close-hint", classes="field-hint")
        yield DataTable(id="close-table", cursor_type="row", zebra_stripes=True)
        yield Static(Content(""), id="close-amendments")
        yield FdFooter()

    def on_screen_resume(self) -> None:
        # Also on the first showing, and back from the form that corrected a registration.
        self.refresh_data()

    def refresh_data(self) -> None:
        """Reload the day's close-out from the store (in a worker)."""
        run_db(
            self,
            partial(day_close.closeout, by=access.actor_of(self)),
            self.day,
            on_done=self._show,
            group="close",
            exclusive=True,
        )

    def _show(self, state: day_close.DayCloseout) -> None:
        self.state = state
        date = t(
            "app.date", date=state.day.isoformat(), weekday=t(f"weekday.{state.day.weekday()}")
        )
        self.query_one("#close-title", Static).update(
            Content.styled(t("close.title", date=date), "bold")
        )
        self.query_one("#close-status", Static).update(Content(status_line(state)))
        self.query_one("#close-counts", Static).update(Content(counts_line(state)))
        opening = self.step == OPEN_STEP
        self.query_one("#close-party", Static).display = opening
        self.query_one("#close-time-row").display = opening
        table = self.query_one("#close-table", DataTable)
        table.clear(columns=True)
        if opening:
            self._show_open(state, table)
        else:
            self._show_review(state, table)
        lines = [amendment_text(amendment) for amendment in state.amendments[:MOST_AMENDMENTS]]
        if len(state.amendments) > MOST_AMENDMENTS:
            lines.append("…")
        heading = t("close.amendments", count=len(state.amendments)) if lines else ""
        amendments = self.query_one("#close-amendments", Static)
        amendments.update(Content("\n".join([heading, *lines]) if lines else ""))
        amendments.display = bool(lines)
        self.refresh_bindings()

    def _show_open(self, state: day_close.DayCloseout, table: DataTable) -> None:
        parties = state.open_parties
        self.query_one("#close-step", Static).update(
            Content.styled(t("close.step_open", count=len(parties)), "bold")
        )
        current = parties[0]
        self.query_one("#close-party", Static).update(Content(self._party_text(current)))
        self._hint(self.error or t("close.hint_open"), error=bool(self.error))
        rows = [
            (
                str(party.number),
                party.time_in.strftime("%H:%M"),
                party.name or t("close.anonymous"),
                rules.format_phone(party.phone),
                party.consultant,
            )
            for party in parties
        ]
        _fill(table, ("no", "time_in", "name", "phone", "consultant"), rows, parties)
        field = self.query_one("#close-time", Input)
        if self._asked != current.id:  # the next party: a new question, a blank field
            self._asked, self.error = current.id, ""
            field.value = ""
            self._hint(t("close.hint_open"))
        field.focus()

    def _show_review(self, state: day_close.DayCloseout, table: DataTable) -> None:
        missing = state.missing
        if missing:
            heading = t("close.step_missing", count=len(missing))
        else:
            heading = t("close.step_sign") + " · " + t("close.all_complete")
        self.query_one("#close-step", Static).update(Content.styled(heading, "bold"))
        closed = state.status in (day_close.CLOSED, day_close.CONFIRMED)
        self._hint(t("close.hint_review_closed" if closed else "close.hint_review"))
        rows = [
            (
                str(item.number),
                item.time_in.strftime("%H:%M"),
                item.name or t("close.anonymous"),
                item.missing_labels,
            )
            for item in missing
        ]
        _fill(table, ("no", "time_in", "name", "missing"), rows, missing)
        table.focus()

    @staticmethod
    def _party_text(party: day_close.OpenParty) -> str:
        return t(
            "close.party",
            number=party.number,
            time=party.time_in.strftime("%H:%M"),
            name=party.name or t("close.anonymous"),
            consultant=party.consultant or "—",
        )

    def _hint(self, text: str, error: bool = False) -> None:
        hint = self.query_one("#close-hint", Static)
        hint.update(Content.styled(text, "bold $error") if error else Content(text))
        hint.set_class(error, "-error")

    # -- what each key may do here ------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not access.allowed(self, action):
            return False
        state = self.state
        if action == "left":
            return state is not None and self.step == OPEN_STEP
        if action == "edit":
            return state is not None and self.step == REVIEW_STEP and bool(state.missing)
        if action == "sign":
            return (
                state is not None
                and self.step == REVIEW_STEP
                and state.status in (day_close.OPEN, day_close.AMENDED)
            )
        if action == "confirm":
            return state is not None and state.status == day_close.CLOSED
        return True

    # -- step 1: the parties still in ---------------------------------------------------------

    def _current_party(self) -> day_close.OpenParty | None:
        if self.state is None or not self.state.open_parties:
            return None
        return self.state.open_parties[0]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        party = self._current_party()
        if party is None or self.saving:
            return
        self.saving = True
        by = access.actor_of(self)
        run_db(
            self,
            partial(day_close.set_time_out, by=by),
            party.id,
            event.value,
            on_done=partial(self._saved, "close.timed_out", party),
            on_error=self._refused,
        )

    def action_left(self) -> None:
        after_typing(self, self._mark_left)

    def _mark_left(self) -> None:
        party = self._current_party()
        if party is None or self.saving:
            return
        self.saving = True
        run_db(
            self,
            partial(day_close.mark_left, by=access.actor_of(self)),
            party.id,
            on_done=partial(self._saved, "close.marked", party),
            on_error=self._refused,
        )

    def _saved(self, key: str, party: day_close.OpenParty, saved: Registration) -> None:
        self.saving, self.error = False, ""
        time = saved.time_out.strftime("%H:%M") if saved.time_out is not None else ""
        self.notify(t(key, number=party.number, time=time), markup=False)
        self.refresh_data()

    def _refused(self, error: FrontdeskError) -> None:
        """The core's sentence beside the field; what was typed stays to be corrected. The
        list is read again: another terminal may have recorded the party meanwhile."""
        self.saving = False
        self.error = error.beside_field()
        self.refresh_data()

    # -- step 2: the incomplete registrations -------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self.step == REVIEW_STEP and access.allowed(self, "edit"):
            self.action_edit()

    def action_edit(self) -> None:
        table = self.query_one("#close-table", DataTable)
        if self.step != REVIEW_STEP or not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key is None:
            return
        run_db(self, self._load_for_edit, int(key), on_done=self._open_editor)

    @staticmethod
    def _load_for_edit(registration_id: int):
        saved = Registration.get_by_id(registration_id)
        return saved.id, saved.version, registration.to_input(saved)

    def _open_editor(self, loaded) -> None:
        registration_id, version, data = loaded
        self.app.open_registration(
            data.kind, edit_id=registration_id, edit_version=version, initial=data
        )

    # -- step 3: the signature, and the manager's confirmation ---------------------------------

    def action_sign(self) -> None:
        state = self.state
        if state is None:
            return
        by = access.actor_of(self)

        def answered(yes: bool | None) -> None:
            if yes:
                run_db(
                    self,
                    partial(day_close.close_day, by=by),
                    self.day,
                    on_done=partial(self._done, "close.signed"),
                )

        question = t("close.sign_question", date=self.day.isoformat(), missing=len(state.missing))
        self.app.push_screen(ConfirmScreen(question), answered)

    def action_confirm(self) -> None:
        state = self.state
        if state is None or state.close is None:
            return
        by = access.actor_of(self)

        def answered(yes: bool | None) -> None:
            if yes:
                run_db(
                    self,
                    partial(day_close.confirm_day, by=by),
                    self.day,
                    on_done=partial(self._done, "close.confirmed"),
                )

        question = t(
            "close.confirm_question",
            date=self.day.isoformat(),
            who=state.close.closed_by,
            at=state.close.closed_at[11:16],
        )
        self.app.push_screen(ConfirmScreen(question), answered)

    def _done(self, key: str, state: day_close.DayCloseout) -> None:
        """Read the day again rather than show ``state``: the read started when the question
        closed (the screen resumed) may have begun before this commit, and the newer read
        replaces it (an exclusive worker)."""
        self.notify(t(key, date=state.day.isoformat()), markup=False)
        self.refresh_data()

    def action_back(self) -> None:
        self.dismiss()

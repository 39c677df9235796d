"""The registration form (来店(电)客户登记表): one walk-in party or one phone call.

Phone first: as the number is typed it is normalised and looked up; a known customer is
shown, the form is prefilled, and first/returning is decided for the receptionist. What the
lookup filled goes again when the phone is corrected (what was typed by hand stays). Enter
moves to the next field (and saves on the last), Ctrl+S saves from any field, Esc backs
out (asking first when something was typed). A draft is kept in the store at every change.
Under the fields, the focused field's whole hint.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from frontdesk import clock, rules
from frontdesk.desk import conflicts, registration, registration_input
from frontdesk.desk.fields import FIELDS, FieldTable, RegistrationField, ValueType, form_fields
from frontdesk.errors import ConflictError, FrontdeskError, ValidationError
from frontdesk.i18n import t
from frontdesk.people import roles, team
from frontdesk.store import codes, drafts
from frontdesk.store.failures import StoreFailure
from screens import access, registry
from screens.bindings import key_label, translate_bindings
from screens.db import run_db
from screens.desk.conflict import MINE, THEIRS, ConflictScreen, differences
from screens.desk.draft_keeper import DraftKeeper
from screens.desk.form_fields import (
    KEEP,
    TIME_FORMAT,
    FieldHint,
    input_value,
    make_widget,
    widget_value,
)
from screens.dialogs import ConfirmScreen
from screens.widgets import FdChoice, FdCycle, FdFooter, FdHeader, after_typing, show

LOOKUP_DELAY_S = 0.25
# What a known customer's lookup fills in, by field name: from the customer on file.
LOOKED_UP = ("name", "gender", "model", "channel", "level")


def form_values(data: registration.RegistrationInput) -> dict[str, object]:
    """A registration as the form's widgets hold it, by widget id."""
    values: dict[str, object] = {}
    for field in data.fields:
        if field.widget is not None:
            value = widget_value(field, getattr(data, field.name))
            if value is not KEEP:
                values[field.widget_id] = value
    return values


@registry.screen(
    section="help.form",
    order=20,
    right=roles.REGISTRATION_CREATE,
    help=(
        registry.HelpRow("Enter", "help.form_enter"),
        registry.OWN_KEYS,
        registry.HelpRow("Tab, Shift+Tab", "help.form_tab"),
        FdChoice,
        FdCycle,
    ),
    holds=("walkin", "phone", "contacts", "statistics"),  # saved or cancelled first
    leave="cancel",
)
class RegistrationScreen(Screen[int | None]):
    """Register (or correct) one walk-in party or phone call; dismisses with the id saved."""

    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", priority=True, id="save"),
        Binding("escape", "cancel", "key.cancel", id="cancel"),
        # Priority, so that the focus moves on within the key press itself: keys typed right
        # after Enter (a fast typist, a burst over SSH) land in the next field. The field
        # left is checked once it has taken the keys it already had (``_after_typing``).
        Binding("enter", "next_field", "key.next", show=False, priority=True, id="next"),
    ]

    def __init__(
        self,
        kind: str = "walkin",
        *,
        owner: str = "",
        edit_id: int | None = None,
        edit_version: int = 0,
        initial: registration.RegistrationInput | None = None,
        table: FieldTable = FIELDS,
    ) -> None:
        """``table``: the fields the form shows (the registration's, or a copy in a test)."""
        super().__init__()
        translate_bindings(self)
        self.kind = kind
        self.owner = owner
        self.edit_id = edit_id
        self.edit_version = edit_version
        self.initial = initial
        self.table = table
        self.opened_at = clock.now()
        self.dirty = False
        self.touched: set[str] = set()
        self.proposed = ""
        self.saving = False
        self._lookup_timer = None
        self._filled: dict[str, object] = {}
        self._blank: dict[str, object] = {}  # the fields as composed, before any filling
        self._failed_draft = False  # the failure shown is a draft's (a kept draft clears it)
        self._by_id: dict[str, Widget] = {}  # the form's widgets by id, once found
        # The customer the typed phone was last found to be, and what that lookup filled:
        # by widget id, (the value before, the value filled) — undone when the phone changes.
        self._customer: registration.CustomerSummary | None = None
        self._looked_up: dict[str, tuple[object, object]] = {}
        self.draft = DraftKeeper(
            self, owner, self.form_key, self._draft_payload, self._draft_kept, self._draft_failed
        )

    # -- layout --------------------------------------------------------------------------

    @property
    def form_key(self) -> str:
        return f"edit:{self.edit_id}" if self.edit_id else self.kind

    def fields(self) -> list[RegistrationField]:
        return form_fields(self.kind, editing=self.edit_id is not None, fields=self.table)

    def _field(self, widget_id: str) -> RegistrationField | None:
        return next((f for f in self.table if f.widget_id == widget_id), None)

    def _widget_of(self, name: str) -> Widget | None:
        field = next((f for f in self.table if f.name == name), None)
        return self._widget(field.widget_id) if field is not None else None

    def compose(self) -> ComposeResult:
        yield FdHeader(id="header")
        if self.edit_id:
            title = t("form.title_edit", id=self.edit_id)
        else:
            title = t(f"form.title_{self.kind}")
        yield Static(Content.styled(title, "bold"), id="form-title")
        yield Static(Content(""), id="known")
        # Not a focus stop of its own: Tab and Shift+Tab go round the fields alone.
        with VerticalScroll(id="form-fields", can_focus=False):
            for field in self.fields():
                with Horizontal(classes="field-row", id=f"row-{field.widget_id}"):
                    yield Label(Content(field.label_text(self.kind)), classes="field-label")
                    yield make_widget(field)
                    yield FieldHint(
                        Content(t(field.hint)) if field.hint else Content(""),
                        classes="field-hint",
                        id=f"hint-{field.widget_id}",
                    )
        yield Static(Content(""), id="form-hint")  # the focused field's whole hint
        status = Static(Content(""), id="form-status")
        status.display = False  # shown when the store fails: what happened, under the form
        yield status
        yield FdFooter()

    def on_mount(self) -> None:
        self._blank = self.collect()
        time_in = self._widget_of("time_in")
        if time_in is not None:  # stamped: the receptionist corrects it only if need be
            self._set_quietly(time_in, self.opened_at.strftime(TIME_FORMAT))
        if self.initial is not None:
            self._fill(self.initial)
        self.query_one("#phone").focus()
        run_db(self, self._load_lists, on_done=self._lists_loaded)

    def _load_lists(self):
        """Each choice's list (code lists, consultants), the proposed consultant and any
        kept draft."""
        draft = None if self.initial is not None else drafts.load_draft(self.owner, self.form_key)
        lists = {}
        for field in self.fields():
            if field.type is ValueType.CODE:
                names = codes.names(field.codes)
                own = getattr(self.initial, field.name, "") if self.initial else ""
                if own and own not in names:
                    names.append(own)  # the row's own, retired since: it keeps it (store.codes)
                lists[field.widget_id] = names
            elif field.type is ValueType.STAFF:
                lists[field.widget_id] = [member.name for member in team.consultants()]
        proposed = team.proposed_consultant()
        return lists, proposed.name if proposed else "", draft

    def _lists_loaded(self, loaded) -> None:
        lists, proposed, draft = loaded
        for widget_id, names in lists.items():
            self.query_one(f"#{widget_id}", FdChoice).set_choices(names)
        consultant = self.query_one("#consultant", FdChoice)
        self.proposed = proposed
        if not consultant.value and proposed and self.initial is None:
            self._set_quietly(consultant, proposed)
        self._show_consultant_hint()
        if draft is not None:
            payload, saved_at = draft
            question = t("form.draft_found", time=saved_at.strftime("%H:%M"))

            def answered(restore: bool | None) -> None:
                if restore:
                    self._restore_draft(payload)
                else:
                    run_db(self.app, drafts.discard_draft, self.owner, self.form_key)

            self.app.push_screen(ConfirmScreen(question, "key.restore", "key.discard"), answered)

    # -- reading and filling the form ----------------------------------------------------

    def _widget(self, widget_id: str) -> Widget | None:
        """The form's widget of this id (a field, its hint, a line). Kept once found: every
        key typed reads each field and a hint or two, and a query walks the whole screen —
        fifteen of them were most of the time from a key to its frame."""
        widget = self._by_id.get(widget_id)
        if widget is None:
            found = self.query(f"#{widget_id}")
            widget = found.first() if found else None
            if widget is not None:
                self._by_id[widget_id] = widget
        return widget

    def _hint(self, field_id: str) -> FieldHint | None:
        """The hint beside a field."""
        hint = self._widget(f"hint-{field_id}")
        return hint if isinstance(hint, FieldHint) else None

    def _set_quietly(self, widget: Widget, value) -> None:
        """Fill a field for the receptionist: not a change they made, so not "touched"."""
        if isinstance(widget, Input):
            value = "" if value is None else str(value)
        self._filled[widget.id or ""] = value
        if isinstance(widget, Input | FdCycle):
            widget.value = value

    def _value(self, field_id: str):
        widget = self._widget(field_id)
        return widget.value if isinstance(widget, Input | FdCycle) else None

    def collect(self) -> dict:
        """The form's values by widget id, as typed."""
        return {field.widget_id: self._value(field.widget_id) for field in self.fields()}

    def to_input(self) -> registration.RegistrationInput:
        """What is typed, as the core's input; a field this form does not show keeps its
        value when correcting a registration (a colour from an import), else is blank."""
        names = {field.name for field in self.table}
        kept = self.initial.as_dict() if self.initial is not None else {}
        values = {name: value for name, value in kept.items() if name in names}
        typed = self.collect()
        for field in self.fields():
            values[field.name] = input_value(field, typed[field.widget_id])
        values["kind"] = self.kind
        if values.get("time_in") == self.opened_at.strftime(TIME_FORMAT) and self.initial is None:
            values["time_in"] = self.opened_at  # untouched: keep the stamp to the second
        return registration.RegistrationInput.with_fields(self.table, **values)

    def _fill(self, data: registration.RegistrationInput) -> None:
        for field_id, value in form_values(data).items():
            widget = self._widget(field_id)
            if widget is not None:
                self._set_quietly(widget, value)

    def _restore_draft(self, payload: dict) -> None:
        for field_id, value in payload.items():
            widget = self._widget(field_id)
            if widget is not None:
                self._set_quietly(widget, value)
        self.dirty = True
        self.touched.update(payload)
        self._schedule_lookup()

    # -- as the receptionist types -------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        self._changed(event.input.id or "")

    def on_fd_cycle_changed(self, event: FdCycle.Changed) -> None:
        field = self._field(event.cycle.id or "")
        if field is not None and field.type is ValueType.LEVEL:  # what the level means
            level = event.value
            hint = t(f"level.{level}") if level else t(field.hint)
            self._set_hint(field.widget_id, Content(hint))
        self._changed(event.cycle.id or "")

    def _changed(self, field_id: str) -> None:
        if field_id in self._filled and self._filled[field_id] == self._value(field_id):
            return  # the form filled this itself
        self._filled.pop(field_id, None)
        self.dirty = True
        self.touched.add(field_id)
        self._clear_error(field_id)
        if field_id == "phone":
            self._forget_stale_lookup()
            self._schedule_lookup()
        self.draft.changed()

    def _typed_by_hand(self, field_id: str) -> bool:
        """The receptionist typed something into this field (not only cleared it)."""
        return field_id in self.touched and self._value(field_id) not in ("", None)

    # -- hints ---------------------------------------------------------------------------

    def _set_hint(self, field_id: str, hint: Content) -> None:
        """What the hint beside a field says (its error, its matches …); the line under the
        fields follows when it is the focused one's."""
        beside = self._hint(field_id)
        if beside is not None:
            show(beside, hint)
        if self.focused is not None and self.focused.id == field_id:
            self._show_focused_hint(self.focused)

    def _default_hint(self, field_id: str) -> Content:
        field = self._field(field_id)
        return Content(t(field.hint)) if field and field.hint else Content("")

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._show_focused_hint(event.widget)

    def _show_focused_hint(self, focused: Widget | None) -> None:
        """The focused field's whole hint on the line of its own: beside the field only
        what fits whole is shown (80 columns leave about 35 cells)."""
        line = self._widget("form-hint")
        if not isinstance(line, Static):
            return
        field = self._field(focused.id or "") if focused is not None else None
        beside = self._hint(field.widget_id) if field is not None else None
        whole = beside.visual if beside is not None else None
        if field is None or not isinstance(whole, Content) or not whole.plain:
            show(line, Content(""))
            return
        label = Content.styled(field.label_text(self.kind), "bold")
        show(line, Content.assemble(label, "  ", whole))

    def on_fd_choice_matches_changed(self, event: FdChoice.MatchesChanged) -> None:
        choice = event.choice
        field_id = choice.id or ""
        beside = self._hint(field_id)
        if beside is not None and beside.has_class("-error"):
            return  # the refusal stays until the field is changed
        if field_id == "consultant":
            self._show_consultant_hint()
        elif choice.value:
            self._set_hint(field_id, choice.matches_content())
        else:
            self._set_hint(field_id, self._default_hint(field_id))

    def _show_consultant_hint(self) -> None:
        """Why the consultant is the one shown, when the form chose them (the customer's
        own, the head of the rotation); what the typing matches, when typed by hand."""
        choice = self.query_one("#consultant", FdChoice)
        value = choice.value
        filled = value and self._filled.get("consultant") == value
        if filled and "consultant" in self._looked_up:
            hint = Content(t("form.hint_consultant_own", name=value))
        elif filled and value == self.proposed and self.initial is None:
            hint = Content(t("form.hint_consultant", name=value))
        elif value:
            hint = choice.matches_content()
        elif self.proposed:
            hint = Content(t("form.hint_consultant", name=self.proposed))
        else:
            hint = Content.styled(self._no_one_on_duty(), "dim")
        self._set_hint("consultant", hint)

    def _no_one_on_duty(self) -> str:
        """No consultant to propose: say how to put one on duty — the key of today's log
        that does it, as the user's keymap has it — or whom to ask, for a role without it."""
        log = next((e.node for e in registry.entries() if e.place == registry.LOG), None)
        bindings = registry.own_bindings(log) if log is not None else []
        duty = next((b for b in bindings if b.id == "duty"), None)
        if log is None or duty is None or not access.allowed(self, duty.action, owner=log):
            return t("log.no_one_on_duty_ask")
        keymap = getattr(self.app, "keymap", None) or {}
        home = next((b for b in registry.own_bindings(type(self.app)) if b.id == "log"), None)
        return t(
            "form.hint_consultant_none",
            key=key_label(keymap.get("duty", duty.key)),
            log=key_label(keymap.get("log", home.key if home else "f4")),
        )

    # -- the draft -----------------------------------------------------------------------

    def _draft_payload(self) -> dict | None:
        """What the draft keeps: the fields typed by hand (None: nothing to keep now)."""
        if self.saving or not self.dirty:
            return None
        return {k: v for k, v in self.collect().items() if k in self.touched}

    def _draft_kept(self) -> None:
        if self._failed_draft:
            self._show_failure(None)

    def _draft_failed(self, error: FrontdeskError) -> None:
        """The next keys try again; meanwhile the line under the form says why not."""
        self._show_failure(error)
        self._failed_draft = True

    def pending_draft(self) -> tuple[str, str, dict] | None:
        """(owner, form, payload) of what is typed and not saved, or None.

        Read from the fields themselves, not from what their change messages have told the
        screen so far: at a hang-up, keys already on the screen may still be on their way.
        """
        if self.saving:
            return None
        typed = {
            field_id: value
            for field_id, value in self.collect().items()
            if field_id in self.touched
            or value != self._filled.get(field_id, self._blank.get(field_id))
        }
        return (self.owner, self.form_key, typed) if typed else None

    def _schedule_lookup(self) -> None:
        if self._lookup_timer is not None:
            self._lookup_timer.stop()
        self._lookup_timer = self.set_timer(LOOKUP_DELAY_S, self._lookup)

    def _lookup(self) -> None:
        phone = self.query_one("#phone", Input).value
        known = self.query_one("#known", Static)
        self._forget_stale_lookup()
        if not phone.strip():
            show(known, Content.styled(t("form.anonymous"), "dim"))
            return
        if rules.normalise_phone(phone) is None:
            show(known, Content(""))
            return
        run_db(
            self,
            registration.lookup,
            phone,
            on_done=lambda summary: self._show_lookup(phone, summary),
            group="lookup",
            exclusive=True,
        )

    def _show_lookup(self, phone: str, summary: registration.CustomerSummary | None) -> None:
        if self.query_one("#phone", Input).value != phone:
            return  # typed on since the lookup started
        if self._customer is not None and (summary is None or summary.id != self._customer.id):
            self._forget_lookup()  # another customer's number, or no one's
        known = self.query_one("#known", Static)
        if summary is None:
            show(known, Content.styled(t("form.new_customer"), "italic"))
            return
        show(known, self._banner(summary))
        if self._customer is None:
            self._fill_from(summary)
        self._customer = summary

    def _banner(self, summary: registration.CustomerSummary) -> Content:
        """The known customer: first or returning, who they are, and whether a party of
        theirs is still in the showroom (在店)."""
        returning = summary.walkins > 0 if self.kind == "walkin" else summary.visits > 0
        last = summary.last_visit.strftime("%Y-%m-%d") if summary.last_visit else "—"
        text = t(
            "form.known",
            name=summary.name or "—",
            level=summary.level or t("level.none"),
            consultant=summary.consultant or "—",
            last=last,
            visits=summary.visits,
        )
        visit = t("visit.returning" if returning else "visit.first")
        parts: list[Content | str | tuple[str, str]] = [(f"{visit} ", "bold reverse"), " "]
        parts.append(Content(text))
        present = summary.in_showroom
        if present is not None and not self.edit_id:  # a correction may be that very party
            since = present.time_in.strftime("%H:%M")
            note = t("form.in_showroom", time=since, number=present.number)
            parts += ["\n", Content.styled(note, "bold $warning")]  # a line of its own
        return Content.assemble(*parts)

    def _fill_from(self, summary: registration.CustomerSummary) -> None:
        """Fill what the receptionist has not typed from the customer on file, remembering
        what was there before, to put it back if the phone turns out to be another's."""
        prefill: dict[str, object] = {name: getattr(summary, name) for name in LOOKED_UP}
        if self.initial is None:  # a correction keeps the consultant who received them
            prefill["consultant"] = summary.consultant
        for name, value in prefill.items():
            widget = self._widget_of(name)
            if widget is None or not widget.id or not value or self._typed_by_hand(widget.id):
                continue
            before = self._value(widget.id)
            self._set_quietly(widget, value)
            self._looked_up[widget.id] = (before, self._filled[widget.id])
        if "consultant" in self._looked_up:
            self._show_consultant_hint()

    def _forget_stale_lookup(self) -> None:
        """The phone typed is no longer the customer's the form was filled from: undo it."""
        if self._customer is None:
            return
        phone = self.query_one("#phone", Input).value
        if rules.normalise_phone(phone) != self._customer.phone:
            self._forget_lookup()
            show(self.query_one("#known", Static), Content(""))

    def _forget_lookup(self) -> None:
        """Put back what the lookup filled — the field as it was, the consultant the head
        of the up rotation — except where the receptionist has changed it since."""
        looked_up, self._looked_up, self._customer = self._looked_up, {}, None
        for field_id, (before, filled) in looked_up.items():
            widget = self._widget(field_id)
            untouched = field_id in self._filled and self._filled[field_id] == filled
            if widget is None or not untouched or self._value(field_id) != filled:
                continue  # changed by hand since: it stays
            if field_id == "consultant" and self.initial is None:
                before = self.proposed
            self._set_quietly(widget, before)
        if "consultant" in looked_up:
            self._show_consultant_hint()

    # -- validation at the edge ----------------------------------------------------------

    def _check_field(self, field_id: str) -> str | None:
        """The error of one field, from the rules alone (no database), or None."""
        field, widget = self._field(field_id), self._widget(field_id)
        if field is None:
            return None
        value = widget.value if isinstance(widget, Input) else None
        if field.type in registration_input.TYPED_TYPES and value:
            # the core's own check
            return registration_input.field_error(field.name, value, fields=self.table)
        if isinstance(widget, FdChoice) and not widget.is_valid_choice():
            return registration_input.unknown_choice(field, widget.value)
        return None

    def _show_error(self, field_id: str, message: str) -> None:
        hint = self._hint(field_id)
        if hint is not None:
            hint.add_class("-error")
            self._set_hint(field_id, Content.styled(message, "bold $error"))
        widget = self._widget(field_id)
        if widget is not None:
            widget.add_class("-invalid")

    def _clear_error(self, field_id: str) -> None:
        hint = self._hint(field_id)
        if hint is not None and hint.has_class("-error"):
            hint.remove_class("-error")
            if field_id == "consultant":
                self._show_consultant_hint()
            else:
                self._set_hint(field_id, self._default_hint(field_id))
        widget = self._widget(field_id)
        if widget is not None:
            widget.remove_class("-invalid")

    # -- keys ----------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_next_field()

    def _after_typing(self, callback, *args) -> None:
        after_typing(self, callback, *args)

    def action_next_field(self) -> None:
        focused = self.focused
        ids = [f.widget_id for f in self.fields()]
        last = focused is not None and focused.id == ids[-1]
        if focused is not None and not last:
            self.focus_next()
        self._after_typing(self._left_field, focused, last)

    def _left_field(self, widget: Widget | None, last: bool) -> None:
        """The field Enter left: take its pick, check it (back to it if wrong), or save."""
        if isinstance(widget, FdChoice):
            widget.take_pick()
        if widget is not None and widget.id:
            error = self._check_field(widget.id)
            if error:
                self._show_error(widget.id, error)
                widget.focus()
                return
        if last:
            self._save_now()
        elif widget is None:
            self.focus_next()

    def action_save(self) -> None:
        if not self.saving:
            self._after_typing(self._save_now)

    def _save_now(self, anyway: bool = False) -> None:
        """Save, once the draft write in flight is done; ``anyway``: the receptionist
        confirmed a new party for a customer still in the showroom."""
        if self.saving:
            return
        self._forget_stale_lookup()  # a corrected phone whose change is still on its way
        errors = {f.widget_id: e for f in self.fields() if (e := self._check_field(f.widget_id))}
        if errors:
            self._show_errors(errors)
            return
        self.saving = True
        self._show_failure(None)
        data = self.to_input()
        if self.edit_id:
            job, args = registration.update, (self.edit_id, data, self.edit_version)
        else:
            job, args = registration.register, (data,)
        # Only a new walk-in asks: a second party for someone still in the showroom is most
        # often the same party typed twice, or a departure not recorded. A call is an event
        # of its own (someone in the showroom may phone, or a call is logged late), it has
        # no time out and counts no one in the showroom: asking there would only cost a key.
        ask = self.kind == "walkin" and not self.edit_id and not anyway and bool(data.phone)
        self.draft.then(
            lambda: run_db(
                self,
                self._save_job,
                job,
                args,
                ask,
                on_done=self._saved,
                on_error=self._refused,
            )
        )

    def _save_job(self, job, args, ask: bool):
        """The save, with the draft discarded in its transaction; or, when ``ask``, the
        customer's party still in the showroom (nothing saved)."""
        if ask:
            summary = registration.lookup(args[0].phone)
            if summary is not None and summary.in_showroom is not None:
                return summary
        by = access.actor_of(self)
        return drafts.save_then_discard(lambda: job(*args, by=by), self.owner, self.form_key)

    def _saved(self, saved) -> None:
        self.saving = False
        if isinstance(saved, registration.CustomerSummary):
            self._ask_new_party(saved)
            return
        self.dirty = False
        key = "form.saved_returning" if saved.visit == "returning" else "form.saved"
        self.app.notify(t(key, id=saved.id), markup=False)
        self.dismiss(saved.id)

    def _ask_new_party(self, summary: registration.CustomerSummary) -> None:
        """The customer is still in the showroom: a new party for them only if confirmed."""
        present = summary.in_showroom
        assert present is not None
        question = t(
            "form.confirm_in_showroom",
            name=summary.name or rules.format_phone(summary.phone),
            time=present.time_in.strftime("%H:%M"),
            number=present.number,
        )

        def answered(anyway: bool | None) -> None:
            if anyway:
                self._save_now(anyway=True)

        self.app.push_screen(ConfirmScreen(question, "key.yes", "key.no"), answered)

    def _refused(self, error: FrontdeskError) -> None:
        self.saving = False
        if isinstance(error, ValidationError):  # by field name: beside each one's widget
            ids = {field.name: field.widget_id for field in self.table}
            self._show_errors({ids.get(name, name): m for name, m in error.errors.items()})
        elif isinstance(error, ConflictError) and self.edit_id:
            run_db(
                self,
                conflicts.stored_version,
                self.edit_id,
                on_done=self._show_conflict,
                on_error=self._refused,
            )
        elif isinstance(error, StoreFailure):
            self._show_failure(error)  # everything typed stays: Ctrl+S tries again
        else:
            self.app.notify(str(error), severity="error", markup=False)

    def _show_failure(self, error: FrontdeskError | None) -> None:
        """Say under the form why the store failed (None: the store works again)."""
        self._failed_draft = False
        found = self.query("#form-status")
        if not found:
            return  # the form has closed since
        status = found.first(Static)
        status.update(Content.styled(str(error), "bold $error") if error else Content(""))
        status.display = error is not None

    def _show_conflict(self, stored: conflicts.StoredVersion) -> None:
        """Someone saved this registration since it was opened: theirs against yours."""
        when = stored.saved_at.strftime("%H:%M:%S")
        who = (
            t("conflict.who", name=stored.saved_by, time=when)
            if stored.saved_by
            else t("conflict.who_unknown", time=when)
        )
        rows = differences(self.fields(), form_values(stored.data), self.collect())

        def answered(answer: str | None) -> None:
            if answer == THEIRS:
                self.edit_version, self.initial = stored.version, stored.data
                self._fill(stored.data)
                self.dirty = False
                self.touched.clear()
                self.draft.then(
                    lambda: run_db(
                        self, drafts.discard_draft, self.owner, self.form_key, group="draft"
                    )
                )
                self.app.notify(t("conflict.reloaded", id=stored.id), markup=False)
            elif answer == MINE:
                self.edit_version = stored.version
                self.action_save()

        self.app.push_screen(ConflictScreen(stored.id, who, rows), answered)

    def _show_errors(self, errors: dict[str, str]) -> None:
        ids = [f.widget_id for f in self.fields()]
        for field_id, message in errors.items():
            self._show_error(field_id if field_id in ids else "notes", message)
        first = next((i for i in ids if i in errors), None)
        if first:
            self.query_one(f"#{first}").focus()
        self.app.notify(t("form.not_saved"), severity="warning", markup=False)

    def action_cancel(self) -> None:
        if not self.dirty:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dirty = False
                self.draft.then(self._discard_and_leave)

        self.app.push_screen(ConfirmScreen(t("form.confirm_cancel"), "key.yes", "key.no"), answered)

    def _discard_and_leave(self) -> None:
        """Back out for good: the draft goes (after any write of it in flight), then the form."""
        run_db(self.app, drafts.discard_draft, self.owner, self.form_key, group="draft")
        self.dismiss(None)

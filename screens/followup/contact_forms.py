"""The follow-up dialogs: record a contact (and so change a level), close an intent
customer — or, for a consultant, apply to close them as defeated or lost (战败申请 /
失控申请, ``frontdesk.followup.close_review``) — choose a consultant (to reassign, or to
filter the table).

``CustomerActions`` gives a screen the keys ``c`` (contact), ``l`` (level, through a
contact), ``x`` (close) and ``r`` (reassign) on the customer it points at; the contact
table and the customer card both use it. What is valid is the core's to say
(``frontdesk.followup.contact_input``): a field is checked as Enter leaves it, every save
goes through the core in a worker, and a refusal is shown next to the field it is about,
what was typed kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from frontdesk import clock, rules
from frontdesk.errors import FrontdeskError, ValidationError
from frontdesk.followup import close_review, contact_input, contacts
from frontdesk.i18n import t
from frontdesk.people import roles, team
from frontdesk.store import codes, settings
from screens import access, registry
from screens.bindings import translate_bindings
from screens.db import run_db
from screens.dialogs import ConfirmScreen
from screens.widgets import FdChoice, FdCycle, FdFooter, after_typing

TIME_FORMAT = "%H:%M"


@dataclass(frozen=True)
class ContactTarget:
    """The customer a dialog is about, as the screen that opens it knows them."""

    customer_id: int
    name: str
    phone: str
    level: str | None
    consultant: str
    source: int = rules.SOURCE_WALKIN_PHONE  # 来源区分 on file

    @property
    def label(self) -> str:
        return self.name or rules.format_phone(self.phone)


def method_options() -> list[tuple[object, str, str]]:
    hot_keys = {"call": "c1", "visit": "v2", "walkin": "w3", "message": "m4"}
    return [(m, t(f"contacts.method.{m}"), hot_keys[m]) for m in rules.CONTACT_METHODS]


def purpose_options() -> list[tuple[object, str, str]]:
    """促进 first (the work of an intent customer, seed 000 slide 42), 未填 last."""
    hot_keys = {"promotion": "1", "procedure": "2", "maintenance": "3", "prospecting": "4"}
    options: list[tuple[object, str, str]] = [
        (p, t(f"contacts.purpose.{p}"), hot_keys[p]) for p in rules.CONTACT_PURPOSES
    ]
    return [*options, ("", t("contacts.purpose.none"), "0")]


def level_options() -> list[tuple[object, str, str]]:
    return [(level, level, level.lower()) for level in rules.LEVELS]


def outcome_options() -> list[tuple[object, str, str]]:
    hot_keys = {"deal": "d1", "defeat": "f2", "lost": "l3"}
    return [(o, t(f"contacts.outcome.{o}"), hot_keys[o]) for o in contact_input.CLOSE_OUTCOMES]


class _FormDialog(ModalScreen):
    """A modal form: one line per field, Enter to the next (saving on the last), Ctrl+S
    saves from anywhere, Esc backs out (asking first when something was typed)."""

    # Enter and Ctrl+S are priority bindings, so the focus moves within the key press, and
    # both wait for the keys the field already had (``after_typing``): a burst of typing
    # followed by Enter (a fast typist, a paste, keys over SSH) lands where it was meant.
    BINDINGS = [
        Binding("ctrl+s", "submit", "key.save", priority=True, id="save"),
        Binding("escape", "cancel", "key.cancel", id="cancel"),
        Binding("enter", "next_field", "key.next", show=False, priority=True, id="next"),
    ]
    FIELDS: tuple[tuple[str, str, str], ...] = ()  # (widget id, label key, hint key)

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.saving = False
        self.dirty = False

    def title_text(self) -> str:
        raise NotImplementedError

    def make_widget(self, field_id: str) -> Widget:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide-dialog"):
            yield Static(Content.styled(self.title_text(), "bold"), classes="dialog-question")
            for field_id, label, hint in self.FIELDS:
                with Horizontal(classes="field-row", id=f"row-{field_id}"):
                    yield Label(Content(t(label)), classes="field-label")
                    yield self.make_widget(field_id)
                    yield Static(Content(t(hint)), classes="field-hint", id=f"hint-{field_id}")
            yield Static(Content(""), id="dialog-error", classes="field-hint")
            yield FdFooter()

    def field_ids(self) -> list[str]:
        return [field_id for field_id, _, _ in self.FIELDS]

    def on_input_changed(self, event: Input.Changed) -> None:
        self.dirty = True

    def on_fd_cycle_changed(self, event: FdCycle.Changed) -> None:
        self.dirty = True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_next_field()

    def action_next_field(self) -> None:
        ids = self.field_ids()
        focused = self.focused
        field_id = focused.id if focused else None
        if focused is None or field_id not in ids or field_id == ids[-1]:
            self.action_submit()
            return
        self.set_focus(self.query_one(f"#{ids[ids.index(field_id) + 1]}"))
        focused.call_later(self._check_left, field_id)  # once it has every key typed

    def _check_left(self, field_id: str) -> None:
        """The field Enter left, checked by the core: back to it, saying why, if wrong."""
        if not self.is_attached:
            return  # closed since
        message = self.field_error(field_id)
        hint_key = {field: hint for field, _, hint in self.FIELDS}[field_id]
        if message:
            self.set_hint(field_id, message, error=True)
            self.query_one(f"#{field_id}").focus()
        else:
            self.set_hint(field_id, self.hint_text(field_id, hint_key))

    def field_error(self, field_id: str) -> str | None:
        """What the core says of one field as typed (None: nothing wrong)."""
        return None

    def action_submit(self) -> None:
        """Save, once the focused field has taken every key typed before."""
        after_typing(self, self.action_save)

    def set_hint(self, field_id: str, text: str, error: bool = False) -> None:
        hint = self.query_one(f"#hint-{field_id}", Static)
        hint.update(Content(text))
        hint.set_class(error, "-error")

    def show_errors(self, error: FrontdeskError) -> None:
        self.saving = False
        if not isinstance(error, ValidationError):
            self.query_one("#dialog-error", Static).update(Content.styled(str(error), "$error"))
            return
        first = None
        for field_id, _, hint in self.FIELDS:
            message = error.errors.get(field_id)
            if message:
                self.set_hint(field_id, message, error=True)
                first = first or field_id
            else:
                self.set_hint(field_id, self.hint_text(field_id, hint))
        others = [m for k, m in error.errors.items() if k not in self.field_ids()]
        self.query_one("#dialog-error", Static).update(
            Content.styled(" ".join(others), "$error") if others else Content("")
        )
        if first:
            self.query_one(f"#{first}").focus()

    def hint_text(self, field_id: str, hint_key: str) -> str:
        return t(hint_key)

    def action_save(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        if self.saving:
            return  # the save under way ends first, and closes the dialog itself
        if not self.dirty:
            self.dismiss(False)
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.dismiss(False)

        self.app.push_screen(ConfirmScreen(t("form.confirm_cancel")), answered)


@registry.screen(
    section="contacts.help.section_form",
    order=100,
    right=roles.CONTACTS_VIEW,
    help=(
        registry.HelpRow("Enter", "help.form_enter"),
        registry.OWN_KEYS,
        registry.HelpRow("1 2 3 4", "contacts.form.hint_method"),
        registry.HelpRow("1 2 3 4 0", "contacts.form.hint_purpose"),
        registry.HelpRow("O H A B C", "contacts.form.hint_level"),
        registry.HelpRow("1–7", "contacts.form.help_source"),
    ),
)
class ContactScreen(_FormDialog):
    """Record one contact with a customer; the level after it may change their level."""

    FIELDS = (
        ("method", "contacts.form.method", "contacts.form.hint_method"),
        ("account", "contacts.form.account", "contacts.form.hint_account"),
        ("level", "contacts.form.level", "contacts.form.hint_level"),
        ("next", "contacts.form.next", "contacts.form.hint_next"),
        # Rarely changed (most customers come in by the desk, 4): after what every contact has.
        ("source", "contacts.form.source", "contacts.form.hint_source"),
        # 访问目的: 促进 until changed (most contacts with an intent customer are).
        ("purpose", "contacts.form.purpose", "contacts.form.hint_purpose"),
        ("at", "contacts.form.at", "form.hint_time"),
    )

    def __init__(self, target: ContactTarget, focus: str = "method") -> None:
        super().__init__()
        self.target = target
        self.focus_first = focus
        self.opened_at = clock.now()
        self.intervals = dict(rules.FOLLOW_UP_DAYS)

    def title_text(self) -> str:
        return t(
            "contacts.form.title",
            name=self.target.label,
            level=self.target.level or "—",
            consultant=self.target.consultant or "—",
        )

    def make_widget(self, field_id: str) -> Widget:
        if field_id == "method":
            return FdCycle(method_options(), id="method")
        if field_id == "purpose":
            return FdCycle(purpose_options(), id="purpose")
        if field_id == "level":
            return FdCycle(level_options(), value=self.target.level or "C", id="level")
        if field_id == "source":  # blank keeps the customer's, shown greyed
            return Input(
                id=field_id,
                compact=True,
                max_length=2,  # one digit; a second one typed is refused, not cut off
                restrict=r"\d*",  # ASCII or full-width digits (５ from a Chinese IME)
                placeholder=str(self.target.source),
            )
        limits = {"account": rules.MAX_NOTES, "next": 10, "at": 19}
        return Input(id=field_id, compact=True, max_length=limits[field_id])

    def on_mount(self) -> None:
        at = self.query_one("#at", Input)
        with at.prevent(Input.Changed):
            at.value = self.opened_at.strftime(TIME_FORMAT)
        self.query_one(f"#{self.focus_first}").focus()
        self.dirty = False
        self._show_default_next()
        run_db(self, settings.follow_up_days, on_done=self._intervals_loaded)

    def _intervals_loaded(self, intervals: dict[str, int]) -> None:
        self.intervals = intervals
        self._show_default_next()

    def _show_default_next(self) -> None:
        """The hint of the next date: when the cadence of the chosen level puts it."""
        self.set_hint("next", self.hint_text("next", "contacts.form.hint_next"))

    def hint_text(self, field_id: str, hint_key: str) -> str:
        if field_id == "next":
            level = self.query_one("#level", FdCycle).value
            days = self.intervals.get(str(level), 0)
            due = self.opened_at.date() + dt.timedelta(days=days)
            return t("contacts.form.hint_next", date=due.strftime("%m-%d"), level=level, days=days)
        if field_id == "source":  # what the digit typed means (5 内部情报), else how to type it
            source, error = contact_input.check_source(self.query_one("#source", Input).value)
            return t(f"source.{source}") if source and not error else t(hint_key)
        return t(hint_key)

    def on_fd_cycle_changed(self, event: FdCycle.Changed) -> None:
        # (The base class's handler runs too: Textual calls each class's in the MRO.)
        if event.cycle.id == "level" and self.is_mounted:
            self._show_default_next()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "source" and self.is_mounted:
            self.set_hint("source", self.hint_text("source", "contacts.form.hint_source"))

    def field_error(self, field_id: str) -> str | None:
        if field_id not in contact_input.TYPED_FIELDS:
            return None
        raw = self.query_one(f"#{field_id}", Input).value
        return contact_input.field_error(field_id, raw, at=self.to_input().at)

    def to_input(self) -> contact_input.ContactInput:
        at_text = self.query_one("#at", Input).value.strip()
        at: dt.datetime | str = at_text
        if at_text == self.opened_at.strftime(TIME_FORMAT):
            at = self.opened_at  # untouched: now, to the second
        return contact_input.ContactInput(
            method=str(self.query_one("#method", FdCycle).value),
            purpose=str(self.query_one("#purpose", FdCycle).value),
            at=at,
            account=self.query_one("#account", Input).value,
            level=str(self.query_one("#level", FdCycle).value),
            next_date=self.query_one("#next", Input).value,
            source=self.query_one("#source", Input).value,
        )

    def action_save(self) -> None:
        if self.saving:
            return
        self.saving = True
        run_db(
            self.app,  # the dialog closing must not cancel the worker that closes it
            partial(contacts.record_contact, by=access.actor_of(self)),
            self.target.customer_id,
            self.to_input(),
            on_done=self._saved,
            on_error=self.show_errors,
        )

    def _saved(self, contact) -> None:
        level = contact.level_after
        if level != self.target.level:
            message = t(
                "contacts.saved_level", name=self.target.label, old=self.target.level, new=level
            )
        else:
            message = t("contacts.saved", name=self.target.label)
        self.app.notify(message, markup=False)
        self.dismiss(True)


class CloseScreen(_FormDialog):
    """Close an intent customer: deal, defeat (competitor and reason) or lost (reason).

    For a consultant (no right to close without review) the same dialog is an application:
    its title says so, a defeat or a loss goes to the manager's review queue, a deal closes
    at once (``close_review.request_close`` decides, as it does for ``frontdesk close``)."""

    FIELDS = (
        ("outcome", "contacts.close.outcome", "contacts.close.hint_outcome"),
        ("reason", "contacts.close.reason", "contacts.close.hint_reason"),
        ("competitor", "contacts.close.competitor", "contacts.close.hint_competitor"),
    )

    def __init__(self, target: ContactTarget) -> None:
        super().__init__()
        self.target = target

    @property
    def applies(self) -> bool:
        """Whether a defeat or a loss typed here is an application (the signed-in member
        may not close without review)."""
        return not access.may(self, roles.CONTACT_CLOSE)

    def title_text(self) -> str:
        key = "review.form.title" if self.applies else "contacts.close.title"
        return t(key, name=self.target.label, level=self.target.level or "—")

    # 战败 review reads these: offered from the store's lists (F9 → code lists), and what a
    # manager types that is on no list is kept as typed.
    LISTS = {"reason": codes.DEFEAT_REASON, "competitor": codes.COMPETITOR}

    def make_widget(self, field_id: str) -> Widget:
        if field_id == "outcome":
            return FdCycle(outcome_options(), id="outcome")
        limit = rules.MAX_NOTES if field_id == "reason" else contact_input.MAX_COMPETITOR
        return FdChoice(id=field_id, compact=True, max_length=limit)

    def on_mount(self) -> None:
        self.query_one("#outcome").focus()
        self.dirty = False
        run_db(self, self._load_lists, on_done=self._lists_loaded)

    def _load_lists(self) -> dict[str, list[str]]:
        return {field_id: codes.names(kind) for field_id, kind in self.LISTS.items()}

    def _lists_loaded(self, lists: dict[str, list[str]]) -> None:
        for field_id, names in lists.items():
            self.query_one(f"#{field_id}", FdChoice).set_choices(names)

    def on_fd_choice_matches_changed(self, event: FdChoice.MatchesChanged) -> None:
        choice = event.choice
        if choice.value:
            self.query_one(f"#hint-{choice.id}", Static).update(choice.matches_content())
        else:
            hints = {field_id: hint for field_id, _, hint in self.FIELDS}
            self.set_hint(choice.id or "", t(hints[choice.id or ""]))

    def action_next_field(self) -> None:
        focused = self.focused
        if isinstance(focused, FdChoice):
            focused.call_later(focused.take_pick)  # once it has every key typed
        super().action_next_field()

    def action_save(self) -> None:
        if self.saving:
            return
        self.saving = True
        run_db(
            self.app,  # the dialog closing must not cancel the worker that closes it
            partial(close_review.request_close, by=access.actor_of(self)),
            self.target.customer_id,
            str(self.query_one("#outcome", FdCycle).value),
            self.query_one("#reason", FdChoice).value,
            self.query_one("#competitor", FdChoice).value,
            on_done=self._saved,
            on_error=self.show_errors,
        )

    def _saved(self, closing: close_review.Closing) -> None:
        if closing.application is not None:
            kind = close_review.application_label(closing.application.outcome)
            message = t("review.applied", name=self.target.label, kind=kind)
        else:
            outcome = t(f"contacts.outcome.{closing.customer.closed_as}")
            message = t("contacts.closed", name=self.target.label, outcome=outcome)
        self.app.notify(message, markup=False)
        self.dismiss(True)


class StaffChoiceScreen(ModalScreen[str | None]):
    """Choose a consultant by typing (pinyin initials too); Enter takes the match.

    Dismisses with the name, "" for everyone (when ``allow_all``), None when backed out.
    With ``save`` (a core call, run in a worker) the name is handed to it first, and the
    dialog closes only once the core has taken it; a refusal is said under the field.
    """

    BINDINGS = [Binding("escape", "back", "key.cancel", id="cancel")]

    def __init__(
        self,
        title: str,
        names: list[str],
        allow_all: bool = False,
        save: Callable[[str], object] | None = None,
    ) -> None:
        super().__init__()
        translate_bindings(self)
        self.title_text = title
        self.names = names
        self.allow_all = allow_all
        self.save = save
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content.styled(self.title_text, "bold"), classes="dialog-question")
            yield FdChoice(self.names, id="staff-choice", compact=True, max_length=rules.MAX_TEXT)
            yield Static(Content(""), id="staff-matches", classes="field-hint")
            hint = "contacts.choose.hint_all" if self.allow_all else "contacts.choose.hint"
            all_names = "、".join(self.names) or "—"
            yield Static(Content(t(hint, names=all_names)), id="staff-hint", classes="dialog-hint")
            yield FdFooter()

    def on_mount(self) -> None:
        self.query_one("#staff-choice").focus()

    def on_fd_choice_matches_changed(self, event: FdChoice.MatchesChanged) -> None:
        self.query_one("#staff-matches", Static).update(event.choice.matches_content())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        choice = self.query_one("#staff-choice", FdChoice)
        if not choice.value:
            if self.allow_all:
                self.dismiss("")
            return
        choice.take_pick()
        name = choice.value
        if self.save is not None:
            if not self.saving:
                self.saving = True
                run_db(
                    self.app,  # the dialog closing must not cancel the worker that closes it
                    self.save,
                    name,
                    on_done=lambda _: self.dismiss(name),
                    on_error=self._refused,
                )
        elif name in self.names:
            self.dismiss(name)
        else:
            self._refused(t("error.no_staff", name=name))

    def _refused(self, error: FrontdeskError | str) -> None:
        self.saving = False
        self.query_one("#staff-matches", Static).update(Content.styled(str(error), "$error"))

    def action_back(self) -> None:
        if not self.saving:
            self.dismiss(None)


class CustomerActions:
    """Keys on the customer a screen points at. The screen provides ``contact_target()``
    and ``refresh_data()``."""

    # What each key needs (frontdesk.people.roles): hidden, and refused, for a role without it.
    ACTION_RIGHTS = {
        "open_customer": roles.CUSTOMER_VIEW,
        "contact": roles.CONTACT_RECORD,
        "level": roles.CONTACT_RECORD,
        "close_customer": roles.CLOSE_APPLY,  # a consultant's is an application (CloseScreen)
        "reassign": roles.CONTACT_REASSIGN,
    }

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return access.allowed(self, action)

    def contact_target(self) -> ContactTarget | None:
        raise NotImplementedError

    def refresh_data(self) -> None:
        raise NotImplementedError

    def action_contact(self, focus: str = "method") -> None:
        target = self.contact_target()
        if target is None:
            return
        # Saved before the dialog closes: the screen reloads when it shows again.
        # The core records it as made by whoever is signed in (``contacts.record_contact``).
        self.app.push_screen(ContactScreen(target, focus))

    def action_level(self) -> None:
        self.action_contact("level")

    def action_close_customer(self) -> None:
        target = self.contact_target()
        if target is not None:
            self.app.push_screen(CloseScreen(target))

    def action_reassign(self) -> None:
        target = self.contact_target()
        if target is None:
            return

        by = access.actor_of(self)

        def save(name: str) -> object:
            if name == target.consultant:
                return None  # theirs already
            return contacts.reassign(target.customer_id, name, by=by)

        def chosen(name: str | None) -> None:
            if name and name != target.consultant:
                self._reassigned(target, name)

        def loaded(names: list[str]) -> None:
            title = t("contacts.choose.reassign", name=target.label, consultant=target.consultant)
            self.app.push_screen(StaffChoiceScreen(title, names, save=save), chosen)

        run_db(self, consultant_names, on_done=loaded)

    def _reassigned(self, target: ContactTarget, name: str) -> None:
        self.notify(t("contacts.reassigned", name=target.label, consultant=name), markup=False)
        self.refresh_data()


def consultant_names() -> list[str]:
    return [member.name for member in team.consultants()]

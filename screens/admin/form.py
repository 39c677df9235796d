"""The admin's form dialog: one line per field, its hint (or the core's refusal) under it.

Enter accepts a field and moves to the next (on the last it saves), Tab and Shift+Tab move
between fields, Ctrl+S saves from any field, Esc backs out (asking first once something was
typed). Saving runs the form's core service in a worker; a refusal is shown under the field
it is about, in the core's words, and what was typed stays.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from frontdesk.errors import FrontdeskError, NotFound, ValidationError
from frontdesk.i18n import t
from frontdesk.people import roles
from screens import registry
from screens.bindings import translate_bindings
from screens.db import run_db
from screens.dialogs import ConfirmScreen
from screens.widgets import FdChoice, FdCycle, FdFooter, after_typing

# The keys of every admin form, for F1 (the bindings below, and the keys a field takes).
HELP_ROWS = (
    ("Enter", "admin.help.form_enter"),
    ("Tab, Shift+Tab", "admin.help.form_tab"),
    ("Ctrl+S", "admin.help.form_save"),
    ("Esc", "admin.help.form_cancel"),
)


@registry.screen(
    section="admin.help.forms",
    order=120,
    right=roles.STAFF_MANAGE,
    help=tuple(registry.HelpRow(keys, text) for keys, text in HELP_ROWS),
)
class AdminForm(ModalScreen[Any]):
    """A modal form over the admin screen; dismissed with the core's answer, or None."""

    # Enter and Ctrl+S are priority bindings, so the focus moves within the key press, and
    # both wait for the keys the field already had (``after_typing``): a paste followed by
    # Enter lands in the field it was meant for.
    BINDINGS = [
        Binding("ctrl+s", "submit", "key.save", priority=True, id="admin-form-save"),
        Binding("escape", "cancel", "key.cancel", id="admin-form-cancel"),
        Binding("enter", "next_field", "key.next", show=False, priority=True, id="admin-form-next"),
    ]
    FIELDS: tuple[tuple[str, str, str], ...] = ()  # (widget id, label key, hint key)
    # The core's name of a field, where it differs from the widget's id.
    CORE_FIELDS: dict[str, str] = {}
    # The field a "not found" answer is about (a member, a code), if any.
    NOT_FOUND_FIELD: str | None = None

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.saving = False
        self.opened_with: dict[str, Any] = {}

    # -- what each form says and does -----------------------------------------------------

    def title_text(self) -> str:
        raise NotImplementedError

    def make_widget(self, field_id: str) -> Widget:
        raise NotImplementedError

    def hint_text(self, field_id: str, hint_key: str) -> str:
        return t(hint_key)

    def job(self) -> tuple[Callable[..., Any], tuple[Any, ...]] | None:
        """The core call that saves the form, with its arguments (None: refused here)."""
        raise NotImplementedError

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog admin-form"):
            yield Static(Content.styled(self.title_text(), "bold"), classes="dialog-question")
            for field_id, label, hint in self.FIELDS:
                with Horizontal(classes="admin-row", id=f"row-{field_id}"):
                    yield Label(Content(t(label)), classes="admin-label")
                    yield self.make_widget(field_id)
                yield Static(
                    Content(self.hint_text(field_id, hint)),
                    classes="admin-hint",
                    id=f"hint-{field_id}",
                )
            yield Static(Content(""), id="admin-form-error", classes="admin-hint")
            yield FdFooter()

    def first_field(self) -> str:
        """The field the form opens on."""
        return self.FIELDS[0][0]

    def on_mount(self) -> None:
        self.query_one(f"#{self.first_field()}").focus()
        self.opened_with = {field_id: self.value(field_id) for field_id in self.field_ids()}

    @property
    def dirty(self) -> bool:
        """Whether anything was typed or chosen since the form opened."""
        return any(self.value(fid) != value for fid, value in self.opened_with.items())

    def field_ids(self) -> list[str]:
        return [field_id for field_id, _, _ in self.FIELDS]

    def value(self, field_id: str) -> Any:
        widget = self.query_one(f"#{field_id}")
        return widget.value if isinstance(widget, Input | FdCycle) else None

    # -- keys -------------------------------------------------------------------------------

    def on_fd_choice_matches_changed(self, event: FdChoice.MatchesChanged) -> None:
        field_id = event.choice.id or ""
        if event.choice.value:
            self.query_one(f"#hint-{field_id}", Static).update(event.choice.matches_content())
        else:
            self.set_hint(field_id, self.hint_text(field_id, self._hint_key(field_id)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_next_field()

    def action_next_field(self) -> None:
        after_typing(self, self._next_field)

    def _next_field(self) -> None:
        ids = self.field_ids()
        focused = self.focused
        if isinstance(focused, FdChoice):
            focused.take_pick()
        current = focused.id if focused else None
        if current not in ids or current == ids[-1]:
            self._save()
            return
        self.query_one(f"#{ids[ids.index(current) + 1]}").focus()

    def action_submit(self) -> None:
        """Save, once the focused field has taken every key typed before."""
        after_typing(self, self._save)

    def _save(self) -> None:
        if self.saving:
            return
        if isinstance(self.focused, FdChoice):
            self.focused.take_pick()
        job = self.job()
        if job is None:
            return
        service, args = job
        self.saving = True
        self.query_one("#admin-form-error", Static).update(
            Content.styled(t("admin.form.saving"), "dim")
        )
        # The app runs it, not the form: the form closes on the answer, and a worker of its
        # own would be cancelled by that while still handing the answer over.
        run_db(self.app, service, *args, on_done=self._saved, on_error=self.show_errors)

    def _saved(self, result: Any) -> None:
        if self.is_attached:
            self.dismiss(result)

    def action_cancel(self) -> None:
        if not self.dirty:
            self.dismiss(None)
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(t("form.confirm_cancel")), answered)

    # -- the core's answer ------------------------------------------------------------------

    def _hint_key(self, field_id: str) -> str:
        return next(hint for fid, _, hint in self.FIELDS if fid == field_id)

    def set_hint(self, field_id: str, text: str, error: bool = False) -> None:
        hint = self.query_one(f"#hint-{field_id}", Static)
        hint.update(Content.styled(text, "bold $error") if error else Content(text))
        hint.set_class(error, "-error")
        self.query_one(f"#{field_id}").set_class(error, "-invalid")

    def refuse(self, field_id: str, message: str) -> None:
        """Say beside ``field_id`` why the form cannot be saved, and go back to it."""
        self.saving = False
        self.query_one("#admin-form-error", Static).update(Content(""))
        for other in self.field_ids():
            if other != field_id:
                self.set_hint(other, self.hint_text(other, self._hint_key(other)))
        self.set_hint(field_id, message, error=True)
        self.query_one(f"#{field_id}").focus()

    def show_errors(self, error: FrontdeskError) -> None:
        self.saving = False
        if not self.is_attached:  # backed out while it was saving
            return
        widget_of = {self.CORE_FIELDS.get(fid, fid): fid for fid in self.field_ids()}
        messages: dict[str, str] = {}
        others: list[str] = []
        if isinstance(error, ValidationError):
            for core_field, message in error.errors.items():
                if core_field in widget_of:
                    messages[widget_of[core_field]] = message
                else:
                    others.append(message)
        elif isinstance(error, NotFound) and self.NOT_FOUND_FIELD:
            messages[self.NOT_FOUND_FIELD] = str(error)
        else:
            others.append(str(error))
        first = None
        for field_id in self.field_ids():
            if field_id in messages:
                self.set_hint(field_id, messages[field_id], error=True)
                first = first or field_id
            else:
                self.set_hint(field_id, self.hint_text(field_id, self._hint_key(field_id)))
        self.query_one("#admin-form-error", Static).update(
            Content.styled(" ".join(others), "bold $error") if others else Content("")
        )
        if first:
            self.query_one(f"#{first}").focus()

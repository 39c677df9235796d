"""The targets page's dialog: set a consultant's targets for the month (营业目标).

One line per field — the consultant, the model (empty: every model), then walk-ins, test
drives, orders and deliveries — with its hint, or the core's refusal, under it. Enter
accepts a field and moves to the next (on the last it saves), Tab and Shift+Tab move
between fields, Ctrl+S saves from any field, Esc backs out (asking first once something
was typed). A number left empty keeps the target set (0 for a new one). Saving runs the
core's ``set_target`` in a worker; a refusal is shown under the field it is about, and
what was typed stays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from frontdesk import rules
from frontdesk.errors import FrontdeskError, ValidationError
from frontdesk.i18n import t
from frontdesk.people import roles
from frontdesk.reports.targets import FIGURES, MAX_TARGET
from screens import registry
from screens.bindings import translate_bindings
from screens.db import run_db
from screens.dialogs import ConfirmScreen
from screens.widgets import FdChoice, FdFooter, after_typing

# (field id, label key, hint key): the core's names of the fields.
FIELDS = (
    ("consultant", "targets.field.consultant", "targets.form.hint_consultant"),
    ("model", "targets.field.model", "targets.form.hint_model"),
    *((figure, f"targets.field.{figure}", "targets.form.hint_count") for figure in FIGURES),
)
FIELD_IDS = tuple(field_id for field_id, _, _ in FIELDS)


@registry.screen(
    section="targets.help.section_set",
    order=108,
    right=roles.TARGETS_SET,
    help=(
        registry.HelpRow("Enter", "targets.help.form_enter"),
        registry.HelpRow("Tab, Shift+Tab", "targets.help.form_tab"),
        registry.HelpRow("Ctrl+S", "targets.help.form_save"),
        registry.HelpRow("Esc", "targets.help.form_cancel"),
    ),
)
class TargetScreen(ModalScreen[Any]):
    """Set a consultant's targets; dismissed with what ``save`` returned, or None."""

    # Enter and Ctrl+S are priority bindings, so the focus moves within the key press, and
    # both wait for the keys the field already had (``after_typing``).
    BINDINGS = [
        Binding("ctrl+s", "submit", "key.save", priority=True, id="target-save"),
        Binding("escape", "cancel", "key.cancel", id="target-cancel"),
        Binding("enter", "next_field", "key.next", show=False, priority=True, id="target-next"),
    ]

    def __init__(
        self,
        month: dt.date,
        consultants: list[str],
        models: list[str],
        save: Callable[..., Any],
    ) -> None:
        super().__init__()
        translate_bindings(self)
        self.month = month
        self.consultants = consultants
        self.models = models
        self.save = save
        self.saving = False

    def compose(self) -> ComposeResult:
        title = t("targets.form.title", month=self.month.strftime("%Y-%m"))
        with Vertical(classes="dialog admin-form", id="target-form"):
            yield Static(Content.styled(title, "bold"), classes="dialog-question")
            for field_id, label, hint in FIELDS:
                with Horizontal(classes="admin-row", id=f"row-{field_id}"):
                    yield Label(Content(t(label)), classes="admin-label")
                    yield self._widget(field_id)
                yield Static(Content(t(hint)), classes="admin-hint", id=f"hint-{field_id}")
            yield Static(Content(""), id="target-error", classes="admin-hint")
            yield FdFooter()

    def _widget(self, field_id: str) -> Input:
        if field_id == "consultant":
            return FdChoice(self.consultants, id=field_id, compact=True, max_length=rules.MAX_NAME)
        if field_id == "model":
            return FdChoice(self.models, id=field_id, compact=True, max_length=rules.MAX_TEXT)
        return Input(id=field_id, compact=True, max_length=len(str(MAX_TARGET)) + 2)

    def on_mount(self) -> None:
        self.query_one("#consultant").focus()

    def value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value

    @property
    def dirty(self) -> bool:
        return any(self.value(field_id) for field_id in FIELD_IDS)

    # -- keys -------------------------------------------------------------------------------

    def on_fd_choice_matches_changed(self, event: FdChoice.MatchesChanged) -> None:
        field_id = event.choice.id or ""
        if event.choice.value:
            self.query_one(f"#hint-{field_id}", Static).update(event.choice.matches_content())
        else:
            self._hint(field_id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_next_field()

    def action_next_field(self) -> None:
        after_typing(self, self._next_field)

    def _next_field(self) -> None:
        focused = self.focused
        if isinstance(focused, FdChoice):
            focused.take_pick()
        current = focused.id if focused else None
        if current not in FIELD_IDS or current == FIELD_IDS[-1]:
            self._save()
            return
        self.query_one(f"#{FIELD_IDS[FIELD_IDS.index(current) + 1]}").focus()

    def action_submit(self) -> None:
        """Save, once the focused field has taken every key typed before."""
        after_typing(self, self._save)

    def _save(self) -> None:
        if self.saving:
            return
        if isinstance(self.focused, FdChoice):
            self.focused.take_pick()
        self.saving = True
        self.query_one("#target-error", Static).update(
            Content.styled(t("targets.form.saving"), "dim")
        )
        fields = {field_id: self.value(field_id) for field_id in FIELD_IDS}
        consultant = fields.pop("consultant")
        # The app runs it, not the dialog: the dialog closes on the answer, and a worker of
        # its own would be cancelled by that while still handing the answer over.
        job = partial(self.save, consultant, **fields)
        run_db(self.app, job, on_done=self._saved, on_error=self._refused)

    def _saved(self, result: Any) -> None:
        if self.is_attached:
            self.dismiss(result)

    def action_cancel(self) -> None:
        if self.saving:
            return  # the save under way ends first, and closes the dialog itself
        if not self.dirty:
            self.dismiss(None)
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(t("form.confirm_cancel")), answered)

    # -- the core's answer ------------------------------------------------------------------

    def _hint(self, field_id: str, error: str | None = None) -> None:
        hint_key = next(hint for fid, _, hint in FIELDS if fid == field_id)
        widget = self.query_one(f"#hint-{field_id}", Static)
        if error is None:
            widget.update(Content(t(hint_key)))
        else:
            widget.update(Content.styled(error, "bold $error"))
        widget.set_class(error is not None, "-error")
        self.query_one(f"#{field_id}").set_class(error is not None, "-invalid")

    def _refused(self, error: FrontdeskError) -> None:
        self.saving = False
        if not self.is_attached:  # backed out while it was saving
            return
        messages = dict(error.errors) if isinstance(error, ValidationError) else {}
        others = [message for field, message in messages.items() if field not in FIELD_IDS]
        if not isinstance(error, ValidationError):
            others.append(str(error))
        first = None
        for field_id in FIELD_IDS:
            self._hint(field_id, messages.get(field_id))
            if field_id in messages and first is None:
                first = field_id
        self.query_one("#target-error", Static).update(
            Content.styled(" ".join(others), "bold $error") if others else Content("")
        )
        if first:
            self.query_one(f"#{first}").focus()

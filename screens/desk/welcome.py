"""First run on an empty store: set the store name and staff, or load demo data. Esc skips."""

from __future__ import annotations

from functools import partial

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from frontdesk.desk import demo, onboarding
from frontdesk.i18n import t
from frontdesk.store import settings
from screens import access, registry
from screens.bindings import translate_bindings
from screens.db import run_db
from screens.widgets import FdFooter, after_typing

FIELDS = (
    ("store-name", "welcome.store_name", ""),
    ("consultants", "welcome.consultants", "welcome.consultants_hint"),
    ("receptionists", "welcome.receptionists", "welcome.consultants_hint"),
    ("managers", "welcome.managers", "welcome.consultants_hint"),
    ("models", "welcome.models", "welcome.models_hint"),
)


@registry.screen(
    section="help.welcome",
    order=50,
    holds=("walkin", "phone", "log", "contacts", "statistics", "admin"),  # set up first
)
class WelcomeScreen(Screen[str | None]):
    """Dismisses with the store name (None when skipped)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", priority=True, id="save"),
        Binding("f9", "demo", "key.demo", id="demo"),
        Binding("escape", "skip", "key.cancel", id="skip-welcome"),
        # Priority, as on the registration form: the focus moves within the key press, so
        # keys typed right after Enter (a paste, a script) land in the next field.
        Binding("enter", "next_field", "key.next", show=False, priority=True, id="next"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="welcome-body"):
            yield Static(Content.styled(t("welcome.title"), "bold"), id="welcome-title")
            yield Static(Content(t("welcome.intro")), id="welcome-intro")
            for field_id, label, hint in FIELDS:
                with Horizontal(classes="field-row"):
                    yield Label(Content(t(label)), classes="field-label")
                    yield Input(id=field_id, compact=True, max_length=400)
                    yield Static(Content(t(hint) if hint else ""), classes="field-hint")
            yield Static(Content.styled(t("welcome.save"), "dim"), id="welcome-keys")
        yield FdFooter()

    def on_mount(self) -> None:
        self.query_one("#store-name").focus()

    def action_next_field(self) -> None:
        """Enter: on to the next field at once; on the last, save once it has its keys."""
        focused = self.focused
        if focused is not None and focused.id == FIELDS[-1][0]:
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        after_typing(self, self._save_now)

    def _save_now(self) -> None:
        if self.busy:
            return
        self.busy = True
        values = [self.query_one(f"#{field_id}", Input).value for field_id, _, _ in FIELDS]
        set_up = partial(onboarding.set_up_store, by=access.actor_of(self))
        run_db(self.app, set_up, *values, on_done=self._done, on_error=self._failed)

    def action_demo(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.notify(t("welcome.demo_loading"), markup=False)

        by = access.actor_of(self)

        def load() -> str:
            demo.generate(by=by)
            return settings.store_name()

        def loaded(name: str) -> None:
            self.notify(t("welcome.demo_loaded"), markup=False)
            self._done(name)

        run_db(self.app, load, on_done=loaded, on_error=self._failed)

    def _failed(self, error) -> None:
        self.busy = False
        self.notify(str(error), severity="error", markup=False)

    def _done(self, name: str) -> None:
        self.busy = False
        self.dismiss(name)

    def action_skip(self) -> None:
        run_db(self.app, onboarding.skip_welcome)
        self.dismiss(None)

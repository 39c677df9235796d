"""Who is at this terminal? Asked once, at start, when the desk terminal has no ``--as``.

The front desk itself (no name) comes first, so Enter keeps the terminal as it always
was; choosing a name signs in with that staff member's role (``frontdesk.people.roles``): what
they register is recorded as theirs, and their drafts come back to them.

A name that needs a PIN (前台登录密码, ``frontdesk.people.pins``: a manager's or admin's always,
anyone else's once one is set) is taken only with it: the list gives way to a masked
field, the core checks the PIN, counts wrong ones and locks the name at this terminal
after five; Esc goes back to the names. A manager or admin without a PIN is told to ask
the admin for one.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from frontdesk.i18n import t
from frontdesk.people import pins
from frontdesk.people.roles import role_label
from frontdesk.store.models import Staff
from screens import registry
from screens.bindings import translate_bindings
from screens.db import run_db
from screens.widgets import FdFooter

DESK_OPTION = "-desk-"
PIN_MAX_LENGTH = 32  # the core says what a PIN is; this only bounds the typing


class FdPinInput(Input):
    """The PIN, masked: Enter signs in, Esc goes back to the names."""

    BINDINGS = [
        Binding("enter", "submit", "signin.key_pin", id="pin-sign-in"),
        Binding("escape", "back", "signin.key_back", id="pin-back"),
    ]

    class Back(Message):
        """Esc: back to the list of names."""

    def __init__(self, **kwargs) -> None:
        super().__init__(password=True, max_length=PIN_MAX_LENGTH, compact=True, **kwargs)
        translate_bindings(self)

    def action_back(self) -> None:
        self.post_message(self.Back())


@registry.screen(
    section="signin.help",
    order=60,
    holds=("walkin", "phone", "log", "contacts", "statistics", "admin"),  # who first
)
class SignInScreen(Screen[Staff | None]):
    """Dismisses with the staff member chosen, or None for the front desk."""

    BINDINGS = [
        Binding("enter", "choose", "signin.key_choose", show=True, id="sign-in"),
        Binding("escape", "desk", "signin.key_desk", id="desk"),
    ]

    def __init__(self, staff: list[Staff], terminal: str | None = None) -> None:
        """``terminal``: whose wrong PINs count (``pins.this_terminal`` by default)."""
        super().__init__()
        translate_bindings(self)
        self.staff = {member.login: member for member in staff}
        self.terminal = terminal or pins.this_terminal()
        self.pin_member: Staff | None = None  # the name whose PIN is asked, if any
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="sign-in-body", classes="dialog"):
            yield Static(Content.styled(t("signin.title"), "bold"), id="sign-in-title")
            with Vertical(id="sign-in-names"):
                yield Static(Content(t("signin.intro")), id="sign-in-intro")
                options = [Option(Text(t("signin.desk"), style="bold"), id=DESK_OPTION)]
                for member in self.staff.values():
                    label = Text.assemble(  # names are user text: never markup
                        (member.name, "bold"), "  ", role_label(member.role), f"  ({member.login})"
                    )
                    options.append(Option(label, id=member.login))
                yield OptionList(*options, id="sign-in-list")
            with Vertical(id="sign-in-pin"):
                yield Static(id="sign-in-pin-for")
                yield FdPinInput(id="sign-in-pin-input")
            yield Static(id="sign-in-message")
            yield Static(Content(t("signin.pin_hint")), id="sign-in-pin-hint")
        yield FdFooter()

    def on_mount(self) -> None:
        self._show_names()

    # -- the names -------------------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option.id)

    def action_choose(self) -> None:
        options = self.query_one("#sign-in-list", OptionList)
        if options.highlighted is not None:
            self._choose(options.get_option_at_index(options.highlighted).id)

    def _choose(self, login: str | None) -> None:
        if login == DESK_OPTION:
            self.dismiss(None)
            return
        member = self.staff.get(login or "")
        if member is None or self.busy:
            return
        # Read the member again: a PIN may have been set, or they may have left, since start.
        self._in_store(pins.desk_sign_in, member.id, self.terminal, on_done=self._chosen)

    def _chosen(self, step: pins.DeskSignIn) -> None:
        if not step.needs_pin:
            self.dismiss(step.member)
        else:
            self._ask_pin(step)

    def action_desk(self) -> None:
        self.dismiss(None)

    def _show_names(self) -> None:
        self.pin_member = None
        self.query_one("#sign-in-pin").display = False
        self.query_one("#sign-in-pin-hint").display = False
        self.query_one("#sign-in-names").display = True
        self._say("")
        self.query_one("#sign-in-list", OptionList).focus()

    # -- the PIN ---------------------------------------------------------------------------

    def _ask_pin(self, step: pins.DeskSignIn) -> None:
        member = self.pin_member = step.member
        self.query_one("#sign-in-names").display = False
        self.query_one("#sign-in-pin").display = True
        self.query_one("#sign-in-pin-hint").display = True
        asking = t("signin.pin_for", name=member.name, role=role_label(member.role))
        self.query_one("#sign-in-pin-for", Static).update(Content(asking))
        self._say(step.notice)
        field = self.query_one("#sign-in-pin-input", FdPinInput)
        field.value = ""
        field.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        member = self.pin_member
        if member is None or self.busy:
            return
        self._say(t("signin.checking"), error=False)
        self._in_store(pins.check_pin, member.id, event.value, self.terminal, on_done=self.dismiss)

    def on_fd_pin_input_back(self, event: FdPinInput.Back) -> None:
        event.stop()
        if not self.busy:
            self._show_names()

    # -- the store and the message ----------------------------------------------------------

    def _in_store(self, job, *args, on_done) -> None:
        """Run a check of ``frontdesk.people.pins`` on a worker; one at a time, never stuck busy."""
        self.busy = True

        def checked() -> object:
            try:
                return job(*args)
            finally:
                self.app.call_from_thread(self._idle)

        run_db(self, checked, on_done=on_done, on_error=self._refused, group="sign-in")

    def _idle(self) -> None:
        self.busy = False

    def _refused(self, error: Exception) -> None:
        """The core's sentence beside the field; a refused PIN is cleared for the next try."""
        self._say(str(error))
        if self.pin_member is not None:
            self.query_one("#sign-in-pin-input", FdPinInput).value = ""

    def _say(self, message: str, error: bool = True) -> None:
        line = self.query_one("#sign-in-message", Static)
        line.set_class(not error, "-quiet")
        line.update(Content(message))
        line.display = bool(message)

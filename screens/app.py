"""The frontdesk Textual app: one App, the day's log as its home screen.

F2 opens a walk-in registration, F3 a phone call, F4 returns to today's log, F1 shows
every key, Ctrl+P the command palette, Ctrl+Q quits. Commits by other processes (another
terminal, a manager over SSH, the CLI) are noticed through ``PRAGMA data_version`` and
the visible screen reloads itself.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding

from frontdesk import registration
from frontdesk.i18n import t
from frontdesk.models import Staff
from frontdesk.watch import ChangeWatcher
from screens.bindings import translate_bindings
from screens.commands import FrontdeskCommands
from screens.day_log import DayLogScreen
from screens.help import HelpScreen
from screens.registration_form import RegistrationScreen
from screens.welcome import WelcomeScreen
from screens.widgets import FdHeader

WATCH_INTERVAL_S = 0.5


def stylesheet() -> Path:
    """``frontdesk.tcss``: inside the wheel next to this module, or at the repository root."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "frontdesk.tcss", here.parent / "frontdesk.tcss"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError("frontdesk.tcss")


class FrontdeskApp(App[None]):
    """The showroom front desk."""

    CSS_PATH = stylesheet()
    COMMANDS = App.COMMANDS | {FrontdeskCommands}
    BINDINGS = [
        Binding("f1", "help", "key.help", id="help"),
        Binding("f2", "walkin", "key.walkin", id="walkin"),
        Binding("f3", "phone", "key.phone", id="phone"),
        Binding("f4", "log", "key.log", tooltip="help.log_key", id="log"),
        Binding(
            "ctrl+p",
            "command_palette",
            "key.palette",
            tooltip="help.palette",
            priority=True,
            id="palette",
        ),
        Binding("ctrl+q", "quit", "key.quit", priority=True, id="quit"),
    ]

    def __init__(
        self,
        staff: Staff | None = None,
        store_name: str = "",
        show_welcome: bool = False,
        watch_interval: float | None = WATCH_INTERVAL_S,
    ) -> None:
        super().__init__()
        translate_bindings(self)
        self.staff = staff
        self.store_name = store_name
        self.show_welcome = show_welcome
        self.watch_interval = watch_interval
        self.watcher: ChangeWatcher | None = None
        self.title = store_name or t("app.title")

    @property
    def owner(self) -> str:
        """Whose drafts these are: the signed-in staff member's login ("" for the desk)."""
        return self.staff.login if self.staff else ""

    @property
    def staff_name(self) -> str:
        return self.staff.name if self.staff else ""

    def get_default_screen(self) -> DayLogScreen:
        return DayLogScreen()

    def on_mount(self) -> None:
        if self.show_welcome:
            self.push_screen(WelcomeScreen(), self._welcomed)
        if self.watch_interval:
            self.watcher = ChangeWatcher()
            self.set_interval(self.watch_interval, self._poll_changes)

    def on_unmount(self) -> None:
        if self.watcher is not None:
            self.watcher.close()

    def _welcomed(self, store_name: str | None) -> None:
        if store_name:
            self.store_name = store_name
            self.title = store_name
            for screen in self.screen_stack:
                for header in screen.query(FdHeader):
                    header.refresh_clock()
        self.refresh_visible()

    # -- live updates --------------------------------------------------------------------

    def _poll_changes(self) -> None:
        watcher = self.watcher

        def poll() -> None:
            if watcher is not None and watcher.changed():
                self.call_from_thread(self.refresh_visible)

        self.run_worker(poll, thread=True, group="watch", exclusive=True, exit_on_error=False)

    def refresh_visible(self) -> None:
        """Ask the visible screen to reload what it shows, if it shows stored data."""
        refresh = getattr(self.screen, "refresh_data", None)
        if callable(refresh):
            refresh()

    # -- actions -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide the keys that would do nothing where the user is (the footer shows the rest)."""
        hidden = {
            RegistrationScreen: {"walkin", "phone"},
            WelcomeScreen: {"walkin", "phone", "log"},
            DayLogScreen: {"log"},
        }
        return action not in hidden.get(type(self.screen), set())

    def open_registration(
        self,
        kind: str,
        *,
        edit_id: int | None = None,
        edit_version: int = 0,
        initial: registration.RegistrationInput | None = None,
    ) -> None:
        if isinstance(self.screen, RegistrationScreen | WelcomeScreen):
            return
        self.push_screen(
            RegistrationScreen(
                kind,
                owner=self.owner,
                edit_id=edit_id,
                edit_version=edit_version,
                initial=initial,
            )
        )

    def action_walkin(self) -> None:
        self.open_registration("walkin")

    def action_phone(self) -> None:
        self.open_registration("phone")

    def action_log(self) -> None:
        if isinstance(self.screen, RegistrationScreen):
            self.screen.action_cancel()
        elif isinstance(self.screen, HelpScreen):
            self.screen.dismiss()

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
        else:
            self.push_screen(HelpScreen())

    def action_skip(self) -> None:
        """Skip the head of the up rotation (from the command palette)."""
        log = self.screen_stack[0]
        if isinstance(log, DayLogScreen):
            log.action_skip()

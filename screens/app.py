"""The frontdesk Textual app: one App, the day's log as its home screen.

F2 opens a walk-in registration, F3 a phone call, F4 returns to today's log, F5 shows the
showroom statistics, F6 opens the intent-customer contact table, F1 shows every key, Ctrl+P
the command palette, Ctrl+Q quits. Commits by other processes (another terminal, a manager
over SSH, the CLI) are noticed through ``PRAGMA data_version`` and the visible screen
reloads itself.
"""

from __future__ import annotations

import logging
import signal
from concurrent import futures
from concurrent.futures import Future
from pathlib import Path

from rich.text import Text
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import ModalScreen, Screen

from frontdesk import clock, export_folder, rules, store
from frontdesk.desk import registration
from frontdesk.export_folder import ExportPathError
from frontdesk.i18n import t
from frontdesk.people import roles, team
from frontdesk.people.actor import Actor
from frontdesk.store.models import Staff
from frontdesk.store.watch import ChangeWatcher
from screens import access
from screens.admin.administration import AdminScreen
from screens.bindings import translate_bindings
from screens.commands import FrontdeskCommands
from screens.db import start_now
from screens.desk.day_log import DayLogScreen
from screens.desk.registration_form import RegistrationScreen
from screens.desk.welcome import WelcomeScreen
from screens.followup.contacts import ContactsScreen
from screens.followup.customer_card import CustomerScreen
from screens.hangup import HangUp, keep_drafts, pending_drafts
from screens.help import HelpScreen
from screens.sign_in import SignInScreen
from screens.stats.month_sheet import MonthSheetScreen
from screens.stats.statistics import StatisticsScreen
from screens.widgets import FdHeader

WATCH_INTERVAL_S = 0.5
HANGUP_EXIT_STATUS = 128 + signal.SIGHUP
DEACTIVATED_EXIT_STATUS = 3

log = logging.getLogger("frontdesk.screens")
WARM_UP_DELAY_S = 1.0  # after the first frame: start-up does not wait for it
EARLY_LOG_WAIT_S = 0.5  # a store that slow: the log shows first, its rows when they come


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
        Binding("f5", "statistics", "stats.key.open", tooltip="stats.help.open", id="statistics"),
        Binding("f6", "contacts", "contacts.key.open", tooltip="contacts.help.open", id="contacts"),
        Binding("f9", "admin", "admin.key.open", tooltip="admin.help.open", id="admin"),
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
    # What each action needs (frontdesk.people.roles): keys a role may not use are not shown.
    ACTION_RIGHTS = {
        "walkin": roles.REGISTRATION_CREATE,
        "phone": roles.REGISTRATION_CREATE,
        "statistics": roles.STATISTICS_VIEW,
        "contacts": roles.CONTACTS_VIEW,
        "skip": roles.ROTATION_SKIP,
        "duty": roles.ROTATION_SKIP,
        "admin": roles.STAFF_MANAGE,
    }

    def __init__(
        self,
        staff: Staff | None = None,
        store_name: str = "",
        show_welcome: bool = False,
        watch_interval: float | None = WATCH_INTERVAL_S,
        sign_in: list[Staff] | None = None,
    ) -> None:
        """``sign_in``: the staff to choose from at start (a desk terminal signed in as nobody)."""
        super().__init__()
        translate_bindings(self)
        self.staff = staff
        self.store_name = store_name
        self.show_welcome = show_welcome
        self.watch_interval = watch_interval
        self.watcher: ChangeWatcher | None = None
        self._leaving = False  # closing because the signed-in member was deactivated
        self.hang_up = HangUp(self)  # SIGHUP and SIGTERM: keep the drafts, gone within 1 s
        self.sign_in = sign_in or []
        self.title = store_name or t("app.title")
        # Today's log is read while Textual starts, so the first frame can show it.
        self._early_log: Future | None = start_now(DayLogScreen.load)

    @property
    def actor(self) -> Actor:
        """Who acts at this app: the staff member signed in, or the desk."""
        return Actor.signed_in(self.staff)

    @property
    def owner(self) -> str:
        """Whose drafts these are: the signed-in staff member's login ("" for the desk)."""
        return self.actor.login

    @property
    def staff_name(self) -> str:
        return self.staff.name if self.staff else ""

    def get_default_screen(self) -> DayLogScreen:
        """Today's log, with its rows when the early read is done.

        Waited for here, a moment at most, before the first frame: while the UI thread is
        busy the reading thread gets the GIL back only every few milliseconds for each row
        it steps through, so a busy day's rows would arrive after an empty first frame,
        which would then be laid out and painted twice."""
        early, self._early_log = self._early_log, None
        if early is not None:
            futures.wait([early], timeout=EARLY_LOG_WAIT_S)
        return DayLogScreen(early)

    def on_mount(self) -> None:
        if self.show_welcome:
            self.push_screen(WelcomeScreen(), self._welcomed)
        elif self.sign_in:
            self.push_screen(SignInScreen(self.sign_in), self._signed_in)
        self.hang_up.install()
        if self.watch_interval:
            self.watcher = ChangeWatcher()
            self.set_interval(self.watch_interval, self._poll_changes)
        self.set_timer(WARM_UP_DELAY_S, self._warm_up)

    def _warm_up(self) -> None:
        """Import the phone and pinyin libraries off the UI thread, before the form needs them."""
        self.run_worker(rules.warm_up, thread=True, group="warm-up", exit_on_error=False)

    def on_unmount(self) -> None:
        self.hang_up.uninstall()
        if self.watcher is not None:
            self.watcher.close()

    def _signed_in(self, member: Staff | None) -> None:
        """Sign in as ``member`` (None: stay the front desk): their name, keys and drafts."""
        self.staff = member
        for screen in self.screen_stack:
            for header in screen.query(FdHeader):
                header.refresh_clock()
        self.refresh_bindings()
        self.refresh_visible()

    def _keep_drafts(self) -> None:
        """Write every open form's draft now, on this thread: the app is about to close."""
        try:
            keep_drafts(pending_drafts(self), lock_wait_s=None)
        except Exception:  # the store failed: nothing more can be done from here
            log.exception("could not keep the drafts")

    def _hung_up(self) -> None:
        """SIGHUP (an SSH connection dropped, a terminal closed): keep the drafts, then go."""
        self._keep_drafts()
        self.exit(return_code=HANGUP_EXIT_STATUS)

    def _deactivated(self) -> None:
        """The signed-in staff member has left the store (``frontdesk staff deactivate``):
        their drafts are kept, and the app closes with a word on the terminal."""
        if self.staff is None or self._leaving:
            return
        self._leaving = True
        self._keep_drafts()
        self.exit(
            return_code=DEACTIVATED_EXIT_STATUS,
            message=Text(t("app.deactivated", name=self.staff.name)),
        )

    def _welcomed(self, store_name: str | None) -> None:
        if store_name:
            self.store_name = store_name
            self.title = store_name
            for screen in self.screen_stack:
                for header in screen.query(FdHeader):
                    header.refresh_clock()
        self.refresh_visible()

    # -- the screenshot ------------------------------------------------------------------

    def get_system_commands(self, screen: Screen):
        """Textual's commands, with the screenshot named in the user's language."""
        for command in super().get_system_commands(screen):
            if command.title != "Screenshot":  # Textual's own, replaced below
                yield command
        yield SystemCommand(
            t("export_folder.screenshot_command"),
            t("export_folder.screenshot_help"),
            lambda: self.set_timer(0.1, self.deliver_screenshot),  # once the palette is gone
        )

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Over SSH, into the member's export folder under a new name (never the server's home,
        never over a file); at the desk, where Textual puts it."""
        if not export_folder.over_ssh():
            return super().deliver_screenshot(filename, path, time_format)
        name = t("export_folder.screenshot_file", when=f"{clock.now():%Y%m%d-%H%M%S}")
        try:
            folder = export_folder.member_folder(self.owner)
            svg = self.export_screenshot().encode("utf-8")
            written = export_folder.write_new(export_folder.unused(folder, name), svg)
        except (OSError, ExportPathError):
            log.exception("could not save the screenshot")
            self.notify(t("export_folder.screenshot_failed"), severity="error", markup=False)
            return None
        self.notify(t("export_folder.screenshot_saved", path=written.name), markup=False)
        return None

    # -- live updates --------------------------------------------------------------------

    def _poll_changes(self) -> None:
        watcher = self.watcher

        member = self.staff

        def poll() -> None:
            if watcher is None or not watcher.changed():
                return
            if member is not None:
                with store.connection():
                    still_here = team.is_active(member.id)
                if not still_here:
                    self.call_from_thread(self._deactivated)
                    return
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
        if not access.allowed(self, action):
            return False  # the signed-in role may not (frontdesk.people.roles)
        hidden = {
            RegistrationScreen: {"walkin", "phone", "contacts", "statistics"},
            WelcomeScreen: {"walkin", "phone", "log", "contacts", "statistics"},
            DayLogScreen: {"log"},
            ContactsScreen: {"contacts"},
            CustomerScreen: {"contacts"},
            StatisticsScreen: {"statistics"},
            MonthSheetScreen: {"statistics"},
            AdminScreen: {"admin"},
        }
        # Decide by the screen under any dialog: a footer drawn behind a dialog then shows
        # the same keys whenever it happens to refresh.
        base = next(s for s in reversed(self.screen_stack) if not isinstance(s, ModalScreen))
        return action not in hidden.get(type(base), set())

    def open_registration(
        self,
        kind: str,
        *,
        edit_id: int | None = None,
        edit_version: int = 0,
        initial: registration.RegistrationInput | None = None,
    ) -> None:
        if isinstance(self.screen, RegistrationScreen | WelcomeScreen | SignInScreen):
            return
        right = roles.REGISTRATION_UPDATE if edit_id else roles.REGISTRATION_CREATE
        if not access.may(self, right):
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

    def action_contacts(self) -> None:
        """F6: the intent-customer contact table, over today's log."""
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
        while isinstance(self.screen, StatisticsScreen | MonthSheetScreen):
            self.pop_screen()
        if isinstance(self.screen_stack[-1], DayLogScreen):
            self.push_screen(ContactsScreen())

    def action_statistics(self) -> None:
        """F5: the showroom statistics, over today's log (from the contact table too)."""
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
        while isinstance(self.screen, ContactsScreen | CustomerScreen):
            self.pop_screen()
        if isinstance(self.screen_stack[-1], DayLogScreen):
            self.push_screen(StatisticsScreen())

    def action_admin(self) -> None:
        """F9: the admin's screen (staff, SSH keys, settings, code lists), over today's log."""
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
        if isinstance(self.screen_stack[-1], DayLogScreen):
            self.push_screen(AdminScreen())

    def action_log(self) -> None:
        # From the contact table, a customer's card or the statistics (not from a dialog):
        # back to the log.
        while isinstance(
            self.screen,
            ContactsScreen | CustomerScreen | StatisticsScreen | MonthSheetScreen | AdminScreen,
        ):
            self.pop_screen()
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

    def action_duty(self) -> None:
        """Who is on duty today (from the command palette)."""
        log = self.screen_stack[0]
        if isinstance(log, DayLogScreen):
            log.action_duty()

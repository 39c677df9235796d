"""The frontdesk Textual app: one App, the day's log as its home screen.

F2 opens a walk-in registration, F3 a phone call, F4 returns to today's log, F5 shows the
showroom statistics, F6 opens the intent-customer contact table, F7 the manager's reports
(the consultants' daily reports and their sign-off), F1 shows every key, Ctrl+P
the command palette, Ctrl+Q quits; ``keymap.toml`` may give any of them other keys. Commits
by other processes (another terminal, a manager over SSH, the CLI) are noticed through
``PRAGMA data_version`` and the visible screen reloads itself.

The app does not know its screens' classes beyond those it opens: what a screen does (its
place, the keys it holds, its data and its draft) it reads from ``screens.registry``.
"""

from __future__ import annotations

import gc
import logging
import signal
from concurrent import futures
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen
from textual.worker import WorkerState

from frontdesk import clock, export_folder, rules, store
from frontdesk.export_folder import ExportPathError
from frontdesk.i18n import t
from frontdesk.people import roles, team
from frontdesk.people.actor import Actor
from frontdesk.store.models import Staff
from frontdesk.store.watch import Watcher, watcher_for_store
from screens import access, keymap, registry
from screens.bindings import translate_bindings
from screens.commands import CustomerFinder, FdCommandPalette, FrontdeskCommands
from screens.db import busy, start_now
from screens.desk.day_log import DayLogScreen
from screens.hangup import HangUp, keep_drafts, pending_drafts
from screens.widgets import FdHeader

if TYPE_CHECKING:
    from frontdesk.desk import registration

# The first screen is today's log: the other screens (the form, the welcome, the sign-in,
# F1, every place's pages) are imported when first opened, or by ``registry.discover`` in
# the warm-up a second after the first frame (and by ``screens.main.preload`` before an SSH
# server forks its sessions).

WATCH_INTERVAL_S = 0.5
HANGUP_EXIT_STATUS = 128 + signal.SIGHUP
DEACTIVATED_EXIT_STATUS = 3

log = logging.getLogger("frontdesk.screens")
WARM_UP_DELAY_S = 1.0  # after the first frame: start-up does not wait for it
EARLY_LOG_WAIT_S = 0.5  # a store that slow: the log shows first, its rows when they come


def stylesheet(name: str = "frontdesk.tcss") -> Path:
    """``frontdesk.tcss`` (the app and today's log: inside the wheel next to this module,
    or at the repository root) or ``screens.tcss`` (every other screen, beside this module)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / name, here.parent / name):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(name)


SCREENS_STYLESHEET = "screens.tcss"


@registry.screen(section="help.global", order=0)
class FrontdeskApp(App[None]):
    """The showroom front desk."""

    CSS_PATH = stylesheet()
    # The screen's keys and the screenshot, in the user's words; and customers by name.
    COMMANDS = {FrontdeskCommands, CustomerFinder}
    BINDINGS = [
        Binding("f1", "help", "key.help", id="help"),
        Binding("f2", "walkin", "key.walkin", id="walkin"),
        Binding("f3", "phone", "key.phone", id="phone"),
        Binding("f4", "log", "key.log", tooltip="help.log_key", id="log"),
        Binding("f5", "statistics", "stats.key.open", tooltip="stats.help.open", id="statistics"),
        Binding("f6", "contacts", "contacts.key.open", tooltip="contacts.help.open", id="contacts"),
        Binding("f7", "reports", "daily.key.open", tooltip="daily.help.open", id="reports"),
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
        "reports": roles.REPORT_VIEW,
        "admin": roles.STAFF_MANAGE,
    }

    def __init__(
        self,
        staff: Staff | None = None,
        store_name: str = "",
        show_welcome: bool = False,
        watch_interval: float | None = WATCH_INTERVAL_S,
        sign_in: list[Staff] | None = None,
        keymap_file: Path | None = None,
    ) -> None:
        """``sign_in``: the staff to choose from at start (a desk terminal signed in as nobody);
        ``keymap_file``: the user's own keys (``screens.keymap``), if any."""
        super().__init__()
        translate_bindings(self)
        # The user's keys by binding id, as F1 shows them, and the lines of the file left out.
        self.keymap, self.keymap_problems = keymap.load(keymap_file)
        self.staff = staff
        self.store_name = store_name
        self.show_welcome = show_welcome
        self.watch_interval = watch_interval
        self.watcher: Watcher | None = None
        self._refresh_owed = False  # a commit seen while the screen was still loading
        self._leaving = False  # closing because the signed-in member was deactivated
        self.hang_up = HangUp(self)  # SIGHUP and SIGTERM: keep the drafts, gone within 1 s
        self.sign_in = sign_in or []
        self.title = store_name or t("app.title")
        self._screens_styled = False  # screens/screens.tcss added (add_screens_stylesheet)
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
        if self.keymap:
            self.set_keymap(self.keymap)
        for problem in self.keymap_problems:
            self.notify(problem, severity="warning", timeout=10, markup=False)
        if self.show_welcome:
            from screens.desk.welcome import WelcomeScreen

            self.push_screen(WelcomeScreen(), self._welcomed)
        elif self.sign_in:
            from screens.sign_in import SignInScreen

            self.push_screen(SignInScreen(self.sign_in), self._signed_in)
        self.hang_up.install()
        if self.watch_interval:
            self.watcher = watcher_for_store()
            self.set_interval(self.watch_interval, self._poll_changes)
        self.set_timer(WARM_UP_DELAY_S, self._warm_up)

    def _warm_up(self) -> None:
        """Import the phone and pinyin libraries, and the screens the registry has not seen
        yet (F1, F5 and F6 read it), off the UI thread, before they are needed; then freeze
        what start-up made.

        Everything alive by then (modules, the stylesheet, the first screen's widgets) lives
        as long as the app: ``gc.freeze`` moves it out of the collector's generations, so a
        full collection no longer walks it — one took 90–290 ms in the middle of typing
        (``bench/bench_latency.py``), now it walks only what was made since.
        """

        def warm_up() -> None:
            rules.warm_up()
            registry.discover()
            gc.freeze()
            gc.enable()  # off through the terminal's start-up (``screens.main.run_tui``)

        self.add_screens_stylesheet(parse=True)
        self.run_worker(warm_up, thread=True, group="warm-up", exit_on_error=False)

    def add_screens_stylesheet(self, parse: bool = False) -> None:
        """Add the rules of every screen but today's log (``screens/screens.tcss``) to the
        app's stylesheet, once: at start the app reads only the log's (``CSS_PATH``), and
        parses only them before its first frame. ``parse``: now, not when the next widget is
        styled (the warm-up's moment, rather than a key's).

        Only this file is parsed: Textual keeps what it parsed of the others. Its rules style
        none of the log's widgets, which need not be styled again."""
        if not self._screens_styled:
            self._screens_styled = True
            path = stylesheet(SCREENS_STYLESHEET)
            self.stylesheet.add_source(
                path.read_text(encoding="utf-8"), read_from=(str(path), ""), is_default_css=False
            )
        if parse:
            self.stylesheet.rules  # noqa: B018 — the property parses what is new

    def push_screen(self, *args: Any, **kwargs: Any) -> Any:
        """Every screen but the first is pushed: its rules are added first."""
        self.add_screens_stylesheet()
        return super().push_screen(*args, **kwargs)

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

    async def action_quit(self) -> None:
        """Ctrl+Q: keep what every open form has typed as its draft, then close — quitting
        a second after the last key loses nothing; the form offers it back next time."""
        self._keep_drafts()
        self.exit()

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

    # -- the command palette and the screenshot ------------------------------------------

    def action_command_palette(self) -> None:
        """Ctrl+P: the palette, in the user's language (``screens.commands``)."""
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(FdCommandPalette(id="--command-palette"))

    def get_system_commands(self, screen: Screen):
        """The screenshot, named in the user's language, for the palette (``screens.commands``).
        Textual's other commands are left out: its theme, help panel and maximize speak
        English only, and its quit is Ctrl+Q already."""
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
            if watcher is None or not (watcher.changed() or self._refresh_owed):
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
        """Ask the visible screen to reload what it shows, if it shows stored data.

        Not while its last load is still running: with another desk saving every moment,
        each poll would start one more load beside it (a cancelled thread runs to its end),
        and the loads would pile up and starve the keys. The reload is owed instead, and
        the next poll after the screen's loads have finished makes it — those a newer one
        replaced too (F6's search typed on), whose threads still run.
        """
        screen = self.screen
        if not isinstance(screen, registry.ShowsStoredData):
            return
        if self._loading(screen):
            self._refresh_owed = True
            return
        self._refresh_owed = False
        screen.refresh_data()

    def _loading(self, screen: Screen) -> bool:
        """Whether a worker of ``screen`` or of a widget on it is waiting or running, or a
        job of one that was cancelled still runs on its thread."""
        return busy(screen) or any(
            worker.state in (WorkerState.PENDING, WorkerState.RUNNING)
            and screen in worker.node.ancestors_with_self
            for worker in self.workers
        )

    # -- keys ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide the keys that would do nothing where the user is (the footer shows the rest)."""
        if not access.allowed(self, action):
            return False  # the signed-in role may not (frontdesk.people.roles)
        # Decide by the screen under any dialog: a footer drawn behind a dialog then shows
        # the same keys whenever it happens to refresh.
        base = next(s for s in reversed(self.screen_stack) if not s.is_modal)
        return action not in registry.hidden_app_actions(base)

    def on_key(self, event: events.Key) -> None:
        """A key the signed-in role may not use did nothing: say why, in one line."""
        refused = access.refused_key(self.screen, event.key)
        if refused:
            self.notify(refused, severity="warning", markup=False)

    # -- where the user goes -------------------------------------------------------------

    def _on_a_place(self) -> bool:
        """Is the top screen one of the app's places (today's log, F5, F6, F7), not a form or a
        dialog?"""
        entry = registry.entry_of(self.screen)
        return entry is not None and entry.place is not None

    async def _leave_top(self, dialogs_only: bool) -> None:
        """Leave the top screen, if it says how (the help closes, the form cancels)."""
        entry = registry.entry_of(self.screen)
        if entry and entry.leave and (self.screen.is_modal or not dialogs_only):
            await self.run_action(entry.leave, self.screen)

    def _pop_places_but(self, place: str) -> None:
        """Back down to the log through the pages of every place but ``place``."""
        while True:
            entry = registry.entry_of(self.screen)
            if entry is None or entry.place in (None, registry.LOG, place):
                return
            self.pop_screen()

    async def _go_to(self, place: str) -> None:
        """F5, F6: the place's screen over today's log (from another place's pages too)."""
        await self._leave_top(dialogs_only=True)
        self._pop_places_but(place)
        entrance = registry.entrance(place)
        entry = registry.entry_of(self.screen)
        if entrance is not None and entry is not None and entry.place == registry.LOG:
            self.push_screen(entrance())

    def open_registration(
        self,
        kind: str,
        *,
        edit_id: int | None = None,
        edit_version: int = 0,
        initial: registration.RegistrationInput | None = None,
    ) -> None:
        if not self._on_a_place():  # a form, the welcome, the sign-in or a dialog is open
            return
        right = roles.REGISTRATION_UPDATE if edit_id else roles.REGISTRATION_CREATE
        if not access.may(self, right):
            return
        from screens.desk.registration_form import RegistrationScreen

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

    async def action_contacts(self) -> None:
        """F6: the intent-customer contact table, over today's log."""
        await self._go_to(registry.CONTACTS)

    async def action_statistics(self) -> None:
        """F5: the showroom statistics, over today's log (from the contact table too)."""
        await self._go_to(registry.STATISTICS)

    async def action_reports(self) -> None:
        """F7: the manager's reports (a consultant's own daily report), over today's log."""
        await self._go_to(registry.REPORTS)

    async def action_admin(self) -> None:
        """F9: the admin's pages (staff, SSH keys, settings, code lists), over today's log."""
        await self._go_to(registry.ADMIN)

    async def action_log(self) -> None:
        """F4: back to the log from any place's pages; on the form, cancel it (asking first
        when something was typed); on the help, close it."""
        self._pop_places_but(registry.LOG)
        await self._leave_top(dialogs_only=False)

    def action_help(self) -> None:
        """F1: every key (on the help, its own F1 closes it)."""
        from screens.help import HelpScreen

        self.push_screen(HelpScreen())

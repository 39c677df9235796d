"""The ``frontdesk`` command: the TUI when no subcommand is given, else the core CLI."""

from __future__ import annotations

import argparse
import gc

from frontdesk import cli
from frontdesk.desk import onboarding
from frontdesk.people import team
from frontdesk.people.actor import Actor
from frontdesk.store import settings


def run_tui(args: argparse.Namespace, actor: Actor) -> int:
    """Open the app on the store that ``cli.prepare`` opened, as the member ``--as`` named.

    A terminal signed in as nobody (no ``--as``, no ``FRONTDESK_AS``: on the command line,
    the machine's operator) is the front desk, and asks once, at start, who is at it, when
    the store has staff; the front desk (no name) is the first answer.
    """
    # No cyclic garbage collection until the warm-up after the first frame (``FrontdeskApp.
    # _warm_up`` freezes what start-up made, then turns it back on): start-up makes the
    # objects the app lives with, and a full collection walked them all before the first
    # frame (20–35 ms of the start-up's CPU) to find next to nothing.
    gc.disable()
    try:
        return _run_tui(actor)
    finally:
        gc.enable()


def _run_tui(actor: Actor) -> int:
    from frontdesk import config
    from screens import hangup
    from screens.app import FrontdeskApp

    staff = actor.staff

    show_welcome = onboarding.needs_welcome()
    choose_from = [] if staff or show_welcome else team.list_staff(active_only=True)
    app = FrontdeskApp(
        staff=staff,
        store_name=settings.store_name(),
        show_welcome=show_welcome,
        sign_in=choose_from,
        keymap_file=config.resolve_keymap(),
    )
    hangup.remember_terminal()  # to put it back if a hang-up has to end the app at once
    app.run()
    return app.return_code or 0


# What Textual and Rich import only once an app runs on a terminal (found by comparing
# sys.modules before and after a session's first screen).
RUNTIME_MODULES = (
    "textual.drivers.linux_driver",
    "textual.drivers._writer_thread",
    "textual._xterm_parser",
    "textual._keyboard_protocol",
    "textual.layouts.factory",
    "textual.layouts.horizontal",
    "textual.layouts.stream",
    "textual.scrollbar",
    "rich._emoji_codes",
    "tty",
)
# What the screens import only when a key needs it (the palette's customer search), or a
# file (a keymap, a changed catalogue).
LATE_MODULES = ("frontdesk.followup.customer_search", "frontdesk.desk.registration", "tomllib")


def preload() -> None:
    """Import every screen, both catalogues and the phone and pinyin libraries, once.

    The desk's own start-up imports only today's log (each other screen is imported when it
    is first opened); a session must not wait for that, so all of them are loaded here.
    Called by ``frontdesk serve``'s pre-forked process (``frontdesk.ssh.prefork``) before it
    forks the first session's app: each session then starts with all of this in memory,
    shared with the others, instead of spending 0.2 s of CPU loading it again.
    """
    import contextlib
    import importlib

    from rich.cells import cell_len

    from frontdesk import i18n, rules
    from screens import registry

    registry.discover()
    for name in LATE_MODULES:
        importlib.import_module(name)
    for name in RUNTIME_MODULES:
        with contextlib.suppress(ImportError):  # Textual's own names: they may move
            importlib.import_module(name)
    cell_len("宽")  # rich's table of character widths
    for language in i18n.LANGUAGES:
        i18n.catalogue(language)
    rules.warm_up()


def main(argv: list[str] | None = None) -> int:
    return cli.main(argv, tui=run_tui)


if __name__ == "__main__":
    raise SystemExit(main())

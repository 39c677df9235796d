"""The command line: everything the desk does that needs no screen.

``frontdesk [--db PATH_OR_URL] [--store CODE] [--lang zh_CN|en] [--as NAME_OR_LOGIN] COMMAND …``

Every command goes through the same services as the form, with the same validation; a
mistake the user made is one translated sentence on stderr (``field: message`` for each
bad field) and exit status 1, never a traceback. Without a command, ``main`` hands over to
the terminal UI when one is given (the ``screens`` package passes it in: this package, like
all of ``frontdesk``, never imports Textual).

Each area of the business adds its commands from a module of its own (``AREAS``), imported
only for a command it adds (``COMMAND_AREAS``; all of them for ``--help`` or a command
unknown): the terminal UI (no command) starts without any of them.
"""

from __future__ import annotations

import argparse
import importlib
import sqlite3
import sys
from collections.abc import Callable, Sequence

from peewee import DatabaseError, ImproperlyConfigured

from frontdesk import config, i18n, store
from frontdesk.cli.base import Handler, Parser
from frontdesk.errors import FrontdeskError, NotFound, ValidationError
from frontdesk.i18n import t
from frontdesk.people import team
from frontdesk.people.actor import OPERATOR, Actor
from frontdesk.store import failures

PROG = "frontdesk"
AREAS = ("desk", "day", "admin", "codes", "contacts", "review", "stats", "reports", "reconcile",
         "compliance", "targets", "ups", "serve", "doctor", "stores")  # fmt: skip
# The areas that add each command (``export`` and ``report`` gather several): a command
# imports only its own (``tests/test_cli.py`` checks this against what the areas add).
COMMAND_AREAS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("demo", "register", "checkout", "import"), ("desk",)),
    "day": ("day",),
    **dict.fromkeys(("backup", "settings", "staff"), ("admin",)),
    "codes": ("codes",),
    **dict.fromkeys(("close", "contact", "followups", "reassign"), ("contacts",)),
    "export": ("contacts", "review", "stats", "reports", "targets"),
    "report": ("review", "reports", "reconcile", "compliance", "targets", "ups"),
    "review": ("review",),
    "stats": ("stats",),
    "targets": ("targets",),
    "serve": ("serve",),
    "doctor": ("doctor",),
    **dict.fromkeys(("store", "copy-store"), ("stores",)),
}
GLOBAL_OPTIONS = (
    ("--db", "PATH_OR_URL", "cli.opt_db", "db"),
    ("--store", "CODE", "cli.opt_store", "store"),
    ("--lang", "zh_CN|en", "cli.opt_lang", "lang"),
    ("--as", "NAME_OR_LOGIN", "cli.opt_as", "as_staff"),
)


class _NotPlain(Exception):
    """The arguments are more than the global options: the whole parser must read them."""


class _OptionsOnly(argparse.ArgumentParser):
    """The global options alone, refusing anything else (``main``'s short way to the UI)."""

    def error(self, message):
        raise _NotPlain(message)


def _add_global_options(parser: argparse.ArgumentParser) -> None:
    for option, metavar, help_key, dest in GLOBAL_OPTIONS:
        parser.add_argument(option, dest=dest, metavar=metavar, help=t(help_key))


def global_options(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]] | None:
    """``argv`` read for the global options alone: them, and the rest (the command and its
    arguments; none for the terminal UI); None when they are wrong (the whole parser says
    how)."""
    parser = _OptionsOnly(add_help=False, allow_abbrev=False)
    _add_global_options(parser)
    try:
        args, rest = parser.parse_known_args(argv)
    except _NotPlain:
        return None
    args.command = None
    return args, rest


def build_parser(
    areas: Sequence[str] = AREAS,
) -> tuple[argparse.ArgumentParser, dict[str, Handler]]:
    """The parser of the command line (in the language set) and its commands: of every
    area, or of ``areas`` alone (those of the command given)."""
    parser = Parser(prog=PROG, description=t("cli.description"))
    _add_global_options(parser)
    commands = parser.add_subparsers(dest="command", title=t("cli.commands"), metavar="COMMAND")
    handlers: dict[str, Handler] = {}
    for area in (name for name in AREAS if name in areas):  # in their order: the help's
        handlers.update(importlib.import_module(f"frontdesk.cli.{area}").add_commands(commands))
    return parser, handlers


def prepare(args: argparse.Namespace) -> Actor:
    """Set the language, open the store, and find who acts: the member named by ``--as``
    (``FRONTDESK_AS``), by login exactly, else by name; without it, the store machine's
    operator."""
    i18n.set_language(config.resolve_lang(getattr(args, "lang", None)))
    target = config.resolve_db(getattr(args, "db", None))
    if args.command == "copy-store":
        target = args.source
    code = config.resolve_store(getattr(args, "store", None))
    group = args.command == "store"  # the group's stores: the table of stores, no store's rows
    try:
        if args.command == "copy-store":  # its own stores: --from to read, --to to write
            importlib.import_module("frontdesk.cli.stores").open_source(args)
        else:
            store.open_store(target, code, any_store=group)
    except (DatabaseError, sqlite3.Error, ImproperlyConfigured, OSError, RuntimeError) as error:
        failures.log_failure(error, "opening the store", store.shown(target))
        reason = (
            failures.explain_file(error, target)
            if isinstance(error, OSError)
            else failures.explain(error)
        )
        raise FrontdeskError(
            t("cli.open_failed", target=store.shown(target), error=reason)
        ) from None
    name = config.resolve_staff(getattr(args, "as_staff", None))
    if not name:
        return OPERATOR
    member = team.find_staff(name)
    if member is None:  # a person of the group not on this store's staff is told so
        raise NotFound(team.not_here(name))
    if not member.active:
        raise NotFound(t("cli.staff_inactive", name=member.name))
    return Actor.member(member)


def _language_option(argv: Sequence[str]) -> str | None:
    """``--lang`` from the raw arguments, so the help is built in the right language."""
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _report(error: FrontdeskError | DatabaseError | sqlite3.Error | OSError) -> int:
    """Tell the user what went wrong, on stderr; the exit status of a refusal."""
    if isinstance(error, ValidationError):
        for line in error.lines():
            print(line, file=sys.stderr)
    elif isinstance(error, FrontdeskError):
        print(str(error), file=sys.stderr)
    elif (
        isinstance(error, DatabaseError | sqlite3.Error) or failures.kind(error) != failures.UNKNOWN
    ):
        # The store or its disk failed: what happened in the user's words, the raw error
        # in the log (the same sentences as at the desk).
        failures.log_failure(
            error, "running a command", str(getattr(store.database, "database", ""))
        )
        print(failures.explain(error), file=sys.stderr)
    else:  # a file the user named (an export, an import, a backup)
        print(failures.explain_file(error, getattr(error, "filename", None) or ""), file=sys.stderr)
    return 1


def main(
    argv: list[str] | None = None,
    tui: Callable[[argparse.Namespace, Actor], int] | None = None,
) -> int:
    """Run the command line; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    i18n.set_language(config.resolve_lang(_language_option(argv)))
    split = global_options(argv)
    handlers: dict[str, Handler] = {}
    if tui is not None and split is not None and not split[1]:
        args = split[0]  # the terminal UI: no area of the command line is imported
    else:
        command = split[1][0] if split is not None and split[1] else None
        parser, handlers = build_parser(COMMAND_AREAS.get(command or "", AREAS))
        try:
            args = parser.parse_args(argv)
        except SystemExit as done:  # --help, or a usage error already printed
            return done.code if isinstance(done.code, int) else 0 if done.code is None else 2
    if args.command is None and tui is None:
        parser.print_help()
        return 2
    try:
        try:
            actor = prepare(args)
            if args.command is None:
                assert tui is not None  # no command and no terminal UI printed the help above
                return tui(args, actor)
            return handlers[args.command](args, actor)
        finally:
            store.close_store()
    except (FrontdeskError, DatabaseError, sqlite3.Error, OSError) as error:
        return _report(error)
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return 130

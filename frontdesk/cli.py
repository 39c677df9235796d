"""The command line: everything the desk does that needs no screen.

``frontdesk [--db PATH_OR_URL] [--lang zh_CN|en] [--as NAME_OR_LOGIN] COMMAND …``

Every command goes through the same services as the form, with the same validation; a
mistake the user made is one translated sentence on stderr (``field: message`` for each
bad field) and exit status 1, never a traceback. Without a command, ``main`` hands over to
the terminal UI when one is given (the ``screens`` package passes it in: this module, like
all of ``frontdesk``, never imports Textual).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from peewee import DatabaseError, ImproperlyConfigured, SqliteDatabase
from rich.cells import cell_len

from frontdesk import clock, config, demo, i18n, importer, store
from frontdesk import registration as registration_service
from frontdesk import staff as staff_service
from frontdesk.errors import FrontdeskError, NotFound, ValidationError
from frontdesk.i18n import t
from frontdesk.models import Staff, database

PROG = "frontdesk"
TIME_FORMAT = "%Y-%m-%d %H:%M"


class _Formatter(argparse.HelpFormatter):
    """argparse's help, with the "usage:" prefix from the catalogue."""

    def add_usage(self, usage, actions, groups, prefix=None):
        if prefix is None:
            prefix = t("cli.usage")
        return super().add_usage(usage, actions, groups, prefix)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose headings, help option and error line are translated."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("add_help", False)
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = t("cli.positionals")
        self._optionals.title = t("cli.optionals")
        self.add_argument(
            "-h", "--help", action="help", default=argparse.SUPPRESS, help=t("cli.help")
        )

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, t("cli.usage_error", prog=self.prog, message=message) + "\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser of the whole command line, in the language currently set."""
    parser = _Parser(prog=PROG, description=t("cli.description"))
    parser.add_argument("--db", metavar="PATH_OR_URL", help=t("cli.opt_db"))
    parser.add_argument("--lang", metavar="zh_CN|en", help=t("cli.opt_lang"))
    parser.add_argument("--as", dest="as_staff", metavar="NAME_OR_LOGIN", help=t("cli.opt_as"))
    commands = parser.add_subparsers(dest="command", title=t("cli.commands"), metavar="COMMAND")

    demo_parser = commands.add_parser("demo", help=t("cli.cmd_demo"), description=t("cli.cmd_demo"))
    demo_parser.add_argument("--days", type=int, default=30, metavar="N", help=t("cli.demo_days"))
    demo_parser.add_argument("--seed", type=int, default=1, metavar="S", help=t("cli.demo_seed"))

    reg = commands.add_parser(
        "register", help=t("cli.cmd_register"), description=t("cli.cmd_register")
    )
    reg.add_argument("--kind", required=True, metavar="walkin|phone", help=t("cli.reg_kind"))
    reg.add_argument("--at", required=True, metavar='"YYYY-MM-DD HH:MM"', help=t("cli.reg_at"))
    reg.add_argument("--out", metavar='"YYYY-MM-DD HH:MM"|HH:MM', help=t("cli.reg_out"))
    reg.add_argument("--phone", default="", metavar="P", help=t("cli.reg_phone"))
    reg.add_argument("--name", default="", metavar="N", help=t("cli.reg_name"))
    reg.add_argument("--gender", default="", metavar="m|f", help=t("cli.reg_gender"))
    reg.add_argument("--party", default="1", metavar="N", help=t("cli.reg_party"))
    reg.add_argument("--model", default="", metavar="M", help=t("cli.reg_model"))
    reg.add_argument("--colour", default="", metavar="C", help=t("cli.reg_colour"))
    reg.add_argument("--channel", default="", metavar="C", help=t("cli.reg_channel"))
    reg.add_argument("--level", default="", metavar="H|A|B|C|O", help=t("cli.reg_level"))
    reg.add_argument("--consultant", default="", metavar="NAME", help=t("cli.reg_consultant"))
    reg.add_argument("--test-drive", action="store_true", help=t("cli.reg_test_drive"))
    reg.add_argument("--quote", action="store_true", help=t("cli.reg_quote"))
    reg.add_argument("--order", dest="ordered", action="store_true", help=t("cli.reg_order"))
    reg.add_argument("--notes", default="", metavar="TEXT", help=t("cli.reg_notes"))

    out = commands.add_parser(
        "checkout", help=t("cli.cmd_checkout"), description=t("cli.cmd_checkout")
    )
    out.add_argument("id", type=int, metavar="ID", help=t("cli.checkout_id"))
    out.add_argument("--at", metavar='"YYYY-MM-DD HH:MM"|HH:MM', help=t("cli.checkout_at"))

    imp = commands.add_parser("import", help=t("cli.cmd_import"), description=t("cli.cmd_import"))
    imp.add_argument("file", metavar="FILE", help=t("cli.import_file"))

    staff_parser = commands.add_parser(
        "staff", help=t("cli.cmd_staff"), description=t("cli.cmd_staff")
    )
    staff_parser.set_defaults(command_parser=staff_parser)
    staff_commands = staff_parser.add_subparsers(
        dest="staff_command", title=t("cli.commands"), metavar="COMMAND"
    )
    add = staff_commands.add_parser(
        "add", help=t("cli.cmd_staff_add"), description=t("cli.cmd_staff_add")
    )
    add.add_argument("name", metavar="NAME", help=t("cli.staff_name"))
    add.add_argument(
        "--role",
        required=True,
        metavar="receptionist|consultant|manager|admin",
        help=t("cli.staff_role"),
    )
    add.add_argument("--login", metavar="L", help=t("cli.staff_login"))
    staff_commands.add_parser(
        "list", help=t("cli.cmd_staff_list"), description=t("cli.cmd_staff_list")
    )

    backup = commands.add_parser(
        "backup", help=t("cli.cmd_backup"), description=t("cli.cmd_backup")
    )
    backup.add_argument("dest", metavar="DEST", help=t("cli.backup_dest"))
    return parser


def prepare(args: argparse.Namespace) -> Staff | None:
    """Set the language, open the store, and find who this terminal is signed in as."""
    i18n.set_language(config.resolve_lang(getattr(args, "lang", None)))
    target = config.resolve_db(getattr(args, "db", None))
    try:
        store.open_store(target)
    except (DatabaseError, sqlite3.Error, ImproperlyConfigured, OSError, RuntimeError) as error:
        raise FrontdeskError(t("cli.open_failed", target=target, error=error)) from None
    name = config.resolve_staff(getattr(args, "as_staff", None))
    if not name:
        return None
    member = staff_service.find_staff(name)
    if member is None:
        raise NotFound(t("error.no_staff", name=name))
    if not member.active:
        raise NotFound(t("cli.staff_inactive", name=member.name))
    return member


# -- commands ------------------------------------------------------------------------------


def _demo(args: argparse.Namespace, staff: Staff | None) -> int:
    summary = demo.generate(days=args.days, seed=args.seed, by=staff)
    print(summary.line())
    return 0


def _register(args: argparse.Namespace, staff: Staff | None) -> int:
    kind = args.kind.strip()
    data = registration_service.RegistrationInput(
        kind=importer.KIND_VALUES.get(kind.casefold(), kind),
        time_in=args.at,
        time_out=args.out or None,
        phone=args.phone,
        name=args.name,
        gender=args.gender,
        party_size=args.party,
        model=args.model,
        colour=args.colour,
        channel=args.channel,
        level=args.level,
        consultant=args.consultant,
        test_drive=args.test_drive,
        quote=args.quote,
        ordered=args.ordered,
        notes=args.notes,
    )
    registration = registration_service.register(data, by=staff)
    print(registration.id)
    return 0


def _checkout(args: argparse.Namespace, staff: Staff | None) -> int:
    registration = registration_service.checkout(args.id, at=args.at, by=staff)
    print(
        t("cli.checked_out", id=registration.id, time=registration.time_out.strftime(TIME_FORMAT))
    )
    return 0


def _import(args: argparse.Namespace, staff: Staff | None) -> int:
    result = importer.import_file(args.file, by=staff)
    if result.errors:
        print(t("import.failed", count=len(result.errors)), file=sys.stderr)
        for row, field, message in result.errors:
            print(t("import.error_line", row=row, field=field, message=message), file=sys.stderr)
        return 1
    print(t("import.done", count=result.imported))
    return 0


def _role(role: str) -> str:
    label = t(f"cli.role_{role}")
    return role if label == f"cli.role_{role}" else label


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows of text in columns aligned by display width (CJK characters count double)."""
    widths = [max(cell_len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell + " " * (width - cell_len(cell)) for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    ]


def _staff(args: argparse.Namespace, staff: Staff | None) -> int:
    if args.staff_command == "add":
        member = staff_service.add_staff(args.name, args.role, login=args.login, by=staff)
        print(t("cli.staff_added", name=member.name, login=member.login, role=_role(member.role)))
        return 0
    if args.staff_command == "list":
        members = staff_service.list_staff()
        if not members:
            print(t("cli.staff_none"))
            return 0
        yes, no = t("cli.yes"), t("cli.no")
        header = [t(f"cli.col_{key}") for key in ("login", "name", "role", "active", "on_duty")]
        body = [
            [m.login, m.name, _role(m.role), yes if m.active else no, yes if m.on_duty else no]
            for m in members
        ]
        for line in _table([header, *body]):
            print(line)
        return 0
    args.command_parser.print_help(sys.stderr)
    return 2


def _backup(args: argparse.Namespace, staff: Staff | None) -> int:
    source = database.obj
    if not isinstance(source, SqliteDatabase) or source.database == ":memory:":
        raise FrontdeskError(t("cli.backup_sqlite_only"))
    dest = Path(args.dest).expanduser()
    if dest.is_dir():
        dest = dest / f"frontdesk-{clock.now():%Y%m%d-%H%M%S}.db"
    if dest.exists() and dest.resolve() == Path(source.database).expanduser().resolve():
        raise FrontdeskError(t("cli.backup_same", path=dest))
    print(store.backup(dest))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace, Staff | None], int]] = {
    "demo": _demo,
    "register": _register,
    "checkout": _checkout,
    "import": _import,
    "staff": _staff,
    "backup": _backup,
}


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


def _report(error: BaseException) -> int:
    """Tell the user what went wrong, on stderr; the exit status of a refusal."""
    if isinstance(error, ValidationError):
        for field, message in error.errors.items():
            print(f"{field}: {message}", file=sys.stderr)
    elif isinstance(error, FrontdeskError):
        print(str(error), file=sys.stderr)
    elif isinstance(error, DatabaseError | sqlite3.Error):
        print(t("error.database", error=error), file=sys.stderr)
    else:
        print(t("cli.os_error", error=error), file=sys.stderr)
    return 1


def main(
    argv: list[str] | None = None,
    tui: Callable[[argparse.Namespace, Staff | None], int] | None = None,
) -> int:
    """Run the command line; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    i18n.set_language(config.resolve_lang(_language_option(argv)))
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help, or a usage error already printed
        return done.code if isinstance(done.code, int) else 0 if done.code is None else 2
    if args.command is None and tui is None:
        parser.print_help()
        return 2
    try:
        try:
            staff = prepare(args)
            if args.command is None:
                return tui(args, staff)
            return COMMANDS[args.command](args, staff)
        finally:
            store.close_store()
    except (FrontdeskError, DatabaseError, sqlite3.Error, OSError) as error:
        return _report(error)
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return 130

"""What every command-line area shares: the translated parser, aligned tables, time format."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from rich.cells import cell_len

from frontdesk.i18n import t
from frontdesk.people.actor import Actor

TIME_FORMAT = "%Y-%m-%d %H:%M"

Handler = Callable[[argparse.Namespace, Actor], int]
"""A command: the parsed arguments and who acts in (the operator, or ``--as``), the exit
status out."""


class Formatter(argparse.HelpFormatter):
    """argparse's help, with the "usage:" prefix from the catalogue."""

    def add_usage(self, usage, actions, groups, prefix=None):
        if prefix is None:
            prefix = t("cli.usage")
        return super().add_usage(usage, actions, groups, prefix)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose headings, help option and error line are translated."""

    # Set on the ``export`` command's parser alone: its sub-commands (``export_subparsers``).
    export_commands: argparse._SubParsersAction[Parser]
    report_commands: argparse._SubParsersAction[Parser]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", Formatter)
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


def add_command(commands, name: str, help_key: str) -> Parser:
    """A subcommand whose one-line help and description are the same catalogue entry (a
    ``Parser`` too: sub-commands are made by the class of the parser above them)."""
    return commands.add_parser(name, help=t(help_key), description=t(help_key))


def add_command_group(commands, name: str, help_key: str, dest: str):
    """A subcommand with sub-commands of its own (``staff add``…); returns (it, them).

    The parser is also set as ``<dest>_parser`` on the arguments, to print its help when
    no sub-command is given."""
    parser = add_command(commands, name, help_key)
    parser.set_defaults(**{f"{dest}_parser": parser})
    group = parser.add_subparsers(dest=dest, title=t("cli.commands"), metavar="COMMAND")
    return parser, group


EXPORT = "export"


def export_subparsers(
    commands: argparse._SubParsersAction[Parser],
) -> argparse._SubParsersAction[Parser]:
    """The sub-commands of ``export`` (``export stats``, ``export contacts``, …), made once.

    Several areas write files: the first to ask creates the ``export`` command, each adds
    its own sub-command to what this returns and sets ``export_handler`` on it with
    ``set_defaults``; the area's handlers map ``EXPORT`` to ``run_export``, which calls it.
    """
    parser = commands.choices.get(EXPORT)
    if parser is None:
        parser = add_command(commands, EXPORT, "cli_export.cmd")
        parser.export_commands = parser.add_subparsers(
            dest="export_what", title=t("cli_export.what"), metavar="WHAT", required=True
        )
    return parser.export_commands


def run_export(args: argparse.Namespace, actor: Actor) -> int:
    """The ``export`` command: run the sub-command's own handler."""
    return args.export_handler(args, actor)


REPORT = "report"


def report_subparsers(
    commands: argparse._SubParsersAction[Parser],
) -> argparse._SubParsersAction[Parser]:
    """The sub-commands of ``report`` (``report daily``, ``report reconcile``, …), made once,
    as ``export_subparsers`` makes those of ``export``: each adds its own and sets
    ``report_handler`` on it with ``set_defaults``; the area maps ``REPORT`` to
    ``run_report``."""
    parser = commands.choices.get(REPORT)
    if parser is None:
        parser = add_command(commands, REPORT, "cli_report.cmd")
        parser.report_commands = parser.add_subparsers(
            dest="report_what", title=t("cli_report.what"), metavar="WHAT", required=True
        )
    return parser.report_commands


def run_report(args: argparse.Namespace, actor: Actor) -> int:
    """The ``report`` command: run the sub-command's own handler."""
    return args.report_handler(args, actor)


def role_label(role: str) -> str:
    label = t(f"cli.role_{role}")
    return role if label == f"cli.role_{role}" else label


def table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows of text in columns aligned by display width (CJK characters count double)."""
    widths = [max(cell_len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell + " " * (width - cell_len(cell)) for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    ]

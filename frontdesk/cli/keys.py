"""``frontdesk staff key add|list|remove``: the SSH keys staff sign in with."""

from __future__ import annotations

import argparse
import sys

from frontdesk.cli.base import TIME_FORMAT, add_command, add_command_group, table
from frontdesk.i18n import t
from frontdesk.people import keys
from frontdesk.people.actor import Actor


def add_commands(staff_commands) -> None:
    """Add ``key`` and its sub-commands under ``staff``."""
    _, key_commands = add_command_group(staff_commands, "key", "cli_keys.cmd", "key_command")
    add = add_command(key_commands, "add", "cli_keys.cmd_add")
    add.add_argument("name", metavar="NAME", help=t("cli_keys.name"))
    add.add_argument("keyfile", metavar="KEYFILE", help=t("cli_keys.keyfile"))
    listing = add_command(key_commands, "list", "cli_keys.cmd_list")
    listing.add_argument("name", nargs="?", metavar="NAME", help=t("cli_keys.name_optional"))
    remove = add_command(key_commands, "remove", "cli_keys.cmd_remove")
    remove.add_argument("name", metavar="NAME", help=t("cli_keys.name"))
    remove.add_argument("which", metavar="ID|FINGERPRINT", help=t("cli_keys.which"))


def run(args: argparse.Namespace, actor: Actor) -> int:
    if args.key_command == "add":
        row = keys.add_key(args.name, args.keyfile, by=actor)
        print(
            t(
                "cli_keys.added",
                name=row.staff.name,
                login=row.staff.login,
                fingerprint=row.fingerprint,
                id=row.id,
            )
        )
        return 0
    if args.key_command == "list":
        rows = keys.list_keys(args.name, by=actor)
        if not rows:
            print(t("cli_keys.none"))
            return 0
        header = [
            t(f"cli_keys.col_{key}") for key in ("id", "login", "name", "key", "added", "used")
        ]
        body = [
            [
                str(row.id),
                row.staff.login,
                row.staff.name,
                f"{row.fingerprint} {row.algorithm} {row.comment}".rstrip(),
                row.created_at.strftime(TIME_FORMAT),
                row.last_used_at.strftime(TIME_FORMAT) if row.last_used_at else "—",
            ]
            for row in rows
        ]
        for line in table([header, *body]):
            print(line)
        return 0
    if args.key_command == "remove":
        row = keys.remove_key(args.name, args.which, by=actor)
        print(t("cli_keys.removed", fingerprint=row.fingerprint, name=row.staff.name))
        return 0
    args.key_command_parser.print_help(sys.stderr)
    return 2

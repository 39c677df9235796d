"""Command-line commands of a dealer group's stores: ``store add``, ``store list``."""

from __future__ import annotations

import argparse
import sys

from frontdesk.cli.base import Handler, add_command, add_command_group, table
from frontdesk.i18n import t
from frontdesk.people.actor import Actor
from frontdesk.store import stores


def add_commands(commands) -> dict[str, Handler]:
    _, store_commands = add_command_group(commands, "store", "stores.cmd", "store_command")
    add = add_command(store_commands, "add", "stores.cmd_add")
    add.add_argument("code", metavar="CODE", help=t("stores.code"))
    add.add_argument("--name", required=True, metavar="NAME", help=t("stores.name"))
    add_command(store_commands, "list", "stores.cmd_list")
    return {"store": _store}


def _store(args: argparse.Namespace, actor: Actor) -> int:
    if args.store_command == "add":
        added = stores.add_store(args.code, args.name, by=actor)
        print(t("stores.added", code=added.code, name=added.name))
        return 0
    if args.store_command == "list":
        rows = stores.list_stores(by=actor)
        if not rows:
            print(t("stores.none"))
            return 0
        header = [t(f"stores.col_{key}") for key in ("code", "name", "registrations")]
        body = [
            [("* " if row.current else "  ") + row.code, row.name, str(row.registrations)]
            for row in rows
        ]
        for line in table([header, *body]):
            print(line)
        return 0
    args.store_command_parser.print_help(sys.stderr)
    return 2

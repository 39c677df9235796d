"""``frontdesk codes list|add|rename|retire|restore|reset KIND …``: the store's code lists
(代码表), and with ``--group`` the group's (集团代码表).

The same services as the admin screen (``frontdesk.store.codes``): an admin's commands for
the store's lists, a group manager's for the group's, refused to everyone else.
"""

from __future__ import annotations

import argparse

from frontdesk.cli.base import Handler, add_command, add_command_group, table
from frontdesk.i18n import t
from frontdesk.people.actor import Actor
from frontdesk.store import codes

KIND_METAVAR = "|".join(codes.KINDS)


def add_commands(commands) -> dict[str, Handler]:
    _, code_commands = add_command_group(commands, "codes", "codes.cli.cmd", "codes_command")
    listing = add_command(code_commands, "list", "codes.cli.cmd_list")
    listing.add_argument("kind", nargs="?", metavar=KIND_METAVAR, help=t("codes.cli.kind_optional"))
    add = add_command(code_commands, "add", "codes.cli.cmd_add")
    add.add_argument("kind", metavar=KIND_METAVAR, help=t("codes.cli.kind"))
    add.add_argument("names", nargs="+", metavar="NAME", help=t("codes.cli.names"))
    rename = add_command(code_commands, "rename", "codes.cli.cmd_rename")
    rename.add_argument("kind", metavar=KIND_METAVAR, help=t("codes.cli.kind"))
    rename.add_argument("old", metavar="OLD", help=t("codes.cli.old"))
    rename.add_argument("new", metavar="NEW", help=t("codes.cli.new"))
    changes = [listing, add, rename]
    for command in ("retire", "restore"):
        change = add_command(code_commands, command, f"codes.cli.cmd_{command}")
        change.add_argument("kind", metavar=KIND_METAVAR, help=t("codes.cli.kind"))
        change.add_argument("name", metavar="NAME", help=t("codes.cli.name"))
        changes.append(change)
    for parser in changes:
        parser.add_argument("--group", action="store_true", help=t("codes.cli.opt_group"))
    reset = add_command(code_commands, "reset", "codes.cli.cmd_reset")
    reset.add_argument("kind", metavar=KIND_METAVAR, help=t("codes.cli.kind"))
    return {"codes": _codes}


def _codes(args: argparse.Namespace, actor: Actor) -> int:
    """``frontdesk codes`` alone is ``codes list``."""
    command = args.codes_command or "list"
    group = getattr(args, "group", False)
    whose = t("codes.cli.of_group") if group else ""  # said before a change of the group's
    if command == "add":
        for name in args.names:
            row, restored = codes.add_code(args.kind, name, by=actor, group=group)
            message = "codes.cli.restored" if restored else "codes.cli.added"
            print(whose + t(message, kind=codes.kind_label(row.kind), name=row.name))
        return 0
    if command == "rename":
        row, rows = codes.rename_code(args.kind, args.old, args.new, by=actor, group=group)
        kind = codes.kind_label(row.kind)
        print(t("codes.cli.renamed", kind=kind, before=args.old.strip(), after=row.name, rows=rows))
        return 0
    if command in ("retire", "restore"):
        change = codes.retire_code if command == "retire" else codes.restore_code
        row = change(args.kind, args.name, by=actor, group=group)
        print(whose + t(f"codes.cli.{command}d", kind=codes.kind_label(row.kind), name=row.name))
        return 0
    if command == "reset":
        dropped = codes.reset_list(args.kind, by=actor)
        print(t("codes.cli.reset", kind=codes.kind_label(args.kind), names=dropped))
        return 0
    found = codes.list_codes(getattr(args, "kind", None), by=actor, group=group)
    if not found:
        print(t("codes.cli.none"))
        return 0
    header = [t(f"codes.cli.col_{key}") for key in ("kind", "name", "state", "uses", "source")]
    body = [
        [
            codes.kind_label(code.kind),
            code.name,
            t("codes.active") if code.active else t("codes.retired"),
            str(code.uses),
            t(f"settings.source.{code.source}"),
        ]
        for code in found
    ]
    for line in table([header, *body]):
        print(line)
    return 0

"""Command-line commands of the admin: staff, settings and backups."""

from __future__ import annotations

import argparse
import sys

from frontdesk import rules
from frontdesk.cli import keys as staff_keys
from frontdesk.cli import pins as staff_pins
from frontdesk.cli.base import Handler, add_command, add_command_group, role_label, table
from frontdesk.i18n import t
from frontdesk.people import roles, team
from frontdesk.people.actor import Actor
from frontdesk.store import backups, layers, settings

ROLES = "|".join(rules.ROLES)


def add_commands(commands) -> dict[str, Handler]:
    _, staff_commands = add_command_group(commands, "staff", "cli.cmd_staff", "staff_command")
    add = add_command(staff_commands, "add", "cli.cmd_staff_add")
    add.add_argument("name", metavar="NAME", help=t("cli.staff_name"))
    add.add_argument(
        "--role",
        required=True,
        metavar=ROLES,
        help=t("cli.staff_role"),
    )
    add.add_argument("--login", metavar="L", help=t("cli.staff_login"))
    join = add_command(staff_commands, "join", "cli.cmd_staff_join")
    join.add_argument("login", metavar="LOGIN", help=t("cli.staff_join_login"))
    join.add_argument("--role", required=True, metavar=ROLES, help=t("cli.staff_role"))
    add_command(staff_commands, "list", "cli.cmd_staff_list")
    role = add_command(staff_commands, "role", "cli.cmd_staff_role")
    role.add_argument("name", metavar="NAME", help=t("cli.staff_name_or_login"))
    role.add_argument("role", metavar=ROLES, help=t("cli.staff_role"))
    for command in ("deactivate", "reactivate"):
        change = add_command(staff_commands, command, f"cli.cmd_staff_{command}")
        change.add_argument("name", metavar="NAME", help=t("cli.staff_name_or_login"))
    staff_keys.add_commands(staff_commands)
    staff_pins.add_commands(staff_commands)

    backup = add_command(commands, "backup", "cli.cmd_backup")
    backup.add_argument("dest", metavar="DEST", help=t("cli.backup_dest"))

    _, settings_commands = add_command_group(
        commands, "settings", "settings.cmd", "settings_command"
    )
    listing = add_command(settings_commands, "list", "settings.cmd_list")
    change = add_command(settings_commands, "set", "settings.cmd_set")
    change.add_argument("key", metavar="KEY", help=t("settings.key"))
    change.add_argument("value", metavar="VALUE", help=t("settings.value"))
    reset = add_command(settings_commands, "reset", "settings.cmd_reset")
    reset.add_argument("key", metavar="KEY", help=t("settings.key"))
    for parser in (listing, change, reset):
        parser.add_argument("--group", action="store_true", help=t("settings.opt_group"))
    return {"staff": _staff, "backup": _backup, "settings": _settings}


def _settings(args: argparse.Namespace, actor: Actor) -> int:
    """``frontdesk settings [list]``: the store's settings and where each value comes from
    (the store, the group, the program); ``… set KEY VALUE``, ``… reset KEY``: a change;
    ``--group``: the group's defaults."""
    group = getattr(args, "group", False)
    if args.settings_command in ("set", "reset"):
        value = args.value if args.settings_command == "set" else None
        now = settings.change(args.key, value, by=actor, group=group)
        message = "settings.changed_group" if group else "settings.changed"
        print(t(message, key=args.key, value=now))
        return 0
    if group:
        roles.require(actor, roles.GROUP_DEFAULTS)
        header = [t(f"settings.col_{key}") for key in ("key", "group_value", "default", "about")]
        body = [
            [
                held.entry.key,
                held.value if held.source == layers.GROUP else "—",
                held.entry.default or "—",
                held.entry.description,
            ]
            for held in settings.group_defaults()
        ]
    else:
        roles.require(actor, roles.SETTINGS_MANAGE)
        header = [
            t(f"settings.col_{key}") for key in ("key", "value", "source", "default", "about")
        ]
        body = [
            [
                held.entry.key,
                held.value or "—",
                t(f"settings.source.{held.source}"),
                held.entry.default or "—",
                held.entry.description,
            ]
            for held in settings.holding()
        ]
    for line in table([header, *body]):
        print(line)
    return 0


def _staff(args: argparse.Namespace, actor: Actor) -> int:
    if args.staff_command == "key":
        return staff_keys.run(args, actor)
    if args.staff_command == "pin":
        return staff_pins.run(args, actor)
    if args.staff_command == "add":
        member = team.add_staff(args.name, args.role, login=args.login, by=actor)
        print(
            t("cli.staff_added", name=member.name, login=member.login, role=role_label(member.role))
        )
        return 0
    if args.staff_command == "join":
        member = team.add_to_store(args.login, args.role, by=actor)
        role = role_label(member.role)
        print(t("cli.staff_joined", name=member.name, login=member.login, role=role))
        return 0
    if args.staff_command == "role":
        member, still_open = team.set_role(args.name, args.role, by=actor)
        role = role_label(member.role)
        print(t("cli.staff_role_changed", name=member.name, login=member.login, role=role))
        if still_open:
            name, login = member.name, member.login
            print(t("cli.staff_customers_left", name=name, login=login, count=still_open))
        return 0
    if args.staff_command in ("deactivate", "reactivate"):
        active = args.staff_command == "reactivate"
        member, still_open = team.set_active(args.name, active, by=actor)
        print(t(f"cli.staff_{args.staff_command}d", name=member.name, login=member.login))
        if not active and still_open:
            name, login = member.name, member.login
            print(t("cli.staff_customers_left", name=name, login=login, count=still_open))
        return 0
    if args.staff_command == "list":
        roles.require(actor, roles.STAFF_MANAGE)
        members = team.list_staff()
        if not members:
            print(t("cli.staff_none"))
            return 0
        yes, no = t("cli.yes"), t("cli.no")
        header = [t(f"cli.col_{key}") for key in ("login", "name", "role", "active", "on_duty")]
        body = [
            [m.login, m.name, role_label(m.role), yes if m.active else no, yes if m.on_duty else no]
            for m in members
        ]
        for line in table([header, *body]):
            print(line)
        return 0
    args.staff_command_parser.print_help(sys.stderr)
    return 2


def _backup(args: argparse.Namespace, actor: Actor) -> int:
    from frontdesk.store import doctor

    dest = backups.backup(args.dest, by=actor)
    doctor.record_backup(dest)  # ``frontdesk doctor`` reports the last backup
    print(dest)
    return 0

"""Command-line commands of the admin: staff and backups."""

from __future__ import annotations

import argparse
import sys

from frontdesk import staff as staff_service
from frontdesk import store
from frontdesk.cli import keys as staff_keys
from frontdesk.cli.base import Handler, add_command, role_label, table
from frontdesk.i18n import t
from frontdesk.models import Staff


def add_commands(commands) -> dict[str, Handler]:
    staff_parser = add_command(commands, "staff", "cli.cmd_staff")
    staff_parser.set_defaults(command_parser=staff_parser)
    staff_commands = staff_parser.add_subparsers(
        dest="staff_command", title=t("cli.commands"), metavar="COMMAND"
    )
    add = add_command(staff_commands, "add", "cli.cmd_staff_add")
    add.add_argument("name", metavar="NAME", help=t("cli.staff_name"))
    add.add_argument(
        "--role",
        required=True,
        metavar="receptionist|consultant|manager|admin",
        help=t("cli.staff_role"),
    )
    add.add_argument("--login", metavar="L", help=t("cli.staff_login"))
    add_command(staff_commands, "list", "cli.cmd_staff_list")
    for command in ("deactivate", "reactivate"):
        change = add_command(staff_commands, command, f"cli.cmd_staff_{command}")
        change.add_argument("name", metavar="NAME", help=t("cli.staff_name_or_login"))
    staff_keys.add_commands(staff_commands)

    backup = add_command(commands, "backup", "cli.cmd_backup")
    backup.add_argument("dest", metavar="DEST", help=t("cli.backup_dest"))
    return {"staff": _staff, "backup": _backup}


def _staff(args: argparse.Namespace, staff: Staff | None) -> int:
    if args.staff_command == "key":
        return staff_keys.run(args, staff)
    if args.staff_command == "add":
        member = staff_service.add_staff(args.name, args.role, login=args.login, by=staff)
        print(
            t("cli.staff_added", name=member.name, login=member.login, role=role_label(member.role))
        )
        return 0
    if args.staff_command in ("deactivate", "reactivate"):
        active = args.staff_command == "reactivate"
        member, still_open = staff_service.set_active(args.name, active, by=staff)
        print(t(f"cli.staff_{args.staff_command}d", name=member.name, login=member.login))
        if not active and still_open:
            name, login = member.name, member.login
            print(t("cli.staff_customers_left", name=name, login=login, count=still_open))
        return 0
    if args.staff_command == "list":
        members = staff_service.list_staff()
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
    args.command_parser.print_help(sys.stderr)
    return 2


def _backup(args: argparse.Namespace, staff: Staff | None) -> int:
    from frontdesk import doctor

    dest = store.backup(args.dest)
    doctor.record_backup(dest)  # ``frontdesk doctor`` reports the last backup
    print(dest)
    return 0

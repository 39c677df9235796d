"""``frontdesk staff pin NAME [--clear]``: the PIN a staff member signs in with at the desk.

On a terminal the PIN is asked twice and never shown (``getpass``); from a script or a test
it is the first line of standard input.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from frontdesk.cli.base import add_command, role_label
from frontdesk.errors import ValidationError
from frontdesk.i18n import t
from frontdesk.people import pins
from frontdesk.people.actor import Actor
from frontdesk.store.models import Staff


def add_commands(staff_commands) -> None:
    """Add ``pin`` under ``staff``."""
    pin = add_command(staff_commands, "pin", "pin.cmd")
    pin.add_argument("name", metavar="NAME", help=t("pin.name"))
    pin.add_argument("--clear", action="store_true", help=t("pin.clear"))


def read_pin(member: Staff) -> str:
    """The new PIN: typed twice without echo on a terminal, else one line of stdin."""
    if sys.stdin is not None and sys.stdin.isatty():
        try:
            first = getpass.getpass(t("pin.prompt", name=member.name))
            again = getpass.getpass(t("pin.again"))
        except EOFError:  # Ctrl+D: no PIN
            first = again = ""
        if again != first:
            raise ValidationError({pins.FIELD: t("pin.mismatch")})
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.rstrip("\r\n")


def run(args: argparse.Namespace, actor: Actor) -> int:
    member = pins.holder(args.name, by=actor)  # refused before any PIN is asked
    if args.clear:
        member = pins.clear_pin(member, by=actor)
        print(t("pin.cleared", name=member.name, login=member.login))
        if member.role in pins.PIN_ROLES:
            print(t("pin.cleared_needed", name=member.name, role=role_label(member.role)))
        return 0
    member = pins.set_pin(member, read_pin(member), by=actor)
    print(t("pin.set_done", name=member.name, login=member.login))
    return 0

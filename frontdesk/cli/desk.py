"""Command-line commands of the front desk: demo data, registrations, departures, import."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from frontdesk.cli.base import TIME_FORMAT, Handler, add_command
from frontdesk.desk import demo, fields, importer
from frontdesk.desk import registration as registration_service
from frontdesk.i18n import t
from frontdesk.people.actor import Actor


def add_commands(commands) -> dict[str, Handler]:
    demo_parser = add_command(commands, "demo", "cli.cmd_demo")
    demo_parser.add_argument("--days", type=int, default=30, metavar="N", help=t("cli.demo_days"))
    demo_parser.add_argument("--seed", type=int, default=1, metavar="S", help=t("cli.demo_seed"))

    reg = add_command(commands, "register", "cli.cmd_register")
    for field in fields.FIELDS:  # an option per field of the table, in its order
        option = field.option
        if option is None:
            continue
        # Not given: not set, so the input takes the field's default.
        named: dict[str, Any] = {
            "dest": field.name,
            "default": argparse.SUPPRESS,
            "help": t(option.help),
        }
        if field.type is fields.ValueType.YES_NO:
            reg.add_argument(option.flag, action="store_true", **named)
        else:
            reg.add_argument(option.flag, required=field.required, metavar=option.metavar, **named)

    out = add_command(commands, "checkout", "cli.cmd_checkout")
    out.add_argument("id", type=int, metavar="ID", help=t("cli.checkout_id"))
    out.add_argument("--at", metavar='"YYYY-MM-DD HH:MM"|HH:MM', help=t("cli.checkout_at"))

    imp = add_command(commands, "import", "cli.cmd_import")
    imp.add_argument("file", metavar="FILE", help=t("cli.import_file"))

    return {"demo": _demo, "register": _register, "checkout": _checkout, "import": _import}


def _demo(args: argparse.Namespace, actor: Actor) -> int:
    summary = demo.generate(days=args.days, seed=args.seed, by=actor)
    print(summary.line())
    return 0


def _register(args: argparse.Namespace, actor: Actor) -> int:
    given = {field.name: getattr(args, field.name) for field in fields.FIELDS if field.name in args}
    kind = given["kind"].strip()
    given["kind"] = importer.KIND_VALUES.get(kind.casefold(), kind)
    registration = registration_service.register(
        registration_service.RegistrationInput(**given), by=actor
    )
    print(registration.id)
    return 0


def _checkout(args: argparse.Namespace, actor: Actor) -> int:
    registration = registration_service.checkout(args.id, at=args.at, by=actor)
    left = registration.time_out
    assert left is not None  # a checkout stamps the time out, or raises
    print(t("cli.checked_out", id=registration.id, time=left.strftime(TIME_FORMAT)))
    return 0


def _import(args: argparse.Namespace, actor: Actor) -> int:
    result = importer.import_file(args.file, by=actor)
    stored = result.resumed + result.imported
    if result.errors:
        if stored:  # parts stored before the store's lists changed under the import
            print(t("import.failed_part", count=result.error_count, stored=stored), file=sys.stderr)
        else:
            print(t("import.failed", count=result.error_count), file=sys.stderr)
        for line in result.report_lines():
            print(line, file=sys.stderr)
        return 1
    if result.resumed:
        print(t("import.done_resumed", count=result.imported, resumed=result.resumed))
    else:
        print(t("import.done", count=result.imported))
    return 0

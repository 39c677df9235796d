"""Command-line commands of the front desk: demo data, registrations, departures, import."""

from __future__ import annotations

import argparse
import sys

from frontdesk.cli.base import TIME_FORMAT, Handler, add_command
from frontdesk.desk import demo, importer
from frontdesk.desk import registration as registration_service
from frontdesk.i18n import t
from frontdesk.people.actor import Actor


def add_commands(commands) -> dict[str, Handler]:
    demo_parser = add_command(commands, "demo", "cli.cmd_demo")
    demo_parser.add_argument("--days", type=int, default=30, metavar="N", help=t("cli.demo_days"))
    demo_parser.add_argument("--seed", type=int, default=1, metavar="S", help=t("cli.demo_seed"))

    reg = add_command(commands, "register", "cli.cmd_register")
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
    registration = registration_service.register(data, by=actor)
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
    if result.errors:
        print(t("import.failed", count=result.error_count), file=sys.stderr)
        for line in result.report_lines():
            print(line, file=sys.stderr)
        return 1
    print(t("import.done", count=result.imported))
    return 0

"""Command-line report of the ups against the hours on duty (接待统计): ``report ups``."""

from __future__ import annotations

import argparse
import json

from frontdesk import bounds
from frontdesk.cli.base import REPORT, Handler, report_subparsers, run_report, table
from frontdesk.errors import ValidationError
from frontdesk.i18n import t
from frontdesk.people import team
from frontdesk.people.actor import Actor
from frontdesk.reports import ups


def add_commands(commands) -> dict[str, Handler]:
    report = report_subparsers(commands).add_parser(
        "ups", help=t("ups.cli.cmd"), description=t("ups.cli.cmd")
    )
    period = report.add_mutually_exclusive_group(required=True)
    period.add_argument("--month", metavar="YYYY-MM", help=t("ups.cli.month"))
    period.add_argument("--date", metavar="YYYY-MM-DD", help=t("ups.cli.date"))
    report.add_argument("--consultant", metavar="NAME", help=t("ups.cli.consultant"))
    report.add_argument("--json", action="store_true", help=t("ups.cli.json"))
    report.set_defaults(report_handler=_ups)
    return {REPORT: run_report}


def _ups(args: argparse.Namespace, actor: Actor) -> int:
    consultant_id = team.require_staff(args.consultant).id if args.consultant else None
    if args.month:
        result = ups.month_ups(
            bounds.parse_month(args.month), by=actor, consultant_id=consultant_id
        )
    elif args.date:
        result = ups.day_ups(bounds.parse_day(args.date), by=actor, consultant_id=consultant_id)
    else:  # argparse requires one of the two
        raise ValidationError({"month": t("ups.cli.month")})
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(lines(result)))
    return 0


def lines(result: ups.UpsReport) -> list[str]:
    """The report as text: a line per consultant and the total, then the skips."""
    out = [ups.title(result), ""]
    if not result.lines:
        return [*out, t("ups.none")]
    out += table([ups.header(), *ups.figure_rows(result)])
    out += ["", t("ups.skips")]
    if result.skips:
        out += table([ups.skip_header(), *ups.skip_rows(result)])
    else:
        out.append(t("ups.no_skips"))
    return out

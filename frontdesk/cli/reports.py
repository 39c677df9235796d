"""Command-line commands of the consultant's daily report (营业日报表): read it (as text or
JSON), sign it with the manager's instructions, list the unsigned, export it as the form."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from frontdesk import bounds, clock
from frontdesk.cli.base import (
    EXPORT,
    REPORT,
    Handler,
    add_command,
    export_subparsers,
    report_subparsers,
    run_export,
    run_report,
    table,
)
from frontdesk.errors import ValidationError
from frontdesk.i18n import t
from frontdesk.people import team
from frontdesk.people.actor import Actor
from frontdesk.reports import daily_export, daily_report, daily_signoff
from frontdesk.reports import daily_layout as layout


def add_commands(commands) -> dict[str, Handler]:
    reports = report_subparsers(commands)
    daily = add_command(reports, "daily", "daily.cli.cmd_daily")
    _whose(daily)
    daily.add_argument("--json", action="store_true", help=t("daily.cli.json"))
    daily.set_defaults(report_handler=_daily)

    sign = add_command(reports, "sign", "daily.cli.cmd_sign")
    _whose(sign)
    sign.add_argument(
        "--instructions", default="", metavar="TEXT", help=t("daily.cli.instructions")
    )
    sign.set_defaults(report_handler=_sign)

    waiting = add_command(reports, "unsigned", "daily.cli.cmd_unsigned")
    waiting.add_argument("--json", action="store_true", help=t("daily.cli.json"))
    waiting.set_defaults(report_handler=_unsigned)

    export = add_command(export_subparsers(commands), "daily", "daily.cli.cmd_export")
    _whose(export)
    export.add_argument("--out", required=True, metavar="FILE.xlsx", help=t("daily.cli.out"))
    export.set_defaults(export_handler=_export)
    return {REPORT: run_report, EXPORT: run_export}


def _whose(parser) -> None:
    parser.add_argument("--consultant", metavar="NAME", help=t("daily.cli.consultant"))
    parser.add_argument("--date", metavar="YYYY-MM-DD", help=t("daily.cli.date"))


def _target(args: argparse.Namespace, actor: Actor) -> tuple[int, dt.date]:
    """The consultant named (default: who acts, when they receive customers) and the day
    (default today)."""
    day = bounds.parse_day(args.date) if args.date else clock.today()
    if args.consultant:
        return team.require_staff(args.consultant).id, day
    if actor.staff is not None and actor.staff.role in team.RECEIVING_ROLES:
        return actor.staff.id, day
    raise ValidationError({"consultant": t("daily.cli.consultant_required")})


def _daily(args: argparse.Namespace, actor: Actor) -> int:
    consultant, day = _target(args, actor)
    report = daily_report.daily_report(consultant, day, by=actor)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(report_lines(report)))
    return 0


def _sign(args: argparse.Namespace, actor: Actor) -> int:
    consultant, day = _target(args, actor)
    report = daily_signoff.sign(consultant, day, args.instructions, by=actor)
    print(t("daily.cli.signed", consultant=report.consultant, date=day.isoformat()))
    return 0


def _unsigned(args: argparse.Namespace, actor: Actor) -> int:
    waiting = daily_signoff.unsigned(by=actor)
    if args.json:
        print(json.dumps([item.as_json() for item in waiting], ensure_ascii=False, indent=2))
        return 0
    if not waiting:
        print(t("daily.none_unsigned"))
        return 0
    header = [t("daily.col.date"), t("daily.col.consultant"), t("daily.col.rows"),
              t("daily.col.state")]  # fmt: skip
    rows = [
        [item.day.isoformat(), item.consultant, str(item.rows),
         t("daily.waiting_amended" if item.amended else "daily.waiting_overdue")]
        for item in waiting
    ]  # fmt: skip
    print("\n".join(table([header, *rows])))
    return 0


def _export(args: argparse.Namespace, actor: Actor) -> int:
    consultant, day = _target(args, actor)
    report = daily_report.daily_report(consultant, day, by=actor)
    path = daily_export.export_report(args.out, report)
    print(t("daily.cli.exported", path=path))
    return 0


def report_lines(report: daily_report.DailyReport) -> list[str]:
    """The report as aligned text, in the paper form's order."""
    lines = [layout.title(report), ""]
    if report.rows:
        lines += table([layout.header(), *(layout.row_cells(row) for row in report.rows)])
    else:
        lines.append(t("daily.no_rows"))
    lines += ["", *table(layout.visit_rows(report))]
    lines.append(t("daily.purposes_line", mix=layout.purpose_text(report)))
    lines += ["", t("daily.intent"), *table(layout.intent_rows(report))]
    lines += ["", t("daily.owners"), *table(layout.owner_rows(report))]
    lines += ["", t("daily.moves")]
    moves = layout.move_rows(report)
    lines += table([layout.move_header(), *moves]) if moves else [t("daily.no_moves")]
    lines += ["", t("daily.plan")]
    plan = layout.plan_rows(report)
    lines += table([layout.plan_header(), *plan]) if plan else [t("daily.no_plan")]
    lines += ["", t("daily.instructions_line", text=layout.instructions_text(report))]
    lines.append(layout.signoff_line(report))
    lines += layout.amendment_lines(report)
    return lines

"""``report reconcile``: the day's reconciliation of the consultants' reports with the
registration log (日报与登记表对账), as aligned text or JSON."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from frontdesk import bounds, clock, rules
from frontdesk.cli.base import REPORT, Handler, add_command, report_subparsers, run_report, table
from frontdesk.i18n import t
from frontdesk.people.actor import Actor
from frontdesk.reports import reconcile


def add_commands(commands) -> dict[str, Handler]:
    command = add_command(report_subparsers(commands), "reconcile", "reconcile.cli.cmd")
    command.add_argument("--date", metavar="YYYY-MM-DD", help=t("reconcile.cli.date"))
    command.add_argument("--json", action="store_true", help=t("reconcile.cli.json"))
    command.set_defaults(report_handler=_reconcile)
    return {REPORT: run_report}


def _reconcile(args: argparse.Namespace, actor: Actor) -> int:
    day = bounds.parse_day(args.date) if args.date else clock.today()
    result = reconcile.reconcile(day, by=actor)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(lines(result)))
    return 0


# -- text ----------------------------------------------------------------------------------


def _clock(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M")


def _consultant(line: reconcile.Line | reconcile.ConsultantTally) -> str:
    return line.consultant or t("reconcile.unassigned")


def _method(record: reconcile.Record) -> str:
    if record.kind == reconcile.REGISTRATION:
        return t(f"kind.{record.method}")
    return t(f"contacts.method.{record.method}")


def record_text(record: reconcile.Record | None) -> str:
    """The record a line names, as the manager looks it up: 登记 #12 序号 3 10:00 来店, or
    接触 #7 15:00 拜访."""
    if record is None:
        return t("reconcile.no_record")
    if record.kind == reconcile.REGISTRATION:
        return t(
            "reconcile.registration",
            id=record.id,
            number=record.number if record.number is not None else "—",
            time=_clock(record.at),
            method=_method(record),
        )
    return t("reconcile.contact", id=record.id, time=_clock(record.at), method=_method(record))


def _line_cells(line: reconcile.Line) -> list[str]:
    return [
        record_text(line.record),
        line.name,
        rules.format_phone(line.phone),
        line.level or "—",
        _consultant(line),
    ]


def _section(title: str, header: list[str], rows: list[list[str]]) -> list[str]:
    return ["", title, *(table([header, *rows]) if rows else [t("reconcile.none")])]


def lines(result: reconcile.Reconciliation) -> list[str]:
    """The reconciliation as the manager reads it: the three checks, each line naming its
    records."""
    day = result.day
    date = t("app.date", date=day.isoformat(), weekday=t(f"weekday.{day.weekday()}"))
    out = [t("reconcile.title", date=date)]
    if not result.final:
        following = day + dt.timedelta(days=1)
        out.append(t("reconcile.not_final", next=following.isoformat()))
    customer = [t("reconcile.col.customer"), t("reconcile.col.phone"), t("reconcile.col.level")]
    header = [t("reconcile.col.record"), *customer, t("reconcile.col.consultant")]
    out += _section(
        t("reconcile.untaken", count=len(result.untaken)),
        header,
        [_line_cells(line) for line in result.untaken],
    )
    out += _section(
        t("reconcile.not_via_desk", count=len(result.not_via_desk)),
        header,
        [_line_cells(line) for line in result.not_via_desk],
    )
    out += _section(
        t("reconcile.new_intent"),
        [
            t("reconcile.col.consultant"),
            t("reconcile.col.on_report"),
            t("reconcile.col.in_log"),
            t("reconcile.col.check"),
        ],
        [
            [
                _consultant(tally),
                str(tally.on_report),
                str(tally.in_log),
                t("reconcile.agrees") if tally.agrees else t("reconcile.differs"),
            ]
            for tally in result.consultants
        ],
    )
    differing = [
        [_consultant(tally), t(f"reconcile.side.{side}"), *_line_cells(line)[:-1]]
        for tally in result.consultants
        for side, found in (
            (reconcile.REPORT_ONLY, tally.report_only),
            (reconcile.LOG_ONLY, tally.log_only),
        )
        for line in found
    ]
    if differing:
        out += _section(
            t("reconcile.differences", count=len(differing)),
            [t("reconcile.col.consultant"), t("reconcile.col.side"), *header[:-1]],
            differing,
        )
    return out

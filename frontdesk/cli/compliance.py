"""Command-line report of the follow-up compliance (跟进达成): ``report compliance``, and a
dealer group's roll-up of it by store (``--group``)."""

from __future__ import annotations

import argparse
import json

from frontdesk import bounds, rules
from frontdesk.cli.base import REPORT, Handler, report_subparsers, run_report, table
from frontdesk.errors import ValidationError
from frontdesk.i18n import t
from frontdesk.people import team
from frontdesk.people.actor import Actor
from frontdesk.reports import compliance
from frontdesk.reports.group_tables import (
    COMPLIANCE_FIGURES,
    compliance_figures,
    compliance_rows,
    compliance_title,
)


def add_commands(commands) -> dict[str, Handler]:
    report = report_subparsers(commands).add_parser(
        "compliance", help=t("compliance.cli.cmd"), description=t("compliance.cli.cmd")
    )
    report.add_argument("--month", required=True, metavar="YYYY-MM", help=t("compliance.cli.month"))
    report.add_argument("--consultant", metavar="NAME", help=t("compliance.cli.consultant"))
    report.add_argument("--group", action="store_true", help=t("compliance.cli.group"))
    report.add_argument("--json", action="store_true", help=t("compliance.cli.json"))
    report.set_defaults(report_handler=_compliance)
    return {REPORT: run_report}


def _compliance(args: argparse.Namespace, actor: Actor) -> int:
    month = bounds.parse_month(args.month)
    result: compliance.Compliance | compliance.GroupCompliance
    if args.group:
        if args.consultant:
            raise ValidationError({"consultant": t("compliance.cli.group_no_consultant")})
        result = compliance.group_compliance(month, by=actor)
        text = group_lines(result)
    else:
        consultant_id = team.require_staff(args.consultant).id if args.consultant else None
        result = compliance.compliance(month, by=actor, consultant_id=consultant_id)
        text = lines(result)
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(text))
    return 0


def _consultant(name: str | None) -> str:
    if name is None:
        return t("compliance.everyone")
    return name or t("compliance.unassigned")


def _tally_row(line: compliance.Tally) -> list[str]:
    return [
        _consultant(line.consultant),
        line.level or t("compliance.all_levels"),
        *compliance_figures(line),
    ]


def lines(result: compliance.Compliance) -> list[str]:
    """The report as text: the figures per consultant and level, then the late and open."""
    title = t(
        "compliance.title_month",
        month=result.month.strftime("%Y-%m"),
        as_of=result.as_of.isoformat(),
    )
    if not result.total.planned:
        return [title, "", t("compliance.none")]
    header = [t(f"compliance.col.{key}") for key in ("consultant", "level", *COMPLIANCE_FIGURES)]
    rows = []
    for mine in result.consultants:
        rows += [_tally_row(line) for line in result.lines if line.consultant == mine.consultant]
        rows.append(_tally_row(mine))
    rows.append(_tally_row(result.total))
    out = [title, "", *table([header, *rows])]
    if result.missed:
        header = [
            t(f"compliance.col.{key}")
            for key in ("due", "consultant", "level", "name", "phone", "made_on", "days_late")
        ]
        missed = [
            [
                contact.due.isoformat(),
                _consultant(contact.consultant),
                contact.level,
                contact.name,
                rules.format_phone(contact.phone),
                contact.made_on.isoformat() if contact.made_on else t("compliance.still_open"),
                str(contact.days_late),
            ]
            for contact in result.missed
        ]
        out += ["", t("compliance.missed"), *table([header, *missed])]
    return out


def group_lines(group: compliance.GroupCompliance) -> list[str]:
    """Each store's planned contacts of the month and the group's total, a row each."""
    return [compliance_title(group), "", *table(compliance_rows(group))]

"""Command-line commands of the monthly targets (营业目标计划与实际比较表): ``targets set``,
``targets list``, ``report targets`` and ``export targets``."""

from __future__ import annotations

import argparse
import json
import sys

from frontdesk import bounds
from frontdesk.cli.base import (
    EXPORT,
    REPORT,
    TIME_FORMAT,
    Handler,
    add_command,
    add_command_group,
    export_subparsers,
    report_subparsers,
    run_export,
    run_report,
    table,
)
from frontdesk.i18n import t
from frontdesk.people.actor import Actor
from frontdesk.reports import targets, targets_sheet
from frontdesk.reports.targets import FIGURES, Figure, TargetsReport

OPTIONS = {figure: "--" + figure.replace("_", "-") for figure in FIGURES}  # --test-drives


def _month(parser) -> None:
    parser.add_argument("--month", required=True, metavar="YYYY-MM", help=t("targets.cli.month"))


def add_commands(commands) -> dict[str, Handler]:
    _, group = add_command_group(commands, "targets", "targets.cli.cmd", "targets_command")
    setting = add_command(group, "set", "targets.cli.cmd_set")
    setting.add_argument(
        "--consultant", required=True, metavar="NAME", help=t("targets.cli.consultant")
    )
    _month(setting)
    for figure, option in OPTIONS.items():
        setting.add_argument(option, dest=figure, metavar="N", help=t(f"targets.cli.{figure}"))
    setting.add_argument("--model", default="", metavar="MODEL", help=t("targets.cli.model"))
    listing = add_command(group, "list", "targets.cli.cmd_list")
    _month(listing)
    listing.add_argument("--json", action="store_true", help=t("targets.cli.json"))

    report = add_command(report_subparsers(commands), "targets", "targets.cli.cmd_report")
    _month(report)
    report.add_argument("--json", action="store_true", help=t("targets.cli.json"))
    report.set_defaults(report_handler=_report)

    export = add_command(export_subparsers(commands), "targets", "targets.cli.cmd_export")
    _month(export)
    export.add_argument("--out", required=True, metavar="FILE.xlsx", help=t("targets.cli.out"))
    export.set_defaults(export_handler=_export)
    return {"targets": _targets, REPORT: run_report, EXPORT: run_export}


def _targets(args: argparse.Namespace, actor: Actor) -> int:
    if args.targets_command == "set":
        row = targets.set_target(
            args.month,
            args.consultant,
            model=args.model,
            by=actor,
            **{figure: getattr(args, figure) for figure in FIGURES},
        )
        print(
            t(
                "targets.cli.set",
                consultant=row.consultant.name,
                month=row.month.strftime("%Y-%m"),
                model=targets_sheet.model_text(row.model),
                figures=" ".join(
                    f"{t(f'targets.field.{figure}')} {getattr(row, figure)}" for figure in FIGURES
                ),
            )
        )
        return 0
    if args.targets_command == "list":
        return _list(args, actor)
    args.targets_command_parser.print_help(sys.stderr)
    return 2


def _list(args: argparse.Namespace, actor: Actor) -> int:
    entries = targets.list_targets(bounds.parse_month(args.month), by=actor)
    if args.json:
        print(json.dumps([entry.to_json() for entry in entries], ensure_ascii=False, indent=2))
        return 0
    if not entries:
        print(t("targets.cli.none"))
        return 0
    header = [
        t("targets.col.consultant"),
        t("targets.col.model"),
        *(t(f"targets.field.{figure}") for figure in FIGURES),
        t("targets.cli.set_by"),
        t("targets.cli.set_at"),
    ]
    body = [
        [
            entry.consultant,
            targets_sheet.model_text(entry.model),
            *(str(entry.targets[figure]) for figure in FIGURES),
            entry.set_by or t("targets.cli.operator"),
            entry.set_at.strftime(TIME_FORMAT),
        ]
        for entry in entries
    ]
    print("\n".join(table([header, *body])))
    return 0


def _report(args: argparse.Namespace, actor: Actor) -> int:
    report = targets.targets_report(bounds.parse_month(args.month), by=actor)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(report_lines(report)))
    return 0


def _export(args: argparse.Namespace, actor: Actor) -> int:
    report = targets.targets_report(bounds.parse_month(args.month), by=actor)
    path = targets_sheet.export_month(report, args.out)
    print(t("targets.cli.exported", path=path))
    return 0


def figure_text(figure: Figure) -> str:
    """``12/30 40% 落后``: actual / target, the share and the pace; ``12/—`` without one."""
    if figure.target is None:
        return f"{figure.actual}/{targets_sheet.NO_VALUE}"
    share = targets_sheet.NO_VALUE if figure.percent is None else f"{figure.percent:.0%}"
    return f"{figure.actual}/{figure.target} {share} {targets_sheet.pace_text(figure)}"


def report_lines(report: TargetsReport) -> list[str]:
    """The report as aligned text: a row per consultant and model, a column per figure
    (actual / target, 达成率, 进度), the total; the pace it is read at above."""
    lines = [t("targets.title_month", month=report.label), targets_sheet.pace_line(report), ""]
    if not report.rows:
        return [*lines, t("targets.none_in_month")]
    header = [
        t("targets.col.consultant"),
        t("targets.col.model"),
        *(t(f"targets.field.{figure}") for figure in FIGURES),
    ]
    body = [
        [
            row.consultant,
            targets_sheet.model_text(row.model),
            *(figure_text(row.figures[figure]) for figure in FIGURES),
        ]
        for row in (*report.rows, report.total)
    ]
    return [*lines, *table([header, *body])]

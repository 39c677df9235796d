"""Command-line commands of the 战败 / 失控 review and the loss analysis: the review queue
(``review list``, ``approve``, ``reject``), ``report losses`` and ``export losses``."""

from __future__ import annotations

import argparse
import json
import sys

from frontdesk import bounds, clock, rules
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
from frontdesk.followup import close_review
from frontdesk.i18n import t
from frontdesk.people.actor import Actor
from frontdesk.reports import losses, losses_sheet
from frontdesk.reports.group_tables import count_text, losses_rows, share_text


def add_commands(commands) -> dict[str, Handler]:
    _, review = add_command_group(commands, "review", "review.cli.cmd", "review_command")
    listing = add_command(review, "list", "review.cli.cmd_list")
    listing.add_argument("--all", action="store_true", help=t("review.cli.all"))
    listing.add_argument("--json", action="store_true", help=t("review.cli.json"))
    approve = add_command(review, "approve", "review.cli.cmd_approve")
    approve.add_argument("id", type=int, metavar="ID", help=t("review.cli.id"))
    reject = add_command(review, "reject", "review.cli.cmd_reject")
    reject.add_argument("id", type=int, metavar="ID", help=t("review.cli.id"))
    reject.add_argument("--reason", required=True, metavar="TEXT", help=t("review.cli.reason"))

    report = add_command(report_subparsers(commands), "losses", "losses.cli.cmd")
    report.add_argument("--month", required=True, metavar="YYYY-MM", help=t("losses.cli.month"))
    report.add_argument("--group", action="store_true", help=t("losses.cli.group"))
    report.add_argument("--json", action="store_true", help=t("losses.cli.json"))
    report.set_defaults(report_handler=_report)

    export = add_command(export_subparsers(commands), "losses", "losses.cli.cmd_export")
    export.add_argument("--month", required=True, metavar="YYYY-MM", help=t("losses.cli.month"))
    export.add_argument("--out", required=True, metavar="FILE.xlsx", help=t("losses.cli.out"))
    export.set_defaults(export_handler=_export)
    return {"review": _review, REPORT: run_report, EXPORT: run_export}


# -- the review queue ------------------------------------------------------------------------


def _review(args: argparse.Namespace, actor: Actor) -> int:
    if args.review_command == "list":
        return _list(args, actor)
    if args.review_command == "approve":
        application = close_review.approve(args.id, by=actor)
        print(_decided("review.cli.approved", application))
        return 0
    if args.review_command == "reject":
        application = close_review.reject(args.id, args.reason, by=actor)
        print(_decided("review.cli.rejected", application))
        return 0
    args.review_command_parser.print_help(sys.stderr)
    return 2


def _decided(key: str, application) -> str:
    customer = application.customer
    return t(
        key,
        id=application.id,
        name=customer.name or rules.format_phone(customer.phone),
        kind=close_review.application_label(application.outcome),
    )


def _list(args: argparse.Namespace, actor: Actor) -> int:
    items = close_review.queue(actor, decided=args.all)
    if args.json:
        print(json.dumps([item.as_json() for item in items], ensure_ascii=False, indent=2))
        return 0
    if not items:
        print(t("review.cli.none"))
        return 0
    today = clock.today()
    keys = ("id", "applied_at", "kind", "name", "phone", "level", "consultant", "silent",
            "competitor", "reason", "status")  # fmt: skip
    header = [t(f"review.col.{key}") for key in keys]
    body = [
        [
            str(item.id),
            item.applied_at.strftime(TIME_FORMAT),
            close_review.application_label(item.outcome),
            item.name or "—",
            rules.format_phone(item.phone),
            item.level or "—",
            item.consultant or "—",
            _silent(item.silent_days(today) if item.open else None),
            item.competitor or "—",
            _reason(item),
            _status(item),
        ]
        for item in items
    ]
    for line in table([header, *body]):
        print(line)
    return 0


def _silent(days: int | None) -> str:
    return "—" if days is None else t("review.cli.days", days=days)


def _reason(item: close_review.QueueItem) -> str:
    reason = item.reason or "—"
    return (
        t("review.cli.by_store", reason=reason) if item.origin == close_review.BY_STORE else reason
    )


def _status(item: close_review.QueueItem) -> str:
    status = close_review.status_label(item)
    if item.status == close_review.PENDING and not item.open:
        return t("review.cli.not_open", status=status)
    if item.status == close_review.REJECTED and item.note:
        return t("review.cli.with_note", status=status, note=item.note)
    return status


# -- the loss analysis -----------------------------------------------------------------------


def _report(args: argparse.Namespace, actor: Actor) -> int:
    if args.group:
        group = losses.group_losses(bounds.parse_month(args.month), by=actor)
        if args.json:
            print(json.dumps(group.to_json(), ensure_ascii=False, indent=2))
        else:
            print("\n".join(group_lines(group)))
        return 0
    analysis = losses.loss_analysis(bounds.parse_month(args.month), by=actor)
    if args.json:
        print(json.dumps(analysis.to_json(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(analysis_lines(analysis)))
    return 0


def _export(args: argparse.Namespace, actor: Actor) -> int:
    analysis = losses.loss_analysis(bounds.parse_month(args.month), by=actor)
    path = losses_sheet.export_month(analysis, args.out)
    print(t("losses.cli.exported", path=path))
    return 0


def analysis_lines(analysis: losses.LossAnalysis) -> list[str]:
    """The analysis as aligned text: the sheet's lines, each table aligned on its own."""
    lines: list[str] = [t("losses.cli.title", month=analysis.label)]
    block: list[list[str]] = []

    def flush() -> None:
        if block:
            lines.extend(table(block))
            block.clear()

    for role, cells in losses_sheet.sheet_rows(analysis):
        if role in ("title", "info"):
            continue
        if role in ("blank", "section"):
            flush()
            if role == "section":
                lines += ["", str(cells[0])]
            continue
        if role in ("row", "total"):
            name, defeat, lost, total, share, days = cells
            counts = (count_text(defeat), count_text(lost), count_text(total))
            block.append([str(name), *counts, share_text(share), count_text(days)])
        elif role in ("apps_row", "apps_total"):
            block.append([*(count_text(value) for value in cells[:5]), share_text(cells[5])])
        else:
            block.append([str(value) for value in cells])
    flush()
    return lines


def group_lines(group: losses.GroupLosses) -> list[str]:
    """Each store's losses and applications of the month, and the group's total."""
    return [t("losses.cli.group_title", month=group.label), "", *table(losses_rows(group))]

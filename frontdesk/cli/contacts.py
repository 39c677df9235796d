"""Command-line commands of the follow-up discipline: contacts, closing, due follow-ups, the
monthly contact table as a file."""

from __future__ import annotations

import argparse
import json

from frontdesk import bounds, rules
from frontdesk.cli.base import (
    EXPORT,
    TIME_FORMAT,
    Handler,
    add_command,
    export_subparsers,
    run_export,
    table,
)
from frontdesk.followup import (
    close_review,
    contact_export,
    contact_input,
    contact_table,
    contacts,
    customer_card,
    due,
)
from frontdesk.i18n import t
from frontdesk.people import roles, team
from frontdesk.people.actor import Actor


def add_commands(commands) -> dict[str, Handler]:
    contact = add_command(commands, "contact", "contacts.cli.cmd_contact")
    contact.add_argument("--phone", required=True, metavar="P", help=t("contacts.cli.phone"))
    contact.add_argument(
        "--at", required=True, metavar='"YYYY-MM-DD HH:MM"', help=t("contacts.cli.at")
    )
    contact.add_argument(
        "--method",
        required=True,
        metavar="call|visit|walkin|message",
        help=t("contacts.cli.method"),
    )
    contact.add_argument(
        "--purpose",
        default="",
        metavar="promotion|procedure|maintenance|prospecting",
        help=t("contacts.cli.purpose"),
    )
    contact.add_argument("--level", default="", metavar="O|H|A|B|C", help=t("contacts.cli.level"))
    contact.add_argument("--next", default="", metavar="YYYY-MM-DD", help=t("contacts.cli.next"))
    contact.add_argument("--source", default="", metavar="1-7", help=t("contacts.cli.source"))
    contact.add_argument("--notes", default="", metavar="TEXT", help=t("contacts.cli.notes"))
    contact.add_argument("--by", default="", metavar="NAME", help=t("contacts.cli.by"))

    close = add_command(commands, "close", "contacts.cli.cmd_close")
    close.add_argument("--phone", required=True, metavar="P", help=t("contacts.cli.phone"))
    close.add_argument("outcome", metavar="deal|defeat|lost", help=t("contacts.cli.outcome"))
    close.add_argument("--reason", default="", metavar="TEXT", help=t("contacts.cli.reason"))
    close.add_argument(
        "--competitor", default="", metavar="TEXT", help=t("contacts.cli.competitor")
    )
    close.add_argument(
        "--at", default="", metavar='"YYYY-MM-DD HH:MM"', help=t("contacts.cli.close_at")
    )

    move = add_command(commands, "reassign", "contacts.cli.cmd_reassign")
    move.add_argument("--phone", required=True, metavar="P", help=t("contacts.cli.phone"))
    move.add_argument("--to", required=True, metavar="NAME", help=t("contacts.cli.to"))

    due = add_command(commands, "followups", "contacts.cli.cmd_followups")
    due.add_argument("--date", metavar="YYYY-MM-DD", help=t("contacts.cli.date"))
    due.add_argument("--consultant", metavar="NAME", help=t("contacts.cli.consultant"))
    due.add_argument("--all", action="store_true", help=t("contacts.cli.all"))
    due.add_argument("--json", action="store_true", help=t("contacts.cli.json"))

    export = export_subparsers(commands).add_parser(
        "contacts",
        help=t("contacts.cli.cmd_export"),
        description=t("contacts.cli.cmd_export"),
    )
    export.add_argument("--month", required=True, metavar="YYYY-MM", help=t("contacts.cli.month"))
    export.add_argument("--out", required=True, metavar="FILE", help=t("contacts.cli.out"))
    export.add_argument("--consultant", metavar="NAME", help=t("contacts.cli.consultant"))
    export.set_defaults(export_handler=_export)

    return {
        "contact": _contact,
        "close": _close,
        "reassign": _reassign,
        "followups": _followups,
        EXPORT: run_export,
    }


def _contact(args: argparse.Namespace, actor: Actor) -> int:
    customer = contacts.find_customer(args.phone)
    data = contact_input.ContactInput(
        method=args.method,
        purpose=args.purpose,
        at=args.at,
        account=args.notes,
        level=args.level,
        next_date=args.next,
        source=args.source,
        staff=args.by,
    )
    saved = contacts.record_contact(customer.id, data, by=actor)
    card = customer_card.customer_card(customer.id, by=actor)
    print(
        t(
            "contacts.cli.recorded",
            name=card.name or rules.format_phone(card.phone),
            method=t(f"contacts.method.{saved.method}"),
            at=saved.at.strftime(TIME_FORMAT),
            level=card.level,
            next=card.next_due.isoformat() if card.next_due else "—",
            rule=_rule(contact_table.plan_now(customer.id)),
        )
    )
    return 0


def _rule(plan: due.Plan | None) -> str:
    """Which rule set the due date: the agreement (约定) or the level's cadence."""
    if plan is None:
        return ""
    if plan.rule == due.AGREED and plan.agreed_at is not None:
        return t("contacts.cli.rule_agreed", at=plan.agreed_at.strftime(TIME_FORMAT))
    return t("contacts.cli.rule_cadence", level=plan.level or "", days=plan.days or 0)


def _close(args: argparse.Namespace, actor: Actor) -> int:
    """A manager closes; a consultant closes a deal and applies for a defeat or a loss."""
    customer = contacts.find_customer(args.phone)
    closing = close_review.request_close(
        customer.id,
        args.outcome,
        reason=args.reason,
        competitor=args.competitor,
        by=actor,
        at=args.at or None,
    )
    closed = closing.customer
    name = closed.name or rules.format_phone(closed.phone)
    if closing.application is not None:
        kind = close_review.application_label(closing.application.outcome)
        print(t("review.cli.applied", name=name, kind=kind, id=closing.application.id))
        return 0
    print(t("contacts.cli.closed", name=name, outcome=t(f"contacts.outcome.{closed.closed_as}")))
    return 0


def _reassign(args: argparse.Namespace, actor: Actor) -> int:
    customer = contacts.find_customer(args.phone)
    moved = contacts.reassign(customer.id, args.to, by=actor)
    consultant = moved.consultant
    assert consultant is not None  # reassign has just given the customer to one
    name = moved.name or rules.format_phone(moved.phone)
    print(t("contacts.cli.reassigned", name=name, consultant=consultant.name))
    return 0


def _consultant_id(name: str | None) -> int | None:
    return team.require_staff(name).id if name else None


def _followups(args: argparse.Namespace, actor: Actor) -> int:
    day = bounds.parse_day(args.date) if args.date else None
    found = contact_table.followups(
        actor, day, _consultant_id(args.consultant), include_later=args.all
    )
    if args.json:
        print(json.dumps([item.as_json() for item in found], ensure_ascii=False, indent=2))
        return 0
    if not found:
        print(t("contacts.cli.none_due"))
        return 0
    header = [
        t(f"contacts.col.{key}")
        for key in ("next_due", "overdue", "level", "name", "phone", "model", "consultant")
    ]
    rows = [
        [
            item.next_due.isoformat(),
            str(item.overdue_days) if item.overdue_days else "",
            item.level,
            item.name,
            rules.format_phone(item.phone),
            item.model,
            item.consultant,
        ]
        for item in found
    ]
    for line in table([header, *rows]):
        print(line)
    return 0


def _export(args: argparse.Namespace, actor: Actor) -> int:
    roles.require(actor, roles.CONTACTS_VIEW)
    month = bounds.parse_month(args.month)
    f = contact_table.current_filter(
        actor, month=month, consultant_id=_consultant_id(args.consultant)
    )
    written = contact_export.export_month(args.out, f)
    print(t("contacts.cli.exported", count=written, path=args.out))
    return 0

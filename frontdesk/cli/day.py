"""Command-line commands of the desk's end-of-day close-out (日终结账): ``day show``,
``day left`` (a party left unrecorded), ``day close``, ``day confirm``, ``day unclosed``.

A party still in the showroom gets its time out with ``checkout ID --at HH:MM``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from frontdesk import bounds, clock, rules
from frontdesk.cli.base import Handler, add_command, add_command_group, table
from frontdesk.desk import day_close
from frontdesk.desk.day_close_layout import amendment_text, counts_line, status_line
from frontdesk.i18n import t
from frontdesk.people.actor import Actor


def add_commands(commands) -> dict[str, Handler]:
    _, day = add_command_group(commands, "day", "close.cli.cmd", "day_command")
    show = add_command(day, "show", "close.cli.cmd_show")
    _on_date(show)
    show.add_argument("--json", action="store_true", help=t("close.cli.json"))
    left = add_command(day, "left", "close.cli.cmd_left")
    left.add_argument("id", type=int, metavar="ID", help=t("close.cli.id"))
    close = add_command(day, "close", "close.cli.cmd_close")
    _on_date(close)
    confirm = add_command(day, "confirm", "close.cli.cmd_confirm")
    _on_date(confirm)
    waiting = add_command(day, "unclosed", "close.cli.cmd_unclosed")
    waiting.add_argument("--json", action="store_true", help=t("close.cli.json"))
    return {"day": _day}


def _on_date(parser) -> None:
    parser.add_argument("--date", metavar="YYYY-MM-DD", help=t("close.cli.date"))


def _date(args: argparse.Namespace) -> dt.date:
    return bounds.parse_day(args.date) if args.date else clock.today()


def _day(args: argparse.Namespace, actor: Actor) -> int:
    command = args.day_command
    if command == "show":
        state = day_close.closeout(_date(args), by=actor)
        if args.json:
            print(json.dumps(state.to_json(), ensure_ascii=False, indent=2))
        else:
            print("\n".join(closeout_lines(state)))
        return 0
    if command == "left":
        day_close.mark_left(args.id, by=actor)
        print(t("close.cli.marked", id=args.id))
        return 0
    if command == "close":
        state = day_close.close_day(_date(args), by=actor)
        print(status_line(state))
        if state.missing:
            print(t("close.cli.still_missing", count=len(state.missing)))
        return 0
    if command == "confirm":
        state = day_close.confirm_day(_date(args), by=actor)
        print(status_line(state))
        return 0
    if command == "unclosed":
        return _unclosed(args, actor)
    args.day_command_parser.print_help(sys.stderr)
    return 2


def _unclosed(args: argparse.Namespace, actor: Actor) -> int:
    waiting = day_close.unclosed(by=actor)
    if args.json:
        print(json.dumps([item.as_json() for item in waiting], ensure_ascii=False, indent=2))
        return 0
    if not waiting:
        print(t("close.none_unclosed"))
        return 0
    header = [t("close.col.date"), t("close.col.registrations"), t("close.col.open")]
    rows = [[item.day.isoformat(), str(item.registrations), str(item.open)] for item in waiting]
    print("\n".join(table([header, *rows])))
    return 0


def closeout_lines(state: day_close.DayCloseout) -> list[str]:
    """The close-out of a day as text: where it stands, the figures, what is left to do."""
    lines = [t("close.title", date=state.day.isoformat()), status_line(state), counts_line(state)]
    if state.open_parties:
        lines += ["", t("close.step_open", count=len(state.open_parties))]
        header = [t("close.col.id"), t("close.col.no"), t("close.col.time_in"),
                  t("close.col.name"), t("close.col.phone"), t("close.col.consultant")]  # fmt: skip
        rows = [
            [
                str(p.id),
                str(p.number),
                p.time_in.strftime("%H:%M"),
                p.name,
                rules.format_phone(p.phone),
                p.consultant,
            ]
            for p in state.open_parties
        ]
        lines += table([header, *rows])
    if state.missing:
        lines += ["", t("close.step_missing", count=len(state.missing))]
        header = [t("close.col.id"), t("close.col.no"), t("close.col.time_in"),
                  t("close.col.name"), t("close.col.missing")]  # fmt: skip
        rows = [
            [
                str(m.id),
                str(m.number),
                m.time_in.strftime("%H:%M"),
                m.name or t("close.anonymous"),
                m.missing_labels,
            ]
            for m in state.missing
        ]
        lines += table([header, *rows])
    if state.amendments:
        lines += ["", t("close.amendments", count=len(state.amendments))]
        lines += [amendment_text(amendment) for amendment in state.amendments]
    for earlier in reversed(state.earlier):
        lines.append(t("close.earlier", who=earlier.closed_by, at=earlier.closed_at[:16]))
    return lines

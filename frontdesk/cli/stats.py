"""Command-line commands of the statistics (展厅来店(电)统计表): a day or a month, as aligned
text or as JSON, and the month sheet as a file (``export stats``)."""

from __future__ import annotations

import argparse
import json

from rich.cells import cell_len

from frontdesk import bounds, clock
from frontdesk.cli.base import EXPORT, Handler, add_command, export_subparsers, run_export, table
from frontdesk.errors import ValidationError
from frontdesk.i18n import t
from frontdesk.people import roles
from frontdesk.people.actor import Actor
from frontdesk.stats import statistics
from frontdesk.stats import statistics_sheet as sheet_layout
from frontdesk.store import settings


def add_commands(commands) -> dict[str, Handler]:
    stats = add_command(commands, "stats", "stats.cli.cmd")
    when = stats.add_mutually_exclusive_group()
    when.add_argument("--date", metavar="YYYY-MM-DD", help=t("stats.cli.date"))
    when.add_argument("--month", metavar="YYYY-MM", help=t("stats.cli.month"))
    stats.add_argument("--group", action="store_true", help=t("stats.cli.group"))
    stats.add_argument("--json", action="store_true", help=t("stats.cli.json"))

    export = add_command(export_subparsers(commands), "stats", "stats.cli.cmd_export")
    export.add_argument("--month", required=True, metavar="YYYY-MM", help=t("stats.cli.month"))
    export.add_argument(
        "--out", required=True, metavar="FILE.xlsx|FILE.csv", help=t("stats.cli.out")
    )
    export.set_defaults(export_handler=_export)
    return {"stats": _stats, EXPORT: run_export}


def parse_month(text: str) -> tuple[int, int]:
    """(year, month) of a typed ``YYYY-MM``, read and bounded by the core."""
    month = bounds.parse_month(text)
    return month.year, month.month


def _stats(args: argparse.Namespace, actor: Actor) -> int:
    roles.require(actor, roles.STATISTICS_VIEW)
    result: statistics.MonthSheet | statistics.DayStatistics | statistics.GroupMonth
    if args.group:
        if args.date:
            raise ValidationError({"date": t("stats.cli.group_month_only")})
        month = parse_month(args.month) if args.month else (clock.today().year, clock.today().month)
        group = statistics.group_month(*month, by=actor)
        result, lines = group, group_lines(group)
    elif args.month:
        sheet = statistics.month_sheet(*parse_month(args.month))
        result, lines = sheet, month_lines(sheet)
    else:
        day = bounds.parse_day(args.date) if args.date else clock.today()
        result = statistics.daily_statistics(day)
        lines = day_lines(result)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(lines))
    return 0


def _export(args: argparse.Namespace, actor: Actor) -> int:
    roles.require(actor, roles.STATISTICS_VIEW)
    year, month = parse_month(args.month)
    path = sheet_layout.export_month(year, month, args.out)
    print(t("stats.exported", path=path))
    return 0


# -- text ----------------------------------------------------------------------------------


def _value(value: sheet_layout.Value, kind: str = sheet_layout.COUNT) -> str:
    return sheet_layout.format_value(value, kind)


def _name(key: str) -> str:
    return key if key != statistics.UNASSIGNED else t("stats.unassigned")


def figure_rows(stats: statistics.Statistics) -> list[list[str]]:
    """[label, value] of each headline figure, in the order of the paper form."""
    new_intent = "  ".join(f"{level} {count}" for level, count in stats.new_intent.items())
    return [
        *(
            [t(figure.label), _value(figure.value(stats), figure.kind)]
            for figure in sheet_layout.FIGURES
        ),
        [t("stats.new_intent"), new_intent],
    ]


def split_sections(stats: statistics.Statistics) -> list[tuple[str, list[list[str]]]]:
    """(title, rows with a header first) of each split that has any rows."""
    walkin, phone = t("stats.col.walkin"), t("stats.col.phone")
    sections = [
        (
            t("stats.hours"),
            [[t("stats.col.hour"), walkin, phone]]
            + [[hour, str(n["walkin"]), str(n["phone"])] for hour, n in stats.by_hour.items()],
        ),
        (
            t("stats.by_channel"),
            [[t("stats.col.channel"), walkin, phone]]
            + [[_name(k), str(n["walkin"]), str(n["phone"])] for k, n in stats.by_channel.items()],
        ),
        (
            t("stats.by_model"),
            [[t("stats.col.model"), walkin, phone]]
            + [[_name(k), str(n["walkin"]), str(n["phone"])] for k, n in stats.by_model.items()],
        ),
        (
            t("stats.by_consultant"),
            [
                [
                    t("stats.col.consultant"),
                    *(t(f"stats.col.{name}") for name in statistics.CONSULTANT_FIGURES),
                ]
            ]
            + [
                [_name(k), *(str(n[name]) for name in statistics.CONSULTANT_FIGURES)]
                for k, n in stats.by_consultant.items()
            ],
        ),
    ]
    return [(title, rows) for title, rows in sections if len(rows) > 1]


def day_lines(stats: statistics.DayStatistics) -> list[str]:
    date = t("app.date", date=stats.day.isoformat(), weekday=t(f"weekday.{stats.day.weekday()}"))
    lines = [t("stats.day_title", date=date), ""]
    lines += table(figure_rows(stats))
    lines += ["", sheet_layout.rate_base_note(stats)]
    for title, rows in split_sections(stats):
        lines += ["", title, *table(rows)]
    return lines


def month_lines(sheet: statistics.MonthSheet) -> list[str]:
    store_name = settings.store_name() or t("app.no_store_name")
    rows = [[t(column.label) for column in sheet_layout.COLUMNS]]
    for _, values in sheet_layout.sheet_rows(sheet):
        rows.append(
            [
                str(value) if column.kind == sheet_layout.TEXT else _value(value, column.kind)
                for column, value in zip(sheet_layout.COLUMNS, values, strict=True)
            ]
        )
    return [
        t("stats.month_title", month=sheet.label),
        t("stats.store", name=store_name),
        "",
        _group_line(rows),
        *table(rows),
        "",
        sheet_layout.rate_base_note(sheet.total),
    ]


GROUP_COLUMNS = sheet_layout.COLUMNS[2:]  # the month sheet's figures, without day and weekday


def group_lines(group: statistics.GroupMonth) -> list[str]:
    """Each store's row and the group's total, with the month sheet's figures: a column
    each, its one-line header (``Column.header``)."""
    header = [t("stats.col.store"), t("stats.col.store_name")]
    rows = [header + [column.header() for column in GROUP_COLUMNS]]
    shown = [(row.code, row.name, row.figures) for row in group.stores]
    for code, name, figures in [*shown, (t("stats.group_total"), "", group.total)]:
        values = [_value(column.value(figures), column.kind) for column in GROUP_COLUMNS]
        rows.append([code, name, *values])
    return [
        t("stats.group_title", month=group.label, stores=len(group.stores)),
        "",
        *table(rows),
        "",
        sheet_layout.rate_base_note(group.total),
    ]


def _group_line(rows: list[list[str]]) -> str:
    """The header over the columns' headers: each group's name where its first column starts
    (it may run on over the group's other columns, as on the paper form)."""
    line, start, previous = "", 0, None
    for index, column in enumerate(sheet_layout.COLUMNS):
        if column.group and column.group != previous:
            line += " " * max(start - cell_len(line), 1 if line else 0) + t(column.group)
        previous = column.group
        start += max(cell_len(row[index]) for row in rows) + 2
    return line

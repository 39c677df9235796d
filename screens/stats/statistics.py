"""F5: the showroom statistics of a day (展厅来店(电)统计表), for the manager.

At the top the day's figures and rates, each beside the same weekday last week; then the
traffic by hour as a bar chart (walk-ins and calls side by side); then the splits by
channel, by model and by consultant. ←/→ (or [/]) move a day, ``t`` comes back to today,
``m`` opens the month sheet, ``x`` exports the month, ``?`` shows how figures are counted;
for a group manager ``g`` opens the group's month, a row per store (``month_sheet``).
Every figure comes from ``frontdesk.stats.statistics``; the screen reloads itself (in a worker)
when another terminal commits.
"""

from __future__ import annotations

import datetime as dt

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Static

from frontdesk import bounds, clock
from frontdesk.i18n import t
from frontdesk.people import roles
from frontdesk.stats import statistics
from frontdesk.stats import statistics_sheet as sheet
from screens import access, registry
from screens.bindings import translate_bindings
from screens.db import run_db
from screens.stats.month_sheet import GROUP_KEY, MonthSheetScreen
from screens.stats.statistics_dialogs import MONTH_KEYS, FormulasScreen, export_month
from screens.tables import FdTable
from screens.widgets import FdFooter, FdHeader

WEEK = dt.timedelta(days=7)
WALKIN_STYLE, PHONE_STYLE = "$primary", "$warning"
ROW_LABELS = ("stats.col.walkin", "stats.col.phone")  # the hour chart's count rows


def weekday_date(day: dt.date) -> str:
    return t("app.date", date=day.isoformat(), weekday=t(f"weekday.{day.weekday()}"))


def number(value: object) -> Text:
    """A figure in a table cell, right-aligned."""
    return Text(str(value), justify="right")


def name_cell(key: str) -> Text:
    """A channel, model or consultant name: user data, so plain Text, never markup."""
    if key == statistics.UNASSIGNED:
        return Text(t("stats.unassigned"), style="dim")
    return Text(key)


class FdHourChart(Widget):
    """Traffic by hour as vertical bars: walk-ins and calls side by side, counts underneath.

    Shows the showroom's usual hours (``FIRST_HOUR``–``LAST_HOUR``), widened to any hour
    with traffic; each hour's slot is as wide as the width allows.
    """

    BAR_ROWS = 4  # with the figures above, the chart stays whole at 80×24
    FIRST_HOUR, LAST_HOUR = 8, 20
    LABEL_WIDTH = 6
    MAX_SLOT = 6
    BLOCKS = " ▁▂▃▄▅▆▇█"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.by_hour: statistics.Split = {}

    def show(self, by_hour: statistics.Split) -> None:
        self.by_hour = by_hour
        self.refresh()

    def _hours(self) -> list[str]:
        busy = [int(hour) for hour in self.by_hour]
        first = min([self.FIRST_HOUR, *busy])
        last = max([self.LAST_HOUR, *busy])
        return [f"{hour:02d}" for hour in range(first, last + 1)]

    def _bar(self, count: int, top: int, row: int, width: int, style: str) -> Content:
        """Row ``row`` (0 at the top) of a bar of ``count`` out of ``top``, in eighths."""
        eighths = round(count / top * self.BAR_ROWS * 8) if top else 0
        if count and not eighths:
            eighths = 1  # any traffic shows
        filled = min(8, max(0, eighths - (self.BAR_ROWS - 1 - row) * 8))
        return Content.styled(self.BLOCKS[filled] * width, style)

    def render(self) -> Content:
        hours = self._hours()
        # The row labels are whole words ("来店", "Walk-ins"): the label column is as wide
        # as the longest, and the hours share the rest.
        label_width = max(self.LABEL_WIDTH, *(cell_len(t(key)) + 1 for key in ROW_LABELS))
        slot = max(2, min(self.MAX_SLOT, (self.size.width - label_width) // len(hours)))
        gap = 1 if slot >= 3 else 0
        walkin_width = (slot - gap + 1) // 2
        phone_width = slot - gap - walkin_width
        counts = [self.by_hour.get(hour, {"walkin": 0, "phone": 0}) for hour in hours]
        top = max([n for hour in counts for n in hour.values()] + [0])
        lines: list[Content] = []
        for row in range(self.BAR_ROWS):
            parts: list[Content | str] = [" " * label_width]
            for hour in counts:
                parts.append(self._bar(hour["walkin"], top, row, walkin_width, WALKIN_STYLE))
                parts.append(self._bar(hour["phone"], top, row, phone_width, PHONE_STYLE))
                parts.append(" " * gap)
            lines.append(Content.assemble(*parts))

        def label_row(label: str, cells: list[str], style: str) -> Content:
            parts: list[Content | str] = [Content.styled(label, style)]
            for cell in cells:
                parts.append(Content(cell[:slot]).pad_right(slot - len(cell[:slot])))
            return Content.assemble(*parts)

        def label(key: str) -> str:
            text = t(key)
            return text + " " * (label_width - cell_len(text))

        lines.append(label_row(" " * label_width, hours, "dim"))
        walkins = [str(hour["walkin"] or "") for hour in counts]
        calls = [str(hour["phone"] or "") for hour in counts]
        lines.append(label_row(label("stats.col.walkin"), walkins, WALKIN_STYLE))
        lines.append(label_row(label("stats.col.phone"), calls, PHONE_STYLE))
        return Content("\n").join(lines)


@registry.screen(
    section="stats.help.day",
    order=70,
    right=roles.STATISTICS_VIEW,
    help=(registry.OWN_KEYS, registry.HelpRow("↑ ↓ PgUp PgDn", "stats.help.scroll")),
    place=registry.STATISTICS,
    entrance=True,
)
class StatisticsScreen(Screen):
    """The statistics of one day, with last week's beside each figure."""

    BINDINGS = [
        Binding(
            "left,left_square_bracket",
            "move(-1)",
            "stats.key.prev_day",
            priority=True,
            id="stats-prev-day",
        ),
        Binding(
            "right,right_square_bracket",
            "move(1)",
            "stats.key.next_day",
            priority=True,
            id="stats-next-day",
        ),
        Binding("t", "today", "stats.key.today", id="stats-today"),
        Binding("m", "month", "stats.key.month", tooltip="stats.help.month_key", id="stats-month"),
        GROUP_KEY,
        *MONTH_KEYS,
    ]
    ACTION_RIGHTS = {"group": roles.GROUP_VIEW}

    def __init__(self, day: dt.date | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self.day = day or clock.today()
        self.shown: statistics.DayStatistics | None = None

    def compose(self) -> ComposeResult:
        yield FdHeader(id="header")
        yield Static(Content(""), id="stats-title")
        with VerticalScroll(id="stats-body"):
            yield Static(Content(""), id="stats-figures")
            yield Static(Content(""), id="stats-hours-title", classes="stats-section")
            yield FdHourChart(id="stats-hours")
            for split in ("channel", "model", "consultant"):
                yield Static(Content(""), id=f"stats-{split}-title", classes="stats-section")
                table = FdTable(
                    id=f"stats-{split}",
                    classes="stats-split",
                    show_cursor=False,
                    zebra_stripes=True,
                )
                table.can_focus = False  # the body scrolls; ←/→ move the day
                yield table
        yield FdFooter()

    def on_mount(self) -> None:
        self._columns()
        self.query_one("#stats-body").focus()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    # -- loading -----------------------------------------------------------------------

    def refresh_data(self) -> None:
        """Count the day and the same weekday last week again (in a worker)."""
        self._title()
        run_db(self, self._load, self.day, on_done=self._show, group="stats", exclusive=True)

    @staticmethod
    def _load(day: dt.date):
        return statistics.daily_statistics(day), statistics.daily_statistics(day - WEEK)

    def _title(self) -> None:
        self.query_one("#stats-title", Static).update(
            Content.styled(t("stats.day_title", date=weekday_date(self.day)), "bold")
        )

    def _show(self, loaded) -> None:
        stats, last_week = loaded
        if stats.day != self.day:
            return  # the user moved on while this day was counted
        self.shown = stats
        self.query_one("#stats-figures", Static).update(self._figures(stats, last_week))
        self.query_one("#stats-hours-title", Static).update(self._hours_title(stats))
        self.query_one(FdHourChart).show(stats.by_hour)
        walkin_phone = ("walkin", "phone")
        self._fill("channel", stats.by_channel, walkin_phone)
        self._fill("model", stats.by_model, walkin_phone)
        self._fill("consultant", stats.by_consultant, statistics.CONSULTANT_FIGURES)

    def _figures(self, stats, last_week) -> Group:
        """The day's figures in two blocks of three columns — figure, the day, the same
        weekday last week — headed once, as a paper sheet is, so that 80 columns hold them."""
        weekday = t(f"stats.wd.{last_week.day.weekday()}")

        def value(figure: object, kind: str, style: str = "") -> Text:
            return Text(sheet.format_value(figure, kind), style=style, justify="right")

        table = Table(show_header=True, box=None, expand=False, padding=(0, 1, 0, 0))
        heads = ("", t("stats.this_day"), t("stats.same_day_last_week", weekday=weekday))
        for block in range(2):
            if block:
                table.add_column("", width=2)  # between the two blocks
            for index, head in enumerate(heads):
                table.add_column(
                    Text(head, style="dim", justify="left" if index == 0 else "right"),
                    no_wrap=True,
                    justify="left" if index == 0 else "right",
                )
        cells = [
            (
                Text(t(f.label)),
                value(f.value(stats), f.kind, "bold"),
                value(f.value(last_week), f.kind, "dim"),
            )
            for f in sheet.FIGURES
        ]
        if len(cells) % 2:
            cells.append((Text(""), Text(""), Text("")))  # the last block's row left blank
        for left, right in zip(cells[::2], cells[1::2], strict=True):
            table.add_row(*left, "", *right)
        new_now, new_before = sum(stats.new_intent.values()), sum(last_week.new_intent.values())
        levels = "  ".join(f"{level} {n}" for level, n in stats.new_intent.items())
        earlier = t(
            "stats.last_week", weekday=weekday, value=sheet.format_value(new_before, sheet.COUNT)
        )
        new_intent = Text.assemble(
            t("stats.new_intent"),
            " ",
            (sheet.format_value(new_now, sheet.COUNT), "bold"),
            " ",
            (f"({earlier})", "dim"),
            "   ",
            levels,
        )
        return Group(table, new_intent)

    @staticmethod
    def _hours_title(stats) -> Content:
        parts: list[Content | str] = [
            Content.styled(t("stats.hours"), "bold"),
            "   ",
            Content.styled("██", WALKIN_STYLE),
            " ",
            t("stats.legend_walkin"),
            "  ",
            Content.styled("██", PHONE_STYLE),
            " ",
            t("stats.legend_phone"),
        ]
        if not stats.parties and not stats.calls:
            parts += ["   ", Content.styled(t("stats.no_traffic"), "dim")]
        return Content.assemble(*parts)

    def _columns(self) -> None:
        """Headers of the split tables (the titles are filled with the data)."""
        walkin_phone = ("stats.col.walkin", "stats.col.phone")
        for split, first, figures in (
            ("channel", "stats.col.channel", walkin_phone),
            ("model", "stats.col.model", walkin_phone),
            (
                "consultant",
                "stats.col.consultant",
                tuple(f"stats.col.{name}" for name in statistics.CONSULTANT_FIGURES),
            ),
        ):
            table = self.query_one(f"#stats-{split}", DataTable)
            table.add_column(Text(t(first)), key="name")
            for key in figures:
                table.add_column(Text(t(key), justify="right"), key=key)
        for split, title in (
            ("channel", "stats.by_channel"),
            ("model", "stats.by_model"),
            ("consultant", "stats.by_consultant"),
        ):
            self.query_one(f"#stats-{split}-title", Static).update(Content.styled(t(title), "bold"))

    def _fill(self, split: str, rows: statistics.Split, figures) -> None:
        table = self.query_one(f"#stats-{split}", FdTable)
        table.clear()
        for key, counts in rows.items():
            table.add_row(name_cell(key), *(number(counts[name]) for name in figures))
        table.settle()

    # -- keys --------------------------------------------------------------------------

    def show_day(self, day: dt.date) -> None:
        if day > clock.today():
            self.app.bell()
            self.notify(t("stats.no_later"), severity="warning", markup=False)
            return
        if not bounds.day_in_range(day):
            self.app.bell()
            self.notify(bounds.day_range_message(), severity="warning", markup=False)
            return
        self.day = day
        self.refresh_data()

    def action_move(self, days: int) -> None:
        self.show_day(self.day + dt.timedelta(days=days))

    def action_today(self) -> None:
        self.show_day(clock.today())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return access.allowed(self, action)

    def action_month(self, by_store: bool = False) -> None:
        def closed(day: dt.date | None) -> None:
            if day is not None:
                self.show_day(day)

        month = MonthSheetScreen(self.day.year, self.day.month, by_store=by_store)
        self.app.push_screen(month, closed)

    def action_group(self) -> None:
        """The group's month of this day, a row per store (a group manager's)."""
        self.action_month(by_store=True)

    def action_export(self) -> None:
        export_month(self, self.day.year, self.day.month)

    def action_formulas(self) -> None:
        self.app.push_screen(FormulasScreen())

    def action_back(self) -> None:
        self.dismiss()

"""The statistics' two dialogs: where to export the month sheet (the one export dialog,
``screens.export_dialog``, with the month's file), and how figures are counted (with what
the rates divide by now, the store's setting).
"""

from __future__ import annotations

from functools import partial

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Static

from frontdesk.i18n import t
from frontdesk.stats import statistics, statistics_sheet
from screens.bindings import translate_bindings
from screens.db import run_db
from screens.export_dialog import Export, export_file
from screens.widgets import FdFooter

# The formulas in the order of the sheet (catalogue keys under stats.formula).
FORMULAS = (
    "parties",
    "first",
    "on_file",
    "invited",
    "test_drive",
    "quote",
    "order",
    "rate_base",
    "stay",
    "calls",
    "leads",
    "new_intent",
    "splits",
    "zero",
    "last_week",
    "month",
)

# The keys both the day and the month sheet have: export the month, the formulas, back.
MONTH_KEYS = (
    Binding("x", "export", "stats.key.export", tooltip="stats.help.export_key", id="stats-export"),
    Binding(
        "question_mark",
        "formulas",
        "stats.key.formulas",
        tooltip="stats.help.formulas_key",
        id="stats-formulas",
    ),
    Binding("escape", "back", "stats.key.back", id="stats-back"),
)


def export_month(node: Widget, year: int, month: int) -> None:
    """Ask for a file and write the month sheet to it (in a worker); tell how it went."""
    label = f"{year:04d}-{month:02d}"
    export = Export(
        title=t("stats.export_title", month=label),
        filename=statistics_sheet.default_filename(year, month),
        check=statistics_sheet.export_target,
        write=partial(statistics_sheet.export_month, year, month),
    )
    export_file(node, export)


class FormulasScreen(ModalScreen[None]):
    """How every figure of the statistics is counted, in the user's language; the rates'
    denominator as the store's setting says now (read in a worker)."""

    BINDINGS = [Binding("escape,question_mark", "close", "key.back", id="close")]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="formulas-body", classes="dialog"):
            yield Static(Content.styled(t("stats.formulas_title"), "bold"))
            for key in FORMULAS:
                with Horizontal(classes="formula"):
                    yield Static("·", classes="formula-bullet")
                    yield Static(Content(""), id=f"formula-{key}", classes="formula-text")
            yield Static(Content.styled(t("stats.formulas_close"), "dim"))
        yield FdFooter()

    def on_mount(self) -> None:
        run_db(self, statistics.rate_base, on_done=self._show)

    def _show(self, rate_base: str) -> None:
        base = t(f"stats.rate_base.{rate_base}")
        for key in FORMULAS:
            text = t(f"stats.formula.{key}", base=base)
            self.query_one(f"#formula-{key}", Static).update(Content(text))

    def action_close(self) -> None:
        self.dismiss(None)

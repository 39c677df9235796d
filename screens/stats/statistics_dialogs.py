"""The statistics' two dialogs: where to export the month sheet, and how figures are counted
(with what the rates divide by now, the store's setting).

Where a file may go is the core's to say (``statistics_sheet.export_target``): over SSH a
name only, in the member's export folder; at the desk any path. An existing file is replaced
only after a yes. The dialog stays open until the file is written: a refusal or a failed
write is said beside the path, in the user's words, and the path stays to be corrected.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Static

from frontdesk import export_folder
from frontdesk.errors import FrontdeskError
from frontdesk.export_folder import ExportTarget
from frontdesk.i18n import t
from frontdesk.stats import statistics, statistics_sheet
from screens.bindings import translate_bindings
from screens.db import run_db
from screens.dialogs import ConfirmScreen
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


class ExportScreen(ModalScreen[Path | None]):
    """Ask for the file to export a month sheet to, and write it: a name in the current
    folder is offered (over SSH: a name, and only a name, in the member's export folder).
    Dismisses with the file written, None when backed out."""

    BINDINGS = [Binding("escape", "back", "key.cancel", id="cancel")]

    def __init__(self, year: int, month: int, login: str = "") -> None:
        super().__init__()
        translate_bindings(self)
        self.year, self.month = year, month
        self.login = login  # whose export folder, over SSH
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            label = f"{self.year:04d}-{self.month:02d}"
            yield Static(Content(t("stats.export_title", month=label)), classes="dialog-question")
            yield Input(
                statistics_sheet.default_filename(self.year, self.month),
                id="export-path",
                compact=True,
            )
            hint = t("export_folder.hint") if export_folder.over_ssh() else t("stats.export_hint")
            yield Static(Content(hint), id="export-hint", classes="field-hint")
            yield FdFooter()

    def _refuse(self, error: FrontdeskError) -> None:
        self.busy = False
        hint = self.query_one("#export-hint", Static)
        hint.update(Content.styled(error.beside_field(), "bold $error"))
        hint.add_class("-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.busy:
            return
        self.busy = True
        # On the app's workers: the dialog closing with the file must not cancel the
        # worker that is handing it over.
        run_db(
            self.app,
            statistics_sheet.export_target,
            event.value,
            self.login,
            on_done=self._target_checked,
            on_error=self._refuse,
        )

    def _target_checked(self, target: ExportTarget) -> None:
        if not target.exists:
            self._write(target)
            return

        def answered(replace: bool | None) -> None:
            if replace:
                self._write(target)
            else:
                self.busy = False  # another name, then

        question = t("export_folder.replace", name=target.path.name)
        self.app.push_screen(ConfirmScreen(question), answered)

    def _write(self, target: ExportTarget) -> None:
        run_db(
            self.app,
            statistics_sheet.export_month,
            self.year,
            self.month,
            target.path,
            on_done=self.dismiss,
            on_error=self._refuse,
            group="stats-export",
        )

    def action_back(self) -> None:
        if not self.busy:  # a file being written ends first, and closes the dialog itself
            self.dismiss(None)


def export_month(node: Widget, year: int, month: int) -> None:
    """Ask for a file and write the month sheet to it (in a worker); tell how it went."""
    over_ssh = export_folder.over_ssh()

    def exported(written: Path | None) -> None:
        if written is None:
            return
        if over_ssh:
            node.notify(t("export_folder.exported", name=written.name), markup=False)
        else:
            node.notify(t("stats.exported", path=written), markup=False)

    login = getattr(node.app, "owner", "")  # the signed-in member's login
    node.app.push_screen(ExportScreen(year, month, login), exported)


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

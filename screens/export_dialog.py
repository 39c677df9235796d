"""Ask for the file an export goes to, and write it: the one export dialog of every screen
(the month sheet on F5, the reports on F7).

Where a file may go is the core's to say (the ``check`` a screen passes, which ends in
``frontdesk.export_folder.export_target``): over SSH a name only, in the member's export
folder; at the desk any path. An existing file is replaced only after a yes. The dialog
stays open until the file is written: a refusal or a failed write is said beside the path,
in the user's words, and the path stays to be corrected.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Static

from frontdesk import export_folder
from frontdesk.errors import FrontdeskError
from frontdesk.export_folder import ExportTarget
from frontdesk.i18n import t
from screens.bindings import translate_bindings
from screens.db import run_db
from screens.dialogs import ConfirmScreen
from screens.widgets import FdFooter


@dataclass(frozen=True)
class Export:
    """What one export is: its question, the name offered, how a typed path is checked
    (``check(text, login)``: the target, or a FrontdeskError saying why not) and how the
    file is written (``write(path)``: the path written). Both run in a worker."""

    title: str
    filename: str
    check: Callable[[str, str], ExportTarget]
    write: Callable[[Path], Path]


class ExportScreen(ModalScreen[Path | None]):
    """Ask for the file, check it, ask before replacing one, write it. Dismisses with the
    file written, None when backed out."""

    BINDINGS = [Binding("escape", "back", "key.cancel", id="cancel")]

    def __init__(self, export: Export, login: str = "") -> None:
        super().__init__()
        translate_bindings(self)
        self.export = export
        self.login = login  # whose export folder, over SSH
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(self.export.title), classes="dialog-question")
            yield Input(self.export.filename, id="export-path", compact=True)
            ssh = export_folder.over_ssh()
            hint = t("export_folder.hint") if ssh else t("export_folder.desk_hint")
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
            self.export.check,
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
            self.export.write,
            target.path,
            on_done=self.dismiss,
            on_error=self._refuse,
            group="export",
        )

    def action_back(self) -> None:
        if not self.busy:  # a file being written ends first, and closes the dialog itself
            self.dismiss(None)


def export_file(node: Widget, export: Export) -> None:
    """Ask for a file and write ``export`` to it (in a worker); tell how it went."""
    over_ssh = export_folder.over_ssh()

    def exported(written: Path | None) -> None:
        if written is None:
            return
        if over_ssh:
            node.notify(t("export_folder.exported", name=written.name), markup=False)
        else:
            node.notify(t("export_folder.done", path=written), markup=False)

    login = getattr(node.app, "owner", "")  # the signed-in member's login
    node.app.push_screen(ExportScreen(export, login), exported)


def xlsx_target(text: str, login: str = "") -> ExportTarget:
    """The target of an export that writes .xlsx only (the reports): refused unless .xlsx."""
    return export_folder.export_target(text, login, suffixes=(".xlsx",))

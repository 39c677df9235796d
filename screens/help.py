"""F1: every key of every screen on one page, read from the registry the screens fill."""

from __future__ import annotations

from collections.abc import Mapping

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from frontdesk.i18n import t
from screens import access, registry
from screens.bindings import key_label, translate_bindings, translated
from screens.widgets import FdFooter


def _rows(entry: registry.ScreenEntry, app, keymap: Mapping[str, str]) -> list[tuple[str, str]]:
    """The lines of one screen's section: its own keys, its widgets' and its other rows."""

    def may(action: str | None) -> bool:
        return app is None or action is None or access.allowed(app, action, entry.node)

    def binding_rows(bindings: list[Binding]) -> list[tuple[str, str]]:
        shown = [translated(b) for b in bindings if may(b.action.split("(")[0])]
        return [
            (key_label(keymap.get(b.id or "", b.key)), b.tooltip or b.description) for b in shown
        ]

    rows: list[tuple[str, str]] = []
    for item in entry.help:
        if isinstance(item, registry.HelpRow):
            if may(item.action):
                rows.append((item.keys, t(item.text)))
        elif item == registry.OWN_KEYS:
            rows += binding_rows(registry.own_bindings(entry.node))
        else:
            rows += binding_rows(registry.own_bindings(item))
    return rows


def _sections(app=None) -> list[tuple[str, list[tuple[str, str]]]]:
    """(title, [(keys, description)]) for each registered screen, in the registry's order.

    Given the app, only what its signed-in staff member may use (``screens.access``), and
    the keys as its keymap (``keymap.toml``) has them.
    """
    keymap: Mapping[str, str] = getattr(app, "keymap", None) or {}
    return [
        (t(entry.section), _rows(entry, app, keymap))
        for entry in registry.entries()
        if entry.section and (app is None or entry.right is None or access.may(app, entry.right))
    ]


@registry.screen(leave="close")
class HelpScreen(ModalScreen[None]):
    """Every key on one screen; Esc or F1 closes it."""

    BINDINGS = [Binding("escape,f1", "close", "key.back", id="close")]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body", classes="dialog"):
            yield Static(Content.styled(t("help.title"), "bold"), id="help-title")
            for title, rows in _sections(self.app):
                table = Table(title=Text(title, style="bold"), show_header=False, expand=True)
                table.add_column(Text(t("help.key")), style="bold", no_wrap=True, width=16)
                table.add_column(Text(t("help.action")))
                for keys, description in rows:
                    table.add_row(Text(keys), Text(description))
                yield Static(table)
            yield Static(Content.styled(t("help.close"), "dim"))
            yield Static(Content.styled(t("help.keymap"), "dim"), id="help-keymap")
        yield FdFooter()

    def action_close(self) -> None:
        self.dismiss(None)

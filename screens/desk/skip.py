"""Why the consultant at the head of the up rotation is skipped (跳过原因), asked when ``s``
is pressed on today's log: 1 with a customer (接待中: keeps the turn), 2 off the floor
(不在展厅) or 3 declined (放弃: both go to the end) — ``frontdesk.people.team.skip_head``
has the rule. The number keys choose at once; ↑ ↓ and Enter choose too; Esc backs out and
nobody is skipped. Each line says what the reason does to the turn, in words.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from frontdesk.i18n import t
from frontdesk.people import roles, team
from screens import registry
from screens.bindings import translate_bindings
from screens.widgets import FdFooter


@registry.screen(
    section="skip.section",
    order=45,
    right=roles.ROTATION_SKIP,
    help=(registry.HelpRow("↑ ↓ Enter", "skip.help.choose"), registry.OWN_KEYS),
)
class SkipScreen(ModalScreen[str | None]):
    """The three reasons for a skip; dismissed with the reason chosen, or None."""

    BINDINGS = [
        Binding("1", "reason('busy')", "skip.key.busy", tooltip="skip.help.busy", id="skip-busy"),
        Binding("2", "reason('away')", "skip.key.away", tooltip="skip.help.away", id="skip-away"),
        Binding("3", "reason('declined')", "skip.key.declined", tooltip="skip.help.declined",
                id="skip-declined"),
        Binding("escape", "back", "skip.key.cancel", tooltip="skip.help.cancel", id="skip-cancel"),
    ]  # fmt: skip

    def __init__(self, name: str) -> None:
        """``name``: the consultant at the head, whom the skip passes over (user text)."""
        super().__init__()
        translate_bindings(self)
        self.head = name

    def compose(self) -> ComposeResult:
        with Vertical(id="skip-body", classes="dialog"):
            yield Static(Content(t("skip.title", name=self.head)), classes="dialog-question")
            yield OptionList(*self._options(), id="skip-reasons")
            yield Static(Content(t("skip.hint")), classes="dialog-hint")
            yield FdFooter()

    @staticmethod
    def _options() -> list[Option]:
        """``1 接待中    保留顺位：…``: the number, the reason, what it does to the turn; the
        words of the turn line up under one another."""
        labels = [t(f"rotation.reason.{reason}") for reason in team.SKIP_REASONS]
        width = max(cell_len(label) for label in labels)
        return [
            Option(
                Content.assemble(
                    (f"{number} {label}", "bold"),
                    " " * (width - cell_len(label) + 2),
                    t(f"rotation.turn.{reason}"),
                ),
                id=reason,
            )
            for number, (reason, label) in enumerate(
                zip(team.SKIP_REASONS, labels, strict=True), start=1
            )
        ]

    def on_mount(self) -> None:
        self.query_one("#skip-reasons", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_reason(self, reason: str) -> None:
        self.dismiss(reason)

    def action_back(self) -> None:
        self.dismiss(None)

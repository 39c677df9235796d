"""F7's page of the 战败 / 失控 applications waiting for review (战败审批).

The queue (``frontdesk.followup.close_review.queue``), oldest first: ↑ ↓ choose one, ``a``
approves it (after a yes / no), ``r`` rejects it with a note (驳回, asked in a dialog, the
core's refusal beside the field). A consultant sees the applications for their own
customers, and neither key. Read in a worker, again after every decision.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable, Static

from frontdesk import clock, rules
from frontdesk.followup import close_review
from frontdesk.followup.close_review import QueueItem
from frontdesk.i18n import t
from frontdesk.people import roles
from screens import access
from screens.db import run_db
from screens.dialogs import ConfirmScreen
from screens.reports.review_dialogs import RejectScreen
from screens.tables import FdTable

PAGE = "review"
KEYS = [
    Binding("a", "review_approve", "review.key.approve", tooltip="review.help.approve_key",
            id="review-approve"),
    Binding("r", "review_reject", "review.key.reject", tooltip="review.help.reject_key",
            id="review-reject"),
]  # fmt: skip
# The decision is a manager's: a consultant reads the applications for their customers.
RIGHTS = {"review_approve": roles.CLOSE_REVIEW, "review_reject": roles.CLOSE_REVIEW}
COLUMNS = ("id", "applied_at", "kind", "name", "level", "consultant", "silent", "reason")


def load(by) -> list[QueueItem]:
    """The applications waiting, as ``by`` may see them."""
    return close_review.queue(by)


def _reason(item: QueueItem) -> str:
    reason = item.reason or "—"
    if item.competitor:
        reason = f"{item.competitor} · {reason}"
    if item.origin == close_review.BY_STORE:
        return t("review.page.by_store", reason=reason)
    return reason


def _cells(item: QueueItem) -> list[str]:
    silent = item.silent_days(clock.today()) if item.open else None
    return [
        str(item.id),
        item.applied_at.strftime("%m-%d %H:%M"),
        close_review.application_label(item.outcome),
        item.name or "—",
        item.level or "—",
        item.consultant or "—",
        "—" if silent is None else t("review.page.days", days=silent),
        _reason(item),
    ]


def detail(item: QueueItem) -> str:
    """The chosen application in one line: who, the phone, the kind, why, filed by whom."""
    applied = item.applied_by or t("review.card.by_store")
    return t(
        "review.page.detail",
        id=item.id,
        name=item.name or "—",
        phone=rules.format_phone(item.phone),
        kind=close_review.application_label(item.outcome),
        reason=_reason(item),
        by=applied,
    )


class ReviewPage(Vertical):
    """The applications waiting for a manager's decision; the screen's keys drive it."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.view: list[QueueItem] | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content(t("daily.loading")), id="review-title", classes="report-title")
        table: DataTable = FdTable(id="review-table", cursor_type="row", zebra_stripes=False)
        table.add_columns(*(Text(t(f"review.col.{key}")) for key in COLUMNS))
        yield table
        yield Static(Content(""), id="review-detail", classes="report-foot")

    def focus_body(self) -> None:
        self.query_one("#review-table").focus()

    def refresh_data(self) -> None:
        run_db(
            self,
            load,
            access.actor_of(self),
            on_done=self._show,
            on_error=self._refused,
            group="review",
            exclusive=True,
        )

    def _refused(self, error) -> None:
        self.query_one("#review-title", Static).update(Content.styled(str(error), "bold $error"))

    def _show(self, items: list[QueueItem]) -> None:
        self.view = items
        table = self.query_one("#review-table", FdTable)
        chosen = self.chosen()
        table.clear()
        for item in items:
            table.add_row(*(Text(cell) for cell in _cells(item)), key=str(item.id))
        table.settle()  # measured now: a table just shown may get its idle after a frame
        ids = [item.id for item in items]
        if chosen is not None and chosen.id in ids:
            table.move_cursor(row=ids.index(chosen.id))
        title = t("review.page.title", count=len(items)) if items else t("review.cli.none")
        self.query_one("#review-title", Static).update(Content.styled(title, "bold"))
        self._detail()
        self.screen.refresh_bindings()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._detail()

    def _detail(self) -> None:
        item = self.chosen()
        line = self.query_one("#review-detail", Static)
        line.update(Content(detail(item)) if item else Content(""))

    def chosen(self) -> QueueItem | None:
        if not self.view:
            return None
        row = self.query_one("#review-table", DataTable).cursor_row
        return self.view[row] if 0 <= row < len(self.view) else None

    # -- what the keys do ----------------------------------------------------------------

    def may(self, action: str) -> bool:
        return self.chosen() is not None

    def approve(self) -> None:
        item = self.chosen()
        if item is None:
            return
        by = access.actor_of(self)

        def decide() -> object:
            return close_review.approve(item.id, by=by)

        def answered(yes: bool | None) -> None:
            if yes:
                run_db(self, decide, on_done=done)

        def done(_) -> None:
            self.notify(t("review.page.approved", name=item.name, id=item.id), markup=False)
            self.refresh_data()

        question = t(
            "review.page.confirm",
            id=item.id,
            name=item.name or "—",
            kind=close_review.application_label(item.outcome),
        )
        self.app.push_screen(ConfirmScreen(question), answered)

    def reject(self) -> None:
        item = self.chosen()
        if item is None:
            return
        by = access.actor_of(self)

        def save(note: str):
            return close_review.reject(item.id, note, by=by)

        def done(result) -> None:
            if result is None:
                return
            self.notify(t("review.page.rejected", name=item.name, id=item.id), markup=False)
            self.refresh_data()

        title = t("review.page.reject_title", id=item.id, name=item.name or "—")
        self.app.push_screen(RejectScreen(title, save), done)

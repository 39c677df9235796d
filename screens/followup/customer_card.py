"""A customer's card (客户信息卡): who they are, when they are due, and their whole
history, newest first — every registration, contact, level change, revival, close,
reassignment and application to close (with the manager's decision), each with when and
who; an application waiting for approval is said under the facts. The same keys as the
contact table act on them: ``c`` contact, ``l`` level, ``x`` close (a consultant: apply),
``r`` reassign.
"""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from frontdesk import clock, rules
from frontdesk.followup import customer_card
from frontdesk.followup.customer_card import CustomerCard, HistoryEntry
from frontdesk.i18n import t
from screens import access, registry
from screens.bindings import translate_bindings
from screens.db import run_db
from screens.followup.contact_forms import ContactTarget, CustomerActions
from screens.tables import FdTable
from screens.widgets import FdFooter, FdHeader

HISTORY_COLUMNS = ("at", "what", "level", "staff", "text")


def _what(entry: HistoryEntry) -> str:
    if entry.kind == "registration":
        return t(f"kind.{entry.method}")
    if entry.kind == "contact":
        return t(f"contacts.method.{entry.method}")
    if entry.kind == "close":
        if not entry.outcome:
            return t("contacts.card.closed_level")
        return t("contacts.card.close", outcome=t(f"contacts.outcome.{entry.outcome}"))
    if entry.kind == "reassign":
        return t("contacts.card.reassign")
    if entry.kind == "revival":
        return t("contacts.card.revival")
    if entry.kind == "apply":
        return t(f"review.kind.{entry.outcome}")
    if entry.kind == "review":
        return t(f"review.card.{entry.status}", kind=t(f"review.kind.{entry.outcome}"))
    return t("contacts.card.level_change")


def _level(entry: HistoryEntry) -> str:
    if entry.kind in ("level", "revival"):
        return f"{entry.from_level or '—'}→{entry.level}"
    if entry.kind == "close":
        return f"{entry.from_level or '—'}→{t('contacts.card.closed_level')}"
    return entry.level or ""


def _who(entry: HistoryEntry) -> str:
    if entry.staff:
        return entry.staff
    if entry.kind == "apply" and entry.origin == "auto":
        return t("review.card.by_store")
    if entry.actor in ("desk", "operator"):
        return t(f"contacts.card.by_{entry.actor}")
    return "—"


def _text(entry: HistoryEntry) -> str:
    if entry.kind in ("level", "revival"):
        return t(f"contacts.card.via_{entry.via}") if entry.via else ""
    if entry.kind in ("close", "apply"):
        return "  ".join(part for part in (entry.competitor, entry.text) if part)
    if entry.kind == "reassign":
        return f"{entry.from_consultant or '—'}→{entry.to_consultant or '—'}"
    if entry.next_date is not None:
        agreed = t("contacts.card.agreed", date=entry.next_date.strftime("%m-%d"))
        return f"{entry.text} {agreed}".strip()
    return entry.text


def history_cells(entry: HistoryEntry) -> list[Text]:
    """One row of the history: when, what, the level, who, the details."""
    cells = [
        entry.at.strftime("%Y-%m-%d %H:%M"),
        _what(entry),
        _level(entry),
        _who(entry),
        _text(entry),
    ]
    return [Text(cell) for cell in cells]  # user text: never markup


@registry.screen(place=registry.CONTACTS)
class CustomerScreen(CustomerActions, Screen):
    """One customer with their history; Esc goes back to the contact table."""

    BINDINGS = [
        Binding("c", "contact", "contacts.key.contact", id="contact"),
        Binding("l", "level", "contacts.key.level", id="level"),
        Binding("x", "close_customer", "contacts.key.close", id="close-customer"),
        Binding("r", "reassign", "contacts.key.reassign", id="reassign"),
        Binding("escape", "back", "key.back", id="back"),
    ]

    def __init__(self, customer_id: int) -> None:
        super().__init__()
        translate_bindings(self)
        self.customer_id = customer_id
        self.card: CustomerCard | None = None

    def compose(self) -> ComposeResult:
        yield FdHeader(id="header")
        yield Static(Content(""), id="card-title")
        yield Static(Content(""), id="card-info")
        table = FdTable(id="card-history", cursor_type="row", zebra_stripes=True)
        for key in HISTORY_COLUMNS:
            table.add_column(t(f"contacts.card.col_{key}"), key=key)
        yield table
        yield FdFooter()

    def on_mount(self) -> None:
        self.query_one("#card-history").focus()
        self.refresh_data()

    def on_screen_resume(self) -> None:
        if self.card is not None:  # back from a form over the card
            self.refresh_data()

    def refresh_data(self) -> None:
        run_db(
            self,
            partial(customer_card.customer_card, by=access.actor_of(self)),
            self.customer_id,
            on_done=self._show,
            group="card", exclusive=True,
        )  # fmt: skip

    def _show(self, card: CustomerCard) -> None:
        self.card = card
        phone = rules.format_phone(card.phone)
        self.query_one("#card-title", Static).update(
            Content.assemble(
                (t("contacts.card.title"), "bold"), " ", (card.name or "—", "bold"), "  ", phone
            )
        )
        today = clock.today()
        facts = [
            t("contacts.card.level", level=card.level or "—"),
            t("contacts.card.consultant", name=card.consultant or "—"),
            t("contacts.card.model", model=card.model or "—"),
            t("contacts.card.source", source=card.source),
            t("contacts.card.first", date=_day(card.first_contact)),
            t("contacts.card.last", date=_day(card.last_contact)),
        ]
        lines = [Content("  ·  ".join(facts))]
        if card.level is not None:
            due = t("contacts.card.due", date=_day(card.next_due))
            overdue = card.overdue_days(today)
            late = t("contacts.current.overdue", days=overdue) if overdue else ""
            lines.append(Content.assemble(due, (f"  {late}" if late else "", "bold $error")))
        elif card.closed_as:
            closed = t(
                "contacts.card.closed",
                outcome=t(f"contacts.outcome.{card.closed_as}"),
                date=card.closed_at.strftime("%Y-%m-%d") if card.closed_at else "—",
            )
            details = [closed]
            if card.competitor:
                details.append(t("contacts.card.competitor", competitor=card.competitor))
            if card.close_reason:
                details.append(t("contacts.card.reason", reason=card.close_reason))
            lines.append(Content.styled("  ·  ".join(details), "bold"))
        else:
            lines.append(Content.styled(t("contacts.card.not_intent"), "dim"))
        if card.pending_outcome and card.pending_since:
            waiting = t(
                "review.card.pending",
                kind=t(f"review.kind.{card.pending_outcome}"),
                date=card.pending_since.strftime("%Y-%m-%d"),
            )
            lines.append(Content.styled(waiting, "bold $warning"))
        self.query_one("#card-info", Static).update(Content("\n").join(lines))
        table = self.query_one("#card-history", FdTable)
        table.clear()
        for entry in card.entries:
            table.add_row(*history_cells(entry))
        table.settle()

    def contact_target(self) -> ContactTarget | None:
        card = self.card
        if card is None:
            return None
        return ContactTarget(
            card.id, card.name, card.phone, card.level, card.consultant, card.source
        )

    def action_back(self) -> None:
        self.dismiss()


def _day(value) -> str:
    return value.isoformat() if value else "—"

"""F6: the intent-customer contact table (意向客户接触状况表).

One row per open intent customer in due order (most overdue first), the days of the month
with the level at each contact and ``*`` on planned days; overdue rows in red. Enter opens
the customer, ``c`` records a contact, ``l`` changes the level (through a contact), ``x``
closes, ``r`` reassigns; ``,``/``.`` change the month, ``/`` searches (name, phone digits,
pinyin initials), ``f`` ``v`` ``o`` ``d`` filter by consultant, level, overdue, due today.
A consultant signed in sees their own customers first (``f`` and Enter on a blank line
shows everyone's). The rows are a virtual grid (``ContactGrid``) paged from the store.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static

from frontdesk import bounds, clock, months, rules
from frontdesk.followup import contact_table
from frontdesk.followup.contact_table import TableFilter, Totals
from frontdesk.i18n import t
from frontdesk.people import roles, team
from frontdesk.people.actor import DESK
from screens import access, registry
from screens.bindings import translate_bindings
from screens.db import run_db
from screens.followup.contact_forms import ContactTarget, CustomerActions, StaffChoiceScreen
from screens.followup.contact_grid import ContactGrid
from screens.followup.customer_card import CustomerScreen
from screens.widgets import FdFooter, FdHeader, FdInput, show

SEARCH_DELAY_S = 0.25
# The footer shows ", . 月份": one word for the two month keys (F1 and the palette name each).
MONTH_KEYS = Binding.Group("contacts.key.month")
LEVEL_FILTERS = (None, *rules.LEVELS)


@registry.screen(
    section="contacts.help.section",
    order=90,
    right=roles.CONTACTS_VIEW,
    help=(registry.OWN_KEYS, ContactGrid),
    place=registry.CONTACTS,
    entrance=True,
)
class ContactsScreen(CustomerActions, Screen):
    """The contact table: who is due, who is overdue, and what was done this month."""

    BINDINGS = [
        # Priority: on the search line Enter moves to the table within the key press, so the
        # keys typed right after it (c, l, x…) reach the table, not the search.
        Binding("enter", "open_customer", "contacts.key.open_customer",
                tooltip="contacts.help.open_customer", priority=True, id="open-customer"),
        Binding("c", "contact", "contacts.key.contact", tooltip="contacts.help.contact",
                id="contact"),
        Binding("l", "level", "contacts.key.level", tooltip="contacts.help.level", id="level"),
        Binding("x", "close_customer", "contacts.key.close", tooltip="contacts.help.close",
                id="close-customer"),
        Binding("r", "reassign", "contacts.key.reassign", tooltip="contacts.help.reassign",
                id="reassign"),
        Binding("slash", "search", "contacts.key.search", tooltip="contacts.help.search",
                id="search"),
        Binding("comma", "month(-1)", "contacts.key.prev_month",
                tooltip="contacts.help.prev_month", id="prev-month", group=MONTH_KEYS),
        Binding("full_stop", "month(1)", "contacts.key.next_month",
                tooltip="contacts.help.next_month", id="next-month", group=MONTH_KEYS),
        Binding("f", "filter_consultant", "contacts.key.consultant",
                tooltip="contacts.help.consultant", show=False, id="by-consultant"),
        Binding("v", "filter_level", "contacts.key.level_filter",
                tooltip="contacts.help.level_filter", show=False, id="by-level"),
        Binding("o", "filter_due('overdue')", "contacts.key.overdue",
                tooltip="contacts.help.overdue", show=False, id="overdue"),
        Binding("d", "filter_due('today')", "contacts.key.due_today",
                tooltip="contacts.help.due_today", show=False, id="due-today"),
        Binding("escape", "back", "contacts.key.back", tooltip="contacts.help.back", id="back"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        today = clock.today()
        # Who reads it is set on mount; until then the desk, which sees no row.
        self.filter = TableFilter(month=months.month_of(today), today=today, viewer=DESK)
        self.consultant_name = ""
        self.consultant_ids: dict[str, int] = {}
        self._search_timer = None
        self._place_days = True  # bring today (or the month's first day) into view

    def compose(self) -> ComposeResult:
        yield FdHeader(id="header")
        yield Static(Content(""), id="contacts-title")
        # An FdInput: typing the search repaints the line alone, not the whole screen.
        yield FdInput(id="contacts-search", compact=True, max_length=rules.MAX_NAME)
        yield ContactGrid(id="contacts-grid")
        yield Static(Content(""), id="contacts-current")
        yield Static(Content(""), id="contacts-foot")
        yield FdFooter()

    @property
    def grid(self) -> ContactGrid:
        return self.query_one(ContactGrid)

    def on_mount(self) -> None:
        self.query_one("#contacts-search").display = False
        viewer = access.actor_of(self)
        self.filter = self.filter.with_(viewer=viewer)  # the core narrows every query to it
        if viewer.staff is not None and roles.own_customers_only(viewer):
            # A consultant's table is their own customers: say so in the title.
            self.filter = self.filter.with_(consultant_id=viewer.staff_id)
            self.consultant_name = viewer.staff.name
        self.grid.focus()
        self._show_title()
        self.refresh_data()

    def on_screen_resume(self) -> None:
        if self.grid.loaded:  # back from a dialog, a card or a form (not the first showing)
            self.refresh_data()

    # -- loading --------------------------------------------------------------------------

    def refresh_data(self) -> None:
        """Reload the rows in view and the totals (workers; called on every commit seen).

        Both start at once, each on its own thread and connection: the foot (a few kept
        counts, ``contact_table.totals``) paints as soon as it comes, with the rows or
        before them, never held back by them.
        """
        today = clock.today()
        if today != self.filter.today:  # past midnight: overdue counts from the new day
            self.filter = self.filter.with_(today=today)
        self.grid.reload(self.filter)
        run_db(self, contact_table.totals, self.filter, on_done=self._show_totals,
               group="contact-totals", exclusive=True)  # fmt: skip

    def _reload(self) -> None:
        self._show_title()
        self.refresh_data()

    def on_contact_grid_loaded(self, event: ContactGrid.Loaded) -> None:
        if self._place_days:
            self._place_days = False
            # After the refresh that applies the new virtual size (and so the scroll range).
            if months.month_of(self.filter.today) == self.filter.month:
                self.grid.call_after_refresh(self.grid.show_day, self.filter.today.day)
            else:
                self.grid.call_after_refresh(self.grid.show_first_day)

    def _show_title(self) -> None:
        f = self.filter
        parts = [t("contacts.title"), f.month.strftime("%Y-%m")]
        if f.consultant_id:
            parts.append(t("contacts.filter.consultant", name=self.consultant_name))
        if f.level:
            parts.append(t("contacts.filter.level", level=f.level))
        if f.due:
            parts.append(t(f"contacts.filter.{f.due}"))
        if f.search.strip():
            parts.append(t("contacts.filter.search", text=f.search.strip()))
        show(
            self.query_one("#contacts-title", Static),
            Content.assemble((parts[0], "bold"), " · ", Content(" · ".join(parts[1:]))),
        )

    def _show_totals(self, totals: Totals) -> None:
        levels = " ".join(f"{level} {totals.by_level.get(level, 0)}" for level in rules.LEVELS)
        text = t(
            "contacts.foot.line",
            total=totals.open,
            levels=levels,
            overdue=totals.overdue,
            due_today=totals.due_today,
        )
        flow = t(
            "contacts.foot.month",
            carried=totals.carried,
            carried_closed=sum(totals.carried_closed.values()),
            new=totals.new,
            leads=totals.leads,
        )
        closed = t("contacts.foot.closed", closed=contact_table.closes_text(totals.closed))
        show(self.query_one("#contacts-foot", Static), Content(f"{text}\n{flow}\n{closed}"))

    def on_contact_grid_cursor_moved(self, event: ContactGrid.CursorMoved) -> None:
        line = self.query_one("#contacts-current", Static)
        grid = event.grid
        if not grid.total:
            key = "contacts.none_filtered" if self.filter.is_filtered else "contacts.none"
            show(line, Content.styled(t(key), "dim"))
            return
        if event.row is None:
            show(line, Content.styled(t("contacts.loading"), "dim"))
            return
        row = event.row.row
        overdue = row.overdue_days(self.filter.today)
        due = row.next_due.strftime("%m-%d") if row.next_due else "—"
        status = t("contacts.current.overdue", days=overdue) if overdue else ""
        if row.closed_as and row.closed_at:
            status = t(
                "contacts.current.closed",
                outcome=t(f"contacts.outcome.{row.closed_as}"),
                date=row.closed_at.strftime("%m-%d"),
            )
        elif row.is_lead:
            status = t("contacts.current.lead")
        text = t(
            "contacts.current.line",
            number=grid.cursor + 1,
            total=grid.total,
            name=row.name or "—",
            phone=rules.format_phone(row.phone),
            level=row.level,
            consultant=row.consultant or "—",
            last=row.last_contact.strftime("%m-%d") if row.last_contact else "—",
            due=due,
        )
        show(line, Content.assemble(Content(text), (f" {status}" if status else "", "bold $error")))

    # -- the customer under the cursor ----------------------------------------------------

    def contact_target(self) -> ContactTarget | None:
        current = self.grid.current()
        if current is None:
            return None
        row = current.row
        return ContactTarget(
            row.id, row.name, row.phone, row.level, row.consultant or "", row.source
        )

    def action_open_customer(self) -> None:
        search = self.query_one("#contacts-search", Input)
        if search.has_focus:
            self.grid.hold()  # keys pressed next wait for the rows of this search
            self.set_focus(self.grid)
            search.call_later(self._finish_search, search)  # after the keys it already has
            return
        target = self.contact_target()
        if target is not None:
            self.app.push_screen(CustomerScreen(target.customer_id))

    # -- months, filters, search ----------------------------------------------------------

    def action_month(self, delta: int) -> None:
        month = months.shift_month(self.filter.month, delta)
        if not bounds.month_in_range(month, self.filter.today):
            self.app.bell()
            self.notify(
                bounds.month_range_message(self.filter.today), severity="warning", markup=False
            )
            return
        self.filter = self.filter.with_(month=month)
        self._place_days = True
        self._reload()

    def action_filter_level(self) -> None:
        index = LEVEL_FILTERS.index(self.filter.level)
        self.filter = self.filter.with_(level=LEVEL_FILTERS[(index + 1) % len(LEVEL_FILTERS)])
        self._reload()

    def action_filter_due(self, mode: str) -> None:
        self.filter = self.filter.with_(due=None if self.filter.due == mode else mode)
        self._reload()

    def action_filter_consultant(self) -> None:
        def chosen(name: str | None) -> None:
            if name is None:
                return
            self.consultant_name = name
            self.filter = self.filter.with_(consultant_id=self.consultant_ids.get(name))
            self._reload()

        def loaded(members) -> None:
            self.consultant_ids = {member.name: member.id for member in members}
            title = t("contacts.choose.filter")
            names = list(self.consultant_ids)
            self.app.push_screen(StaffChoiceScreen(title, names, allow_all=True), chosen)

        run_db(self, team.consultants, on_done=loaded)

    def action_search(self) -> None:
        search = self.query_one("#contacts-search", Input)
        search.display = True
        search.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "contacts-search":
            return
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY_S, self._apply_search)

    def _apply_search(self) -> None:
        self._search_timer = None
        text = self.query_one("#contacts-search", Input).value
        if text != self.filter.search:
            self.filter = self.filter.with_(search=text)
            self.grid.move_to(0)
            self._reload()
        elif self.grid.filter == self.filter:
            self.grid.release()  # the rows on screen are already this search's

    def _finish_search(self, search: Input) -> None:
        """Enter on the search line: search now, and hide the line if it is empty."""
        if self._search_timer is not None:
            self._search_timer.stop()
        self._apply_search()
        if not search.value.strip():
            search.display = False

    def action_back(self) -> None:
        """Esc: leave the search line, then drop the filters, then go back to the log."""
        search = self.query_one("#contacts-search", Input)
        if search.has_focus or search.value:
            if self._search_timer is not None:
                self._search_timer.stop()
            search.value = ""
            search.display = False
            self.grid.focus()
            if self.filter.search:
                self.filter = self.filter.with_(search="")
                self._reload()
            return
        if self.filter.is_filtered:
            self.filter = self.filter.with_(consultant_id=None, level=None, due=None, search="")
            self._reload()
            return
        self.dismiss()

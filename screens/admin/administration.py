"""F9: the admin's screen (系统管理) — the staff, their SSH keys, the store's settings and its
code lists, each on a page of its own, with no shell needed.

Tab and Shift+Tab (or 1–4) turn the pages; ↑ ↓ move in the list; the keys of the page act on
the highlighted row. Staff: ``a`` adds a member, ``r`` (or Enter) changes their role, ``x``
records that they left (or came back), ``p`` sets their PIN, ``d`` puts a consultant on duty
or off. Keys: ``a`` adds a pasted public key, ``x`` removes one. Settings: Enter or ``e``
changes one. Code lists: ``a`` adds a name, ``r`` (or Enter) corrects one, ``x`` retires or
restores it. The footer names what ``x`` will do to the highlighted row. Esc (or F4) goes
back to today's log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Static

from frontdesk.errors import FrontdeskError, ValidationError
from frontdesk.i18n import t
from frontdesk.people import roles
from frontdesk.people.actor import Actor
from frontdesk.store import codes
from frontdesk.store.models import Staff, StaffKey
from screens import access, registry
from screens.admin import sections
from screens.admin.people_actions import PeopleActions
from screens.admin.sections import SECTIONS, AdminData
from screens.admin.store_actions import StoreActions
from screens.bindings import translate_bindings
from screens.db import run_db
from screens.tables import FdTable
from screens.widgets import FdFooter, FdHeader

# The page each page-bound action belongs to (its key does nothing on another page).
PAGE_OF = {
    "add_member": "staff",
    "role": "staff",
    "deactivate": "staff",
    "reactivate": "staff",
    "pin": "staff",
    "duty": "staff",
    "add_key": "keys",
    "remove_key": "keys",
    "change_setting": "settings",
    "add_code": "codes",
    "rename_code": "codes",
    "retire_code": "codes",
    "restore_code": "codes",
}
# Enter on a row: the page's main change.
ENTER_ACTION = {"staff": "role", "settings": "change_setting", "codes": "rename_code"}


@registry.screen(
    section="admin.help.section",
    order=110,
    right=roles.STAFF_MANAGE,
    help=(
        registry.HelpRow("↑ ↓ PgUp PgDn", "admin.help.move"),
        registry.HelpRow("Enter", "admin.help.enter"),
        registry.OWN_KEYS,
    ),
    place=registry.ADMIN,
    entrance=True,
)
class AdminScreen(PeopleActions, StoreActions, Screen):
    """The staff, SSH keys, settings and code lists, a page each."""

    BINDINGS = [
        Binding("tab", "section(1)", "admin.key.next_section", tooltip="admin.help.next_section",
                id="admin-next"),
        Binding("shift+tab", "section(-1)", "admin.key.prev_section",
                tooltip="admin.help.prev_section", show=False, id="admin-prev"),
        Binding("1", "show('staff')", "admin.key.staff", tooltip="admin.help.staff", show=False,
                id="admin-staff"),
        Binding("2", "show('keys')", "admin.key.keys", tooltip="admin.help.keys", show=False,
                id="admin-keys"),
        Binding("3", "show('settings')", "admin.key.settings", tooltip="admin.help.settings",
                show=False, id="admin-settings"),
        Binding("4", "show('codes')", "admin.key.codes", tooltip="admin.help.codes", show=False,
                id="admin-codes"),
        Binding("a", "add_member", "admin.key.add_member", tooltip="admin.help.add_member",
                id="admin-add-member"),
        Binding("r", "role", "admin.key.role", tooltip="admin.help.role", id="admin-role"),
        Binding("x", "deactivate", "admin.key.deactivate", tooltip="admin.help.deactivate",
                id="admin-deactivate"),
        Binding("x", "reactivate", "admin.key.reactivate", tooltip="admin.help.reactivate",
                id="admin-reactivate"),
        Binding("p", "pin", "admin.key.pin", tooltip="admin.help.pin", id="admin-pin"),
        Binding("d", "duty", "admin.key.duty", tooltip="admin.help.duty", id="admin-duty"),
        Binding("a", "add_key", "admin.key.add_key", tooltip="admin.help.add_key",
                id="admin-add-key"),
        Binding("x", "remove_key", "admin.key.remove_key", tooltip="admin.help.remove_key",
                id="admin-remove-key"),
        Binding("e", "change_setting", "admin.key.change_setting",
                tooltip="admin.help.change_setting", id="admin-change-setting"),
        Binding("a", "add_code", "admin.key.add_code", tooltip="admin.help.add_code",
                id="admin-add-code"),
        Binding("r", "rename_code", "admin.key.rename_code", tooltip="admin.help.rename_code",
                id="admin-rename-code"),
        Binding("x", "retire_code", "admin.key.retire_code", tooltip="admin.help.retire_code",
                id="admin-retire-code"),
        Binding("x", "restore_code", "admin.key.restore_code",
                tooltip="admin.help.restore_code", id="admin-restore-code"),
        Binding("escape", "back", "admin.key.back", tooltip="admin.help.back", id="admin-back"),
        # F4 goes back to the log as everywhere, without a second place in the footer.
        Binding("f4", "back", "admin.key.back", tooltip="admin.help.back", show=False,
                id="admin-log"),
    ]  # fmt: skip
    ACTION_RIGHTS = {
        "add_member": roles.STAFF_MANAGE,
        "role": roles.STAFF_MANAGE,
        "deactivate": roles.STAFF_MANAGE,
        "reactivate": roles.STAFF_MANAGE,
        "pin": roles.STAFF_MANAGE,
        "duty": roles.STAFF_MANAGE,
        "add_key": roles.KEYS_MANAGE,
        "remove_key": roles.KEYS_MANAGE,
        "change_setting": roles.SETTINGS_MANAGE,
        "add_code": roles.CODES_MANAGE,
        "rename_code": roles.CODES_MANAGE,
        "retire_code": roles.CODES_MANAGE,
        "restore_code": roles.CODES_MANAGE,
    }

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.section = SECTIONS[0]
        self.data: AdminData | None = None
        self._rows_width = 0  # the width the rows were last laid out for
        self._keys_shown: tuple[str, bool | None] | None = None  # what the footer was drawn for

    def compose(self) -> ComposeResult:
        yield FdHeader(id="header")
        yield Static(Content(""), id="admin-tabs")
        with ContentSwitcher(initial=f"admin-{self.section}", id="admin-pages"):
            for section in SECTIONS:
                table = FdTable(id=f"admin-{section}", cursor_type="row", zebra_stripes=True)
                for label in sections.columns(section):
                    table.add_column(label)
                yield table
        yield Static(Content(""), id="admin-detail")
        yield Static(Content(""), id="admin-status")
        yield FdFooter()

    def on_mount(self) -> None:
        self._show_tabs()
        self.table().focus()
        self.refresh_data()

    def on_screen_resume(self) -> None:
        if self.data is not None:  # back from a form (the first load is on mount)
            self.refresh_data()

    # -- the pages ----------------------------------------------------------------------

    def table(self, section: str | None = None) -> FdTable:
        return self.query_one(f"#admin-{section or self.section}", FdTable)

    def action_section(self, delta: int) -> None:
        self.action_show(SECTIONS[(SECTIONS.index(self.section) + delta) % len(SECTIONS)])

    def action_show(self, section: str) -> None:
        self.section = section
        self.query_one(ContentSwitcher).current = f"admin-{section}"
        self.table().focus()
        self._show_tabs()
        self._show_detail()
        self._refresh_keys()

    def _show_tabs(self) -> None:
        parts: list[Content | str] = [Content.styled(t("admin.title"), "bold"), " "]
        for number, section in enumerate(SECTIONS, start=1):
            label = f" {number} {t(f'admin.section_{section}')} "
            parts.append(Content.styled(label, "reverse bold" if section == self.section else ""))
        self.query_one("#admin-tabs", Static).update(Content.assemble(*parts))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        page = PAGE_OF.get(action)
        if page is not None and page != self.section:
            return False
        if action in ("deactivate", "reactivate", "retire_code", "restore_code"):
            # One key, x, says what it will do to the highlighted row.
            active = getattr(self._current(), "active", None)
            if active is None or active != (action in ("deactivate", "retire_code")):
                return False
        return access.allowed(self, action)

    # -- loading ------------------------------------------------------------------------

    def refresh_data(self) -> None:
        """Read the four pages again (a worker; also when another terminal changed them)."""
        run_db(
            self,
            sections.load,
            access.actor_of(self),
            on_done=self._show,
            on_error=self._refused,
            group="admin",
            exclusive=True,
        )

    def _show(self, data: AdminData) -> None:
        self.data = data
        self._rows_width = self.size.width
        for section in SECTIONS:
            table = self.table(section)
            kept = self._cursor_key(table)
            table.clear()
            rows = sections.rows_of(section, data, self.size.width)
            for key, cells in rows:
                table.add_row(*cells, key=key)
            table.settle()
            keys_ = [key for key, _ in rows]
            if kept in keys_:
                table.move_cursor(row=keys_.index(kept))
        self._show_detail()
        self._refresh_keys()

    def _refresh_keys(self) -> None:
        """Redraw the footer when what it shows changes: the page, or what x will do."""
        shown = (self.section, getattr(self._current(), "active", None))
        if shown != self._keys_shown:
            self._keys_shown = shown
            self.refresh_bindings()

    def on_resize(self) -> None:
        # The settings' descriptions get the room there is. Only a new width lays the rows
        # out again: a screen's first resize, arriving late on a loaded machine, rebuilt
        # the tables under a snapshot with half their columns measured.
        if self.data is not None and self.size.width != self._rows_width:
            self._show(self.data)

    @staticmethod
    def _cursor_key(table: DataTable) -> str | None:
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.data_table is self.table():
            self._show_detail()
            self._refresh_keys()  # x: deactivate or reactivate, retire or restore

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        action = ENTER_ACTION.get(self.section)
        if action and self.check_action(action, ()):
            getattr(self, f"action_{action}")()

    def _show_detail(self) -> None:
        detail = ""
        empty = {"staff": "admin.no_staff", "keys": "admin.no_keys", "codes": "admin.no_codes"}
        if self.data is not None:
            row = self._current()
            if row is None:
                detail = t(empty[self.section]) if self.section in empty else ""
            elif isinstance(row, Staff):
                detail = sections.staff_detail(row)
            elif isinstance(row, StaffKey):
                detail = sections.key_detail(row)
            elif isinstance(row, codes.Code):
                detail = sections.code_detail(row)
            else:
                detail = sections.setting_detail(row[0])
        self.query_one("#admin-detail", Static).update(Content(detail))

    def _current(self) -> Any:
        """The row under the cursor on this page, as the core gave it (None: no rows)."""
        key = self._cursor_key(self.table())
        if self.data is None or key is None:
            return None
        if self.section == "staff":
            return next((m for m in self.data.staff if str(m.id) == key), None)
        if self.section == "keys":
            return next((k for k in self.data.keys if str(k.id) == key), None)
        if self.section == "settings":
            return next((s for s in self.data.settings if s[0].key == key), None)
        return next((c for c in self.data.codes if str(c.id) == key), None)

    # -- what was done ------------------------------------------------------------------

    def say(self, message: str, error: bool = False) -> None:
        """What the last change did (or why it was refused), on the line above the keys."""
        text = Content.styled(message, "bold $error") if error else Content(message)
        self.query_one("#admin-status", Static).update(text)

    def _refused(self, error: FrontdeskError) -> None:
        if isinstance(error, ValidationError):  # the sentences, never the field's name
            self.say(" ".join(error.errors.values()), error=True)
        else:
            self.say(str(error), error=True)

    def _run(self, job: Callable[..., Any], *args: Any, then: Callable[[Any], str]) -> None:
        """Run a change in a worker; say what it did, read the pages again."""

        def done(result: Any) -> None:
            self.say(then(result))
            self.refresh_data()

        run_db(self, job, *args, on_done=done, on_error=self._refused)

    def _open(self, form: Any, then: Callable[[Any], str]) -> None:
        """Open a form; when it saved, say what it did and read the pages again."""

        def closed(result: Any) -> None:
            if result is not None:
                self.say(then(result))
                self.refresh_data()

        self.app.push_screen(form, closed)

    @property
    def by(self) -> Actor:
        return access.actor_of(self)

    def action_back(self) -> None:
        self.app.pop_screen()

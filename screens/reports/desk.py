"""F7: the manager's reports (主管报表), a page for each kind: the consultants' daily
reports (营业日报表) and their sign-off, the 战败 / 失控 applications to review (战败审批),
the reports against the registration log (对账), the follow-up compliance (跟进达成), the
month's loss analysis (销售促成失控(败)分析表), the consultants' targets against their
actuals (营业目标计划与实际比较表).

The pages are laid out as the admin's (F9) are: their names at the top (1 … turn to one),
one page shown, the keys of the page shown in the footer. A page is a widget with its own
``KEYS`` (bound here, so that the footer, F1 and the palette list them with the screen's),
``RIGHTS`` and a ``may(action)`` that says which of them do something now; each action is
named after its page (``daily_sign``) and runs on it only. Esc (or F4) goes back to
today's log.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Static

from frontdesk.i18n import t
from frontdesk.people import roles
from screens import access, registry
from screens.bindings import translate_bindings
from screens.reports import (
    compliance_page,
    daily_page,
    losses_page,
    reconcile_page,
    review_page,
    targets_page,
    ups_page,
)
from screens.reports.compliance_page import CompliancePage
from screens.reports.daily_page import DailyPage
from screens.reports.losses_page import LossesPage
from screens.reports.reconcile_page import ReconcilePage
from screens.reports.review_page import ReviewPage
from screens.reports.targets_page import TargetsPage
from screens.reports.ups_page import UpsPage
from screens.widgets import FdFooter, FdHeader

# The pages, in their order on the tabs (1, 2 …): id, its class, the right it needs.
PAGES = (
    (daily_page.PAGE, DailyPage, roles.REPORT_VIEW),
    (review_page.PAGE, ReviewPage, roles.CLOSE_APPLY),
    (reconcile_page.PAGE, ReconcilePage, roles.RECONCILE_VIEW),
    (compliance_page.PAGE, CompliancePage, roles.CONTACTS_VIEW),
    (losses_page.PAGE, LossesPage, roles.LOSSES_VIEW),
    (targets_page.PAGE, TargetsPage, roles.TARGETS_VIEW),
    (ups_page.PAGE, UpsPage, roles.UPS_VIEW),
)


@registry.screen(
    section="daily.help.section",
    order=105,
    right=roles.REPORT_VIEW,
    help=(registry.HelpRow("↑ ↓ PgUp PgDn", "daily.help.scroll"), registry.OWN_KEYS),
    place=registry.REPORTS,
    entrance=True,
)
class ReportsScreen(Screen):
    """The manager's reports, a page each."""

    BINDINGS = [
        # 1 … 7 turn to a page, in the order of PAGES (the tabs' numbers).
        *(Binding(str(number), f"page('{page_id}')", f"daily.key.page_{page_id}",
                  tooltip=f"daily.help.page_{page_id}_key", show=False, id=f"reports-{page_id}")
          for number, (page_id, _, _) in enumerate(PAGES, start=1)),
        *daily_page.KEYS,
        *review_page.KEYS,
        *reconcile_page.KEYS,
        *compliance_page.KEYS,
        *losses_page.KEYS,
        *targets_page.KEYS,
        *ups_page.KEYS,
        Binding("escape", "back", "daily.key.back", tooltip="daily.help.back_key",
                id="reports-back"),
        # F4 goes back to the log as everywhere, without a second place in the footer.
        Binding("f4", "back", "daily.key.back", tooltip="daily.help.back_key", show=False,
                id="reports-log"),
    ]  # fmt: skip
    ACTION_RIGHTS = {
        **daily_page.RIGHTS,
        **review_page.RIGHTS,
        **reconcile_page.RIGHTS,
        **compliance_page.RIGHTS,
        **losses_page.RIGHTS,
        **targets_page.RIGHTS,
        **ups_page.RIGHTS,
    }

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.page_id = PAGES[0][0]

    def compose(self) -> ComposeResult:
        yield FdHeader(id="header")
        yield Static(Content(""), id="reports-tabs")
        with ContentSwitcher(initial=f"reports-{self.page_id}", id="reports-pages"):
            for page_id, page, _ in PAGES:
                yield page(id=f"reports-{page_id}")
        yield FdFooter()

    def on_mount(self) -> None:
        self._show_tabs()
        self.page().focus_body()
        self.refresh_data()

    def on_screen_resume(self) -> None:
        if self.page().view is not None:  # back from a dialog (the first read is on mount)
            self.refresh_data()

    def page(self) -> Any:
        """The page shown (each has ``refresh_data``, ``focus_body``, ``may`` and ``view``)."""
        return self.query_one(f"#reports-{self.page_id}")

    def refresh_data(self) -> None:
        """Read the page shown again (also when another terminal committed)."""
        self.page().refresh_data()

    def _show_tabs(self) -> None:
        parts: list[Content | str] = [Content.styled(t("daily.page.title"), "bold"), " "]
        for number, (page_id, _, right) in enumerate(PAGES, start=1):
            if not access.may(self, right):
                continue
            label = f" {number} {t(f'daily.page.{page_id}')} "
            parts.append(Content.styled(label, "reverse bold" if page_id == self.page_id else ""))
        self.query_one("#reports-tabs", Static).update(Content.assemble(*parts))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "page" and parameters:
            rights = {page_id: right for page_id, _, right in PAGES}
            return access.may(self, rights.get(str(parameters[0]), roles.REPORT_VIEW))
        page, _, _ = action.partition("_")  # a page's action: daily_sign
        on_a_page = page in {page_id for page_id, _, _ in PAGES}
        if on_a_page and (page != self.page_id or not self.page().may(action)):
            return False
        return access.allowed(self, action)

    # -- the keys ------------------------------------------------------------------------

    def action_page(self, page_id: str) -> None:
        self.page_id = page_id
        self.query_one(ContentSwitcher).current = f"reports-{page_id}"
        self.page().focus_body()
        self._show_tabs()
        self.refresh_bindings()
        self.refresh_data()

    def action_daily_move(self, delta: int) -> None:
        self.page().move(delta)

    def action_daily_today(self) -> None:
        self.page().today()

    def action_daily_consultant(self) -> None:
        self.page().choose_consultant()

    def action_daily_sign(self) -> None:
        self.page().sign()

    def action_daily_unsigned(self) -> None:
        self.page().oldest_unsigned()

    def action_review_approve(self) -> None:
        self.page().approve()

    def action_review_reject(self) -> None:
        self.page().reject()

    def action_reconcile_move(self, delta: int) -> None:
        self.page().move(delta)

    def action_reconcile_today(self) -> None:
        self.page().today()

    def action_compliance_month(self, delta: int) -> None:
        self.page().move(delta)

    def action_daily_export(self) -> None:
        self.page().export()

    def action_compliance_group(self) -> None:
        self.page().toggle_group()

    def action_losses_month(self, delta: int) -> None:
        self.page().move(delta)

    def action_losses_export(self) -> None:
        self.page().export()

    def action_losses_group(self) -> None:
        self.page().toggle_group()

    def action_targets_month(self, delta: int) -> None:
        self.page().move(delta)

    def action_targets_edit(self) -> None:
        self.page().edit()

    def action_targets_export(self) -> None:
        self.page().export()

    def action_ups_month(self, delta: int) -> None:
        self.page().move(delta)

    def action_back(self) -> None:
        self.app.pop_screen()

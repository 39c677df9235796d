"""User text is data, never markup: every place a screen shows what someone typed.

A store where every text a user types — customer names, notes, models and channels (the
store's code lists), staff names, contact accounts, close reasons, competitors, the store's
name — is one of five bracketed texts (``NAMES``). Each place is visited through Pilot and
read off the terminal as it is drawn (the screen's composited lines, cell by cell, cropped
to the widget): the texts must appear exactly as typed, and nothing drawn may carry a link
or a click action (what ``[link=…]`` and ``[@click=…]`` would make if they were parsed).
A place that parses markup loses the brackets (``[VIP]王五`` → ``王五``), or draws a link,
or crashes on ``[/x]``: its test fails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.widget import Widget
from textual.widgets import DataTable, Input, OptionList

from frontdesk.desk import registration
from frontdesk.followup import contacts
from frontdesk.people import team
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.store import codes, settings
from frontdesk.store.models import Registration, Staff
from screens.app import FrontdeskApp
from screens.desk.conflict import ConflictScreen
from screens.desk.day_log import DayLogScreen
from screens.desk.duty import DutyScreen
from screens.desk.registration_form import RegistrationScreen
from screens.followup.contact_forms import CloseScreen, ContactScreen, StaffChoiceScreen
from screens.followup.contacts import ContactsScreen
from screens.followup.customer_card import CustomerScreen
from screens.sign_in import SignInScreen
from screens.stats.statistics import StatisticsScreen
from tests.actors import as_member
from tests.conftest import FROZEN_NOW, settle, shoot

NAMES = ("[VIP]王五", "[/x]", "[b]粗[/b]", "[@click=app.quit]x[/]", "[link=http://x]y[/link]")
STORE_NAME = "[VIP]丰田[/VIP][b]4S店[/b]"
RECEPTIONIST, MANAGER = "[VIP]前台", "[b]主管[/b]"
SIZE = (160, 40)  # wide enough that no text here is cut (the grid's fixed columns aside)
TALL = (160, 100)  # the statistics: the three splits under the figures and the chart
# The contact table's name column is 10 cells wide: a longer name is cut, as it is typed.
GRID_NAME = {
    "[VIP]王五": "[VIP]王五",
    "[/x]": "[/x]",
    "[b]粗[/b]": "[b]粗[/b]",
    "[@click=app.quit]x[/]": "[@click=a…",
    "[link=http://x]y[/link]": "[link=htt…",
}
# The day's log cuts a name, model, channel or consultant at 6 to 8 cells: each one's start
# shows, brackets and all; its notes show whole.
LOG_START = {
    "[VIP]王五": "[VIP]",
    "[/x]": "[/x]",
    "[b]粗[/b]": "[b]粗",
    "[@click=app.quit]x[/]": "[@cli",
    "[link=http://x]y[/link]": "[link",
}


def shifted(index: int, by: int) -> str:
    return NAMES[(index + by) % len(NAMES)]


@dataclass(frozen=True)
class Typed:
    """One open intent customer and every text typed about them."""

    phone: str  # as typed
    shown_phone: str  # as the screens group it
    name: str
    model: str
    channel: str
    consultant: str
    notes: str
    account: str  # of the contact made today


@dataclass(frozen=True)
class Closed:
    id: int
    name: str
    reason: str
    competitor: str


@dataclass(frozen=True)
class Store:
    customers: list[Typed]
    closed: list[Closed]
    manager: Staff
    folder: Path  # where an export may be written

    def customer(self, name: str) -> Typed:
        return next(c for c in self.customers if c.name == name)


@pytest.fixture
def bracketed(db, tmp_path):
    """Five consultants named ``NAMES``, the code lists made of them, five customers
    registered this morning with every text one of them, and five closed customers."""
    settings.put(settings.STORE_NAME, STORE_NAME)
    settings.put(settings.WELCOMED, "1")
    for number, name in enumerate(NAMES, start=1):
        team.add_staff(name, "consultant", login=f"gw{number}", by=OPERATOR)
    team.add_staff(RECEPTIONIST, "receptionist", login="qiantai", by=OPERATOR)
    manager = team.add_staff(MANAGER, "manager", login="zhuguan", by=OPERATOR)
    codes.add(codes.MODEL, *NAMES)
    codes.add(codes.CHANNEL, *NAMES)
    customers = [
        Typed(
            phone=f"1380000000{i + 1}",
            shown_phone=f"138 0000 000{i + 1}",
            name=name,
            model=shifted(i, 1),
            channel=shifted(i, 2),
            consultant=shifted(i, 3),
            notes=shifted(i, 4),
            account=shifted(i, 2),
        )
        for i, name in enumerate(NAMES)
    ]
    for i, customer in enumerate(customers):
        data = registration.RegistrationInput(
            kind="walkin",
            time_in=FROZEN_NOW.replace(hour=9, minute=i),
            phone=customer.phone,
            name=customer.name,
            model=customer.model,
            channel=customer.channel,
            consultant=customer.consultant,
            notes=customer.notes,
            level="B",
        )
        saved = registration.register(data, by=DESK)
        contact = contacts.ContactInput(
            method="call", at=FROZEN_NOW.replace(minute=10), account=customer.account
        )
        contacts.record_contact(saved.customer_id, contact, by=OPERATOR)
    closed = []
    for i, reason in enumerate(NAMES):
        name = f"结案{i + 1}"
        data = registration.RegistrationInput(
            kind="walkin",
            time_in=dt.datetime(2026, 10, 20, 9, i),  # closed in October: not in November's table
            phone=f"1390000000{i + 1}",
            name=name,
            level="A",
            consultant=NAMES[i],
        )
        saved = registration.register(data, by=DESK)
        competitor = shifted(i, 1)
        contacts.close_customer(
            saved.customer_id,
            "defeat",
            reason=reason,
            competitor=competitor,
            by=OPERATOR,
            at=dt.datetime(2026, 10, 21, 9, i),
        )
        closed.append(Closed(saved.customer_id, name, reason, competitor))
    return Store(customers, closed, manager, tmp_path)


# -- reading the terminal ----------------------------------------------------------------


def drawn_lines(app, widget: Widget) -> list[str]:
    """The lines the terminal shows inside ``widget`` (its border and padding left out)."""
    region = widget.content_region
    strips = app.screen._compositor.render_strips()  # what export_screenshot draws, as cells
    return [strip.crop(region.x, region.right).text for strip in strips[region.y : region.bottom]]


def drawn(app, widget: Widget) -> str:
    """What ``widget`` shows as one text: a text wrapped or folded over lines reads whole."""
    return "".join(line.strip() for line in drawn_lines(app, widget))


def assert_inert(app) -> None:
    """Nothing on the terminal is a link or a click action: no user text became one."""
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            style = segment.style
            if style is None:
                continue
            assert not style.link, f"a link is drawn: {segment.text!r} → {style.link}"
            assert "@click" not in (style.meta or {}), f"a click action on {segment.text!r}"


class Reader:
    """Checks what widgets show; counts the checks, so a visit that checks nothing fails."""

    def __init__(self, pilot) -> None:
        self.pilot = pilot
        self.app = pilot.app
        self.checks = 0

    def widget(self, target: str | Widget) -> Widget:
        return self.app.screen.query_one(target) if isinstance(target, str) else target

    def shows(self, target: str | Widget, *texts: str) -> None:
        widget = self.widget(target)
        text = drawn(self.app, widget)
        for typed in texts:
            assert typed in text, f"{typed!r} not shown as typed in {widget!r}: {text!r}"
            self.checks += 1
        assert_inert(self.app)

    def toast_shows(self, *texts: str) -> None:
        toasts = list(self.app.screen.query("Toast"))
        assert toasts, "no notification is shown"
        self.shows(toasts[-1], *texts)
        self.app.clear_notifications()

    async def press(self, *keys: str, delay: float = 0.0) -> None:
        for key in keys:
            await self.pilot.press(key)
        await settle(self.pilot, delay)

    async def type(self, text: str, delay: float = 0.0) -> None:
        await self.press(*text, delay=delay)

    async def fill(self, target: str | Widget, text: str, delay: float = 0.0) -> None:
        """Put ``text`` in an input at once, as a paste would (the same events as typing)."""
        field = self.widget(target)
        assert isinstance(field, Input)
        field.focus()
        field.value = text
        await settle(self.pilot, delay)


Visit = Callable[[Reader, Store], Awaitable[None]]
PLACES: dict[str, Visit] = {}


def place(name: str):
    def register(visit: Visit) -> Visit:
        PLACES[name] = visit
        return visit

    return register


async def search_contacts(reader: Reader, text: str) -> None:
    """F6's search line: ``/``, the text, Enter (the rows of that search come)."""
    await reader.press("slash")
    await reader.fill("#contacts-search", text)
    await reader.press("enter")


async def open_contacts(reader: Reader) -> ContactsScreen:
    await reader.press("f6")
    screen = reader.app.screen
    assert isinstance(screen, ContactsScreen)
    return screen


# -- the places ----------------------------------------------------------------------------


@place("header")
async def visit_header(reader: Reader, store: Store) -> None:
    reader.shows("#header", STORE_NAME, MANAGER)


@place("day-log")
async def visit_day_log(reader: Reader, store: Store) -> None:
    assert isinstance(reader.app.screen, DayLogScreen)
    lines = drawn_lines(reader.app, reader.widget("#log-table"))
    for customer in store.customers:
        row = next(line for line in lines if customer.shown_phone in line)
        for typed in (customer.name, customer.model, customer.channel, customer.consultant):
            assert LOG_START[typed] in row, f"{typed!r} not shown as typed in the log row {row!r}"
            reader.checks += 1
        assert customer.notes in row, f"{customer.notes!r} not shown as typed in {row!r}"
        reader.checks += 1
    reader.shows("#log-rotation", *NAMES)


@place("duty-roster")
async def visit_duty(reader: Reader, store: Store) -> None:
    await reader.press("d")
    assert isinstance(reader.app.screen, DutyScreen)
    reader.shows("#duty-list", *NAMES)


@place("sign-in")
async def visit_sign_in(reader: Reader, store: Store) -> None:
    """The sign-in list (the app asks at start), then the header of each one signed in."""
    app = reader.app
    for number, name in enumerate(NAMES, start=1):
        if number > 1:  # asked again, as at start
            app.push_screen(SignInScreen(team.list_staff(True)), app._signed_in)
            await settle(reader.pilot)
        assert isinstance(app.screen, SignInScreen)
        reader.shows("#sign-in-list", *NAMES, RECEPTIONIST, MANAGER)
        options = app.screen.query_one("#sign-in-list", OptionList)
        await reader.press(*["down"] * options.get_option_index(f"gw{number}"))
        await reader.press("enter")
        assert app.staff is not None and app.staff.name == name
        reader.shows("#header", STORE_NAME, name)


@place("form-known-customer")
async def visit_form_known(reader: Reader, store: Store) -> None:
    """F2, a known phone: the known-customer line, the prefilled fields, the consultant hint."""
    for number, customer in enumerate(store.customers):
        await reader.press("f2")
        assert isinstance(reader.app.screen, RegistrationScreen)
        if number == 0:
            proposed = team.proposed_consultant()
            assert proposed is not None
            reader.shows("#hint-consultant", proposed.name)  # the head of the up rotation
        await reader.fill("#phone", customer.phone, delay=0.4)  # the lookup waits a moment
        reader.shows("#known", customer.name, customer.consultant)
        reader.shows("#name", customer.name)
        reader.shows("#model", customer.model)
        reader.shows("#channel", customer.channel)
        reader.shows("#consultant", customer.consultant)
        reader.shows("#hint-consultant", customer.consultant)
        await reader.press("escape", "y")  # typed in: asked first, then nothing kept
        assert isinstance(reader.app.screen, DayLogScreen)


@place("form-choices-and-errors")
async def visit_form_choices(reader: Reader, store: Store) -> None:
    """The matches under model, channel and consultant as typed; an unknown one refused."""
    await reader.press("f2")
    form = reader.app.screen
    assert isinstance(form, RegistrationScreen)
    for field_id in ("model", "channel", "consultant"):
        for name in NAMES:
            await reader.fill(f"#{field_id}", name[:3])
            reader.shows(f"#hint-{field_id}", name)
            reader.shows(f"#{field_id}", name[:3])
        await reader.fill(f"#{field_id}", "")
    await reader.fill("#model", "")
    await reader.type("[VIP]无此车")  # typed, key by key
    await reader.press("enter")
    reader.shows("#hint-model", "[VIP]无此车")
    reader.shows("#model", "[VIP]无此车")


@place("conflict")
async def visit_conflict(reader: Reader, store: Store) -> None:
    """Theirs against yours: who saved, and the values of both, as typed."""
    customer = store.customers[-1]  # the log's cursor starts on the last row: theirs
    await reader.press("e")
    form = reader.app.screen
    assert isinstance(form, RegistrationScreen) and form.edit_id
    saved = Registration.get_by_id(form.edit_id)
    assert saved.name == customer.name
    theirs = registration.to_input(saved)
    theirs.name, theirs.notes = NAMES[0], NAMES[2]
    registration.update(saved.id, theirs, saved.version, by=as_member(store.manager))
    form.query_one("#name", Input).focus()
    await reader.press("end", *"!", "ctrl+s")
    assert isinstance(reader.app.screen, ConflictScreen)
    reader.shows("#conflict-who", MANAGER)
    # name: theirs [VIP]王五, yours [link=…]y[/link]!; notes: theirs [b]粗[/b], yours [@click=…]
    reader.shows("#conflict-table", NAMES[0], customer.name + "!", NAMES[2], customer.notes)


@place("contact-table")
async def visit_contact_table(reader: Reader, store: Store) -> None:
    """F6: the rows (the name column as it fits), then the line under the cursor."""
    screen = await open_contacts(reader)
    lines = drawn_lines(reader.app, screen.grid)
    for name in NAMES:
        assert any(GRID_NAME[name] in line for line in lines), (name, lines)
        reader.checks += 1
    seen = []
    for _ in NAMES:
        current = screen.grid.current()
        assert current is not None
        customer = store.customer(current.row.name)
        reader.shows("#contacts-current", customer.name, customer.consultant)
        seen.append(customer.name)
        await reader.press("down")
    assert sorted(seen) == sorted(NAMES)


@place("contact-search")
async def visit_contact_search(reader: Reader, store: Store) -> None:
    """F6's search: what is typed, in the search line and the title, and what it finds."""
    screen = await open_contacts(reader)
    for name in NAMES:
        await search_contacts(reader, name)
        reader.shows("#contacts-search", name)
        reader.shows("#contacts-title", name)
        assert screen.grid.total == 1
        reader.shows("#contacts-current", name)
        await reader.press("escape")


@place("consultant-filter")
async def visit_consultant_filter(reader: Reader, store: Store) -> None:
    """F6 ``f``: the consultants to choose from, the match, the filter in the title."""
    screen = await open_contacts(reader)
    for name in NAMES:
        await reader.press("f")
        assert isinstance(reader.app.screen, StaffChoiceScreen)
        reader.shows("#staff-hint", *NAMES, MANAGER)
        await reader.fill("#staff-choice", name)
        reader.shows("#staff-matches", name)
        await reader.press("enter")
        assert reader.app.screen is screen
        reader.shows("#contacts-title", name)
        reader.shows("#contacts-current", name)  # their one customer
        await reader.press("escape")
    await reader.press("f")
    await reader.fill("#staff-choice", "[VIP]无此人")
    await reader.press("enter")
    reader.shows("#staff-matches", "[VIP]无此人")


@place("customer-card")
async def visit_customer_card(reader: Reader, store: Store) -> None:
    """Each open customer's card: its title, the facts, the history."""
    screen = await open_contacts(reader)
    for _ in NAMES:
        current = screen.grid.current()
        assert current is not None
        customer = store.customer(current.row.name)
        await reader.press("enter")
        assert isinstance(reader.app.screen, CustomerScreen)
        reader.shows("#card-title", customer.name)
        reader.shows("#card-info", customer.consultant, customer.model)
        reader.shows("#card-history", customer.consultant, customer.notes, customer.account)
        await reader.press("escape", "down")


@place("closed-card")
async def visit_closed_card(reader: Reader, store: Store) -> None:
    """A closed customer's card: the close reason and the competitor, above and in the
    history."""
    for closed in store.closed:
        reader.app.push_screen(CustomerScreen(closed.id))
        await settle(reader.pilot)
        reader.shows("#card-title", closed.name)
        reader.shows("#card-info", closed.reason, closed.competitor)
        reader.shows("#card-history", closed.reason, closed.competitor)
        await reader.press("escape")


@place("contact-dialog")
async def visit_contact_dialog(reader: Reader, store: Store) -> None:
    """``c`` on a customer: the dialog's title, the account typed, the notification."""
    await open_contacts(reader)
    for customer in store.customers:
        await search_contacts(reader, customer.phone)
        await reader.press("c")
        dialog = reader.app.screen
        assert isinstance(dialog, ContactScreen)
        reader.shows(".dialog-question", customer.name, customer.consultant)
        await reader.fill("#account", customer.notes)
        reader.shows("#account", customer.notes)
        await reader.press("ctrl+s")
        assert isinstance(reader.app.screen, ContactsScreen)
        reader.toast_shows(customer.name)
        await reader.press("escape")


@place("close-dialog")
async def visit_close_dialog(reader: Reader, store: Store) -> None:
    """``x`` on a customer: the title, the reason and competitor typed, the notification."""
    await open_contacts(reader)
    for customer in store.customers:
        await search_contacts(reader, customer.phone)
        await reader.press("x")
        dialog = reader.app.screen
        assert isinstance(dialog, CloseScreen)
        reader.shows(".dialog-question", customer.name)
        await reader.press("f")  # defeat: a reason and the competitor
        await reader.fill("#reason", customer.notes)
        await reader.fill("#competitor", customer.model)
        reader.shows("#reason", customer.notes)
        reader.shows("#competitor", customer.model)
        await reader.press("ctrl+s")
        assert isinstance(reader.app.screen, ContactsScreen)
        reader.toast_shows(customer.name)
        await reader.press("escape")


@place("reassign-dialog")
async def visit_reassign(reader: Reader, store: Store) -> None:
    """``r`` on a customer: the title (who, and their consultant), the list, the notification."""
    await open_contacts(reader)
    for number, customer in enumerate(store.customers):
        await search_contacts(reader, customer.phone)
        await reader.press("r")
        assert isinstance(reader.app.screen, StaffChoiceScreen)
        reader.shows(".dialog-question", customer.name, customer.consultant)
        reader.shows("#staff-hint", *NAMES)
        other = shifted(number, 4)  # never their own consultant (shifted by 3)
        await reader.fill("#staff-choice", other)
        await reader.press("enter")
        assert isinstance(reader.app.screen, ContactsScreen)
        reader.toast_shows(customer.name, other)
        await reader.press("escape")


@place("statistics-splits")
async def visit_statistics(reader: Reader, store: Store) -> None:
    """F5: the day's splits by channel, by model and by consultant."""
    await reader.press("f5")
    assert isinstance(reader.app.screen, StatisticsScreen)
    for split in ("channel", "model", "consultant"):
        table = reader.app.screen.query_one(f"#stats-{split}", DataTable)
        assert table.row_count >= len(NAMES)
        reader.shows(table, *NAMES)


@place("export-notification")
async def visit_export(reader: Reader, store: Store) -> None:
    """F5 ``x``: the file name typed, in the field and in the notification of the export."""
    await reader.press("f5", "x")
    path = str(store.folder / "[VIP]王五[b]月报.xlsx")
    await reader.fill("#export-path", path)
    await reader.press("end")  # the end of a long path in view
    reader.shows("#export-path", "[VIP]王五[b]月报.xlsx")
    await reader.press("enter")
    assert (store.folder / "[VIP]王五[b]月报.xlsx").exists()
    reader.toast_shows("[VIP]王五[b]月报.xlsx")


@pytest.mark.parametrize("where", PLACES)
async def test_user_text_is_shown_as_typed(bracketed, where):
    """Every place that shows user text draws ``[VIP]王五``, ``[/x]``, ``[b]粗[/b]``,
    ``[@click=app.quit]x[/]`` and ``[link=http://x]y[/link]`` literally, and inert."""
    signing_in = where == "sign-in"
    app = FrontdeskApp(
        staff=None if signing_in else bracketed.manager,
        store_name=settings.store_name(),
        watch_interval=None,
        sign_in=team.list_staff(active_only=True) if signing_in else None,
    )
    size = TALL if where == "statistics-splits" else SIZE
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        reader = Reader(pilot)
        await PLACES[where](reader, bracketed)
        assert reader.checks, "the visit checked nothing"
        assert app.is_running  # [@click=app.quit] quit nothing


async def test_the_goodbye_of_a_member_who_leaves_names_them_as_typed(bracketed, capfd):
    """The line left on the terminal when the signed-in member is deactivated."""
    member = team.find_staff("gw4")  # [@click=app.quit]x[/]
    app = FrontdeskApp(staff=member, store_name=settings.store_name(), watch_interval=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        capfd.readouterr()
        app._deactivated()
        await pilot.pause()
    printed = capfd.readouterr()
    assert f"{member.name} " in printed.out + printed.err


async def test_the_welcome_takes_the_store_and_staff_names_as_typed(db, make_app):
    """First run: the store's name and the staff typed on the welcome screen, then shown."""
    app = make_app(show_welcome=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        reader = Reader(pilot)
        await reader.fill("#store-name", STORE_NAME)
        await reader.fill("#consultants", "、".join(NAMES))
        await reader.fill("#models", "、".join(NAMES))
        reader.shows("#store-name", STORE_NAME)
        await reader.press("ctrl+s")
        assert isinstance(app.screen, DayLogScreen)
        reader.shows("#header", STORE_NAME)
        reader.shows("#log-rotation", *NAMES)
    assert codes.names(codes.MODEL) == list(NAMES)


def test_bracketed_card_snapshots(snap_compare, bracketed):
    """The card of ``[VIP]王五`` at 80×24: every text on it as typed."""
    app = FrontdeskApp(
        staff=bracketed.manager, store_name=settings.store_name(), watch_interval=None
    )
    wang = bracketed.customer("[VIP]王五")
    keys = ("f6", "slash", *wang.phone, "enter", "enter")
    assert shoot(snap_compare, app, (80, 24), *keys)

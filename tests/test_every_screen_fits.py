"""Every screen at 80×24, in both languages: no label, hint, title or key is cut.

A text is cut when the terminal shows less of it than it says: a one-line text wider than
its widget, a wrapping text with more lines than its widget is high, or a widget reaching
past the terminal's right edge. User data cut on purpose at a fixed width (a long name in
the log, ending in "…") lives in tables, which this does not read; every word this reads
comes from the catalogue or is a figure.
"""

from __future__ import annotations

import datetime as dt

import pytest
from rich.cells import cell_len
from rich.text import Text
from textual.content import Content
from textual.widgets import Static

from frontdesk import i18n
from frontdesk.desk import registration
from frontdesk.people.actor import DESK
from screens.widgets import FdFooter, line_width
from tests.conftest import FROZEN_NOW, settle

WIDTH, HEIGHT = 80, 24


def shown_text(widget: Static) -> str | None:
    """The plain text a Static shows, or None for what is not text (a table, a chart)."""
    content = widget.render()  # what it draws (a hint beside a field: the clauses that fit)
    if isinstance(content, Content | Text):
        return content.plain
    if isinstance(content, str):
        return Content.from_markup(content).plain if widget._render_markup else content
    return None


def cuts(app) -> list[str]:
    """What the screen shows cut, one line each: the text and why."""
    found = []
    for widget in app.screen.query("*"):
        if not widget.display or not widget.visible or not widget.region.area:
            continue
        if widget.region.right > WIDTH:
            found.append(f"{type(widget).__name__} #{widget.id} past the right edge")
            continue
        if isinstance(widget, FdFooter):
            room = widget.content_size.width
            if line_width(widget.shown()) > room:
                found.append(f"the footer's keys are wider than its {room} cells")
            continue
        if not isinstance(widget, Static):
            continue
        text = shown_text(widget)
        if not text:
            continue
        width, height = widget.content_size
        if widget.styles.text_wrap == "nowrap" or (height == 1 and "\n" not in text):
            wide = [line for line in text.split("\n") if cell_len(line) > width]
            if wide:
                found.append(f"{wide[0]!r} is wider than its {width} cells")
            continue
        lines = sum(len(Content(line).wrap(width) or [""]) for line in text.split("\n"))
        if lines > height:
            found.append(f"{text!r} needs {lines} lines, has {height}")
    return found


@pytest.fixture
def busy_day(showroom):
    """A walk-in still in the showroom with a known customer, and an intent customer."""
    registration.register(
        registration.RegistrationInput(
            kind="walkin",
            time_in=FROZEN_NOW - dt.timedelta(minutes=40),
            phone="13812345678",
            name="张三",
            level="A",
            model="凯美瑞",
            consultant="李娜",
        ),
        by=DESK,
    )
    return showroom


def _page_key(page: str) -> str:
    """The number key of an F7 page: its place on the tabs."""
    from screens.reports.desk import PAGES

    return str([page_id for page_id, _, _ in PAGES].index(page) + 1)


# Each screen by the keys a manager presses from today's log to reach it.
VISITS = [
    pytest.param((), id="day-log"),
    pytest.param(("f2",), id="walk-in-form"),
    pytest.param(("f3",), id="call-form"),
    pytest.param(("e",), id="edit-form"),
    pytest.param(("o",), id="departure"),
    pytest.param(("d",), id="duty-roster"),
    pytest.param(("s",), id="skip-reason"),
    pytest.param(("f1",), id="help"),
    pytest.param(("ctrl+p",), id="palette"),
    pytest.param(("f5",), id="statistics"),
    pytest.param(("f5", "m"), id="month-sheet"),
    pytest.param(("f5", "question_mark"), id="formulas"),
    pytest.param(("f5", "x"), id="export"),
    pytest.param(("f6",), id="contacts"),
    pytest.param(("f6", "enter"), id="customer-card"),
    pytest.param(("f6", "c"), id="contact-dialog"),
    pytest.param(("f6", "x"), id="close-dialog"),
    pytest.param(("f6", "r"), id="reassign-dialog"),
    pytest.param(("f6", "slash"), id="search"),
    pytest.param(("f7",), id="daily-report"),
    pytest.param(("f7", "c", "down", "enter"), id="daily-report-rows"),  # 李娜's walk-in
    pytest.param(("f7", "s"), id="sign-report"),
    pytest.param(("f7", "c"), id="whose-report"),
    pytest.param(("f7", "2"), id="review-queue"),
    pytest.param(("f7", "3", "left"), id="reconcile"),  # 11-24: 张三's walk-in
    pytest.param(("f7", "4"), id="compliance"),
    pytest.param(("f7", _page_key("ups")), id="ups"),
]


@pytest.mark.parametrize("keys", VISITS)
@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_every_screen_shows_its_words_whole_at_80x24(busy_day, make_app, language, keys):
    i18n.set_language(language)
    app = make_app(staff=busy_day["chenjing"])
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        assert cuts(app) == []


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_the_welcome_shows_its_words_whole_at_80x24(db, make_app, language):
    i18n.set_language(language)
    app = make_app(show_welcome=True)
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await settle(pilot)
        assert cuts(app) == []


# The admin's pages (F9), and a form over them.
ADMIN_VISITS = [
    pytest.param(("f9",), id="staff"),
    pytest.param(("f9", "2"), id="keys"),
    pytest.param(("f9", "3"), id="settings"),
    pytest.param(("f9", "4"), id="code-lists"),
    pytest.param(("f9", "a"), id="add-member"),
]


@pytest.mark.parametrize("keys", ADMIN_VISITS)
@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_the_admins_pages_show_their_words_whole_at_80x24(showroom, make_app, language, keys):
    from frontdesk.people import team
    from frontdesk.people.actor import OPERATOR

    i18n.set_language(language)
    admin = team.add_staff("周杰", "admin", by=OPERATOR)
    app = make_app(staff=admin)
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        assert cuts(app) == []


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_the_sign_in_shows_its_words_whole_and_only_its_keys(showroom, language):
    from frontdesk.people import team
    from screens.app import FrontdeskApp
    from screens.sign_in import SignInScreen

    i18n.set_language(language)
    app = FrontdeskApp(watch_interval=None, sign_in=team.list_staff(active_only=True))
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert cuts(app) == []
        shown = {item.key for item in app.screen.query_one(FdFooter).shown()}
        assert not shown & {"f2", "f3", "f4", "f5", "f6", "f9"}  # nothing to do before F-keys

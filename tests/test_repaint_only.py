"""What a key, the clock and another desk's save cost the UI thread: lines repainted alone
where nothing moves, no reload piled on a running one, the worker threads behind the UI.

Each of these was time between a key and its frame (``bench/bench_latency.py``): a layout
of the whole screen is 7–40 ms of the UI thread, a repaint of F6's grid 5–20 ms.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import threading

import pytest
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from frontdesk.desk import registration
from frontdesk.people.actor import DESK
from frontdesk.store.models import Registration
from screens import db
from screens.desk.day_log import DayLogScreen
from screens.desk.registration_form import RegistrationScreen
from screens.followup.contact_grid import HEADER_LINES, ContactGrid
from screens.followup.contacts import ContactsScreen
from screens.widgets import FdHeader, show
from tests.conftest import FROZEN_NOW, screen_text, settle, settle_until, type_as_a_terminal


def walkin(phone: str, name: str, **more) -> Registration:
    at = FROZEN_NOW - dt.timedelta(hours=1)
    data = registration.RegistrationInput(
        kind="walkin", time_in=at, phone=phone, name=name, level="H", **more
    )
    return registration.register(data, by=DESK)


@pytest.fixture
def layouts(monkeypatch) -> list[str]:
    """The screens laid out, by name, from now on."""
    laid_out: list[str] = []
    real = Screen._refresh_layout

    def counting(self, *args, **kwargs):
        laid_out.append(type(self).__name__)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Screen, "_refresh_layout", counting)
    return laid_out


async def test_the_clock_ticking_and_a_hint_changing_lay_nothing_out(showroom, make_app, layouts):
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RegistrationScreen)
        await settle(pilot)
        layouts.clear()
        header = form.query_one(FdHeader)
        for _ in range(3):
            header.refresh_clock()
        form._set_hint("phone", Content("另一个提示"))
        await settle(pilot)
        assert "RegistrationScreen" not in layouts
        assert "另一个提示" in screen_text(app)  # repainted all the same


async def test_a_line_that_takes_more_lines_is_laid_out_again(showroom, make_app, layouts):
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        known = app.screen.query_one("#known", Static)
        show(known, Content("一行"))
        await settle(pilot)
        layouts.clear()
        show(known, Content("第一行\n第二行"))
        await settle(pilot)
        assert layouts  # the banner grew: the fields below it move down
        assert known.size.height == 2
        assert "第二行" in screen_text(app)


async def test_typing_a_search_on_f6_lays_nothing_out(showroom, make_app, layouts):
    walkin("13812345678", "张三")
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, ContactsScreen)
        await pilot.press("slash")
        await settle(pilot)
        layouts.clear()
        await type_as_a_terminal(pilot, "138")
        await pilot.pause()
        # F6 is not laid out again; the day's log under it may be, by its own timers.
        assert "ContactsScreen" not in layouts
        assert "138" in screen_text(app)


async def test_a_new_count_moves_the_scroll_bar_without_a_layout(showroom, make_app, layouts):
    for number in range(30):  # more rows than the grid shows: a scroll bar
        walkin(f"1381234{number:04d}", f"客户{number}")
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        grid = app.screen.query_one(ContactGrid)
        assert grid.total == 30 and grid.show_vertical_scrollbar
        layouts.clear()
        walkin("13900001111", "新来的")  # another desk's save
        app.screen.refresh_data()
        await settle_until(pilot, lambda: grid.total == 31)
        assert layouts == []
        assert grid.virtual_size.height == 31 + HEADER_LINES
        assert grid.vertical_scrollbar.window_virtual_size == 31 + HEADER_LINES
        # the new count is the scroll range
        assert grid.max_scroll_y == 31 + HEADER_LINES - grid.scrollable_content_region.height


async def test_a_reload_to_the_same_rows_does_not_repaint_the_grid(showroom, make_app, monkeypatch):
    walkin("13812345678", "张三")
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        painted: list[int] = []
        real = ContactGrid.render_line

        def counting(self, y):
            painted.append(y)
            return real(self, y)

        monkeypatch.setattr(ContactGrid, "render_line", counting)
        app.screen.refresh_data()  # a commit elsewhere that changed nothing shown here
        await settle(pilot)
        assert painted == []
        walkin("13900001111", "李四")  # one that did: the new row is painted
        app.screen.refresh_data()
        await settle_until(pilot, lambda: "李四" in screen_text(app))
        assert painted


async def test_a_replaced_load_still_running_holds_back_the_next_reload(
    showroom, make_app, monkeypatch
):
    """A load that a newer one replaced (exclusive: cancelled) runs on to its end; a poll
    started one more beside it, and with a desk saving every moment they piled up."""
    app = make_app(watch_interval=0.1)
    loads: list[str] = []
    go_on = threading.Event()
    real_load = DayLogScreen.load

    def load():
        loads.append("start")
        if len(loads) == 1:  # the first one waits; the one that replaces it does not
            assert go_on.wait(10)
        return real_load()

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        monkeypatch.setattr(DayLogScreen, "load", staticmethod(load))
        screen = app.screen
        screen.refresh_data()
        for _ in range(100):
            await pilot.pause(0.05)
            if loads:
                break
        screen.refresh_data()  # replaces the first, which still waits
        walkin("13812345678", "第一位")
        await pilot.pause(0.6)  # six polls see the commit while the first load waits
        assert loads == ["start", "start"]
        assert db.busy(screen)
        go_on.set()
        await settle_until(pilot, lambda: len(loads) == 3 and not db.busy(screen))
        await settle_until(pilot, lambda: "第一位" in screen_text(app))


LOWEST_PRIORITY = 19  # nice's highest value


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own priority")
async def test_the_store_is_read_on_threads_behind_the_ui_thread(showroom, make_app):
    app = make_app()
    seen: list[int] = []
    ui = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    if ui >= LOWEST_PRIORITY:  # the run itself is at the lowest priority (nice 19)
        pytest.skip("the tests already run at the lowest priority: no lower one to see")

    def job() -> None:
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        db.run_db(app.screen, job)
        await settle(pilot)
        assert seen and seen[0] > ui
        assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == ui

"""Pilot tests: the contact table (F6), the customer card and the follow-up dialogs, by keys."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Static

from frontdesk.desk import registration
from frontdesk.followup import contacts, cycles
from frontdesk.followup.contact_table import Mark
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.store import codes
from frontdesk.store.models import Contact, Customer, LevelChange
from screens.desk.day_log import DayLogScreen
from screens.dialogs import ConfirmScreen
from screens.followup.contact_forms import CloseScreen, ContactScreen, StaffChoiceScreen
from screens.followup.contact_grid import DAY_WIDTH, DAYS_AT, FIXED_WIDTH, HEADER_LINES, ContactGrid
from screens.followup.contacts import ContactsScreen
from screens.followup.customer_card import CustomerScreen
from tests.conftest import FROZEN_NOW, screen_text, settle, settle_until, type_as_a_terminal


def walkin(phone: str, name: str, level: str, days_ago: int, **more) -> Customer:
    at = FROZEN_NOW - dt.timedelta(days=days_ago, hours=1)
    data = registration.RegistrationInput(
        kind="walkin", time_in=at, phone=phone, name=name, level=level, **more
    )
    return Customer.get_by_id(registration.register(data, by=DESK).customer_id)


@pytest.fixture
def intent(showroom):
    """Four open intent customers: 张三 overdue since the 22nd (H, met on the 20th), 李四 due
    today (A, 李娜's), [/x] due 12-02 (B, met today), [VIP]王五 due 12-08 (C)."""
    return {
        "zhang": walkin("13812345678", "张三", "H", 5, model="凯美瑞"),
        "li": walkin("13912345678", "李四", "A", 3, consultant="李娜"),
        "wang": walkin("13700001111", "[VIP]王五", "C", 1),
        "x": walkin("13600002222", "[/x]", "B", 0),
    }


def grid(app) -> ContactGrid:
    return app.screen.query_one(ContactGrid)


def names(app) -> list[str]:
    return [row.row.name for row in grid(app).loaded_rows()]


def text_of(app, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}", Static).render())


async def open_table(pilot) -> ContactsScreen:
    await settle(pilot)
    await pilot.press("f6")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ContactsScreen)
    return pilot.app.screen


async def test_f6_opens_the_table_in_the_order_customers_entered_it_with_literal_names(
    intent, make_app, showroom
):
    app = make_app(staff=showroom["chenjing"])  # a manager: everyone's customers
    async with app.run_test(size=(80, 24)) as pilot:
        await open_table(pilot)
        # 序号 by the day each became an intent customer: 20th, 22nd, 24th, 25th.
        assert names(app) == ["张三", "李四", "[VIP]王五", "[/x]"]
        shown = screen_text(app)
        assert "[VIP]王五" in shown and "[/x]" in shown  # never read as markup
        assert "意向客户接触状况表" in shown and "2026-11" in shown
        foot = text_of(app, "contacts-foot")
        assert "合计 4" in foot and "逾期 1" in foot and "今日到期 1" in foot
        assert "本月新生 4" in foot
        current = text_of(app, "contacts-current")
        assert "张三" in current and "逾期 3 天" in current
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DayLogScreen)


async def test_a_consultant_finds_an_overdue_customer_by_initials_and_calls(
    intent, make_app, showroom
):
    app = make_app(staff=showroom["wanglei"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_table(pilot)
        assert "李四" not in names(app)  # 李娜's customer: not in 王磊's table
        await pilot.press("slash", "z", "s", "enter")
        await settle(pilot, 0.3)
        assert names(app) == ["张三"]
        await pilot.press("c")  # a call, by default
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        await pilot.press("enter", *"约周六试驾", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ContactsScreen)
    saved = Contact.get()
    assert (saved.method, saved.account, saved.level_after) == ("call", "约周六试驾", "H")
    assert (saved.staff.name, saved.at) == ("王磊", FROZEN_NOW)
    assert Customer.get_by_id(intent["zhang"].id).next_due == dt.date(2026, 11, 27)


async def test_keys_right_after_a_search_never_act_on_a_row_of_the_old_list(
    intent, make_app, showroom
):
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_table(pilot)
        assert screen.contact_target().name == "张三"  # under the cursor before the search
        await pilot.press("slash")
        # A burst, as over SSH: the search typed and Enter handled before anything else ran.
        screen.query_one("#contacts-search", Input).value = "王五"
        screen.action_open_customer()
        assert screen.contact_target() is None  # a `c` now must not open 张三's dialog
        await settle(pilot, 0.3)
        assert names(app) == ["[VIP]王五"]
        assert screen.contact_target().name == "[VIP]王五"


async def test_the_grid_shows_the_level_on_the_contact_day(intent, make_app, showroom):
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_table(pilot)
        await pilot.press("l")  # the level, through a contact
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ContactScreen) and dialog.focused.id == "level"
        await pilot.press("a", "ctrl+s")
        await settle(pilot)
        the_grid = grid(app)
        zhang = next(row for row in the_grid.loaded_rows() if row.row.name == "张三")
        assert zhang.marks[25] == Mark("contact", "A") and zhang.marks[20] == Mark("contact", "H")
        y = HEADER_LINES + the_grid.loaded_rows().index(zhang) - int(the_grid.scroll_y)
        line = the_grid.render_line(y)
        assert "张三" in line.crop(0, FIXED_WIDTH).text  # the name stays in view
        x = FIXED_WIDTH + DAYS_AT + 24 * DAY_WIDTH - int(the_grid.scroll_x)  # the 25th
        assert line.crop(x, x + DAY_WIDTH).text == "  A"
    change = LevelChange.select().order_by(LevelChange.id.desc()).first()
    assert (change.from_level, change.to_level, change.staff.name) == ("H", "A", "陈静")


async def test_a_closed_customer_stays_in_the_month_marked_closed(intent, make_app, showroom):
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_table(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, CloseScreen)
        await pilot.press("2", "ctrl+s")  # a defeat, without its reasons: refused
        await settle(pilot)
        assert isinstance(app.screen, CloseScreen)
        hint = str(app.screen.query_one("#hint-reason", Static).render())
        assert "必须写明原因" in hint
        app.screen.query_one("#reason", Input).focus()
        await pilot.press(*"雅阁优惠大", "enter", *"本田雅阁", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ContactsScreen)
        await settle_until(pilot, lambda: grid(app).loaded_rows()[0].row.closed_as == "defeat")
        assert names(app) == ["张三", "李四", "[VIP]王五", "[/x]"]  # nothing renumbered
        closed = grid(app).loaded_rows()[0]
        assert closed.marks[25] == Mark("closed", "defeat") and closed.row.next_due is None
        assert "已关闭：战败 11-25" in text_of(app, "contacts-current")
        await settle_until(pilot, lambda: "本月关闭：战败 1" in text_of(app, "contacts-foot"))
        assert "合计 3" in text_of(app, "contacts-foot")  # open ones
    zhang = Customer.get_by_id(intent["zhang"].id)
    assert (zhang.customer_class, zhang.competitor, zhang.level) == ("defeated", "本田雅阁", None)


async def test_a_defeat_takes_its_reason_and_competitor_from_the_stores_lists(
    intent, make_app, showroom
):
    """战败 review reads them: the close form offers the lists (pinyin initials pick), and
    a reason on no list is kept as typed."""
    codes.add(codes.COMPETITOR, "本田雅阁", "大众帕萨特")
    codes.add(codes.DEFEAT_REASON, "价格优惠不如对手", "提车等待太久")
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_table(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, CloseScreen)
        await pilot.press("2", "enter", *"tc")  # a defeat; the reason: 提车…
        await settle(pilot)
        assert "提车等待太久" in str(app.screen.query_one("#hint-reason", Static).render())
        await pilot.press("enter", *"bt", "enter")  # 本田雅阁, then Enter on the last saves
        await settle(pilot)
        assert isinstance(app.screen, ContactsScreen)
    zhang = Customer.get_by_id(intent["zhang"].id)
    assert (zhang.close_reason, zhang.competitor) == ("提车等待太久", "本田雅阁")


async def test_a_reason_on_no_list_is_kept_as_typed(intent, make_app, showroom):
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_table(pilot)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("3", "enter", *"电话停机", "ctrl+s")  # lost: a reason of its own
        await settle(pilot)
        assert isinstance(app.screen, ContactsScreen)
    assert Customer.get_by_id(intent["zhang"].id).close_reason == "电话停机"


async def test_commas_and_full_stops_change_the_month(intent, make_app, showroom):
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_table(pilot)
        await pilot.press("comma")
        await settle(pilot)
        assert screen.filter.month == dt.date(2026, 10, 1)
        assert "2026-10" in text_of(app, "contacts-title")
        assert names(app) == []  # nobody had been met by the end of October
        await pilot.press("full_stop", "full_stop")
        await settle(pilot)
        assert screen.filter.month == dt.date(2026, 12, 1)
        assert len(names(app)) == 4
        zhang = grid(app).loaded_rows()[0]
        assert zhang.marks == {}  # H, due on 11-22, overdue: nothing planned in December


async def test_enter_opens_the_customer_with_their_history(intent, make_app, showroom):
    contacts.record_contact(
        intent["zhang"].id,
        contacts.ContactInput(method="visit", at="2026-11-23 15:00", account="[送资料]", level="A"),
        by=OPERATOR,
    )
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_table(pilot)
        assert names(app)[:2] == ["张三", "李四"]  # 张三 first: in the table since the 20th
        await pilot.press("enter")
        await settle(pilot)
        card = app.screen
        assert isinstance(card, CustomerScreen) and card.customer_id == intent["zhang"].id
        await pilot.press("escape", "down", "enter")
        await settle(pilot)
        assert app.screen.customer_id == intent["li"].id
        await pilot.press("escape", "up", "enter")
        await settle(pilot)
        card = app.screen
        assert card.customer_id == intent["zhang"].id
        table = card.query_one("#card-history", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows[0][1:3] == ["级别变更", "H→A"]
        assert rows[1][1:] == ["拜访", "A", "王磊", "[送资料]"]
        assert rows[-1][1:3] == ["来店", "H"]
        assert "[送资料]" in screen_text(app)
        await pilot.press("f4")  # F4: back to today's log from anywhere
        await settle(pilot)
        assert isinstance(app.screen, DayLogScreen)


async def test_reassign_by_pinyin_initials(intent, make_app, showroom):
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_table(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, StaffChoiceScreen)
        await pilot.press("l", "n", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ContactsScreen)
        assert grid(app).current().row.consultant == "李娜"
    assert Customer.get_by_id(intent["zhang"].id).consultant.name == "李娜"


async def test_filter_keys_and_escape_clears_them(intent, make_app, showroom):
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_table(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert names(app) == ["张三"]
        await pilot.press("d")  # due today instead
        await settle(pilot)
        assert names(app) == ["李四"] and "今日到期" in text_of(app, "contacts-title")
        await pilot.press("d", "v", "v", "v")  # off; level: O, H, A
        await settle(pilot)
        assert names(app) == ["李四"]
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("w", "l", "enter")
        await settle(pilot)
        assert names(app) == [] and "没有符合条件" in text_of(app, "contacts-current")
        await pilot.press("escape")
        await settle(pilot)
        assert len(names(app)) == 4 and isinstance(app.screen, ContactsScreen)


async def test_escape_in_the_contact_dialog_asks_before_losing_text(intent, make_app, showroom):
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_table(pilot)
        await pilot.press("c", "enter", *"聊了", "escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ContactsScreen)
        await pilot.press("c", "enter", "ctrl+s")  # nothing but the method: still a contact
        await settle(pilot)
    assert Contact.select().count() == 1


async def test_a_contact_from_another_connection_appears_by_itself(intent, make_app, showroom):
    app = make_app(staff=showroom["chenjing"], watch_interval=0.1)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_table(pilot)
        await settle(pilot, 0.3)
        assert grid(app).loaded_rows()[0].row.name == "张三"
        contacts.record_contact(  # committed on this thread's own connection
            intent["zhang"].id, contacts.ContactInput(method="call", level="B"), by=OPERATOR
        )
        # 张三 stays first (序号 1) and shows the call's B on the 25th, due 12-02 now.
        for _ in range(40):  # the watcher polls every 0.1 s; a loaded machine may be slow
            await settle(pilot, 0.1)
            if grid(app).loaded_rows()[0].row.level == "B":
                break
        assert names(app) == ["张三", "李四", "[VIP]王五", "[/x]"]
        zhang = grid(app).loaded_rows()[0]
        assert zhang.row.next_due == dt.date(2026, 12, 2)
        assert (zhang.row.level, zhang.marks[25]) == ("B", Mark("contact", "B"))


def many_customers(count: int) -> None:
    rows = [
        {
            "name": f"客户{n:04d}",
            "phone": f"139{n:08d}",
            "initials": "kh",
            "level": "HABCO"[n % 5],
            "customer_class": "intent",
            "next_due": dt.date(2026, 11, 1) + dt.timedelta(days=n // 40),
            "last_contact": dt.date(2026, 10, 30),
            "first_contact": dt.date(2026, 10, 1),
        }
        for n in range(count)
    ]
    with Customer._meta.database.atomic():
        for start in range(0, count, 500):
            Customer.insert_many(rows[start : start + 500]).execute()
        cycles.rebuild()  # straight into the table: open since their first contact


async def test_scrolling_two_thousand_customers(showroom, make_app):
    many_customers(2000)
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_table(pilot)
        the_grid = grid(app)
        assert the_grid.total == 2000
        assert len(the_grid.pages) <= 2  # a page or two, never all rows
        await pilot.press("end")
        await settle(pilot)
        assert the_grid.cursor == 1999 and the_grid.current().row.name == "客户1999"
        assert "2000/2000 客户1999" in text_of(app, "contacts-current")
        await pilot.press("pageup", "pageup", "up")
        await settle(pilot)
        expected = 1999 - 2 * the_grid.rows_in_view - 1
        assert the_grid.current().row.name == f"客户{expected:04d}"
        await pilot.press("home", "pagedown", "down")
        await settle(pilot)
        assert the_grid.current().row.name == f"客户{the_grid.rows_in_view + 1:04d}"
        seen = {row.row.id for row in the_grid.loaded_rows()}
        assert len(seen) == len(the_grid.loaded_rows())  # no row twice
        the_grid.move_to(1000)  # the scroll bar dragged to the middle
        await settle(pilot)
        assert the_grid.current().row.name == "客户1000"
        assert "客户1000" in screen_text(app)


async def test_the_month_goes_no_further_than_a_year_ahead_nor_before_2000(
    intent, make_app, showroom
):
    """Holding . walked on past year 9999, where the month's date arithmetic overflows."""
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_table(pilot)
        for edge, key in ((dt.date(2027, 11, 1), "full_stop"), (dt.date(2000, 1, 1), "comma")):
            screen.filter = screen.filter.with_(month=edge)
            await pilot.press(key)
            await settle(pilot)
            assert screen.filter.month == edge
        said = [notification.message for notification in app._notifications]
        assert said.count("月份须在 2000-01 到 2027-11 之间") == 2


async def test_an_agreed_date_years_away_is_refused_beside_its_field(intent, make_app, showroom):
    """``9999-12-31`` was saved, and then broke F6 and the month's export for everyone."""
    app = make_app(staff=showroom["wanglei"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_table(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        app.screen.query_one("#next", Input).value = "9999-12-31"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)  # not saved: the dialog stays
        hint = app.screen.query_one("#hint-next", Static)
        assert str(hint.render()) == "约定日期须在接触后一年内（最晚 2027-11-26）"  # today + 366
        assert hint.has_class("-error")
    assert Contact.select().count() == 0


async def test_a_bad_agreed_date_is_said_as_enter_leaves_the_field_and_full_width_is_read(
    intent, make_app, showroom
):
    app = make_app(staff=showroom["wanglei"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_table(pilot)
        await pilot.press("c", "enter", "enter", "enter")  # method, account, level: to "next"
        await settle(pilot)
        await pilot.press(*"12月40日", "enter")
        await settle(pilot)
        assert app.screen.focused.id == "next"  # back on it, the core's sentence beside it
        hint = app.screen.query_one("#hint-next", Static)
        assert str(hint.render()) == "日期格式：YYYY-MM-DD、MM-DD 或 +天数"
        assert hint.has_class("-error")
        for _ in range(6):
            await pilot.press("backspace")
        await type_as_a_terminal(pilot, "＋３")  # full-width, as a Chinese input method types
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.focused.id == "source" and not hint.has_class("-error")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ContactsScreen)
    assert Contact.get().next_date == dt.date(2026, 11, 28)


async def test_a_refused_reassignment_keeps_the_dialog_with_the_cores_sentence(
    intent, make_app, showroom
):
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_table(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press(*"赵敏", "enter")  # the receptionist: she receives no customers
        await settle(pilot)
        assert isinstance(app.screen, StaffChoiceScreen)
        assert app.screen.query_one("#staff-choice", Input).value == "赵敏"
        assert text_of(app, "staff-matches") == "不是在职的销售顾问：赵敏"
        assert [n.message for n in app._notifications] == []
    assert Customer.get_by_id(intent["zhang"].id).consultant.name == "王磊"

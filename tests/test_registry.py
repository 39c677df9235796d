"""Screens declare what they do (screens.registry); F1 and the app read it, never their class."""

from __future__ import annotations

from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from screens import registry
from screens.desk.day_log import DayLogScreen
from screens.desk.registration_form import RegistrationScreen
from screens.followup.contacts import ContactsScreen
from screens.help import _sections as help_sections
from screens.stats.statistics import StatisticsScreen
from tests.conftest import settle


def test_f1_lists_the_sections_in_the_order_the_screens_declare():
    titles = [title for title, _ in help_sections()]
    assert titles[:3] == ["全局", "今日登记", "登记表"]
    assert titles.index("展厅来店(电)统计（F5）") < titles.index("月统计表")
    assert titles[-8:] == [
        "意向客户接触状况表（F6）",
        "记录接触",
        "主管报表（F7）",
        "签核营业日报表",
        "驳回战败申请",
        "设定营业目标",
        "系统管理（F9）",
        "系统管理的表单",
    ]


def test_each_place_has_the_screen_its_key_opens():
    assert registry.entrance(registry.STATISTICS) is StatisticsScreen
    assert registry.entrance(registry.CONTACTS) is ContactsScreen
    assert registry.entry_of(DayLogScreen).place == registry.LOG


def test_the_protocols_are_what_the_screens_have():
    assert issubclass(DayLogScreen, registry.ShowsStoredData)
    assert issubclass(RegistrationScreen, registry.KeepsDraft)
    assert not issubclass(DayLogScreen, registry.KeepsDraft)


async def test_a_new_screen_joins_f1_and_the_app_by_declaring_itself(showroom, make_app):
    """The pattern a new area follows (CONTRIBUTING.md): no line of the app or of F1."""

    @registry.screen(
        section="help.welcome",  # any catalogue key: the test borrows one
        order=110,
        help=(registry.OWN_KEYS, registry.HelpRow("Space", "duty.help_toggle")),
        holds=("walkin",),
    )
    class StaffRoomScreen(Screen):
        BINDINGS = [Binding("a", "add", "key.save", id="staff-add")]

        def __init__(self) -> None:
            super().__init__()
            self.reloads = 0

        def compose(self):
            yield Static("staff")

        def refresh_data(self) -> None:
            self.reloads += 1

    try:
        sections = dict(help_sections())
        toggle = "标记光标处的销售顾问当班或不当班"
        assert sections["欢迎页"][-2:] == [("a", "保存"), ("Space", toggle)]
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = StaffRoomScreen()
            await app.push_screen(screen)
            await settle(pilot)
            assert not app.check_action("walkin", ())  # held: its footer has no F2
            await pilot.press("f2")
            await settle(pilot)
            assert app.screen is screen
            app.refresh_visible()  # another terminal committed
            assert screen.reloads == 1
    finally:
        registry._entries.pop(StaffRoomScreen)

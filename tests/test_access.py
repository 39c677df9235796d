"""Each role sees its own keys, help and commands; sign-in; an editing conflict; hang-up."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.command import CommandPalette
from textual.widgets import Input, OptionList

from frontdesk.desk import registration
from frontdesk.desk.fields import FIELDS
from frontdesk.people import team
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.store import drafts
from frontdesk.store.models import Registration
from screens.app import FrontdeskApp
from screens.desk.conflict import ConflictScreen, differences
from screens.desk.day_log import DayLogScreen
from screens.desk.registration_form import RegistrationScreen
from screens.help import HelpScreen
from screens.sign_in import SignInScreen
from tests.actors import as_member
from tests.conftest import FROZEN_NOW, screen_text, settle


def shown_actions(app) -> set[str]:
    """The actions whose keys the footer shows right now."""
    return {active.binding.action for active in app.screen.active_bindings.values()}


def walkin(**fields) -> Registration:
    fields.setdefault("time_in", FROZEN_NOW - dt.timedelta(minutes=40))
    return registration.register(registration.RegistrationInput(kind="walkin", **fields), by=DESK)


@pytest.mark.parametrize(
    ("login", "present", "absent"),
    [
        (None, {"walkin", "phone", "checkout", "edit", "skip", "duty", "statistics"}, {"contacts"}),
        (
            "zhaomin",
            {"walkin", "phone", "checkout", "edit", "skip", "duty", "statistics"},
            {"contacts"},
        ),
        (
            "wanglei",
            {"statistics", "contacts", "help", "quit"},
            {"walkin", "phone", "checkout", "edit", "skip", "duty"},
        ),
        (
            "chenjing",
            {"walkin", "phone", "checkout", "edit", "skip", "duty", "statistics", "contacts"},
            set(),
        ),
    ],
)
async def test_the_footer_shows_only_what_the_role_may_use(
    showroom, make_app, login, present, absent
):
    walkin(name="张三")
    app = make_app(staff=showroom[login] if login else None)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        actions = shown_actions(app)
        assert present <= actions, actions
        assert not absent & actions, actions


async def test_a_consultants_keys_do_nothing_and_help_and_palette_leave_them_out(
    showroom, make_app
):
    party = walkin(name="张三")
    app = make_app(staff=showroom["wanglei"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ("f2", "f3", "o", "e", "s", "enter"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, DayLogScreen), key
        assert Registration.get_by_id(party.id).time_out is None
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "F6" in text and "F5" in text
        for hidden in ("F2", "F3", "记录离店", "跳过排头"):
            assert hidden not in text, hidden
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"来店")
        await settle(pilot, 0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, RegistrationScreen)


async def test_a_receptionist_has_no_contact_table_in_help_or_palette(showroom, make_app):
    app = make_app(staff=showroom["zhaomin"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, DayLogScreen)
        await pilot.press("f1")
        await settle(pilot)
        text = screen_text(app)
        assert "F2" in text and "F6" not in text


async def test_a_desk_terminal_asks_once_who_is_there(showroom, db):
    from frontdesk.people import team

    app = FrontdeskApp(watch_interval=None, sign_in=team.list_staff(active_only=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert (
            "前台（不署名）" in screen_text(app)
            and "[" not in app.screen.query_one(OptionList).get_option_at_index(1).id
        )
        await pilot.press("down", "down")  # the desk, then the staff in list order
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DayLogScreen)
        assert app.staff is not None and app.owner == app.staff.login
        assert app.staff.name in str(app.screen.query_one("#header").render())


async def test_escape_at_sign_in_stays_the_front_desk(showroom, db):
    from frontdesk.people import team

    app = FrontdeskApp(watch_interval=None, sign_in=team.list_staff(active_only=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DayLogScreen) and app.staff is None
        assert "walkin" in shown_actions(app)


def test_differences_list_only_what_differs_and_read_like_the_form():
    fields = [
        f for f in FIELDS if f.widget_id in ("phone", "name", "gender", "test-drive", "notes")
    ]
    theirs = {"phone": "138 1234 5678", "name": "张三", "gender": "M", "test-drive": True}
    yours = {"phone": "13812345678", "name": "张三丰", "gender": "", "test-drive": True}
    rows = differences(fields, theirs, {**yours, "notes": "  "})
    assert [(f.widget_id, a, b) for f, a, b in rows] == [
        ("name", "张三", "张三丰"),
        ("gender", "男", "—"),
    ]


async def test_the_later_saver_sees_theirs_against_yours_and_chooses(showroom, make_app):
    party = walkin(name="张三", phone="13812345678")
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RegistrationScreen)
        # Meanwhile the desk corrects the same row and records the departure.
        data = registration.to_input(party)
        data.name = "张三(前台)"
        saved = registration.update(
            party.id, data, party.version, by=as_member(showroom["zhaomin"])
        )
        registration.checkout(party.id, at="10:20", by=as_member(showroom["zhaomin"]))
        form.query_one("#name", Input).focus()
        await pilot.press("end", *"丰", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        text = screen_text(app)
        for words in ("赵敏", "张三(前台)", "张三丰", "10:20", "离店时间"):
            assert words in text, words
        assert Registration.get_by_id(party.id).name == "张三(前台)"  # nothing overwritten
        await pilot.press("escape")  # back to the form, nothing lost
        await settle(pilot)
        assert app.screen is form and form.query_one("#name", Input).value == "张三丰"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("r")  # take theirs
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#name", Input).value == "张三(前台)"
        assert form.query_one("#time-out", Input).value == "10:20"
        form.query_one("#name", Input).focus()
        await pilot.press("end", *"!", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DayLogScreen)
    stored = Registration.get_by_id(party.id)
    assert (stored.name, stored.version) == ("张三(前台)!", saved.version + 2)
    assert stored.time_out == dt.datetime(2026, 11, 25, 10, 20)


async def test_save_mine_overwrites_knowingly(showroom, make_app):
    party = walkin(name="张三", phone="13812345678")
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        data = registration.to_input(party)
        data.notes = "前台的备注"
        registration.update(party.id, data, party.version, by=as_member(showroom["zhaomin"]))
        app.screen.query_one("#name", Input).focus()
        await pilot.press("end", *"丰", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, DayLogScreen)
    stored = Registration.get_by_id(party.id)
    assert (stored.name, stored.notes, stored.version) == ("张三丰", "", 3)


async def test_a_hang_up_keeps_the_draft_typed_a_moment_ago(showroom, make_app):
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press(*"13812345678")  # no pause: the last keys' draft may be on its way
        app._hung_up()
        await pilot.pause()
    payload, _ = drafts.load_draft("chenjing", "walkin")
    assert payload == {"phone": "13812345678"}
    assert app.return_code == 129


async def test_a_member_who_leaves_is_closed_out_with_the_draft_kept(showroom, make_app):
    from frontdesk.people import team

    app = make_app(staff=showroom["chenjing"], watch_interval=0.05)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        team.set_active("lina", False, by=OPERATOR)  # someone else leaving changes nothing here
        await settle(pilot, 0.3)
        assert app.is_running and isinstance(app.screen, RegistrationScreen)
        await pilot.press(*"13812345678")  # no pause: the last keys' draft may be on its way
        team.set_active("chenjing", False, by=OPERATOR)  # the admin, from another terminal
        for _ in range(40):
            if not app.is_running:
                break
            await pilot.pause(0.05)
        assert not app.is_running
    assert app.return_code == 3
    payload, _ = drafts.load_draft("chenjing", "walkin")
    assert payload == {"phone": "13812345678"}


def notices(app) -> list[str]:
    return [notification.message for notification in app._notifications]


async def test_f6_as_the_receptionist_says_why_it_does_nothing(showroom, make_app):
    app = make_app(staff=showroom["zhaomin"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, DayLogScreen)
        assert notices(app) == ["前台接待无权查看意向客户接触状况表"]


async def test_a_consultants_refused_keys_each_say_why_in_one_line(showroom, make_app):
    walkin(name="张三")
    app = make_app(staff=showroom["wanglei"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ("f2", "s", "enter"):
            await pilot.press(key)
            await settle(pilot)
        assert notices(app) == [
            "销售顾问无权登记来店(电)客户",
            "销售顾问无权调整接待顺序",
            "销售顾问无权记录离店",
        ]


async def test_a_key_that_does_nothing_here_for_everyone_says_nothing(showroom, make_app):
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4", "f6")  # the log's own key on the log; then F6
        await settle(pilot)
        await pilot.press("f6")  # F6 on the contact table itself
        await settle(pilot)
        assert not notices(app)


async def test_no_consultant_on_duty_says_which_key_puts_one_on(showroom, make_app):
    team.set_roster(set(), by=OPERATOR)
    app = make_app(staff=showroom["zhaomin"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rotation = str(app.screen.query_one("#log-rotation").render())
        assert "无值班顾问：按 d 设定今天谁当班" in rotation


async def test_no_consultant_on_duty_tells_a_consultant_whom_to_ask(showroom, make_app):
    team.set_roster(set(), by=OPERATOR)
    app = make_app(staff=showroom["wanglei"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rotation = str(app.screen.query_one("#log-rotation").render())
        assert "无值班顾问：请前台接待或展厅主管设定今天谁当班" in rotation

"""Pilot tests: the admin's screen (F9) — staff, SSH keys, settings, code lists — by keys only."""

from __future__ import annotations

import functools

import pytest
from textual import events
from textual.widgets import DataTable, Input, Static

from frontdesk.people import keys, pins, team
from frontdesk.people.actor import OPERATOR
from frontdesk.store import codes, settings
from frontdesk.store.models import Staff, StaffKey
from screens.admin.administration import AdminScreen
from screens.admin.form import AdminForm
from screens.commands import screen_commands
from screens.desk.day_log import DayLogScreen
from screens.dialogs import ConfirmScreen
from tests.conftest import settle, settle_until

# Public keys made for these tests (their private halves were never kept).
CHENJING_KEY = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICuZhV5f5WN+kdxhbQPRkIOoBvshuLopQfgWMNWuQCoR"
    " chenjing@laptop"
)
CHENJING_FINGERPRINT = "SHA256:kv/3Po9Qs8VugbChiIj8LNf5Nl+WfD0RiByo3w/8ZQk"
LINA_KEY = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJTQ6WBitzYM6oWrNCPHjot+/6cBl9wL8FbiSBURBdze lina@phone"
)


@pytest.fixture
def admin(showroom):
    """周杰, the store's admin. The staff page lists, by role: 周杰, 王磊, 李娜, 陈静, 赵敏."""
    return team.add_staff("周杰", "admin", by=OPERATOR)


async def open_admin(pilot, *keys_: str) -> AdminScreen:
    await settle(pilot)
    await pilot.press("f9")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AdminScreen)
    for key in keys_:
        await pilot.press(key)
        await settle(pilot)
    return screen


async def press(pilot, *keys_: str) -> None:
    for key in keys_:
        await pilot.press(key)
    await settle(pilot)


def text_of(screen, widget_id: str) -> str:
    return str(screen.query_one(f"#{widget_id}", Static).render())


def table_names(screen, section: str, column: int) -> list[str]:
    table = screen.query_one(f"#admin-{section}", DataTable)
    return [str(table.get_row_at(index)[column]) for index in range(table.row_count)]


def footer_keys(app) -> dict[str, str]:
    return {
        key: active.binding.description
        for key, active in app.screen.active_bindings.items()
        if active.binding.show
    }


async def test_f9_opens_the_admin_screen_for_the_admin_only(admin, showroom, make_app):
    app = make_app(staff=showroom["chenjing"])  # a manager: no F9
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "f9" not in footer_keys(app)
        await press(pilot, "f9")
        assert isinstance(app.screen, DayLogScreen)
    app = make_app(staff=admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert footer_keys(app)["f9"] == "管理"
        screen = await open_admin(pilot)
        assert table_names(screen, "staff", 1) == ["周杰", "王磊", "李娜", "陈静", "赵敏"]
        await press(pilot, "escape")
        assert isinstance(app.screen, DayLogScreen)
        await open_admin(pilot)
        await press(pilot, "f4")
        assert isinstance(app.screen, DayLogScreen)


async def test_tab_and_the_digits_turn_the_pages_and_the_footer_follows(admin, make_app):
    app = make_app(staff=admin)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot)
        assert footer_keys(app) == {
            "tab": "换页",
            "a": "添加",
            "r": "岗位",
            "x": "离职",
            "p": "PIN",
            "d": "当班",
            "escape": "返回",
            "ctrl+q": "退出",
            "f1": "帮助",
            "ctrl+p": "命令",
        }
        await press(pilot, "tab")
        assert screen.section == "keys"
        assert set(footer_keys(app)) == {"tab", "a", "x", "escape", "ctrl+q", "f1", "ctrl+p"}
        await press(pilot, "4")
        assert screen.section == "codes"
        assert footer_keys(app)["r"] == "改名"
        await press(pilot, "shift+tab")
        assert screen.section == "settings"
        assert "e" in footer_keys(app) and "a" not in footer_keys(app)


async def test_add_a_member_by_keys(admin, make_app):
    app = make_app(staff=admin)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, "a")
        assert isinstance(app.screen, AdminForm)
        await press(pilot, *"孙丽", "enter", "r", "enter", "enter")  # receptionist, the login
        assert app.screen is screen
        member = Staff.get(Staff.name == "孙丽")
        assert (member.role, member.login) == ("receptionist", "sunli")
        assert text_of(screen, "admin-status") == "已添加员工 孙丽（登录名 sunli，前台接待）"
        assert "孙丽" in table_names(screen, "staff", 1)


async def test_a_refused_member_keeps_what_was_typed_and_says_why_beside_it(admin, make_app):
    app = make_app(staff=admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_admin(pilot, "a")
        form = app.screen
        await press(pilot, *"王磊", "ctrl+s")
        assert app.screen is form
        assert form.query_one("#name", Input).value == "王磊"
        assert text_of(form, "hint-name") == "已有员工“王磊”"
        assert form.focused is form.query_one("#name")
        await press(pilot, "escape")  # something was typed: asked first
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "y")
        assert isinstance(app.screen, AdminScreen)
        assert Staff.select().where(Staff.name == "王磊").count() == 1


async def test_change_a_role(admin, showroom, make_app):
    app = make_app(staff=admin)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, "down", "down", "down", "down")  # 赵敏
        await press(pilot, "r", "c", "enter")
        assert Staff.get_by_id(showroom["zhaomin"].id).role == "consultant"
        assert text_of(screen, "admin-status") == "赵敏 的岗位已改为销售顾问"
        await press(pilot, "up", "up", "up", "up", "enter", "m", "enter")  # Enter: 周杰 himself
        assert isinstance(app.screen, AdminForm)
        assert text_of(app.screen, "hint-role") == "不能修改自己的岗位：请另一位管理员修改"
        assert Staff.get_by_id(admin.id).role == "admin"


async def test_deactivate_and_reactivate_a_member(admin, showroom, make_app):
    app = make_app(staff=admin)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, "down", "down")  # 李娜
        await press(pilot, "x")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "y")
        assert not Staff.get_by_id(showroom["lina"].id).active
        assert text_of(screen, "admin-status") == "李娜（lina）已停用：不能再登录，密钥已失效"
        # The row is read again in a worker: x says what it will do once the row says it.
        await settle_until(pilot, lambda: footer_keys(app)["x"] == "复职")
        await press(pilot, "x")
        assert Staff.get_by_id(showroom["lina"].id).active
        await settle_until(pilot, lambda: footer_keys(app)["x"] == "离职")


async def test_set_a_pin_typed_twice(admin, showroom, make_app):
    app = make_app(staff=admin)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, "down", "down", "down")  # 陈静, a manager
        assert text_of(screen, "admin-detail").startswith("陈静（展厅主管）须有 PIN")
        await press(pilot, "p", *"12", "enter", *"12", "enter")
        form = app.screen
        assert form.query_one("#pin", Input).password  # never shown as typed
        assert text_of(form, "hint-pin") == "PIN 为 4–12 位数字"
        assert form.focused is form.query_one("#pin")
        await press(pilot, "ctrl+a", "ctrl+k", *"1246", "enter")
        await press(pilot, "ctrl+a", "ctrl+k", *"1247", "enter")  # a slip
        assert text_of(form, "hint-again") == "两次输入的 PIN 不一样，未作改动"
        assert app.screen is form
        await press(pilot, "backspace", "6", "enter")
        assert app.screen is screen
        assert pins.verify_pin("1246", Staff.get_by_id(showroom["chenjing"].id).pin_hash)
        assert (
            text_of(screen, "admin-status") == "陈静（chenjing）的 PIN 已设置：在前台登录时要输入"
        )
        assert text_of(screen, "admin-detail") == "陈静（chenjing）· 展厅主管 · 在职"


async def test_toggle_duty_of_a_consultant_only(admin, showroom, make_app):
    app = make_app(staff=admin)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, "down")  # 王磊
        await press(pilot, "d")
        assert [m.name for m in team.rotation()] == ["李娜"]
        assert text_of(screen, "admin-status") == "王磊 不当班，不参加接待顺序"
        assert table_names(screen, "staff", 4)[1] == "休息"
        await press(pilot, "d")
        assert [m.name for m in team.rotation()] == ["王磊", "李娜"]
        await press(pilot, "down", "down", "d")  # 陈静, a manager
        assert text_of(screen, "admin-status") == "陈静 不是销售顾问：只有销售顾问参加接待顺序"


async def test_paste_a_key_for_a_member_found_by_initials(admin, showroom, make_app):
    app = make_app(staff=admin)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, "tab", "a")
        form = app.screen
        await press(pilot, *"cj", "enter")  # 陈静 by pinyin initials
        assert form.query_one("#member", Input).value == "陈静"
        app.post_message(events.Paste("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1r\n"))
        await settle(pilot)
        await press(pilot, "enter")
        assert text_of(form, "hint-key").startswith("这是私钥")
        form.query_one("#key", Input).value = ""
        app.post_message(events.Paste(CHENJING_KEY + "\n"))
        await settle(pilot)
        await press(pilot, "enter")
        assert app.screen is screen
        row = StaffKey.get()
        assert (row.staff_id, row.fingerprint) == (showroom["chenjing"].id, CHENJING_FINGERPRINT)
        assert text_of(screen, "admin-status").startswith(f"已为 陈静 添加密钥 #{row.id}")
        assert table_names(screen, "keys", 1) == ["陈静"]
        assert CHENJING_FINGERPRINT in text_of(screen, "admin-detail")


async def test_remove_a_key(admin, showroom, make_app):
    keys.add_pasted_key("lina", LINA_KEY, by=OPERATOR)
    app = make_app(staff=admin)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, "2", "a")
        assert app.screen.query_one("#member", Input).value == "李娜"  # the highlighted key's
        await press(pilot, "escape")  # nothing typed: no question
        assert app.screen is screen
        await press(pilot, "x")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "n")
        assert StaffKey.select().count() == 1
        await press(pilot, "x", "y")
        assert StaffKey.select().count() == 0
        assert text_of(screen, "admin-status").startswith("已删除 李娜 的密钥 SHA256:")
        assert text_of(screen, "admin-detail") == "还没有 SSH 密钥：按 a 为员工添加"


async def test_a_bad_setting_is_refused_beside_the_field(admin, make_app):
    app = make_app(staff=admin)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, "3", "down", "down")  # H: days between follow-ups
        await press(pilot, "enter", *"abc", "enter")
        form = app.screen
        assert isinstance(form, AdminForm)
        assert text_of(form, "hint-value") == "必须是整数"
        assert form.query_one("#value", Input).value == "abc"
        await press(pilot, "backspace", "backspace", "backspace", "0", "enter")
        assert text_of(form, "hint-value") == "不能小于 1"
        await press(pilot, "backspace", "3", "enter")
        assert app.screen is screen
        assert settings.number("follow_up_days.H") == 3
        assert text_of(screen, "admin-status") == "H 级客户的跟进间隔天数：3"
        await press(pilot, "e", "ctrl+a", "ctrl+k", "enter")  # empty: the default again
        assert settings.number("follow_up_days.H") == 2
        assert settings.get("follow_up_days.H") == ""


async def test_add_rename_and_retire_codes(admin, make_app):
    app = make_app(staff=admin)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, "4", "a")
        await press(pilot, "4", "enter", *"大众朗逸", "enter")  # 4: the competitor list
        assert codes.names(codes.COMPETITOR) == ["大众朗逸"]
        assert text_of(screen, "admin-status") == "竞争品牌表：已添加“大众朗逸”"
        models = table_names(screen, "codes", 1).index("卡罗拉")
        await press(pilot, *["down"] * models, "enter")  # Enter: correct the name
        await press(pilot, "ctrl+a", "ctrl+k", *"卡罗拉双擎", "enter")
        assert codes.names(codes.MODEL) == ["凯美瑞", "卡罗拉双擎", "汉兰达", "RAV4荣放"]
        await press(pilot, "down", "x")  # 汉兰达
        assert codes.names(codes.MODEL) == ["凯美瑞", "卡罗拉双擎", "RAV4荣放"]
        assert text_of(screen, "admin-status") == "车型表：“汉兰达”已停用，已有记录保留原样"
        await settle_until(pilot, lambda: footer_keys(app)["x"] == "恢复")
        await press(pilot, "x")
        assert "汉兰达" in codes.names(codes.MODEL)


async def test_the_palette_offers_the_pages_actions(admin, make_app):
    app = make_app(staff=admin)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot)
        commands = screen_commands(screen)
        actions = {c.run.args[0] for c in commands if isinstance(c.run, functools.partial)}
        assert "add_member" in actions
        assert "add_code" not in actions  # another page's
        await press(pilot, "ctrl+p", *"添加员工")
        await settle(pilot, 0.3)
        await press(pilot, "enter")
        assert isinstance(app.screen, AdminForm)


async def test_f1_lists_the_admin_keys_to_the_admin_only(admin, showroom, make_app):
    from screens.help import _sections

    for member, shown in ((admin, True), (showroom["chenjing"], False)):
        app = make_app(staff=member)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            sections = dict(_sections(app))
            assert ("系统管理（F9）" in sections) is shown
            if shown:
                rows = dict(sections["系统管理（F9）"])
                assert rows["Tab"] == "下一页：员工 → SSH 密钥 → 设置 → 代码表"
                assert rows["d"] == "光标处的销售顾问当班或不当班"
                assert rows["Enter"] == "员工页：改岗位 · 设置页：修改 · 代码表页：改名"
                assert dict(sections["系统管理的表单"])["Ctrl+S"] == "保存"


async def test_a_setting_emptied_goes_back_to_the_groups_default(admin, make_app):
    settings.change(settings.ROTATION_OVERDUE_OUT, "3", by=OPERATOR, group=True)
    settings.change(settings.ROTATION_OVERDUE_OUT, "1", by=OPERATOR)  # the store's own
    app = make_app(staff=admin)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(pilot, "3", *["down"] * 7)  # rotation.overdue_out
        await press(pilot, "enter")
        form = app.screen
        assert isinstance(form, AdminForm)
        assert text_of(form, "hint-value") == "空白：改用集团默认值（3）"
        await press(pilot, "ctrl+a", "ctrl+k", "enter")
        assert app.screen is screen
        assert settings.get(settings.ROTATION_OVERDUE_OUT) == "3"
        assert settings.known_setting(settings.ROTATION_OVERDUE_OUT).description in text_of(
            screen, "admin-status"
        )
        assert text_of(screen, "admin-status").endswith("：3")

"""The command palette (Ctrl+P): every key of the screen, in the user's words, found by pinyin."""

from __future__ import annotations

import re

from textual.command import CommandInput, CommandList, CommandPalette

from frontdesk import i18n
from screens.stats.statistics import StatisticsScreen
from screens.stats.statistics_dialogs import FormulasScreen
from tests.conftest import settle

NO_MATCHES_WAIT_S = 0.8  # the palette says "no matches" 0.5 s after the last key
# What may stay in Latin letters on a Chinese screen: key caps and the store's own data.
KEY_CAPS = {"Esc", "Enter", "Ctrl", "Shift", "Tab", "Space", "PgUp", "PgDn", "Home", "End"}
KEY_CAPS |= {"SVG"}  # the screenshot's file type


def palette_options(app) -> list[str]:
    """The palette's options as listed, each its name and keys, then its help."""
    listed = app.screen.query_one(CommandList)
    options = []
    for index in range(listed.option_count):
        prompt = listed.get_option_at_index(index).prompt
        prompt = getattr(prompt, "renderable", prompt)  # "no matches" is centred
        options.append(prompt.plain if hasattr(prompt, "plain") else str(prompt))
    return options


def palette_text(app) -> str:
    """Everything the palette says: its prompt and every option."""
    return "\n".join([app.screen.query_one(CommandInput).placeholder, *palette_options(app)])


def palette_lines(app) -> list[str]:
    """The palette's commands as listed: the first line of each (name and keys)."""
    return [option.split("\n")[0] for option in palette_options(app)]


async def open_palette(pilot, *typed: str) -> None:
    await pilot.press("ctrl+p")
    await settle(pilot, 0.3)
    assert isinstance(pilot.app.screen, CommandPalette)
    if typed:
        await pilot.press(*typed)
        await settle(pilot, 0.3)


def latin_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{3,}", text)) - KEY_CAPS


async def test_tj_finds_the_statistics_and_enter_opens_them(showroom, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_palette(pilot, "t", "j")
        assert palette_lines(app)[0].startswith("统计"), palette_lines(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StatisticsScreen)


async def test_the_palette_in_chinese_has_no_english(showroom, make_app):
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_palette(pilot)
        shown = palette_text(app)
        assert "搜索功能" in shown and "截图" in shown and "接触表" in shown
        assert not latin_words(shown), latin_words(shown)  # no Search…, Keys, Quit, Theme
        await pilot.press(*"qqq")
        await settle(pilot, NO_MATCHES_WAIT_S)
        assert palette_options(app) == ["没有找到这个功能"]


async def test_the_palette_in_english_speaks_english(showroom, make_app):
    i18n.set_language("en")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_palette(pilot, *"walk")
        assert palette_lines(app)[0].startswith("Walk-in"), palette_lines(app)


async def test_every_key_of_f5_is_in_the_palette_and_runs_there(showroom, make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await open_palette(pilot)
        names = " ".join(palette_lines(app))
        for action in ("前一天", "后一天", "今天", "月表", "导出", "口径", "来店", "今日"):
            assert action in names, (action, names)
        await pilot.press(*"kj")  # 口径, by its pinyin initials
        await settle(pilot, 0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FormulasScreen)


async def test_every_key_of_f6_is_in_the_palette_with_its_filters(showroom, make_app):
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await open_palette(pilot)
        names = " ".join(palette_lines(app))
        for action in ("接触", "级别", "关闭线索", "转交", "搜索", "上月", "下月", "顾问", "逾期"):
            assert action in names, (action, names)
        await pilot.press(*"ss")  # 搜索
        await settle(pilot, 0.3)
        await pilot.press("enter")
        await settle(pilot)
        search = app.screen.query_one("#contacts-search")
        assert search.display and search.has_focus


async def test_the_palette_leaves_out_what_the_role_may_not_use(showroom, make_app):
    app = make_app(staff=showroom["zhaomin"])  # a receptionist: no contact table
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_palette(pilot)
        names = " ".join(palette_lines(app))
        assert "来店" in names and "离店" in names
        assert "意向客户" not in names


async def test_zs_finds_the_customer_and_enter_opens_the_card(showroom, make_app):
    """Every other field takes pinyin initials; so does the palette, for a customer."""
    from frontdesk.desk import registration
    from frontdesk.people.actor import DESK
    from screens.followup.customer_card import CustomerScreen

    registration.register(
        registration.RegistrationInput(
            kind="walkin", phone="13812345678", name="张三", level="A", consultant="李娜"
        ),
        by=DESK,
    )
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_palette(pilot, "z", "s")
        found = [line for line in palette_lines(app) if "张三" in line]
        assert found == ["客户 张三  138 1234 5678 · A · 李娜"]
        listed = palette_lines(app)  # keys whose names begin "zs" may come first
        await pilot.press(*["down"] * listed.index(found[0]), "enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)


async def test_a_consultant_finds_only_their_own_customers(showroom, make_app):
    from frontdesk.desk import registration
    from frontdesk.people.actor import DESK

    for phone, name, consultant in (
        ("13812345678", "张三", "李娜"),
        ("13912345678", "张珊", "王磊"),
    ):
        registration.register(
            registration.RegistrationInput(
                kind="walkin", phone=phone, name=name, level="B", consultant=consultant
            ),
            by=DESK,
        )
    app = make_app(staff=showroom["lina"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_palette(pilot, "z", "s")
        customers = [line for line in palette_lines(app) if line.startswith("客户")]
        assert customers == ["客户 张三  138 1234 5678 · B · 李娜"]  # not 王磊's 张珊

"""Labels shown whole at 80×24: the header, the welcome, the month sheet, the contact grid."""

from __future__ import annotations

import pytest

from frontdesk import i18n
from frontdesk.store import settings
from screens.stats.month_sheet import MonthSheetScreen
from tests.actors import as_member
from tests.conftest import screen_lines, settle

LONG_STORE = "广州市天河区广汽丰田汽车销售服务有限公司"  # 40 columns on its own


def top_line(app) -> str:
    return screen_lines(app)[0]


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_a_long_store_name_gives_way_to_who_is_signed_in(showroom, make_app, language):
    i18n.set_language(language)
    settings.put(settings.STORE_NAME, LONG_STORE)
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        line = top_line(app).rstrip()
        assert line.endswith("陈静")  # the name whole, never "Signed in: Fro"
        assert "2026-11-25" in line and "10:30:00" in line


async def test_a_short_store_name_keeps_the_whole_header(showroom, make_app):
    i18n.set_language("en")
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        line = top_line(app)
        assert "丰田4S店" in line and "Wednesday 2026-11-25" in line
        assert line.rstrip().endswith("Signed in: 陈静")


async def test_the_welcome_shows_every_label_whole_in_english(db, make_app):
    i18n.set_language("en")
    app = make_app(show_welcome=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = "\n".join(screen_lines(app))
        for label in ("Store name", "Consultants", "Receptionists", "Managers", "Models on sale"):
            assert f" {label} " in text


@pytest.mark.parametrize(
    ("language", "counts", "rates"),
    [
        ("zh_CN", "本月合计：来店 0 批 0 人 · 来电 0", "留档率 — · 试驾率 — · 订车率 —"),
        ("en", "Month total: 0 parties, 0 people · calls 0", "On file — · test drives — ·"),
    ],
)
async def test_the_month_total_is_whole_on_two_lines(showroom, make_app, language, counts, rates):
    i18n.set_language(language)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MonthSheetScreen)
        lines = screen_lines(app)
        assert counts in lines[-3] and rates in lines[-2]
        assert "…" not in lines[-3] + lines[-2]


async def test_the_contact_grid_spaces_its_days_and_weekdays(showroom, make_app):
    i18n.set_language("en")
    app = make_app(staff=as_member(showroom["chenjing"]).staff)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        text = "\n".join(screen_lines(app))
        assert "  1  2  3" in text  # November 2026: the 1st is a Sunday
        assert " Su Mo Tu We" in text


# The keys of the screens reached from the day log, as a manager presses them.
FOOTER_VISITS = [
    pytest.param((), id="day-log"),
    pytest.param(("f2",), id="walk-in"),
    pytest.param(("f3",), id="call"),
    pytest.param(("f5",), id="statistics"),
    pytest.param(("f5", "m"), id="month-sheet"),
    pytest.param(("f6",), id="contacts"),
    pytest.param(("f1",), id="help"),
]


@pytest.mark.parametrize("keys", FOOTER_VISITS)
@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_every_key_in_the_footer_is_shown_whole_at_80_columns(
    showroom, make_app, language, keys
):
    from screens.widgets import FdFooter, line_width

    i18n.set_language(language)
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        footer = app.screen.query_one(FdFooter)
        shown = footer.shown()
        assert shown, "the footer shows keys"
        assert footer.region.right <= 80
        assert line_width(shown) <= footer.content_size.width, "the line is cut"
        line = screen_lines(app)[footer.region.y]
        for item in shown:  # each key and its word (a group's: after its keys), whole
            if item.group:
                whole = f"{item.key_display} "
                assert f" {item.group} " in f"{line} ", f"{item.group} is cut: {line!r}"
            else:
                whole = f"{item.key_display} {item.description}".strip()
            assert whole in line, f"{whole} is cut: {line!r}"
        if keys != ("f1",):  # F1 lists every key, so every other screen shows F1 whole
            assert any(item.key == "f1" for item in shown)


async def test_the_contact_grid_scrolled_to_today_starts_at_a_whole_day(showroom, make_app):
    """Scrolled so that today shows, the days start at a day's edge: " Mo", never "u"."""
    from screens.followup.contact_grid import FIXED_WIDTH

    i18n.set_language("en")
    app = make_app(staff=as_member(showroom["chenjing"]).staff)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        weekdays = screen_lines(app)[3][FIXED_WIDTH:]
        assert weekdays[:3] in {" Mo", " Tu", " We", " Th", " Fr", " Sa", " Su"}, weekdays
        await pilot.press("left")  # a step sideways keeps to whole days too
        await settle(pilot)
        weekdays = screen_lines(app)[3][FIXED_WIDTH:]
        assert weekdays[:3] in {" Mo", " Tu", " We", " Th", " Fr", " Sa", " Su"}, weekdays

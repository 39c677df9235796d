"""The business rules: phone numbers, levels, text, pinyin, choices and times."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontdesk import rules

TUESDAY = dt.date(2026, 11, 25)
MODELS = ["凯美瑞", "卡罗拉", "汉兰达", "RAV4荣放"]

# ---------------------------------------------------------------- phone numbers


@pytest.mark.parametrize(
    "typed",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "  138 1234 5678  ",
        "+86 138-1234-5678",
        "+8613812345678",
        "0086 138 1234 5678",
    ],
)
def test_a_mobile_is_the_same_however_it_is_typed(typed):
    assert rules.normalise_phone(typed) == "13812345678"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("010-12345678", "01012345678"),  # Beijing
        ("(010) 1234 5678", "01012345678"),
        ("+86 10 1234 5678", "01012345678"),
        ("021 6888 8888", "02168888888"),  # Shanghai
    ],
)
def test_a_landline_keeps_its_area_code(typed, stored):
    assert rules.normalise_phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+852 9123 4567", "+85291234567"),  # Hong Kong mobile
        ("+1 650-253-0000", "+16502530000"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_a_foreign_number_is_stored_as_e164(typed, stored):
    assert rules.normalise_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        None,
        "12345",  # too short
        "1381234567",  # a digit missing
        "abc",
        "电话",
        "138 1234 5678 " + "-" * 30,  # longer than MAX_PHONE_INPUT
        "1" * 40,
        "138 1234 5678 ext 9",  # an extension is a desk behind a switchboard, not a customer
        "13812345678x9",
        "010-12345678 转 9",
    ],
)
def test_an_invalid_phone_is_none(typed):
    assert rules.normalise_phone(typed) is None


@pytest.mark.parametrize(
    "typed",
    [
        "1391234abcd",  # keypad letters: phonenumbers would store 13912342223
        "139 1234 ABCD",
        "+86 139-1234-abcd",
        "1-800-FLOWERS",
        "１３９１２３４ａｂｃｄ",  # full-width letters
        "13912345678号",
    ],
)
def test_a_phone_with_letters_is_refused_never_read_as_keypad_digits(typed):
    assert rules.phone_has_letters(typed)
    assert rules.normalise_phone(typed) is None


@pytest.mark.parametrize(
    "typed", ["13912345678", "+86 (139) 1234-5678", "１３９１２３４５６７８", ""]
)
def test_digits_and_punctuation_are_not_letters(typed):
    assert not rules.phone_has_letters(typed)


def test_phone_input_longer_than_the_limit_is_refused_even_if_valid_inside():
    padded = "138-1234-5678".ljust(rules.MAX_PHONE_INPUT + 1, "-")
    assert len(padded) > rules.MAX_PHONE_INPUT
    assert rules.normalise_phone(padded) is None


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("13812345678", "138 1234 5678"),
        ("01012345678", "010 1234 5678"),  # Beijing: a 3-digit area code
        ("02087654321", "020 8765 4321"),  # Guangzhou, and the rest of 02X
        ("075512345678", "0755 1234 5678"),  # Shenzhen: 4 digits, an 8-digit number
        ("057188888888", "0571 8888 8888"),
        ("03911234567", "0391 123 4567"),  # a 7-digit local number
        ("0996955163", "0996 955163"),  # a 6-digit one: whole
        ("4008123123", "400 812 3123"),
        ("8008108888", "800 810 8888"),
        ("+85291234567", "+85291234567"),
        ("", ""),
        (None, ""),
    ],
)
def test_format_phone(stored, shown):
    assert rules.format_phone(stored) == shown


@settings(max_examples=300, deadline=None, database=None)
@given(
    st.one_of(
        st.from_regex(r"0[1-9][0-9]{8,10}", fullmatch=True),  # landlines with their area code
        st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),  # mobiles
        st.from_regex(r"(400|800)[0-9]{7}", fullmatch=True),  # service numbers
    )
)
def test_format_phone_groups_as_phonenumbers_prints_chinese_numbers(digits):
    import phonenumbers

    stored = rules.normalise_phone(digits)
    if stored is None or stored.startswith("95"):  # invalid; or a 950 number, shown as stored
        return
    national = phonenumbers.format_number(
        phonenumbers.parse(stored, "CN"), phonenumbers.PhoneNumberFormat.NATIONAL
    )
    assert rules.format_phone(stored) == national


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(max_size=40))
def test_normalise_phone_never_raises(text):
    result = rules.normalise_phone(text)
    assert result is None or (result.lstrip("+").isdigit() and result.isascii())


@settings(max_examples=100, deadline=None, database=None)
@given(st.text(alphabet="0123456789 -+()#xet转", max_size=30))
def test_normalise_phone_is_idempotent(text):
    once = rules.normalise_phone(text)
    if once is not None:
        assert rules.normalise_phone(once) == once


# ---------------------------------------------------------------- levels


@pytest.mark.parametrize(
    ("typed", "level"),
    [("h", "H"), ("H", "H"), (" a ", "A"), ("b", "B"), ("C", "C"), ("o", "O")],
)
def test_normalise_level_upper_cases(typed, level):
    assert rules.normalise_level(typed) == level


@pytest.mark.parametrize("typed", ["", "  ", None, "-", "none", "—"])
def test_a_blank_level_is_none(typed):
    assert rules.normalise_level(typed) is None


@pytest.mark.parametrize("typed", ["D", "M", "HH", "1", "高", "x"])
def test_an_unknown_level_raises(typed):
    with pytest.raises(ValueError):
        rules.normalise_level(typed)


@pytest.mark.parametrize(
    ("level", "days"),
    [("O", 7), ("H", 2), ("A", 3), ("B", 7), ("C", 14)],
)
def test_follow_up_due_per_level(level, days):
    assert rules.follow_up_due(TUESDAY, level) == TUESDAY + dt.timedelta(days=days)


def test_follow_up_due_crosses_the_month_end():
    assert rules.follow_up_due(dt.date(2026, 11, 28), "C") == dt.date(2026, 12, 12)


def test_no_follow_up_without_a_level():
    assert rules.follow_up_due(TUESDAY, None) is None


def test_follow_up_intervals_can_be_the_stores_own():
    assert rules.follow_up_due(TUESDAY, "H", {"H": 1}) == dt.date(2026, 11, 26)


# ---------------------------------------------------------------- text


def test_clean_text_drops_control_characters_and_the_escape_byte():
    typed = "\x1b[31m张三\x1b[0m\x00\x07 先生"
    assert rules.clean_text(typed, 40) == "[31m张三[0m 先生"


def test_clean_text_keeps_cjk_emoji_and_markup_looking_text():
    assert rules.clean_text("  [VIP]张三 🚗 [/x]  ", 40) == "[VIP]张三 🚗 [/x]"


def test_clean_text_keeps_newlines_and_turns_tabs_into_spaces():
    assert rules.clean_text("第一行\n第二行\t完", 40) == "第一行\n第二行 完"


def test_clean_text_of_nothing_is_empty():
    assert rules.clean_text(None, 10) == ""
    assert rules.clean_text("", 10) == ""


def test_clean_text_at_the_limit_passes_and_beyond_raises():
    assert rules.clean_text("凯" * 10, 10) == "凯" * 10
    with pytest.raises(ValueError):
        rules.clean_text("凯" * 11, 10)


def test_clean_text_counts_the_limit_after_trimming():
    assert rules.clean_text("  " + "a" * 10 + "  ", 10) == "a" * 10


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(max_size=80))
def test_clean_text_never_returns_control_characters(text):
    try:
        cleaned = rules.clean_text(text, 80)
    except ValueError:
        return
    assert "\x1b" not in cleaned
    assert all(ch == "\n" or unicodedata.category(ch)[0] != "C" for ch in cleaned)


# ---------------------------------------------------------------- pinyin


@pytest.mark.parametrize(
    ("name", "initials"),
    [("张三", "zs"), ("王磊", "wl"), ("李娜", "ln"), ("[VIP]张三", "vzs"), ("", "")],
)
def test_pinyin_initials(name, initials):
    assert rules.pinyin_initials(name) == initials


@pytest.mark.parametrize(
    ("name", "login"),
    [
        ("王磊", "wanglei"),
        ("赵敏", "zhaomin"),
        ("张三", "zhangsan"),
        ("[VIP]张三", "vipzhangsan"),
        ("Tom Lee", "tomlee"),
        ("!!!", "staff"),
    ],
)
def test_login_for(name, login):
    assert rules.login_for(name) == login


# ---------------------------------------------------------------- choices


def test_choice_matches_exact():
    assert rules.choice_matches("卡罗拉", MODELS) == ["卡罗拉"]


def test_choice_matches_prefix_ignores_case():
    assert rules.choice_matches("rav", MODELS) == ["RAV4荣放"]


def test_choice_matches_pinyin_initials():
    assert rules.choice_matches("km", MODELS) == ["凯美瑞"]


def test_choice_matches_full_pinyin():
    assert rules.choice_matches("hanlan", MODELS) == ["汉兰达"]


def test_choice_matches_substring():
    assert rules.choice_matches("荣放", MODELS) == ["RAV4荣放"]
    assert rules.choice_matches("美", MODELS) == ["凯美瑞"]


def test_choice_matches_nothing():
    assert rules.choice_matches("宝马", MODELS) == []


def test_choice_matches_blank_query_keeps_every_name_in_order():
    assert rules.choice_matches("  ", MODELS) == MODELS


def test_choice_matches_ranks_exact_then_prefix_then_pinyin_then_substring():
    names = ["新凯美瑞", "凯美瑞 双擎", "kmx", "凯美瑞", "凯"]
    # 凯 is exact; 凯美瑞 双擎 and 凯美瑞 start with it; 新凯美瑞 only contains it.
    assert rules.choice_matches("凯", names) == ["凯", "凯美瑞 双擎", "凯美瑞", "新凯美瑞"]
    # kmx starts with "km" as text (prefix) before the pinyin matches, in list order.
    assert rules.choice_matches("km", names) == ["kmx", "凯美瑞 双擎", "凯美瑞"]


def test_choice_matches_two_pinyin_matches_keep_list_order():
    assert rules.choice_matches("k", MODELS) == ["凯美瑞", "卡罗拉"]


@settings(max_examples=100, deadline=None, database=None)
@given(st.text(max_size=10), st.lists(st.text(max_size=10), max_size=6))
def test_choice_matches_never_raises_and_only_returns_given_names(query, names):
    found = rules.choice_matches(query, names)
    assert all(name in names for name in found)
    assert len(found) <= len(names)


# ---------------------------------------------------------------- times


@pytest.mark.parametrize(
    ("typed", "moment"),
    [
        ("09:05", dt.datetime(2026, 11, 25, 9, 5)),
        ("9:05", dt.datetime(2026, 11, 25, 9, 5)),
        ("0905", dt.datetime(2026, 11, 25, 9, 5)),
        ("1830", dt.datetime(2026, 11, 25, 18, 30)),
        ("9：05", dt.datetime(2026, 11, 25, 9, 5)),  # full-width colon from a Chinese IME
        ("9.05", dt.datetime(2026, 11, 25, 9, 5)),
        (" 23:59 ", dt.datetime(2026, 11, 25, 23, 59)),
        ("2026-11-24 18:00", dt.datetime(2026, 11, 24, 18, 0)),
        ("2026-11-24 18:00:30", dt.datetime(2026, 11, 24, 18, 0, 30)),
        ("2026-11-24T18:00", dt.datetime(2026, 11, 24, 18, 0)),
        ("2026-11-24T18:00:30", dt.datetime(2026, 11, 24, 18, 0, 30)),
    ],
)
def test_parse_time_of_day(typed, moment):
    assert rules.parse_time_of_day(typed, TUESDAY) == moment


@pytest.mark.parametrize(
    "typed", ["", "abc", "905", "25:00", "12:60", "9:5", "12:00pm", "2026-13-01 10:00", None]
)
def test_parse_time_of_day_refuses(typed):
    with pytest.raises(ValueError):
        rules.parse_time_of_day(typed, TUESDAY)


def test_stay_minutes_of_a_party_that_left():
    time_in = dt.datetime(2026, 11, 25, 10, 0)
    time_out = dt.datetime(2026, 11, 25, 10, 45, 59)
    assert rules.stay_minutes(time_in, time_out, dt.datetime(2026, 11, 25, 18, 0)) == 45


def test_stay_minutes_of_a_party_still_in_the_showroom_counts_to_now():
    time_in = dt.datetime(2026, 11, 25, 10, 0)
    assert rules.stay_minutes(time_in, None, dt.datetime(2026, 11, 25, 10, 30)) == 30


def test_stay_minutes_is_never_negative():
    time_in = dt.datetime(2026, 11, 25, 10, 0)
    assert rules.stay_minutes(time_in, None, dt.datetime(2026, 11, 25, 9, 0)) == 0


def test_slashed_dates_from_chinese_spreadsheets_are_read():
    day = dt.date(2026, 11, 25)
    assert rules.parse_time_of_day("2026/11/20 10:00", day) == dt.datetime(2026, 11, 20, 10, 0)


def test_a_time_more_than_five_minutes_ahead_is_the_future():
    now = dt.datetime(2026, 11, 25, 10, 30)
    assert not rules.is_future(now + dt.timedelta(minutes=5), now)
    assert rules.is_future(now + dt.timedelta(minutes=6), now)


@pytest.mark.parametrize(
    ("query", "name", "span"),
    [
        ("tj", "统计", [0, 1]),
        ("TJ", "统计", [0, 1]),
        ("tj", "展厅来店(电)统计（F5）", [7, 8]),  # the brackets have no initial
        ("cxfp", "重新分配客户", [0, 1, 2, 3]),  # 重 read as in 重新 (chong)
        ("zs", "统计", None),
        ("tj", "Statistics", None),  # Latin words are found by their letters, not here
        ("", "统计", None),
        ("统计", "统计", None),
    ],
)
def test_pinyin_span_finds_a_name_by_the_initials_of_its_characters(query, name, span):
    assert rules.pinyin_span(query, name) == span

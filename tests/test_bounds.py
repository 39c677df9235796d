"""The ranges of typed days, months and record numbers: 2000-01-01 to a year after today,
ids 1 to 2**63 - 1, one parser and one message for each."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk import bounds, i18n, months
from frontdesk.cli import stats as cli_stats
from frontdesk.errors import ValidationError

# With the clock frozen on 2026-11-25, a year ahead is 2027-11-26 (366 days).
DAY_RANGE = "日期须在 2000-01-01 到 2027-11-26 之间"
MONTH_RANGE = "月份须在 2000-01 到 2027-11 之间"
ID_RANGE = "编号须是 1 到 9223372036854775807 之间的整数"
FIXTURE_OK = [HealthCheck.function_scoped_fixture]  # the frozen clock is the same for all


def refusal(parse, text: str, field: str) -> str:
    with pytest.raises(ValidationError) as caught:
        parse(text)
    assert set(caught.value.errors) == {field}
    return caught.value.errors[field]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2000-01-01", dt.date(2000, 1, 1)),
        (" 2026-11-25 ", dt.date(2026, 11, 25)),
        ("2027-11-26", dt.date(2027, 11, 26)),
    ],
)
def test_a_day_within_the_range(frozen_clock, text, day):
    assert bounds.parse_day(text) == day


@pytest.mark.parametrize("text", ["9999-12-31", "2027-11-27", "1999-12-31", "0001-01-01"])
def test_a_day_out_of_the_range_says_the_range(frozen_clock, text):
    assert refusal(bounds.parse_day, text, "date") == DAY_RANGE


@pytest.mark.parametrize("text", ["", "2026-13-01", "2026-02-30", "明天", "10000-01-01"])
def test_a_day_that_is_no_date_says_the_format(frozen_clock, text):
    assert refusal(bounds.parse_day, text, "date") == "日期格式：YYYY-MM-DD"


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2000-01", dt.date(2000, 1, 1)),
        ("2026/11", dt.date(2026, 11, 1)),
        ("202611", dt.date(2026, 11, 1)),
        ("2026-1", dt.date(2026, 1, 1)),
        ("2027-11", dt.date(2027, 11, 1)),
    ],
)
def test_a_month_within_the_range(frozen_clock, text, month):
    assert bounds.parse_month(text) == month
    assert months.parse_month(text) == month  # the one way to read a month, unbounded
    assert cli_stats.parse_month(text) == (month.year, month.month)  # and the statistics'


@pytest.mark.parametrize("text", ["9999-12", "2027-12", "1999-12", "0001-01"])
def test_a_month_out_of_the_range_says_the_range(frozen_clock, text):
    for parse in (bounds.parse_month, cli_stats.parse_month):
        assert refusal(parse, text, "month") == MONTH_RANGE


@pytest.mark.parametrize("text", ["", "2026-13", "11/2026", "2026-00", "十一月"])
def test_a_month_that_is_no_month_says_the_format(frozen_clock, text):
    assert refusal(bounds.parse_month, text, "month") == "月份格式：YYYY-MM"


def test_the_range_in_english(frozen_clock):
    i18n.set_language("en")
    assert refusal(bounds.parse_day, "9999-12-31", "date") == (
        "The date must be from 2000-01-01 to 2027-11-26"
    )
    assert refusal(bounds.parse_month, "0001-01", "month") == (
        "The month must be from 2000-01 to 2027-11"
    )


@pytest.mark.parametrize("value", [0, -1, 2**63, 99999999999999999999999])
def test_an_id_out_of_the_range_says_the_range(value):
    assert refusal(bounds.check_id, value, "id") == ID_RANGE


@pytest.mark.parametrize("value", [1, 42, 2**63 - 1])
def test_an_id_within_the_range(value):
    assert bounds.check_id(value) == value


# ---------------------------------------------------------------- any date, any integer


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=FIXTURE_OK)
@given(day=st.dates())
def test_any_date_is_a_day_in_range_or_refused_with_the_range(frozen_clock, day):
    inside = dt.date(2000, 1, 1) <= day <= dt.date(2027, 11, 26)
    text = day.isoformat()
    if inside:
        assert bounds.parse_day(text) == day
    else:
        assert refusal(bounds.parse_day, text, "date") == DAY_RANGE


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=FIXTURE_OK)
@given(day=st.dates())
def test_any_month_is_in_range_or_refused_with_the_range(frozen_clock, day):
    inside = (2000, 1) <= (day.year, day.month) <= (2027, 11)
    text = f"{day.year:04d}-{day.month:02d}"
    if inside:
        assert bounds.parse_month(text) == day.replace(day=1)
    else:
        assert refusal(bounds.parse_month, text, "month") == MONTH_RANGE


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=FIXTURE_OK)
@given(text=st.text(max_size=12))
def test_any_text_is_a_day_or_a_sentence(frozen_clock, text):
    try:
        day = bounds.parse_day(text)
    except ValidationError as error:
        assert error.errors["date"] in (DAY_RANGE, "日期格式：YYYY-MM-DD")
    else:
        assert dt.date(2000, 1, 1) <= day <= dt.date(2027, 11, 26)
    try:
        month = bounds.parse_month(text)
    except ValidationError as error:
        assert error.errors["month"] in (MONTH_RANGE, "月份格式：YYYY-MM")
    else:
        assert dt.date(2000, 1, 1) <= month <= dt.date(2027, 11, 1) and month.day == 1


@settings(max_examples=300, deadline=None, database=None)
@given(value=st.one_of(st.integers(), st.integers(-(2**70), 2**70)))
def test_any_integer_is_an_id_or_refused_with_the_range(value):
    if 1 <= value <= 2**63 - 1:
        assert bounds.check_id(value) == value
    else:
        assert refusal(bounds.check_id, value, "id") == ID_RANGE

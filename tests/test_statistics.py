"""The showroom statistics (展厅来店(电)统计表): every definition against a hand-built day, the
month sheet and its total, the CLI's JSON and text, and the XLSX/CSV read back.

The day under test is Tuesday 2026-11-24, the day before the frozen clock's "today":

==== ===== ============================ ===== ======================================
 #   time   who                          party what
==== ===== ============================ ===== ======================================
 1   09:05  王先生 (walked in on 11-10)  2     returning; test drive, order; 45 min
 2   09:40  李女士 (only called, 11-20)  3     first, on file, level H; 60 min
 3   10:15  anonymous                    1     first, not on file; 15 min
 4   11:05  call from 赵先生 (phone)     —     call on file
 5   14:20  周女士, new                  1     first, on file, level A, test drive; still in
 6   14:30  周女士 again                 1     returning (her walk-in at 14:20); 10 min
 7   16:45  anonymous call               —     call not on file
==== ===== ============================ ===== ======================================
"""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from openpyxl import load_workbook

from frontdesk import cli, store
from frontdesk.desk import registration as registration_service
from frontdesk.people.actor import DESK
from frontdesk.stats import statistics, statistics_sheet
from frontdesk.store import codes
from frontdesk.store.models import Registration, database

pytestmark = pytest.mark.both_engines  # the store's tests, on SQLite and on PostgreSQL

DAY = dt.date(2026, 11, 24)
WANG, LI, ZHOU, ZHAO = "13812345678", "13912345678", "13700001111", "13600002222"


def register(kind: str, at: str, **fields) -> Registration:
    return registration_service.register(
        registration_service.RegistrationInput(kind=kind, time_in=at, **fields), by=DESK
    )


def walkin(at: str, **fields) -> Registration:
    return register("walkin", at, **fields)


@pytest.fixture
def tuesday(showroom):
    """The day of the module docstring, with the history it needs and neighbours around it."""
    walkin("2026-11-10 09:00", phone=WANG, name="王先生", level="C", consultant="王磊")
    register("phone", "2026-11-20 15:00", phone=LI, name="李女士", consultant="李娜")
    walkin("2026-11-23 23:59", consultant="王磊")  # the day before: not counted
    walkin(
        "2026-11-24 09:05",
        phone=WANG,
        party_size=2,
        level="B",  # not a new intent customer: his first level was C on 11-10
        model="凯美瑞",
        channel="网络",
        consultant="王磊",
        test_drive=True,
        ordered=True,
        time_out="09:50",
    )
    walkin(
        "2026-11-24 09:40",
        phone=LI,
        party_size=3,
        level="H",
        model="卡罗拉",
        channel="朋友介绍",
        consultant="李娜",
        time_out="10:40",
    )
    walkin("2026-11-24 10:15", consultant="王磊", time_out="10:30")
    register("phone", "2026-11-24 11:05", phone=ZHAO, model="汉兰达", channel="网络")
    walkin("2026-11-24 14:20", phone=ZHOU, level="A", consultant="李娜", test_drive=True)
    walkin("2026-11-24 14:30", phone=ZHOU, consultant="李娜", time_out="14:40")
    register("phone", "2026-11-24 16:45")
    walkin("2026-11-25 00:00", consultant="王磊")  # the day after: not counted
    return DAY


# -- the definitions ------------------------------------------------------------------------


def test_walkins_people_first_and_returning(tuesday):
    stats = statistics.daily_statistics(tuesday)
    assert (stats.parties, stats.people) == (5, 8)
    # returning: 王 (walked in before) and 周's second walk-in; first: 李 (only called before),
    # the anonymous party and 周's first walk-in.
    assert (stats.returning, stats.first) == (2, 3)


def test_on_file_counts_first_walkins_with_a_phone(tuesday):
    stats = statistics.daily_statistics(tuesday)
    assert stats.first_on_file == 2  # 李 and 周; the anonymous party is not on file
    assert stats.on_file_rate == pytest.approx(2 / 3)


def test_test_drives_orders_and_their_rates_are_over_first_visits_by_default(tuesday):
    stats = statistics.daily_statistics(tuesday)
    assert (stats.test_drives, stats.orders) == (2, 1)
    assert stats.rate_base == "first"  # the OEM convention, unless the store says otherwise
    assert stats.test_drive_rate == pytest.approx(2 / 3)  # over 李, the anonymous party, 周
    assert stats.order_rate == pytest.approx(1 / 3)


def test_stay_is_the_mean_over_parties_that_left_and_open_ones_are_counted(tuesday):
    stats = statistics.daily_statistics(tuesday)
    assert stats.avg_stay_min == pytest.approx((45 + 60 + 15 + 10) / 4)
    assert stats.open == 1  # 周's first walk-in never checked out


def test_calls_and_calls_on_file(tuesday):
    stats = statistics.daily_statistics(tuesday)
    assert (stats.calls, stats.calls_on_file) == (2, 1)


def test_new_intent_customers_by_their_first_level(tuesday):
    stats = statistics.daily_statistics(tuesday)
    assert stats.new_intent == {"O": 0, "H": 1, "A": 1, "B": 0, "C": 0}
    assert statistics.daily_statistics(dt.date(2026, 11, 10)).new_intent["C"] == 1


def test_a_customer_levelled_twice_on_a_day_counts_once_at_the_first_level(showroom):
    walkin("2026-11-24 09:00", phone=ZHOU, level="C")
    walkin("2026-11-24 15:00", phone=ZHOU, level="H")
    assert statistics.daily_statistics(DAY).new_intent == {"O": 0, "H": 0, "A": 0, "B": 0, "C": 1}


def test_splits_by_hour_channel_model_and_consultant(tuesday):
    stats = statistics.daily_statistics(tuesday)
    assert stats.by_hour == {
        "09": {"walkin": 2, "phone": 0},
        "10": {"walkin": 1, "phone": 0},
        "11": {"walkin": 0, "phone": 1},
        "14": {"walkin": 2, "phone": 0},
        "16": {"walkin": 0, "phone": 1},
    }
    unassigned = statistics.UNASSIGNED
    assert stats.by_channel == {
        "网络": {"walkin": 1, "phone": 1},
        "朋友介绍": {"walkin": 1, "phone": 0},
        unassigned: {"walkin": 3, "phone": 1},
    }
    assert list(stats.by_channel)[-1] == unassigned  # busiest first, unassigned last
    assert stats.by_model == {
        "凯美瑞": {"walkin": 1, "phone": 0},
        "卡罗拉": {"walkin": 1, "phone": 0},
        "汉兰达": {"walkin": 0, "phone": 1},
        unassigned: {"walkin": 3, "phone": 1},
    }
    assert stats.by_consultant == {
        # 李娜: 李 and 周's first walk-in are first visits, 周's second is not; 王磊: the
        # anonymous party is a first visit, 王 returns.
        "李娜": {"parties": 3, "first": 2, "first_on_file": 2, "test_drives": 1, "orders": 0},
        "王磊": {"parties": 2, "first": 1, "first_on_file": 0, "test_drives": 1, "orders": 1},
    }


def test_a_walkin_without_a_consultant_is_split_as_unassigned(showroom):
    walkin("2026-11-24 09:00", phone=WANG)
    database.execute_sql("UPDATE registration SET consultant_id = NULL")
    stats = statistics.daily_statistics(DAY)
    assert stats.by_consultant == {
        statistics.UNASSIGNED: {
            "parties": 1,
            "first": 1,
            "first_on_file": 1,
            "test_drives": 0,
            "orders": 0,
        }
    }


def test_the_stored_visit_mark_agrees_with_the_definition_when_entered_in_order(tuesday):
    """The form stamps first/returning when a row is saved (``registration.visit``); entered
    in the order things happened, it says what the statistics count."""
    start, end = (f"{tuesday} 00:00:00", f"{tuesday + dt.timedelta(days=1)} 00:00:00")
    stamped = (
        Registration.select()
        .where(
            (Registration.kind == "walkin")
            & (Registration.visit == "returning")
            & (Registration.time_in >= start)
            & (Registration.time_in < end)
        )
        .count()
    )
    assert stamped == statistics.daily_statistics(tuesday).returning == 2


def test_a_late_entry_of_an_earlier_walkin_makes_the_later_one_returning(showroom):
    """A walk-in typed in late from paper comes before a later walk-in of the same customer:
    the statistics count by the definition, and the later one's stamp is restamped."""
    later = walkin("2026-11-24 15:00", phone=WANG)
    earlier = walkin("2026-11-24 09:00", phone=WANG)  # happened first, entered second
    assert Registration.get_by_id(later.id).visit == "returning"
    assert Registration.get_by_id(earlier.id).visit == "first"
    stats = statistics.daily_statistics(DAY)
    assert (stats.first, stats.returning) == (1, 1)


def test_a_rate_with_nothing_to_divide_by_is_none_never_zero(showroom):
    walkin("2026-11-20 09:00", phone=WANG, time_out="09:30")
    walkin("2026-11-24 09:00", phone=WANG)  # returning and still in: no first, no stay
    stats = statistics.daily_statistics(DAY)
    assert (stats.first, stats.left) == (0, 0)
    assert stats.on_file_rate is None and stats.avg_stay_min is None
    assert stats.test_drive_rate is None and stats.order_rate is None  # over 0 first visits
    walkin_json = stats.to_json()["walkin"]
    assert walkin_json["on_file_rate"] is None and walkin_json["avg_stay_min"] is None


def test_an_empty_day_is_all_zeros_and_undefined_rates(db):
    stats = statistics.daily_statistics(DAY)
    assert stats.to_json() == {
        "date": "2026-11-24",
        "rate_base": "first",
        "leads": 0,
        "walkin": {
            "parties": 0,
            "people": 0,
            "first": 0,
            "returning": 0,
            "first_on_file": 0,
            "on_file_rate": None,
            "invited": 0,
            "invited_rate": None,
            "test_drives": 0,
            "test_drive_rate": None,
            "quotes": 0,
            "quote_rate": None,
            "orders": 0,
            "order_rate": None,
            "avg_stay_min": None,
            "open": 0,
        },
        "phone": {
            "calls": 0,
            "first": 0,
            "repeat": 0,
            "on_file": 0,
            "new_leads": {"O": 0, "H": 0, "A": 0, "B": 0, "C": 0},
        },
        "new_intent": {"O": 0, "H": 0, "A": 0, "B": 0, "C": 0},
        "new_intent_by_origin": {"walkin": 0, "visit": 0},
        "by_hour": {},
        "by_channel": {},
        "by_model": {},
        "by_consultant": {},
    }


def test_json_rounds_rates_to_four_places_and_minutes_to_one(tuesday):
    walkin_json = statistics.daily_statistics(tuesday).to_json()["walkin"]
    assert walkin_json["on_file_rate"] == 0.6667
    assert walkin_json["test_drive_rate"] == 0.6667  # 2 of 3 first visits
    assert walkin_json["avg_stay_min"] == 32.5


@pytest.mark.sqlite_only
def test_every_query_searches_an_index_and_scans_no_table(tuesday):
    queries = (
        statistics._totals,
        statistics._by_hour,
        statistics._by_channel,
        statistics._by_model,
        statistics._by_consultant,
        statistics._new_intent,
    )
    for query in queries:
        sql, params = statistics._compiled(query)
        plan = [row[3] for row in database.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params)]
        assert not [step for step in plan if step.startswith("SCAN")], (query.__name__, plan)
        assert any("USING" in step and "INDEX" in step for step in plan), (query.__name__, plan)


# -- the month sheet ------------------------------------------------------------------------


def test_the_month_sheets_days_are_the_daily_statistics(tuesday):
    sheet = statistics.month_sheet(2026, 11)
    assert [stats.day for stats in sheet.days] == [dt.date(2026, 11, day) for day in range(1, 31)]
    for stats in sheet.days:
        assert stats == statistics.daily_statistics(stats.day), stats.day


def test_the_month_total_is_computed_from_the_sums_not_from_daily_rates(showroom):
    walkin("2026-11-02 10:00", phone=WANG)  # day 2: one first visit, on file: 100 %
    for hour in (10, 11, 12):  # day 3: three anonymous first visits: 0 %
        walkin(f"2026-11-03 {hour}:00")
    sheet = statistics.month_sheet(2026, 11)
    rates = [day.on_file_rate for day in sheet.days if day.on_file_rate is not None]
    assert rates == [1.0, 0.0]  # their mean would be 0.5
    assert (sheet.total.first_on_file, sheet.total.first) == (1, 4)
    assert sheet.total.on_file_rate == 0.25
    assert sheet.total.parties == sum(day.parties for day in sheet.days) == 4
    assert sheet.total.by_hour == {
        "10": {"walkin": 2, "phone": 0},
        "11": {"walkin": 1, "phone": 0},
        "12": {"walkin": 1, "phone": 0},
    }


def test_the_month_total_adds_up_every_figure(tuesday):
    sheet = statistics.month_sheet(2026, 11)
    total = sheet.total
    for name in ("parties", "people", "returning", "test_drives", "orders", "calls", "open"):
        assert getattr(total, name) == sum(getattr(day, name) for day in sheet.days), name
    assert total.new_intent == {"O": 0, "H": 1, "A": 1, "B": 0, "C": 1}
    assert total.by_consultant["王磊"]["parties"] == 5  # 11-10, 11-23, 11-24 ×2, 11-25


def test_month_json_has_every_day_and_a_total_without_a_date(tuesday):
    month = statistics.month_sheet(2026, 2).to_json()
    assert month["month"] == "2026-02" and len(month["days"]) == 28
    november = statistics.month_sheet(2026, 11).to_json()
    assert set(november["total"]) == set(november["days"][0]) - {"date"}
    assert november["days"][23] == statistics.daily_statistics(DAY).to_json()


# -- the command line -----------------------------------------------------------------------


@pytest.fixture
def run(tuesday, db_path, capsys, monkeypatch):
    """``frontdesk --db <the test's store> ARGS…`` → (status, stdout, stderr)."""
    for name in ("FRONTDESK_DB", "FRONTDESK_LANG", "FRONTDESK_AS"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = cli.main(["--db", db_path, *args])
        out, err = capsys.readouterr()
        store.open_store(db_path)  # the CLI closed the store: open it again for the test
        return status, out, err

    return run


def test_stats_json_is_the_core_result(run):
    status, out, _ = run("stats", "--date", "2026-11-24", "--json")
    assert status == 0
    assert json.loads(out) == statistics.daily_statistics(DAY).to_json()


def test_stats_json_defaults_to_today_and_a_month_gives_the_sheet(run):
    status, out, _ = run("stats", "--json")
    assert status == 0 and json.loads(out)["date"] == "2026-11-25"
    status, out, _ = run("stats", "--month", "2026-11", "--json")
    assert status == 0
    assert json.loads(out) == statistics.month_sheet(2026, 11).to_json()


@pytest.mark.sqlite_only
def test_stats_text_is_an_aligned_summary(run):
    status, out, _ = run("stats", "--date", "2026-11-24")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "展厅来店(电)统计 · 2026-11-24 星期二"
    assert "来店批次      5" in lines and "留档率        66.7%" in lines
    assert "平均停留(分)  32.5" in lines
    assert any(line.split() == ["（未填）", "3", "1"] for line in lines)  # channel unassigned
    status, out, _ = run("--lang", "en", "stats", "--date", "2026-11-23")
    lines = out.splitlines()
    assert ["On-file", "rate", "0.0%"] in [line.split() for line in lines]
    assert ["Mean", "stay", "(min)", "—"] in [line.split() for line in lines]  # nobody left


@pytest.mark.sqlite_only
def test_stats_text_of_a_month_has_a_row_per_day_and_a_total(run):
    status, out, _ = run("stats", "--month", "2026-11")
    assert status == 0
    lines = out.splitlines()
    assert lines[:2] == ["展厅来店(电)统计表 · 2026-11", "店名：丰田4S店"]
    rows = {line.split()[0]: line.split() for line in lines[5:] if line}
    assert rows["24"][:4] == ["24", "二", "5", "8"]
    assert rows["合计"][:3] == ["合计", "8", "11"]  # 11-10, 11-23, five on 11-24, 11-25
    assert rows["26"] == ["26", "四"]  # days still to come are left blank


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("stats", "--date", "2026-13-01"), "date"),
        (("stats", "--month", "2026-13"), "month"),
        (("export", "stats", "--month", "11/2026", "--out", "x.xlsx"), "month"),
    ],
)
def test_bad_dates_and_months_are_refused_with_a_sentence(run, args, field):
    status, out, err = run(*args)
    assert (status, out) == (1, "")
    assert not err.startswith(field) and "格式：YYYY-" in err  # the sentence, never the field key


def test_export_refuses_an_unknown_file_type(run, tmp_path):
    status, _, err = run("export", "stats", "--month", "2026-11", "--out", str(tmp_path / "x.txt"))
    assert status == 1 and ".xlsx" in err
    assert not (tmp_path / "x.txt").exists()


# -- the files ------------------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_the_xlsx_is_the_month_sheet_laid_out_like_the_paper_form(run, tmp_path):
    path = tmp_path / "stats.xlsx"
    status, out, _ = run("export", "stats", "--month", "2026-11", "--out", str(path))
    assert status == 0 and str(path) in out
    sheet = statistics.month_sheet(2026, 11)
    ws = load_workbook(path).active
    first = statistics_sheet.FIRST_DAY_ROW
    assert ws.cell(1, 1).value == "展厅来店(电)统计表"
    assert ws.cell(2, 1).value == "店名：丰田4S店"
    assert "2026-11" in ws.cell(2, len(statistics_sheet.COLUMNS) // 2 + 1).value
    at = {column.key: index for index, column in enumerate(statistics_sheet.COLUMNS, start=1)}
    assert [ws.cell(3, c).value for c in (1, 2, 3, at["calls"], at["new_O"])] == [
        "日",
        "星期",
        "来店",
        "来电",
        "新增意向",
    ]
    assert [ws.cell(4, c).value for c in (3, 8)] == ["批次", "留档率"]
    for offset, (_, values) in enumerate(statistics_sheet.sheet_rows(sheet)):
        row = [ws.cell(first + offset, c + 1).value for c in range(len(values))]
        blank = {None: statistics_sheet.NO_VALUE, statistics_sheet.NOT_YET: None}
        expected = [blank.get(value, value) for value in values]
        # A rate such as 1/6 comes back from the file to its 15 significant digits.
        expected = [pytest.approx(v) if isinstance(v, float) else v for v in expected]
        assert row == expected, offset + 1
    day24 = [ws.cell(first + 23, c).value for c in range(1, 9)]
    assert day24 == [24, "二", 5, 8, 3, 2, 2, pytest.approx(2 / 3)]
    assert ws.cell(first + 23, 8).number_format == "0.0%"
    assert ws.cell(first + 30, 1).value == "合计"  # after the 30 days of November
    assert ws.freeze_panes == f"C{first}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage


def test_the_xlsx_speaks_english_when_asked(run, tmp_path):
    path = tmp_path / "stats.xlsx"
    assert run("--lang", "en", "export", "stats", "--month", "2026-11", "--out", str(path))[0] == 0
    ws = load_workbook(path).active
    assert ws.cell(1, 1).value == "Showroom walk-in and call statistics"
    assert ws.cell(3, 3).value == "Walk-ins" and ws.cell(4, 3).value == "Parties"


@pytest.mark.sqlite_only
def test_the_csv_has_the_same_columns_in_utf8_with_a_bom(run, tmp_path):
    path = tmp_path / "stats.csv"
    assert run("export", "stats", "--month", "2026-11", "--out", str(path))[0] == 0
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:4] == ["日", "星期", "来店批次", "来店人数"]
    assert len(rows[0]) == len(statistics_sheet.COLUMNS)
    assert rows[24][:8] == ["24", "二", "5", "8", "3", "2", "2", "66.7%"]
    assert rows[1][7] == "—"  # no first visit on 11-01: the rate is undefined
    assert rows[31][0] == "合计" and rows[26][2] == ""  # the 26th is still to come


def test_the_csv_names_each_column_as_a_manager_says_it(run, tmp_path):
    """One header a column, written whole — never the group glued to the label below it
    (来店首次, 来店停留(分), 来电次数 were the two header rows of the XLSX run together)."""
    path = tmp_path / "stats.csv"
    assert run("export", "stats", "--month", "2026-11", "--out", str(path))[0] == 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    named = dict(zip((column.key for column in statistics_sheet.COLUMNS), header, strict=True))
    shown = {key: named.get(key) for key in EXPECTED_HEADERS}  # more columns may follow
    assert shown == EXPECTED_HEADERS
    assert run("--lang", "en", "export", "stats", "--month", "2026-11", "--out", str(path))[0] == 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    named = dict(zip((column.key for column in statistics_sheet.COLUMNS), header, strict=True))
    assert (named["first"], named["avg_stay_min"], named["order_rate"]) == (
        "First visits",
        "Mean stay (min)",
        "Order rate",
    )


EXPECTED_HEADERS = {
    "day": "日",
    "weekday": "星期",
    "parties": "来店批次",
    "people": "来店人数",
    "first": "首次来店",
    "returning": "再次来店",
    "first_on_file": "首次留档",
    "on_file_rate": "留档率",
    "test_drives": "试乘试驾",
    "test_drive_rate": "试驾率",
    "orders": "订车",
    "order_rate": "订车率",
    "avg_stay_min": "平均停留(分)",
    "calls": "来电",
    "calls_on_file": "来电留档",
    "new_O": "新增O级意向",
    "new_H": "新增H级意向",
    "new_A": "新增A级意向",
    "new_B": "新增B级意向",
    "new_C": "新增C级意向",
}


def test_every_column_has_a_header_of_its_own_in_both_languages():
    from frontdesk import i18n

    for language in i18n.LANGUAGES:
        catalogue = i18n.catalogue(language)
        missing = [
            column.key
            for column in statistics_sheet.COLUMNS
            if f"stats.header.{column.key}" not in catalogue
        ]
        assert not missing, (language, missing)


def test_an_unwritable_file_is_a_sentence_not_a_traceback(run, tmp_path):
    status, _, err = run(
        "export", "stats", "--month", "2026-11", "--out", str(tmp_path / "no" / "such" / "x.xlsx")
    )
    assert status == 1
    assert (
        err.strip()
        == f"找不到 {tmp_path / 'no' / 'such' / 'x.xlsx'}（或它所在的文件夹）：请检查路径"
    )
    assert "Errno" not in err


def test_a_file_the_user_names_is_explained_never_in_the_systems_words(run, tmp_path):
    folder = tmp_path / "a-folder.xlsx"
    folder.mkdir()
    status, _, err = run("export", "stats", "--month", "2026-11", "--out", str(folder))
    assert (status, err.strip()) == (1, f"{folder} 是文件夹：请给出文件名")
    (tmp_path / "a-file").write_text("")
    missing = tmp_path / "a-file" / "c.csv"  # a folder that is a file
    status, _, err = run("export", "contacts", "--month", "2026-11", "--out", str(missing))
    assert (status, err.strip()) == (1, f"{tmp_path / 'a-file'} 是文件，不是文件夹：请检查路径")


def test_the_default_file_name_is_in_the_users_language(db):
    from frontdesk import i18n

    assert statistics_sheet.default_filename(2026, 11) == "展厅来店统计-2026-11.xlsx"
    i18n.set_language("en")
    assert statistics_sheet.default_filename(2026, 1) == "showroom-statistics-2026-01.xlsx"


def test_codes_are_not_needed_for_old_names(showroom):
    """A channel retired from the list keeps its name in the splits of past days."""
    codes.add(codes.CHANNEL, "老渠道")
    walkin("2026-11-24 09:00", channel="老渠道")
    database.execute_sql("UPDATE code_item SET active = 0 WHERE name = '老渠道'")
    assert statistics.daily_statistics(DAY).by_channel == {"老渠道": {"walkin": 1, "phone": 0}}

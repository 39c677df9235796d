"""New leads, invited walk-ins, quotes, first and repeat calls, and what the KPI rates divide
by (展厅来店(电)统计表), against a hand-made week.

The week is Monday 2026-11-16 to Sunday 2026-11-22, before the frozen "today" (11-25), and
nothing else is registered in November, so the month's total is the week:

===  ==========  =========================  =========================================
 #   when        who                        what it is
===  ==========  =========================  =========================================
 a   Mon 10:00   call from 孙 (new)          first call, puts 孙 on file: a lead
 b   Mon 15:00   walk-in 钱 (new), 李娜       first visit on file, a lead; test drive, quote
 c   Tue 09:00   walk-in 周 (new), 王磊       first visit on file, a lead
 d   Tue 11:00   call from 孙 again          repeat call (孙 is on file since a)
 e   Tue 15:00   call from 冯 (new)          first call, a lead; 冯 never comes
 f   Wed 10:00   walk-in 孙, 王磊             first visit on file, invited (called before);
                                            no second lead; test drive, quote
 g   Wed 16:00   anonymous call             first call, not on file
 h   Thu 09:30   call from 郑 (new)          first call, a lead
 i   Thu 11:00   call from 钱                repeat call (钱 walked in on Mon)
 j   Thu 14:00   anonymous walk-in, 李娜     first visit, not on file
 k   Fri 10:00   walk-in 钱, 李娜             returning; quote, order
 l   Sat 14:00   walk-in 吴 (new), 王磊       first visit on file, a lead, and invited: a
                                            contact with 吴 on Fri 16:00 (typed in later
                                            from the consultant's notes) came before it
 m   Sun 11:00   walk-in 周, 王磊             returning; order
===  ==========  =========================  =========================================

By hand, for the week:
- walk-ins b c f j k l m = 7 parties; returning k m = 2; first visits b c f j l = 5; on file
  among them b c f l = 4 (留档率 4/5).
- calls a d e g h i = 6; repeat d i = 2; first a e g h = 4; calls on file (a new customer
  put on file) a e h = 3 — the old count, every call with a phone, said 5 (a d e h i).
- new leads: 孙 (a), 钱 (b), 周 (c), 冯 (e), 郑 (h), 吴 (l) = 6 distinct customers; calls on
  file plus first visits on file said 3 + 4 = 7 (孙 twice).
- invited: f (孙 called) and l (吴 contacted) = 2; invited rate 2 / 3 calls on file.
- test drives b f = 2, quotes b f k = 3, orders k m = 2: over the 5 first visits (the
  default) 2/5, 3/5, 2/5; over all 7 parties 2/7, 3/7, 2/7.
- by consultant: 王磊 c f l m: 4 parties, 3 first visits (c f l), 3 on file, 1 test drive
  (f), 1 order (m); 李娜 b j k: 3 parties, 2 first visits (b j), 1 on file (b), 1 test
  drive (b), 1 order (k).
"""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from openpyxl import load_workbook

from frontdesk.desk import registration as registration_service
from frontdesk.errors import ValidationError
from frontdesk.followup import contacts
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.stats import statistics, statistics_sheet
from frontdesk.store import settings
from frontdesk.store.models import Customer

SUN, QIAN, ZHOU, FENG, ZHENG, WU = (
    "13500000001",
    "13500000002",
    "13500000003",
    "13500000004",
    "13500000005",
    "13500000006",
)
MONDAY = dt.date(2026, 11, 16)


def register(kind: str, at: str, **fields):
    return registration_service.register(
        registration_service.RegistrationInput(kind=kind, time_in=at, **fields), by=DESK
    )


def call(at: str, **fields):
    return register("phone", at, **fields)


def walkin(at: str, **fields):
    return register("walkin", at, **fields)


@pytest.fixture
def week(showroom):
    """The week of the module docstring."""
    call("2026-11-16 10:00", phone=SUN, name="孙先生")  # a
    walkin("2026-11-16 15:00", phone=QIAN, consultant="李娜", test_drive=True, quote=True)  # b
    walkin("2026-11-17 09:00", phone=ZHOU, consultant="王磊")  # c
    call("2026-11-17 11:00", phone=SUN)  # d
    call("2026-11-17 15:00", phone=FENG)  # e
    walkin("2026-11-18 10:00", phone=SUN, consultant="王磊", test_drive=True, quote=True)  # f
    call("2026-11-18 16:00")  # g
    call("2026-11-19 09:30", phone=ZHENG)  # h
    call("2026-11-19 11:00", phone=QIAN)  # i
    walkin("2026-11-19 14:00", consultant="李娜")  # j
    walkin("2026-11-20 10:00", phone=QIAN, consultant="李娜", quote=True, ordered=True)  # k
    wu = walkin("2026-11-21 14:00", phone=WU, level="B", consultant="王磊")  # l
    contacts.record_contact(  # entered after l, from the consultant's notes of Friday
        wu.customer_id, contacts.ContactInput(method="call", at="2026-11-20 16:00"), by=OPERATOR
    )
    walkin("2026-11-22 11:00", phone=ZHOU, consultant="王磊", ordered=True)  # m
    return showroom


def total():
    return statistics.month_sheet(2026, 11).total


def day(n: int) -> statistics.DayStatistics:
    return statistics.daily_statistics(dt.date(2026, 11, n))


# -- a lead is new once -----------------------------------------------------------------------


def test_calls_on_file_count_only_calls_that_put_a_new_customer_on_file(week):
    stats = total()
    assert stats.calls == 6
    assert stats.calls_on_file == 3  # a 孙, e 冯, h 郑; not d (孙 again) nor i (钱 walked in)
    assert day(17).calls_on_file == 1  # 冯; 孙's second call that day is no new lead
    assert day(19).calls_on_file == 1  # 郑; 钱's call is no new lead


def test_new_leads_are_distinct_customers_first_registered_in_the_period(week):
    assert total().leads == 6  # 孙 钱 周 冯 郑 吴, each once
    assert [day(n).leads for n in range(16, 23)] == [
        2,  # Mon: 孙 by call, 钱 by walk-in
        2,  # Tue: 周 by walk-in, 冯 by call (孙 again is not new)
        0,  # Wed: 孙 walks in, known since Monday; the call is anonymous
        1,  # Thu: 郑 (钱 calls, known; the walk-in is anonymous)
        0,  # Fri: 钱 returns
        1,  # Sat: 吴
        0,  # Sun: 周 returns
    ]


def test_a_callers_first_walkin_is_still_a_first_visit_on_file(week):
    wednesday = day(18)
    assert (wednesday.first, wednesday.first_on_file, wednesday.on_file_rate) == (1, 1, 1.0)
    stats = total()
    assert (stats.first, stats.first_on_file, stats.returning) == (5, 4, 2)
    assert stats.on_file_rate == pytest.approx(4 / 5)


def test_invited_are_first_walkins_of_customers_known_from_a_call_or_a_contact(week):
    stats = total()
    assert stats.invited == 2  # f 孙 (called on Monday), l 吴 (a contact on Friday)
    assert stats.invited_rate == pytest.approx(2 / 3)  # over the 3 calls on file
    assert (day(18).invited, day(21).invited) == (1, 1)
    assert day(18).invited_rate is None  # no call put anyone on file on Wednesday
    # 钱 (k) and 周 (m) came back: not first visits, so not invited however they were known.
    assert (day(20).invited, day(22).invited) == (0, 0)


def test_a_contact_after_the_walkin_does_not_make_it_invited(showroom):
    walkin("2026-11-21 14:00", phone=WU, level="B")
    customer_id = Customer.get(Customer.phone == WU).id
    contacts.record_contact(
        customer_id, contacts.ContactInput(method="call", at="2026-11-21 17:00"), by=OPERATOR
    )
    assert (day(21).invited, day(21).leads) == (0, 1)


# -- quotes; first and repeat calls ------------------------------------------------------------


def test_quotes_are_counted_with_their_rate(week):
    stats = total()
    assert stats.quotes == 3  # b 钱, f 孙, k 钱
    assert stats.quote_rate == pytest.approx(3 / 5)  # over the 5 first visits
    assert day(20).quotes == 1 and day(20).quote_rate is None  # Friday: no first visit


def test_calls_split_into_first_and_repeat(week):
    stats = total()
    assert (stats.first_calls, stats.repeat_calls) == (4, 2)  # a e g h; d i
    assert (day(17).first_calls, day(17).repeat_calls) == (1, 1)  # 冯; 孙 again
    assert (day(18).first_calls, day(18).repeat_calls) == (1, 0)  # anonymous: a first call
    assert (day(19).first_calls, day(19).repeat_calls) == (1, 1)  # 郑; 钱 walked in before


# -- the KPI denominators ----------------------------------------------------------------------


def test_the_kpi_rates_are_over_first_visits_by_default(week):
    stats = total()
    assert stats.rate_base == statistics.FIRST_VISITS == "first"
    assert stats.test_drive_rate == pytest.approx(2 / 5)
    assert stats.quote_rate == pytest.approx(3 / 5)
    assert stats.order_rate == pytest.approx(2 / 5)


def test_the_store_may_count_the_kpi_rates_over_all_parties(week):
    assert settings.change(statistics.RATE_BASE, " ALL ", by=OPERATOR) == "all"
    stats = total()
    assert stats.rate_base == statistics.ALL_PARTIES
    assert stats.test_drive_rate == pytest.approx(2 / 7)
    assert stats.quote_rate == pytest.approx(3 / 7)
    assert stats.order_rate == pytest.approx(2 / 7)
    assert stats.on_file_rate == pytest.approx(4 / 5)  # always over first visits
    assert day(20).order_rate == 1.0  # Friday: 钱's order of his one party
    assert settings.change(statistics.RATE_BASE, None, by=OPERATOR) == "first"
    assert total().order_rate == pytest.approx(2 / 5)


def test_the_rate_base_is_a_known_setting_and_refuses_other_values(db):
    entry = settings.known_setting(statistics.RATE_BASE)
    assert (entry.kind, entry.default, entry.choices) == ("choice", "first", ("first", "all"))
    assert statistics.RATE_BASE in [known.key for known, _ in settings.known()]
    with pytest.raises(ValidationError) as refused:
        settings.change(statistics.RATE_BASE, "首次", by=OPERATOR)
    assert refused.value.errors[statistics.RATE_BASE] == "须为 first 或 all"
    settings.put(statistics.RATE_BASE, "bogus")  # written by hand: the default holds
    assert statistics.rate_base() == "first"


def test_by_consultant_has_first_visits_so_on_file_rate_can_be_read(week):
    assert total().by_consultant == {
        "王磊": {"parties": 4, "first": 3, "first_on_file": 3, "test_drives": 1, "orders": 1},
        "李娜": {"parties": 3, "first": 2, "first_on_file": 1, "test_drives": 1, "orders": 1},
    }


# -- JSON, the command line and the files ------------------------------------------------------


def test_stats_json_gains_the_new_figures_and_keeps_the_old_keys(week):
    figures = statistics.month_sheet(2026, 11).to_json()["total"]
    assert figures["rate_base"] == "first" and figures["leads"] == 6
    # 吴's Friday call (l's contact) carries level B, given before any meeting: a phone lead.
    assert figures["phone"] == {
        "calls": 6,
        "first": 4,
        "repeat": 2,
        "on_file": 3,
        "new_leads": {"O": 0, "H": 0, "A": 0, "B": 1, "C": 0},
    }
    walkin_json = figures["walkin"]
    assert (walkin_json["invited"], walkin_json["invited_rate"]) == (2, 0.6667)
    assert (walkin_json["quotes"], walkin_json["quote_rate"]) == (3, 0.6)
    assert (walkin_json["parties"], walkin_json["first_on_file"]) == (7, 4)  # kept
    assert walkin_json["order_rate"] == walkin_json["test_drive_rate"] == 0.4
    assert figures["by_consultant"]["李娜"]["first"] == 2


def test_the_csv_and_xlsx_say_what_the_rates_divide_by(week, tmp_path):
    csv_path = statistics_sheet.export_month(2026, 11, tmp_path / "week.csv")
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    assert rows[31][0] == "合计"  # the 30 days of November, then the total
    total_row = dict(zip(header, rows[31], strict=True))
    assert total_row["新增留档客户"] == "6"
    assert total_row["报价率"] == "60.0%" and total_row["邀约到店"] == "2"
    assert (total_row["首次来电"], total_row["再次来电"], total_row["来电留档"]) == ("4", "2", "3")
    note = "试驾率、报价率、订车率的分母：首次来店批次（店铺设置 stats.rate_base）"
    assert rows[32:34] == [[], [note]]

    settings.change(statistics.RATE_BASE, "all", by=OPERATOR)
    xlsx_path = statistics_sheet.export_month(2026, 11, tmp_path / "week.xlsx")
    ws = load_workbook(xlsx_path).active
    first = statistics_sheet.FIRST_DAY_ROW
    assert ws.cell(first + 30, 1).value == "合计"
    note = "试驾率、报价率、订车率的分母：全部来店批次（店铺设置 stats.rate_base）"
    assert ws.cell(first + 32, 1).value == note  # under the total, a blank row between


def test_the_command_line_prints_the_new_figures_and_the_rate_base(week, db_path, capsys):
    from frontdesk import cli, store

    store.close_store()
    assert cli.main(["--db", db_path, "--lang", "en", "stats", "--date", "2026-11-18"]) == 0
    lines = capsys.readouterr().out.splitlines()
    store.open_store(db_path)
    assert ["Invited", "in", "1"] in [line.split() for line in lines]
    assert ["Quotes", "1"] in [line.split() for line in lines]
    assert ["Repeat", "calls", "0"] in [line.split() for line in lines]
    assert ["New", "leads", "0"] in [line.split() for line in lines]
    assert "Test-drive, quote and order rates are over first-visit parties" in "\n".join(lines)
    assert cli.main(["--db", db_path, "stats", "--date", "2026-11-18", "--json"]) == 0
    store.open_store(db_path)
    assert json.loads(capsys.readouterr().out)["walkin"]["invited"] == 1


# -- the screens -------------------------------------------------------------------------------


def formula(app, key: str) -> str:
    from textual.widgets import Static

    return str(app.screen.query_one(f"#formula-{key}", Static).render())


async def test_f5_shows_the_invited_quotes_and_leads_and_question_mark_the_rate_base(
    week, make_app
):
    from screens.stats.statistics import StatisticsScreen
    from screens.stats.statistics_dialogs import FormulasScreen
    from tests.conftest import settle
    from tests.test_statistics_screen import figures

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(StatisticsScreen(dt.date(2026, 11, 18)))
        await settle(pilot)
        # Wednesday: 孙's first walk-in (f, invited, test drive, quote) and an anonymous call
        # (g); the Wednesday before, nothing.
        text = figures(app)
        assert "邀约到店 1 0 邀约到店率 — —" in text  # nobody put on file by a call that day
        assert "报价 1 0 报价率 100.0% —" in text  # 1 quote over 1 first visit
        assert "来电 1 0 来电留档 0 0" in text
        assert "再次来电 0 0 新增留档客户 0 0" in text
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, FormulasScreen)
        assert "现以首次来店批次为分母" in formula(app, "rate_base")
        assert formula(app, "order") == "订车率 = 订车批次 ÷ 首次来店批次"
        await pilot.press("escape")
        settings.change(statistics.RATE_BASE, "all", by=OPERATOR)
        await pilot.press("m")  # the month sheet's ? says it too
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert "现以全部来店批次为分母" in formula(app, "rate_base")
        assert formula(app, "test_drive") == "试驾率 = 试乘试驾批次 ÷ 全部来店批次"

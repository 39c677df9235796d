"""营业目标计划与实际比较表: a month of targets against the log's walk-ins, test drives and
orders and the deals closed, with the pace — worked out by hand on November 2026, read on
the 25th (25 of its 30 days gone); who may read and set them; the CLI (set, list, report
text and JSON, export); a finished month that does not move."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from openpyxl import load_workbook

from frontdesk import cli
from frontdesk.desk import registration
from frontdesk.errors import Forbidden, ValidationError
from frontdesk.followup import contacts
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.reports import targets
from frontdesk.stats import statistics
from frontdesk.store.models import AuditEntry, Customer, SalesTarget
from tests.actors import as_member

pytestmark = pytest.mark.both_engines  # the store's tests, on SQLite and on PostgreSQL

NOVEMBER = dt.date(2026, 11, 1)


def walkin(phone, name, model, consultant, *, test_drive=False, ordered=False, kind="walkin"):
    data = registration.RegistrationInput(
        kind=kind, time_in=dt.datetime.now().replace(microsecond=0), phone=phone, name=name,
        level="H", model=model, consultant=consultant, test_drive=test_drive, ordered=ordered,
    )  # fmt: skip
    return Customer.get_by_id(registration.register(data, by=DESK).customer_id)


@pytest.fixture
def month_of_targets(showroom, frozen_clock):
    return build_month_of_targets(showroom, frozen_clock)


def build_month_of_targets(showroom, frozen_clock):
    """November 2026, each step at its moment; read on 11-25 (the frozen clock's day).

    | day   | what                                           | consultant | model  |
    |-------|------------------------------------------------|------------|--------|
    | 10-30 | walk-in 吴十 (October: not counted)             | 李娜       | 卡罗拉 |
    | 11-02 | walk-in 张三, test drive                        | 王磊       | 凯美瑞 |
    | 11-03 | walk-in 孙八                                    | 李娜       | 汉兰达 |
    | 11-05 | walk-in 李四, test drive, order                 | 王磊       | 卡罗拉 |
    | 11-06 | a call of 钱七 (a call: not a walk-in)          | 王磊       | 凯美瑞 |
    | 11-10 | walk-in 王五, order                             | 王磊       | 凯美瑞 |
    | 11-12 | 王磊 closes 王五 as a deal: his delivery         | 王磊       | 凯美瑞 |
    | 11-15 | walk-in 周九, test drive                        | 李娜       | 凯美瑞 |
    | 11-18 | walk-in 郑一, received by the manager 陈静       | 陈静       | 卡罗拉 |
    | 11-20 | walk-in 赵六                                    | 王磊       | 凯美瑞 |
    | 11-22 | 陈静 closes 李四 as a deal: 王磊's (his customer) | 王磊       | 卡罗拉 |
    | 11-23 | 陈静 closes 孙八 as defeated: no delivery        | 李娜       | 汉兰达 |

    王磊: 4 walk-ins (张三 李四 王五 赵六), 2 test drives (张三 李四), 2 orders (李四 王五),
    2 deliveries (王五 李四); of them 凯美瑞: 3 walk-ins (张三 王五 赵六), 1 test drive (张三),
    1 order (王五), 1 delivery (王五). 李娜: 2 walk-ins, 1 test drive (周九). 陈静: 1 walk-in.

    The targets, set by 陈静 on 11-01: 王磊 30 / 10 / 6 / 2; 王磊 凯美瑞 3 / 4 / 1 / 1; 李娜
    walk-ins 24 and test drives 6 only (orders and deliveries 0: a new row's). 陈静: none.
    """
    wang, li, boss = (as_member(showroom[k]) for k in ("wanglei", "lina", "chenjing"))

    def at(month, day, hour=10):
        frozen_clock.move_to(dt.datetime(2026, month, day, hour, 0))

    at(10, 30)
    walkin("13100007777", "吴十", "卡罗拉", "李娜")
    at(11, 1)
    targets.set_target(NOVEMBER, "王磊", walkins=30, test_drives=10, orders=6, deliveries=2,
                       by=boss)  # fmt: skip
    targets.set_target(NOVEMBER, "王磊", walkins=3, test_drives=4, orders=1, deliveries=1,
                       model="凯美瑞", by=boss)  # fmt: skip
    targets.set_target("2026-11", "lina", walkins="24", test_drives="６", by=boss)  # full width
    at(11, 2)
    walkin("13812345678", "张三", "凯美瑞", "王磊", test_drive=True)
    at(11, 3)
    sunba = walkin("13300005555", "孙八", "汉兰达", "李娜")
    at(11, 5)
    lisi = walkin("13912345678", "李四", "卡罗拉", "王磊", test_drive=True, ordered=True)
    at(11, 6)
    walkin("13500003333", "钱七", "凯美瑞", "王磊", kind="phone")
    at(11, 10)
    wangwu = walkin("13700001111", "王五", "凯美瑞", "王磊", ordered=True)
    at(11, 12)
    contacts.close_customer(wangwu.id, "deal", by=wang)
    at(11, 15)
    walkin("13200006666", "周九", "凯美瑞", "李娜", test_drive=True)
    at(11, 18)
    walkin("13000008888", "郑一", "卡罗拉", "陈静")
    at(11, 20)
    walkin("13600002222", "赵六", "凯美瑞", "王磊")
    at(11, 22)
    contacts.close_customer(lisi.id, "deal", by=boss)
    at(11, 23)
    contacts.close_customer(sunba.id, "defeat", "价格", "本田雅阁", by=boss)
    at(11, 25, 10)
    del li
    return showroom


def figures(row) -> dict[str, tuple]:
    """figure → (target, actual, percent to 3 places, expected to 3 places, on track)."""
    out = {}
    for name in targets.FIGURES:
        f = row.figures[name]
        percent = None if f.percent is None else round(f.percent, 3)
        pace = None if f.expected is None else round(f.expected, 3)
        out[name] = (f.target, f.actual, percent, pace, f.on_track)
    return out


def test_the_months_targets_against_actuals_and_the_pace(month_of_targets):
    report = targets.targets_report(NOVEMBER, by=as_member(month_of_targets["chenjing"]))
    # Read on 11-25 of a 30-day month: the pace is 25/30 of each target.
    assert (report.as_of, report.elapsed, report.days) == (dt.date(2026, 11, 25), 25, 30)
    assert [(row.consultant, row.model) for row in report.rows] == [
        ("王磊", ""),
        ("王磊", "凯美瑞"),
        ("李娜", ""),
        ("陈静", ""),
    ]
    wang, wang_camry, li, chen = report.rows
    assert figures(wang) == {
        # 4 of 30 = 13.3 %; expected 30 × 25 ÷ 30 = 25: behind.
        "walkins": (30, 4, 0.133, 25.0, False),
        # 2 of 10 = 20 %; expected 10 × 25 ÷ 30 = 8.333: behind.
        "test_drives": (10, 2, 0.2, 8.333, False),
        # 2 of 6 = 33.3 %; expected 6 × 25 ÷ 30 = 5: behind.
        "orders": (6, 2, 0.333, 5.0, False),
        # 王五 (his own close) and 李四 (the manager's close of his customer): 2 of 2 = 100 %;
        # expected 2 × 25 ÷ 30 = 1.667: on track.
        "deliveries": (2, 2, 1.0, 1.667, True),
    }
    assert figures(wang_camry) == {
        # 凯美瑞 only: 张三 王五 赵六 = 3 of 3; expected 3 × 25 ÷ 30 = 2.5: on track.
        "walkins": (3, 3, 1.0, 2.5, True),
        # 张三: 1 of 4 = 25 %; expected 4 × 25 ÷ 30 = 3.333: behind.
        "test_drives": (4, 1, 0.25, 3.333, False),
        # 王五: 1 of 1; expected 0.833: on track (the 11-06 call of 钱七 is no walk-in).
        "orders": (1, 1, 1.0, 0.833, True),
        "deliveries": (1, 1, 1.0, 0.833, True),
    }
    assert figures(li) == {
        # 孙八 周九 (吴十 came in October): 2 of 24 = 8.3 %; expected 24 × 25 ÷ 30 = 20.
        "walkins": (24, 2, 0.083, 20.0, False),
        # 周九: 1 of 6 = 16.7 %; expected 6 × 25 ÷ 30 = 5.
        "test_drives": (6, 1, 0.167, 5.0, False),
        # Not given: 0, as a new row's. 0 of 0 has no share; 0 ≥ 0 expected is on track.
        "orders": (0, 0, None, 0.0, True),
        # 孙八's defeat is no delivery.
        "deliveries": (0, 0, None, 0.0, True),
    }
    # 陈静 received 郑一 without a target: the row has the actual and nothing else.
    assert figures(chen)["walkins"] == (None, 1, None, None, None)
    assert figures(chen)["deliveries"] == (None, 0, None, None, None)
    assert figures(report.total) == {
        # The rows over every model: targets 30 + 24 = 54; walk-ins 4 + 2 + 1 = 7, 7 ÷ 54 =
        # 13.0 %; expected 54 × 25 ÷ 30 = 45. The 凯美瑞 row is inside 王磊's already.
        "walkins": (54, 7, 0.13, 45.0, False),
        # 10 + 6 = 16; 2 + 1 + 0 = 3 → 18.8 %; expected 13.333.
        "test_drives": (16, 3, 0.188, 13.333, False),
        # 6 + 0 = 6; 2 → 33.3 %; expected 5.
        "orders": (6, 2, 0.333, 5.0, False),
        # 2 + 0 = 2; 2 → 100 %; expected 1.667: on track.
        "deliveries": (2, 2, 1.0, 1.667, True),
    }


def test_the_walkin_actuals_are_the_statistics_per_consultant(month_of_targets):
    """The same walk-ins, test drives and orders as the month sheet's split by consultant."""
    report = targets.targets_report(NOVEMBER, by=OPERATOR)
    sheet = statistics.month_sheet(2026, 11).total.by_consultant
    for row in report.rows:
        if row.model:
            continue
        split = sheet[row.consultant]
        assert (split["parties"], split["test_drives"], split["orders"]) == tuple(
            row.figures[name].actual for name in ("walkins", "test_drives", "orders")
        )


def test_the_pace_of_a_past_a_future_and_the_current_month():
    today = dt.date(2026, 11, 25)
    assert targets.days_elapsed(NOVEMBER, today) == 25
    assert targets.days_elapsed(dt.date(2026, 10, 1), today) == 31  # all of October
    assert targets.days_elapsed(dt.date(2026, 12, 1), today) == 0  # nothing of December yet
    assert targets.days_elapsed(dt.date(2026, 2, 1), today) == 28
    # 10 × 25 ÷ 30 = 8.33…; a past month asks for all of it, a future one for nothing.
    assert targets.expected(10, 25, 30) == pytest.approx(8.3333, abs=1e-4)
    assert targets.expected(10, 31, 31) == 10
    assert targets.expected(10, 0, 31) == 0


def test_a_finished_month_does_not_move(month_of_targets, frozen_clock):
    """History is history: December's records and targets, and the days passing, leave
    November's figures as they were (its pace is then the whole month)."""
    boss = as_member(month_of_targets["chenjing"])
    frozen_clock.move_to(dt.datetime(2026, 12, 1, 9, 0))
    before = targets.targets_report(NOVEMBER, by=boss).to_json()
    assert before["days_elapsed"] == 30  # all of November: expected = the target
    assert before["rows"][0]["walkins"]["expected"] == 30
    frozen_clock.move_to(dt.datetime(2026, 12, 3, 10, 0))
    zhao = Customer.get(Customer.phone == "13600002222")
    walkin("13600002222", "赵六", "凯美瑞", "王磊", test_drive=True, ordered=True)
    contacts.close_customer(zhao.id, "deal", by=as_member(month_of_targets["wanglei"]))
    targets.set_target("2026-12", "王磊", walkins=40, by=boss)
    frozen_clock.move_to(dt.datetime(2027, 1, 15, 10, 0))
    after = targets.targets_report(NOVEMBER, by=boss).to_json()
    assert {**after, "as_of": None} == {**before, "as_of": None}
    december = targets.targets_report(dt.date(2026, 12, 1), by=boss)
    assert [(row.consultant, row.figures["deliveries"].actual) for row in december.rows] == [
        ("王磊", 1)
    ]


def test_a_future_month_expects_nothing_yet(showroom):
    boss = as_member(showroom["chenjing"])
    targets.set_target("2026-12", "王磊", walkins=31, by=boss)
    report = targets.targets_report(dt.date(2026, 12, 1), by=boss)
    # Read on 11-25: none of December has gone, expected 31 × 0 ÷ 31 = 0, on track.
    assert figures(report.rows[0])["walkins"] == (31, 0, 0.0, 0.0, True)


def test_a_consultant_sees_only_their_own_rows_and_cannot_set(month_of_targets):
    wang = as_member(month_of_targets["wanglei"])
    report = targets.targets_report(NOVEMBER, by=wang)
    mine = [(row.consultant, row.model) for row in report.rows]
    assert mine == [("王磊", ""), ("王磊", "凯美瑞")]
    # Their total is theirs alone: 30 walk-ins, 4 done.
    assert figures(report.total)["walkins"] == (30, 4, 0.133, 25.0, False)
    assert [entry.consultant for entry in targets.list_targets(NOVEMBER, by=wang)] == ["王磊"] * 2
    with pytest.raises(Forbidden):
        targets.set_target(NOVEMBER, "王磊", walkins=1, by=wang)
    for actor in (DESK, as_member(month_of_targets["zhaomin"])):
        with pytest.raises(Forbidden):
            targets.targets_report(NOVEMBER, by=actor)


def test_setting_keeps_what_is_not_given_and_is_audited(showroom):
    boss = as_member(showroom["chenjing"])
    first = targets.set_target(NOVEMBER, "王磊", walkins=30, orders=6, by=boss)
    again = targets.set_target(NOVEMBER, "王磊", orders="8", deliveries="", by=boss)
    assert again.id == first.id and SalesTarget.select().count() == 1
    assert (again.walkins, again.test_drives, again.orders, again.deliveries) == (30, 0, 8, 0)
    entries = list(
        AuditEntry.select().where(AuditEntry.action == "set_target").order_by(AuditEntry.id)
    )
    assert len(entries) == 2 and entries[0].staff_id == showroom["chenjing"].id
    detail = json.loads(entries[1].detail)
    assert detail["before"]["orders"] == 6 and detail["after"]["orders"] == 8


def test_a_target_is_refused_with_a_sentence_beside_each_field(showroom):
    boss = as_member(showroom["chenjing"])
    with pytest.raises(ValidationError) as refused:
        targets.set_target(
            "2026-13", "赵敏", walkins="-1", test_drives="1.5", orders="100000", model="雅阁",
            by=boss,
        )  # fmt: skip
    assert set(refused.value.errors) == {
        "month", "consultant", "walkins", "test_drives", "orders", "model"
    }  # fmt: skip
    assert "赵敏" in refused.value.errors["consultant"]  # a receptionist receives nobody
    assert "99999" in refused.value.errors["walkins"]
    assert "雅阁" in refused.value.errors["model"]
    with pytest.raises(ValidationError) as refused:
        targets.set_target(NOVEMBER, " ", by=boss)
    assert set(refused.value.errors) == {"consultant"}
    assert SalesTarget.select().count() == 0


# -- the command line ----------------------------------------------------------------------


@pytest.fixture
def run(db_path, capsys, monkeypatch):
    for name in ("FRONTDESK_DB", "FRONTDESK_LANG", "FRONTDESK_AS"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = cli.main(["--db", db_path, *args])
        out, err = capsys.readouterr()
        return status, out, err

    return run


@pytest.mark.sqlite_only
def test_cli_targets_set_and_list(showroom, run):
    status, out, err = run(
        "--as", "chenjing", "targets", "set", "--consultant", "王磊", "--month", "2026-11",
        "--walkins", "30", "--test-drives", "10", "--orders", "6", "--deliveries", "2",
    )  # fmt: skip
    assert (status, err) == (0, "")
    assert out.strip() == (
        "已设定 王磊 2026-11 全部车型 的目标：接待来店 30 试乘试驾 10 订车 6 交车 2"
    )
    status, out, err = run(
        "--as", "chenjing", "targets", "set", "--consultant", "wanglei", "--month", "2026-11",
        "--orders", "2", "--model", "凯美瑞",
    )  # fmt: skip
    assert (status, err) == (0, "") and "凯美瑞" in out and "订车 2" in out
    status, out, _ = run("--as", "chenjing", "targets", "list", "--month", "2026-11")
    lines = [line.split() for line in out.splitlines()]
    assert lines[0][:6] == ["销售顾问", "车型", "接待来店", "试乘试驾", "订车", "交车"]
    assert lines[1] == ["王磊", "全部车型", "30", "10", "6", "2", "陈静", "2026-11-25", "10:30"]
    assert lines[2][:6] == ["王磊", "凯美瑞", "0", "0", "2", "0"]
    status, out, _ = run("targets", "list", "--month", "2026-11", "--json")
    data = json.loads(out)
    assert data[0]["walkins"] == 30 and data[0]["set_by"] == "陈静" and len(data) == 2
    # A consultant may not set; the refusal is one sentence.
    status, _, err = run(
        "--as", "wanglei", "targets", "set", "--consultant", "王磊", "--month", "2026-11",
        "--walkins", "99",
    )  # fmt: skip
    assert status == 1 and "无权" in err and "设定营业目标" in err
    status, _, err = run(
        "--as", "chenjing", "targets", "set", "--consultant", "王磊", "--month", "2026-11",
        "--walkins", "很多",
    )  # fmt: skip
    assert status == 1 and err.strip() == "接待来店: 请填 0 到 99999 的整数"


@pytest.mark.sqlite_only
def test_cli_report_targets_text_and_json(month_of_targets, run):
    status, out, err = run("--as", "chenjing", "report", "targets", "--month", "2026-11", "--json")
    assert (status, err) == (0, "")
    data = json.loads(out)
    boss = as_member(month_of_targets["chenjing"])
    assert data == targets.targets_report(NOVEMBER, by=boss).to_json()
    assert data["rows"][0]["test_drives"] == {
        "target": 10, "actual": 2, "percent": 0.2, "expected": 8.33, "on_track": False
    }  # fmt: skip
    status, out, _ = run("--as", "chenjing", "report", "targets", "--month", "2026-11")
    lines = out.splitlines()
    assert lines[0] == "营业目标计划与实际比较表 · 2026-11"
    assert lines[1] == "截至 2026-11-25：本月已过 25/30 天，应完成 = 目标 × 25 ÷ 30"
    wang = next(line for line in lines if line.startswith("王磊"))
    assert wang.split() == ["王磊", "全部车型", "4/30", "13%", "落后", "2/10", "20%", "落后",
                            "2/6", "33%", "落后", "2/2", "100%", "正常"]  # fmt: skip
    chen = next(line for line in lines if line.startswith("陈静"))
    assert chen.split() == ["陈静", "全部车型", "1/—", "0/—", "0/—", "0/—"]
    # A consultant reads their own rows only.
    status, out, _ = run("--as", "lina", "report", "targets", "--month", "2026-11", "--json")
    assert [row["consultant"] for row in json.loads(out)["rows"]] == ["李娜"]
    status, _, err = run("--as", "zhaomin", "report", "targets", "--month", "2026-11")
    assert status == 1 and "无权" in err


@pytest.mark.sqlite_only
def test_cli_export_targets_is_the_paper_form_with_safe_cells(showroom, run, tmp_path):
    from frontdesk.people import team

    team.add_staff("=HYPERLINK(1)", "consultant", login="hyper", by=OPERATOR)
    targets.set_target(NOVEMBER, "hyper", walkins=10, by=OPERATOR)
    out = tmp_path / "目标.xlsx"
    status, printed, err = run(
        "--as", "chenjing", "export", "targets", "--month", "2026-11", "--out", str(out)
    )
    assert (status, err) == (0, "") and str(out) in printed
    sheet = load_workbook(out).active
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value}
    assert "营业目标计划与实际比较表" in cells
    assert "店名：丰田4S店  月份：2026-11" in cells and "制表时间：2026-11-25 10:30" in cells
    assert cells["=HYPERLINK(1)"].data_type == "s" and cells["=HYPERLINK(1)"].quotePrefix
    assert any(str(value).startswith("展厅主管：") for value in cells)
    rows = list(sheet.iter_rows(values_only=True))
    groups = next(row for row in rows if row[2] == "接待来店")
    assert [groups[2 + 5 * n] for n in range(4)] == ["接待来店", "试乘试驾", "订车", "交车"]
    header = next(row for row in rows if row[0] == "销售顾问")
    assert header[2:7] == ("目标", "实际", "达成率", "应完成", "进度")
    hyper = next(row for row in rows if row[0] == "=HYPERLINK(1)")
    # 10 walk-ins asked, none done: 0 %, expected 10 × 25 ÷ 30 = 8.3, behind; no deliveries
    # target set (0): no share.
    assert hyper[:7] == ("=HYPERLINK(1)", "全部车型", 10, 0, 0.0, 8.3, "落后")
    assert hyper[17:] == (0, 0, "—", 0.0, "正常")
    assert sheet.oddHeader.center.text == "营业目标计划与实际比较表 · 2026-11"
    csv = str(tmp_path / "a.csv")
    month = ("--month", "2026-11")
    status, _, err = run("--as", "chenjing", "export", "targets", *month, "--out", csv)
    assert status == 1 and "csv" in err


def test_a_store_before_0016_upgrades_to_an_empty_target_table(db_path, frozen_clock):
    """Migration 0016 adds ``sales_target`` and touches no other row; the upgraded store
    takes a target and reads it back (the schema against the models: tests/test_store.py)."""
    from playhouse.migrations import Runner

    from frontdesk import store
    from frontdesk.people import team

    old = store.make_database(db_path)
    old.connect()
    runner = Runner(old, str(store.MIGRATIONS_DIR), table_name=store.MIGRATIONS_TABLE)
    before = [m.name for m in runner.status() if m.name < "0016"][-1]
    runner.up(target=before)
    tables = {name for (name,) in old.execute_sql("SELECT name FROM sqlite_master")}
    assert "sales_target" not in tables
    old.close()
    store.open_store(db_path)
    try:
        assert store.schema_version(store.database.obj) >= 16
        assert SalesTarget.select().count() == 0
        team.add_staff("王磊", "consultant", by=OPERATOR)
        targets.set_target(NOVEMBER, "王磊", walkins=5, by=OPERATOR)
        entries = targets.list_targets(NOVEMBER, by=OPERATOR)
        assert [(e.consultant, e.targets["walkins"], e.set_by) for e in entries] == [
            ("王磊", 5, "")
        ]
    finally:
        store.close_store()

"""销售促成失控(败)分析表: a month's losses by reason, competitor, model, consultant and level,
the days from the cycle's first contact to the loss, and 战败明确率 (approved ÷ applied),
worked out by hand on a month of reviews; the CLI (text, JSON) and the XLSX."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from openpyxl import load_workbook

from frontdesk import cli
from frontdesk.desk import registration
from frontdesk.errors import Forbidden
from frontdesk.followup import close_review, contacts
from frontdesk.people.actor import DESK
from frontdesk.reports import losses
from frontdesk.store.models import Customer
from tests.actors import as_member

pytestmark = pytest.mark.both_engines  # the store's tests, on SQLite and on PostgreSQL

NOVEMBER = dt.date(2026, 11, 1)


def on(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0)


def walkin(phone, name, level, model, consultant):
    data = registration.RegistrationInput(
        kind="walkin", time_in=dt.datetime.now().replace(microsecond=0), phone=phone,
        name=name, level=level, model=model, consultant=consultant,
    )  # fmt: skip
    return Customer.get_by_id(registration.register(data, by=DESK).customer_id)


@pytest.fixture
def month_of_losses(showroom, frozen_clock):
    return build_month_of_losses(showroom, frozen_clock)


def build_month_of_losses(showroom, frozen_clock):
    """November 2026, each step at its moment (the clock moved to it):

    | customer | outcome | reason           | competitor | model  | consultant | level | days   |
    |----------|---------|------------------|------------|--------|------------|-------|--------|
    | 钱七     | lost    | 联系不上         |            | 卡罗拉 | 王磊       | H     | 13 (a) |
    | 张三     | defeat  | 价格             | 本田雅阁   | 凯美瑞 | 王磊       | H     | 4      |
    | 李四 (1) | lost    | 电话停机         |            | 汉兰达 | 李娜       | B (b) | 10     |
    | 王五     | defeat  | 价格             | 大众帕萨特 | 凯美瑞 | 王磊       | B     | 10     |
    | 李四 (2) | defeat  | 价格优惠不如对手 | 大众帕萨特 | 汉兰达 | 李娜       | H     | 5 (c)  |

    (a) met 10-20, applied for in October (10-28), approved 11-02: a November loss, an
    October application. (b) A on 11-03, B after the visit of 11-08. (c) back on 11-17 (a new
    cycle), closed again 11-22: the first close keeps its own reason.
    Not losses: 周九's deal (11-24), 吴十's defeat on 12-01, 赵六 (rejected, still open),
    孙八 (pending). 张三 is given to 李娜 after his loss: the loss stays 王磊's.
    Applications filed in November: 张三 ✓, 王五 ✓, 孙八 … (王磊); 赵六 ✗ (李娜).
    """
    wang, li, boss = (as_member(showroom[k]) for k in ("wanglei", "lina", "chenjing"))

    def at(month, day, hour=10):
        frozen_clock.move_to(on(month, day, hour))

    at(10, 20)
    qian = walkin("13500003333", "钱七", "H", "卡罗拉", "王磊")
    at(10, 28, 11)
    qian_app = close_review.apply(qian.id, "lost", "联系不上", by=wang)
    at(11, 1)
    zhao = walkin("13600002222", "赵六", "C", "卡罗拉", "李娜")
    at(11, 2, 9)
    close_review.approve(qian_app.id, by=boss)
    at(11, 2)
    zhang = walkin("13812345678", "张三", "H", "凯美瑞", "王磊")
    at(11, 3)
    lisi = walkin("13912345678", "李四", "A", "汉兰达", "李娜")
    at(11, 5)
    zhang_app = close_review.apply(zhang.id, "defeat", "价格", "本田雅阁", by=wang)
    at(11, 6, 9)
    close_review.approve(zhang_app.id, by=boss)
    at(11, 8)
    contacts.record_contact(lisi.id, contacts.ContactInput(method="visit", level="B"), by=li)
    at(11, 10)
    wangwu = walkin("13700001111", "王五", "B", "凯美瑞", "王磊")
    at(11, 12)
    wangwu_app = close_review.apply(wangwu.id, "defeat", "价格", "大众帕萨特", by=wang)
    at(11, 13)
    contacts.close_customer(lisi.id, "lost", "电话停机", by=boss)
    at(11, 15)
    zhao_app = close_review.apply(zhao.id, "lost", "电话停机", by=li)
    at(11, 16)
    close_review.reject(zhao_app.id, "上周还来过电话", by=boss)
    at(11, 17)
    walkin("13912345678", "李四", "H", "汉兰达", "李娜")  # back: a new cycle
    at(11, 18)
    sunba = walkin("13300005555", "孙八", "A", "凯美瑞", "王磊")
    at(11, 20)
    close_review.approve(wangwu_app.id, by=boss)
    at(11, 21)
    zhoujiu = walkin("13200006666", "周九", "H", "RAV4荣放", "王磊")
    at(11, 22)
    contacts.close_customer(lisi.id, "defeat", "价格优惠不如对手", "大众帕萨特", by=boss)
    at(11, 23)
    wushi = walkin("13100007777", "吴十", "B", "卡罗拉", "王磊")
    at(11, 24)
    close_review.apply(sunba.id, "defeat", "提车太慢", "大众帕萨特", by=wang)
    at(11, 24, 15)
    contacts.close_customer(zhoujiu.id, "deal", by=boss)
    at(12, 1)
    contacts.close_customer(wushi.id, "defeat", "价格", "本田雅阁", by=boss)
    contacts.reassign(zhang.id, "李娜", by=boss)
    return showroom


def counts(rows) -> list[tuple]:
    return [(row.key, row.defeat, row.lost, row.total, round(row.mean_days, 1)) for row in rows]


def test_the_months_losses_by_each_way_of_counting(month_of_losses):
    analysis = losses.loss_analysis(NOVEMBER, by=as_member(month_of_losses["chenjing"]))
    # 3 defeats (张三, 王五, 李四 2), 2 lost (钱七, 李四 1); days 4+10+10+13+5 = 42, / 5 = 8.4.
    assert counts([analysis.total]) == [("", 3, 2, 5, 8.4)]
    # 价格: 张三 4 and 王五 10 → 7.0; then one each, by name (价 < 电 < 联).
    assert counts(analysis.by["reason"]) == [
        ("价格", 2, 0, 2, 7.0),
        ("价格优惠不如对手", 1, 0, 1, 5.0),
        ("电话停机", 0, 1, 1, 10.0),
        ("联系不上", 0, 1, 1, 13.0),
    ]
    # Defeats only: 大众帕萨特 王五 10 and 李四 5 → 7.5; 本田雅阁 张三 4.
    assert counts(analysis.by["competitor"]) == [
        ("大众帕萨特", 2, 0, 2, 7.5),
        ("本田雅阁", 1, 0, 1, 4.0),
    ]
    # 凯美瑞 张三 4 + 王五 10 → 7.0; 汉兰达 李四 10 + 5 → 7.5 (a tie of 2: 凯 < 汉); 卡罗拉 13.
    assert counts(analysis.by["model"]) == [
        ("凯美瑞", 2, 0, 2, 7.0),
        ("汉兰达", 1, 1, 2, 7.5),
        ("卡罗拉", 0, 1, 1, 13.0),
    ]
    # 王磊 张三 4 + 王五 10 + 钱七 13 = 27 / 3 = 9.0 (张三 moved to 李娜 after: still his);
    # 李娜 李四 10 + 5 → 7.5.
    assert counts(analysis.by["consultant"]) == [("王磊", 2, 1, 3, 9.0), ("李娜", 1, 1, 2, 7.5)]
    # The level at the loss, in the form's order: H 张三 4, 钱七 13, 李四 5 = 22 / 3 = 7.3;
    # B 李四 10, 王五 10.
    assert counts(analysis.by["level"]) == [("H", 2, 1, 3, 7.3), ("B", 1, 1, 2, 10.0)]


def test_the_approval_rate_of_the_months_applications(month_of_losses):
    analysis = losses.loss_analysis(NOVEMBER, by=as_member(month_of_losses["chenjing"]))
    # Filed in November: 张三 ✓, 王五 ✓, 赵六 ✗, 孙八 …; 钱七's was October's. 2 / 4 = 50 %.
    apps = analysis.applications
    assert (apps.applied, apps.approved, apps.rejected, apps.pending) == (4, 2, 1, 1)
    assert apps.rate == 0.5
    by_consultant = [
        (row.key, row.applied, row.approved, row.rejected, row.pending, row.rate)
        for row in analysis.applications_by_consultant
    ]
    # 王磊 2 approved of 3 (孙八 pending) = 0.667; 李娜 0 of 1.
    assert by_consultant == [("王磊", 3, 2, 0, 1, pytest.approx(2 / 3)), ("李娜", 1, 0, 1, 0, 0.0)]
    october = losses.loss_analysis(dt.date(2026, 10, 1), by=as_member(month_of_losses["chenjing"]))
    # October: no loss (钱七 was approved in November), one application, still counted
    # as October's, approved: 1 / 1.
    assert (october.total.total, october.total.mean_days) == (0, None)
    assert (october.applications.applied, october.applications.rate) == (1, 1.0)


def test_only_a_manager_reads_the_analysis(month_of_losses):
    for actor in (DESK, as_member(month_of_losses["wanglei"])):
        with pytest.raises(Forbidden):
            losses.loss_analysis(NOVEMBER, by=actor)


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
def test_cli_report_losses_json_and_text(month_of_losses, run):
    status, out, err = run("--as", "chenjing", "report", "losses", "--month", "2026-11", "--json")
    assert (status, err) == (0, "")
    data = json.loads(out)
    manager = as_member(month_of_losses["chenjing"])
    assert data == losses.loss_analysis(NOVEMBER, by=manager).to_json()
    assert data["total"] == {"key": "", "defeat": 3, "lost": 2, "total": 5, "mean_days": 8.4}
    assert data["applications"]["rate"] == 0.5
    assert data["by_level"][0] == {"key": "H", "defeat": 2, "lost": 1, "total": 3, "mean_days": 7.3}

    status, out, _ = run("--as", "chenjing", "report", "losses", "--month", "2026-11")
    lines = out.splitlines()
    assert lines[0] == "销售促成失控(败)分析表 · 2026-11"
    total = next(line for line in lines if line.startswith("合计") and "8.4" in line)
    assert total.split() == ["合计", "3", "2", "5", "100.0%", "8.4"]
    price = next(line for line in lines if line.startswith("价格 "))
    assert price.split() == ["价格", "2", "0", "2", "40.0%", "7.0"]  # 2 of the 5 losses
    wang = [line.split() for line in lines if line.startswith("王磊")]
    assert wang == [["王磊", "2", "1", "3", "60.0%", "9.0"], ["王磊", "3", "2", "0", "1", "66.7%"]]
    status, _, err = run("--as", "wanglei", "report", "losses", "--month", "2026-11")
    assert status == 1 and "无权" in err
    status, _, err = run("--as", "chenjing", "report", "losses", "--month", "11/2026")
    assert status == 1 and err.strip()


@pytest.mark.sqlite_only
def test_cli_export_losses_is_a_signed_page_with_safe_cells(showroom, frozen_clock, run, tmp_path):
    frozen_clock.move_to(on(11, 20))
    customer = walkin("13812345678", '=HYPERLINK("http://x","y")', "H", "凯美瑞", "王磊")
    frozen_clock.move_to(on(11, 25))
    contacts.close_customer(
        customer.id, "defeat", "+cmd|' /C calc'!A0", "@SUM(1)", by=as_member(showroom["chenjing"])
    )
    out = tmp_path / "分析表.xlsx"
    status, printed, err = run(
        "--as", "chenjing", "export", "losses", "--month", "2026-11", "--out", str(out)
    )
    assert (status, err) == (0, "") and str(out) in printed
    sheet = load_workbook(out).active
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value}
    assert "销售促成失控(败)分析表" in cells
    assert "店名：丰田4S店  月份：2026-11" in cells and "制表时间：2026-11-25 10:00" in cells
    for typed in ("+cmd|' /C calc'!A0", "@SUM(1)"):
        assert cells[typed].data_type == "s" and cells[typed].quotePrefix
    assert any(str(value).startswith("展厅主管：") for value in cells)
    assert sheet.oddHeader.center.text == "销售促成失控(败)分析表 · 2026-11"
    # One defeat of 5 days (11-20 → 11-25), 100 % of the losses.
    total = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "合计")
    assert total == ("合计", 1, 0, 1, 1.0, 5.0)
    csv = str(tmp_path / "a.csv")
    status, _, err = run("--as", "chenjing", "export", "losses", "--month", "2026-11", "--out", csv)
    assert status == 1 and "csv" in err


def test_an_upgraded_store_keeps_the_reason_of_each_close_it_had(db_path, frozen_clock):
    """Migration 0011: a close stored before takes its reason from its own audit entry (the
    same customer and moment), else from the customer when it is their latest close."""
    from playhouse.migrations import Runner

    from frontdesk import store
    from frontdesk.store.models import LevelChange

    old = store.make_database(db_path)
    old.connect()
    runner = Runner(old, str(store.MIGRATIONS_DIR), table_name=store.MIGRATIONS_TABLE)
    before = [m.name for m in runner.status() if m.name < "0011"][-1]
    runner.up(target=before)
    now = "2026-11-01 09:00:00"
    first, second = "2026-11-05 10:00:00", "2026-11-20 10:00:00"
    for sql, params in (
        ("INSERT INTO customer (id, name, phone, initials, gender, region, customer_class, "
         "model, channel, source, notes, created_at, updated_at, version, closed_at, closed_as, "
         "close_reason, competitor) VALUES (1, '李四', '13912345678', 'ls', '', '', 'defeated', "
         "'汉兰达', '', 4, '', ?, ?, 1, ?, 'defeat', '价格', '本田雅阁')", (now, now, second)),
        ("INSERT INTO level_change (id, customer_id, from_level, to_level, at, closed_as) "
         "VALUES (1, 1, 'B', NULL, ?, 'lost'), (2, 1, 'H', NULL, ?, 'defeat')", (first, second)),
        ("INSERT INTO audit_entry (at, session, action, entity, entity_id, detail) VALUES "
         "(?, 'x', 'close', 'customer', 1, ?), (?, 'x', 'close', 'customer', 1, 'not json')",
         (first, json.dumps({"outcome": "lost", "reason": "电话停机", "competitor": "x",
                             "at": first}, ensure_ascii=False), second)),
    ):  # fmt: skip
        old.execute_sql(sql, params)
    old.close()
    store.open_store(db_path)
    closes = [
        (c.id, c.closed_as, c.close_reason, c.competitor)
        for c in LevelChange.select().order_by(LevelChange.id)
    ]
    # The lost one from its audit entry (a lost close keeps no competitor); the defeat, with
    # no readable entry, from the customer (it is their latest close).
    assert closes == [(1, "lost", "电话停机", ""), (2, "defeat", "价格", "本田雅阁")]

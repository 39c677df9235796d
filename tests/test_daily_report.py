"""The consultant's daily report (营业日报表): its rows and figures, the manager's sign-off,
who may read and sign it, the command line and the XLSX.

The day under test is 王磊's Tuesday 2026-11-24, read on the frozen "now" (Wednesday
11-25 10:30). Intervals are the seed's: O 7, H 2, A 3, B 7, C 14 days.

Before the day (王磊's customers; the desk registers, 王磊 records the contacts):

==== ================== ============ ========================================= ===========
 #   customer           phone        what                                      then
==== ================== ============ ========================================= ===========
 C1  张先生              13800000011  walk-in 10-20 B (met in October)           carried
 C2  李女士              13800000022  walk-in 10-28 C; call 11-05 C              carried
 C5  孙先生              13800000055  walk-in 11-03 H; closed as a deal 11-15    own-sold
 C3  赵先生              13800000033  walk-in 11-10 A                            new
 C4  钱女士              13800000044  phone call 11-20 H (never met)             phone lead
 C7  郑先生              13800000077  walk-in 11-21 H                            new
 C1                                  call 11-23 B (promotion)
 C6  周先生 (李娜's)      13800000066  walk-in 11-24 14:00 B                      not 王磊's
==== ================== ============ ========================================= ===========

The day, 11-24 — the rows of 王磊's report, in time order:

==== ====== ======== ======================== ===== ========== ============================
 no  time   who      how                      level purpose    account
==== ====== ======== ======================== ===== ========== ============================
 1   09:30  张先生    call (contact)           B→A   promotion  约周六试驾
 2   11:00  李女士    visit (contact)          C     maintenance 送保养券
 3   15:00  赵先生    walk-in (reception)      A     —          看配置
 4   16:00  吴女士    walk-in (reception, new) →C    —          (none)
 5   17:00  钱女士    call (contact), agreed   H     (not stated) 约明天回电
                     next 11-25
==== ====== ======== ======================== ===== ========== ============================

Worked out by hand:

- customers contacted today: C1, C2, C3, 吴女士, C4 → 5;
- this month so far, a customer once a day: (C5 11-03), (C2 11-05), (C3 11-10), (C4 11-20),
  (C7 11-21), (C1 11-23), and the day's five → 11;
- purposes of the day's contacts: promotion 1, maintenance 1, not stated 1 (receptions are
  not contacts);
- intent at the day's end: A carried 1 (C1) new 1 (C3); C carried 1 (C2) new 1 (吴女士);
  H new 1 (C7); phone leads H 1 (C4); C5 closed before → carried 2, new 3, total 5;
- owners on file: own-sold 1 (C5), other-sold 0, total 1;
- level changes: 09:30 张先生 B → A; 16:00 吴女士 — → C;
- tomorrow's plan (11-25, as planned at its start): C7 due 11-23 (walk-in 11-21 + 2), 2 days
  late; C4 due 11-25 (agreed at 17:00); everyone else later (C1 A 11-27, C3 11-27, C2 and
  吴女士 C 12-08).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from openpyxl import load_workbook

from frontdesk import i18n, store
from frontdesk.desk import registration
from frontdesk.errors import ConflictError, Forbidden
from frontdesk.followup import contact_input, contact_table, contacts
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.reports import daily_layout as layout
from frontdesk.reports import daily_report, daily_signoff
from frontdesk.store.models import AuditEntry, Contact, Customer, Registration, ReportSignoff
from tests.actors import as_member
from tests.conftest import SNAPSHOT_SIZES, shoot

pytestmark = pytest.mark.both_engines  # the store's tests, on SQLite and on PostgreSQL

DAY = dt.date(2026, 11, 24)
PHONES = {
    "C1": "13800000011",
    "C2": "13800000022",
    "C3": "13800000033",
    "C4": "13800000044",
    "C5": "13800000055",
    "C6": "13800000066",
    "C7": "13800000077",
    "WU": "13800000088",
}


def register(kind: str, at: str, phone: str, name: str, **fields) -> Registration:
    return registration.register(
        registration.RegistrationInput(kind=kind, time_in=at, phone=phone, name=name, **fields),
        by=DESK,
    )


def contact(member, who: str, at: str, method: str, level: str = "", **fields) -> Contact:
    customer = Customer.get(Customer.phone == PHONES[who])
    data = contact_input.ContactInput(method=method, at=at, level=level, **fields)
    return contacts.record_contact(customer.id, data, by=as_member(member))


def record_the_day(members) -> None:
    """The records of the module docstring."""
    wang = members["wanglei"]
    register("walkin", "2026-10-20 10:00", PHONES["C1"], "张先生", level="B", model="凯美瑞",
             consultant="王磊")  # fmt: skip
    register("walkin", "2026-10-28 15:00", PHONES["C2"], "李女士", level="C", consultant="王磊")
    register("walkin", "2026-11-03 10:00", PHONES["C5"], "孙先生", level="H", consultant="王磊")
    contact(wang, "C2", "2026-11-05 10:00", "call", purpose="maintenance")
    register("walkin", "2026-11-10 11:00", PHONES["C3"], "赵先生", level="A", model="汉兰达",
             consultant="王磊")  # fmt: skip
    customer = Customer.get(Customer.phone == PHONES["C5"])
    contacts.close_customer(customer.id, "deal", by=OPERATOR, at="2026-11-15 12:00")
    register("phone", "2026-11-20 09:00", PHONES["C4"], "钱女士", level="H", consultant="王磊")
    register("walkin", "2026-11-21 10:00", PHONES["C7"], "郑先生", level="H", consultant="王磊")
    contact(wang, "C1", "2026-11-23 10:00", "call", purpose="promotion")
    register("walkin", "2026-11-24 14:00", PHONES["C6"], "周先生", level="B", consultant="李娜")
    # The day.
    contact(wang, "C1", "2026-11-24 09:30", "call", "A", purpose="promotion", account="约周六试驾")
    contact(wang, "C2", "2026-11-24 11:00", "visit", purpose="maintenance", account="送保养券")
    register("walkin", "2026-11-24 15:00", PHONES["C3"], "赵先生", level="A", notes="看配置",
             consultant="王磊")  # fmt: skip
    register("walkin", "2026-11-24 16:00", PHONES["WU"], "吴女士", level="C", model="卡罗拉",
             consultant="王磊")  # fmt: skip
    contact(wang, "C4", "2026-11-24 17:00", "call", next_date="2026-11-25", account="约明天回电")


@pytest.fixture
def the_day(showroom):
    """The day of the module docstring; the showroom's members."""
    record_the_day(showroom)
    return showroom


def test_the_days_rows_are_its_contacts_and_receptions_in_time_order(the_day):
    report = daily_report.daily_report(the_day["wanglei"].id, DAY, by=OPERATOR)
    assert [
        (r.number, r.at[11:16], r.name, r.kind, r.method, r.from_level, r.level, r.purpose,
         r.account)
        for r in report.rows
    ] == [
        (1, "09:30", "张先生", "contact", "call", "B", "A", "promotion", "约周六试驾"),
        (2, "11:00", "李女士", "contact", "visit", "", "C", "maintenance", "送保养券"),
        (3, "15:00", "赵先生", "reception", "walkin", "", "A", "", "看配置"),
        (4, "16:00", "吴女士", "reception", "walkin", "", "C", "", ""),
        (5, "17:00", "钱女士", "contact", "call", "", "H", "", "约明天回电"),
    ]  # fmt: skip
    assert [r.model for r in report.rows] == ["凯美瑞", "", "汉兰达", "卡罗拉", ""]


def test_the_summary_is_worked_out_as_by_hand(the_day):
    report = daily_report.daily_report(the_day["wanglei"].id, DAY, by=OPERATOR)
    assert (report.visits_today, report.visits_month) == (5, 11)
    assert report.purposes == {"promotion": 1, "maintenance": 1, "": 1}
    open_intent = {level: spells for level, spells in report.intent.items() if any(spells.values())}
    assert open_intent == {
        "H": {"carried": 0, "new": 1, "leads": 1},
        "A": {"carried": 1, "new": 1, "leads": 0},
        "C": {"carried": 1, "new": 1, "leads": 0},
    }
    assert report.intent_total == {"carried": 2, "new": 3, "all": 5}
    assert (report.owners, report.owners_total) == ({"own_sold": 1, "other_sold": 0}, 1)
    assert [(m.at[11:16], m.name, m.from_level, m.to_level) for m in report.moves] == [
        ("09:30", "张先生", "B", "A"),
        ("16:00", "吴女士", "", "C"),
    ]
    assert [(p.name, p.due, p.overdue_days) for p in report.plan] == [
        ("郑先生", "2026-11-23", 2),
        ("钱女士", "2026-11-25", 0),
    ]
    assert report.signoff is None and report.amendments == ()


def test_the_intent_figures_agree_with_the_contact_tables_foot_on_the_day_in_progress(the_day):
    """Read on its own day, the report's intent customers are the contact table's open rows
    of the consultant (its foot counts the phone leads among them)."""
    wang = the_day["wanglei"]
    report = daily_report.daily_report(wang.id, dt.date(2026, 11, 25), by=OPERATOR)
    foot = contact_table.totals(contact_table.current_filter(OPERATOR, consultant_id=wang.id))
    leads = sum(spells["leads"] for spells in report.intent.values())
    assert report.intent_total["all"] + leads == sum(foot.by_level.values()) == 6
    assert report.rows == ()  # nothing yet on the 25th


def test_a_later_day_does_not_change_the_day(the_day):
    """What happens on the 25th (a contact, a close, a level change) is not the 24th's."""
    before = daily_report.daily_report(the_day["wanglei"].id, DAY, by=OPERATOR)
    contact(the_day["wanglei"], "C3", "2026-11-25 09:00", "call", "H", purpose="promotion")
    customer = Customer.get(Customer.phone == PHONES["C7"])
    contacts.close_customer(customer.id, "defeat", "价格", "本田雅阁", by=OPERATOR)
    after = daily_report.daily_report(the_day["wanglei"].id, DAY, by=OPERATOR)
    assert after.snapshot() == before.snapshot()


# -- sign-off --------------------------------------------------------------------------------


def test_a_manager_signs_and_the_signature_is_stored_and_audited(the_day):
    manager = as_member(the_day["chenjing"])
    signed = daily_signoff.sign(the_day["wanglei"].id, DAY, "周六试驾安排好", by=manager)
    assert signed.signoff is not None
    assert (signed.signoff.signer, signed.signoff.signed_at, signed.signoff.instructions) == (
        "陈静",
        "2026-11-25 10:30:00",
        "周六试驾安排好",
    )
    record = ReportSignoff.get()
    assert (record.consultant_id, record.day, record.signed_by_id) == (
        the_day["wanglei"].id,
        DAY,
        the_day["chenjing"].id,
    )
    assert len(json.loads(record.snapshot)["rows"]) == 5
    entry = AuditEntry.get(AuditEntry.action == "sign")
    assert (entry.entity, entry.entity_id, entry.staff_id) == (
        "report_signoff",
        record.id,
        the_day["chenjing"].id,
    )
    assert json.loads(entry.detail)["instructions"] == "周六试驾安排好"
    with pytest.raises(ConflictError, match="陈静"):
        daily_signoff.sign(the_day["wanglei"].id, DAY, by=manager)


def test_a_signed_report_is_frozen_and_shows_later_corrections_as_amendments(the_day):
    wang = the_day["wanglei"]
    daily_signoff.sign(wang.id, DAY, "跟进钱女士", by=as_member(the_day["chenjing"]))
    # Afterwards: 王磊 adds a call he forgot (18:00), and the desk corrects 赵先生's notes.
    contact(wang, "C7", "2026-11-24 18:00", "call", "H", purpose="promotion", account="补记")
    reception = Registration.get(Registration.time_in == dt.datetime(2026, 11, 24, 15))
    data = registration.to_input(reception)
    data.notes = "看配置，要报价"
    registration.update(reception.id, data, reception.version, by=DESK)

    report = daily_report.daily_report(wang.id, DAY, by=as_member(wang))
    # As signed: five rows, five customers, the old notes.
    assert len(report.rows) == 5 and report.visits_today == 5
    assert report.rows[2].account == "看配置"
    assert report.signoff is not None and report.signoff.instructions == "跟进钱女士"
    # After the signature, never silently: the added call, the changed notes.
    assert [(a.what, a.row.name if a.row else None, a.changes) for a in report.amendments] == [
        ("changed", "赵先生", (("account", "看配置", "看配置，要报价"),)),
        ("added", "郑先生", ()),
    ]
    data = report.to_json()
    assert [a["what"] for a in data["amendments"]] == ["changed", "added"]


def test_a_corrected_report_is_signed_again_and_keeps_its_first_signature(the_day, frozen_clock):
    wang, manager = the_day["wanglei"], as_member(the_day["chenjing"])
    daily_signoff.sign(wang.id, DAY, "跟进钱女士", by=manager)  # 11-25 10:30, five rows
    frozen_clock.move_to(dt.datetime(2026, 11, 25, 16, 0))
    contact(wang, "C7", "2026-11-24 18:00", "call", "H", purpose="promotion", account="补记")
    # Read: one amendment (the call added). Signed again at 16:00, with new instructions.
    again = daily_signoff.sign(wang.id, DAY, "补记已核", by=manager)
    assert again.signoff is not None and again.amendments == ()
    assert (again.signoff.signed_at, again.signoff.instructions) == (
        "2026-11-25 16:00:00",
        "补记已核",
    )
    assert [(s.signer, s.signed_at, s.instructions) for s in again.signoff.earlier] == [
        ("陈静", "2026-11-25 10:30:00", "跟进钱女士")
    ]
    assert len(again.rows) == 6  # the added call is on the report as signed now
    assert layout.signoff_line(again) == (
        "签核：陈静 2026-11-25 16:00（更正后重新签核；此前：陈静 2026-11-25 10:30）"
    )
    first, second = ReportSignoff.select().order_by(ReportSignoff.id)
    assert len(json.loads(first.snapshot)["rows"]) == 5  # the first stays as it was signed
    assert len(json.loads(second.snapshot)["rows"]) == 6
    entry = AuditEntry.get(AuditEntry.action == "resign")
    assert json.loads(entry.detail)["after"] == first.id
    # Nothing corrected since the second: not signed a third time.
    with pytest.raises(ConflictError, match="16:00 签核，此后没有更正"):
        daily_signoff.sign(wang.id, DAY, by=manager)
    read = daily_report.daily_report(wang.id, DAY, by=as_member(wang))
    assert read.signoff == again.signoff and read.amendments == ()


def test_unsigned_reports_older_than_a_day_are_listed_for_the_manager(the_day):
    """王磊's days with rows from 10-25 (31 days back) to 11-23 (the 24th is yesterday: it
    may still be signed today): 10-28, 11-03, 11-05, 11-10, 11-20, 11-21, 11-23 — one row
    each. 李娜's only day is the 24th."""
    manager = as_member(the_day["chenjing"])
    waiting = daily_signoff.unsigned(by=manager)
    assert [(w.consultant, w.day.isoformat(), w.rows) for w in waiting] == [
        ("王磊", day, 1)
        for day in (
            "2026-10-28",
            "2026-11-03",
            "2026-11-05",
            "2026-11-10",
            "2026-11-20",
            "2026-11-21",
            "2026-11-23",
        )
    ]
    daily_signoff.sign(the_day["wanglei"].id, dt.date(2026, 11, 23), by=manager)
    assert "2026-11-23" not in [w.day.isoformat() for w in daily_signoff.unsigned(by=manager)]


def test_a_report_corrected_after_its_signature_waits_to_be_signed_again(the_day, frozen_clock):
    """王磊's 11-24 (yesterday: not yet overdue) is signed at 10:30 and then corrected — a
    call he forgot, 18:00 that day. It is listed again, as corrected (six rows now), until the
    manager signs it again at 16:00. The 11-23 report, signed and left alone, is not listed;
    nor is a signed day whose only later record changes nothing on it (李娜's call on 11-24
    is on her report, not his: his 11-24 is listed once, hers not at all — never signed, and
    yesterday's)."""
    wang, manager = the_day["wanglei"], as_member(the_day["chenjing"])
    daily_signoff.sign(wang.id, dt.date(2026, 11, 23), by=manager)
    daily_signoff.sign(wang.id, DAY, by=manager)
    waiting = [(w.day.isoformat(), w.consultant, w.rows, w.amended)
               for w in daily_signoff.unsigned(by=manager)]  # fmt: skip
    assert ("2026-11-24", "王磊", 5, True) not in waiting
    assert "2026-11-23" not in [day for day, *_ in waiting]
    frozen_clock.move_to(dt.datetime(2026, 11, 25, 11, 0))
    contact(wang, "C7", "2026-11-24 18:00", "call", "H", purpose="promotion", account="补记")
    contact(the_day["lina"], "C6", "2026-11-24 18:30", "call", "B", account="李娜补记")
    waiting = [(w.day.isoformat(), w.consultant, w.rows, w.amended)
               for w in daily_signoff.unsigned(by=manager)]  # fmt: skip
    assert [item for item in waiting if item[0] >= "2026-11-23"] == [
        ("2026-11-24", "王磊", 6, True)
    ]
    frozen_clock.move_to(dt.datetime(2026, 11, 25, 16, 0))
    daily_signoff.sign(wang.id, DAY, "补记已核", by=manager)
    assert "2026-11-24" not in [w.day.isoformat() for w in daily_signoff.unsigned(by=manager)]


# -- rights ----------------------------------------------------------------------------------


def test_a_consultant_reads_their_own_report_only_and_the_desk_none(the_day):
    wang, lina = the_day["wanglei"], the_day["lina"]
    assert len(daily_report.daily_report(wang.id, DAY, by=as_member(wang)).rows) == 5
    assert len(daily_report.daily_report(lina.id, DAY, by=as_member(lina)).rows) == 1  # C6
    with pytest.raises(Forbidden, match="只有本人或展厅主管可以看营业日报表"):
        daily_report.daily_report(wang.id, DAY, by=as_member(lina))
    with pytest.raises(Forbidden):
        daily_report.daily_report(wang.id, DAY, by=DESK)
    with pytest.raises(Forbidden):
        daily_report.daily_report(wang.id, DAY, by=as_member(the_day["zhaomin"]))


def test_only_a_manager_signs_and_lists_the_unsigned(the_day):
    wang = the_day["wanglei"]
    for actor in (as_member(wang), DESK, as_member(the_day["zhaomin"])):
        with pytest.raises(Forbidden):
            daily_signoff.sign(wang.id, DAY, by=actor)
        with pytest.raises(Forbidden):
            daily_signoff.unsigned(by=actor)
    assert ReportSignoff.select().count() == 0


def test_a_day_to_come_and_a_receptionist_have_no_report(the_day):
    from frontdesk.errors import ValidationError

    with pytest.raises(ValidationError) as refused:
        daily_report.daily_report(the_day["wanglei"].id, dt.date(2026, 11, 26), by=OPERATOR)
    assert refused.value.errors["date"] == "营业日报表只到今天（2026-11-25）"
    with pytest.raises(ValidationError) as refused:
        daily_report.daily_report(the_day["zhaomin"].id, DAY, by=OPERATOR)
    assert refused.value.errors["consultant"] == "赵敏 不接待客户，没有营业日报表"


def test_the_purpose_is_checked_and_kept(the_day):
    from frontdesk.errors import ValidationError

    with pytest.raises(ValidationError) as refused:
        contact(the_day["wanglei"], "C1", "2026-11-25 09:00", "call", purpose="chat")
    assert "purpose" in refused.value.errors
    saved = contact(the_day["wanglei"], "C1", "2026-11-25 09:00", "call", purpose="开拓")
    assert saved.purpose == "prospecting"


# -- the command line and the XLSX ----------------------------------------------------------


@pytest.fixture
def cli_day(cli_store, run_cli):
    """The day of the module docstring in the command line's store."""
    from frontdesk.store import codes, settings

    store.open_store(cli_store)
    try:
        from frontdesk.people import team

        settings.put(settings.STORE_NAME, "丰田4S店")
        members = {
            "wanglei": team.add_staff("王磊", "consultant", by=OPERATOR),
            "lina": team.add_staff("李娜", "consultant", by=OPERATOR),
            "zhaomin": team.add_staff("赵敏", "receptionist", by=OPERATOR),
            "chenjing": team.add_staff("陈静", "manager", by=OPERATOR),
        }
        codes.add(codes.MODEL, "凯美瑞", "卡罗拉", "汉兰达", "RAV4荣放")
        record_the_day(members)
    finally:
        store.close_store()
    return run_cli


def test_report_daily_prints_the_report_and_its_json(cli_day):
    status, out, _ = cli_day("--as", "wanglei", "report", "daily", "--date", "2026-11-24")
    assert status == 0
    for words in ("营业日报表 · 2026-11-24 星期二 · 销售顾问 王磊", "约周六试驾", "B→A",
                  "本日访问客户数  5", "本月访问累计    11", "访问目的：促进 1 · 手续 0 · 管理 1",
                  "未填 1", "郑先生", "未签核"):  # fmt: skip
        assert words in out, words
    status, out, _ = cli_day(
        "report", "daily", "--consultant", "王磊", "--date", "2026-11-24", "--json"
    )
    data = json.loads(out)
    assert (data["visits_today"], data["visits_month"], len(data["rows"])) == (5, 11, 5)
    assert data["owners"] == {"own_sold": 1, "other_sold": 0}


def test_report_sign_signs_once_and_the_others_are_refused(cli_day):
    args = ("report", "sign", "--consultant", "王磊", "--date", "2026-11-24")
    status, _, err = cli_day("--as", "lina", *args)
    assert status == 1 and "签核营业日报表" in err
    status, out, _ = cli_day("--as", "chenjing", *args, "--instructions", "周六试驾安排好")
    assert (status, out.strip()) == (0, "已签核 王磊 2026-11-24 的营业日报表")
    status, _, err = cli_day("--as", "chenjing", *args)
    assert status == 1 and "已由 陈静 于 2026-11-25 10:30 签核" in err
    status, out, _ = cli_day("--as", "wanglei", "report", "daily", "--date", "2026-11-24")
    assert "主管指示事项：周六试驾安排好" in out and "签核：陈静 2026-11-25 10:30" in out
    status, _, err = cli_day("--as", "lina", "report", "daily", "--consultant", "王磊")
    assert status == 1 and "只有本人或展厅主管" in err


def test_report_unsigned_lists_the_overdue(cli_day):
    status, out, _ = cli_day("--as", "chenjing", "report", "unsigned", "--json")
    assert status == 0
    assert [item["date"] for item in json.loads(out)][-2:] == ["2026-11-21", "2026-11-23"]
    assert not any(item["amended"] for item in json.loads(out))
    status, out, _ = cli_day("--as", "chenjing", "report", "unsigned")
    assert status == 0
    assert out.splitlines()[0].split() == ["日期", "销售顾问", "条数", "状态"]
    assert out.splitlines()[-1].split() == ["2026-11-23", "王磊", "1", "逾期未签"]


def test_export_daily_is_laid_out_like_the_paper_form_and_safe(cli_day, tmp_path):
    path = tmp_path / "日报.xlsx"
    status, out, _ = cli_day(
        "--as", "chenjing", "export", "daily", "--consultant", "王磊", "--date", "2026-11-24",
        "--out", str(path),
    )  # fmt: skip
    assert status == 0, out
    sheet = load_workbook(path).active
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells[0][0] == "营业日报表"
    assert cells[1][0] == "丰田4S店　2026-11-24 星期二　销售顾问：王磊"
    assert cells[2][:9] == ["序号", "时间", "客户姓名", "车型", "电话", "开拓/确度",
                            "电话/拜访", "访问目的", "访问经过"]  # fmt: skip
    assert cells[3][:9] == ["1", "09:30", "张先生", "凯美瑞", "138 0000 0011", "B→A", "电话",
                            "促进", "约周六试驾"]  # fmt: skip
    assert [row[0] for row in cells[3:17]] == [str(n) for n in range(1, 15)]  # the form's 14
    texts = [value for row in cells for value in row if isinstance(value, str)]
    assert "本日止意向客户数" in texts and "本日止保有客户数" in texts
    assert any(text.startswith("展厅主管：") for text in texts)  # the signature lines
    assert any(text.startswith("意向客户分级：O.H.A.B.C") for text in texts)
    assert sheet.oddHeader.center.text == "营业日报表 · 2026-11-24"


def test_an_account_typed_as_a_formula_stays_text_in_the_xlsx(the_day, tmp_path):
    from frontdesk.reports import daily_export

    contact(the_day["wanglei"], "C1", "2026-11-24 19:00", "call", account="=HYPERLINK(1)")
    report = daily_report.daily_report(the_day["wanglei"].id, DAY, by=OPERATOR)
    path = daily_export.export_report(tmp_path / "r.xlsx", report)
    sheet = load_workbook(path).active
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "=HYPERLINK(1)")
    assert cell.data_type == "s" and cell.quotePrefix


def test_the_report_reads_in_english(the_day):
    from frontdesk.cli.reports import report_lines

    i18n.set_language("en")
    report = daily_report.daily_report(the_day["wanglei"].id, DAY, by=OPERATOR)
    text = "\n".join(report_lines(report))
    for words in ("Daily report · Tuesday 2026-11-24 · Consultant 王磊", "Promote 1",
                  "From last month", "Not signed"):  # fmt: skip
        assert words in text, words


def test_contact_purpose_is_typed_on_the_command_line(cli_day):
    status, _, err = cli_day(
        "--as", "wanglei", "contact", "--phone", PHONES["C1"], "--at", "2026-11-25 09:00",
        "--method", "call", "--purpose", "procedure",
    )  # fmt: skip
    assert status == 0, err
    status, _, err = cli_day(
        "--as", "wanglei", "contact", "--phone", PHONES["C1"], "--at", "2026-11-25 09:10",
        "--method", "call", "--purpose", "聊天",
    )  # fmt: skip
    assert status == 1 and "访问目的只能是" in err
    status, out, _ = cli_day("--as", "wanglei", "report", "daily", "--json")
    assert [row["purpose"] for row in json.loads(out)["rows"]] == ["procedure"]


# -- F7 by keys ------------------------------------------------------------------------------


async def test_a_manager_reads_and_signs_the_report_on_f7_by_keys(the_day, make_app):
    from screens.reports.daily_dialogs import SignReportScreen
    from screens.reports.desk import ReportsScreen
    from tests.conftest import screen_text, settle
    from tests.test_palette import open_palette, palette_lines

    app = make_app(staff=the_day["chenjing"])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f7")  # 王磊's today (the first consultant): nothing yet
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        assert "待签核 7 份，最早 2026-10-28 王磊" in screen_text(app)
        await pilot.press("left")  # yesterday
        await settle(pilot)
        text = screen_text(app)
        for words in ("营业日报表 · 2026-11-24 星期二 · 销售顾问 王磊 · 未签核", "约周六试驾",
                      "本日访问客户数 5 · 本月访问累计 11", "郑先生"):  # fmt: skip
            assert words in text, words
        await open_palette(pilot)
        names = " ".join(palette_lines(app))
        for action in ("前一天", "后一天", "今天", "换顾问", "签核", "待签核"):
            assert action in names, (action, names)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SignReportScreen)
        await pilot.press(*"跟进钱女士", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        assert "签核：陈静 2026-11-25 10:30" in screen_text(app)
        assert "主管指示事项：跟进钱女士" in screen_text(app)
        assert not app.screen.check_action("daily_sign", ())  # signed once: s is gone
        await pilot.press("u")  # the oldest unsigned: 王磊's 10-28
        await settle(pilot)
        assert "2026-10-28" in screen_text(app) and "李女士" in screen_text(app)
        await pilot.press("c", "down", "enter")  # 李娜
        await settle(pilot)
        assert "销售顾问 李娜" in screen_text(app)
    record = ReportSignoff.get()
    assert (record.day, record.instructions) == (DAY, "跟进钱女士")


async def test_a_manager_signs_a_corrected_report_again_on_f7(the_day, frozen_clock, make_app):
    from screens.reports.daily_dialogs import SignReportScreen
    from tests.conftest import screen_text, settle

    wang = the_day["wanglei"]
    daily_signoff.sign(wang.id, DAY, "跟进钱女士", by=as_member(the_day["chenjing"]))
    contact(wang, "C7", "2026-11-24 18:00", "call", "H", purpose="promotion", account="补记")
    frozen_clock.move_to(dt.datetime(2026, 11, 25, 16, 0))
    app = make_app(staff=the_day["chenjing"])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f7", "left")
        await settle(pilot)
        assert "签核后的更正（1 处）" in screen_text(app)
        assert app.screen.check_action("daily_sign", ())  # corrected since: s is back
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SignReportScreen)
        assert "重新签核 王磊 2026-11-24 星期二 的营业日报表（签核后更正 1 处）" in screen_text(app)
        await pilot.press(*"补记已核", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "签核：陈静 2026-11-25 16:00（更正后重新签核；此前：陈静 2026-11-25 10:30）" in text
        assert "签核后的更正" not in text and "主管指示事项：补记已核" in text
        assert not app.screen.check_action("daily_sign", ())


async def test_a_consultant_sees_their_own_report_on_f7_and_cannot_sign(the_day, make_app):
    from tests.conftest import screen_text, settle

    app = make_app(staff=the_day["wanglei"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f7", "left")
        await settle(pilot)
        assert "销售顾问 王磊" in screen_text(app) and "约周六试驾" in screen_text(app)
        for action in ("daily_sign", "daily_consultant", "daily_unsigned"):
            assert not app.screen.check_action(action, ())
        await pilot.press("s")
        await settle(pilot)
        assert [n.message for n in app._notifications][-1] == "销售顾问无权签核营业日报表"
    assert ReportSignoff.select().count() == 0


async def test_the_desk_has_no_f7(the_day, make_app):
    from screens.desk.day_log import DayLogScreen
    from tests.conftest import settle

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.check_action("reports", ())
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, DayLogScreen)


async def test_the_contact_dialog_takes_the_purpose_by_keys(the_day, make_app):
    from tests.conftest import settle

    app = make_app(staff=the_day["wanglei"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        # method, account, level, next, source, then the purpose: 3 管理.
        await pilot.press("c", "enter", *"送保养券", "enter", "enter", "enter", "enter", "3")
        await pilot.press("ctrl+s")
        await settle(pilot)
    latest = Contact.select().order_by(Contact.id.desc()).get()
    assert (latest.account, latest.purpose) == ("送保养券", "maintenance")


def test_f1_lists_the_reports_keys_in_both_languages(showroom):
    from screens.help import _sections

    sections = dict(_sections())
    sign = "签核这份日报表，写主管指示事项；签核后有更正时可重新签核"
    assert ("s", sign) in sections["主管报表（F7）"]
    i18n.set_language("en")
    sections = dict(_sections())
    waiting = (
        "Go to the oldest daily report waiting for a signature (overdue, or corrected since signed)"
    )
    assert ("u", waiting) in sections["Manager's reports (F7)"]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_daily_report_snapshot(snap_compare, the_day, make_app, size):
    """王磊's 11-24 as the manager reads it, signed, with a call added after the signature."""
    wang = the_day["wanglei"]
    daily_signoff.sign(wang.id, DAY, "周六试驾安排好", by=as_member(the_day["chenjing"]))
    contact(wang, "C7", "2026-11-24 18:00", "call", "H", purpose="promotion", account="补记")
    assert shoot(snap_compare, make_app(staff=the_day["chenjing"]), size, "f7", "left")

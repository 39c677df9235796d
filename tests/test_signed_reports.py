"""The XLSX a manager prints and signs: the month's splits each on a sheet of its own, the
page header (店名 · 月份 · 制表时间) in the first rows and printed on every page, and the
signature lines of the paper form (制表 / 展厅主管 / 销售经理) at the foot.

The month under test is November 2026, up to the frozen "now" (Wednesday 11-25 10:30):

==== ============ ======= ===================== ========== ======= ======================
 #   when         kind    who                   channel    model   consultant, what
==== ============ ======= ===================== ========== ======= ======================
 1   11-02 09:10  walk-in 张先生 13800000011     网络       凯美瑞  王磊: first, on file,
                                                                     test drive, order
 2   11-02 14:30  walk-in anonymous             路过       卡罗拉  李娜: first, not on file
 3   11-05 10:00  call    李女士 13800000022     网络       汉兰达  —
 4   11-12 11:00  walk-in 李女士 (called 11-05)  网络       汉兰达  李娜: first (only called
                                                                     before), on file, test
                                                                     drive
 5   11-20 16:00  walk-in 张先生 again           老客户     凯美瑞  王磊: returning, order
 6   11-24 09:30  call    anonymous             (blank)    (blank) —
==== ============ ======= ===================== ========== ======= ======================

Worked out by hand, walk-ins / calls:

- by hour: 09 → 1 / 1 (#1, #6), 10 → 0 / 1 (#3), 11 → 1 / 0 (#4), 14 → 1 / 0 (#2),
  16 → 1 / 0 (#5); total 4 / 2;
- by channel: 网络 → 2 / 1 (#1, #4 / #3), 路过 → 1 / 0, 老客户 → 1 / 0, (未填) → 0 / 1 (#6);
  total 4 / 2;
- by model: 凯美瑞 → 2 / 0 (#1, #5), 汉兰达 → 1 / 1 (#4 / #3), 卡罗拉 → 1 / 0,
  (未填) → 0 / 1; total 4 / 2;
- by consultant (walk-ins only) — parties, first visits on file, test drives, orders:
  王磊 → 2, 1, 1, 2 (#1 and #5: #5 returns, so is not a first visit on file);
  李娜 → 2, 1, 1, 0 (#2 left no phone, #4 did); total 4, 2, 2, 2.
"""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from frontdesk import i18n
from frontdesk.desk import registration
from frontdesk.followup import contact_export, contact_table
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.stats import statistics_sheet
from frontdesk.store import settings

ZHANG, LI = "13800000011", "13800000022"
MADE_AT = "制表时间：2026-11-25 10:30"  # the frozen clock


def register(kind: str, at: str, **fields) -> None:
    registration.register(registration.RegistrationInput(kind=kind, time_in=at, **fields), by=DESK)


@pytest.fixture
def november(showroom):
    """The month of the module docstring."""
    register(
        "walkin",
        "2026-11-02 09:10",
        phone=ZHANG,
        name="张先生",
        channel="网络",
        model="凯美瑞",
        consultant="王磊",
        level="H",
        test_drive=True,
        ordered=True,
    )
    register("walkin", "2026-11-02 14:30", channel="路过", model="卡罗拉", consultant="李娜")
    register("phone", "2026-11-05 10:00", phone=LI, name="李女士", channel="网络", model="汉兰达")
    register(
        "walkin",
        "2026-11-12 11:00",
        phone=LI,
        name="李女士",
        channel="网络",
        model="汉兰达",
        consultant="李娜",
        level="A",
        test_drive=True,
    )
    register(
        "walkin",
        "2026-11-20 16:00",
        phone=ZHANG,
        channel="老客户",
        model="凯美瑞",
        consultant="王磊",
        ordered=True,
    )
    register("phone", "2026-11-24 09:30")
    return showroom


def split_table(ws) -> tuple[list[str], dict[str, dict[str, int]], dict[str, int]]:
    """A split's sheet read back: its headers, each key's figures by header, the total's."""
    rows = list(ws.iter_rows(min_row=statistics_sheet.SPLIT_HEADER_ROW, values_only=True))
    headers = list(rows[0])
    table = {row[0]: dict(zip(headers[1:], row[1:], strict=True)) for row in rows[1:]}
    total = table.pop("合计")
    assert rows[-1][0] == "合计"  # the total is the last row
    return headers, table, total


def test_each_split_of_the_month_is_a_sheet_of_its_own(november, tmp_path):
    path = statistics_sheet.export_month(2026, 11, tmp_path / "november.xlsx")
    workbook = load_workbook(path)
    assert workbook.sheetnames == [
        "2026-11",
        "分时段客流",
        "按信息来源",
        "按意向车型",
        "按销售顾问",
    ]

    headers, hours, total = split_table(workbook["分时段客流"])
    assert headers == ["时段", "来店", "来电"]
    assert hours == {
        "09": {"来店": 1, "来电": 1},
        "10": {"来店": 0, "来电": 1},
        "11": {"来店": 1, "来电": 0},
        "14": {"来店": 1, "来电": 0},
        "16": {"来店": 1, "来电": 0},
    }
    assert total == {"来店": 4, "来电": 2}

    headers, channels, total = split_table(workbook["按信息来源"])
    assert headers == ["信息来源", "来店", "来电"]
    assert channels == {
        "网络": {"来店": 2, "来电": 1},
        "路过": {"来店": 1, "来电": 0},
        "老客户": {"来店": 1, "来电": 0},
        "（未填）": {"来店": 0, "来电": 1},
    }
    assert total == {"来店": 4, "来电": 2}

    headers, models, total = split_table(workbook["按意向车型"])
    assert headers == ["意向车型", "来店", "来电"]
    assert models == {
        "凯美瑞": {"来店": 2, "来电": 0},
        "汉兰达": {"来店": 1, "来电": 1},
        "卡罗拉": {"来店": 1, "来电": 0},
        "（未填）": {"来店": 0, "来电": 1},
    }
    assert total == {"来店": 4, "来电": 2}

    headers, consultants, total = split_table(workbook["按销售顾问"])
    assert headers[0] == "销售顾问"
    figures = ("批次", "首次留档", "试驾", "订车")  # looked up by header: more may follow
    assert [consultants["王磊"][name] for name in figures] == [2, 1, 1, 2]
    assert [consultants["李娜"][name] for name in figures] == [2, 1, 1, 0]
    assert set(consultants) == {"王磊", "李娜"}
    assert [total[name] for name in figures] == [4, 2, 2, 2]


def test_every_sheet_carries_the_page_header_in_its_first_rows_and_in_print(november, tmp_path):
    path = statistics_sheet.export_month(2026, 11, tmp_path / "november.xlsx")
    workbook = load_workbook(path)
    month = workbook["2026-11"]
    assert month.cell(1, 1).value == "展厅来店(电)统计表"
    second = next(month.iter_rows(min_row=2, max_row=2, values_only=True))
    assert [value for value in second if value] == ["店名：丰田4S店", "月份：2026-11", MADE_AT]
    for title in workbook.sheetnames[1:]:
        ws = workbook[title]
        assert [ws.cell(row, 1).value for row in (1, 2, 3, 4)] == [
            title,
            "店名：丰田4S店",
            "月份：2026-11",
            MADE_AT,
        ]
    for ws in workbook.worksheets:  # printed at the top and foot of every page
        assert ws.oddHeader.left.text == "店名：丰田4S店"
        assert ws.oddHeader.center.text == "展厅来店(电)统计表 · 2026-11"
        assert ws.oddHeader.right.text == MADE_AT
        assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"  # Excel's page codes


def signatures(ws) -> list[str]:
    """The texts of the sheet's last row, left to right."""
    last = next(ws.iter_rows(min_row=ws.max_row, max_row=ws.max_row, values_only=True))
    return [value for value in last if value is not None]


SIGNED = ["制表：", "展厅主管：", "销售经理："]


def test_the_month_sheet_ends_with_the_signature_lines(november, tmp_path):
    path = statistics_sheet.export_month(2026, 11, tmp_path / "november.xlsx")
    month = load_workbook(path)["2026-11"]
    total_row = statistics_sheet.FIRST_DAY_ROW + 30  # after the 30 days of November
    assert month.cell(total_row, 1).value == "合计"
    # A blank row, the line saying what the rates divide by, a blank row, the signatures.
    assert month.cell(total_row + 2, 1).value.startswith("试驾率、报价率、订车率的分母")
    assert month.max_row == total_row + 4
    texts = signatures(month)
    assert [text.rstrip("_") for text in texts] == SIGNED
    assert all(text.endswith("_" * 10) for text in texts)  # a line to sign on


def test_the_contact_table_carries_the_same_header_and_signatures(november, tmp_path):
    settings.put(settings.STORE_NAME, "丰田&雷克萨斯")  # "&" starts a code in Excel's header
    path = tmp_path / "contacts.xlsx"
    f = contact_table.current_filter(OPERATOR, month=dt.date(2026, 11, 1))
    assert contact_export.export_month(path, f) == 2  # 张先生 (H) and 李女士 (A)
    sheet = load_workbook(path).active
    info = next(sheet.iter_rows(min_row=2, max_row=2, values_only=True))
    assert info[0] == "店名：丰田&雷克萨斯　月份：2026-11"
    assert info[-1] == MADE_AT  # the last column, right-aligned
    assert sheet.cell(2, len(info)).alignment.horizontal == "right"
    assert sheet.oddHeader.left.text == "店名：丰田&&雷克萨斯"  # shown as one "&"
    assert sheet.oddHeader.center.text == "意向客户接触状况表 · 2026-11"
    assert sheet.oddHeader.right.text == MADE_AT
    assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页"
    assert sheet.print_title_rows == "$3:$3"  # the header row on every page
    assert [text.rstrip("_") for text in signatures(sheet)] == SIGNED
    above = list(sheet.iter_rows(min_row=sheet.max_row - 2, values_only=True))
    assert above[0][0] == "上月留存 0（本月关闭：0）　本月新生 2　来电意向 0" and not any(
        above[1]
    )  # foot, blank, sign


def test_the_header_and_signatures_speak_english_when_asked(november, tmp_path):
    i18n.set_language("en")
    path = statistics_sheet.export_month(2026, 11, tmp_path / "november.xlsx")
    workbook = load_workbook(path)
    assert workbook.sheetnames[1:] == ["Traffic by hour", "By channel", "By model", "By consultant"]
    month = workbook["2026-11"]
    assert month.oddHeader.right.text == "Prepared 2026-11-25 10:30"
    assert month.oddFooter.center.text == "Page &P of &N"
    assert [text.rstrip("_") for text in signatures(month)] == [
        "Prepared by: ",
        "Showroom manager: ",
        "Sales manager: ",
    ]

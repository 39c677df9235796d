"""No live formula in an export: names typed by people come out of every file as text.

A customer named ``=HYPERLINK("http://x","y")``, a model ``@SUM(1)``, a consultant
``+cmd|' /C calc'!A0`` or a channel ``-2+3`` must be a text cell in the XLSX (read back with
openpyxl, and no ``<f>`` element in the sheet's XML) and carry the leading apostrophe in the
CSV, through the contact table (意向客户接触状况表) and the statistics (展厅来店(电)统计表).
The store keeps what was typed, and numbers the export writes itself stay numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile

import pytest
from openpyxl import load_workbook

from frontdesk.desk import registration
from frontdesk.followup import contact_export, contact_table
from frontdesk.people import team
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.stats import statistics_sheet
from frontdesk.store import codes
from frontdesk.store.models import Customer, Registration

HOSTILE = ('=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3")
PHONES = ("13800000001", "13800000002", "13800000003", "13800000004")


@pytest.fixture
def hostile_store(showroom):
    """Four walk-ins on 2026-11-20, each customer, model, channel and consultant named by
    one of the hostile texts (rotated, so every kind of name meets every text)."""
    codes.add(codes.MODEL, *HOSTILE)
    codes.add(codes.CHANNEL, *HOSTILE)
    for index, text in enumerate(HOSTILE):
        team.add_staff(text, "consultant", login=f"hostile{index}", by=OPERATOR)
    for index, phone in enumerate(PHONES):
        rotated = HOSTILE[index:] + HOSTILE[:index]
        registration.register(
            registration.RegistrationInput(
                kind="walkin",
                time_in=dt.datetime(2026, 11, 20, 10 + index),
                phone=phone,
                name=rotated[0],
                model=rotated[1],
                channel=rotated[2],
                consultant=f"hostile{HOSTILE.index(rotated[3])}",
                level="H",
            ),
            by=DESK,
        )
    return showroom


def sheet_xml(path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "".join(
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
        )


def assert_text_cells(path) -> list:
    """Every hostile text in the XLSX is a string cell holding exactly what was typed;
    returns the workbook's cells (all sheets) for more checks."""
    xml = sheet_xml(path)
    assert not re.search(r"<(\w+:)?f[\s>/]", xml), "a formula element in the sheet"
    workbook = load_workbook(path)
    cells = [cell for ws in workbook.worksheets for row in ws.iter_rows() for cell in row]
    for text in HOSTILE:
        found = [cell for cell in cells if cell.value == text]
        assert found, text
        for cell in found:
            assert cell.data_type == "s", (text, cell.coordinate, cell.data_type)
            assert cell.quotePrefix, (text, cell.coordinate)
    assert not [c for c in cells if c.data_type == "f"]
    return cells


def csv_cells(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_the_store_keeps_what_was_typed(hostile_store):
    assert sorted(c.name for c in Customer.select()) == sorted(HOSTILE)
    assert sorted(r.model for r in Registration.select()) == sorted(HOSTILE)


def test_the_contact_table_xlsx_has_text_cells_and_numbers(hostile_store, tmp_path):
    path = tmp_path / "contacts.xlsx"
    f = contact_table.current_filter(OPERATOR, month=dt.date(2026, 11, 1))
    assert contact_export.export_month(path, f) == 4
    cells = assert_text_cells(path)
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    names = {row[1] for row in rows[3:7]}
    models = {row[3] for row in rows[3:7]}
    consultants = {row[6] for row in rows[3:7]}
    assert names == models == consultants == set(HOSTILE)
    assert [row[0] for row in rows[3:7]] == [1, 2, 3, 4]  # the numbers stay numbers
    total = next(row for row in rows if row[1] == "合计")
    assert total[7] == 4 and isinstance(total[7], int)
    assert any(c.value == 4 and c.data_type == "n" for c in cells)


def test_the_contact_table_csv_neutralises_formula_cells(hostile_store, tmp_path):
    path = tmp_path / "contacts.csv"
    f = contact_table.current_filter(OPERATOR, month=dt.date(2026, 11, 1))
    assert contact_export.export_month(path, f) == 4
    rows = csv_cells(path)
    quoted = {"'" + text for text in HOSTILE}
    assert {row[1] for row in rows[3:7]} == quoted  # names
    assert {row[3] for row in rows[3:7]} == quoted  # models
    assert {row[6] for row in rows[3:7]} == quoted  # consultants
    assert [row[0] for row in rows[3:7]] == ["1", "2", "3", "4"]
    assert [row[7] for row in rows if len(row) > 7 and row[1] == "合计"] == ["4"]
    raw = [cell for row in rows for cell in row if cell.startswith(("=", "+", "-", "@"))]
    assert raw == []


def test_the_statistics_xlsx_has_text_cells_and_numbers(hostile_store, tmp_path):
    path = statistics_sheet.export_month(2026, 11, tmp_path / "stats.xlsx")
    assert_text_cells(path)
    workbook = load_workbook(path)
    month = workbook.worksheets[0]
    assert workbook.sheetnames[1:] == ["分时段客流", "按信息来源", "按意向车型", "按销售顾问"]

    def named_rows(title):  # under the header row: one per name, then the total
        rows = list(workbook[title].iter_rows(min_row=statistics_sheet.SPLIT_HEADER_ROW))
        return [tuple(cell.value for cell in row) for row in rows]

    for title, key in (("按信息来源", "信息来源"), ("按意向车型", "意向车型")):
        header, *named, total = named_rows(title)
        assert header[:3] == (key, "来店", "来电")
        assert {row[:3] for row in named} == {(text, 1, 0) for text in HOSTILE}
        assert total[:3] == ("合计", 4, 0)
    header, *named, total = named_rows("按销售顾问")
    assert header[:6] == ("销售顾问", "批次", "首次", "首次留档", "试驾", "订车")
    assert {row[:2] for row in named} == {(text, 1) for text in HOSTILE}
    day20 = statistics_sheet.FIRST_DAY_ROW + 19
    assert month.cell(day20, 3).value == 4 and month.cell(day20, 3).data_type == "n"


def test_the_statistics_csv_neutralises_formula_cells(hostile_store, tmp_path):
    path = statistics_sheet.export_month(2026, 11, tmp_path / "stats.csv")
    rows = csv_cells(path)
    assert rows[20][:3] == ["20", "五", "4"]  # the day's counts stay plain numbers
    titles = [index for index, row in enumerate(rows) if row == ["按信息来源"]]
    assert titles, "the splits follow the days"
    named = {row[0] for row in rows[titles[0] :] if len(row) > 1}
    assert {"'" + text for text in HOSTILE} <= named
    raw = [cell for row in rows for cell in row if cell.startswith(("=", "+", "-", "@"))]
    assert raw == []


@pytest.mark.parametrize("text", [*HOSTILE, "\tTAB", "\rCR"])
def test_a_csv_cell_that_would_run_gets_an_apostrophe(text):
    from frontdesk import safe_cells

    assert safe_cells.csv_row([text, 3, 0.5, None, "张三", "a=b"]) == [
        "'" + text,
        3,
        0.5,
        None,
        "张三",
        "a=b",
    ]

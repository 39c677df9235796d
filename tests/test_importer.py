"""Importing registrations from CSV and XLSX: same rules as the form, all or nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from frontdesk.desk import importer
from frontdesk.desk.importer import ImportFileError, import_file
from frontdesk.people.actor import DESK, OPERATOR
from frontdesk.store import codes
from frontdesk.store.models import AuditEntry, Customer, LevelChange, Registration
from tests import hostile_files
from tests.actors import as_member


def write_csv(path, lines: list[str], encoding: str = "utf-8") -> str:
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return str(path)


def write_xlsx(path, rows: list[list]) -> str:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return str(path)


def registrations() -> list[Registration]:
    return list(Registration.select().order_by(Registration.time_in))


@pytest.mark.both_engines  # the storing step: the rehearsal and the apply, on each engine
def test_csv_with_english_headers(showroom, tmp_path):
    path = write_csv(
        tmp_path / "log.csv",
        [
            "kind,time_in,time_out,phone,name,gender,party_size,model,colour,channel,level,"
            "consultant,test_drive,quote,order,notes",
            "walkin,2026-11-20 10:00,10:45,138 1234 5678,张三,m,2,凯美瑞,白色,网络,h,"
            "李娜,yes,1,no,看了两次",
            "phone,2026/11/20 11:30,,13912345678,李四,F,,km,,朋友介绍,,,0,true,N,",
            "walkin,2026-11-21 09:05,,,,,1,,,,,,,,,",
        ],
    )
    result = import_file(path, by=as_member(showroom["zhaomin"]))
    assert result == importer.ImportResult(imported=3)
    first, second, third = registrations()
    assert first.kind == "walkin"
    assert (first.time_in, first.time_out) == (
        dt.datetime(2026, 11, 20, 10, 0),
        dt.datetime(2026, 11, 20, 10, 45),
    )
    assert (first.phone, first.name, first.gender, first.party_size) == (
        "13812345678",
        "张三",
        "M",
        2,
    )
    assert (first.model, first.colour, first.channel, first.level) == (
        "凯美瑞",
        "白色",
        "网络",
        "H",
    )
    assert first.consultant.login == "lina"
    assert (first.test_drive, first.quote, first.ordered, first.notes) == (
        True,
        True,
        False,
        "看了两次",
    )
    assert first.registered_by.login == "zhaomin"
    assert second.kind == "phone" and second.time_in == dt.datetime(2026, 11, 20, 11, 30)
    assert second.model == "凯美瑞"  # pinyin initials, as on the form
    assert (second.test_drive, second.quote, second.ordered) == (False, True, False)
    assert third.phone is None and third.customer is None
    assert Customer.select().count() == 2


def test_csv_with_chinese_headers_and_bom(showroom, tmp_path):
    path = write_csv(
        tmp_path / "登记.csv",
        [
            "类别,来店时间,离店时间,电话,姓名,性别,人数,意向车型,信息来源,意向级别,接待顾问,试乘试驾,报价,订车,备注",
            "来店,2026-11-22 14:00,15:10,13812345678,王先生,男,3,汉兰达,路过,A,王磊,√,是,否,",
            "来电,2026-11-22 16:00,,13812345678,,,,汉兰达,,H,,,否,,再次咨询",
        ],
        encoding="utf-8-sig",
    )
    assert import_file(path, by=OPERATOR).imported == 2
    walkin, call = registrations()
    assert (walkin.kind, walkin.gender, walkin.party_size, walkin.level) == ("walkin", "M", 3, "A")
    assert walkin.consultant.login == "wanglei"
    assert (walkin.test_drive, walkin.quote, walkin.ordered) == (True, True, False)
    assert call.kind == "phone" and call.visit == "returning"
    assert call.customer_id == walkin.customer_id
    assert Customer.get_by_id(walkin.customer_id).level == "H"
    assert [(c.from_level, c.to_level) for c in LevelChange.select().order_by(LevelChange.id)] == [
        (None, "A"),
        ("A", "H"),
    ]


def test_short_chinese_headers_and_gb18030(showroom, tmp_path):
    path = write_csv(
        tmp_path / "excel.csv",
        ["类别,时间,车型,级别,顾问,电话", "来店,2026-11-23 10:00,卡罗拉,b,李娜,13612345678"],
        encoding="gb18030",
    )
    assert import_file(path, by=OPERATOR).imported == 1
    (row,) = registrations()
    assert (row.model, row.level, row.consultant.login) == ("卡罗拉", "B", "lina")


@pytest.mark.both_engines  # the storing step: the rehearsal and the apply, on each engine
def test_xlsx_with_chinese_headers_and_typed_cells(showroom, tmp_path):
    path = write_xlsx(
        tmp_path / "log.xlsx",
        [
            [
                "类别",
                "来店时间",
                "离店时间",
                "电话",
                "姓名",
                "人数",
                "试乘试驾",
                "订车",
                "意向级别",
            ],
            [
                "来店",
                dt.datetime(2026, 11, 24, 9, 30),
                dt.time(10, 15),
                13812345678,
                "赵六",
                2,
                1,
                0,
                "C",
            ],
            [
                "来店",
                dt.datetime(2026, 11, 24, 11, 0),
                dt.datetime(2026, 11, 24, 11, 40),
                None,
                None,
                4.0,
                None,
                None,
                None,
            ],
            [None, None, None, None, None, None, None, None, None],
            [
                "来电",
                dt.datetime(2026, 11, 24, 15, 0),
                None,
                "13812345678",
                None,
                None,
                "否",
                None,
                "无",
            ],
        ],
    )
    result = import_file(path, by=OPERATOR)
    assert result.ok and result.imported == 3
    first, second, third = registrations()
    assert first.time_out == dt.datetime(2026, 11, 24, 10, 15)
    assert first.phone == "13812345678" and first.party_size == 2 and first.test_drive
    assert second.party_size == 4 and second.phone is None
    assert third.kind == "phone" and third.level is None and third.visit == "returning"


def test_xlsx_with_english_headers(showroom, tmp_path):
    path = write_xlsx(
        tmp_path / "log.xlsx",
        [
            ["Kind", "Time In", "Phone", "Model", "Test Drive", "Order", "Level"],
            ["walkin", dt.datetime(2026, 11, 24, 10, 0), "13812345678", "RAV4荣放", "y", "y", "O"],
        ],
    )
    assert import_file(path, by=OPERATOR).imported == 1
    (row,) = registrations()
    assert (row.model, row.test_drive, row.ordered, row.level) == ("RAV4荣放", True, True, "O")


@pytest.mark.both_engines  # the storing step: the rehearsal and the apply, on each engine
def test_one_bad_row_stores_nothing(showroom, tmp_path):
    path = write_csv(
        tmp_path / "log.csv",
        [
            "类别,来店时间,电话,姓名,人数",
            "来店,2026-11-20 10:00,13812345678,张三,2",
            "来店,2026-11-20 10:30,13912345678,李四,1",
            "来店,2026-11-20 11:00,12345,王五,1",
            "来电,2026-11-20 11:30,13712345678,赵六,",
        ],
    )
    audit_before = AuditEntry.select().count()
    result = import_file(path, by=OPERATOR)
    assert result.imported == 0
    assert result.errors == [(4, "电话", "不是有效的电话号码")]
    assert Registration.select().count() == 0
    assert Customer.select().count() == 0
    assert LevelChange.select().count() == 0
    assert AuditEntry.select().count() == audit_before
    assert [s.rotation_order for s in showroom.values()] == [1, 2, 3, 4]


@pytest.mark.both_engines  # the storing step: the rehearsal and the apply, on each engine
def test_every_bad_row_and_field_is_reported(showroom, tmp_path):
    path = write_xlsx(
        tmp_path / "log.xlsx",
        [
            ["kind", "time_in", "time_out", "phone", "party_size", "level", "test_drive", "model"],
            ["walkin", "2026-11-20 10:00", "09:00", "13812345678", 1, "H", "yes", "凯美瑞"],
            ["visit", "2026-11-20 10:00", None, None, 0, "Z", "maybe", "思域"],
            ["walkin", None, None, None, 1, None, None, None],
            ["walkin", "2026-11-20 12:00", None, None, 1, None, None, None],
        ],
    )
    result = import_file(path, by=OPERATOR)
    assert result.imported == 0
    assert sorted((row, field) for row, field, _ in result.errors) == [
        (2, "time_out"),
        (3, "kind"),
        (3, "level"),
        (3, "model"),
        (3, "party_size"),
        (3, "test_drive"),
        (4, "time_in"),
    ]
    messages = {(row, field): message for row, field, message in result.errors}
    assert messages[(2, "time_out")] == "离店时间早于来店时间"
    assert messages[(3, "model")] == "不在车型表中：思域"
    assert messages[(3, "test_drive")].startswith("无法识别“maybe”")
    assert messages[(4, "time_in")] == "必填"
    assert Registration.select().count() == 0


@pytest.mark.both_engines  # the storing step: the rehearsal and the apply, on each engine
def test_rows_are_stored_in_order_of_time(showroom, tmp_path):
    path = write_csv(
        tmp_path / "log.csv",
        [
            "kind,time_in,phone",
            "walkin,2026-11-21 10:00,13812345678",
            "walkin,2026-11-20 10:00,13812345678",
        ],
    )
    assert import_file(path, by=OPERATOR).imported == 2
    first, second = registrations()
    assert (first.visit, second.visit) == ("first", "returning")
    assert first.id < second.id


def test_header_only_imports_nothing(showroom, tmp_path):
    path = write_csv(tmp_path / "log.csv", ["kind,time_in"])
    assert import_file(path, by=OPERATOR) == importer.ImportResult(imported=0)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("log.txt", "kind,time_in\n", "不支持的文件类型"),
        ("log.xls", "", "不支持的文件类型"),
        ("log.csv", "kind,time_in,mood\nwalkin,10:00,good\n", "无法识别的列名：mood"),
        ("log.csv", "kind,phone\nwalkin,13812345678\n", "缺少必需的列：time_in"),
        ("log.csv", "kind,时间,time_in\n", "两列表示同一项：时间 和 time_in"),
        ("log.csv", "\n\n", "是空的"),
        ("log.xlsx", "not a zip file", "无法读取文件"),
    ],
)
def test_unusable_files_are_refused_clearly(showroom, tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        import_file(path, by=OPERATOR)
    assert expected in str(caught.value)
    assert Registration.select().count() == 0


def test_missing_file(showroom, tmp_path):
    with pytest.raises(ImportFileError, match="找不到文件"):
        import_file(tmp_path / "nowhere.csv", by=OPERATOR)


def test_unknown_header_in_english(showroom, tmp_path):
    from frontdesk import i18n

    i18n.set_language("en")
    path = write_csv(tmp_path / "log.csv", ["kind,time_in,weather", "walkin,10:00,sunny"])
    with pytest.raises(ImportFileError, match="Unknown column headers: weather"):
        import_file(path, by=OPERATOR)


# ---------------------------------------------------------------- hostile files
# Each attack is built in tmp_path by tests.hostile_files. A bomb must be refused with a
# sentence before openpyxl parses anything (``never_parsed``), within a bounded memory.


@pytest.fixture
def never_parsed(monkeypatch):
    """Fail the test if openpyxl is asked to open the workbook."""
    import openpyxl

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl was asked to parse a file that should be refused first")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def refused(path) -> tuple[str, int]:
    """The sentence a file is refused with, and the peak Python memory of the attempt."""
    import tracemalloc

    tracemalloc.start()
    try:
        with pytest.raises(ImportFileError) as caught:
            import_file(path, by=OPERATOR)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert Registration.select().count() == 0
    message = str(caught.value)
    assert "Traceback" not in message and "Error" not in message
    return message, peak


BOMB_MEMORY = 200 * 2**20  # the bound the refusal must stay under (it uses ~1 MB)


BOMBS = [
    (hostile_files.declared_size_bomb, "解压后超过 48 MB"),
    (hostile_files.ratio_bomb, "倍，上限 100 倍）"),  # (the ratio itself depends on zlib)
    (hostile_files.dimension_bomb, "文件超过 20000 行"),
    (hostile_files.far_row_bomb, "文件超过 20000 行"),
    (hostile_files.many_rows, "文件超过 20000 行"),
    (hostile_files.wide_row, "第 1 行超过 256 个单元格"),
    (hostile_files.far_column, "表格用到了第 256 列以后的列"),
    (hostile_files.billion_laughs, "XML 实体定义"),
    (hostile_files.huge_cell, "超过 2000 个字符的单元格"),
]


@pytest.mark.parametrize(("build", "expected"), BOMBS, ids=[build.__name__ for build, _ in BOMBS])
def test_a_bomb_is_refused_before_parsing(showroom, tmp_path, never_parsed, build, expected):
    message, peak = refused(build(tmp_path))
    assert expected in message
    assert len(message) < 300
    assert peak < BOMB_MEMORY


def test_openpyxl_parses_with_defusedxml():
    """The second line of defence: were the scan to miss a DTD, openpyxl refuses it too."""
    import openpyxl
    from openpyxl.xml import functions

    assert openpyxl.DEFUSEDXML
    assert functions.iterparse.__module__.startswith("defusedxml")


def test_an_external_entity_never_reads_the_file(showroom, tmp_path, never_parsed):
    secret = tmp_path / "secret.txt"
    secret.write_text("PIN 8642", encoding="utf-8")
    message, _ = refused(hostile_files.xxe(tmp_path, secret))
    assert "XML 实体定义" in message and "8642" not in message
    assert Customer.select().count() == 0


def test_long_messages_are_capped_and_counted(showroom, tmp_path, run_import):
    path = hostile_files.long_cells(tmp_path, rows=1_000, chars=1_900)
    result = import_file(path, by=OPERATOR)
    assert result.imported == 0 and Registration.select().count() == 0
    assert result.error_count == 1_000
    assert len(result.errors) == importer.MAX_REPORTED_ERRORS
    assert [row for row, _, _ in result.errors] == list(range(2, 52))
    assert all(len(message) <= importer.MAX_MESSAGE_CHARS for _, _, message in result.errors)
    first = result.errors[0][2]
    assert first.startswith("无法识别“") and "…”：请填 是/否" in first
    lines = result.report_lines()
    assert lines[-1] == "……另有 950 处错误未列出"
    status, err = run_import(path)
    assert status == 1 and len(err) < 20_000
    assert err.splitlines()[0] == "导入失败，未保存任何数据：共 1000 处错误"
    assert err.splitlines()[-1] == "……另有 950 处错误未列出"


def test_unknown_headers_are_listed_briefly(showroom, tmp_path):
    header = ",".join(["kind", "time_in"] + [f"{n:03d}" + "列" * 1_900 for n in range(200)])
    message, _ = refused(write_csv(tmp_path / "log.csv", [header, "来店,10:00"]))
    assert message.startswith("无法识别的列名：000列列") and "等另外 190 个" in message
    assert len(message) < 1_000


@pytest.fixture
def run_import(showroom, capsys):
    """``frontdesk import FILE`` in this process, on the test's store: (status, stderr)."""
    from frontdesk.cli import desk

    def run(path):
        import argparse

        status = desk._import(argparse.Namespace(file=str(path)), OPERATOR)
        return status, capsys.readouterr().err

    return run


@pytest.mark.parametrize(
    "build", [hostile_files.big5_csv, hostile_files.undecodable_csv], ids=["big5", "undecodable"]
)
def test_a_csv_in_another_encoding_is_named_as_such(showroom, tmp_path, build):
    message, _ = refused(build(tmp_path))
    assert "不是 UTF-8 或 GB18030 编码" in message


def test_a_gb18030_csv_with_one_known_header_lists_the_unknown_ones(showroom, tmp_path):
    path = write_csv(tmp_path / "log.csv", ["类别,来店时间,心情", "来店,10:00,好"], "gb18030")
    message, _ = refused(path)
    assert "无法识别的列名：心情" in message


def test_a_csv_too_big_is_refused_before_reading(showroom, tmp_path, monkeypatch):
    from frontdesk.desk import import_reader

    path = tmp_path / "big.csv"
    with path.open("wb") as handle:
        handle.truncate(import_reader.MAX_FILE_BYTES + 1)  # a sparse file: nothing written
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the file was read"))
    message, _ = refused(path)
    assert "太大（10.1 MB，上限 10 MB）" in message


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["kind,time_in"] + ["来店,10:00"] * 20_000, "文件超过 20000 行"),
        (["kind,time_in", "来店,10:00," + "," * 300], "第 2 行超过 256 个单元格"),
        (["kind,time_in,notes", "来店,10:00," + "备" * 2_001], "第 2 行有超过 2000 个字符的单元格"),
        (
            ["kind,time_in,notes", "来店,10:00," + "x" * 200_000],
            "第 2 行有超过 2000 个字符的单元格",
        ),
    ],
    ids=["rows", "cells", "long-cell", "beyond-csv-limit"],
)
def test_csv_limits_say_the_limit(showroom, tmp_path, lines, expected):
    message, _ = refused(write_csv(tmp_path / "log.csv", lines))
    assert expected in message


def test_a_log_at_the_row_limit_is_read(showroom, tmp_path, monkeypatch):
    """The limit is lowered for the test (every bad row costs its validation: 20 000 took
    19 s) but kept above three reads of ``ROWS_PER_READ`` and the errors kept in memory,
    so the rows still cross every chunk and every pruning of the kept errors; a log one
    row over the real limit is refused in ``test_csv_limits_say_the_limit``."""
    from frontdesk.desk import import_reader, importer

    monkeypatch.setattr(import_reader, "MAX_ROWS", 1_201)
    assert import_reader.MAX_ROWS > 2 * importer.ROWS_PER_READ + 4 * importer.MAX_REPORTED_ERRORS
    lines = ["kind,time_in"] + ["来店,bad"] * (import_reader.MAX_ROWS - 1)
    result = import_file(write_csv(tmp_path / "log.csv", lines), by=OPERATOR)
    assert result.error_count == import_reader.MAX_ROWS - 1  # every row read, every row wrong


@pytest.mark.both_engines  # two imports on one connection: the second's copies anew
def test_formula_cells_are_stored_as_their_text(showroom, tmp_path):
    """A formula in an imported XLSX is its text, not the value Excel cached; a name
    ``=1+1`` in a CSV or typed at the desk stays ``=1+1``."""
    from frontdesk.desk import registration

    row = (
        '<row r="2">'
        + hostile_files.text_cell("A2", "来店")
        + hostile_files.text_cell("B2", "2026-11-20 10:00")
        + '<c r="C2"><f>1+1</f><v>2</v></c>'
        + '<c r="D2"><f t="array" ref="D2">SUM(1)</f><v>1</v></c>'
        + "</row>"
    )
    sheet = hostile_files.sheet_xml(hostile_files.header_row() + row)
    codes.add(codes.MODEL, "=SUM(1)")
    path = hostile_files.with_sheet(tmp_path / "formulas.xlsx", sheet)
    assert import_file(path, by=OPERATOR).imported == 1
    csv_path = write_csv(tmp_path / "log.csv", ["kind,time_in,name", "来店,2026-11-20 11:00,=1+1"])
    assert import_file(csv_path, by=OPERATOR).imported == 1
    registration.register(
        registration.RegistrationInput(
            kind="walkin", time_in=dt.datetime(2026, 11, 20, 12), name="=1+1"
        ),
        by=DESK,
    )
    assert [(r.name, r.model) for r in registrations()] == [
        ("=1+1", "=SUM(1)"),
        ("=1+1", ""),
        ("=1+1", ""),
    ]


def test_a_file_is_checked_with_the_lists_and_the_staff_read_once(showroom, tmp_path, monkeypatch):
    """Before any row is stored every row is checked as the form checks it, the model
    list and the consultants read once for the whole file (once a row, 3 000 rows took
    13.8 s under the profiler; 1.5 s once a file); the rows are then registered as the
    form registers them."""
    from frontdesk.store.models import database

    rows = [f"walkin,2026-11-2{n % 5} 10:{n:02d},1381234{n:04d},凯美瑞,李娜" for n in range(40)]
    path = write_csv(tmp_path / "log.csv", ["kind,time_in,phone,model,consultant", *rows])
    seen: list[str] = []
    execute = database.obj.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        seen.append(sql)
        return execute(sql, params, *args, **kwargs)

    real_register = importer.registration_service.register
    checked: list[int] = []

    def register(data, *, by):  # the check is over once the first row is registered
        checked.append(len(seen))
        return real_register(data, by=by)

    monkeypatch.setattr(database.obj, "execute_sql", counting)
    monkeypatch.setattr(importer.registration_service, "register", register)
    assert import_file(path, by=as_member(showroom["zhaomin"])).imported == 40
    before_storing = seen[: checked[0]]
    assert len([sql for sql in before_storing if '"code_item"' in sql]) == 1
    assert len([sql for sql in before_storing if 'FROM "staff"' in sql]) <= 3  # login, name

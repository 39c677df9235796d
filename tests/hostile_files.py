"""Hostile and broken files for the importer, built on the spot (nothing checked in).

Each builder writes one file into a folder and returns its path. The XLSX ones start from
a real workbook saved by openpyxl and swap its sheet (or its directory) for the attack,
so everything but the attack is what Excel would read.

``python -m tests.hostile_files`` imports each bomb in a fresh process and prints how long
the refusal took and the process's peak memory (its own start-up included, shown apart).
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
from pathlib import Path

from openpyxl import Workbook

from frontdesk.people.actor import OPERATOR

SHEET_PART = "xl/worksheets/sheet1.xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER = ("kind", "time_in", "name", "model")


def _base_workbook() -> bytes:
    workbook = Workbook()
    workbook.active.append(HEADER)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


STRINGS_PART = "xl/sharedStrings.xml"
STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
    b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
STRINGS_RELATION = (
    b'<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>'
)


def _with_parts(path: Path, sheet: bytes, strings: bytes | None = None, level: int = 6) -> Path:
    """The base workbook with its sheet replaced by ``sheet`` (deflated), and a shared
    strings table added when given (listed in the content types and the relations)."""
    source = zipfile.ZipFile(io.BytesIO(_base_workbook()))
    with source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == SHEET_PART:
                content = sheet
            elif strings and item.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", STRINGS_TYPE)
            elif strings and item.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(b"</Relationships>", STRINGS_RELATION)
            target.writestr(item.filename, content)
        if strings:
            target.writestr(STRINGS_PART, strings)
    return path


def sheet_xml(rows: str, prolog: str = "", dimension: str = "") -> bytes:
    dimension = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f'<worksheet xmlns="{MAIN_NS}">{dimension}<sheetData>{rows}</sheetData></worksheet>'
    ).encode()


def text_cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_row() -> str:
    cells = "".join(text_cell(f"{'ABCD'[index]}1", name) for index, name in enumerate(HEADER))
    return f'<row r="1">{cells}</row>'


def with_sheet(path: Path, xml: bytes, level: int = 6) -> Path:
    return _with_parts(path, xml, level=level)


# -- bombs: refused before anything is parsed --------------------------------------------------


def declared_size_bomb(folder: Path) -> Path:
    """A small real workbook whose zip directory claims the sheet unpacks to ~4 GB."""
    path = folder / "declared-4GB.xlsx"
    path.write_bytes(_base_workbook())
    data = bytearray(path.read_bytes())
    entry = data.find(b"PK\x01\x02")  # the central directory's entries, one by one
    while entry != -1:
        name_length = struct.unpack_from("<H", data, entry + 28)[0]
        if data[entry + 46 : entry + 46 + name_length] == SHEET_PART.encode():
            struct.pack_into("<I", data, entry + 24, 0xFFFF_FFF0)  # its uncompressed size
            path.write_bytes(bytes(data))
            return path
        entry = data.find(b"PK\x01\x02", entry + 4)
    raise AssertionError("no directory entry for the sheet")
    return path


def ratio_bomb(folder: Path, rows: int = 400_000) -> Path:
    """A sheet of the same walk-in row repeated: ~50 MB of XML in ~100 KB of zip."""
    row = '<row><c t="inlineStr"><is><t>来店</t></is></c><c><v>46351.4</v></c></row>'
    return with_sheet(folder / "ratio.xlsx", sheet_xml(header_row() + row * rows), level=9)


def dimension_bomb(folder: Path) -> Path:
    """A header and nothing else, but a dimension of a million rows by 16 columns (openpyxl
    would hand out every one of those empty rows)."""
    return with_sheet(folder / "dimension.xlsx", sheet_xml(header_row(), dimension="A1:P1000000"))


def far_row_bomb(folder: Path) -> Path:
    """No dimension; a header, then one cell in the sheet's last row (1 048 576)."""
    far = f'<row r="1048576">{text_cell("A1048576", "来店")}</row>'
    return with_sheet(folder / "far-row.xlsx", sheet_xml(header_row() + far))


def many_rows(folder: Path, rows: int = 30_000) -> Path:
    """More rows than the limit, each different (so it compresses like a real sheet)."""
    rng = random.Random(10)
    body = "".join(
        f'<row r="{n}">{text_cell(f"A{n}", "来店")}'
        f'<c r="B{n}"><v>{46000 + rng.random() * 400:.6f}</v></c>'
        f"{text_cell(f'C{n}', rng.getrandbits(64))}</row>"
        for n in range(2, rows + 2)
    )
    return with_sheet(folder / "many-rows.xlsx", sheet_xml(header_row() + body))


def wide_row(folder: Path, cells: int = 5_000) -> Path:
    """A header row of thousands of cells."""
    row = "<row>" + "<c><v>1</v></c>" * cells + "</row>"
    return with_sheet(folder / "wide-row.xlsx", sheet_xml(row))


def far_column(folder: Path) -> Path:
    """A header, and a cell in the sheet's last column (XFD)."""
    far = f'<row r="2">{text_cell("XFD2", "x")}</row>'
    return with_sheet(folder / "far-column.xlsx", sheet_xml(header_row() + far))


def billion_laughs(folder: Path) -> Path:
    """The classic entity bomb in the sheet's XML: ten levels of ten, 10⁹ "lol"s."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    )
    prolog = f"<!DOCTYPE worksheet [{entities}]>"
    rows = header_row() + f'<row r="2">{text_cell("A2", "&lol9;")}</row>'
    return with_sheet(folder / "billion-laughs.xlsx", sheet_xml(rows, prolog=prolog))


def xxe(folder: Path, secret: Path) -> Path:
    """An external entity pointing at a file on this machine, used as a customer's name."""
    prolog = f'<!DOCTYPE worksheet [<!ENTITY secret SYSTEM "{secret.as_uri()}">]>'
    row = (
        '<row r="2">'
        + text_cell("A2", "来店")
        + text_cell("B2", "2026-11-20 10:00")
        + text_cell("C2", "&secret;")
        + "</row>"
    )
    return with_sheet(folder / "xxe.xlsx", sheet_xml(header_row() + row, prolog=prolog))


def huge_cell(folder: Path, chars: int = 100_000, rows: int = 400) -> Path:
    """One shared string of 100 000 random characters (so it does not compress away) used
    as the model of 400 rows: the kind of file that wrote a 400 MB error message."""
    text = _random_text(random.Random(16), chars)
    strings = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="1" '
        f'uniqueCount="1"><si><t>{text}</t></si></sst>'
    ).encode()
    body = "".join(
        f'<row r="{n}">{text_cell(f"A{n}", "来店")}{text_cell(f"B{n}", "10:00")}'
        f'<c r="D{n}" t="s"><v>0</v></c></row>'
        for n in range(2, rows + 2)
    )
    return _with_parts(folder / "huge-cell.xlsx", sheet_xml(header_row() + body), strings)


def _random_text(rng: random.Random, chars: int) -> str:
    """Chinese characters at random (CJK unified ideographs)."""
    return "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(chars))


def long_cells(folder: Path, rows: int = 1_000, chars: int = 1_900) -> Path:
    """A thousand rows whose test drive (yes/no) is a text just under the cell limit
    (random, so that it compresses like real text): every row is refused with a message
    that quotes the cell."""
    rng = random.Random(17)
    header = text_cell("A1", "kind") + text_cell("B1", "time_in") + text_cell("C1", "试驾")
    body = "".join(
        f'<row r="{n}">{text_cell(f"A{n}", "来店")}{text_cell(f"B{n}", "10:00")}'
        f"{text_cell(f'C{n}', _random_text(rng, chars))}</row>"
        for n in range(2, rows + 2)
    )
    return with_sheet(folder / "long-cells.xlsx", sheet_xml(f'<row r="1">{header}</row>' + body))


# -- CSV ---------------------------------------------------------------------------------------


def big5_csv(folder: Path) -> Path:
    """A log saved by Excel on a traditional-Chinese Windows: Big5, which GB18030 decodes
    into other characters."""
    text = "類別,來店時間,電話,姓名\n來店,2026-11-20 10:00,13812345678,陳先生\n"
    path = folder / "big5.csv"
    path.write_bytes(text.encode("big5"))
    return path


def undecodable_csv(folder: Path) -> Path:
    """Bytes that are neither UTF-8 nor GB18030 (0xFF never starts a character in either)."""
    path = folder / "undecodable.csv"
    path.write_bytes(b"kind,time_in\n\xff\xfe\xff,10:00\n")
    return path


BOMBS = {
    "declared size 4 GB": declared_size_bomb,
    "ratio 400 000 repeated rows": ratio_bomb,
    "dimension A1:P1000000": dimension_bomb,
    "row 1 048 576": far_row_bomb,
    "30 000 rows": many_rows,
    "5 000 cells in a row": wide_row,
    "billion laughs": billion_laughs,
    "huge shared string ×400": huge_cell,
    "external entity (XXE)": lambda folder: xxe(folder, _secret(folder)),
}


def _secret(folder: Path) -> Path:
    secret = folder / "secret.txt"
    secret.write_text("PIN 8642")
    return secret


def _measure(path: str, store: str) -> None:
    """In a fresh process: import ``path`` into a new store; print seconds and peak RSS
    (the kernel's high-water mark of this process, VmHWM: ru_maxrss would include the
    parent's before the exec)."""
    import time

    import openpyxl  # noqa: F401  (the start-up figure includes what an import loads)

    from frontdesk import store as store_module
    from frontdesk.desk import importer

    store_module.open_store(store)
    before = _peak_megabytes()
    started = time.perf_counter()
    try:
        importer.import_file(path, by=OPERATOR)
        outcome = "imported"
    except importer.ImportFileError as error:
        outcome = str(error)
    elapsed = time.perf_counter() - started
    print(f"{elapsed:.3f}\t{before:.0f}\t{_peak_megabytes():.0f}\t{outcome}")


def _peak_megabytes() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc/self/status")


def main() -> None:
    import os
    import subprocess
    import sys
    import tempfile

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        print("bomb\tseconds\tstart-up MB\tpeak MB\tsize KB\tanswer")
        for number, (name, build) in enumerate(BOMBS.items()):
            path = build(folder)
            store = str(folder / f"store-{number}.db")
            code = f"from tests.hostile_files import _measure; _measure({str(path)!r}, {store!r})"
            result = subprocess.run(
                [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
            )
            seconds, start, peak, answer = result.stdout.strip().split("\t", 3)
            size = path.stat().st_size / 1024
            print(f"{name}\t{seconds}\t{start}\t{peak}\t{size:.0f}\t{answer[:70]}")


if __name__ == "__main__":
    main()

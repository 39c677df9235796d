"""Reading a registration log file (CSV or XLSX) into rows, safely (导入文件的安全读取).

A file from elsewhere may be broken or hostile: a few hundred kilobytes of XLSX can unpack
to gigabytes, declare a million rows, define XML entities that expand a billion-fold or
point at a file on the server (XXE), or hold one cell of megabytes. Everything a file could
use to make the reading take gigabytes or minutes is checked BEFORE it is parsed, and
refused with a sentence that says the limit:

- the size on disk (``MAX_FILE_BYTES``);
- XLSX: the zip's declared (uncompressed) sizes and compression ratios, from its
  directory alone; then one streaming pass of expat over every XML part that refuses any
  DTD (no entities, no external references) and counts rows — the sheet's dimension
  first — cells in a row and characters in a text. Only then does openpyxl read the
  sheet, and it parses with ``defusedxml`` too (installed with frontdesk);
- CSV: decoded as UTF-8 (with or without BOM) or GB18030, else refused; rows, cells in a
  row and characters in a cell are counted while reading.

A formula cell of an XLSX comes as its text (``=1+1``), never as a value computed by the
program that saved it: what the importer stores is what the sheet shows when edited.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from frontdesk.errors import FrontdeskError
from frontdesk.i18n import t

CSV_EXTENSIONS = (".csv",)
XLSX_EXTENSIONS = (".xlsx", ".xlsm")
UTF8, GB18030 = "utf-8-sig", "gb18030"

MB = 2**20
MAX_FILE_BYTES = 10 * MB  # on disk; a year of a busy showroom is about 1.5 MB of XLSX
MAX_ROWS = 20_000  # rows of a sheet, header included, as the spreadsheet numbers them
MAX_CELLS_PER_ROW = 256  # the log has 16 columns
MAX_COLUMNS = MAX_CELLS_PER_ROW  # an XLSX cell with content further right is refused
MAX_CELL_CHARS = 2_000  # the longest field (notes) takes 500
# XLSX only: what the zip may unpack to, per part and in all, and how much it may be
# compressed (real sheets: 5–15 times; a bomb of repeated cells: hundreds or a thousand).
MAX_PART_BYTES = 48 * MB  # a sheet of MAX_ROWS rows as openpyxl writes it is ~17 MB
MAX_OTHER_XML_BYTES = 8 * MB  # workbook, styles, relations: parsed whole, so kept small
MAX_UNPACKED_BYTES = 96 * MB
MAX_PARTS = 1_000
MAX_RATIO = 100
RATIO_FLOOR = MB  # smaller parts may be compressed any amount: they cannot hurt
MAX_SHARED_STRINGS = MAX_ROWS * 16
SCAN_CHUNK = 64 * 1024

_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)")
_DIMENSION_REF = re.compile(r"(?:[A-Z]{1,3})?(\d+)(?::([A-Z]{1,3})?(\d+))?")
_CONTENT = frozenset({"v", "is", "f"})  # children that give a cell content


class ImportFileError(FrontdeskError):
    """The file cannot be read as a registration log (missing, wrong type, bad header,
    too big, hostile)."""


@dataclass
class SheetRows:
    """The rows of a file, header first, cells as the file holds them; ``guessed`` is true
    when the text was decoded as GB18030 after UTF-8 failed (so garbled headers mean a
    third encoding, such as Big5)."""

    rows: list[list[object]] = field(default_factory=list)
    guessed: bool = False


def _megabytes(size: int) -> str:
    """Megabytes to one decimal, rounded up (so a file over the limit never shows as it)."""
    return f"{math.ceil(size * 10 / MB) / 10:.1f}"


def read_rows(path: str | Path) -> SheetRows:
    """The rows of a CSV or XLSX file, refused with a sentence when it is unusable."""
    path = Path(path).expanduser()
    suffix = path.suffix.lower()
    if suffix not in CSV_EXTENSIONS + XLSX_EXTENSIONS:
        raise ImportFileError(
            t("import.unsupported", ext=suffix or path.name, supported=".csv, .xlsx")
        )
    if not path.is_file():
        raise ImportFileError(t("import.not_found", path=path))
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ImportFileError(
            t(
                "import.too_big",
                path=path,
                size=_megabytes(size),
                limit=MAX_FILE_BYTES // MB,
            )
        )
    return _read_csv(path) if suffix in CSV_EXTENSIONS else _read_xlsx(path)


# -- CSV ------------------------------------------------------------------------------------


def _decode(path: Path, raw: bytes) -> tuple[str, bool]:
    for encoding in (UTF8, GB18030):
        try:
            return raw.decode(encoding), encoding == GB18030
        except UnicodeDecodeError:
            continue
    raise ImportFileError(t("import.encoding", path=path))


def _read_csv(path: Path) -> SheetRows:
    text, guessed = _decode(path, path.read_bytes())
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    if not first_line.count(delimiter):
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[object]] = []
    while True:
        number = len(rows) + 1
        try:
            row = next(reader, None)
        except csv.Error as error:
            # The csv module's own cap on a field (131 072 characters) is a long cell too.
            if "field larger than field limit" in str(error):
                raise _cell_too_long(number) from None
            raise ImportFileError(t("import.bad_csv", path=path, row=number)) from None
        if row is None:
            return SheetRows(rows, guessed)
        if number > MAX_ROWS:
            raise ImportFileError(t("import.too_many_rows", limit=MAX_ROWS))
        if len(row) > MAX_CELLS_PER_ROW:
            raise ImportFileError(t("import.too_many_cells", row=number, limit=MAX_CELLS_PER_ROW))
        if any(len(cell) > MAX_CELL_CHARS for cell in row):
            raise _cell_too_long(number)
        rows.append(list(row))  # the csv module's cells are text; a sheet's are any value


def _cell_too_long(row: int) -> ImportFileError:
    return ImportFileError(t("import.cell_too_long", row=row, limit=MAX_CELL_CHARS))


# -- XLSX: the zip's directory and one streaming pass over the XML, before openpyxl --------

_CONTENT_TYPES = "[Content_Types].xml"
SHEET, STRINGS, OTHER = "sheet", "strings", "other"
_KINDS = {  # content types of the parts that hold cells (openpyxl streams them)
    "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml": SHEET,
    "application/vnd.ms-excel.worksheet": SHEET,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml": STRINGS,
}


class _Refused(Exception):
    """Stops the scan; carries the sentence to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


class _PartScan:
    """The counts of one XML part, kept by expat's callbacks; refuses as soon as a limit
    is passed, so a bomb costs no more than the limit. Rows and cells are counted in every
    part (a sheet the content types do not list is still a sheet to openpyxl)."""

    def __init__(self, path: Path, kind: str):
        self.path = path
        self.kind = kind
        self.rows = self.row_number = self.cells = self.column = self.strings = 0
        self.text = 0
        self.last_row = 0  # the highest row number with content in it
        self.last_column = 0  # the highest column with content
        self.kinds: dict[str, str] = {}  # part name → kind, from the content types

    def doctype(self, *_args) -> None:
        raise _Refused(t("import.xml_entities", path=self.path))

    def start(self, name: str, attributes: dict[str, str]) -> None:
        name = name.rpartition(":")[2]
        self.text = 0
        if name == "row":
            self._row(attributes.get("r"))
        elif name == "c":
            self._cell(attributes.get("r"))
        elif name in _CONTENT:
            if self.column > MAX_COLUMNS:
                raise _Refused(t("import.too_many_columns", limit=MAX_COLUMNS))
            self.last_row = max(self.last_row, self.row_number)
            self.last_column = max(self.last_column, self.column)
        elif name == "dimension":
            self._dimension(attributes.get("ref", ""))
        elif name == "si" and self.kind == STRINGS:
            self.strings += 1
            if self.strings > MAX_SHARED_STRINGS:
                raise _Refused(t("import.too_many_rows", limit=MAX_ROWS))
        elif name == "Override" and attributes.get("ContentType") in _KINDS:
            part = attributes.get("PartName", "").lstrip("/")
            self.kinds[part] = _KINDS[attributes["ContentType"]]

    def _row(self, number: str | None) -> None:
        self.rows += 1
        self.row_number = int(number) if number and number.isdigit() else self.row_number + 1
        self.cells = self.column = 0
        if self.rows > MAX_ROWS or self.row_number > MAX_ROWS:
            raise _Refused(t("import.too_many_rows", limit=MAX_ROWS))

    def _cell(self, reference: str | None) -> None:
        self.cells += 1
        if self.cells > MAX_CELLS_PER_ROW:
            raise _Refused(t("import.too_many_cells", row=self.row_number, limit=MAX_CELLS_PER_ROW))
        match = _CELL_REF.fullmatch(reference or "")
        self.column = _column_number(match[1]) if match else self.column + 1

    def _dimension(self, reference: str) -> None:
        match = _DIMENSION_REF.fullmatch(reference)
        if match and int(match[3] or match[1]) > MAX_ROWS:
            raise _Refused(t("import.too_many_rows", limit=MAX_ROWS))

    def characters(self, data: str) -> None:
        self.text += len(data)
        if self.text > MAX_CELL_CHARS and self.kind != OTHER:
            raise _Refused(t("import.text_too_long", limit=MAX_CELL_CHARS))

    def end(self, _name: str) -> None:
        self.text = 0


def _scan(path: Path, archive: zipfile.ZipFile, name: str, kind: str) -> _PartScan:
    scan = _PartScan(path, kind)
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = scan.doctype  # no DTD: no entity, no external file
    parser.EntityDeclHandler = scan.doctype
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    parser.CharacterDataHandler = scan.characters
    parser.buffer_text = True
    with archive.open(name) as source:
        while chunk := source.read(SCAN_CHUNK):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return scan


def _is_xml(name: str) -> bool:
    return name.endswith((".xml", ".rels"))


def _check_sizes(path: Path, parts: list[zipfile.ZipInfo], kinds: dict[str, str]) -> None:
    """Refuse from the zip's directory alone: too many parts, a part or the whole declared
    too big (a part openpyxl reads whole must be small), or compressed like a bomb."""
    if len(parts) > MAX_PARTS:
        raise _Refused(t("import.not_xlsx", path=path))
    unpacked = 0
    for part in parts:
        streamed = kinds.get(part.filename, OTHER) != OTHER or not _is_xml(part.filename)
        limit = MAX_PART_BYTES if streamed else MAX_OTHER_XML_BYTES
        unpacked += part.file_size
        if part.file_size <= limit and unpacked > MAX_UNPACKED_BYTES:
            limit = MAX_UNPACKED_BYTES  # each part fits, but not all of them together
        if part.file_size > limit or unpacked > MAX_UNPACKED_BYTES:
            raise _Refused(t("import.unpacked_too_big", path=path, limit=limit // MB))
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise _Refused(t("import.ratio", path=path, ratio=f"{ratio:.0f}", limit=MAX_RATIO))


def _check_xlsx(path: Path) -> tuple[int, int]:
    """Check the file before openpyxl opens it; returns the last row and column with
    content (0, 0 for a sheet without any)."""
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
        names = {part.filename: part for part in parts}
        kinds: dict[str, str] = {}
        if _CONTENT_TYPES in names:
            _check_sizes(path, [names[_CONTENT_TYPES]], {})
            kinds = _scan(path, archive, _CONTENT_TYPES, OTHER).kinds
        _check_sizes(path, parts, kinds)
        scans = [
            _scan(path, archive, name, kinds.get(name, OTHER))
            for name in names
            if _is_xml(name) and name != _CONTENT_TYPES
        ]
    return (
        max((scan.last_row for scan in scans), default=0),
        max((scan.last_column for scan in scans), default=0),
    )


def _read_xlsx(path: Path) -> SheetRows:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    not_xlsx = ImportFileError(t("import.not_xlsx", path=path))
    try:
        last_row, last_column = _check_xlsx(path)
    except _Refused as refused:
        raise ImportFileError(refused.message) from None
    except (zipfile.BadZipFile, zlib.error, expat.ExpatError, EOFError, OSError, ValueError):
        raise not_xlsx from None
    except (NotImplementedError, RuntimeError):  # an unknown compression, a password
        raise not_xlsx from None
    if not last_row or not last_column:
        return SheetRows()
    try:
        workbook = load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        raise not_xlsx from None
    try:
        sheet = workbook.active
        if not isinstance(sheet, ReadOnlyWorksheet):  # no sheet at all, or a chart sheet
            raise not_xlsx
        sheet.reset_dimensions()  # the scan's counts, not the file's claim
        rows = sheet.iter_rows(max_row=last_row, max_col=last_column, values_only=True)
        return SheetRows([[_formula_text(value) for value in row] for row in rows])
    except (AttributeError, KeyError, IndexError, TypeError, ValueError, SyntaxError):
        raise not_xlsx from None  # (SyntaxError: ElementTree's ParseError)
    finally:
        workbook.close()


def _formula_text(value: object) -> object:
    """An array formula's text (``=1+1``); every other value as openpyxl gives it."""
    text = getattr(value, "text", None)
    return text if isinstance(text, str) else value

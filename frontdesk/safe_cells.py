"""Cells of an exported file that a spreadsheet shows as text and never runs (防公式注入).

A customer's name, a model, a channel or a consultant's name is typed by people; written as
it is, ``=HYPERLINK("http://x","y")`` or ``+cmd|' /C calc'!A0`` becomes a live formula
when the manager opens the XLSX or the CSV in Excel or WPS. Every exporter writes its cells
through this module:

- XLSX: text is always a string cell (never a formula, whatever it starts with), and a text
  that a spreadsheet would read as a formula also gets the quote prefix, Excel's own mark
  for "typed with a leading apostrophe", so editing the cell does not turn it live either;
- CSV: a text that starts with ``= + - @``, a tab or a carriage return gets a leading
  apostrophe, the usual neutraliser that spreadsheets hide when they show the cell.

Numbers, dates and empty cells the export computes itself pass unchanged, so counts and
rates stay numbers. The store keeps what was typed; only the files are neutralised.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeGuard

# What makes Excel, LibreOffice or WPS read a cell as a formula (or a DDE command).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_NEUTRALISER = "'"


def looks_like_formula(value: object) -> TypeGuard[str]:
    """A text a spreadsheet would evaluate if it came in as typed."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: object) -> object:
    """One CSV cell: a formula-like text with a leading apostrophe, anything else as is."""
    if looks_like_formula(value):
        return CSV_NEUTRALISER + value
    return value


def csv_row(cells: Iterable[object]) -> list[object]:
    """A CSV row with every cell made safe (give it to ``csv.writer.writerow``)."""
    return [csv_cell(value) for value in cells]


def set_text(cell, value: object):
    """Put ``value`` into an openpyxl cell; a text goes in as a string cell, never a formula.

    openpyxl turns any string that starts with ``=`` into a formula; the data type is set
    back to string after the value, so what was typed is what the cell shows.
    """
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if looks_like_formula(value):
            cell.quotePrefix = True
    return cell


def write_only_value(sheet, value: object):
    """A value for ``sheet.append`` in a write-only workbook: plain values stay plain (fast),
    a formula-like text becomes a string cell."""
    if not looks_like_formula(value):
        return value
    from openpyxl.cell import WriteOnlyCell

    return set_text(WriteOnlyCell(sheet), value)

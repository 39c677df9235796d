"""Importing a registration log kept elsewhere (a spreadsheet, another system) from a file.

A CSV (UTF-8, with or without BOM; GB18030 as Excel saves it on Chinese Windows) or XLSX
file, one row per registration, the header row first. Headers are accepted in English
(``time_in``) or Chinese (``来店时间``), as the field table (``frontdesk.desk.fields``)
names them, and each cell is read by its field's type. Every row goes through
``registration.register``, so the import follows the same rules as the form.

All or nothing, without holding the desk up. Every row is first checked as the form checks
it (``registration.clean``): if any is refused, nothing reaches the store and the rows'
errors are reported, with the row number as the spreadsheet shows it (the header is row
1): the first ``MAX_REPORTED_ERRORS`` of them, each at most ``MAX_MESSAGE_CHARS`` long,
then how many more there are. Otherwise the rows are stored in order of time in, at most
``PART_ROWS`` in one short write transaction: each part is registered first on private
copies of the rows it can touch (``desk.import_rehearsal``, ``store.shadow``), with no
write lock and nothing visible to anyone, then stored after checking under the lock that
no other save changed what the rehearsal read; if one did, the part rehearses again on
fresh copies (at most ``MAX_REHEARSALS`` times, then ``ImportBusy``). Between two parts
the store is what registering the file's rows up to there would have made it, and another
terminal's save there comes between those rows and the next part's. An import cut off
between parts (a crash, ``ImportBusy``) has stored its first parts whole: importing the
same file again stores only the rest (``desk.import_progress``). The same on
PostgreSQL, whose every write transaction takes the store's write lock: the rehearsal
takes none (its transactions are read only but for its own temporary tables), so no
desk's save waits for a long file, only for one part's short apply. Reading the
file — its limits, encodings and hostile content — is ``frontdesk.desk.import_reader``'s job.
Cells are data: a name ``=1+1`` is stored as ``=1+1`` (exports neutralise it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from frontdesk import clock, rules
from frontdesk.desk import import_progress, import_rehearsal
from frontdesk.desk import registration as registration_service
from frontdesk.desk.fields import FIELDS, FieldTable
from frontdesk.desk.fields import ValueType as Type
from frontdesk.desk.fields import labels as field_labels
from frontdesk.desk.import_reader import ImportFileError, SheetRows, read_rows
from frontdesk.desk.registration_input import KeptLookups
from frontdesk.errors import FrontdeskError, ValidationError
from frontdesk.i18n import t
from frontdesk.people import roles, team
from frontdesk.people.actor import Actor
from frontdesk.store.models import database
from frontdesk.store.shadow import Shadow

__all__ = ["ImportBusy", "ImportFileError", "ImportResult", "import_file", "read_rows"]

MAX_REPORTED_ERRORS = 50  # row errors kept and shown; the rest are counted
MAX_MESSAGE_CHARS = 200  # one row error's message, the cell's value included
MAX_SHOWN_CHARS = 40  # a cell's text quoted in a message
MAX_SHOWN_NAMES = 10  # unknown headers listed in a message
ELLIPSIS = "…"
MAX_REHEARSALS = 3  # rehearsals of one part that others' saves may make stale
ROWS_PER_READ = 500  # rows rehearsed in one read transaction
PART_ROWS = 2_500  # rows stored in one write transaction: the longest a desk's save waits

KIND_VALUES = {
    "walkin": "walkin",
    "walk-in": "walkin",
    "walk_in": "walkin",
    "walk in": "walkin",
    "来店": "walkin",
    "phone": "phone",
    "call": "phone",
    "来电": "phone",
}
TRUE_VALUES = {"1", "yes", "y", "true", "是", "√", "✓", "✔", "有"}
FALSE_VALUES = {"", "0", "no", "n", "false", "否", "×", "✗", "无", "空"}
NO_LEVEL_VALUES = {"无", "空"}


@dataclass
class ImportResult:
    """How many rows were stored, or (when any row was refused) why nothing was: the first
    ``MAX_REPORTED_ERRORS`` errors by row, and how many more there were."""

    imported: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, message)
    more_errors: int = 0
    resumed: int = 0  # rows an interrupted import of the same file had stored before

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.more_errors

    def report_lines(self) -> list[str]:
        """The errors as the user reads them, one a line, then "and N more"."""
        lines = [
            t("import.error_line", row=row, field=column, message=message)
            for row, column, message in self.errors
        ]
        if self.more_errors:
            lines.append(t("import.more_errors", count=self.more_errors))
        return lines


class ImportBusy(FrontdeskError):
    """Other saves kept changing the customers of the file while it was rehearsed: nothing
    was stored; the same import later succeeds."""


# The columns are the field table's (``frontdesk.desk.fields``): each field's headers,
# English or Chinese, compared case-insensitively ("_", "-" and spaces are interchangeable
# in English headers); a file must have the required ones.
def _header_key(text: str) -> str:
    key = " ".join(str(text).replace("\u3000", " ").split()).casefold()
    return key.replace("-", "_").replace(" ", "_")


def _header_lookup(fields: FieldTable) -> dict[str, str]:
    """Every header accepted, as compared, → the field it names."""
    return {_header_key(alias): entry.name for entry in fields for alias in entry.headers}


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def _shown(value: object) -> str:
    """A cell's text as a message quotes it: one line, at most ``MAX_SHOWN_CHARS``."""
    return _shortened(" ".join(_text(value).split()), MAX_SHOWN_CHARS)


def _names(names: list[str]) -> str:
    shown = "、".join(_shown(name) for name in names[:MAX_SHOWN_NAMES])
    if len(names) > MAX_SHOWN_NAMES:
        shown += " " + t("import.more_names", count=len(names) - MAX_SHOWN_NAMES)
    return shown


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _columns(
    sheet: SheetRows, header: list[object], path, fields: FieldTable
) -> dict[int, tuple[str, str]]:
    """Map each header cell's index to (field, header as written); refuse unknown ones.

    A file decoded as GB18030 whose headers match no known column is in some third
    encoding (Big5, say): say so, rather than list garbled headers as unknown."""
    lookup = _header_lookup(fields)
    columns: dict[int, tuple[str, str]] = {}
    unknown: list[str] = []
    seen: dict[str, str] = {}
    for index, cell in enumerate(header):
        if _blank(cell):
            continue
        written = str(cell).strip()
        column = lookup.get(_header_key(written))
        if column is None:
            unknown.append(written)
        elif column in seen:
            raise ImportFileError(
                t("import.duplicate_header", first=_shown(seen[column]), second=_shown(written))
            )
        else:
            seen[column] = written
            columns[index] = (column, written)
    if sheet.guessed and unknown and not seen:
        raise ImportFileError(t("import.encoding_headers", path=path, names=_names(unknown)))
    if unknown:
        known = ", ".join(f"{entry.headers[0]}/{entry.headers[1]}" for entry in fields)
        raise ImportFileError(t("import.unknown_header", names=_names(unknown), known=known))
    missing = [entry.headers[0] for entry in fields if entry.required and entry.name not in seen]
    if missing:
        raise ImportFileError(t("import.missing_header", names=", ".join(missing)))
    return columns


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _moment(value: object) -> dt.datetime | str:
    """A time cell as ``register`` takes it: a datetime, or text it parses."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return _text(value).replace("/", "-")


def _boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).casefold()
    if text in TRUE_VALUES:
        return True
    if text in FALSE_VALUES:
        return False
    raise ValueError(text)


def _to_input(
    cells: dict[str, object], fields: FieldTable = FIELDS
) -> tuple[registration_service.RegistrationInput, dict[str, str]]:
    """A row as the form's input, and the errors found before the form's own validation:
    each cell read by its field's type (a time, yes or no, a kind or level as written)."""
    errors: dict[str, str] = {}
    data = registration_service.RegistrationInput.with_fields(fields)
    for entry in fields:
        cell = cells.get(entry.name)
        if entry.type is Type.MOMENT:
            if not _blank(cell):
                setattr(data, entry.name, _moment(cell))
            elif entry.required:  # blank, the form would read it as now
                errors[entry.name] = t("error.required")
        elif entry.type is Type.YES_NO:
            try:
                setattr(data, entry.name, _boolean(cell))
            except ValueError:
                errors[entry.name] = t("import.bad_bool", value=_shown(cell))
        elif entry.type is Type.KIND:
            kind = _text(cell)
            setattr(data, entry.name, KIND_VALUES.get(kind.casefold(), kind))
        elif entry.type is Type.LEVEL:
            level = _text(cell)
            setattr(data, entry.name, "" if level in NO_LEVEL_VALUES else level)
        elif entry.type is Type.COUNT:
            setattr(data, entry.name, _text(cell) or entry.default)
        else:
            setattr(data, entry.name, _text(cell))
    return data, errors


def _sort_key(item: tuple[int, registration_service.RegistrationInput, dict]) -> tuple:
    """Rows are stored in order of time in, so first and returning visits come out right."""
    row_number, data, _ = item
    moment = data.time_in
    if isinstance(moment, str):
        try:
            moment = rules.parse_time_of_day(moment, clock.today())
        except ValueError:
            moment = None
    if isinstance(moment, dt.datetime):
        return (0, moment, row_number)
    return (1, dt.datetime.min, row_number)


def import_file(path: str | Path, *, by: Actor, fields: FieldTable = FIELDS) -> ImportResult:
    """Store every registration of a CSV or XLSX file, or none of them.

    Raises ImportFileError when the file itself cannot be used (missing, unsupported type,
    unknown or missing header). Row errors come back in the result, each under the
    header as the file writes it, and then nothing has been stored. ``fields``: the
    table the columns are read by (a copy with one more field, in a test).
    """
    sheet = read_rows(path)
    numbered = [(number, row) for number, row in enumerate(sheet.rows, start=1)]
    numbered = [(number, row) for number, row in numbered if not all(map(_blank, row))]
    if not numbered:
        raise ImportFileError(t("import.empty", path=path))
    (_, header), body = numbered[0], numbered[1:]
    columns = _columns(sheet, header, path, fields)
    by_column = {column: written for column, written in columns.values()}
    labels = field_labels((entry.name for entry in fields), fields=fields)

    def shown_column(name: str) -> str:
        """A entry as the report names it: its header as written, else its label."""
        return by_column.get(name) or labels.get(name, name)

    prepared = []
    for number, row in body:
        cells = {column: row[index] for index, (column, _) in columns.items() if index < len(row)}
        data, errors = _to_input(cells, fields)
        prepared.append((number, data, {shown_column(c): m for c, m in errors.items()}))
    prepared.sort(key=_sort_key)

    # Every row checked before any is stored: a file refused on its last row stores nothing.
    failures = _Failures()
    _check_rows(prepared, failures, shown_column, by)
    if failures.count:
        return failures.result()
    progress = import_progress.Progress.of_file(Path(path), prepared)
    stored = progress.stored_before()
    result = ImportResult(resumed=stored)
    # A file of one part needs no progress kept: its one transaction stores it all.
    mark = progress if len(prepared) > PART_ROWS else None
    for start in range(stored, len(prepared), PART_ROWS):
        part = prepared[start : start + PART_ROWS]
        try:
            result.imported += _store_part(part, start, mark, failures, shown_column, by)
        except ImportBusy as busy:
            if start == 0:
                raise
            raise ImportBusy(
                t("import.busy_part", tries=MAX_REHEARSALS, stored=start, total=len(prepared))
            ) from busy
        if failures.count:  # refused now, checked before: the store changed in between
            return failures.result(imported=result.imported, resumed=result.resumed)
    return result


def _store_part(prepared, start: int, progress, failures: _Failures, shown_column, by) -> int:
    """Store ``prepared`` (the file's rows from its ``start``-th on) in one short write
    transaction, after rehearsing them on private copies (again, each time another save
    made the rehearsal stale); the rows stored, or 0 and their errors in ``failures``.
    ``progress``: noted with the rows (an import of several parts), so that importing the
    file again after an interruption stores only the rest."""
    phones = {rules.normalise_phone(data.phone) for _, data, _ in prepared if data.phone}
    for _ in range(MAX_REHEARSALS):
        tables = import_rehearsal.copied_tables(
            database, all_customers=team.overdue_out_threshold() > 0
        )
        with Shadow(database, tables, scratch=import_rehearsal.SCRATCH) as shadow:
            with shadow.rehearsal():
                watched = import_rehearsal.copy(shadow, {p for p in phones if p})
            imported = 0
            # A read transaction at a time of a few hundred rows, not one for the part: a
            # reader's snapshot keeps the store's WAL from being checkpointed (every change
            # since the copy is still checked at the apply, whichever snapshot read it).
            for first in range(0, len(prepared), ROWS_PER_READ):
                with shadow.rehearsal():
                    chunk = prepared[first : first + ROWS_PER_READ]
                    # Registered as the form registers (here: on the private copies).
                    imported += _each_row(
                        chunk,
                        failures,
                        shown_column,
                        lambda data: registration_service.register(data, by=by),
                    )
            if failures.count:
                return 0
            if progress is not None:  # on the copies: stored with the part, or not at all
                with shadow.rehearsal():
                    progress.note(start + len(prepared), by)
            if shadow.apply(watched.unchanged):
                return imported
    raise ImportBusy(t("import.busy", tries=MAX_REHEARSALS))


def _check_rows(prepared, failures: _Failures, shown_column, by: Actor) -> None:
    """Each row as the form checks it (``registration.clean``), every refusal kept in
    ``failures``: what registering the rows would refuse, before any is stored."""
    roles.require(by, roles.REGISTRATION_CREATE)
    lookups = KeptLookups()  # the lists and the staff, read once for the whole file
    _each_row(
        prepared,
        failures,
        shown_column,
        lambda data: registration_service.clean(data, lookups=lookups),
    )


def _each_row(prepared, failures: _Failures, shown_column, action: Callable) -> int:
    """``action(data)`` on every row, in order; how many it took. Each refusal, with the
    row's own errors (its cells as read), is kept in ``failures``."""
    taken = 0
    for number, data, row_errors in prepared:
        try:
            action(data)
        except ValidationError as error:
            for name, message in error.errors.items():
                row_errors[shown_column(name)] = message
        for column, message in row_errors.items():
            failures.add(number, column, message)
        taken += not row_errors
    return taken


class _Failures:
    """The row errors of an import: the first ``MAX_REPORTED_ERRORS`` by row, and the
    count of all, in bounded memory however many rows fail."""

    def __init__(self) -> None:
        self.count = 0
        self._kept: list[tuple[int, str, str]] = []

    def add(self, row: int, column: str, message: str) -> None:
        self.count += 1
        self._kept.append((row, column, _shortened(message, MAX_MESSAGE_CHARS)))
        if len(self._kept) >= 4 * MAX_REPORTED_ERRORS:  # rows come in time order, not by row
            self._kept = self.first()

    def first(self) -> list[tuple[int, str, str]]:
        return sorted(self._kept)[:MAX_REPORTED_ERRORS]

    def result(self, **stored: int) -> ImportResult:
        """The import's result: these errors, and what ``stored`` says was stored."""
        first = self.first()
        return ImportResult(errors=first, more_errors=self.count - len(first), **stored)

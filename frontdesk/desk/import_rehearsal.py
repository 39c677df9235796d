"""What an import rehearses on, and what it checks before storing (``frontdesk.store.shadow``).

The importer registers every row through ``registration.register`` — the desk's own rules,
unchanged — on private copies of the rows a registration can touch: the customers of the
file's phone numbers, their registrations, level changes and intent cycles, the staff (the
up rotation) and the audit log's last entry (for its ids). Nothing is visible to anyone and
no write lock is held while it does, however long the file.

Under the write lock, before the short apply, ``Watched.unchanged`` asks whether any other
save since the copy changed what the rehearsal read; if so the import rehearses again on
fresh copies, so that the store ends as if that save had come before the import:

- a customer of the file's phones changed, or one created meanwhile with one of them;
- a registration, contact or level change added for one of them, or one of their
  registrations corrected (the audit log names every correction);
- the staff changed (names, roles, who is on duty), and — when a row took the head of
  the up rotation as its consultant — the rotation's order. The consultants the rows only
  sent to the end go there after those others sent (``Copied.running``);
- a setting (the follow-up intervals, the rotation's rule) or a code list (the models).

Saves of other customers do not matter: their rows only move the import's new ids up.
"""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.people import team
from frontdesk.store import dialect
from frontdesk.store.shadow import Copied, Shadow

_ENTITIES = {"customer": "customer", "registration": "registration"}
SCRATCH = ("import_phone", "import_touched")
ROTATION_COLUMN = "rotation_order"


def _of_the_file(db, *, by_index: bool = True) -> str:
    """The rows of the customers of the file's phones (as they were at the copy).

    ``by_index`` False: a condition no index answers (``+``), for a question about the few
    rows added since the copy, which their ids find: the customers' index would read every
    row of tens of thousands of customers, under the write lock."""
    column = '"customer_id"' if by_index else '+"customer_id"'
    return f'{column} IN (SELECT "id" FROM {dialect.temp_schema(db)}.import_touched)'


def _of_the_phones(db) -> str:
    return f'"phone" {dialect.in_temp_table_sql(db, "import_phone", "phone")}'


def copied_tables(db, all_customers: bool) -> list[Copied]:
    """The tables a registration writes, in the order their rows are stored. Every
    customer when the rotation counts overdue follow-ups (it reads them all). ``db``: the
    store (its engine's words)."""
    of_the_file = _of_the_file(db)
    return [
        Copied("customer", "" if all_customers else _of_the_phones(db)),
        Copied("registration", of_the_file, {"customer_id": "customer"}),
        Copied(
            "level_change",
            of_the_file,
            {"customer_id": "customer", "registration_id": "registration"},
        ),
        Copied("intent_cycle", of_the_file, {"customer_id": "customer"}, owner="customer_id"),
        Copied(
            "audit_entry", dialect.condition_sql(db, False), {"entity_id": ("entity", _ENTITIES)}
        ),
        Copied("staff", running=(ROTATION_COLUMN,)),
    ]


@dataclass
class Watched:
    """What the rehearsal read that another save could change (see the module)."""

    settings: list[tuple]
    codes: list[tuple]
    contact_mark: int
    proposals: int  # the thread's count of rotation heads asked for, at the copy

    @property
    def uses_rotation(self) -> bool:
        """Whether a row took the head of the up rotation as its consultant."""
        return team.proposals() > self.proposals

    def unchanged(self, shadow: Shadow) -> bool:
        """Under the write lock: whether the rehearsal still holds (nobody changed what it
        read since the copy)."""
        marks = shadow.marks
        ignored = () if self.uses_rotation else (ROTATION_COLUMN,)
        if shadow.changed_by_others("staff", ignored=ignored):
            return False
        if _small_tables(shadow) != (self.settings, self.codes):
            return False
        if shadow.changed_by_others("customer") or shadow.changed_by_others("intent_cycle"):
            return False
        main, temp, of_the_file = shadow.main, shadow.temp, _of_the_file(shadow.db)
        added_of_the_file = _of_the_file(shadow.db, by_index=False)
        questions = [
            (
                f'SELECT 1 FROM {main}."customer" WHERE "id" > ? AND {_of_the_phones(shadow.db)}',
                (marks["customer"],),
            ),
            (
                f'SELECT 1 FROM {main}."registration" WHERE "id" > ? AND {added_of_the_file}',
                (marks["registration"],),
            ),
            (
                f'SELECT 1 FROM {main}."level_change" WHERE "id" > ? AND {added_of_the_file}',
                (marks["level_change"],),
            ),
            (
                f'SELECT 1 FROM {main}."contact" WHERE "id" > ? AND {added_of_the_file}',
                (self.contact_mark,),
            ),
            # A correction of a registration of theirs, or one moved to one of them.
            (
                f'SELECT 1 FROM {main}."audit_entry" AS a WHERE a."id" > ?'
                " AND a.\"entity\" = 'registration' AND a.\"action\" != 'create'"
                f' AND (a."entity_id" IN (SELECT "id" FROM {temp}."before_registration")'
                f' OR a."entity_id" IN (SELECT "id" FROM {main}."registration"'
                f" WHERE {of_the_file}))",
                (marks["audit_entry"],),
            ),
        ]
        return not any(shadow.run(sql, args) for sql, args in questions)


def copy(shadow: Shadow, phones: set[str]) -> Watched:
    """Take the copies for a file with these phone numbers (inside the rehearsal)."""
    main, temp = shadow.main, shadow.temp
    shadow.run("CREATE TEMP TABLE import_phone (phone TEXT PRIMARY KEY)")
    shadow.run_many(f"INSERT INTO {temp}.import_phone VALUES (?)", [(p,) for p in sorted(phones)])
    shadow.run("CREATE TEMP TABLE import_touched (id INTEGER PRIMARY KEY)")
    shadow.run(
        f'INSERT INTO {temp}.import_touched SELECT "id" FROM {main}."customer"'
        f" WHERE {_of_the_phones(shadow.db)}"
    )
    settings, codes = _small_tables(shadow)
    contact_mark = shadow.value(f'SELECT MAX("id") FROM {main}."contact"') or 0
    shadow.copy()
    return Watched(settings, codes, contact_mark, team.proposals())


def _small_tables(shadow: Shadow) -> tuple[list[tuple], list[tuple]]:
    settings = shadow.run(f'SELECT * FROM {shadow.main}."setting" ORDER BY 1')
    codes = shadow.run(f'SELECT * FROM {shadow.main}."code_item" ORDER BY 1')
    return settings, codes

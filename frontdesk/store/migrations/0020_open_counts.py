# ruff: noqa: E501
"""The contact table's foot without reading every open intent customer: counts kept by the
store in the transaction of every change.

The foot of the month in progress (per level, 上月留存 / 本月新生, overdue, due today)
counts each open intent cycle whose customer has a level and a due date. Joined row by
row that is ~150 ms at 100 000 customers, and even one table's covering index takes
~13 ms a pass; so the store keeps the counts itself:

- ``intent_cycle.open_level`` / ``open_due`` / ``open_consultant_id``: while a cycle is
  open and its customer has a level and a due date, the customer's level, due date and
  consultant (0: none); else empty. Triggers on ``customer`` (level, due date, consultant
  changed; a customer deleted) and on ``intent_cycle`` (inserted; closed, reopened or
  moved to another customer) keep them, whichever program writes.
- ``open_by_met`` / ``open_by_due``: how many such cycles, by (consultant, level, month
  met face to face — ``YYYY-MM``, "" not met) and by (consultant, level, due date). A
  trigger on ``intent_cycle`` moves the count from the cycle's old figures to its new
  ones on every insert, update and delete, so the counts are always the sum over the
  rows; a count that reaches 0 is deleted.

No row is changed but the new columns filled; the counts start from the rows as they are.
It depends on no migration but 0008 (the cycles), so it applies in numeric order whatever
came between; frozen SQL, like every migration.
"""

from frontdesk.store import dialect

# The figures a cycle counts under, from its customer ``c`` (none when it does not count).
_FIGURES = """SELECT c."level", c."next_due", COALESCE(c."consultant_id", 0)
   FROM "customer" c
  WHERE c."id" = NEW."customer_id" AND NEW."closed_at" IS NULL
    AND c."level" IS NOT NULL AND c."next_due" IS NOT NULL"""
_SET_FIGURES = f"""UPDATE "intent_cycle" SET ("open_level", "open_due", "open_consultant_id") = ({_FIGURES})
  WHERE "id" = NEW."id";"""

_MET = "COALESCE(substr({row}.\"met_at\", 1, 7), '')"


def _counting(met: str, qualified: bool = False) -> tuple[str, str]:
    """The statements that add a cycle's figures to the counts (``NEW``) and take them
    away (``OLD``), with ``met`` the month met of ``{row}`` in the engine's words.
    ``qualified``: the count kept named with its table (PostgreSQL's upsert would not
    know it from the row proposed)."""
    by_met, by_due = ('"open_by_met".', '"open_by_due".') if qualified else ("", "")
    add = f"""INSERT INTO "open_by_met" ("consultant_id", "level", "met_month", "number")
  VALUES (NEW."open_consultant_id", NEW."open_level", {met.format(row="NEW")}, 1)
  ON CONFLICT ("consultant_id", "level", "met_month") DO UPDATE SET "number" = {by_met}"number" + 1;
INSERT INTO "open_by_due" ("consultant_id", "level", "next_due", "number")
  VALUES (NEW."open_consultant_id", NEW."open_level", NEW."open_due", 1)
  ON CONFLICT ("consultant_id", "level", "next_due") DO UPDATE SET "number" = {by_due}"number" + 1;"""
    met_key = f"""WHERE "consultant_id" = OLD."open_consultant_id" AND "level" = OLD."open_level"
    AND "met_month" = {met.format(row="OLD")}"""
    due_key = """WHERE "consultant_id" = OLD."open_consultant_id" AND "level" = OLD."open_level"
    AND "next_due" = OLD."open_due\""""
    take = f"""UPDATE "open_by_met" SET "number" = "number" - 1 {met_key};
DELETE FROM "open_by_met" {met_key} AND "number" = 0;
UPDATE "open_by_due" SET "number" = "number" - 1 {due_key};
DELETE FROM "open_by_due" {due_key} AND "number" = 0;"""
    return add, take


_ADD, _TAKE = _counting(_MET)
_CHANGED = """OLD."open_level" IS NOT NEW."open_level" OR OLD."open_due" IS NOT NEW."open_due"
    OR OLD."open_consultant_id" IS NOT NEW."open_consultant_id" OR OLD."met_at" IS NOT NEW."met_at\""""

_TABLES = [
    'ALTER TABLE "intent_cycle" ADD COLUMN "open_level" VARCHAR(255)',
    'ALTER TABLE "intent_cycle" ADD COLUMN "open_due" DATE',
    'ALTER TABLE "intent_cycle" ADD COLUMN "open_consultant_id" INTEGER',
    'CREATE TABLE "open_by_met" ("id" INTEGER NOT NULL PRIMARY KEY, "consultant_id" INTEGER NOT NULL, "level" VARCHAR(255) NOT NULL, "met_month" VARCHAR(255) NOT NULL, "number" INTEGER NOT NULL)',
    'CREATE UNIQUE INDEX "open_by_met_consultant_id_level_met_month" ON "open_by_met" ("consultant_id", "level", "met_month")',
    'CREATE TABLE "open_by_due" ("id" INTEGER NOT NULL PRIMARY KEY, "consultant_id" INTEGER NOT NULL, "level" VARCHAR(255) NOT NULL, "next_due" DATE NOT NULL, "number" INTEGER NOT NULL)',
    'CREATE UNIQUE INDEX "open_by_due_consultant_id_level_next_due" ON "open_by_due" ("consultant_id", "level", "next_due")',
]
# The rows as they are.
_FILLS = [
    """UPDATE "intent_cycle" SET ("open_level", "open_due", "open_consultant_id") = (
         SELECT c."level", c."next_due", COALESCE(c."consultant_id", 0) FROM "customer" c
          WHERE c."id" = "intent_cycle"."customer_id"
            AND c."level" IS NOT NULL AND c."next_due" IS NOT NULL)
        WHERE "closed_at" IS NULL""",
    f"""INSERT INTO "open_by_met" ("consultant_id", "level", "met_month", "number")
        SELECT "open_consultant_id", "open_level", {_MET.format(row='"intent_cycle"')}, COUNT(*)
          FROM "intent_cycle" WHERE "open_level" IS NOT NULL GROUP BY 1, 2, 3""",
    """INSERT INTO "open_by_due" ("consultant_id", "level", "next_due", "number")
        SELECT "open_consultant_id", "open_level", "open_due", COUNT(*)
          FROM "intent_cycle" WHERE "open_level" IS NOT NULL GROUP BY 1, 2, 3""",
]
_TRIGGERS = [
    # A cycle's figures follow its customer's (the inner updates set only the figures, so
    # they fire the counting triggers below and not these again).
    f"""CREATE TRIGGER "intent_cycle_figures_on_insert" AFTER INSERT ON "intent_cycle"
        WHEN NEW."closed_at" IS NULL OR NEW."open_level" IS NOT NULL
          OR NEW."open_due" IS NOT NULL OR NEW."open_consultant_id" IS NOT NULL
        BEGIN {_SET_FIGURES} END""",
    f"""CREATE TRIGGER "intent_cycle_figures_on_update" AFTER UPDATE OF "customer_id", "closed_at"
        ON "intent_cycle" BEGIN {_SET_FIGURES} END""",
    """CREATE TRIGGER "customer_figures_on_update" AFTER UPDATE OF "level", "next_due", "consultant_id"
        ON "customer"
        WHEN OLD."level" IS NOT NEW."level" OR OLD."next_due" IS NOT NEW."next_due"
          OR OLD."consultant_id" IS NOT NEW."consultant_id"
        BEGIN
          UPDATE "intent_cycle" SET ("open_level", "open_due", "open_consultant_id") = (
            SELECT NEW."level", NEW."next_due", COALESCE(NEW."consultant_id", 0)
             WHERE NEW."level" IS NOT NULL AND NEW."next_due" IS NOT NULL)
           WHERE "customer_id" = NEW."id" AND "closed_at" IS NULL;
        END""",
    """CREATE TRIGGER "customer_figures_on_delete" AFTER DELETE ON "customer"
        BEGIN
          UPDATE "intent_cycle" SET "open_level" = NULL, "open_due" = NULL, "open_consultant_id" = NULL
           WHERE "customer_id" = OLD."id" AND "open_level" IS NOT NULL;
        END""",
    # The counts follow the cycles' figures.
    f"""CREATE TRIGGER "open_counts_on_insert" AFTER INSERT ON "intent_cycle"
        WHEN NEW."open_level" IS NOT NULL BEGIN {_ADD} END""",
    f"""CREATE TRIGGER "open_counts_on_delete" AFTER DELETE ON "intent_cycle"
        WHEN OLD."open_level" IS NOT NULL BEGIN {_TAKE} END""",
    f"""CREATE TRIGGER "open_counts_take_on_update"
        AFTER UPDATE OF "open_level", "open_due", "open_consultant_id", "met_at" ON "intent_cycle"
        WHEN OLD."open_level" IS NOT NULL AND ({_CHANGED}) BEGIN {_TAKE} END""",
    f"""CREATE TRIGGER "open_counts_add_on_update"
        AFTER UPDATE OF "open_level", "open_due", "open_consultant_id", "met_at" ON "intent_cycle"
        WHEN NEW."open_level" IS NOT NULL AND ({_CHANGED}) BEGIN {_ADD} END""",
]


STATEMENTS = [*_TABLES, *_FILLS, *_TRIGGERS]

# PostgreSQL: the same figures and counts, in one function per job. A cycle's own figures
# are set before it is written (no second UPDATE of the row); a customer's deletion
# deletes their cycles (ON DELETE CASCADE), whose counts the delete takes.
_PG_FIGURES = """CREATE FUNCTION "intent_cycle_figures"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT c."level", c."next_due", COALESCE(c."consultant_id", 0)
    INTO NEW."open_level", NEW."open_due", NEW."open_consultant_id"
    FROM "customer" c
   WHERE c."id" = NEW."customer_id" AND NEW."closed_at" IS NULL
     AND c."level" IS NOT NULL AND c."next_due" IS NOT NULL;
  IF NOT FOUND THEN
    NEW."open_level" := NULL; NEW."open_due" := NULL; NEW."open_consultant_id" := NULL;
  END IF;
  RETURN NEW;
END $$"""
_PG_CUSTOMER = """CREATE FUNCTION "customer_figures"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "intent_cycle" SET ("open_level", "open_due", "open_consultant_id") = (
    SELECT NEW."level", NEW."next_due", COALESCE(NEW."consultant_id", 0)
     WHERE NEW."level" IS NOT NULL AND NEW."next_due" IS NOT NULL)
   WHERE "customer_id" = NEW."id" AND "closed_at" IS NULL;
  RETURN NULL;
END $$"""
_PG_MET = "COALESCE(to_char({row}.\"met_at\", 'YYYY-MM'), '')"
_PG_ADD, _PG_TAKE = _counting(_PG_MET, qualified=True)
_PG_CHANGED = """(OLD."open_level", OLD."open_due", OLD."open_consultant_id", OLD."met_at")
         IS DISTINCT FROM (NEW."open_level", NEW."open_due", NEW."open_consultant_id", NEW."met_at")"""
_PG_COUNTS = f"""CREATE FUNCTION "open_counts"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD."open_level" IS NOT NULL AND (TG_OP = 'DELETE' OR {_PG_CHANGED}) THEN
    {_PG_TAKE}
  END IF;
  IF TG_OP <> 'DELETE' AND NEW."open_level" IS NOT NULL AND (TG_OP = 'INSERT' OR {_PG_CHANGED}) THEN
    {_PG_ADD}
  END IF;
  RETURN NULL;
END $$"""
POSTGRES_TRIGGERS = [
    _PG_FIGURES,
    """CREATE TRIGGER "intent_cycle_figures_on_write" BEFORE INSERT OR UPDATE OF "customer_id", "closed_at"
        ON "intent_cycle" FOR EACH ROW EXECUTE FUNCTION "intent_cycle_figures"()""",
    _PG_CUSTOMER,
    """CREATE TRIGGER "customer_figures_on_update" AFTER UPDATE OF "level", "next_due", "consultant_id"
        ON "customer" FOR EACH ROW
        WHEN (OLD."level" IS DISTINCT FROM NEW."level" OR OLD."next_due" IS DISTINCT FROM NEW."next_due"
          OR OLD."consultant_id" IS DISTINCT FROM NEW."consultant_id")
        EXECUTE FUNCTION "customer_figures"()""",
    _PG_COUNTS,
    """CREATE TRIGGER "open_counts_on_write" AFTER INSERT OR UPDATE OR DELETE
        ON "intent_cycle" FOR EACH ROW EXECUTE FUNCTION "open_counts"()""",
]


def up(migrator, db):
    if dialect.is_postgres(db):  # a new store: no rows to count yet
        dialect.run(db, [*_TABLES, *POSTGRES_TRIGGERS])
    else:
        dialect.run(db, STATEMENTS)

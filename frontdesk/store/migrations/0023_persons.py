# ruff: noqa: E501
"""Staff across stores: a person (人员) once for the group, a membership (员工) per store.

- ``person`` (id, login unique, name, pin_hash, created_at): group-wide, no ``store_id``,
  no policy. The login and the desk PIN are the person's: one login (``--as``, the SSH
  user name) and one PIN for every store they work in.
- ``staff`` stays the store-owned row of a person's membership of one store: their role
  there, active, on duty, the rotation — and every other table's ``staff_id`` /
  ``consultant_id`` still names it. It gains ``person_id`` (unique per store: a person is
  on a store's staff once); its ``login`` and ``name`` are the person's, copied so that
  the store's lookups by either keep their index. ``pin_hash`` moves to the person.
- Every existing staff member becomes a person with one membership, the person's id the
  member's. A login met in more than one store (PostgreSQL; two different people, until
  an admin says otherwise) stays the first member's; each later one gets its staff id
  appended (``wanglei`` → ``wanglei7``), on the person and the member alike.
- PostgreSQL only: ``person_id`` references ``person``; the fill runs with the staff
  table's row-level security not forced, for the migrating owner to see every store's
  staff (the policies bind it otherwise: ``dialect.fills_old_rows``), then forced again.
  Every store-owned policy's USING (what a query sees, never WITH CHECK: what it may
  write) also shows every store's rows in a transaction that set
  ``frontdesk.group_read`` to ``on`` (``dialect.group_read``: read only, for a group
  manager's roll-up). ``person`` gets 0021's notice trigger.

Frozen SQL, like every migration.
"""

from frontdesk.store import dialect

TABLES = [
    "audit_entry",
    "close_application",
    "code_item",
    "contact",
    "customer",
    "day_close",
    "draft",
    "duty_period",
    "intent_cycle",
    "interval_change",
    "level_change",
    "open_by_due",
    "open_by_met",
    "pin_lockout",
    "registration",
    "report_signoff",
    "rotation_skip",
    "sales_target",
    "setting",
    "staff",
    "staff_key",
]

_PERSON = [
    'CREATE TABLE "person" ("id" INTEGER NOT NULL PRIMARY KEY, "login" VARCHAR(255) NOT NULL, "name" VARCHAR(255) NOT NULL, "pin_hash" VARCHAR(255), "created_at" DATETIME NOT NULL)',
    'CREATE UNIQUE INDEX "person_login" ON "person" ("login")',
    'ALTER TABLE "staff" ADD COLUMN "person_id" INTEGER NOT NULL DEFAULT 0',
]
_FILL = [
    """INSERT INTO "person" ("id", "login", "name", "pin_hash", "created_at")
  SELECT "s"."id",
         CASE WHEN EXISTS (SELECT 1 FROM "staff" AS "o" WHERE "o"."login" = "s"."login" AND "o"."id" < "s"."id")
              THEN "s"."login" || "s"."id" ELSE "s"."login" END,
         "s"."name", "s"."pin_hash", "s"."created_at"
    FROM "staff" AS "s\"""",
    """UPDATE "staff" SET "person_id" = "id", "login" = (SELECT "p"."login" FROM "person" AS "p" WHERE "p"."id" = "staff"."id")""",
]
_MEMBERSHIP = [
    'CREATE UNIQUE INDEX "staff_store_id_person_id" ON "staff" ("store_id", "person_id")',
    'ALTER TABLE "staff" DROP COLUMN "pin_hash"',
]

SETTING = "NULLIF(current_setting('frontdesk.store_id', true), '')::int"
GROUP_READ = "COALESCE(current_setting('frontdesk.group_read', true), '') = 'on'"
# A later migration's new store-owned table: as 0022's, with this migration's USING.
POSTGRES_STORE_OWNED = [
    'ALTER TABLE "{table}" ADD FOREIGN KEY ("store_id") REFERENCES "store" ("id")',
    """ALTER TABLE "{table}" ALTER COLUMN "store_id" SET DEFAULT current_setting('frontdesk.store_id')::int""",
    'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
    'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
    f'CREATE POLICY "{{table}}_store" ON "{{table}}" USING ("store_id" = {SETTING} OR {GROUP_READ}) WITH CHECK ("store_id" = {SETTING})',
]
_POLICY = (
    f'ALTER POLICY "{{table}}_store" ON "{{table}}" USING ("store_id" = {SETTING} OR {GROUP_READ})'
)
_POSTGRES = [
    """SELECT setval(pg_get_serial_sequence('"person"', 'id'), COALESCE((SELECT MAX("id") FROM "person"), 0) + 1, false)""",
    'ALTER TABLE "staff" ALTER COLUMN "person_id" DROP DEFAULT',
    'ALTER TABLE "staff" ADD FOREIGN KEY ("person_id") REFERENCES "person" ("id")',
    """CREATE TRIGGER "person_notify_change"
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "person"
    FOR EACH STATEMENT EXECUTE FUNCTION "frontdesk_notify_change"()""",
]


def up(migrator, db):
    postgres = dialect.is_postgres(db)
    dialect.run(db, _PERSON)
    if postgres:
        dialect.run(db, 'ALTER TABLE "staff" NO FORCE ROW LEVEL SECURITY')
    dialect.run(db, _FILL)
    if postgres:
        dialect.run(db, 'ALTER TABLE "staff" FORCE ROW LEVEL SECURITY')
    dialect.run(db, _MEMBERSHIP)
    if not postgres:
        return
    dialect.run(db, _POSTGRES)
    dialect.run(db, [_POLICY.format(table=table) for table in TABLES])

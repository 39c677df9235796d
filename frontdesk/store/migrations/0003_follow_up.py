# ruff: noqa: E501
"""Follow-up discipline (意向客户跟进): each customer's latest contact, next follow-up due,
and how an intent customer was closed (成交 deal / 战败 defeat / 失控 lost).

``last_contact`` and ``next_due`` are derived from the registrations and contacts, kept on
the customer (and indexed) so that the contact table pages through 100 000 open intent
customers in due order with an index walk. This migration fills them from the rows
already stored, with the intervals in the ``setting`` table or the seed's defaults
(O 7, H 2, A 3, B 7, C 14 days). Frozen SQL, like every migration.
"""

from frontdesk.store import dialect

COLUMNS = [
    'ALTER TABLE "customer" ADD COLUMN "last_contact" DATE',
    'ALTER TABLE "customer" ADD COLUMN "next_due" DATE',
    'ALTER TABLE "customer" ADD COLUMN "closed_at" DATETIME',
    'ALTER TABLE "customer" ADD COLUMN "closed_as" VARCHAR(255)',
    'ALTER TABLE "customer" ADD COLUMN "close_reason" TEXT NOT NULL DEFAULT \'\'',
    'ALTER TABLE "customer" ADD COLUMN "competitor" VARCHAR(255) NOT NULL DEFAULT \'\'',
    'CREATE INDEX "customer_next_due" ON "customer" ("next_due")',
    'CREATE INDEX "customer_consultant_id_next_due" ON "customer" ("consultant_id", "next_due")',
    'CREATE INDEX "customer_level_next_due" ON "customer" ("level", "next_due")',
    # The foot of the table (per level, carried over / new, overdue) from the index alone.
    'CREATE INDEX "customer_level_next_due_first_contact" ON "customer" ("level", "next_due", "first_contact")',
]

# The latest registration or contact, else the first contact, else the day on file.
LAST_CONTACT = """
UPDATE "customer" SET "last_contact" = COALESCE(
    (SELECT date(MAX("moment")) FROM (
        SELECT MAX(r."time_in") AS "moment" FROM "registration" r WHERE r."customer_id" = "customer"."id"
        UNION ALL
        SELECT MAX(c."at") FROM "contact" c WHERE c."customer_id" = "customer"."id")),
    "first_contact",
    date("created_at"))
"""

# An open intent customer (a level) is due at the date agreed at the latest contact, when
# no registration came after it, else at the last contact plus the level's interval.
NEXT_DUE = """
UPDATE "customer" SET "next_due" = CASE WHEN "level" IS NULL THEN NULL ELSE COALESCE(
    (SELECT c."next_date" FROM "contact" c
      WHERE c."customer_id" = "customer"."id"
        AND c."at" >= COALESCE(
            (SELECT MAX(r."time_in") FROM "registration" r WHERE r."customer_id" = "customer"."id"), '')
      ORDER BY c."at" DESC, c."id" DESC LIMIT 1),
    date("last_contact", '+' || COALESCE(
        (SELECT CAST(s."value" AS INTEGER) FROM "setting" s WHERE s."key" = 'follow_up_days.' || "level"),
        CASE "level" WHEN 'O' THEN 7 WHEN 'H' THEN 2 WHEN 'A' THEN 3 WHEN 'B' THEN 7 WHEN 'C' THEN 14 END
    ) || ' days')) END
"""


def up(migrator, db):
    dialect.run(db, COLUMNS)
    if dialect.fills_old_rows(db):
        dialect.run(db, [LAST_CONTACT, NEXT_DUE])

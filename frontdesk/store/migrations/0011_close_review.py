# ruff: noqa: E501
"""战败 / 失控 review: the applications to close a customer, and the reason of every close.

- ``close_application``: a consultant's application to close a customer as defeated or
  lost (or the store's, for a customer with no contact for the set number of days), and
  the manager's decision on it (``frontdesk.followup.close_review``). New: no row before.
- ``level_change.close_reason`` and ``level_change.competitor``: why each close happened
  and, for a defeat, the competitor bought, so that the loss analysis reads every close of
  a month and not only a customer's latest. Closes already stored take them from the audit
  entry of that close (the same customer, the same moment), else from the customer when
  it is their latest close, else none.

Only the new columns are filled; every row is kept. It needs only the intent cycles'
migration (0008) before it, so it applies in numeric order whatever came between.
Written as SQL so that it stays exactly what it was when it shipped.
"""

from frontdesk.store import dialect

STATEMENTS = [
    'CREATE TABLE "close_application" ("id" INTEGER NOT NULL PRIMARY KEY, "customer_id" INTEGER NOT NULL, "outcome" VARCHAR(255) NOT NULL, "reason" TEXT NOT NULL, "competitor" VARCHAR(255) NOT NULL, "level" VARCHAR(255), "consultant_id" INTEGER, "origin" VARCHAR(255) NOT NULL, "applied_by_id" INTEGER, "applied_at" DATETIME NOT NULL, "status" VARCHAR(255) NOT NULL, "decided_by_id" INTEGER, "decided_at" DATETIME, "note" TEXT NOT NULL, "close_id" INTEGER, FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE, FOREIGN KEY ("consultant_id") REFERENCES "staff" ("id") ON DELETE SET NULL, FOREIGN KEY ("applied_by_id") REFERENCES "staff" ("id") ON DELETE SET NULL, FOREIGN KEY ("decided_by_id") REFERENCES "staff" ("id") ON DELETE SET NULL, FOREIGN KEY ("close_id") REFERENCES "level_change" ("id") ON DELETE SET NULL)',
    'CREATE INDEX "close_application_applied_at" ON "close_application" ("applied_at")',
    'CREATE INDEX "close_application_close_id" ON "close_application" ("close_id")',
    'CREATE INDEX "close_application_status_applied_at" ON "close_application" ("status", "applied_at")',
    'CREATE INDEX "close_application_customer_id_status" ON "close_application" ("customer_id", "status")',
    """ALTER TABLE "level_change" ADD COLUMN "close_reason" TEXT NOT NULL DEFAULT ''""",
    """ALTER TABLE "level_change" ADD COLUMN "competitor" VARCHAR(255) NOT NULL DEFAULT ''""",
]

# What the audit log recorded with a close (only a valid JSON detail is read), else the
# customer's own when this close is their latest.
_AUDITED = """(SELECT CASE WHEN json_valid(a."detail") THEN json_extract(a."detail", '$.{key}') END
     FROM "audit_entry" a
    WHERE a."entity" = 'customer' AND a."action" = 'close'
      AND a."entity_id" = "level_change"."customer_id"
      AND CASE WHEN json_valid(a."detail") THEN json_extract(a."detail", '$.at') END
          = "level_change"."at"
    ORDER BY a."id" DESC LIMIT 1)"""
_LATEST = """(SELECT c."{column}" FROM "customer" c
    WHERE c."id" = "level_change"."customer_id" AND c."closed_at" = "level_change"."at")"""
FILL = f"""UPDATE "level_change" SET
    "close_reason" = COALESCE({_AUDITED.format(key="reason")},
                              {_LATEST.format(column="close_reason")}, ''),
    "competitor" = CASE WHEN "closed_as" = 'defeat' THEN
        COALESCE(NULLIF({_AUDITED.format(key="competitor")}, ''),
                 {_LATEST.format(column="competitor")}, '') ELSE '' END
 WHERE "to_level" IS NULL AND "contact_id" IS NULL AND "registration_id" IS NULL"""


def up(migrator, db):
    dialect.run(db, STATEMENTS)
    if dialect.fills_old_rows(db):
        dialect.run(db, FILL)

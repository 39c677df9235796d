# ruff: noqa: E501
"""The group's defaults (集团默认): settings and code lists set once for the group, used by
every store that has none of its own (``frontdesk.store.layers``).

- ``group_setting`` (key primary key, value): a setting's group default. Group-wide: no
  ``store_id``.
- ``group_code_item`` (id, kind, name, position, active; (kind, name) unique): the group's
  code lists, as a store's ``code_item`` without its store. It starts with the default
  information channels of 0002, so that a store added to a group's database (which has
  no list of its own) offers them; an SQLite file's one store keeps its own list, which
  0002 gave it, so nothing it shows changes.
- Every row of every table is kept: the two tables are new, nothing else is touched.
- PostgreSQL only: each gets 0021's notice trigger, and row-level security enabled and
  forced with two policies: ``<table>_read`` shows its rows to every connection (every
  store reads the group's defaults), ``<table>_write`` lets a row be changed, deleted or
  written only in a transaction that set ``frontdesk.group_write`` to ``on`` — which
  frontdesk does only for a group manager, after checking the right
  (``dialect.group_write``). Elsewhere an UPDATE or DELETE finds no row and an INSERT is
  refused.

Frozen SQL, like every migration.
"""

from frontdesk.store import dialect

CHANNELS = [
    "网络",
    "电视",
    "广播",
    "报纸杂志",
    "户外广告",
    "朋友介绍",
    "老客户",
    "车展/活动",
    "路过",
    "其他",
]

_TABLES = [
    'CREATE TABLE "group_setting" ("key" VARCHAR(255) NOT NULL PRIMARY KEY, "value" TEXT NOT NULL)',
    'CREATE TABLE "group_code_item" ("id" INTEGER NOT NULL PRIMARY KEY, "kind" VARCHAR(255) NOT NULL, "name" VARCHAR(255) NOT NULL, "position" INTEGER NOT NULL, "active" INTEGER NOT NULL)',
    'CREATE UNIQUE INDEX "group_code_item_kind_name" ON "group_code_item" ("kind", "name")',
]
_CHANNEL = """INSERT INTO "group_code_item" ("kind", "name", "position", "active") VALUES ('channel', ?, ?, 1)"""

GROUP_WRITE = "COALESCE(current_setting('frontdesk.group_write', true), '') = 'on'"
# A later migration's new table of the group's defaults gets the same.
POSTGRES_GROUP_DEFAULTS = [
    'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
    'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
    'CREATE POLICY "{table}_read" ON "{table}" FOR SELECT USING (true)',
    f'CREATE POLICY "{{table}}_write" ON "{{table}}" USING ({GROUP_WRITE}) WITH CHECK ({GROUP_WRITE})',
    """CREATE TRIGGER "{table}_notify_change"
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}"
    FOR EACH STATEMENT EXECUTE FUNCTION "frontdesk_notify_change"()""",
]


def up(migrator, db):
    dialect.run(db, _TABLES)
    for position, name in enumerate(CHANNELS, start=1):
        dialect.run(db, _CHANNEL, (name, position))
    if dialect.is_postgres(db):
        for table in ("group_setting", "group_code_item"):
            dialect.run(
                db, [statement.format(table=table) for statement in POSTGRES_GROUP_DEFAULTS]
            )

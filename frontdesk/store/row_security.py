"""Row-level security on a dealer group's PostgreSQL database: whom it binds, which tables
it guards.

Migration 0022 keeps each store's rows to itself whatever a query forgets: every
store-owned table (the models deriving from ``models.StoreOwned``) has row-level security
enabled and forced and the policy ``<table>_store``, which shows and takes only the rows
of the connection's ``frontdesk.store_id``. That holds only for a connection the policies
bind: a superuser or a role with ``BYPASSRLS`` sees every store's rows; the tables' owner
would too without FORCE. The questions here are asked by ``frontdesk doctor``, by
``copy-store`` (which refuses a role the policies do not bind) and by
``tests/test_store_isolation.py`` — one query each, for all of them. The group's defaults
(``models.GROUP_DEFAULT_TABLES``, 0024) are guarded the other way: every store reads them,
and only a group manager's transaction writes them.

PostgreSQL only: each function takes an open PostgreSQL database.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import Database

from frontdesk.store.models import GROUP_DEFAULT_TABLES, store_owned_models

# The policy's expressions, as PostgreSQL prints them back (``pg_get_expr``): its WITH
# CHECK (what a transaction may write) is 0022's ``"store_id" = NULLIF(current_setting(…),
# '')::int``, its own store alone; its USING (what it sees) also every store's rows in a
# group manager's read (0023's ``frontdesk.group_read``).
_STORE_SETTING = "(NULLIF(current_setting('frontdesk.store_id'::text, true), ''::text))::integer"
POLICY_CHECK = f"(store_id = {_STORE_SETTING})"
POLICY_USING = (
    f"((store_id = {_STORE_SETTING}) OR"
    " (COALESCE(current_setting('frontdesk.group_read'::text, true), ''::text) = 'on'::text))"
)

# The group's defaults (0024): read by every connection, written only in a transaction that
# set ``frontdesk.group_write`` (a group manager's, ``dialect.group_write``).
GROUP_WRITE = (
    "(COALESCE(current_setting('frontdesk.group_write'::text, true), ''::text) = 'on'::text)"
)


def expected_policies(table: str) -> tuple[str, ...]:
    """The policies (each "name:USING:WITH CHECK") a guarded table has: a store-owned
    table its store's (0022, 0023); a table of the group's defaults its two (0024)."""
    if table in GROUP_DEFAULT_TABLES:
        return (f"{table}_read:true:", f"{table}_write:{GROUP_WRITE}:{GROUP_WRITE}")
    return (f"{table}_store:{POLICY_USING}:{POLICY_CHECK}",)


_TABLES = """
SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
       EXISTS (SELECT 1 FROM information_schema.columns col
                WHERE col.table_schema = 'public' AND col.table_name = c.relname
                  AND col.column_name = 'store_id'),
       (SELECT array_agg(p.polname || ':' || COALESCE(pg_get_expr(p.polqual, p.polrelid), '')
                         || ':' || COALESCE(pg_get_expr(p.polwithcheck, p.polrelid), '')
                         ORDER BY p.polname)
          FROM pg_policy p WHERE p.polrelid = c.oid),
       pg_has_role(current_user, c.relowner, 'USAGE')
  FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
 WHERE ns.nspname = 'public' AND c.relkind = 'r'
 ORDER BY 1
"""


@dataclass(frozen=True)
class TableSecurity:
    """One table of the store's schema, as the server keeps it."""

    name: str
    enabled: bool  # ROW LEVEL SECURITY enabled
    forced: bool  # … and forced: its owner bound too
    has_store: bool  # a column store_id
    policies: tuple[str, ...]  # each "name:USING:WITH CHECK"
    owned: bool  # the connected role owns it (or has its owner's rights)

    @property
    def guarded(self) -> bool:
        """Enabled, forced, and its policies alone, as the migrations wrote them
        (``expected_policies``)."""
        return self.enabled and self.forced and self.policies == expected_policies(self.name)


def tables(db: Database) -> list[TableSecurity]:
    """Every table of the schema, by name."""
    rows = db.execute_sql(_TABLES).fetchall()
    return [
        TableSecurity(name, bool(on), bool(forced), bool(store), tuple(policies or ()), bool(own))
        for name, on, forced, store, policies, own in rows
    ]


def store_owned_tables() -> list[str]:
    """The tables whose every row is one store's (``StoreOwned``), by name."""
    return sorted(model._meta.table_name for model in store_owned_models())


def unguarded(db: Database) -> list[str]:
    """The store-owned tables that row-level security does not keep to their store, and
    the tables of the group's defaults it does not keep from a store's writes: not
    enabled, not forced, or without their policies (or missing altogether)."""
    guarded = {table.name for table in tables(db) if table.guarded}
    names = [*store_owned_tables(), *GROUP_DEFAULT_TABLES]
    return [name for name in names if name not in guarded]


def owned(db: Database) -> list[str]:
    """The schema's tables that the connected role owns (a superuser owns them all)."""
    return [table.name for table in tables(db) if table.owned]


def bypassing_role(db: Database) -> str | None:
    """The connected role's name when row-level security does not bind it (a superuser,
    or a role with BYPASSRLS); None when it does."""
    row = db.execute_sql(
        "SELECT current_user, rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"
    ).fetchone()
    return str(row[0]) if row and row[1] else None


def current_role(db: Database) -> str:
    return str(db.execute_sql("SELECT current_user").fetchone()[0])

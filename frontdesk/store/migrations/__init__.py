"""Schema migrations, applied in numeric order by ``playhouse.migrations``.

Each file is frozen once released: a later change of the schema is a new file, never an
edit, so that a store made by any version opens without loss in every later one. Their SQL
is SQLite's; ``frontdesk.store.dialect`` gives PostgreSQL the same in its words.
"""

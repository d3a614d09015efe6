"""Alembic's environment for docgen: runs on the connection `docgen.store.migrate` hands over.

`migrate` opens the transaction (BEGIN IMMEDIATE with foreign keys off on SQLite, an advisory
lock on PostgreSQL), so all the revisions of one upgrade commit together or not at all.
Imported outside an Alembic run (a scan of docgen's modules) it does nothing.
"""

from __future__ import annotations

from alembic import context

from docgen.store.models import Base


def run(config) -> None:
    connection = config.attributes.get("connection")
    if context.is_offline_mode() or connection is None:
        raise SystemExit("run migrations through docgen: `docgen db upgrade`, or "
                         "`python -m docgen.store.migrations revision MESSAGE` for a revision")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite alters most things by copying the table: batch mode writes that for us.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()


# Alembic sets `context.config` only while it runs this file.
if getattr(context, "config", None) is not None:
    run(context.config)

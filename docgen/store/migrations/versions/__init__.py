"""The revisions, one module each, oldest first (Alembic ignores this file)."""

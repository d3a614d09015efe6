"""Alembic migration scripts of the docgen schema, shipped in the package (see README.md)."""

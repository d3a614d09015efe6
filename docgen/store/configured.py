"""The Store the service and the command line use, as docgen.settings configures it
(the settings module stays a leaf: the store imports the policy, which reads a setting)."""

from __future__ import annotations

from .. import settings
from .engine import Store


def open_store() -> Store:
    """The configured Store (`DOCGEN_DATABASE_URL`, else the instance folder's SQLite file)
    with its schema created (no sample data loaded)."""
    store = Store(settings.database_url(), instance_path=settings.instance_path())
    store.create_schema()
    return store

"""The Store the service and the command line use, as docgen.settings configures it
(the settings module stays a leaf: the store imports the policy, which reads a setting)."""

from __future__ import annotations

from .. import settings
from ..errors import UserError
from .engine import DB_FILE, Store


def open_store() -> Store:
    """The configured Store (`DOCGEN_DATABASE_URL`, else the instance folder's SQLite file)
    with its schema created (no sample data loaded)."""
    store = Store(settings.database_url(), instance_path=settings.instance_path())
    store.create_schema()
    return store


def existing_store() -> Store:
    """The configured Store as it is (nothing created or upgraded); UserError when its SQLite
    file is missing: a mistyped DOCGEN_INSTANCE must not leave an empty database behind."""
    url = settings.database_url()
    if url is None:
        path = settings.instance_path() / DB_FILE
        if not path.is_file():
            raise UserError(f"Chưa có cơ sở dữ liệu «{path}» (sai DOCGEN_INSTANCE? docgen "
                            "serve hoặc docgen db upgrade tạo mới)")
    return Store(url, instance_path=settings.instance_path())

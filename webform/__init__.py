"""The web form (Flask): bodies, units, the year's assessment, documents and the register.

`create_app(test_config=None)` builds the app; views stay thin and call `docgen` functions.
The database is SQLite in the instance folder unless `DOCGEN_DATABASE_URL` says otherwise.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError, CSRFProtect

MAX_UPLOAD_MB = 10

csrf = CSRFProtect()


def create_app(test_config: dict | None = None) -> Flask:
    """The application; `test_config` overrides settings (tests pass INSTANCE_PATH, SEED…)."""
    instance = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("DOCGEN_INSTANCE")
    app = Flask(__name__, instance_path=str(Path(instance).resolve()) if instance else None,
                instance_relative_config=True)
    app.config.from_mapping(
        MAX_CONTENT_LENGTH=MAX_UPLOAD_MB * 1024 * 1024,
        DATABASE_URL=os.environ.get("DOCGEN_DATABASE_URL"),
        SEED=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
    )
    if test_config:
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["SECRET_KEY"] = app.config.get("SECRET_KEY") or \
        os.environ.get("DOCGEN_SECRET_KEY") or _instance_secret(Path(app.instance_path))
    csrf.init_app(app)

    from docgen.store import Store
    store = Store(app.config["DATABASE_URL"], instance_path=app.instance_path)
    store.create_schema()
    if app.config["SEED"]:
        store.seed_sample_if_empty()
    app.extensions["docgen_store"] = store

    from .views import assessments, batch, bodies, documents, home, register, units
    for module in (home, bodies, units, assessments, documents, register, batch):
        app.register_blueprint(module.bp)
    _error_pages(app)
    return app


def _instance_secret(folder: Path) -> str:
    """A random secret kept in the instance folder, created on first run (mode 0600)."""
    path = folder / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def _error_pages(app: Flask) -> None:
    def page(status: int, title: str, message: str):
        return render_template("error.html", title=title, message=message), status

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return page(400, "Phiên làm việc đã hết hạn",
                    "Biểu mẫu thiếu hoặc sai mã bảo vệ (CSRF). Hãy tải lại trang rồi gửi lại.")

    @app.errorhandler(413)
    def too_large(exc):
        return page(413, "Tệp quá lớn",
                    f"Tệp tải lên vượt quá giới hạn {MAX_UPLOAD_MB} MB. Hãy chia nhỏ danh sách.")

    @app.errorhandler(404)
    def not_found(exc):
        return page(404, "Không tìm thấy", "Trang hoặc văn bản này không tồn tại.")

    @app.errorhandler(405)
    def not_allowed(exc):
        return page(405, "Thao tác không hợp lệ", "Trang này không nhận thao tác vừa gửi.")

    @app.errorhandler(500)
    def server_error(exc):
        return page(500, "Lỗi hệ thống",
                    "Đã có lỗi ngoài dự kiến; dữ liệu chưa được ghi. Hãy thử lại hoặc báo quản trị.")

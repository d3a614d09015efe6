"""The web form (Flask): bodies, units, the year's assessment, documents and the register.

`create_app(test_config=None)` builds the app; views stay thin and call `docgen` functions.
The database is SQLite in the instance folder unless `DOCGEN_DATABASE_URL` says otherwise.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

MAX_UPLOAD_MB = 10


def create_app(test_config: dict | None = None) -> Flask:
    """The application; `test_config` overrides settings (tests pass INSTANCE_PATH, SEED…)."""
    # Flask is imported here, not with the package: `docgen --help` loads `webform.cli`.
    from flask import Flask
    from flask_wtf.csrf import CSRFProtect

    from docgen import settings
    instance = (test_config or {}).get("INSTANCE_PATH")
    app = Flask(__name__, instance_relative_config=True,
                instance_path=str(Path(instance).resolve() if instance
                                  else settings.instance_path()))
    app.config.from_mapping(
        MAX_CONTENT_LENGTH=MAX_UPLOAD_MB * 1024 * 1024,
        DATABASE_URL=settings.database_url(),
        SEED=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=8 * 3600,
        # The cookie is written only when the session changes. Refreshing it on every response
        # let a slow read (a preview image, a download) that started before a form was sent
        # put back the older cookie and drop the form's message; the 8-hour and idle limits
        # are kept on the server (docgen.store.signins), not by the cookie's expiry.
        SESSION_REFRESH_EACH_REQUEST=False,
        ADMIN_PASSWORD=settings.ADMIN_PASSWORD.value(),
        WTF_CSRF_TIME_LIMIT=None,
        PROXIES=settings.PROXIES.value() or "0",
        JOB_WORKERS=1,  # worker threads started here with the first job; 0: other processes
        JOB_STALE=None,  # seconds without a heartbeat before a job's worker counts as dead
        JOB_WAIT=None,  # seconds a page waits for a PDF or preview job; None: DOCGEN_JOB_WAIT
        BROKER=None,  # None: DOCGEN_BROKER, else the SQLite queue in the instance folder
    )
    if test_config:
        app.config.update(test_config)
    _behind_proxies(app)
    from docgen.store.startup import private_folder
    private_folder(Path(app.instance_path))
    private_folder(Path(app.instance_path) / "tmp", tighten=True)  # the owner's only (0700)
    from .views.uploads import remove_old_folders
    remove_old_folders(Path(app.instance_path))
    app.config["SECRET_KEY"] = app.config.get("SECRET_KEY") or \
        settings.SECRET_KEY.value() or _instance_secret(Path(app.instance_path))
    CSRFProtect(app)
    from docgen.privacy import MaskingFilter
    app.logger.addFilter(MaskingFilter())  # an error logged with a row's values: numbers masked

    from docgen.store import Store
    store = Store(app.config["DATABASE_URL"], instance_path=app.instance_path)
    # Start-up check: a damaged SQLite file or a schema older or newer than the code raises
    # (UserError): the app never starts half-working.
    store.create_schema()
    if app.config["SEED"]:
        store.seed_sample_if_empty()
    _first_admin(app, store)
    app.extensions["docgen_store"] = store
    from docgen.jobs import Queue
    # The instance folder may be shared by several processes: each works in a folder of its
    # own under tmp/, and only the folders of processes that are gone are swept.
    queue = Queue(store, app.instance_path, broker=app.config["BROKER"],
                  stale=app.config["JOB_STALE"], autostart=app.config["JOB_WORKERS"])
    queue.folders.sweep()
    app.extensions["docgen_jobs"] = queue

    from .views import IdConverter
    app.url_map.converters["int"] = IdConverter  # an id beyond the database's answers 404
    from .views import (assessments, auth, batch, bodies, documents, home, households,
                        own_templates, register, register_export, signing, signing_images,
                        units)
    for module in (auth, home, bodies, units, assessments, documents, register, register_export,
                   batch, households, own_templates, signing, signing_images):
        app.register_blueprint(module.bp)
    from .views.dossier import bp as dossier_bp
    app.register_blueprint(dossier_bp)  # Hồ sơ năm
    from docgen.vietnamese import format_number, lower_first
    app.jinja_env.filters["number"] = format_number  # 11988 → "11.988"
    app.jinja_env.filters["lower_first"] = lower_first  # "Kế hoạch … Quyết định 510" in a sentence
    app.jinja_env.globals["BULK_PAGES"] = batch.BULK_PAGES  # kinds printed in bulk, and where
    app.before_request(auth.require_login)
    from . import downloads, limits
    limits.init_app(app)  # after the sign-in check: the slots are per user
    downloads.init_app(app)
    app.after_request(_security_headers)
    _error_pages(app)
    return app


def _behind_proxies(app: Flask) -> None:
    """Trust the X-Forwarded-* headers of the PROXIES reverse proxies in front (nginx…),
    so each client's own address counts in the sign-in limits and the audit trail; with
    none (the default) the headers are ignored: a client cannot forge its address."""
    from docgen.errors import UserError
    raw = str(app.config["PROXIES"]).strip()
    if not raw.isdigit() or int(raw) > 5:
        raise UserError(f"DOCGEN_PROXIES «{raw}» không hợp lệ: phải là số máy chủ trung gian "
                        "(reverse proxy) đứng trước docgen, từ 0 đến 5.")
    if int(raw):
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(raw), x_proto=int(raw),
                                x_host=int(raw))


def _first_admin(app: Flask, store) -> None:
    """On first run, create the district administrator and print its one-time password."""
    from docgen import store as q
    with store.session() as s:
        password = q.ensure_admin(s, app.config.get("ADMIN_PASSWORD"))
    if password and not app.config.get("ADMIN_PASSWORD"):
        print("Đã tạo tài khoản quản trị cấp huyện «admin» với mật khẩu dùng một lần: "
              f"{password}\nHãy đăng nhập và đổi mật khẩu ngay; mật khẩu này không hiện lại.",
              flush=True)


CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def _security_headers(response):
    """No inline scripts or framing, no MIME sniffing, no referrer leaks."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _instance_secret(folder: Path) -> str:
    """A random secret kept in the instance folder, created on first run (mode 0600).

    Written whole under a temporary name and linked into place, so processes starting at
    once all read the same secret and none reads a half-written one; an empty file (left by
    a kill during the first start of an older version: no cookie was ever signed with it)
    is replaced."""
    import secrets  # loads OpenSSL: here, not when `docgen --help` lists `serve`
    path = folder / "secret_key"
    for _ in range(3):
        with contextlib.suppress(FileNotFoundError):
            secret = path.read_text().strip()
            if secret:
                return secret
            path.unlink(missing_ok=True)
        part = folder / f".secret_key.{secrets.token_hex(8)}"
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
                fh.flush()
                os.fsync(fh.fileno())
            with contextlib.suppress(FileExistsError):  # another process was first: theirs
                os.link(part, path)
        finally:
            part.unlink()
    raise RuntimeError(f"the secret key file {path} stays empty")


def _error_pages(app: Flask) -> None:
    from flask import render_template, request
    from flask_wtf.csrf import CSRFError

    def page(status: int, title: str, message: str):
        return render_template("error.html", title=title, message=message), status

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return page(400, "Phiên làm việc đã hết hạn",
                    "Biểu mẫu thiếu hoặc sai mã bảo vệ (CSRF). Hãy tải lại trang rồi gửi lại.")

    @app.errorhandler(413)
    def too_large(exc):
        if (request.endpoint or "").startswith("own_templates."):
            return page(413, "Tệp quá lớn",
                        f"Tệp mẫu vượt quá giới hạn {MAX_UPLOAD_MB} MB: mẫu không được nhận.")
        return page(413, "Tệp quá lớn",
                    f"Tệp tải lên vượt quá giới hạn {MAX_UPLOAD_MB} MB. Hãy chia nhỏ danh sách.")

    @app.errorhandler(403)
    def forbidden(exc):
        return page(403, "Không được phép",
                    "Tài khoản của bạn chỉ được xem và tải văn bản, không được thay đổi dữ liệu.")

    @app.errorhandler(404)
    def not_found(exc):
        return page(404, "Không tìm thấy", "Trang hoặc văn bản này không tồn tại.")

    @app.errorhandler(405)
    def not_allowed(exc):
        return page(405, "Thao tác không hợp lệ", "Trang này không nhận thao tác vừa gửi.")

    from docgen.jobs import NoWorker
    from .views.previews import no_worker
    app.register_error_handler(NoWorker, no_worker)  # no worker made a PDF or preview in time

    @app.errorhandler(500)
    def server_error(exc):
        return page(500, "Lỗi hệ thống",
                    "Đã có lỗi ngoài dự kiến; dữ liệu chưa được ghi. "
                    "Hãy thử lại hoặc báo quản trị.")

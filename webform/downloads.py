"""Every file the service hands out is recorded in the audit trail.

One hook after each request, not a line in each view: a GET that answers 200 with
anything but a page (an Excel export, a DOCX or PDF, a batch job's file, a preview image,
a list template) and whose view wrote no audit entry of its own leaves one «<what>, <file
name>, <path>» with the user and the address — so a download route added later is
recorded without anyone remembering to.
tests/test_abuse.py walks the URL map to prove it.
"""

from __future__ import annotations

from flask import Flask, g, request
from werkzeug.http import parse_options_header

PAGES = frozenset({"text/html"})
NOT_RECORDED = frozenset({"static"})  # the site's own CSS and images
ACTIONS = {
    "register.download": "tải văn bản",
    "register.download_pdf": "tải văn bản",
    "register.preview": "xem ảnh trang văn bản",
    "register.export": "xuất sổ văn bản đi",
    "units.export": "xuất danh sách đơn vị",
    "assessments.export": "xuất kết quả đánh giá",
    "auth.audit_export": "xuất nhật ký thao tác",
    "batch.download": "tải tệp in hàng loạt",
    "batch.unit_list": "tải danh sách đơn vị điền sẵn",
    "batch.blank_units": "tải danh sách mẫu",
    "batch.blank_list": "tải danh sách mẫu",
}


def is_download(response) -> bool:
    """Whether a response to a GET is a file rather than a page or a redirect."""
    return (request.method == "GET" and response.status_code == 200
            and request.endpoint not in NOT_RECORDED and request.endpoint is not None
            and response.mimetype not in PAGES)


def file_name(response) -> str:
    """The name the response offers the file under, or "" (an inline image)."""
    _, options = parse_options_header(response.headers.get("Content-Disposition", ""))
    return options.get("filename*") or options.get("filename") or ""


def _record(response):
    if getattr(g, "user", None) is not None and is_download(response) \
            and not g.get("audited"):  # a view's own entry says more (whose data, which page)
        from .views import log
        action = ACTIONS.get(request.endpoint, "tải tệp")
        log(action, file_name(response) or request.path, request.full_path.rstrip("?"))
    return response


def init_app(app: Flask) -> None:
    app.after_request(_record)

"""The web form (Flask). A first page for now; the full form comes with the web issue."""

from __future__ import annotations

import io

from flask import Flask, render_template_string, send_file

PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>docgen</title></head>
<body style="font-family: sans-serif; max-width: 48rem; margin: 2rem auto">
<h1>docgen — văn bản phong trào toàn dân bảo vệ an ninh Tổ quốc</h1>
<p>Các loại văn bản:</p>
<ul>{% for k in kinds %}<li><b>{{ k.label }}</b> ({{ k.name }})</li>{% endfor %}</ul>
<p><a href="/mau/decision.docx">Tải quyết định mẫu của huyện Quan Sơn năm 2022 (DOCX)</a></p>
</body></html>"""


def create_app(test_config: dict | None = None) -> Flask:
    """The application; `test_config` overrides settings in tests."""
    from docgen import documents, render_document
    from docgen.samples import load_sample

    app = Flask(__name__, instance_relative_config=True)
    if test_config:
        app.config.update(test_config)

    @app.get("/")
    def index():
        return render_template_string(PAGE, kinds=documents.KINDS.values())

    @app.get("/mau/decision.docx")
    def sample_decision():
        data = render_document("decision", load_sample("decision"))
        return send_file(io.BytesIO(data), as_attachment=True,
                         download_name="quyet-dinh-mau.docx",
                         mimetype="application/vnd.openxmlformats-officedocument."
                                  "wordprocessingml.document")

    return app

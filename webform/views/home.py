"""The start page: what the office has and where to go next."""

from __future__ import annotations

from flask import Blueprint, render_template

from docgen import documents, store as q

from . import latest_year, store

bp = Blueprint("home", __name__, template_folder="../templates/home")


@bp.get("/")
def index():
    with store().session(readonly=True) as s:
        docs = q.list_documents(s)
        overview = {"bodies": len(q.list_bodies(s)), "units": len(q.list_units(s)),
                    "documents": len(docs), "year": latest_year()}
        overview["assessed"] = sum(len([r for r in q.assessment_grid(s, b.id, overview["year"])
                                        if r.assessment]) for b in q.list_bodies(s))
    return render_template("home.html", kinds=documents.KINDS.values(), overview=overview)


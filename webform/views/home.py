"""The start page: what the office has and where to go next."""

from __future__ import annotations

from flask import Blueprint, render_template

from docgen import documents, store as q

from . import latest_year, scope, store

bp = Blueprint("home", __name__, template_folder="../templates/home")


@bp.get("/")
def index():
    see = scope()
    with store().session(readonly=True) as s:
        bodies = [b for b in q.list_bodies(s) if see.body(b.id)]
        overview = {"bodies": len(bodies),
                    "units": sum(1 for u in q.list_units(s) if see.unit(u)),
                    "documents": sum(1 for d in q.list_documents(s) if see.document(d)),
                    "year": latest_year()}
        overview["assessed"] = sum(len([r for r in q.assessment_grid(s, b.id, overview["year"])
                                        if r.assessment]) for b in bodies)
    return render_template("home.html", kinds=documents.KINDS.values(), overview=overview)


"""The start page: what the office has and where to go next."""

from __future__ import annotations

from flask import Blueprint, render_template

from docgen import documents
from docgen.store import listing

from . import latest_year, scope, store

bp = Blueprint("home", __name__, template_folder="../templates/home")


@bp.get("/")
def index():
    year = latest_year()
    with store().session(readonly=True) as s:  # counts in SQL: nothing listed is loaded
        counts = listing.overview(s, scope(), year)
    overview = {"bodies": counts.bodies, "units": counts.units, "documents": counts.documents,
                "assessed": counts.assessed, "year": year}
    return render_template("home.html", kinds=documents.KINDS.values(), overview=overview)

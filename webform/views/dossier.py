"""Hồ sơ năm: a body's dossier of one assessment year — the checklist of Circular 124 Điều 9
khoản 2 with links to the register, and every inconsistency (docgen.dossier)."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request

from docgen.dossier import check_year
from docgen.dossier.from_store import body_choices

from . import or_404, row_id, scope, store, year_param

bp = Blueprint("dossier", __name__, url_prefix="/ho-so-nam",
               template_folder="../templates/dossier")


@bp.get("/")
def index():
    see = scope()
    year = year_param()  # the default year; a 400 page for one that is no year
    wanted = request.args.get("body", type=row_id)
    with store().session(readonly=True) as s:
        bodies = body_choices(s, see)
        if wanted is not None and not any(b.id == wanted for b in bodies):
            or_404(None)
        own = getattr(g.user, "body_id", None)
        body_id = wanted or (own if any(b.id == own for b in bodies) else
                             bodies[0].id if bodies else None)
        found = check_year(s, body_id, year, scope=see) if body_id else None
        return render_template("dossier.html", bodies=bodies, body_id=body_id, year=year,
                               dossier=found)

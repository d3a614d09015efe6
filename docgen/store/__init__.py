"""The data layer: bodies, signers, units, yearly assessments, households and the register
of outgoing documents (SQLAlchemy 2; SQLite file by default, PostgreSQL through a URL).

How to use it (the web app and the CLI do exactly this)::

    from docgen import render_document, store
    db = store.Store(settings.database_url(), instance_path=app.instance_path)
    db.create_schema(); db.seed_sample_if_empty()
    with db.session() as s:                      # commits at the end, rolls back on error
        unit = store.save_unit(s, name="Bản Na Mèo", kind="Khu dân cư", body_id=1)
    with db.session(readonly=True) as s:         # pages and exports that only read
        rows = store.assessment_grid(s, body_id=1, year=2022)
    with db.session() as s:                      # a draft, number None
        data, warnings, missing = store.decision_input(s, body_id=1, year=2022)
        doc = store.create_document(s, kind="decision", body_id=1, data=data,
                                    created_by="văn thư", render=render_document)
    store.issue_number(db, doc.id, issued_on=date.today(), render=render_document)

Conventions:
- Query functions take an open `Session` first and flush, never commit; `issue_number`
  takes the Store itself because it owns its transaction (the number, the re-render and
  the stored file commit together or not at all): call it outside any write session
  block (on SQLite a second writer in the same thread is refused with RuntimeError).
- `get_*` return None when the id is unknown; `save_*` create (id=None) or update and raise
  `docgen.errors.InputError` (a UserError; `.by_field()` maps field names such as "name",
  "kind", "reviewed_score", "reason" to Vietnamese messages); `delete_*` raise UserError
  with a Vietnamese sentence when something still refers to the row.
- Codes are stored, labels shown: `Unit.kind` is a `domain.UNIT_KINDS` code
  (`unit.kind_label`), `Assessment.suggested`/`decided` are class codes
  (`.suggested_class.label`); inputs accept a code or a label in any spelling.
- Objects stay readable after their session block ends (expire_on_commit=False); the
  register's `docx` and `input_json` are loaded lazily, so read them inside a block.
- Suggested classes come from `docgen.policy.load_policy()` (DOCGEN_POLICY or the shipped
  example); Excel import/export of units, outcomes and the register is `docgen.exchange`.
"""

from .accounts import (Scope, audit, authenticate, change_password, ensure_admin, find_user,
                       get_user, list_audit, list_users, new_password, reset_password, save_user,
                       scope_for)
from .assessments import (GridRow, SummaryRow, assessment_grid, check_assessment,
                          get_assessment,
                          recompute_suggestions, save_assessment, summary)
from .engine import Store
from .models import (ROLE_COMMUNE, ROLE_DISTRICT, ROLE_VIEWER, ROLES, STATUS_DRAFT,
                     STATUS_ISSUED, Assessment, AuditEntry, Base, Body, Counter, Document,
                     DocumentUnit, Household, Signer, Unit, User)
from .numbering import (create_document, delete_document, document_input, download_name,
                        get_document, issue_number, issued_count, list_documents, next_number,
                        update_document)
from .prefill import (Prefill, commitment_inputs, decision_input, issuer_input, plan_reference,
                      proposal_input, registration_rows, report_input)
from .households import (HouseholdList, PurgePlan, delete_household, household_lists,
                         household_years, latest_counts, list_households, marked_jobs,
                         purge, purge_plan, save_household)
from .queries import (check_unit, delete_body, delete_signer, delete_unit, documents_citing,
                      find_unit, get_body, get_signer, get_unit, list_bodies, list_signers,
                      list_units, save_body, save_signer, save_unit)
from .seed import load_sample_district, sample_year
from .signature_models import (ROLE_ORGANISATION, ROLE_PERSON, BodySeal, DocumentSignature,
                               SignerImage)
from .unit_papers import (Papers, communes, minutes_input, minutes_inputs, score_sheet_input,
                          score_sheet_inputs, sheet_disagreements)

__all__ = [
    "Papers", "communes", "minutes_input", "minutes_inputs", "score_sheet_input",
    "score_sheet_inputs", "sheet_disagreements",
    "ROLES", "ROLE_COMMUNE", "ROLE_DISTRICT", "ROLE_VIEWER", "AuditEntry", "User", "Scope",
    "audit", "authenticate", "change_password", "ensure_admin", "find_user", "get_user",
    "list_audit", "list_users", "new_password", "reset_password", "save_user", "scope_for",
    "Assessment", "Base", "Body", "Counter", "Document", "DocumentUnit", "GridRow", "Household",
    "Prefill", "STATUS_DRAFT", "STATUS_ISSUED", "Signer", "Store", "SummaryRow", "Unit",
    "assessment_grid", "check_assessment", "check_unit", "commitment_inputs", "create_document",
    "decision_input", "delete_body", "delete_document", "delete_household", "delete_signer",
    "delete_unit", "document_input", "documents_citing", "download_name", "find_unit",
    "get_assessment", "get_body", "get_document", "get_signer", "get_unit", "issue_number",
    "issued_count", "issuer_input", "list_bodies", "list_documents", "list_households",
    "list_signers", "list_units", "load_sample_district", "next_number", "plan_reference",
    "proposal_input", "recompute_suggestions",
    "registration_rows", "report_input", "sample_year", "save_assessment", "save_body",
    "save_household", "save_signer", "save_unit", "summary", "update_document",
    "HouseholdList", "PurgePlan", "household_lists", "household_years", "latest_counts",
    "marked_jobs", "purge", "purge_plan",
    "ROLE_ORGANISATION", "ROLE_PERSON", "BodySeal", "DocumentSignature", "SignerImage",
]

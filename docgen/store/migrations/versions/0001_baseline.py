"""Baseline: the schema of release 0.1.0 (what `Base.metadata.create_all` made at 8ce940f).

Revision ID: 0001
Revises:
Create Date: 2026-12-03

Databases made by that release have no alembic_version table: `docgen db upgrade`
recognises them by their tables and columns and stamps them with this revision.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "body",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("abbreviation", sa.String(30), nullable=False),
        sa.Column("place", sa.String(60), nullable=False),
        sa.Column("superior", sa.String(200), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(30), nullable=False),
        sa.Column("commune", sa.String(100), nullable=False),
        sa.Column("proposer", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["parent_id"], ["body.id"]),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(60), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("address", sa.String(60), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_at", "audit", ["at"])
    op.create_table(
        "signer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("position", sa.String(200), nullable=False),
        sa.Column("authority", sa.String(10), nullable=False),
        sa.Column("on_behalf", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"]),
    )
    op.create_index("ix_signer_body_id", "signer", ["body_id"])
    op.create_table(
        "unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("name_key", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("commune", sa.String(100), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(300), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("body_id", "name_key", name="uq_unit_body_name"),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"]),
    )
    op.create_index("ix_unit_body_id", "unit", ["body_id"])
    op.create_index("ix_unit_name_key", "unit", ["name_key"])
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("symbol", sa.String(60), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("summary", sa.String(500), nullable=False),
        sa.Column("signer_name", sa.String(100), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("input_json", sa.Text(), nullable=False),
        sa.Column("docx", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("body_id", "year", "number", name="uq_document_number"),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"]),
    )
    op.create_index("ix_document_body_year", "document", ["body_id", "year"])
    op.create_table(
        "counter",
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("body_id", "year"),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"]),
    )
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(60), nullable=False),
        sa.Column("full_name", sa.String(100), nullable=False),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"]),
    )
    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("self_score", sa.Float(), nullable=True),
        sa.Column("reviewed_score", sa.Float(), nullable=True),
        sa.Column("safe", sa.Boolean(), nullable=False),
        sa.Column("suggested", sa.String(20), nullable=True),
        sa.Column("decided", sa.String(20), nullable=True),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("note", sa.String(300), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit_id", "year", name="uq_assessment_unit_year"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], ondelete="CASCADE"),
    )
    op.create_index("ix_assessment_unit_id", "assessment", ["unit_id"])
    op.create_table(
        "household",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(100), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("id_number", sa.String(20), nullable=False),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("note", sa.String(300), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], ondelete="CASCADE"),
    )
    op.create_index("ix_household_unit_id", "household", ["unit_id"])
    op.create_table(
        "document_unit",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("document_id", "unit_id"),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
    )
    op.create_index("ix_document_unit_unit_id", "document_unit", ["unit_id"])


def downgrade() -> None:
    for table in ("document_unit", "household", "assessment", "app_user", "counter",
                  "document", "unit", "signer", "audit", "body"):
        op.drop_table(table)

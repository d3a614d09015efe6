"""Digital signing: a signer's signature image (`signer_image`), a body's seal and its real
size (`body_seal`), and each signature of an issued document with the signed PDF
(`document_signature`). New tables only: every existing record stays as it was.

Revision ID: 0009
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signer_image",
        sa.Column("signer_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by", sa.String(length=100), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["signer_id"], ["signer.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("signer_id"),
    )
    op.create_table(
        "body_seal",
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("diameter_mm", sa.Float(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by", sa.String(length=100), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("body_id"),
    )
    op.create_table(
        "document_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("signer_name", sa.String(length=200), nullable=False),
        sa.Column("certificate", sa.String(length=500), nullable=False),
        sa.Column("signed_by", sa.String(length=60), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_id", "role", name="uq_document_signature_role"),
    )
    op.create_index("ix_document_signature_document_id", "document_signature",
                    ["document_id"])


def downgrade() -> None:
    op.drop_index("ix_document_signature_document_id", table_name="document_signature")
    op.drop_table("document_signature")
    op.drop_table("body_seal")
    op.drop_table("signer_image")

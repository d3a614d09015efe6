"""A district's own templates: every uploaded version of a kind's template, for one body or
for all bodies (`template_version`), and the version each document was made with
(`document.template_version_id`, NULL: the shipped template — every existing document).

Revision ID: 0006
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "template_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by", sa.String(length=100), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("docx", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_template_version_kind_body", "template_version", ["kind", "body_id"])
    with op.batch_alter_table("document") as batch:
        batch.add_column(sa.Column("template_version_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_document_template_version", "template_version",
                                 ["template_version_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("document") as batch:
        batch.drop_constraint("fk_document_template_version", type_="foreignkey")
        batch.drop_column("template_version_id")
    op.drop_index("ix_template_version_kind_body", table_name="template_version")
    op.drop_table("template_version")

"""Indexes for lists a page at a time on a province's data: units by commune, outcomes by
year, the register by year and number and by kind and status.

Revision ID: 0008
Revises: 0006
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INDEXES = (("ix_unit_commune", "unit", ["commune"]),
           ("ix_assessment_year", "assessment", ["year"]),
           ("ix_document_year_number", "document", ["year", "number"]),
           ("ix_document_kind_status", "document", ["kind", "status"]))


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)

"""The share of a residential area's households that signed its list of the year
(household_share: signed, and the resident total when it differs from the stored list).

Revision ID: 0005
Revises: 0003 (set to 0004 if that revision is merged first)
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "household_share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("signed", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], ondelete="CASCADE",
                                name="fk_household_share_unit"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit_id", "year", name="uq_household_share_unit_year"),
    )
    with op.batch_alter_table("household_share") as batch:
        batch.create_index("ix_household_share_unit_id", ["unit_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("household_share") as batch:
        batch.drop_index("ix_household_share_unit_id")
    op.drop_table("household_share")

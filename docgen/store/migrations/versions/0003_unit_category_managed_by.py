"""Units record what they are precisely enough to decide scope and competence: their
category (kind of school, size of enterprise…) and the tier that manages them. Existing
units get "" for both (not recorded: the rules fall back to the unit's body).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Added NOT NULL with a server default so the existing rows get "", then the default is
    # dropped: models.py gives the default on the Python side, like every other column.
    with op.batch_alter_table("unit") as batch:
        batch.add_column(sa.Column("category", sa.String(length=30), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("managed_by", sa.String(length=10), nullable=False,
                                   server_default=""))
    with op.batch_alter_table("unit") as batch:
        batch.alter_column("category", existing_type=sa.String(length=30),
                           existing_nullable=False, server_default=None)
        batch.alter_column("managed_by", existing_type=sa.String(length=10),
                           existing_nullable=False, server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("unit") as batch:
        batch.drop_column("managed_by")
        batch.drop_column("category")

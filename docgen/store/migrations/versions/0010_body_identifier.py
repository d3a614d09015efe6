"""A body's identification code (mã định danh, Quyết định 20/2020/QĐ-TTg), part of the
register's metadata (ND30 Phụ lục VI). Existing bodies get "" (not recorded).

Revision ID: 0010
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NOT NULL with a server default so the existing rows get "", then the default is
    # dropped: models.py gives the default on the Python side, like every other column.
    with op.batch_alter_table("body") as batch:
        batch.add_column(sa.Column("identifier", sa.String(length=13), nullable=False,
                                   server_default=""))
    with op.batch_alter_table("body") as batch:
        batch.alter_column("identifier", existing_type=sa.String(length=13),
                           existing_nullable=False, server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("body") as batch:
        batch.drop_column("identifier")

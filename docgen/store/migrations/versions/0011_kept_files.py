"""Files kept in the database so every web process reaches them: `kept_file` holds an
import's upload between its preview and its confirmation, and documents' preview images,
1 MiB per row, each row with its owner, size and expiry (swept when expired).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kept_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "key", "seq", name="uq_kept_file_kind_key_seq"),
    )
    op.create_index("ix_kept_file_expires", "kept_file", ["expires"])
    op.create_index("ix_kept_file_owner_kind", "kept_file", ["owner_id", "kind"])


def downgrade() -> None:
    op.drop_index("ix_kept_file_owner_kind", table_name="kept_file")
    op.drop_index("ix_kept_file_expires", table_name="kept_file")
    op.drop_table("kept_file")

"""Sessions and sign-in failures kept in the database; households belong to a year's list
and keep only what the form prints; the register's inputs in canonical form.

Revision ID: 0002
Revises: 0001
"""

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=60), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("login_failure") as batch:
        batch.create_index("ix_login_failure_address_at", ["address", "at"], unique=False)

    op.create_table(
        "login_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.Column("address", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE",
                                name="fk_login_session_user"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("login_session") as batch:
        batch.create_index("ix_login_session_user_id", ["user_id"], unique=False)

    # A household's list year: its area's latest assessed year, else this year (the lists of
    # release 0.1 had no year; the sample district's are those of its 2022 assessment).
    with op.batch_alter_table("household") as batch:
        batch.add_column(sa.Column("year", sa.Integer(), nullable=True))
    op.execute(sa.text(
        "UPDATE household SET year = COALESCE("
        "(SELECT MAX(a.year) FROM assessment a WHERE a.unit_id = household.unit_id), "
        f"{dt.date.today().year})"))
    with op.batch_alter_table("household") as batch:
        batch.alter_column("year", existing_type=sa.Integer(), nullable=False)
        batch.create_index("ix_household_year_unit", ["year", "unit_id"], unique=False)
        # No form prints a household's note: personal data not collected any more.
        batch.drop_column("note")

    _canonical_inputs()


def _canonical_inputs() -> None:
    """The register keeps each document's validated input in canonical form; rows written
    by release 0.1 held the raw form data. A row that no longer validates is left as it
    is: it is validated once when it is issued, as before."""
    from docgen.errors import UserError
    from docgen.store.numbering import canonical_input

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, kind, input_json FROM document")).all()
    for row_id, kind, stored in rows:
        try:
            canonical = canonical_input(kind, json.loads(stored))
        except (UserError, ValueError, TypeError, KeyError):
            continue
        if canonical != stored:
            bind.execute(sa.text("UPDATE document SET input_json = :j WHERE id = :i"),
                         {"j": canonical, "i": row_id})


def downgrade() -> None:
    with op.batch_alter_table("household") as batch:
        batch.add_column(sa.Column("note", sa.String(length=300), nullable=False,
                                   server_default=""))
        batch.drop_index("ix_household_year_unit")
        batch.drop_column("year")
    with op.batch_alter_table("login_session") as batch:
        batch.drop_index("ix_login_session_user_id")
    op.drop_table("login_session")
    with op.batch_alter_table("login_failure") as batch:
        batch.drop_index("ix_login_failure_address_at")
    op.drop_table("login_failure")

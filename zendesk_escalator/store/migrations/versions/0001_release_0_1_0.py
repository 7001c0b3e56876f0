"""The inbox as release 0.1.0 created it.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('pending', 'running')")


def upgrade() -> None:
    op.create_table(
        "escalator_inbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("dedupe_key", sa.String(255), nullable=False, unique=True),
        sa.Column("ticket_id", sa.BigInteger, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("run_at", sa.Float, nullable=False),
        sa.Column("lease_owner", sa.String(64)),
        sa.Column("last_error", sa.Text),
        sa.Column("result", sa.Text),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_index("ix_escalator_inbox_finished", "escalator_inbox", ["status", "updated_at"])
    op.create_index(
        "ix_escalator_inbox_open_due", "escalator_inbox", ["run_at"], sqlite_where=OPEN, postgresql_where=OPEN
    )
    op.create_index(
        "ix_escalator_inbox_open_ticket",
        "escalator_inbox",
        ["ticket_id", "id"],
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )

"""Escalation episodes: one record per escalation of a ticket, from its opening to its review.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OPEN = sa.text("state != 'closed'")


def upgrade() -> None:
    op.create_table(
        "escalator_escalations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("ticket_id", sa.BigInteger, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("opened_at", sa.Float, nullable=False),
        sa.Column("closed_at", sa.Float),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("reason", sa.String(64), nullable=False),
        sa.Column("owner_id", sa.BigInteger),
        sa.Column("record", sa.Text, nullable=False),  # JSON: trigger, evidence, history, plan, consumed, review
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_index("ix_escalator_escalations_ticket", "escalator_escalations", ["ticket_id", "id"])
    # At most one open episode per ticket.
    op.create_index(
        "ix_escalator_escalations_open",
        "escalator_escalations",
        ["ticket_id"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
    op.create_index("ix_escalator_escalations_state", "escalator_escalations", ["state", "updated_at"])

"""Retries by a time budget (deadline), crash count for poison rows, comment marks per ticket.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("escalator_inbox") as table:
        table.add_column(sa.Column("deadline", sa.Float))
        table.add_column(sa.Column("crashes", sa.Integer, nullable=False, server_default=sa.text("0")))
    op.create_table(
        "escalator_tickets",
        sa.Column("ticket_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("comment_mark", sa.BigInteger),
        sa.Column("updated_at", sa.Float, nullable=False),
    )

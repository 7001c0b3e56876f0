"""The tables as the newest migration leaves them; every query is written against these.

Changes are made by a new migration in migrations/versions, then mirrored here.
"""

from sqlalchemy import BigInteger, Column, Float, Index, Integer, MetaData, String, Table, Text, text

PENDING, RUNNING, DONE, DEAD = "pending", "running", "done", "dead"
# Open rows, spelled as literal SQL so that SQLite and PostgreSQL can match the
# partial indexes (a bound parameter would hide the values from the planner).
OPEN_STATUSES_SQL = f"status IN ('{PENDING}', '{RUNNING}')"

metadata = MetaData()

inbox = Table(
    "escalator_inbox",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("dedupe_key", String(255), nullable=False, unique=True),
    Column("ticket_id", BigInteger, nullable=False),
    Column("payload", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    # When the row is next due: for pending rows the (re)try time, for running
    # rows the end of the lease, after which another worker may take it over.
    Column("run_at", Float, nullable=False),
    Column("lease_owner", String(64)),
    Column("last_error", Text),
    Column("result", Text),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    # Retries stop at this moment (set at the first failure; Retry-After waits push it back).
    Column("deadline", Float),
    # Leases that expired while the row was in hand: its worker died (or hung) each time.
    Column("crashes", Integer, nullable=False, server_default=text("0")),
    Index("ix_escalator_inbox_finished", "status", "updated_at"),
    Index(
        "ix_escalator_inbox_open_due",
        "run_at",
        sqlite_where=text(OPEN_STATUSES_SQL),
        postgresql_where=text(OPEN_STATUSES_SQL),
    ),
    Index(
        "ix_escalator_inbox_open_ticket",
        "ticket_id",
        "id",
        sqlite_where=text(OPEN_STATUSES_SQL),
        postgresql_where=text(OPEN_STATUSES_SQL),
    ),
)

# What the service remembers about a ticket between webhooks.
tickets = Table(
    "escalator_tickets",
    metadata,
    Column("ticket_id", BigInteger, primary_key=True, autoincrement=False),
    # The newest comment examined: the next webhook examines only the comments after it.
    Column("comment_mark", BigInteger),
    Column("updated_at", Float, nullable=False),
)

# Where the change feed and the sweep stand (an incremental export cursor, a search cursor), and other
# small named values every process shares (the Zendesk credential state, store/credential_state.py).
cursors = Table(
    "escalator_cursors",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", Float, nullable=False),
)

# One row per escalation episode of a ticket; `record` holds its trigger, evidence, history
# (state and level changes with time and cause), communication plan, consumed evidence
# and review, as JSON (core/lifecycle.Episode).
escalations = Table(
    "escalator_escalations",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("ticket_id", BigInteger, nullable=False),
    Column("state", String(16), nullable=False),
    Column("opened_at", Float, nullable=False),
    Column("closed_at", Float),
    Column("level", Integer, nullable=False),
    Column("reason", String(64), nullable=False),
    Column("owner_id", BigInteger),
    Column("record", Text, nullable=False),
    Column("updated_at", Float, nullable=False),
    Index("ix_escalator_escalations_ticket", "ticket_id", "id"),
    Index(
        "ix_escalator_escalations_open",
        "ticket_id",
        unique=True,
        sqlite_where=text("state != 'closed'"),
        postgresql_where=text("state != 'closed'"),
    ),
    Index("ix_escalator_escalations_state", "state", "updated_at"),
)

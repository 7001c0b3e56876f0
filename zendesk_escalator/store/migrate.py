"""Bring a database to the newest schema with Alembic, in place, whatever version it holds.

Web and worker processes start together and all call upgrade(): one migrates
while the others wait for it (a PostgreSQL advisory lock; SQLite's write lock).
A database made by release 0.1.0, which had no version table, is recognised by
its inbox table and recorded as revision 0001 before the newer ones run.
"""

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "escalator_alembic_version"  # not alembic_version: the database may be shared
FIRST_RELEASE = "0001"
LOCK_KEY = 0x65736361  # arbitrary, constant: PostgreSQL advisory lock for migrations


def upgrade(engine: Engine) -> str:
    """Apply every migration not yet applied; return the revision the database is at."""
    with engine.begin() as connection:  # on SQLite this takes the write lock (database.py)
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOCK_KEY})")
        config = _config(connection)
        current = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE}).get_current_revision()
        if current is None and inspect(connection).has_table("escalator_inbox"):
            log.info("database made by release 0.1.0: recording it as revision %s", FIRST_RELEASE)
            command.stamp(config, FIRST_RELEASE)
            current = FIRST_RELEASE
        head = head_revision()
        if current != head:
            log.info("migrating the database from %s to %s", current or "empty", head)
            command.upgrade(config, "head")
        return head


def head_revision() -> str:
    """The newest migration's revision: where upgrade() brings every database."""
    head = ScriptDirectory.from_config(_config(None)).get_current_head()
    if head is None:
        raise RuntimeError(f"no migration in {MIGRATIONS}")  # the package was installed without them
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None before the first migration)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE}).get_current_revision()


def _config(connection: Connection | None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes.update(connection=connection, version_table=VERSION_TABLE)
    return config

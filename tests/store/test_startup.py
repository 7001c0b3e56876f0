"""A process's start: the database migrated now, or on first use when it is down."""

import logging

import pytest

from zendesk_escalator.errors import StorageUnavailable
from zendesk_escalator.store import migrate
from zendesk_escalator.store.handle import Database
from zendesk_escalator.store.startup import migrate_or_wait

DOWN = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1"  # nothing listens there


def test_a_database_that_answers_is_migrated_at_start(tmp_path):
    database = Database(f"sqlite:///{tmp_path}/inbox.db")
    migrate_or_wait(database)
    assert migrate.current_revision(database.engine) == migrate.head_revision()
    database.close()


def test_a_database_that_is_down_is_logged_and_tried_again_on_first_use(caplog):
    database = Database(DOWN)
    with caplog.at_level(logging.ERROR, logger="zendesk_escalator.store.startup"):
        migrate_or_wait(database)  # does not raise: the process starts anyway
    assert "database unavailable at start-up" in caplog.text
    with pytest.raises(StorageUnavailable):
        database.ensure_schema()  # not marked migrated: the first use tries again

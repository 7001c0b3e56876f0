"""Migrations: a database made by release 0.1.0 upgrades in place without losing a row.

The result is the schema the code queries.
"""

import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from conftest import PG_URL, SAMPLES, drop_everything
from sqlalchemy import inspect
from support.databases import open_inbox

from zendesk_escalator.core.notification import Notification
from zendesk_escalator.store import migrate
from zendesk_escalator.store.inbox import Inbox
from zendesk_escalator.store.schema import DEAD, DONE, PENDING, metadata

OLD_ROWS = [  # as 0.1.0 stored them: a waiting webhook, one in a worker's hands, a dead one, a done one
    (
        "notification",
        "invocation:1",
        35436,
        {
            "ticket_id": 35436,
            "source": "trigger",
            "event_type": None,
            "actor_id": 20978392,
            "tags": ["billing"],
            "priority": "normal",
            "status": "open",
            "updated_at": None,
            "cc_names": "Escalation Desk",
            "extra": {},
        },
        PENDING,
        0,
        100.0,
        None,
        None,
    ),
    ("notification", "event:2", 35437, {"ticket_id": 35437, "source": "event"}, "running", 1, 160.0, None, None),
    (
        "notification",
        "event:3",
        35438,
        {"ticket_id": 35438, "source": "event"},
        DEAD,
        8,
        90.0,
        "ZendeskUnavailable: 503",
        None,
    ),
    (
        "notification",
        "event:4",
        35439,
        {"ticket_id": 35439, "source": "event"},
        DONE,
        1,
        90.0,
        None,
        json.dumps({"status": "escalated", "api_calls": 3}),
    ),
]


def create_release_0_1_0_schema(inbox: Inbox) -> None:
    """Create the tables with the DDL release 0.1.0 ran (recorded in tests/samples)."""
    ddl = (SAMPLES / f"schema-0.1.0-{inbox.database.engine.dialect.name}.sql").read_text()
    code = "\n".join(line for line in ddl.splitlines() if not line.startswith("--"))
    with inbox.database.engine.begin() as conn:
        for statement in filter(str.strip, code.split(";")):
            conn.exec_driver_sql(statement)


@pytest.fixture(params=["sqlite", "postgresql"])
def old_database(request, tmp_path):
    """An inbox exactly as release 0.1.0 created and filled it."""
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip("TEST_DATABASE_URL not set: PostgreSQL tests skipped")
        inbox = open_inbox(PG_URL)
        drop_everything(inbox.database)
    else:
        inbox = open_inbox(f"sqlite:///{tmp_path}/old.db")
    create_release_0_1_0_schema(inbox)
    with inbox.database.engine.begin() as conn:
        for kind, key, ticket, payload, status, attempts, run_at, error, result in OLD_ROWS:
            conn.exec_driver_sql(
                "INSERT INTO escalator_inbox (kind, dedupe_key, ticket_id, payload, status, attempts, run_at, "
                "lease_owner, last_error, result, created_at, updated_at) VALUES "
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)".replace(
                    "%s", "?" if request.param == "sqlite" else "%s"
                ),
                (
                    kind,
                    key,
                    ticket,
                    json.dumps(payload),
                    status,
                    attempts,
                    run_at,
                    "old-host:1:abc" if status == "running" else None,
                    error,
                    result,
                    50.0,
                    60.0,
                ),
            )
    yield inbox
    inbox.database.close()


def test_an_old_database_upgrades_in_place_without_losing_a_row(old_database):
    assert migrate.current_revision(old_database.database.engine) is None  # 0.1.0 kept no version
    assert old_database.database.migrate() == migrate.head_revision()
    rows = {r.dedupe_key: r for r in old_database.rows()}
    assert [(r.status, r.attempts, r.crashes, r.deadline) for r in rows.values()] == [
        (PENDING, 0, 0, None),
        ("running", 1, 0, None),
        (DEAD, 8, 0, None),
        (DONE, 1, 0, None),
    ]
    assert rows["event:3"].last_error == "ZendeskUnavailable: 503"
    assert rows["event:4"].result == {"status": "escalated", "api_calls": 3}
    assert Notification.from_dict(rows["invocation:1"].payload).tags == ("billing",)
    # The waiting webhook is handled first; the one whose worker vanished is taken over after its lease.
    assert [r.dedupe_key for r in old_database.claim("new-worker", 150.0, 60)] == ["invocation:1"]
    (taken,) = old_database.claim("new-worker", 161.0, 60)
    assert (taken.dedupe_key, taken.crashes) == ("event:2", 1)
    assert old_database.database.migrate() == migrate.head_revision()  # again: nothing to do


@pytest.mark.parametrize("start", ["empty", "0.1.0"])
def test_the_migrations_make_exactly_the_schema_the_code_queries(any_inbox, start):
    drop_everything(any_inbox.database)
    if start == "0.1.0":
        create_release_0_1_0_schema(any_inbox)
    any_inbox.database.migrate()
    with any_inbox.database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": migrate.VERSION_TABLE})
        differences = [
            d
            for d in compare_metadata(context, metadata)
            if d[0] != "remove_table" or d[1].name != migrate.VERSION_TABLE
        ]
    assert differences == []
    names = {index["name"] for index in inspect(any_inbox.database.engine).get_indexes("escalator_inbox")}
    assert {"ix_escalator_inbox_open_due", "ix_escalator_inbox_open_ticket", "ix_escalator_inbox_finished"} <= names

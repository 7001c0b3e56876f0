"""The intake's one-statement insert, on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

import pytest
from conftest import PG_URL, fresh_pg_inbox

from zendesk_escalator.store.intake import Intake
from zendesk_escalator.store.rows import ACCEPTED_COLUMNS
from zendesk_escalator.store.schema import PENDING
from zendesk_escalator.store.schema import inbox as inbox_table

BIGGEST_ID = 2**63 - 1


def row(key: str, ticket: int = 1, now: float = 1_700_000_000.123456) -> dict:
    return dict(
        kind="notification",
        dedupe_key=key,
        ticket_id=ticket,
        payload='{"say": "\\u00e9\\"x"}',
        status=PENDING,
        attempts=0,
        run_at=now,
        created_at=now,
        updated_at=now,
    )


def intake_for(inbox) -> Intake:
    return Intake(inbox.database.engine, inbox_table, ACCEPTED_COLUMNS, key="dedupe_key")


def test_new_stored_and_repeated_keys_in_one_batch(any_inbox):
    intake = intake_for(any_inbox)
    assert intake.insert([row("old")]) == [True]
    batch = [row("a", 3), row("old"), row("b", 2), row("a", 9), row("c", BIGGEST_ID)]
    assert intake.insert(batch) == [True, False, True, False, True]
    stored = any_inbox.rows()
    assert [(r.dedupe_key, r.ticket_id) for r in stored] == [  # once each, in batch order
        ("old", 1),
        ("a", 3),
        ("b", 2),
        ("c", BIGGEST_ID),
    ]
    intake.close()


def test_values_arrive_unchanged(any_inbox):
    intake = intake_for(any_inbox)
    intake.insert([row("k", 42, now=1_763_858_123.987654)])
    stored = any_inbox.rows()[0]
    assert (stored.kind, stored.status, stored.attempts) == ("notification", PENDING, 0)
    assert stored.payload == {"say": 'é"x'}
    assert stored.run_at == 1_763_858_123.987654  # floats survive the JSON trip exactly
    intake.close()


@pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL not set: PostgreSQL test skipped")
def test_a_dropped_connection_is_replaced_and_the_batch_retried():
    import psycopg

    inbox = fresh_pg_inbox()
    intake = intake_for(inbox)
    assert intake.insert([row("before")]) == [True]
    with psycopg.connect(PG_URL, autocommit=True) as admin:  # as a database restart would
        killed = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
            " AND datname = current_database()"
            " AND query LIKE 'WITH stored AS (INSERT INTO escalator_inbox%'"
        ).fetchone()[0]
    assert killed == 1
    assert intake.insert([row("after"), row("before")]) == [True, False]
    assert [r.dedupe_key for r in inbox.rows()] == ["before", "after"]
    intake.close()
    inbox.database.close()

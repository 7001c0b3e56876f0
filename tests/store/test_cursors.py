"""Cursors: named positions and marks every worker shares, on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

import threading

import pytest
from conftest import PG_URL, fresh_pg_inbox
from support.processes import wait_until

from zendesk_escalator.store.cursors import Cursors


def test_a_position_is_none_before_the_first_and_the_last_one_set_after(any_inbox):
    cursors = Cursors(any_inbox.database)
    assert cursors.get("feed") is None
    cursors.set("feed", "c1", 100.0)
    cursors.set("feed", "c2", 200.0)
    cursors.set("sweep", "s1", 200.0)
    assert (cursors.get("feed"), cursors.get("sweep")) == ("c2", "s1")
    assert Cursors(any_inbox.database).get("feed") == "c2"  # shared, not kept in the object


def test_marks_are_set_once_listed_by_prefix_in_order_and_cleared(any_inbox):
    cursors = Cursors(any_inbox.database)
    cursors.mark([], 100.0)
    cursors.mark(["wait:2", "wait:1", "other:1"], 100.0)
    cursors.mark(["wait:1"], 200.0)  # another worker marks the same one: no error, still one
    assert cursors.marked("wait:") == ["wait:1", "wait:2"]
    assert cursors.marked("wait%") == []  # the prefix is matched as written, not as a pattern
    cursors.unmark(["wait:1"])
    cursors.unmark([])
    assert cursors.marked("wait:") == ["wait:2"] and cursors.marked("other:") == ["other:1"]


@pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL not set: PostgreSQL test skipped")
def test_two_processes_setting_a_new_position_at_once_both_succeed_the_last_one_kept():
    """Each worker process records the credentials' state on its first success: on a fresh database they race.

    The other process's transaction has inserted the position, not committed yet: this set waits for it
    and then updates it, instead of failing on the duplicate key (which killed a worker thread mid-batch).
    """
    import psycopg

    inbox = fresh_pg_inbox()
    cursors, errors = Cursors(inbox.database), []
    try:
        with psycopg.connect(PG_URL) as other, psycopg.connect(PG_URL, autocommit=True) as watcher:
            other.execute("INSERT INTO escalator_cursors (name, value, updated_at) VALUES ('feed', 'c1', 100)")
            setter = threading.Thread(target=_catching(errors, lambda: cursors.set("feed", "c2", 200.0)))
            setter.start()
            assert wait_until(lambda: _waiting_on_a_lock(watcher) == 1, timeout=10)
            other.commit()
            setter.join(10)
        assert errors == [] and not setter.is_alive()
        assert cursors.get("feed") == "c2"
    finally:
        inbox.database.close()


def _catching(errors: list, call):
    def run():
        try:
            call()
        except Exception as error:  # noqa: BLE001  the test reports it
            errors.append(error)

    return run


def _waiting_on_a_lock(connection) -> int:
    return connection.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%escalator_cursors%'"
    ).fetchone()[0]

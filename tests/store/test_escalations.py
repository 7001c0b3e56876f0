"""Episodes: the current one of a ticket, the open ones, the changed ones, counts by state; a save writes the rows
that follow from its new steps (the chat notices) in the same transaction."""

from datetime import datetime, timedelta, timezone

import pytest

from zendesk_escalator.core.lifecycle.episode import ACTIVE, CLOSED, REQUESTED, Episode
from zendesk_escalator.store.escalations import Escalations

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def opened() -> Episode:
    return Episode(35436, REQUESTED, NOW, 1, "customer_cc", "customer_cc").moved(
        NOW, ACTIVE, "escalated", "", 1, "customer_cc"
    )


def following(calls: list):
    def rows(episode: Episode, first: int, now: float) -> list[dict]:
        calls.append(first)
        return [
            {
                "kind": "notice",
                "dedupe_key": f"notice:t:{episode.id}:{n}",
                "ticket_id": -1,
                "payload": {"step": n},
                "run_at": now,
            }
            for n in range(first, len(episode.history))
        ]

    return rows


def test_only_the_steps_not_stored_before_make_rows(any_inbox):
    store, calls = Escalations(any_inbox.database), []
    episode = store.save(opened(), NOW, following(calls))
    store.save(episode, NOW, following(calls))  # saved again, no new step: no row
    raised = store.save(episode.moved(NOW, ACTIVE, "escalated", "", 2, "outage"), NOW, following(calls))
    assert calls == [0, 1]
    assert [r.payload["step"] for r in any_inbox.rows() if r.kind == "notice"] == [0, 1]
    assert raised.id == episode.id


def test_rows_that_cannot_be_written_leave_no_step_saved(any_inbox):
    store = Escalations(any_inbox.database)
    episode = store.save(opened(), NOW)

    def broken(episode, first, now):
        raise RuntimeError("no rows")

    with pytest.raises(RuntimeError):
        store.save(episode.moved(NOW, ACTIVE, "escalated", "", 2, "outage"), NOW, broken)
    assert store.current(35436).level == 1  # the step waits for a save that writes its rows too


def test_the_current_episode_is_the_open_one_else_the_latest_closed_one(any_inbox):
    store = Escalations(any_inbox.database)
    assert store.current(35436) is None
    first = store.save(opened(), NOW)
    closed = store.save(first.moved(NOW + timedelta(hours=1), CLOSED, "solved"), NOW + timedelta(hours=1))
    assert store.current(35436) == closed and store.get(first.id) == closed  # its consumed evidence still counts
    again = store.save(Episode(35436, REQUESTED, NOW + timedelta(hours=2), 1, "outage", "outage"), NOW)
    assert store.current(35436) == again and again.id != first.id
    assert store.get(again.id + 1) is None


def test_open_ones_longest_open_first_changed_ones_and_counts_by_state(any_inbox):
    store = Escalations(any_inbox.database)
    late = store.save(Episode(2, REQUESTED, NOW + timedelta(hours=1), 1, "outage", "outage"), NOW + timedelta(hours=1))
    early = store.save(opened(), NOW)
    gone = store.save(Episode(3, REQUESTED, NOW - timedelta(days=2), 1, "outage", "outage"), NOW - timedelta(days=2))
    store.save(gone.moved(NOW - timedelta(days=1), CLOSED, "solved"), NOW - timedelta(days=1))
    assert store.open_ones() == [early, late] and store.open_ones(limit=1) == [early]
    assert [e.ticket_id for e in store.changed_since(NOW - timedelta(hours=1))] == [35436, 2]
    assert [e.ticket_id for e in store.changed_since(NOW - timedelta(days=3), limit=None)] == [3, 35436, 2]
    assert store.by_state() == {REQUESTED: 1, ACTIVE: 1, CLOSED: 1}

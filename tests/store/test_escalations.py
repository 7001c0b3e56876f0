"""An episode's save writes the rows that follow from its new steps (the chat notices) in the same transaction."""

from datetime import datetime, timezone

import pytest

from zendesk_escalator.core.lifecycle.episode import ACTIVE, REQUESTED, Episode
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

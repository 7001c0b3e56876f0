"""Planning rows: stored once, planned again only when a changed plan had superseded them."""

from zendesk_escalator.store.schema import PENDING


def test_a_superseded_plan_planned_again_is_due_again_but_a_row_that_ran_never_is(any_inbox):
    def plan(key, run_at, now):
        return any_inbox.schedule(
            [{"kind": "timer", "dedupe_key": key, "ticket_id": 1, "payload": {"at": run_at}, "run_at": run_at}], now
        )

    plan("t1-a", 500.0, 90.0)
    any_inbox.supersede("timer", [1], set(), 100.0)
    assert plan("t1-a", 510.0, 110.0) == 1  # the plan came back: pending again, with the new payload
    row = any_inbox.rows(PENDING)[0]
    assert (row.dedupe_key, row.payload, row.run_at, row.result) == ("t1-a", {"at": 510.0}, 510.0, None)
    ran = any_inbox.claim("w1", 520.0, 60)
    any_inbox.complete(ran, "w1", 521.0, {"status": "escalated"})
    assert plan("t1-a", 530.0, 530.0) == 0 and any_inbox.rows(PENDING) == []

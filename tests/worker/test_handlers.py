"""Row kind → handler; each batch's API calls are counted on its outcome."""

import pytest

from zendesk_escalator.store.rows import InboxRow
from zendesk_escalator.worker.handlers import Handlers, Outcome


def row(kind):
    return InboxRow(id=1, kind=kind, dedupe_key="k", ticket_id=1, payload={}, status="running", attempts=1, run_at=0.0)


class ThreeCalls:
    """A handler that makes three API calls per batch."""

    def __init__(self, calls):
        self.calls = calls

    def handle(self, rows):
        self.calls.extend(["GET", "GET", "PUT"])
        return Outcome("escalated", "because")


def test_dispatches_by_kind_and_counts_calls():
    calls = ["GET"]  # made before: not this batch's
    handlers = Handlers(api_calls=lambda: len(calls))
    handlers.register("notification", ThreeCalls(calls))
    rows = [row("notification"), row("notification")]
    ((group, outcome),) = handlers.handle(rows)
    assert group == rows and (outcome.status, outcome.api_calls, outcome.coalesced) == ("escalated", 3, 2)
    assert outcome.to_dict() == {"status": "escalated", "detail": "because", "api_calls": 3, "coalesced": 2}


def test_an_unknown_kind_is_an_error_that_keeps_the_row():
    with pytest.raises(LookupError, match="no handler for rows of kind 'sla_timer'"):
        Handlers().handle([row("sla_timer")])


class PerTicket:
    """A handler that finishes its rows in groups, one of them with an error."""

    def handle(self, rows):
        return [(rows[:1], Outcome("escalated", "first")), (rows[1:], TimeoutError("second"))]


def test_a_handler_may_finish_its_rows_in_groups():
    handlers = Handlers()
    handlers.register("timer", PerTicket())
    rows = [row("timer"), row("timer"), row("timer")]
    (first, done), (rest, error) = handlers.handle(rows)
    assert (first, done.coalesced) == (rows[:1], 1)
    assert rest == rows[1:] and isinstance(error, TimeoutError)

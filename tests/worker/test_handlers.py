"""Row kind → handler; each batch's API calls are counted on its outcome."""

import pytest

from zendesk_escalator.store.inbox import InboxRow
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
    outcome = handlers.handle([row("notification"), row("notification")])
    assert (outcome.status, outcome.api_calls, outcome.coalesced) == ("escalated", 3, 2)
    assert outcome.to_dict() == {"status": "escalated", "detail": "because", "api_calls": 3, "coalesced": 2}


def test_an_unknown_kind_is_an_error_that_keeps_the_row():
    with pytest.raises(LookupError, match="no handler for rows of kind 'sla_timer'"):
        Handlers().handle([row("sla_timer")])

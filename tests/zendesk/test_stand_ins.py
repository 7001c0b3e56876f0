"""Dry-run stand-ins send nothing."""

import responses

from zendesk_escalator.core.notification import Notification
from zendesk_escalator.zendesk.stand_ins import DryRunWriter, HintReader


@responses.activate
def test_dry_run_writer_and_hint_reader_send_nothing():
    assert DryRunWriter().apply({"id": 1, "tags": ["x"]}) == {"id": 1, "tags": ["x"]}
    snap = HintReader().read(9, Notification(ticket_id=9, source="trigger", tags=("outage",)))
    assert snap.tags == ("outage",)
    assert len(responses.calls) == 0


def test_hint_reader_uses_hints_only():
    snap = HintReader().read(5, Notification(ticket_id=5, source="trigger", tags=("outage",), priority="low"))
    assert (snap.id, snap.tags, snap.priority, snap.updated_at) == (5, ("outage",), "low", None)

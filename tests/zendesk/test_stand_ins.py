"""Stand-ins: a dry run sends nothing and logs the exact body; recorded answers serve as Zendesk would."""

import json
import logging

import requests
import responses
from conftest import sample

from zendesk_escalator.core.notification import Notification
from zendesk_escalator.zendesk.stand_ins import DryRunWriter, HintReader, RecordedZendesk


@responses.activate
def test_dry_run_logs_the_exact_body_as_json_and_sends_nothing(caplog):
    with caplog.at_level(logging.WARNING):
        body = DryRunWriter().apply({"id": 1, "tags": ["x"], "assignee_id": None})
    assert body == {"ticket": {"tags": ["x"], "assignee_id": None}}  # the address names the ticket
    logged = caplog.records[-1].getMessage()
    assert logged.startswith("DRY RUN: would PUT /api/v2/tickets/1.json ")
    assert json.loads(logged.split(".json ", 1)[1]) == body
    assert len(responses.calls) == 0


def test_hint_reader_knows_only_the_hints():
    note = Notification(ticket_id=5, source="trigger", tags=("outage",), priority="low")
    assert HintReader().ticket(5, note) == {
        "ticket": {"id": 5, "status": None, "priority": "low", "tags": ["outage"], "updated_at": None}
    }
    assert HintReader().comments(5) == {"comments": []}


def test_recorded_answers_are_served_in_the_order_asked_and_puts_kept():
    recorded = RecordedZendesk(sample("ticket_cc.json"), sample("comments_cc.json"))
    session = requests.Session()
    session.mount("https://", recorded)
    base = "https://acme.zendesk.com/api/v2/tickets/35436"
    newest = session.get(f"{base}/comments.json", params={"sort": "-created_at", "page[size]": 2}).json()
    assert [c["id"] for c in newest["comments"]] == [10004, 10002] and newest["users"]
    assert session.get(f"{base}.json").json()["ticket"]["id"] == 35436
    assert session.put(f"{base}.json", json={"ticket": {"tags": ["x"]}}).status_code == 200
    assert [request for request, _ in recorded.sent] == [
        "GET /api/v2/tickets/35436/comments.json",
        "GET /api/v2/tickets/35436.json",
        "PUT /api/v2/tickets/35436.json",
    ]


def test_dry_run_logs_a_new_ticket_and_creates_nothing(caplog):
    ticket = {"subject": "Daily report", "comment": {"body": "text", "public": True}}
    with caplog.at_level(logging.WARNING):
        assert DryRunWriter().create_ticket(ticket, "report-2026-11-23") == (ticket, False)
    assert "DRY RUN: would POST /api/v2/tickets.json (Idempotency-Key report-2026-11-23)" in caplog.text
    assert '"subject": "Daily report"' in caplog.text

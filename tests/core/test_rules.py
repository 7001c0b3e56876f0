"""Table tests: (ticket, policy, now) -> decision."""

from dataclasses import replace
from datetime import datetime, timezone

import pytest

from zendesk_escalator.core.rules import current_state, decide
from zendesk_escalator.core.snapshot import Comment, TicketSnapshot

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=timezone.utc)
STATUS, LEVEL = 360010000001, 360010000002
BASE = TicketSnapshot(id=1, status="open", priority="normal", tags=("billing",),
                      updated_at="2026-11-22T09:15:02Z")
CC_COMMENT = Comment(7, 2, "Please escalate, we are losing money.", True,
                     frozenset({"support@acme.zendesk.com", "escalation@acme.example"}))


def ticket(**changes) -> TicketSnapshot:
    return replace(BASE, **changes)


CASES = [
    # (name, ticket, expected rule, reason, level)
    ("nothing", ticket(), None, None, None),
    ("cc on ticket", ticket(cc_emails=frozenset({"escalation@acme.example"})), "customer_cc", "customer_cc", 1),
    ("cc in latest comment", ticket(latest_comment=CC_COMMENT), "customer_cc", "customer_cc", 1),
    ("emailed to escalation", ticket(recipient="escalation@acme.example"), "customer_cc", "customer_cc", 1),
    ("other address", ticket(cc_emails=frozenset({"boss@customer.example"})), None, None, None),
    ("impact tag", ticket(tags=("production_down",)), "impact_tag", "production_down", 2),
    ("worst impact wins", ticket(tags=("outage", "data_loss")), "impact_tag", "data_loss", 3),
    ("manual tag", ticket(tags=("escalate",)), "manual_request", "manual", 1),
    ("manual field", ticket(custom_fields=((STATUS, "escalation_requested"),)), "manual_request", "manual", 1),
    ("impact beats cc", ticket(tags=("outage",), latest_comment=CC_COMMENT), "impact_tag", "outage", 2),
    ("closed ticket", ticket(status="closed", tags=("outage",)), None, None, None),
    ("already active same level",
     ticket(tags=("outage",), custom_fields=((STATUS, "escalation_active"), (LEVEL, 2))), None, None, None),
    ("already active lower level: re-escalate",
     ticket(tags=("data_loss",), custom_fields=((STATUS, "escalation_active"), (LEVEL, "1"))), "impact_tag", "data_loss", 3),
    ("already active higher level",
     ticket(latest_comment=CC_COMMENT, custom_fields=((STATUS, "escalation_active"), (LEVEL, 3))), None, None, None),
]


@pytest.mark.parametrize("name, snap, rule, reason, level", CASES, ids=[c[0] for c in CASES])
def test_decide(policy, name, snap, rule, reason, level):
    decision = decide(snap, policy, NOW)
    if rule is None:
        assert decision is None
    else:
        assert (decision.rule, decision.reason, decision.level) == (rule, reason, level)


def test_cc_decision_quotes_the_comment_and_names_the_evidence(policy):
    decision = decide(ticket(latest_comment=CC_COMMENT), policy, NOW)
    assert decision.quote == "Please escalate, we are losing money."
    assert decision.evidence == ("latest comment (#7) was sent to escalation@acme.example",)
    assert decision.priority == "high"


def test_long_quote_is_truncated(policy):
    long = replace(CC_COMMENT, body="x" * 5000)
    assert len(decide(ticket(latest_comment=long), policy, NOW).quote) < 1010


def test_manual_consumes_its_tag(policy):
    assert decide(ticket(tags=("escalate",)), policy, NOW).consume_tags == frozenset({"escalate"})


def test_state_falls_back_to_tags_without_fields(policy):
    no_fields = replace(policy, fields=type(policy.fields)())
    snap = ticket(tags=("escalated", "escalation_level_2", "escalation_reason_outage", "outage"))
    state = current_state(snap, no_fields)
    assert (state.active, state.level, state.reason) == (True, 2, "outage")
    assert decide(snap, no_fields, NOW) is None

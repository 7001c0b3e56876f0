"""Table tests: (ticket, policy) -> decision, through the registry the worker and simulate share."""

from dataclasses import replace

import pytest

from zendesk_escalator.core.escalation.triggers import escalation_rules
from zendesk_escalator.core.snapshot import Comment, TicketSnapshot
from zendesk_escalator.core.state import NOT_ESCALATED, Standing

STATUS, LEVEL, REASON = 360010000001, 360010000002, 360010000003
DESK = "escalation@acme.example"
RULES = escalation_rules()
BASE = TicketSnapshot(id=1, status="open", priority="normal", tags=("billing",), updated_at="2026-11-22T09:15:02Z")
CC_COMMENT = Comment(
    7, 2, "Please escalate, we are losing money.", True, frozenset({"support@acme.zendesk.com", DESK}), "end-user"
)
AGENT_CC = replace(CC_COMMENT, author_role="agent")
WORDS = Comment(8, 2, "Our production is down!", True, frozenset(), "end-user")


def ticket(**changes) -> TicketSnapshot:
    return replace(BASE, **changes)


def active(level, reason="outage"):
    """The episode's word: escalated at `level`."""
    return Standing(True, level, reason, "active", recorded=True)


def shows_active(level, reason="outage"):
    """The ticket's mirror: escalated at `level` (only the agents' requests are read from it)."""
    return ((STATUS, "escalation_active"), (LEVEL, level), (REASON, reason))


CASES = [
    # (name, ticket, expected rule, reason, level[, standing])
    ("nothing", ticket(), None, None, None),
    ("cc on ticket", ticket(cc_emails=frozenset({DESK})), "customer_cc", "customer_cc", 1),
    ("cc in a new customer comment", ticket(new_comments=(CC_COMMENT,)), "customer_cc", "customer_cc", 1),
    ("an agent's comment to the desk is not a customer request", ticket(new_comments=(AGENT_CC,)), None, None, None),
    ("emailed to escalation", ticket(recipient=DESK), "customer_cc", "customer_cc", 1),
    ("other address", ticket(cc_emails=frozenset({"boss@customer.example"})), None, None, None),
    ("impact tag", ticket(tags=("production_down",)), "impact", "production_down", 2),
    ("impact words", ticket(new_comments=(WORDS,)), "impact", "production_down", 2),
    ("worst impact wins", ticket(tags=("outage", "data_loss")), "impact", "data_loss", 3),
    ("manual tag", ticket(tags=("escalate",)), "manual_request", "manual", 1),
    ("manual field", ticket(custom_fields=((STATUS, "escalation_requested"),)), "manual_request", "manual", 1),
    ("impact beats cc", ticket(tags=("outage",), new_comments=(CC_COMMENT,)), "impact", "outage", 2),
    ("closed ticket", ticket(status="closed", tags=("outage",)), None, None, None),
    ("already active same level", ticket(tags=("outage",)), None, None, None, active(2)),
    ("already active lower level: re-escalate", ticket(tags=("data_loss",)), "impact", "data_loss", 3, active(1)),
    ("already active higher level", ticket(new_comments=(CC_COMMENT,)), None, None, None, active(3)),
    (
        "the mirror emptied: the episode still says escalated",
        ticket(tags=("outage",), custom_fields=()),
        None,
        None,
        None,
        active(2),
    ),
    (
        "the mirror says escalated, the episode closed: decided anew",
        ticket(tags=("outage",), custom_fields=shows_active(3)),
        "impact",
        "outage",
        2,
        Standing(False, 3, "outage", "closed", recorded=True),
    ),
]


@pytest.mark.parametrize(
    "name, snap, rule, reason, level, standing",
    [case + (NOT_ESCALATED,) * (6 - len(case)) for case in CASES],
    ids=[c[0] for c in CASES],
)
def test_decide(policy, name, snap, rule, reason, level, standing):
    decision = RULES.decide(snap, policy, standing)
    if rule is None:
        assert decision is None
    else:
        assert (decision.rule, decision.reason, decision.level, decision.acknowledge_only) == (
            rule,
            reason,
            level,
            False,
        )


def test_cc_decision_quotes_the_comment_and_names_the_evidence(policy):
    decision = RULES.decide(ticket(new_comments=(CC_COMMENT,)), policy)
    assert decision.quote == "Please escalate, we are losing money."
    assert decision.evidence == (f"comment #7 from the customer was sent to {DESK}",)
    assert decision.priority == "high"


def test_long_quote_is_shortened(policy):
    long = replace(CC_COMMENT, body="x" * 5000)
    assert len(RULES.decide(ticket(new_comments=(long,)), policy).quote) < 1010


def test_a_request_on_a_ticket_escalated_enough_is_acknowledged_and_consumed(policy):
    decision = RULES.decide(ticket(tags=("outage", "escalate")), policy, active(2))
    assert (decision.rule, decision.acknowledge_only, decision.level, decision.reason) == (
        "manual_request",
        True,
        2,
        "outage",
    )
    assert decision.consume_tags == frozenset({"escalate"}) and decision.priority is None


def test_a_request_is_consumed_when_a_higher_rule_wins(policy):
    decision = RULES.decide(ticket(tags=("outage", "escalate")), policy)
    assert (decision.rule, decision.level) == ("impact", 2)
    assert decision.consume_tags == frozenset({"escalate"})
    assert "an agent added the tag escalate" in decision.evidence


def test_explain_shows_every_rule(policy):
    explained = RULES.explain(ticket(tags=("outage",)), policy)
    assert list(explained) == [
        "customer_cc",
        "impact",
        "manual_request",
        "escalation_email",
        "recurring_incidents",
        "phone",
    ]
    assert explained["customer_cc"] is None and explained["impact"].reason == "outage"

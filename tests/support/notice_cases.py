"""A ticket with an SLA breach and the notices its steps give, as the chat formats read them."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from conftest import SAMPLES, sample_policy

from zendesk_escalator.core.escalation.rules import Decision
from zendesk_escalator.core.lifecycle.episode import escalated
from zendesk_escalator.core.snapshot import Metric, TicketSnapshot
from zendesk_escalator.schemas.policy_file import parse_policy

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


LATER = NOW + timedelta(hours=1)


CC = Decision(
    "customer_cc",
    "customer_cc",
    1,
    "high",
    ("comment #7 from the customer was sent to escalation@acme.example",),
    keys=frozenset({"comment:7"}),
)


BREACH = Decision("sla_breach", "sla_breach", 2, "urgent", ("first reply time breached",))


TICKET = TicketSnapshot(
    id=35436,
    status="open",
    subject="Dashboard <down> & [broken](http://x)",
    sla_metrics=(
        Metric("first_reply_time", "active", NOW - timedelta(minutes=5)),
        Metric("next_reply_time", "paused", NOW - timedelta(hours=9)),
    ),
)


TARGETS = """
[[notify]]
name = "everything"
kind = "slack_webhook"
url_env = "SLACK_URL"

[[notify]]
name = "managers"
kind = "teams_workflow"
url_env = "TEAMS_URL"
when = { levels = [2, 3], events = ["breach", "level", "closed"] }
"""


def targets_policy():
    """The sample policy with the chat targets above."""
    return sample_policy(TARGETS)


def opened(decision=CC):
    return replace(
        escalated(None, decision, TICKET, parse_policy((SAMPLES / "policy.toml").read_text()), NOW),
        id=7,
        owner_id=900000000011,
    )

"""The lifecycle's timer side (pure): what a moment asks for, the same for the worker and the backtest."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from zendesk_escalator.core.escalation.rules import Decision, Request
from zendesk_escalator.core.lifecycle.episode import ACTIVE, CLOSED, MONITORED, MONITORING, REOPENED, escalated
from zendesk_escalator.core.lifecycle.transitions import MONITORING_END, UPDATE_DUE, on_ticket, on_timer
from zendesk_escalator.core.policy import LifecyclePolicy
from zendesk_escalator.core.snapshot import TicketSnapshot

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
MIN = timedelta(minutes=1)
TICKET = TicketSnapshot(id=9, status="open", priority="urgent")
DECISION = Decision("customer_cc", "customer_cc", 1)


@pytest.fixture
def planned(policy):
    return replace(policy, lifecycle=LifecyclePolicy(enabled=True, cadence=(("urgent", timedelta(hours=1)),)))


def never_asked():
    raise AssertionError("the last update is read only for a reminder")


def test_monitoring_ends_with_a_close_that_needs_the_review(planned):
    episode = escalated(None, DECISION, TICKET, planned, NOW).moved(NOW, MONITORING, "solved")
    move = on_timer(
        MONITORING_END, replace(TICKET, status="solved"), episode, planned, NOW + timedelta(days=3), never_asked
    )
    assert (move.cause, move.update, move.needs_review, move.episode.state) == ("closed", None, True, CLOSED)
    assert move.episode.history[-1].cause == MONITORED
    reopened = on_timer(MONITORING_END, TICKET, episode, planned, NOW, never_asked)  # no webhook told of it
    assert (reopened.cause, reopened.episode.state) == (REOPENED, ACTIVE)


def test_an_update_due_reads_the_last_update_and_reminds_when_it_is_late(planned):
    episode, due = escalated(None, DECISION, TICKET, planned, NOW), NOW + timedelta(hours=1)
    in_time = on_timer(UPDATE_DUE, TICKET, episode, planned, due, lambda: NOW + timedelta(minutes=30))
    assert (in_time.cause, in_time.update, in_time.watch) == ("on_plan", None, ((UPDATE_DUE, due + 30 * MIN),))
    late = on_timer(UPDATE_DUE, TICKET, episode, planned, due, lambda: None)
    assert late.cause == "reminder" and late.update["comment"]["body"].startswith("Communication plan: no public")
    with pytest.raises(LookupError):
        on_timer("sla_breach", TICKET, episode, planned, NOW, never_asked)


def test_missed_updates_raise_a_level_up_to_the_highest_the_policy_names(planned):
    episode = replace(escalated(None, DECISION, TICKET, planned, NOW), missed_updates=1)
    late = NOW + timedelta(hours=2)
    assert on_timer(UPDATE_DUE, TICKET, episode, planned, late, lambda: None).episode.level == 2
    top = replace(episode, level=3)  # the sample policy's levels go to 3
    move = on_timer(UPDATE_DUE, TICKET, top, planned, late, lambda: None)
    assert move.episode.level == 3 and move.episode.missed_updates == 0
    assert move.update["comment"]["body"].endswith("2 missed in a row; level 3 is the highest already.")


def test_the_episode_records_what_the_request_checklist_found_missing(planned):
    asked = replace(DECISION, request=Request("Please call me, jo@customer.example. Production is down for 300 users."))
    opened = on_ticket(TICKET, None, asked, planned, NOW).episode
    assert opened.missing == (
        "Organization",
        "Technical contact: name, phone number missing (found: jo@customer.example)",
        "Affected application and environment: URL missing (found: production)",
        "Problem with steps to reproduce",
        "Done so far",
        "Critical milestone date",
    )
    raised = on_ticket(TICKET, opened, replace(DECISION, level=2), planned, NOW + MIN).episode
    assert raised.level == 2 and raised.missing == opened.missing  # no request this time: the finding stays
    assert on_ticket(TICKET, None, DECISION, planned, NOW).episode.missing is None  # no customer request

"""Replaying a ticket through the worker's core: screened, decided, planned, applied; SLA timers at their moment."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from fake_zendesk import INTEGRATION_USER
from zendesk_escalator.core.backtest import (Finding, TicketHistory, decide_change, notification_of, replay,
                                             summarize)
from zendesk_escalator.core.policy import FallbackTarget, SlaPolicy
from zendesk_escalator.core.replay import Change, FieldChange
from zendesk_escalator.core.sla_history import MetricHistory
from zendesk_escalator.core.snapshot import Comment, Target, TicketSnapshot
from zendesk_escalator.core.triggers import escalation_rules

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)
MIN = timedelta(minutes=1)
UNTIL = T0 + timedelta(days=2)
CUSTOMER, AGENT = 20978392, 235323
RULES = escalation_rules()


def said(body: str, role: str = "end-user", to: frozenset = frozenset(), public: bool = True) -> Comment:
    return Comment(id=hash(body) % 10_000, author_id=AGENT if role == "agent" else CUSTOMER, body=body,
                   public=public, recipients=to, author_role=role)


def by(minutes: int, actor: int = CUSTOMER, *comments: Comment, **parts) -> Change:
    role = {CUSTOMER: "end-user", AGENT: "agent", INTEGRATION_USER: "admin"}[actor]
    return Change(minutes, 7, T0 + minutes * MIN, actor, role, comments=comments, **parts)


def outcome(findings: list[Finding]) -> list[tuple]:
    return [(int((f.at - T0) / MIN), f.kind, f.rule, f.reason, f.level) for f in findings]


def run(policy, *changes, ticket=None, clocks=()):
    ticket = ticket or TicketSnapshot(id=7, status="open", priority="normal", tags=("vip",))
    return outcome(replay(TicketHistory(ticket, list(changes), list(clocks)), policy, RULES, UNTIL))


def test_a_cc_escalates_once_and_a_later_cc_is_not_escalated_again(policy):
    cc = frozenset({"escalation@acme.example"})
    assert run(policy, by(1, CUSTOMER, said("please escalate", to=cc)), by(5, AGENT, said("ok", "agent")),
               by(9, CUSTOMER, said("again", to=cc))) == [(1, "escalated", "customer_cc", "customer_cc", 1)]


def test_words_count_from_the_customer_only_and_a_higher_level_raises(policy):
    assert run(policy, by(1, AGENT, said("customer says production is down", "agent", public=False)),
               by(2, CUSTOMER, said("Production is down!")), by(3, AGENT, tags_added=("data_loss",))) == [
        (2, "escalated", "impact", "production_down", 2), (3, "raised", "impact", "data_loss", 3)]


def test_a_request_on_a_ticket_escalated_enough_is_acknowledged_and_its_tag_consumed(policy):
    request = by(2, AGENT, tags_added=("escalate",))
    assert run(policy, by(1, AGENT, tags_added=("outage",)), request, by(3, AGENT, tags_added=("escalate",))) == [
        (1, "escalated", "impact", "outage", 2), (2, "acknowledged", "manual_request", "outage", 2),
        (3, "acknowledged", "manual_request", "outage", 2)]  # the tag was consumed, so the next one is new


def test_the_integration_users_own_updates_are_left_out(policy):
    ours = by(1, INTEGRATION_USER, tags_added=("escalated", "escalation_level_3", "outage"))
    assert run(policy, ours, by(2, CUSTOMER, said("production down here"))) == [
        (2, "escalated", "impact", "production_down", 2)]


def test_a_change_is_screened_as_the_worker_screens_its_webhook(policy):
    emailed = TicketSnapshot(id=7, status="open", recipient="escalation@acme.example")
    agent = by(1, AGENT, said("a reply", "agent"))
    assert RULES.decide(emailed, policy) is not None  # the ticket alone would escalate ...
    assert decide_change(emailed, agent, policy, RULES) is None  # ... but an agent's reply is screened out
    assert run(policy, agent, by(2, CUSTOMER), ticket=emailed) == [(2, "escalated", "customer_cc", "customer_cc", 1)]


def test_a_closed_ticket_takes_no_update(policy):
    closing = by(1, AGENT, fields=(FieldChange("status", "closed", "solved"),))
    assert run(policy, closing, by(2, CUSTOMER, tags_added=("outage",))) == []


def test_the_trigger_hints_a_change_would_have_sent(policy):
    state = TicketSnapshot(id=7, status="open", priority="high", tags=("vip",),
                           custom_fields=((360010000001, "escalation_requested"),), updated_at="2026-11-16T09:01:00Z")
    note = notification_of(by(1, AGENT), state, policy)
    assert (note.source, note.actor_id, note.actor_role, note.tags, note.priority, note.status,
            note.escalation_status, note.updated_at) == ("trigger", AGENT, "agent", ("vip",), "high", "open",
                                                         "escalation_requested", "2026-11-16T09:01:00Z")


@pytest.fixture
def sla(policy):
    return replace(policy, sla=SlaPolicy(enabled=True, warn_before=30 * MIN, breach_level=2,
                                         repeat_every=timedelta(hours=1), max_level=3))


def first_reply(*stages, breach=60, target=60.0):
    return MetricHistory("first_reply_time", 1, tuple((T0 + m * MIN, s) for m, s in stages), T0 + breach * MIN,
                         Target("reply_time", target, False), T0)


def test_sla_warned_before_escalated_at_and_raised_after_the_breach_until_answered(sla):
    clocks = [first_reply((0, "active"), (150, "achieved"))]
    assert run(sla, clocks=clocks) == [(30, "escalated", "sla_warning", "sla_warning", 1),
                                       (60, "raised", "sla_breach", "sla_breach", 2),
                                       (120, "raised", "sla_breach", "sla_breach", 3)]


def test_an_answer_before_the_breach_leaves_the_warning_alone(sla):
    assert run(sla, clocks=[first_reply((0, "active"), (45, "achieved"))]) == [
        (30, "escalated", "sla_warning", "sla_warning", 1)]


def test_percentage_stages_from_the_applied_target_and_nothing_past_the_end(sla):
    staged = replace(sla, sla=replace(sla.sla, warn_before=None, stages=(75,), repeat_every=None))
    clocks = [first_reply((0, "active"), breach=3600, target=3600)]  # 60 h: past the replay's end (48 h)
    assert run(staged, clocks=clocks) == [(2700, "escalated", "sla_warning", "sla_warning", 1)]  # 75 %: 45 h


def test_a_solved_ticket_is_not_breached(sla):
    solving = by(20, AGENT, fields=(FieldChange("status", "solved", "open"),))
    assert run(sla, solving, clocks=[first_reply((0, "active"))]) == []


def test_the_policys_own_first_reply_target_for_a_ticket_born_in_the_period(sla):
    own = replace(sla, sla=replace(sla.sla, fallback=(FallbackTarget(timedelta(hours=2)),), repeat_every=None))
    born = by(0, CUSTOMER, said("Help"), created=True)
    assert run(own, born) == [(90, "escalated", "sla_warning", "sla_warning", 1),
                              (120, "raised", "sla_breach", "sla_breach", 2)]
    assert run(own, born, by(100, AGENT, said("Here to help", "agent"))) == [
        (90, "escalated", "sla_warning", "sla_warning", 1)]


def test_the_summary_counts_escalations_and_raises_by_rule_reason_level_and_day():
    at = T0
    findings = [Finding(1, at, "escalated", "impact", "outage", 2), Finding(1, at + MIN, "raised", "impact", "data_loss", 3),
                Finding(2, at + timedelta(days=1), "escalated", "customer_cc", "customer_cc", 1),
                Finding(2, at + timedelta(days=1), "acknowledged", "manual_request", "customer_cc", 1)]
    assert summarize(findings) == {
        "tickets": 2, "escalations": 2, "raises": 1, "other_updates": 1,
        "by_rule": {"customer_cc": 1, "impact": 2}, "by_reason": {"customer_cc": 1, "data_loss": 1, "outage": 1},
        "by_level": {"1": 1, "2": 1, "3": 1}, "per_day": {"2026-11-16": 1, "2026-11-17": 1}}

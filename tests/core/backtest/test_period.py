"""Replaying tickets through the worker's core: screened, decided, the lifecycle's step, applied; SLA timers and
lifecycle moments at their moment; recurring runs referred to their newest ticket."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from support.fake_zendesk import INTEGRATION_USER

from zendesk_escalator.core.backtest.findings import Finding
from zendesk_escalator.core.backtest.period import replay
from zendesk_escalator.core.backtest.replayed import TicketHistory
from zendesk_escalator.core.backtest.ticket_history import Change, FieldChange, notification_of
from zendesk_escalator.core.escalation.triggers import escalation_rules
from zendesk_escalator.core.lifecycle.sequence import Step, on_notifications
from zendesk_escalator.core.policy import LifecyclePolicy, OwnerRule, RecurringPolicy
from zendesk_escalator.core.sla.history import MetricHistory
from zendesk_escalator.core.sla_policy import FallbackTarget, SlaPolicy
from zendesk_escalator.core.snapshot import Comment, Target, TicketSnapshot

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)
MIN = timedelta(minutes=1)
UNTIL = T0 + timedelta(days=2)
CUSTOMER, AGENT = 20978392, 235323
RULES = escalation_rules()


def said(body: str, role: str = "end-user", to: frozenset = frozenset(), public: bool = True) -> Comment:
    return Comment(
        id=hash(body) % 10_000,
        author_id=AGENT if role == "agent" else CUSTOMER,
        body=body,
        public=public,
        recipients=to,
        author_role=role,
    )


def by(minutes: int, actor: int = CUSTOMER, *comments: Comment, **parts) -> Change:
    role = {CUSTOMER: "end-user", AGENT: "agent", INTEGRATION_USER: "admin"}[actor]
    return Change(minutes, 7, T0 + minutes * MIN, actor, role, comments=comments, **parts)


def outcome(findings: list[Finding]) -> list[tuple]:
    return [(int((f.at - T0) / MIN), f.kind, f.rule, f.reason, f.level) for f in findings]


def run(policy, *changes, ticket=None, clocks=(), until=UNTIL):
    ticket = ticket or TicketSnapshot(id=7, status="open", priority="normal", tags=("vip",))
    return outcome(replay([TicketHistory(ticket, list(changes), list(clocks))], policy, RULES, until))


def test_a_cc_escalates_once_and_a_later_cc_is_not_escalated_again(policy):
    cc = frozenset({"escalation@acme.example"})
    assert run(
        policy,
        by(1, CUSTOMER, said("please escalate", to=cc)),
        by(5, AGENT, said("ok", "agent")),
        by(9, CUSTOMER, said("again", to=cc)),
    ) == [(1, "escalated", "customer_cc", "customer_cc", 1)]


def test_words_count_from_the_customer_only_and_a_higher_level_raises(policy):
    assert run(
        policy,
        by(1, AGENT, said("customer says production is down", "agent", public=False)),
        by(2, CUSTOMER, said("Production is down!")),
        by(3, AGENT, tags_added=("data_loss",)),
    ) == [(2, "escalated", "impact", "production_down", 2), (3, "raised", "impact", "data_loss", 3)]


def test_a_request_on_a_ticket_escalated_enough_is_acknowledged_and_its_tag_consumed(policy):
    request = by(2, AGENT, tags_added=("escalate",))
    assert run(policy, by(1, AGENT, tags_added=("outage",)), request, by(3, AGENT, tags_added=("escalate",))) == [
        (1, "escalated", "impact", "outage", 2),
        (2, "acknowledged", "manual_request", "outage", 2),
        (3, "acknowledged", "manual_request", "outage", 2),
    ]  # the tag was consumed, so the next one is new


def test_the_integration_users_own_updates_are_left_out(policy):
    ours = by(1, INTEGRATION_USER, tags_added=("escalated", "escalation_level_3", "outage"))
    assert run(policy, ours, by(2, CUSTOMER, said("production down here"))) == [
        (2, "escalated", "impact", "production_down", 2)
    ]


def test_a_change_is_screened_as_the_worker_screens_its_webhook(policy):
    emailed = TicketSnapshot(id=7, status="open", recipient="escalation@acme.example")
    agent = by(1, AGENT, said("a reply", "agent"))
    assert RULES.decide(emailed, policy) is not None  # the ticket alone would escalate ...
    note = notification_of(agent, emailed, policy)
    assert on_notifications(emailed, [note], None, policy, RULES, T0, str) == Step(None)  # ... not on an agent's reply
    assert run(policy, agent, by(2, CUSTOMER), ticket=emailed) == [(2, "escalated", "customer_cc", "customer_cc", 1)]


def test_a_closed_ticket_takes_no_update(policy):
    closing = by(1, AGENT, fields=(FieldChange("status", "closed", "solved"),))
    assert run(policy, closing, by(2, CUSTOMER, tags_added=("outage",))) == []


def test_the_trigger_hints_a_change_would_have_sent(policy):
    state = TicketSnapshot(
        id=7,
        status="open",
        priority="high",
        tags=("vip",),
        custom_fields=((360010000001, "escalation_requested"),),
        updated_at="2026-11-16T09:01:00Z",
    )
    note = notification_of(by(1, AGENT), state, policy)
    assert (
        note.source,
        note.actor_id,
        note.actor_role,
        note.tags,
        note.priority,
        note.status,
        note.escalation_status,
        note.updated_at,
    ) == ("trigger", AGENT, "agent", ("vip",), "high", "open", "escalation_requested", "2026-11-16T09:01:00Z")


@pytest.fixture
def sla(policy):
    return replace(
        policy,
        sla=SlaPolicy(enabled=True, warn_before=30 * MIN, breach_level=2, repeat_every=timedelta(hours=1), max_level=3),
    )


def first_reply(*stages, breach=60, target=60.0):
    return MetricHistory(
        "first_reply_time",
        1,
        tuple((T0 + m * MIN, s) for m, s in stages),
        T0 + breach * MIN,
        Target("reply_time", target, False),
        T0,
    )


def test_sla_warned_before_escalated_at_and_raised_after_the_breach_until_answered(sla):
    clocks = [first_reply((0, "active"), (150, "achieved"))]
    assert run(sla, clocks=clocks) == [
        (30, "escalated", "sla_warning", "sla_warning", 1),
        (60, "raised", "sla_breach", "sla_breach", 2),
        (120, "raised", "sla_breach", "sla_breach", 3),
    ]


def test_an_answer_before_the_breach_leaves_the_warning_alone(sla):
    assert run(sla, clocks=[first_reply((0, "active"), (45, "achieved"))]) == [
        (30, "escalated", "sla_warning", "sla_warning", 1)
    ]


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
    assert run(own, born) == [
        (90, "escalated", "sla_warning", "sla_warning", 1),
        (120, "raised", "sla_breach", "sla_breach", 2),
    ]
    assert run(own, born, by(100, AGENT, said("Here to help", "agent"))) == [
        (90, "escalated", "sla_warning", "sla_warning", 1)
    ]


CC = frozenset({"escalation@acme.example"})
HOUR = timedelta(hours=1)


@pytest.fixture
def lifecycle(policy):
    return replace(
        policy,
        lifecycle=LifecyclePolicy(
            enabled=True,
            owners=(OwnerRule(900000000031),),
            cadence=(("high", timedelta(hours=2)),),
            monitoring=timedelta(days=1),
        ),
    )


def status(minutes: int, actor: int, now: str, was: str, *comments: Comment) -> Change:
    return by(minutes, actor, *comments, fields=(FieldChange("status", now, was),))


def test_lifecycle_solved_goes_to_monitoring_and_a_customers_reply_re_escalates(lifecycle):
    escalate, update = by(1, CUSTOMER, said("please escalate", to=CC)), by(30, AGENT, said("On it.", "agent"))
    solved = status(60, AGENT, "solved", "open")
    again = status(180, CUSTOMER, "open", "solved", said("It is broken again."))
    assert run(lifecycle, escalate, update, solved, again, until=T0 + 4 * HOUR) == [
        (1, "escalated", "customer_cc", "customer_cc", 1),
        (60, "monitoring", "lifecycle", "customer_cc", 1),
        (180, "re-escalated", "lifecycle", "customer_cc", 1),
    ]  # monitoring's end (day 2) was superseded
    quiet = replay(
        [TicketHistory(TicketSnapshot(id=7, status="open"), [escalate, update, solved])], lifecycle, RULES, UNTIL
    )
    assert [(f.kind, f.evidence) for f in quiet[1:]] == [
        ("monitoring", ("the ticket was solved: monitoring until 2026-11-17 10:00 UTC",)),
        (
            "closed",
            ("monitoring ended without recurrence", "closed: the review would be written from the ticket's audits"),
        ),
    ]
    assert quiet[-1].at == T0 + 60 * MIN + timedelta(days=1)


def test_lifecycle_missed_updates_remind_then_raise_a_level_and_an_update_in_time_moves_the_plan(lifecycle):
    escalate = by(1, CUSTOMER, said("please escalate", to=CC))
    assert run(lifecycle, escalate, until=T0 + 5 * HOUR) == [
        (1, "escalated", "customer_cc", "customer_cc", 1),
        (121, "reminder", "lifecycle", "customer_cc", 1),
        (241, "reminder", "lifecycle", "customer_cc", 2),
    ]
    assert run(lifecycle, escalate, by(100, AGENT, said("Deploying the fix.", "agent")), until=T0 + 4 * HOUR) == [
        (1, "escalated", "customer_cc", "customer_cc", 1),
        (220, "reminder", "lifecycle", "customer_cc", 1),
    ]
    reminder = replay(
        [TicketHistory(TicketSnapshot(id=7, status="open"), [escalate])], lifecycle, RULES, T0 + 3 * HOUR
    )[-1]
    assert reminder.evidence == (
        "Communication plan: no public update to the customer since 2026-11-16 09:01 UTC "
        "(2 h); an update was due by 2026-11-16 11:01 UTC.",
    )


def test_lifecycle_evidence_a_closed_escalation_used_never_opens_another(lifecycle):
    desk = TicketSnapshot(id=7, status="open", priority="normal", cc_emails=CC)  # the desk stays CC'd
    agreed = by(10, AGENT, said("customer agreed to de-escalate", "agent", public=False), tags_added=("deescalate",))
    assert run(
        lifecycle, by(1), by(5, AGENT, tags_added=("deescalate",)), agreed, by(20), ticket=desk, until=T0 + HOUR
    ) == [
        (1, "escalated", "customer_cc", "customer_cc", 1),
        (5, "refused", "lifecycle", "customer_cc", 1),
        (10, "de-escalated", "lifecycle", "customer_cc", 1),
    ]  # the customer's change at 20 brings nothing new
    again = by(20, CUSTOMER, said("again", to=CC))
    assert run(lifecycle, by(1), agreed, again, ticket=desk, until=T0 + HOUR)[-1] == (
        20,
        "escalated",
        "customer_cc",
        "customer_cc",
        1,
    )  # a new request: a new episode
    without = replace(lifecycle, lifecycle=LifecyclePolicy())  # no [lifecycle]: an agent's de-escalation still closes
    assert run(without, by(1), agreed, by(20), ticket=desk) == [
        (1, "escalated", "customer_cc", "customer_cc", 1),
        (10, "de-escalated", "lifecycle", "customer_cc", 1),
    ]


def created(ticket_id: int, minutes: int, priority: str = "high", org: int = 5) -> TicketHistory:
    birth = Change(
        minutes,
        ticket_id,
        T0 + minutes * MIN,
        CUSTOMER,
        "end-user",
        (FieldChange("status", "new"), FieldChange("priority", priority)),
        created=True,
    )
    ticket = TicketSnapshot(
        id=ticket_id, status="new", priority=priority, organization_id=org, created_at=T0 + minutes * MIN
    )
    return TicketHistory(ticket, [birth], subject=f"Checkout fails ({ticket_id})")


def test_a_recurring_run_escalates_its_newest_ticket_once(policy):
    recurring = replace(policy, recurring=RecurringPolicy(enabled=True, count=3, within=timedelta(days=1)))
    raised = created(11, 0, "normal")
    raised.changes.append(Change(90, 11, T0 + 90 * MIN, AGENT, "agent", (FieldChange("priority", "high", "normal"),)))
    histories = [raised, created(12, 30), created(13, 60), created(14, 120, org=6), created(15, 150, "low")]
    found = replay(histories, recurring, RULES, UNTIL)
    assert [(f.ticket_id, int((f.at - T0) / MIN), f.kind, f.rule, f.level) for f in found] == [
        (13, 90, "escalated", "recurring_incidents", 2)
    ]  # 11 turned high at 90: the run's newest is 13
    assert found[0].evidence[0] == "3 urgent/high tickets from organization 5 within 1 d; this one is the newest:"
    assert found[0].evidence[3] == "#13 (high, created 2026-11-16 10:00 UTC): Checkout fails (13)"
    grown = histories + [created(16, 200)]  # the run grows within its window: the same run
    assert [(f.ticket_id, int((f.at - T0) / MIN)) for f in replay(grown, recurring, RULES, UNTIL)] == [(13, 90)]
    later = grown + [created(17, 1540), created(18, 1550)]  # a day after the referral: 16 to 18 are a new run
    assert [(f.ticket_id, int((f.at - T0) / MIN)) for f in replay(later, recurring, RULES, UNTIL)] == [
        (13, 90),
        (18, 1550),
    ]
    moved = created(11, 0, org=6)  # into the organization later: its run is found then
    moved.changes.append(Change(90, 11, T0 + 90 * MIN, AGENT, "agent", (FieldChange("organization_id", 5, 6),)))
    assert [
        (f.ticket_id, int((f.at - T0) / MIN)) for f in replay([moved] + histories[1:], recurring, RULES, UNTIL)
    ] == [(13, 90)]
    assert replay(histories, policy, RULES, UNTIL) == []  # without [recurring]


def test_a_priority_the_replay_raised_itself_makes_no_run_and_an_open_escalation_is_not_escalated_again(policy):
    recurring = replace(policy, recurring=RecurringPolicy(enabled=True, count=3, within=timedelta(days=1)))
    cc = frozenset({"escalation@acme.example"})
    escalated = [created(11, 0, "normal"), created(12, 30, "normal"), created(13, 60, "normal")]
    for history in escalated:  # each CC'd by its customer: escalated, and raised to high, by the policy
        history.changes.append(
            Change(
                5,
                history.ticket.id,
                history.ticket.created_at + 5 * MIN,
                CUSTOMER,
                "end-user",
                comments=(said("escalate please", to=cc),),
            )
        )
    assert [(f.ticket_id, f.rule) for f in replay(escalated, recurring, RULES, UNTIL)] == [
        (11, "customer_cc"),
        (12, "customer_cc"),
        (13, "customer_cc"),
    ]
    asked = [created(11, 0), created(12, 30), escalated[2]]  # 13 raised to high by its CC, at 65
    asked[2].changes.append(
        Change(6, 13, T0 + 70 * MIN, AGENT, "agent", (FieldChange("priority", "urgent", "high"),))
    )  # then urgent by its agent
    found = replay(asked, replace(recurring, lifecycle=LifecyclePolicy(enabled=True)), RULES, UNTIL)
    assert [(f.ticket_id, f.rule) for f in found] == [(13, "customer_cc")]  # its escalation is open: not again


def test_zendesks_sla_applied_later_supersedes_the_policys_own_target_one_breach_time_per_ticket(sla):
    """Zendesk's SLA policy applies when an agent sets the priority, ten minutes after the ticket was born: the
    feed's next read supersedes the own target's timers, so the replay names Zendesk's breach time alone."""
    own = replace(sla, sla=replace(sla.sla, fallback=(FallbackTarget(timedelta(hours=2)),), repeat_every=None))
    born = by(0, CUSTOMER, said("Help"), created=True)
    triaged = by(10, AGENT, fields=(FieldChange("priority", "urgent", "normal"),))
    clocks = [
        MetricHistory(
            "first_reply_time",
            1,
            ((T0 + 10 * MIN, "active"),),
            T0 + 70 * MIN,
            Target("reply_time", 60.0, False),
            T0 + 10 * MIN,
        )
    ]
    findings = replay(
        [TicketHistory(TicketSnapshot(id=7, status="open", priority="normal"), [born, triaged], clocks)],
        own,
        RULES,
        UNTIL,
    )
    assert outcome(findings) == [
        (40, "escalated", "sla_warning", "sla_warning", 1),
        (70, "raised", "sla_breach", "sla_breach", 2),
    ]
    assert {line.split(" at ")[1].split(":")[0] for f in findings for line in f.evidence} == {"2026-11-16 10"}

"""The worker and the backtest take one decision sequence (core/lifecycle/sequence.py): on one history they agree.

One ticket's history is lived by the real worker against the fake Zendesk (its
change feed, timers and updates, minute by minute), and replayed by `escalator
backtest` from the same history as Zendesk's exports give it. Both must send the
same updates at the same moments, by the same rules, naming the same breach time.
"""

import io
import json
from datetime import datetime, timedelta, timezone

from conftest import SAMPLES
from support.fake_history import HistoryEndpoints, audit, change, comment, create, metric
from support.fake_sla import SlaEndpoints
from support.fake_zendesk import FakeZendesk
from support.service import AGENT, CUSTOMER, Clock, Service
from support.zendesk_records import listed_ticket

from zendesk_escalator.ops.backtest import run_backtest
from zendesk_escalator.schemas.policy_file import parse_policy
from zendesk_escalator.settings import Settings

T = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
MIN = timedelta(minutes=1)
# Zendesk's SLA applies once the priority is set (its policy's condition); until then the service's own target.
POLICY = (
    (SAMPLES / "policy.toml").read_text()
    + """
[sla]
warn_before = "30m"
breach_level = 2

[[sla.fallback]]
first_reply = "2h"
"""
)
USERS = [
    {"id": CUSTOMER, "name": "Dana Customer", "email": "dana@customer.example", "role": "end-user"},
    {"id": AGENT, "name": "Alex Agent", "email": "alex@acme.example", "role": "agent"},
]


def ticket(priority: str, stamp: datetime) -> dict:
    return listed_ticket(
        1, T, priority=priority, tags=(), updated=stamp, generated=int(stamp.timestamp()), subject="Cannot log in"
    )


def lived(tmp_path, made) -> list[tuple]:
    """The worker's updates: (minute, rule, evidence)."""
    clock, sla = Clock(T), SlaEndpoints()
    fake = FakeZendesk(
        {1: ticket("normal", T)}, {1: []}, users=USERS, endpoints=[sla], clock=lambda: clock().timestamp()
    ).start()
    made.append(fake)
    service = Service(tmp_path, fake, parse_policy(POLICY), clock)
    service.worker.handlers.start()
    service.minutes(10)
    fake.set_priority(1, "urgent", AGENT)  # an agent triages the ticket: Zendesk's SLA policy applies
    sla.start_clock(fake, 1, minutes=60)  # the first reply is due at 10:10
    service.minutes(170)
    puts = [r for r in fake.seen("PUT", 1) if r.status == 200]
    escalations = [r for r in service.results() if r and r.get("rule", "").startswith("sla")]
    assert len(puts) == len(escalations)
    return [
        (round((datetime.fromtimestamp(put.when, timezone.utc) - T) / MIN), done["rule"], tuple(done["evidence"]))
        for put, done in zip(puts, escalations)
    ]


def replayed(tmp_path, made) -> list[tuple]:
    """The backtest's findings on the same history, from Zendesk's exports: (minute, rule, evidence)."""
    now = T + 180 * MIN
    events = [
        audit(
            1,
            T,
            CUSTOMER,
            create("status", "open"),
            create("priority", "normal"),
            comment(CUSTOMER, "We cannot log in.", T),
        ),
        audit(1, T + 10 * MIN, AGENT, change("priority", "urgent", "normal")),
    ]
    metrics = [
        metric(1, "reply_time", "activate", T + 10 * MIN),
        metric(1, "reply_time", "apply_sla", T + 10 * MIN, target=60),
        metric(1, "reply_time", "breach", T + 70 * MIN),
    ]
    clock = Clock(now)
    fake = FakeZendesk(
        {1: ticket("urgent", T + 10 * MIN)},
        users=USERS,
        endpoints=[HistoryEndpoints(events, metrics)],
        clock=lambda: clock().timestamp(),
    ).start()
    made.append(fake)
    rules = tmp_path / "policy.toml"
    rules.write_text(POLICY)
    settings = Settings(subdomain="acme", email="bot@acme.example", api_token="t0ken", api_url=fake.url)
    out = io.StringIO()
    assert (
        run_backtest(
            settings,
            str(rules),
            timedelta(days=1),
            "json",
            clock,
            sleep=clock.advance,
            monotonic=lambda: clock().timestamp(),
            out=out,
            err=io.StringIO(),
        )
        == 0
    )
    return [
        (round((datetime.fromisoformat(f["at"]) - T) / MIN), f["rule"], tuple(f["evidence"]))
        for f in json.loads(out.getvalue())["findings"]
    ]


def test_the_worker_and_the_backtest_send_the_same_updates_naming_one_breach_time(tmp_path, made):
    (tmp_path / "worker").mkdir()
    (tmp_path / "backtest").mkdir()
    worker = lived(tmp_path / "worker", made)
    assert [(minute, rule) for minute, rule, _ in worker] == [
        (40, "sla_warning"),
        (70, "sla_breach"),
        (130, "sla_breach"),
    ]  # an hour on, one level up
    assert {
        line.partition("breached at " if "breached" in line else "breaches at ")[2][:20]
        for _, _, evidence in worker
        for line in evidence
    } == {"2026-11-23 10:10 UTC"}  # Zendesk's breach; the own target (11:00) was superseded when it applied
    assert replayed(tmp_path / "backtest", made) == worker

"""Escalations by reason and level, SLA warnings and breaches by metric, open episodes by state and level: scraped
after real webhooks and timers against the fake Zendesk; the shipped Grafana dashboard uses only series a scrape has.
"""

import json
import re
from datetime import datetime, timezone

import pytest
from conftest import sample, sample_policy
from support.processes import ROOT
from support.scrape import Scrape
from support.service import Clock, Service
from support.sla_world import sla_fake
from support.zendesk_records import listed_ticket, sla_policy_text

START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
POLICY = sla_policy_text('repeat_every = "1h"', "[lifecycle]", 'cadence = { high = "2h" }')
GRAFANA = ROOT / "docs" / "grafana-dashboard.json"
SLA_TICKET, DOWN, BREACH = 1, 2, 3


def ticket(ticket_id: int, priority: str, tags: list[str]) -> dict:
    return listed_ticket(
        ticket_id,
        START,
        priority=priority,
        tags=tags,
        subject=f"ticket {ticket_id}",
        without=("group_id", "assignee_id"),
    )


@pytest.fixture(scope="module")
def scraped(tmp_path_factory):
    """Two impact escalations by tag (production down, security breach), then an urgent ticket's SLA warning and
    breach; the scrape after it."""
    clock = Clock(START)
    tickets = [
        ticket(SLA_TICKET, "urgent", ["billing"]),
        ticket(DOWN, "normal", ["production_down"]),
        ticket(BREACH, "normal", ["security_breach"]),
    ]
    fake, sla = sla_fake(clock, tickets, None)  # stopped below: the world is the module's
    try:
        policy = sample_policy(POLICY)
        service = Service(tmp_path_factory.mktemp("metrics"), fake, policy, clock)
        service.worker.handlers.start()
        for ticket_id, tag in ((DOWN, "production_down"), (BREACH, "security_breach")):
            hint = {**sample("trigger_body.json"), "ticket_id": str(ticket_id), "tags": tag, "actor_role": "Agent"}
            assert service.post(hint).status_code == 202
        sla.start_clock(fake, SLA_TICKET)  # urgent: the first reply is due in 60 minutes
        service.minutes(65)
        yield Scrape(service.http.get("/metrics").get_data(as_text=True))
        service.close()
    finally:
        fake.stop()


def test_escalations_are_counted_by_their_own_reason_and_level(scraped):
    found = scraped.by("escalator_escalated_total", "reason", "level")
    assert found[("production_down", "2")] == 1 and found[("security_breach", "3")] == 1
    assert found[("sla_warning", "1")] == 1 and found[("sla_breach", "2")] == 1
    assert scraped.value("escalator_decisions_total", kind="notification", rule="impact", outcome="escalated") == 2


def test_an_update_at_an_unchanged_level_is_no_new_escalation(tmp_path):
    """An agent's request escalates (1); the SLA warning at that same level is sent, but escalates nothing (1);
    an impact tag raises the level (2)."""
    clock = Clock(START)
    fake, sla = sla_fake(clock, [ticket(SLA_TICKET, "urgent", ["billing"])], None)  # stopped below
    service = Service(tmp_path, fake, sample_policy(POLICY), clock)
    service.worker.handlers.start()

    def agent_adds(tag: str) -> None:
        fake.tickets[SLA_TICKET]["tags"].append(tag)
        hint = {**sample("trigger_body.json"), "ticket_id": str(SLA_TICKET), "tags": tag, "actor_role": "Agent"}
        assert service.post(hint).status_code == 202
        service.work()

    def counted() -> tuple[float, float]:
        scrape = Scrape(service.http.get("/metrics").get_data(as_text=True))
        return scrape.total("escalator_escalated_total"), scrape.total("escalator_sla_warnings_total")

    try:
        agent_adds("escalate")
        sla.start_clock(fake, SLA_TICKET)  # urgent: the first reply is due in 60 minutes, warned 30 before
        assert counted() == (1, 0)
        service.minutes(35)
        assert counted() == (1, 1)  # the warning went out, at level 1 still
        agent_adds("outage")
        assert counted() == (2, 1)
    finally:
        service.close()
        fake.stop()


def test_sla_warnings_and_breaches_are_counted_by_metric(scraped):
    assert scraped.by("escalator_sla_warnings_total", "metric") == {("first_reply_time",): 1}
    assert scraped.by("escalator_sla_breaches_total", "metric") == {("first_reply_time",): 1}


def test_open_episodes_by_state_and_level(scraped):
    assert scraped.by("escalator_open_escalations", "state", "level") == {("active", "2"): 2, ("active", "3"): 1}


def grafana_series() -> list[tuple[str, dict[str, str]]]:
    """(metric name, label matchers) of every selector in the shipped dashboard's queries."""
    board = json.loads(GRAFANA.read_text())
    exprs = [target["expr"] for panel in board["panels"] for target in panel.get("targets", [])]
    assert exprs, "the dashboard has queries"
    found = []
    for expr in exprs:
        for name, matchers in re.findall(r"(escalator_\w+)(?:\{([^}]*)\})?", expr):
            found.append((name, dict(re.findall(r'(\w+)="([^"]*)"', matchers))))
    return found


def test_the_grafana_dashboard_uses_only_series_a_scrape_has(scraped):
    for name, labels in grafana_series():
        assert any(sample == name and set(labels.items()) <= set(found) for sample, found in scraped.samples), (
            f"{name}{labels} is not in /metrics"
        )
    used = {name for name, _ in grafana_series()}
    assert {
        "escalator_escalated_total",
        "escalator_sla_warnings_total",
        "escalator_sla_breaches_total",
        "escalator_open_escalations",
        "escalator_zendesk_credentials",
    } <= used

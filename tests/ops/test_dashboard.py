"""GET /dashboard through the public path: signed webhooks in, the real worker, then the page as an admin sees it."""

import copy
import html
import logging
import re
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from conftest import sample, sample_policy
from support.databases import open_inbox
from support.fake_audits import AuditEndpoints
from support.fake_oauth import OAuthEndpoints
from support.fake_sla import SlaEndpoints
from support.fake_zendesk import FakeZendesk, Fault
from support.service import CUSTOMER, TICKET, Clock, Service, comment_event, sign_in

from zendesk_escalator.app import create_app
from zendesk_escalator.core.lifecycle.episode import ACTIVE, Episode
from zendesk_escalator.ops.dashboard import agent_tickets
from zendesk_escalator.ops.dashboard_auth import COOKIE
from zendesk_escalator.settings import Settings
from zendesk_escalator.store.escalations import Escalations

TOKEN = "dashboard-token-0123456789"
START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
POLICY = """
[lifecycle]
cadence = { high = "2h" }

[[lifecycle.owners]]
user_id = 900000000031

[sla]
warn_before = "30m"
"""
FAILING = 77  # a ticket whose reads fail with 500: its row is retried
PEOPLE = [
    {"id": 900000000031, "name": "Olga Owner", "role": "agent"},
    {"id": 900000000011, "name": "Lena Lead", "role": "agent"},
]
ORGANIZATION = {"id": 509974, "name": "Customer Corp"}
AGENT = 235323
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def world(tmp_path, made):
    """The service (admin token set) before a fake Zendesk with an SLA clock, time injected."""

    def make(extra_policy: str = "", **settings):
        clock = Clock(START)
        comments = sample("comments_cc.json")
        fake = FakeZendesk(
            {TICKET: sample("ticket_cc.json")},
            {TICKET: comments["comments"]},
            users=comments["users"] + PEOPLE,
            clock=lambda: clock().timestamp(),
            endpoints=[AuditEndpoints(), sla := SlaEndpoints(), OAuthEndpoints(organizations=[ORGANIZATION])],
            fault=lambda method, path, _: Fault(500) if f"/tickets/{FAILING}" in path else None,
        ).start()
        fake.tickets[TICKET].update(email_cc_ids=[], collaborator_ids=[])
        made.append(fake)
        policy = sample_policy(POLICY + extra_policy)
        service = Service(tmp_path, fake, policy, clock, **{"admin_token": TOKEN, **settings})
        service.worker.handlers.start()  # as a starting worker does: the periodic jobs (SLA sweep and feed)
        return service, fake, sla

    return make


def escalated_three_hours_ago(service, fake, sla):
    """A customer's reply CCs the escalation desk at START (its SLA clock running); 3 h 10 min pass."""
    sla.start_clock(fake, TICKET)  # normal priority: the first reply is due in 8 h, at 17:00
    cc = copy.deepcopy(sample("comments_cc.json")["comments"][-1])
    written = fake.add_comment(TICKET, CUSTOMER, "Please escalate.", via=cc["via"])
    event = comment_event(TICKET, written, CUSTOMER, False, f"e-{written['id']}", tags=fake.tickets[TICKET]["tags"])
    assert service.post(event).status_code == 202
    failing = {**sample("trigger_body.json"), "ticket_id": str(FAILING), "tags": "escalate"}
    assert service.post(failing).status_code == 202
    service.work()
    service.clock.advance(12)  # the sweep's next step (one request a run, 5 a minute) reads the ticket
    service.work()
    service.clock.advance(3 * 3600 + 10 * 60 - 12)


def bearer(token: str = TOKEN) -> dict:
    return {"Authorization": f"Bearer {token}"}


def section(page: str, name: str) -> str:
    """The visible text of one section of the page, whitespace folded."""
    found = re.search(rf'<section id="{name}">(.*?)</section>', page, re.S).group(1)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found)).split())


def test_refused_while_no_admin_token_is_set(settings, policy, inbox):
    http = create_app(settings, policy, inbox).test_client()
    for headers in ({}, bearer()):
        answer = http.get("/dashboard", headers=headers)
        assert answer.status_code == 403 and "ESCALATOR_ADMIN_TOKEN" in answer.get_data(as_text=True)
    assert http.get(f"/dashboard?token={TOKEN}").status_code == 403


def test_a_missing_or_wrong_token_is_401_and_the_token_is_never_logged(world, caplog):
    service, _, _ = world()
    caplog.set_level(logging.DEBUG)
    for path, headers in (
        ("/dashboard", {}),
        ("/dashboard", bearer("wrong-token-0123456789")),
        ("/dashboard", {"Authorization": f"Basic {TOKEN}"}),
        ("/dashboard?token=nope", {}),
        ("/dashboard?token=ünïcode", {}),
        (f"/dashboard?token={TOKEN}", {}),
    ):
        answer = service.http.get(path, headers=headers)
        assert answer.status_code == 401, path  # the token in the address opens nothing: logs would keep it
        assert answer.headers["WWW-Authenticate"].startswith("Bearer") and TOKEN not in answer.get_data(as_text=True)
    service.http.set_cookie(COOKIE, TOKEN, path="/dashboard")  # the token itself is not the cookie
    assert service.http.get("/dashboard").status_code == 401
    assert service.http.get("/dashboard", headers=bearer()).status_code == 200
    assert sign_in(service.http, TOKEN).status_code == 303
    assert TOKEN not in caplog.text


def test_the_sign_in_form_gives_a_cookie_that_a_new_token_voids(world):
    service, _, _ = world()
    answer = sign_in(service.http, TOKEN)
    assert answer.status_code == 303 and answer.headers["Location"] == "/dashboard"
    cookie = next(c for c in answer.headers.getlist("Set-Cookie") if c.startswith(COOKIE))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/dashboard" in cookie
    assert TOKEN not in cookie
    assert service.http.get("/dashboard").status_code == 200  # the test client keeps the cookie
    rotated = create_app(
        replace(service.settings, admin_token="x" * 20), service.policy, service.inbox, service.clock
    ).test_client()
    rotated.set_cookie(COOKIE, service.http.get_cookie(COOKIE, path="/dashboard").value, path="/dashboard")
    assert rotated.get("/dashboard").status_code == 401  # a new token voids the old cookies


def test_the_page_shows_the_escalation_its_people_clocks_the_decision_the_inbox_and_the_chart(world):
    service, fake, sla = world()
    escalated_three_hours_ago(service, fake, sla)
    before = len(fake.requests)
    answer = service.http.get("/dashboard", headers=bearer())
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    assert (
        answer.headers["Cache-Control"] == "no-store"
        and "default-src 'none'" in answer.headers["Content-Security-Policy"]
    )
    page = answer.get_data(as_text=True)
    active = section(page, "active")
    assert (
        f"#{TICKET} Dashboard down Customer Corp Dana Customer active 1 (team lead) customer_cc Olga Owner "
        "Lena Lead 3 h 10 min 4 h 50 min left customer update due, 1 h 10 min overdue 1 d 2 h 58 min ago"
    ) in active
    assert f'href="https://acme.zendesk.com/agent/tickets/{TICKET}"' in page
    assert 'title="first reply time, breach at 2026-11-23 17:00 UTC"' in page
    read = [(r.method, r.path) for r in fake.requests[before:]]
    assert sorted(read) == [
        ("GET", "/api/v2/organizations/show_many.json"),
        ("GET", f"/api/v2/tickets/{TICKET}/comments.json"),
        ("GET", "/api/v2/tickets/show_many.json"),
        ("GET", "/api/v2/users/show_many.json"),
    ]
    assert "Zendesk requests for this view: 4" in active
    decisions = section(page, "decisions")
    assert f"3 h 10 min ago #{TICKET} escalated (notification) customer_cc customer_cc at level 1" in decisions
    assert "from the customer was sent to escalation@acme.example" in decisions
    counts = service.inbox.counts()
    health = section(page, "health")
    assert f"{counts['pending']} pending" in health and "1 retrying" in health and f"{counts['dead']} dead" in health
    assert "oldest due row waiting" in health and counts["pending"] >= 3  # SLA timers, lifecycle timer, retry
    chart = re.search(r'<section id="chart">.*?</section>', page, re.S).group(0)
    assert "1 in all" in chart and chart.count("<rect ") == 1 and "2026-11-23: 1 × customer_cc" in chart
    assert "customer_cc (1)" in section(page, "chart") and "11-10" in chart and "11-23" in chart


def test_a_view_each_minute_costs_one_request_per_hundred_open_escalations(world):
    service, fake, sla = world()
    escalated_three_hours_ago(service, fake, sla)
    service.http.get("/dashboard", headers=bearer())
    before = len(fake.requests)
    page = service.http.get("/dashboard", headers=bearer()).get_data(as_text=True)
    assert len(fake.requests) == before and "Zendesk requests for this view: 0" in page  # within the minute: cached
    service.clock.advance(60)
    page = service.http.get("/dashboard", headers=bearer()).get_data(as_text=True)
    assert [r.path for r in fake.requests[before:]] == ["/api/v2/tickets/show_many.json"]
    assert "Zendesk requests for this view: 1" in page and "Olga Owner" in page  # names and replies: cached


def test_a_breach_that_was_escalated_stays_on_the_page_until_zendesk_stops_measuring_it(world):
    service, fake, sla = world("breach_level = 2\nmax_level = 2\n")  # at the top level: no reminder timer follows
    escalated_three_hours_ago(service, fake, sla)
    service.at(datetime(2026, 11, 23, 16, 59, tzinfo=timezone.utc))
    service.minutes(10)  # the breach at 17:00: escalated, its note written
    assert any("first reply time breached" in note for note in fake.notes(TICKET))
    active = section(service.http.get("/dashboard", headers=bearer()).get_data(as_text=True), "active")
    assert "breached 9 min ago" in active and "support manager" in active
    service.clock.advance(5 * 60)
    fake.add_comment(TICKET, AGENT, "We are on it.", public=True)
    sla.agent_replied(fake, TICKET)  # the first reply: Zendesk no longer measures it
    service.clock.advance(5 * 60)
    row = section(service.http.get("/dashboard", headers=bearer()).get_data(as_text=True), "active")
    assert "breached" not in row and "left" not in row and row.endswith("5 min ago")  # the last public reply


def test_filters_by_state_level_owner_and_organization(world):
    service, fake, sla = world()
    escalated_three_hours_ago(service, fake, sla)
    now = service.clock()
    Escalations(service.inbox.database).save(
        Episode(99, ACTIVE, now, 2, "outage", "impact", owner_id=900000000011), now
    )

    def shown(query):
        return section(service.http.get(f"/dashboard?{query}", headers=bearer()).get_data(as_text=True), "active")

    assert f"#{TICKET}" in shown("") and "#99" in shown("")
    assert f"#{TICKET}" in shown("level=1") and "#99" not in shown("level=1")
    assert "#99" in shown("owner=900000000011") and f"#{TICKET}" not in shown("owner=900000000011")
    assert f"#{TICKET}" in shown("organization=509974") and "#99" not in shown("organization=509974")
    assert "No open escalation matches these filters." in shown("state=monitoring")
    assert "#99" in shown("level=x&owner=-1&state=<b>")  # not a value: no filter
    for junk in ("retried=²", "not_dead=1e3", "retried=<b>"):
        assert service.http.get(f"/dashboard?{junk}", headers=bearer()).status_code == 200
    page = service.http.get("/dashboard", headers=bearer()).get_data(as_text=True)
    assert '<option value="509974">Customer Corp</option>' in page and '<option value="2">2 (support manager)' in page


def bury(service, ticket_id: int, error: str) -> list:
    """A webhook row of this ticket that failed for good."""
    now = service.clock().timestamp()
    service.inbox.accept("notification", f"dead-{ticket_id}", ticket_id, {}, now)
    while (rows := service.inbox.claim("test", now, 60)) and rows[0].ticket_id != ticket_id:
        pass  # the periodic jobs' rows: left in this claimer's hands
    service.inbox.bury(rows, "test", now, error)
    return rows


def test_dead_letters_are_listed_with_their_ticket_reason_and_retry_command(world):
    service, fake, _ = world()
    rows = bury(service, 4242, "ZendeskRejected: Zendesk answered 422: assignee is not a member")
    page = service.http.get("/dashboard", headers=bearer()).get_data(as_text=True)
    dead = section(page, "dead-letters")
    row_id = rows[0].id
    assert (
        f"{row_id} #4242 notification 2026-11-23 09:00 UTC ZendeskRejected: Zendesk answered 422: assignee is "
        f"not a member escalator dead-letters retry {row_id}"
    ) in dead
    assert 'method="post"' not in page  # a script with the bearer token gets no form


def test_customer_and_ticket_data_is_escaped(world):
    service, fake, _ = world()
    now = service.clock()
    fake.tickets[99] = {"id": 99, "subject": HOSTILE, "status": "open", "requester_id": 20978392, "tags": []}
    Escalations(service.inbox.database).save(Episode(99, ACTIVE, now, 2, HOSTILE, HOSTILE, (HOSTILE,)), now)
    service.inbox.accept("notification", "hostile", 99, {}, now.timestamp())
    rows = service.inbox.claim("test", now.timestamp(), 60)
    service.inbox.complete(
        rows,
        "test",
        now.timestamp(),
        {"status": "escalated", "rule": HOSTILE, "detail": HOSTILE, "evidence": [HOSTILE], "warnings": [HOSTILE]},
    )
    page = service.http.get("/dashboard", headers=bearer()).get_data(as_text=True)
    assert page.count("<script") == 1 and '<script src="/static/dashboard.js"></script>' in page  # ours alone
    assert "<img" not in page and "onerror=alert(1)>" not in page
    assert page.count("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") >= 7  # subject, reason, rule, chart, decision
    assert HOSTILE in section(page, "active") and HOSTILE in section(page, "decisions")


def test_an_empty_installation_says_so(world):
    service, _, _ = world()
    page = service.http.get("/dashboard", headers=bearer()).get_data(as_text=True)
    assert "No open escalations." in page and "No decisions yet." in page
    assert "no escalations in these days" in page and "0 in all" in page


def test_database_down_after_the_token_is_a_503(settings, policy):
    broken = open_inbox("postgresql://nobody@127.0.0.1:1/none?connect_timeout=1")
    http = create_app(replace(settings, admin_token=TOKEN), policy, broken).test_client()
    assert http.get("/dashboard").status_code == 401
    answer = http.get("/dashboard", headers=bearer())
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "10"


def test_ticket_links_go_to_the_agent_interface_of_the_account():
    assert agent_tickets(Settings(subdomain="acme")) == "https://acme.zendesk.com/agent/tickets/"
    assert (
        agent_tickets(Settings(subdomain="acme", api_url="http://127.0.0.1:9"))
        == "https://acme.zendesk.com/agent/tickets/"
    )  # a proxy for the API; agents still use Zendesk
    assert (
        agent_tickets(Settings(api_url="https://zendesk-proxy.acme.example/"))
        == "https://zendesk-proxy.acme.example/agent/tickets/"
    )
    assert agent_tickets(Settings()) is None

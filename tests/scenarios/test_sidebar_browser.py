"""The ticket sidebar app in a real headless browser. The escalations are made by the real worker against the fake
Zendesk (signed webhooks in, time injected): one active, one monitoring, one closed, and a ticket never escalated.
The service's web app answers over HTTP; tests/support/sidebar_host.py plays Zendesk (the app's pages, a ZAF stub, the
proxy that adds the secure token on the server). Checked: what agents see, what the buttons set in the ticket, no
console errors, the token never in the browser; the screenshot goes to test-artifacts/sidebar-app.png (and to
docs/sidebar-app.png when that is missing, or with UPDATE_SCREENSHOTS=1).
"""

import os
import re
import shutil
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import pytest
from conftest import sample
from support.browser import headless_chromium, needs_browser
from support.processes import ROOT, wait_until
from support.service import AGENT, Clock
from support.sidebar_host import serve, zendesk_host
from support.sidebar_world import TOKEN, escalate_by_cc, fake_zendesk, service_for

from zendesk_escalator.store.escalations import Escalations

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (requirements-dev.txt)")
from selenium.webdriver.common.by import By  # noqa: E402 (selenium may be absent: skipped above)

pytestmark = pytest.mark.e2e
START = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
ACTIVE, MONITORING, CLOSED, NEVER = 35436, 35437, 35438, 35439
STATUS_FIELD = "ticket.customField:custom_field_360010000001"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Three escalations the worker made (closed, monitoring, active), the service over HTTP, and Zendesk's host."""
    tmp, clock = tmp_path_factory.mktemp("sidebar"), Clock(START)
    fake, sla = fake_zendesk([ACTIVE, MONITORING, CLOSED, NEVER], clock)
    service = service_for(tmp, fake, clock)
    escalate_by_cc(service, fake, CLOSED)
    solve(service, fake, CLOSED)
    service.at(START + timedelta(days=3, minutes=5))  # monitoring ends quietly: closed, with the review
    service.work()
    escalate_by_cc(service, fake, MONITORING)
    solve(service, fake, MONITORING)
    sla.start_clock(fake, ACTIVE)  # the first reply is due in 8 h
    escalate_by_cc(service, fake, ACTIVE)
    assert wait_until(lambda: timers_planned(service), timeout=5)
    states = {tid: Escalations(service.inbox.database).current(tid).state for tid in (ACTIVE, MONITORING, CLOSED)}
    assert states == {ACTIVE: "active", MONITORING: "monitoring", CLOSED: "closed"}
    base, stop_service = serve(service.app)
    host = zendesk_host(
        {
            "default": {"service_url": base, "token": TOKEN, "domain_whitelist": ["127.0.0.1"]},
            "stale": {
                "service_url": base,
                "token": "an-old-token-0123456789-0123456789",
                "domain_whitelist": ["127.0.0.1"],
            },
        }
    )
    host_url, stop_host = serve(host)
    yield service, host, host_url
    stop_host()
    stop_service()
    fake.stop()
    service.close()


def solve(service, fake, ticket_id):
    """An agent solves the ticket: monitoring starts."""
    service.clock.advance(40 * 60)
    fake.set_status(ticket_id, "solved", AGENT)
    trigger = {
        **sample("trigger_body.json"),
        "ticket_id": str(ticket_id),
        "status": "solved",
        "tags": " ".join(fake.tickets[ticket_id]["tags"]),
        "updated_at": fake.tickets[ticket_id]["updated_at"],
        "actor_id": str(AGENT),
        "actor_role": "Agent",
    }
    assert service.post(trigger).status_code == 202
    service.work()


def timers_planned(service) -> bool:
    """The sweep's next step planned the active ticket's SLA timers (one ticket read a step)."""
    service.clock.advance(12)
    service.work()
    return bool(
        service.http.get(f"/app/tickets/{ACTIVE}", headers={"Authorization": f"Bearer {TOKEN}"}).get_json()["sla"]
    )


@pytest.fixture
def browser():
    driver = headless_chromium("--window-size=1290,1090", "--force-device-scale-factor=1")
    yield driver
    driver.quit()


def open_frame(browser, title: str) -> str:
    """Switch into one sidebar of the gallery; wait until it rendered; its text."""
    browser.switch_to.default_content()
    browser.switch_to.frame(browser.find_element(By.CSS_SELECTOR, f'iframe[title="{title}"]'))
    assert wait_until(lambda: browser.find_elements(By.ID, "refresh"), timeout=10), browser.page_source
    return browser.find_element(By.TAG_NAME, "main").text


def frames_query(**frames) -> str:
    """The gallery's address: one sidebar per keyword (its title), each with the query of its page."""
    return urlencode(frames)


@needs_browser
def test_agents_see_an_active_a_monitoring_a_closed_and_an_unescalated_ticket(world, browser):
    service, host, host_url = world
    browser.get(
        f"{host_url}/gallery?"
        + frames_query(
            active=f"ticket={ACTIVE}&priority=high",
            monitoring=f"ticket={MONITORING}&priority=high",
            closed=f"ticket={CLOSED}&priority=high",
            never=f"ticket={NEVER}&priority=normal",
        )
    )
    active = open_frame(browser, "active")
    assert "Active" in active and "Level 1 — team lead" in active and "customer_cc" in active
    assert "Max Manager" in active and "was sent to escalation@acme.example" in active
    assert "A public update to the customer every 2 h at high priority." in active
    assert re.search(r"Next update due in 1 h 5\d min \(Mon 23 Nov, 11:4\d\)", active), active
    assert re.search(r"First reply time: breaches in 7 h 5\d min \(Mon 23 Nov, 17:4\d\)", active), active
    assert "Next: customer update due" not in active  # the plan says it
    assert "Technical contact: phone number missing" in active and "escalated — level 1" in active
    first = browser.find_element(By.CSS_SELECTOR, "#sla .countdown").text
    browser.execute_script("const now = Date.now; Date.now = () => now() + 61000;")  # a minute passes
    assert wait_until(lambda: browser.find_element(By.CSS_SELECTOR, "#sla .countdown").text != first, timeout=3)
    assert browser.find_element(By.ID, "deescalate").is_displayed()
    monitoring = open_frame(browser, "monitoring")
    assert "Monitoring" in monitoring and "Next: monitoring ends in 2 d 23 h" in monitoring
    assert "solved: monitoring started" in monitoring and "A public update" not in monitoring  # no plan then
    closed = open_frame(browser, "closed")
    assert "Closed" in closed and "closed: monitoring ended without recurrence" in closed
    assert browser.find_element(By.CSS_SELECTOR, "#review summary").text == "Post-escalation review"
    assert not browser.find_elements(By.ID, "deescalate")
    never = open_frame(browser, "never")
    assert "Not escalated" in never and "This ticket is not escalated." in never
    assert [b.text for b in browser.find_elements(By.CSS_SELECTOR, "#actions button")] == ["Request escalation"]
    screenshot(browser)
    for title in ("active", "monitoring", "closed", "never"):  # the token reached only the service, from the host
        open_frame(browser, title)
        sent = browser.execute_script("return window.zafCalls.request")
        assert sent[0]["headers"] == {"Authorization": "Bearer {{setting.token}}"} and sent[0]["secure"] is True
        assert TOKEN not in browser.page_source
    assert {headers["Authorization"] for _, headers in host.extensions["proxied"]} == {f"Bearer {TOKEN}"}
    browser.switch_to.default_content()
    assert console_errors(browser) == []


@needs_browser
def test_the_buttons_set_the_status_field_and_the_de_escalation_asks_for_the_customers_agreement(world, browser):
    _, _, host_url = world
    browser.get(f"{host_url}/gallery?" + frames_query(active=f"ticket={ACTIVE}&priority=high"))
    open_frame(browser, "active")
    browser.find_element(By.ID, "request").click()
    assert calls(browser, "set") == [[STATUS_FIELD, "escalation_requested"]]
    assert "Submit the ticket" in browser.find_element(By.ID, "told").text
    browser.find_element(By.ID, "deescalate").click()
    reminder = browser.find_element(By.ID, "reminder").text
    assert "internal note records the customer's agreement" in reminder and '"customer agreed"' in reminder
    assert calls(browser, "set") == [[STATUS_FIELD, "escalation_requested"]]  # nothing yet: the agent confirms
    browser.find_element(By.ID, "confirm-deescalate").click()
    assert wait_until(lambda: len(calls(browser, "set")) == 3, timeout=3)
    assert calls(browser, "set")[1:] == [[STATUS_FIELD, "escalation_closed"], ["comment.type", "internalNote"]]
    assert "Record the customer's agreement in the internal note" in browser.find_element(By.ID, "told").text
    assert not [call for call in calls(browser, "invoke") if call[0] != "resize"]  # no tag: the field says it
    browser.switch_to.default_content()
    assert console_errors(browser) == []


@needs_browser
def test_without_a_status_field_the_request_is_the_tag(world, browser):
    service, _, host_url = world
    services = service.app.extensions["escalator"]
    kept = services.policy
    services.policy = replace(kept, fields=replace(kept.fields, status=None))
    try:
        browser.get(f"{host_url}/gallery?" + frames_query(never=f"ticket={NEVER}&priority=normal"))
        open_frame(browser, "never")
        browser.find_element(By.ID, "request").click()
        assert wait_until(lambda: ["ticket.tags.add", "escalate"] in calls(browser, "invoke"), timeout=3)
        assert calls(browser, "set") == []
    finally:
        services.policy = kept


@needs_browser
def test_a_stale_token_says_what_to_do_without_a_console_error_of_its_own(world, browser):
    _, _, host_url = world
    browser.get(f"{host_url}/gallery?" + frames_query(stale=f"ticket={ACTIVE}&priority=high&installation=stale"))
    text = open_frame(browser, "stale")
    assert "Unknown" in text and "the app's token is not the service's (run escalator app install)" in text
    browser.switch_to.default_content()
    assert console_errors(browser) == []


def calls(browser, kind: str) -> list:
    return browser.execute_script(f"return window.zafCalls.{kind}")


def console_errors(browser) -> list:
    return [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def screenshot(browser) -> None:
    browser.switch_to.default_content()
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(artifacts / "sidebar-app.png"))
    docs = ROOT / "docs" / "sidebar-app.png"
    if os.environ.get("UPDATE_SCREENSHOTS") or not docs.exists():
        shutil.copyfile(artifacts / "sidebar-app.png", docs)

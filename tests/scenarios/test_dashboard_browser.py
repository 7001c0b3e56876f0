"""The dashboard in a real headless browser: the Procfile's web and worker processes, signed webhooks (one escalation,
one dead letter), then chromium signs in with Zendesk (the fake's authorization page) as a manager would and opens
/dashboard. The content is checked, the console must be free of errors, axe-core (npm, loaded into the page by the
test) must find no serious or critical accessibility violation, and a screenshot is kept in
test-artifacts/dashboard.png, and copied to docs/dashboard.png for the README when that is missing or with
UPDATE_SCREENSHOTS=1 (so an everyday test run leaves the repository unchanged).
"""

import copy
import json
import os
import shutil
import subprocess

import pytest
import requests
from conftest import SAMPLES, sample, signed_headers
from support.browser import headless_chromium, needs_browser
from support.fake_oauth import OAuthEndpoints
from support.fake_sla import SlaEndpoints
from support.fake_zendesk import FakeZendesk
from support.processes import ROOT, Procs, free_port, service_env, wait_until
from support.service import CUSTOMER, TICKET, comment_event
from support.zendesk_records import OFFICE

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (requirements-dev.txt)")
from selenium.webdriver.common.by import By  # noqa: E402 (selenium may be absent: skipped above)
from selenium.webdriver.support.ui import Select  # noqa: E402

pytestmark = pytest.mark.e2e
TOKEN = "browser-token-0123456789"
CLIENT_SECRET = "browser-client-secret-0123456789"
ARTIFACTS = ROOT / "test-artifacts"
AXE_VERSION = "4.14.1"
AXE = ROOT / ".axe" / "node_modules" / "axe-core" / "axe.min.js"  # git-ignored
HIDDEN = 4242  # a ticket the integration user may not see: its webhook becomes a dead letter
MANAGER = {"id": 900000000031, "name": "Olga Owner", "role": "agent", "custom_role_id": None}
PEOPLE = [MANAGER, {"id": 900000000011, "name": "Lena Lead", "role": "agent"}]
POLICY = """
[[lifecycle.owners]]
user_id = 900000000031

[lifecycle]
cadence = { high = "4h" }

[sla]
warn_before = "30m"

[dashboard]
roles = ["agent"]
"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    """axe-core's script, installed from npm into .axe/ once (skipped, with the reason, when that cannot be)."""
    if not AXE.is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm not found: the accessibility check needs axe-core from npm (apt-get install npm)")
        done = subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(AXE.parents[2]),
                "--no-save",
                "--no-audit",
                "--no-fund",
                f"axe-core@{AXE_VERSION}",
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0 or not AXE.is_file():
            pytest.skip(f"axe-core@{AXE_VERSION} could not be installed from npm: {done.stderr.strip()[-300:]}")
    return AXE.read_text()


@pytest.fixture
def oauth():
    return OAuthEndpoints(organizations=[{"id": 509974, "name": "Customer Corp"}], person=MANAGER["id"])


@pytest.fixture
def fake(oauth):
    """The recorded CC ticket with its SLA clock running (normal priority: 8 h to the first reply)."""
    comments = sample("comments_cc.json")
    sla = SlaEndpoints(schedule=OFFICE)
    server = FakeZendesk(
        {TICKET: sample("ticket_cc.json")},
        {TICKET: comments["comments"]},
        users=comments["users"] + PEOPLE,
        endpoints=[sla, oauth],
    ).start()
    server.tickets[TICKET].update(email_cc_ids=[], collaborator_ids=[])
    server.tickets[HIDDEN] = {"id": HIDDEN, "status": "open", "subject": "Hidden", "tags": []}
    server.hidden.add(HIDDEN)
    sla.start_clock(server, TICKET)
    yield server
    server.stop()


@pytest.fixture
def service(tmp_path, fake, oauth):
    """Web (gunicorn, as the Procfile starts it) and worker, with the admin token and the OAuth client's secret;
    yields the base URL, which the fake's OAuth client has as its redirect URL."""
    rules = tmp_path / "escalation.toml"
    rules.write_text((SAMPLES / "policy.toml").read_text() + POLICY)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    oauth.clients[1] = {
        "id": 1,
        "identifier": "zendesk_escalator",
        "secret": CLIENT_SECRET,
        "kind": "confidential",
        "name": "zendesk-escalator dashboard",
        "redirect_uri": [f"{base}/dashboard/login/callback"],
    }
    # PYTHONPATH: the processes run this checkout's code, wherever the venv's editable install points.
    env = service_env(
        fake.url,
        f"sqlite:///{tmp_path}/inbox.db",
        ESCALATOR_ADMIN_TOKEN=TOKEN,
        ZENDESK_OAUTH_CLIENT_SECRET=CLIENT_SECRET,
        ESCALATOR_RULES=rules,
        PYTHONPATH=ROOT,
    )
    procs = Procs(env, tmp_path / "logs")
    try:
        procs.web(port, workers=1)
        procs.worker()
        yield base
    finally:
        procs.stop_all()


@pytest.fixture
def browser():
    driver = headless_chromium("--window-size=1440,900")
    yield driver
    driver.quit()


def post(base: str, body: dict) -> None:
    raw = json.dumps(body)
    answer = requests.post(f"{base}/webhooks/zendesk", data=raw, headers=signed_headers(raw.encode()), timeout=5)
    assert answer.status_code == 202


def escalate(base: str, fake) -> None:
    """The customer CCs the escalation desk; a webhook names a ticket the service may not read. Wait until the page,
    as a script sees it, shows the decision, the SLA clock and the dead letter."""
    cc = copy.deepcopy(sample("comments_cc.json")["comments"][-1])
    written = fake.add_comment(TICKET, CUSTOMER, "Please escalate.", via=cc["via"])
    post(base, comment_event(TICKET, written, CUSTOMER, False, "e-browser", tags=fake.tickets[TICKET]["tags"]))
    post(base, {**sample("trigger_body.json"), "ticket_id": str(HIDDEN), "tags": "escalate", "actor_role": "Agent"})

    def shown() -> bool:
        page = requests.get(f"{base}/dashboard", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5).text
        return "was sent to escalation@acme.example" in page and " left</span>" in page and "Forbidden" in page

    assert wait_until(shown, timeout=40)


def axe_violations(browser, axe_source: str) -> list[str]:
    """What axe-core finds serious or critical on the page, one line each."""
    browser.execute_script(axe_source)
    found = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document).then(r => done(r.violations), e => done([String(e)]));"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}" if isinstance(v, dict) else v
        for v in found
        if not isinstance(v, dict) or v.get("impact") in ("serious", "critical")
    ]


@needs_browser
def test_a_manager_signs_in_with_zendesk_and_runs_the_day_from_the_dashboard(service, fake, browser, axe_source):
    escalate(service, fake)
    browser.get(f"{service}/dashboard")
    assert browser.title == "zendesk-escalator · sign in"
    assert axe_violations(browser, axe_source) == []
    browser.find_element(By.ID, "zendesk-sign-in").click()  # to Zendesk's page, which sends the browser back
    assert wait_until(lambda: browser.title == "zendesk-escalator · dashboard", timeout=10)
    assert browser.current_url == f"{service}/dashboard"
    assert "signed in as Olga Owner (user 900000000031, agent)" in browser.find_element(By.ID, "who").text
    active = browser.find_element(By.ID, "active").text
    for shown in (
        f"#{TICKET}",
        "Dashboard down",
        "Customer Corp",
        "Dana Customer",
        "Olga Owner",
        "Lena Lead",
        "1 (team lead)",
        "customer_cc",
        " left",
        "customer update due in",
        "ago",
    ):
        assert shown in active, shown
    dead = browser.find_element(By.ID, "dead-letters").text
    assert f"#{HIDDEN}" in dead and "Forbidden" in dead and "escalator dead-letters retry" in dead
    decisions = browser.find_element(By.ID, "decisions").text
    assert "escalated" in decisions and "from the customer was sent to escalation@acme.example" in decisions
    assert browser.find_element(By.CSS_SELECTOR, "#chart svg rect").size["height"] > 50
    assert axe_violations(browser, axe_source) == []
    ARTIFACTS.mkdir(exist_ok=True)
    browser.set_window_size(1440, browser.execute_script("return document.documentElement.scrollHeight") + 140)
    assert browser.save_screenshot(str(ARTIFACTS / "dashboard.png"))
    if os.environ.get("UPDATE_SCREENSHOTS") or not (ROOT / "docs" / "dashboard.png").exists():
        shutil.copyfile(ARTIFACTS / "dashboard.png", ROOT / "docs" / "dashboard.png")
    browser.find_element(By.CSS_SELECTOR, "#dead-letters button").click()  # Retry, with the page's CSRF token
    assert wait_until(lambda: "retried=" in browser.current_url, timeout=10)
    assert "is queued again, due now." in browser.find_element(By.ID, "notice").text
    Select(browser.find_element(By.ID, "f-owner")).select_by_visible_text("Olga Owner")
    browser.find_element(By.CSS_SELECTOR, "form.filters button").click()
    assert wait_until(lambda: browser.current_url.endswith("owner=900000000031&organization="), timeout=10)
    assert f"#{TICKET}" in browser.find_element(By.ID, "active").text
    errors = [
        entry
        for entry in browser.get_log("browser")
        if entry["level"] == "SEVERE" and "status of 401" not in entry["message"]
    ]  # the sign-in page is a 401, for scripts' sake
    assert errors == []

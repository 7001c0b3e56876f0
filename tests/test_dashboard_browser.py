"""The dashboard in a real headless browser: the Procfile's web and worker processes, a signed webhook, an escalation,
then chromium opens /dashboard as an admin would; the content is checked, the console must be free of errors and a
screenshot is kept in test-artifacts/dashboard.png.
"""

import copy
import json
import shutil

import pytest
import requests

from conftest import SAMPLES, sample, signed_headers
from fake_sla import SlaEndpoints
from fake_zendesk import FakeZendesk
from processes import ROOT, Procs, free_port, service_env, wait_until
from service import CUSTOMER, TICKET, comment_event

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (requirements-dev.txt)")
from selenium.webdriver.common.by import By  # noqa: E402 (selenium may be absent: skipped above)

pytestmark = pytest.mark.e2e
TOKEN = "browser-token-0123456789"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
ARTIFACTS = ROOT / "test-artifacts"
OWNER = """
[[lifecycle.owners]]
user_id = 900000000031
"""

needs_browser = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="chromium or chromedriver not found "
                                   "(Debian: apt-get install chromium chromium-driver; .ci/run installs them)")


@pytest.fixture
def fake():
    """The recorded CC ticket with its SLA clock running (normal priority: 8 h to the first reply)."""
    comments = sample("comments_cc.json")
    sla = SlaEndpoints()
    server = FakeZendesk({TICKET: sample("ticket_cc.json")}, {TICKET: comments["comments"]}, users=comments["users"],
                         endpoints=[sla]).start()
    server.tickets[TICKET].update(email_cc_ids=[], collaborator_ids=[])
    sla.start_clock(server, TICKET)
    yield server
    server.stop()


@pytest.fixture
def service(tmp_path, fake):
    """Web (gunicorn, as the Procfile starts it) and worker, with the admin token; yields the base URL."""
    rules = tmp_path / "escalation.toml"
    rules.write_text((SAMPLES / "policy.toml").read_text() + OWNER + '\n[sla]\nwarn_before = "30m"\n')
    # PYTHONPATH: the processes run this checkout's code, wherever the venv's editable install points.
    env = service_env(fake.url, f"sqlite:///{tmp_path}/inbox.db", ESCALATOR_ADMIN_TOKEN=TOKEN,
                      ESCALATOR_RULES=rules, PYTHONPATH=ROOT)
    procs = Procs(env, tmp_path / "logs")
    port = free_port()
    try:
        procs.web(port, workers=1)
        procs.worker()
        yield f"http://127.0.0.1:{port}"
    finally:
        procs.stop_all()


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    yield driver
    driver.quit()


def escalate(base: str, fake) -> None:
    """The customer CCs the escalation desk; wait until the page, as a script sees it, shows the decision."""
    cc = copy.deepcopy(sample("comments_cc.json")["comments"][-1])
    written = fake.add_comment(TICKET, CUSTOMER, "Please escalate.", via=cc["via"])
    raw = json.dumps(comment_event(TICKET, written, CUSTOMER, False, "e-browser", tags=fake.tickets[TICKET]["tags"]))
    answer = requests.post(f"{base}/webhooks/zendesk", data=raw, headers=signed_headers(raw.encode()), timeout=5)
    assert answer.status_code == 202

    def shown() -> bool:
        page = requests.get(f"{base}/dashboard", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5).text
        active = page.split('<section id="active">', 1)[-1].split("</section>", 1)[0]
        # the decision, and the SLA timers (the sweep plans them in its second run, 12 s after the start)
        return "was sent to escalation@acme.example" in page and " left" in active

    assert wait_until(shown, timeout=30)


@needs_browser
def test_an_admin_opens_the_dashboard_in_a_browser(service, fake, browser):
    escalate(service, fake)
    browser.get(f"{service}/dashboard")
    assert browser.title == "zendesk-escalator · sign in"
    browser.find_element(By.ID, "token").send_keys(TOKEN)
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()  # POST with its CSRF field
    assert browser.current_url == f"{service}/dashboard"  # the token never was in the address; a cookie keeps us in
    assert browser.title == "zendesk-escalator · dashboard"
    active = browser.find_element(By.ID, "active").text
    assert f"#{TICKET}" in active and "customer_cc" in active and "user 900000000031" in active
    assert "1 (team lead)" in active and " left" in active
    decisions = browser.find_element(By.ID, "decisions").text
    assert "escalated" in decisions and "from the customer was sent to escalation@acme.example" in decisions
    health = browser.find_element(By.ID, "health").text
    assert "pending" in health and "dead" in health and "oldest due row waiting" in health
    bar = browser.find_element(By.CSS_SELECTOR, "#chart svg rect")
    assert bar.is_displayed() and bar.size["height"] > 50
    assert "customer_cc (1)" in browser.find_element(By.ID, "chart").text
    ARTIFACTS.mkdir(exist_ok=True)
    browser.set_window_size(1280, browser.execute_script("return document.documentElement.scrollHeight") + 140)
    assert browser.save_screenshot(str(ARTIFACTS / "dashboard.png"))
    browser.refresh()  # the cookie alone opens it again
    assert f"#{TICKET}" in browser.find_element(By.ID, "active").text
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"
              and "status of 401" not in entry["message"]]  # the sign-in page is a 401, for scripts' sake
    assert errors == []

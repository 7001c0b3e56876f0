"""Shared fixtures: sample payloads, policy, settings, inboxes, Zendesk-style signing."""

import json
import os
from datetime import datetime, timezone
from pathlib import Path

# In-process tests count in memory; prometheus_client picks its mode when first imported, below.
os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)

import pytest

# The shared checks in tests/support explain their failures like a test's own asserts.
pytest.register_assert_rewrite("support")

import requests
from support import contract_check, fuzzing, zendesk_contract
from support.databases import open_inbox
from support.fake_zendesk import FakeZendesk

from zendesk_escalator.schemas.policy_file import load_policy, parse_policy
from zendesk_escalator.settings import Settings
from zendesk_escalator.signature import sign
from zendesk_escalator.store.handle import Database
from zendesk_escalator.store.inbox import Inbox
from zendesk_escalator.store.migrate import VERSION_TABLE
from zendesk_escalator.store.schema import metadata

pytest_plugins = ["support.fake_chat", "support.check_account"]  # `chat`; `zendesk` and `service` of check tests

SAMPLES = Path(__file__).parent / "samples"
SECRET = "dGVzdC1zZWNyZXQtZm9yLXdlYmhvb2tz"
API = "https://acme.zendesk.com/api/v2"
PG_URL = os.environ.get("TEST_DATABASE_URL")
# Appended to the sample policy: a lifecycle with a short cadence and one owner.
LIFECYCLE = """
[lifecycle]
monitoring = "3d"
missed_updates = 2
cadence = { high = "2h", urgent = "1h" }

[[lifecycle.owners]]
user_id = 900000000031
"""
# Appended to the sample policy: a route naming a form, a brand and organizations (for `check`).
EXTRA_ROUTE = """
[[routes]]
group_id = 360000000004
when = { form_id = 360000144212, brand_id = [360002783572], organization_id = [509974, 509975] }
"""


def sample(name: str) -> dict:
    """Load a recorded payload from tests/samples."""
    return json.loads((SAMPLES / name).read_text())


def signed_headers(body: bytes, secret: str = SECRET, when: datetime | None = None) -> dict:
    """Headers exactly as Zendesk sends them for this body."""
    timestamp = (when or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "X-Zendesk-Webhook-Signature": sign(secret, timestamp, body),
        "X-Zendesk-Webhook-Signature-Timestamp": timestamp,
        "Content-Type": "application/json",
    }


# Settings a test must never take from the person running it: their shell or the checkout's .env
# may hold a real account's credentials (the README has them put them there).
ADMIN_PREFIXES = ("ZENDESK_", "ESCALATOR_")
ADMIN_NAMES = ("DATABASE_URL", "LOG_FORMAT", "LOG_LEVEL", "HOST", "PORT")


@pytest.fixture(autouse=True)
def isolated_from_the_admin(tmp_path_factory):
    """Each test starts without the caller's ZENDESK_*/ESCALATOR_* (and database, log, listen) variables,
    in an empty directory, so no `.env` is read unless the test writes one; what it loads is undone after
    (here, not with monkeypatch: this runs first and is undone last)."""
    before, cwd = dict(os.environ), os.getcwd()
    for key in before:
        if key.startswith(ADMIN_PREFIXES) or key in ADMIN_NAMES:
            del os.environ[key]
    os.chdir(tmp_path_factory.mktemp("cwd"))
    yield
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(before)


@pytest.fixture
def policy():
    return load_policy(SAMPLES / "policy.toml")


@pytest.fixture
def settings(tmp_path):
    return Settings(
        subdomain="acme",
        email="bot@acme.example",
        api_token="t0ken",
        webhook_secrets=(SECRET,),
        database_url=f"sqlite:///{tmp_path}/inbox.db",
        rules_path=str(SAMPLES / "policy.toml"),
        api_timeout=2.0,
    )


def drop_everything(database: Database) -> None:
    """Drop the service's tables and its migration record (the PostgreSQL database persists)."""
    metadata.drop_all(database.engine)
    with database.engine.begin() as conn:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {VERSION_TABLE}")


def fresh_pg_inbox() -> Inbox:
    """The PostgreSQL inbox with its tables dropped and migrated anew."""
    inbox = open_inbox(PG_URL)
    drop_everything(inbox.database)
    inbox.database.migrate()
    return inbox


@pytest.fixture(params=["sqlite", "postgres"])
def any_inbox(request, tmp_path):
    """The same tests on SQLite and, when TEST_DATABASE_URL is set, PostgreSQL."""
    if request.param == "postgres":
        if not PG_URL:
            pytest.skip("TEST_DATABASE_URL not set: PostgreSQL tests skipped")
        inbox = fresh_pg_inbox()
    else:
        inbox = open_inbox(f"sqlite:///{tmp_path}/inbox.db")
        inbox.database.migrate()
    yield inbox
    inbox.database.close()


@pytest.fixture
def inbox(tmp_path):
    inbox = open_inbox(f"sqlite:///{tmp_path}/inbox.db")
    inbox.database.migrate()
    yield inbox
    inbox.database.close()


def sample_policy(extra: str = ""):
    """The sample policy with `extra` appended (a section a test adds)."""
    return parse_policy((SAMPLES / "policy.toml").read_text() + extra)


@pytest.fixture
def made():
    """The fake servers a test's world started (append them): stopped after the test."""
    fakes = []
    yield fakes
    for fake in fakes:
        fake.stop()


@pytest.fixture(scope="module")
def fake_server():
    """One fake Zendesk for a test module (each costs half a second to stop); tests reset what they use."""
    fake = FakeZendesk({}).start()
    yield fake
    fake.stop()


def pytest_configure(config):
    requests.Session.send = contract_check.checked_send  # and FakeZendesk checks what reaches it


def pytest_unconfigure(config):
    requests.Session.send = contract_check.original_send


@pytest.fixture(autouse=True)
def zendesk_contract_kept():
    """Fail the test if a request it made the service send is not what Zendesk's API description allows."""
    yield
    found = contract_check.take_problems()
    if found:
        pytest.fail(
            "requests that break Zendesk's API description (tests/support/zendesk_contract.py; known gaps in "
            "tests/support/zendesk_gaps.py):\n" + "\n".join(f"- {p}" for p in found),
            pytrace=False,
        )


def pytest_sessionfinish(session, exitstatus):
    if contract_check.problems:  # sent after the last test's teardown (a module's fake stopping, say)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    """Say how many cases the fuzz tests tried and how many requests were checked against Zendesk's description.

    One hook: a second function of the same name in this module would replace the first.
    """
    if fuzzing.TRIED:
        terminalreporter.write_sep("-", "fuzz cases tried")
        fuzzing.summary(terminalreporter.write_line)
    if not zendesk_contract.available():
        terminalreporter.write_line(
            f"Zendesk contract: NOT checked ({zendesk_contract.OAS} is missing; set "
            "ZENDESK_OAS_DIR to the folder of Zendesk's OpenAPI description)"
        )
        return
    doors = ", ".join(f"{n} {door}" for door, n in sorted(contract_check.checked.items())) or "none"
    terminalreporter.write_line(
        f"Zendesk contract: {sum(contract_check.checked.values())} requests checked "
        f"against Zendesk's API description ({doors})"
    )
    for problem in contract_check.take_problems():
        terminalreporter.write_line(f"  after the last test: {problem}")

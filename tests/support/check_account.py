"""A healthy Zendesk account for `escalator check` (the fake admin API), the service at its webhook's address, and a
run of the check that reads its table. Its fixtures (service, zendesk) are a pytest plugin (tests/conftest.py)."""

import copy
import re

import pytest
from conftest import EXTRA_ROUTE, SAMPLES, sample_policy
from support.databases import open_inbox
from support.fake_admin import FakeAdmin, serve
from support.fake_apps import FakeApps
from support.fake_webhooks import flask_server
from support.fake_zendesk import INTEGRATION_USER

from zendesk_escalator.app import create_app
from zendesk_escalator.ops.check import run_check
from zendesk_escalator.ops.setup_triggers import desired_triggers
from zendesk_escalator.settings import Settings
from zendesk_escalator.zendesk.client import build_admin

GROUPS = [
    {"id": gid, "name": name}
    for gid, name in [
        (360000000001, "Tier 2"),
        (360000000002, "Security"),
        (360000000003, "Billing"),
        (360000000004, "Key accounts"),
    ]
]


AGENTS = [
    {"id": uid, "name": name, "role": "agent", "active": True}
    for uid, name in [
        (900000000011, "Lead"),
        (900000000012, "Manager"),
        (900000000013, "Head"),
        (900000000021, "Sec lead"),
    ]
]


FIELDS = [
    {
        "id": 360010000001,
        "type": "tagger",
        "title": "Escalation status",
        "active": True,
        "custom_field_options": [
            {"id": 1, "name": "Active", "value": "escalation_active"},
            {"id": 2, "name": "Req", "value": "escalation_requested"},
        ],
    },
    {"id": 360010000002, "type": "integer", "title": "Escalation level", "active": True},
    {"id": 360010000003, "type": "text", "title": "Escalation reason", "active": True},
    {"id": 360010000004, "type": "text", "title": "Escalated at", "active": True},
    {
        "id": 360010000005,
        "type": "tagger",
        "title": "Topic",
        "active": True,
        "custom_field_options": [{"id": 3, "name": "Billing", "value": "billing"}],
    },
]


WEBHOOK = {
    "id": "01HZ0000000000000000000001",
    "name": "zendesk-escalator",
    "status": "active",
    "endpoint": "https://esc.example.com/webhooks/zendesk",
    "subscriptions": ["conditional_ticket_events"],
}


SECRET = f"secret-of-{WEBHOOK['id']}"  # what the fake's signing_secret answers


CATEGORY = {"id": "7000000100", "name": "zendesk-escalator", "position": 0}


GUARD = {"field": "role", "operator": "is_not", "value": str(INTEGRATION_USER)}


POLICY = sample_policy(EXTRA_ROUTE)


TRIGGERS = [
    {"id": 7000000200 + n, **trigger}
    for n, trigger in enumerate(  # as setup made them for this policy
        desired_triggers(POLICY, WEBHOOK["id"], CATEGORY["id"], GUARD), 1
    )
]


FORM = {"id": 360000144212, "name": "Outage", "active": True, "ticket_field_ids": [34, 35, *(f["id"] for f in FIELDS)]}


ACCOUNT = {
    "groups": GROUPS,
    "fields": FIELDS,
    "webhooks": [WEBHOOK],
    "forms": [FORM],
    "brands": [{"id": 360002783572, "name": "Acme", "active": True}],
    "organizations": [{"id": 509974, "name": "Big"}, {"id": 509975, "name": "Bigger"}],
    "categories": [CATEGORY],
    "triggers": TRIGGERS,
}


@pytest.fixture
def service(tmp_path):
    """The service's web app holding `secrets`, as it answers at the webhook's address; and its inbox."""

    def start(secrets=(SECRET,)):
        settings = Settings(webhook_secrets=secrets, database_url=f"sqlite:///{tmp_path}/service.db")
        inbox = open_inbox(settings.database_url)
        return flask_server(create_app(settings, POLICY, inbox).test_client()), inbox

    return start


@pytest.fixture
def zendesk(fake_server, service):
    """A healthy account, the service answering at its webhook's address; a test spoils what it is about."""

    def start(network=None, **changes):
        network = {WEBHOOK["endpoint"]: service()[0]} if network is None else network
        fake = serve(fake_server, FakeAdmin(**{**copy.deepcopy(ACCOUNT), **changes}, network=network), AGENTS)
        fake.endpoints.append(FakeApps())  # no sidebar app yet
        fake.groups[360000000002] = {900000000021}  # the security lead of routes[1] is in its group
        return fake

    return start


def check(tmp_path, capsys, fake, policy_text=None, **settings):
    rules = tmp_path / "policy.toml"
    rules.write_text(policy_text or (SAMPLES / "policy.toml").read_text() + EXTRA_ROUTE)
    base = Settings(
        subdomain="acme",
        email="bot@acme.example",
        api_token="t0ken",
        api_url=fake.url,
        webhook_secrets=("an-old-one", SECRET),
    )
    code = run_check(Settings(**{**base.__dict__, **settings}), str(rules), build_admin)
    lines = capsys.readouterr().out.splitlines()
    rows = {subject: status for status, subject, _ in (re.split(r"\s{2,}", line, maxsplit=2) for line in lines[:-1])}
    return code, rows, lines


def row_detail(lines: list[str], subject: str) -> str:
    """The detail of the row about `subject`."""
    return next(
        re.split(r"\s{2,}", line, maxsplit=2)[2] for line in lines if re.match(rf"^\S+\s+{re.escape(subject)}\s", line)
    )

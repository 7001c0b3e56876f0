"""`escalator setup` against the fake Zendesk: what goes on the wire, on a first run, a second, a dry run."""

import json
from dataclasses import replace
from pathlib import Path

import pytest

from fake_admin import FakeAdmin, serve
from fake_zendesk import INTEGRATION_USER
from zendesk_escalator.cli import main
from zendesk_escalator.core.policy import FieldIds
from zendesk_escalator.errors import ZendeskAdminError
from zendesk_escalator.ops.setup import run_setup
from zendesk_escalator.schemas import TRIGGER_BODY_TEMPLATE
from zendesk_escalator.settings import Settings
from zendesk_escalator.wiring import build_admin

URL = "https://esc.example.com/webhooks/zendesk"
EXAMPLE = str(Path(__file__).parents[2] / "examples" / "escalation.toml")
TITLES = ["ticket created", "customer update", "escalation requested", "impact level 2", "impact level 3",
          "escalation lifecycle"]


@pytest.fixture
def zendesk(fake_server):
    """A fresh fake admin API: start(**FakeAdmin options)."""
    return lambda **options: serve(fake_server, FakeAdmin(**options))


@pytest.fixture
def unset(policy):
    """The policy before setup: no field ids yet."""
    return replace(policy, fields=FieldIds())


def set_up(fake, policy, url=URL, dry_run=False, secrets=()):
    settings = Settings(subdomain="acme", email="bot@acme.example", api_token="t0ken", api_url=fake.url)
    admin = build_admin(settings)
    run_setup(admin, policy, url, dry_run, secrets)
    return admin.session


def writes(fake, since: int = 0) -> list:
    """What was sent to change something: (method, path, JSON body)."""
    return [(r.method, r.path, r.body) for r in fake.requests[since:] if r.method != "GET"]


def test_first_run_creates_everything_with_the_documented_trigger_body(zendesk, unset, capsys):
    fake = zendesk()
    session = set_up(fake, unset)
    sent = writes(fake)
    fields = [body["ticket_field"] for method, path, body in sent if path == "/api/v2/ticket_fields.json"]
    assert [(f["type"], f["title"]) for f in fields] == [("tagger", "Escalation status"), ("integer", "Escalation level"),
                                                         ("text", "Escalation reason"), ("text", "Escalated at")]
    assert fields[0]["custom_field_options"] == [{"name": "Escalation active", "value": "escalation_active"},
                                                 {"name": "Escalation requested", "value": "escalation_requested"},
                                                 {"name": "Escalation monitoring", "value": "escalation_monitoring"},
                                                 {"name": "Escalation closed", "value": "escalation_closed"}]
    (webhook,) = [body["webhook"] for method, path, body in sent if path == "/api/v2/webhooks"]
    assert {k: webhook[k] for k in ("endpoint", "http_method", "request_format", "subscriptions")} == {
        "endpoint": URL, "http_method": "POST", "request_format": "json", "subscriptions": ["conditional_ticket_events"]}
    admin_api = fake.endpoints[0]
    (webhook_id,), (category_id,) = admin_api.webhooks, admin_api.categories
    triggers = [body["trigger"] for method, path, body in sent if path == "/api/v2/triggers.json"]
    assert [t["title"] for t in triggers] == [f"zendesk-escalator: {title}" for title in TITLES]
    for trigger in triggers:
        assert trigger["category_id"] == category_id
        assert trigger["actions"][0]["value"][0] == webhook_id
        assert json.loads(trigger["actions"][0]["value"][1]) == TRIGGER_BODY_TEMPLATE
    assert session.total == 5 + len(sent)  # fields, webhooks, categories, definitions, secret; no trigger list
    out = capsys.readouterr().out
    status_id = next(f["id"] for f in admin_api.fields.values() if f["title"] == "Escalation status")
    assert f"[fields]\nstatus = {status_id}\n" in out
    assert f"ZENDESK_WEBHOOK_SECRET=secret-of-{webhook_id}" in out


def test_second_run_finds_everything_and_writes_nothing(zendesk, unset, capsys):
    fake = zendesk()
    set_up(fake, unset)
    before = len(fake.requests)
    session = set_up(fake, unset)
    assert fake.requests[before:] and all(r.method == "GET" for r in fake.requests[before:])
    assert session.total == 6  # fields, webhooks, categories, definitions, triggers of the category, secret
    out = capsys.readouterr().out.split("zendesk-escalator setup for")[2]
    assert out.count("unchanged") == 4 + 1 + 1 + len(TITLES) and "  created " not in out


def test_a_new_endpoint_updates_only_the_webhook(zendesk, unset):
    fake = zendesk()
    set_up(fake, unset)
    before = len(fake.requests)
    set_up(fake, unset, url="https://moved.example.com/webhooks/zendesk")
    (webhook_id,) = fake.endpoints[0].webhooks
    assert writes(fake, before) == [
        ("PATCH", f"/api/v2/webhooks/{webhook_id}", {"webhook": {"endpoint": "https://moved.example.com/webhooks/zendesk"}})]


def test_dry_run_sends_no_write_and_says_what_it_would_do(zendesk, unset, capsys):
    fake = zendesk()
    set_up(fake, unset, dry_run=True)
    assert writes(fake) == []
    out = capsys.readouterr().out
    assert "DRY RUN" in out and out.count("  create ") == 4 + 1 + 1 + len(TITLES)
    set_up(fake, unset)
    before = len(fake.requests)
    set_up(fake, unset, url="https://moved.example.com/webhooks/zendesk", dry_run=True)
    assert writes(fake, before) == []
    assert "  update     webhook   zendesk-escalator" in capsys.readouterr().out


def test_the_admins_field_options_are_kept_when_ours_is_added(zendesk, policy):
    status = {"id": 360010000001, "type": "tagger", "title": "Escalation", "active": True, "removable": True,
              "custom_field_options": [{"id": 5, "name": "Active", "value": "escalation_active"},
                                       {"id": 6, "name": "Watching", "value": "escalation_watch"}]}
    fake = zendesk(fields=[status])
    set_up(fake, policy)
    (put,) = [body for method, path, body in writes(fake) if path == "/api/v2/ticket_fields/360010000001.json"]
    assert put == {"ticket_field": {"custom_field_options": [
        {"id": 5, "name": "Active", "value": "escalation_active"}, {"id": 6, "name": "Watching", "value": "escalation_watch"},
        {"name": "Escalation requested", "value": "escalation_requested"},
        {"name": "Escalation monitoring", "value": "escalation_monitoring"},
        {"name": "Escalation closed", "value": "escalation_closed"}]}}


def test_loop_guard_falls_back_to_update_via_and_says_so(zendesk, unset, capsys):
    fake = zendesk(offers_integration_user=False)
    set_up(fake, unset)
    triggers = [body["trigger"] for method, path, body in writes(fake) if path == "/api/v2/triggers.json"]
    via = {"field": "current_via_id", "operator": "is_not", "value": "5"}
    assert all(via in t["conditions"]["all"] and all(c["field"] != "role" or c["value"] == "end_user"
                                                     for c in t["conditions"]["all"]) for t in triggers)
    assert "does not offer the integration user (900000000001)" in capsys.readouterr().out


def test_without_an_integration_user_in_the_policy_the_credentials_user_is_guarded(zendesk, unset):
    fake = zendesk()
    session = set_up(fake, replace(unset, integration_user_id=None))
    assert session.calls[("GET", "/api/v2/users/me.json", 200)] == 1
    (created, *_) = [body["trigger"] for method, path, body in writes(fake) if path == "/api/v2/triggers.json"]
    assert {"field": "role", "operator": "is_not", "value": str(INTEGRATION_USER)} in created["conditions"]["all"]


def test_an_account_without_trigger_categories(zendesk, unset, capsys):
    fake = zendesk(categories_enabled=False)
    set_up(fake, unset)
    set_up(fake, unset)
    triggers = fake.endpoints[0].triggers.values()
    assert len(triggers) == len(TITLES) and all(t["category_id"] is None for t in triggers)
    assert "Trigger categories are not enabled" in capsys.readouterr().out


def test_a_secret_already_set_is_not_printed_again(zendesk, policy, capsys):
    fake = zendesk()
    set_up(fake, policy)
    (webhook_id,) = fake.endpoints[0].webhooks
    capsys.readouterr()
    set_up(fake, policy, secrets=(f"secret-of-{webhook_id}", "old"))
    out = capsys.readouterr().out
    assert "already holds this webhook's secret" in out and "ZENDESK_WEBHOOK_SECRET=" not in out


def test_403_says_the_user_is_not_an_admin(zendesk, unset):
    fake = zendesk()
    fake.users[INTEGRATION_USER]["role"] = "agent"
    with pytest.raises(ZendeskAdminError) as caught:
        set_up(fake, unset)
    assert caught.value.request == "POST /api/v2/ticket_fields.json" and "must be an admin" in str(caught.value)


def test_422_shows_zendesks_details_through_the_command(zendesk, monkeypatch, capsys):
    taken = {"id": 42, "type": "tagger", "title": "Old escalation", "active": True, "removable": True,
             "custom_field_options": [{"id": 7, "name": "Active", "value": "escalation_active"}]}
    fake = zendesk(fields=[taken])
    for key, value in {"ZENDESK_SUBDOMAIN": "acme", "ZENDESK_EMAIL": "bot@acme.example", "ZENDESK_API_TOKEN": "t",
                       "ZENDESK_API_URL": fake.url}.items():
        monkeypatch.setenv(key, value)
    assert main(["setup", "--url", URL, "--rules", EXAMPLE]) == 1
    assert capsys.readouterr().err.strip() == (
        "escalator: POST /api/v2/ticket_fields.json: Zendesk rejected the request (422): Zendesk says: "
        "base: Tag escalation_active is already used by another field")


@pytest.mark.parametrize("url", ["esc.example.com", "https://esc.example.com/webhooks/zendesk/",
                                 "https://esc.example.com/webhooks/zendesk?x=1", "https:///webhooks/zendesk"])
def test_a_url_that_is_not_the_webhook_address_is_refused_before_any_call(zendesk, unset, url):
    fake = zendesk()
    with pytest.raises(Exception, match="ending in /webhooks/zendesk"):
        set_up(fake, unset, url=url)
    assert fake.requests == []


def test_a_plain_http_address_is_set_up_with_a_warning(zendesk, unset, capsys):
    set_up(zendesk(), unset, url="http://esc.example.com/webhooks/zendesk", dry_run=True)
    assert "Warning: http:// sends every webhook, ticket data included, unencrypted" in capsys.readouterr().out

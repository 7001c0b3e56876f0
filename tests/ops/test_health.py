"""Health, readiness and metrics endpoints; start-up refusals."""

import json
from dataclasses import replace

import pytest
from conftest import sample, signed_headers
from support.databases import open_inbox

from zendesk_escalator.app import create_app
from zendesk_escalator.errors import ConfigError


def test_healthz_says_dry_run(settings, policy, inbox):
    http = create_app(replace(settings, dry_run=True), policy, inbox).test_client()
    assert http.get("/healthz").json == {"status": "ok", "dry_run": True, "zendesk_credentials": "unknown"}


def test_readyz_follows_the_database(settings, policy, inbox):
    answer = create_app(settings, policy, inbox).test_client().get("/readyz")
    assert answer.status_code == 200 and answer.json == {"status": "ready", "zendesk_credentials": "unknown"}


def test_database_down_at_start_up_answers_503_not_crash(settings, policy):
    broken = open_inbox("postgresql://nobody@127.0.0.1:1/none?connect_timeout=1")
    http = create_app(settings, policy, broken).test_client()
    assert http.get("/healthz").status_code == 200
    assert http.get("/readyz").status_code == 503
    raw = json.dumps(sample("trigger_body.json")).encode()
    answer = http.post("/webhooks/zendesk", data=raw, headers=signed_headers(raw))
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "10"
    assert "escalator_inbox_up 0" in http.get("/metrics").get_data(as_text=True)


def test_metrics_count_answers_and_rows(settings, policy, inbox):
    http = create_app(settings, policy, inbox).test_client()
    raw = json.dumps(sample("trigger_body.json")).encode()
    http.post("/webhooks/zendesk", data=raw, headers=signed_headers(raw))
    http.post("/webhooks/zendesk", data=b"{", headers=signed_headers(b"{"))
    text = http.get("/metrics").get_data(as_text=True)
    assert 'escalator_webhooks_total{result="accepted"} 1' in text
    assert 'escalator_webhooks_total{result="bad_payload"} 1' in text
    assert 'escalator_inbox_rows{status="pending"} 1' in text
    assert "escalator_inbox_up 1" in text


def test_bad_policy_file_stops_start_up(settings, tmp_path):
    bad = tmp_path / "escalation.toml"
    bad.write_text('[escalation]\naddresses = ["nope"]\n')
    with pytest.raises(ConfigError, match=r"escalation\.addresses\[1\]"):
        create_app(replace(settings, rules_path=str(bad)))

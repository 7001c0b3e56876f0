"""`escalator report` on a store filled through the public path: webhooks, the worker, the SLA clock."""

import csv
import io
import json
from datetime import datetime, timedelta, timezone

import pytest
from support.report_world import OWNER, busy_hours, make_world, policy_text

from zendesk_escalator.cli import main


@pytest.fixture
def filled(tmp_path, monkeypatch):
    """75 minutes of escalations that ended an hour ago; the command's environment points at their store."""
    start = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(hours=2, minutes=15)
    service, fake, sla = make_world(tmp_path, start)
    busy_hours(service, fake, sla)
    rules = tmp_path / "policy.toml"
    rules.write_text(policy_text())
    monkeypatch.chdir(tmp_path)  # no .env here
    for key, value in {
        "ZENDESK_SUBDOMAIN": "acme",
        "ZENDESK_EMAIL": "bot@acme.example",
        "ZENDESK_API_TOKEN": "t0ken",
        "ZENDESK_API_URL": fake.url,
        "DATABASE_URL": service.settings.database_url,
    }.items():
        monkeypatch.setenv(key, value)
    yield fake, str(rules)
    service.close()
    fake.stop()


def test_json_counts_the_day_and_reads_zendesk_once_for_the_owners_name(filled, capsys):
    fake, rules = filled
    before = len(fake.requests)
    assert main(["report", "--format", "json", "--rules", rules]) == 0
    out, err = capsys.readouterr()
    found = json.loads(out)
    assert found["opened"] == {"total": 3, "by_reason": {"sla_warning": 2, "manual": 1}}
    assert found["closed"] == {"total": 1, "by_cause": {"monitored": 1}}
    assert found["time_in_escalation_minutes"]["closed"]["count"] == 1
    assert found["open"]["active"] == 2 and found["open"]["monitoring"] == 0
    assert [(t["key"], t["active"]) for t in found["open"]["by_level"]] == [("1", 1), ("2", 1)]
    assert found["open"]["by_owner"] == [{"key": str(OWNER), "label": "Dana Lee", "active": 2, "monitoring": 0}]
    assert found["sla"] == {
        "warnings": 2,
        "breaches": 1,
        "reminders": 0,
        "breaches_avoided": 1,
        "breaches_avoided_tickets": [1],
        "breached_after_warning": 1,
        "at_risk": 0,
    }
    asked = [(r.method, r.path) for r in fake.requests[before:]]
    assert asked == [("GET", "/api/v2/users/show_many.json")]
    assert err == "escalator report: 1 Zendesk API request(s) (owner names)\n"


def test_markdown_by_default_and_csv_on_request(filled, capsys):
    fake, rules = filled
    assert main(["report", "--rules", rules]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# Escalations: status report\n") and "- Breaches avoided: 1 (#1);" in text
    assert "- Dana Lee: 2 active" in text
    assert main(["report", "--since", "1h", "--format", "csv", "--rules", rules]) == 0
    rows = {(r["metric"], r["by"], r["key"]): r["value"] for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows[("opened", "", "")] == "0"  # everything opened more than an hour ago
    assert rows[("open_active", "", "")] == "2"  # and is open now all the same


def test_without_credentials_owners_are_shown_by_id_and_zendesk_is_not_asked(filled, capsys, monkeypatch):
    fake, rules = filled
    monkeypatch.delenv("ZENDESK_API_TOKEN")
    before = len(fake.requests)
    assert main(["report", "--rules", rules]) == 0
    out, err = capsys.readouterr()
    assert f"- user {OWNER}: 2 active" in out and len(fake.requests) == before
    assert err == "escalator report: 0 Zendesk API request(s) (no Zendesk credentials: owners by id)\n"


def test_a_format_it_does_not_know_is_refused(capsys):
    with pytest.raises(SystemExit):
        main(["report", "--format", "pdf"])
    assert "invalid choice: 'pdf'" in capsys.readouterr().err

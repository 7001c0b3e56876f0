"""`escalator simulate`, `migrate` and start-up errors of the console script."""

import json
import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import SAMPLES, sample
from support.fake_history import HistoryEndpoints, audit, comment
from support.fake_zendesk import FakeZendesk

from zendesk_escalator import __version__
from zendesk_escalator.cli import main
from zendesk_escalator.store.migrate import head_revision

POLICY = str(SAMPLES / "policy.toml")


def test_bad_policy_exits_2_naming_the_key(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[escalation]\naddresses = ["x"]\n')
    assert main(["simulate", str(SAMPLES / "trigger_body.json"), "--rules", str(bad)]) == 2
    assert "escalation.addresses[1]" in capsys.readouterr().err


def test_worker_refuses_to_start_with_bad_settings(capsys, monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "LOUD")
    assert main(["worker"]) == 2
    assert "LOG_LEVEL" in capsys.readouterr().err


def test_run_refuses_to_start_without_secret(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("ZENDESK_WEBHOOK_SECRET", raising=False)
    monkeypatch.delenv("ESCALATOR_ALLOW_UNSIGNED", raising=False)
    assert main(["run"]) == 2
    assert "ZENDESK_WEBHOOK_SECRET" in capsys.readouterr().err


def test_a_missing_sqlite_folder_is_one_line_naming_database_url(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/no/such/folder/escalator.db")
    assert main(["worker"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("escalator: configuration error: DATABASE_URL: the folder") and err.count("\n") == 1


def test_migrate_brings_the_database_up_to_date_and_says_so_in_text(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/escalator.db")
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    assert main(["migrate"]) == 0
    out = capsys.readouterr()
    assert out.out == f"database at revision {head_revision()}\n"
    assert out.err == f"migrating the database from empty to {head_revision()}\n"  # for a person, not JSON


def test_operator_commands_log_json_only_when_asked(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/escalator.db")
    monkeypatch.setenv("LOG_FORMAT", "json")
    assert main(["migrate"]) == 0
    line = json.loads(capsys.readouterr().err)
    assert (line["level"], line["message"]) == ("INFO", f"migrating the database from empty to {head_revision()}")
    monkeypatch.delenv("LOG_FORMAT")
    payload = tmp_path / "p.json"
    payload.write_text(json.dumps({"ticket_id": 9, "tags": "outage", "actor_role": "Agent"}))
    assert main(["simulate", str(payload), "--rules", POLICY]) == 0
    assert capsys.readouterr().err.startswith("escalator: warning: DRY RUN: would PUT /api/v2/tickets/9.json {")


def test_setup_check_and_backtest_without_credentials_say_what_is_missing(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for key in ("ZENDESK_SUBDOMAIN", "ZENDESK_EMAIL", "ZENDESK_API_TOKEN", "ZENDESK_OAUTH_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    assert main(["setup", "--url", "https://esc.example/webhooks/zendesk", "--rules", POLICY]) == 2
    assert "Zendesk credentials are needed" in capsys.readouterr().err
    assert main(["check", "--rules", POLICY]) == 1
    assert "PROBLEM  credentials" in capsys.readouterr().out
    assert main(["backtest", "--since", "30d", "--rules", POLICY]) == 2
    assert "backtest reads Zendesk" in capsys.readouterr().err


def test_the_commands_take_the_policy_named_in_dot_env_as_the_service_does(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for key in ("ZENDESK_SUBDOMAIN", "ZENDESK_EMAIL", "ZENDESK_API_TOKEN", "ZENDESK_OAUTH_TOKEN", "ESCALATOR_RULES"):
        monkeypatch.setenv(key, "")  # restored after the test, which .env would otherwise leave set
        monkeypatch.delenv(key)
    (tmp_path / "ours.toml").write_text((SAMPLES / "policy.toml").read_text())
    (tmp_path / ".env").write_text("ESCALATOR_RULES=ours.toml\n")
    assert main(["check"]) == 1  # no credentials: a problem, but the policy is the one .env names
    assert "ours.toml is valid" in capsys.readouterr().out


@pytest.fixture
def zendesk_history(monkeypatch, tmp_path):
    """A fake Zendesk whose history is two days old, and the environment that points the command at it."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    when = now - timedelta(days=2)
    cc = audit(35436, when, 20978392, comment(20978392, "Looping in our escalation desk.", when, ccs=(30000001,)))
    fake = FakeZendesk({35436: sample("ticket_cc.json")}, endpoints=[HistoryEndpoints([cc])]).start()
    monkeypatch.chdir(tmp_path)  # no .env here
    for key, value in {
        "ZENDESK_SUBDOMAIN": "acme",
        "ZENDESK_EMAIL": "bot@acme.example",
        "ZENDESK_API_TOKEN": "t0ken",
        "ZENDESK_API_URL": fake.url,
        "DATABASE_URL": f"sqlite:///{tmp_path}/escalator.db",
    }.items():
        monkeypatch.setenv(key, value)
    yield fake, when
    fake.stop()


def test_backtest_prints_a_table_or_json_and_writes_nothing(capsys, zendesk_history, tmp_path):
    fake, when = zendesk_history
    assert main(["backtest", "--since", "7d", "--rules", POLICY]) == 0
    table = capsys.readouterr().out
    row = next(line for line in table.splitlines() if line.startswith("35436"))
    assert row.split() == [
        "35436",
        when.strftime("%Y-%m-%d"),
        when.strftime("%H:%M"),
        "escalated",
        "1",
        "customer_cc",
        "customer_cc",
    ]
    assert "(7 days)" in table.splitlines()[0] and "What history cannot tell:" in table
    assert main(["backtest", "--since", "1w", "--format", "json", "--rules", POLICY]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [(f["ticket_id"], f["rule"], f["level"]) for f in report["findings"]] == [(35436, "customer_cc", 1)]
    assert report["summary"]["by_rule"] == {"customer_cc": 1}
    assert {r.method for r in fake.requests} == {"GET"} and not (tmp_path / "escalator.db").exists()


def test_version_is_the_packages_one_place(capsys):
    """`escalator --version` and pyproject read the same __version__; release 0.1.0 is behind us."""
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"escalator {__version__}\n"
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]
    assert "version" not in project and project["dynamic"] == ["version"]
    assert __version__ != "0.1.0"


def test_setup_help_names_everything_it_makes(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "the dashboard's OAuth client" in " ".join(capsys.readouterr().out.split())
    with pytest.raises(SystemExit):
        main(["setup", "--help"])
    assert "OAuth client, webhook" in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize("command", [["run"], ["worker"], ["check"]])
def test_a_policy_error_names_the_policy_file(capsys, monkeypatch, tmp_path, command):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.toml").write_text('[escalation]\naddresses = ["a@acme.example"]\nintegraton_user_id = 1\n')
    monkeypatch.setenv("ESCALATOR_RULES", "mine.toml")
    monkeypatch.setenv("ESCALATOR_ALLOW_UNSIGNED", "1")  # run: the policy is what is wrong here
    main(command)
    out, err = capsys.readouterr()
    assert "escalation.integraton_user_id: unknown key; did you mean 'integration_user_id'? (in mine.toml)" in out + err

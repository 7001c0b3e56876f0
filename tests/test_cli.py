"""`escalator simulate` and start-up errors of the console script."""

import json

import pytest
import responses

from conftest import SAMPLES, sample
from zendesk_escalator.cli import main

POLICY = str(SAMPLES / "policy.toml")


def simulate(capsys, *args):
    code = main(["simulate", *args, "--rules", POLICY])
    out = capsys.readouterr()
    return code, json.loads(out.out) if code == 0 else out.err


@responses.activate
def test_simulate_with_ticket_prints_decisions_and_exact_update(capsys, tmp_path):
    api = {**sample("ticket_cc.json"), **sample("comments_cc.json")}
    ticket_file = tmp_path / "ticket.json"
    ticket_file.write_text(json.dumps(api))
    code, report = simulate(capsys, str(SAMPLES / "event_comment_added.json"), "--ticket", str(ticket_file))
    assert code == 0
    assert report["decision"] == "customer_cc"
    assert report["rules"]["impact_tag"] is None
    assert report["request"] == "PUT /api/v2/tickets/35436.json"
    assert report["body"]["ticket"]["group_id"] == 360000000003
    assert report["body"]["ticket"]["comment"]["public"] is False
    assert len(responses.calls) == 0  # no side effects


def test_simulate_from_payload_hints_only(capsys, tmp_path):
    payload = tmp_path / "p.json"
    payload.write_text(json.dumps({"ticket_id": 9, "tags": "outage vip", "actor_id": "900000000001"}))
    code, report = simulate(capsys, str(payload))
    assert report["decision"] == "impact_tag"
    assert report["skipped_as_own_update"] is True
    assert report["body"]["ticket"]["priority"] == "urgent"


def test_simulate_nothing_fires(capsys):
    code, report = simulate(capsys, str(SAMPLES / "trigger_body.json"))
    assert code == 0 and report["decision"] is None and "body" not in report


def test_simulate_bad_payload_is_a_clear_error(capsys, tmp_path):
    payload = tmp_path / "p.json"
    payload.write_text('{"tags": "x"}')
    code, err = simulate(capsys, str(payload))
    assert code == 1 and "ticket_id" in err


def test_bad_policy_exits_2_naming_the_key(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[escalation]\naddresses = ["x"]\n')
    assert main(["simulate", str(SAMPLES / "trigger_body.json"), "--rules", str(bad)]) == 2
    assert "escalation.addresses.0" in capsys.readouterr().err


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


def test_subcommand_is_required(capsys):
    with pytest.raises(SystemExit):
        main([])


@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_worker_threads_must_be_positive(capsys, value):
    with pytest.raises(SystemExit):
        main(["worker", "--threads", value])
    assert "at least 1" in capsys.readouterr().err

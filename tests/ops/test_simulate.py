"""`escalator simulate`: the worker's own handler on a payload and recorded answers, printing what it would send."""

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
def test_simulate_runs_the_worker_code_on_recorded_answers_and_prints_the_wire_body(capsys, tmp_path):
    ticket, comments = tmp_path / "ticket.json", tmp_path / "comments.json"
    ticket.write_text(json.dumps(sample("ticket_cc.json")))
    comments.write_text(json.dumps(sample("comments_cc.json")))  # as the API lists them: oldest first
    code, report = simulate(
        capsys, str(SAMPLES / "event_comment_added.json"), "--ticket", str(ticket), "--comments", str(comments)
    )
    assert code == 0
    assert report["screening"] == {"customer_cc": ["comments"]}
    assert report["reads"] == ["GET /api/v2/tickets/35436/comments.json", "GET /api/v2/tickets/35436.json"]
    assert (report["outcome"]["status"], report["outcome"]["rule"]) == ("escalated", "customer_cc")
    assert report["request"] == "PUT /api/v2/tickets/35436.json"
    sent = report["body"]["ticket"]
    assert "assignee_id" in sent and sent["assignee_id"] is None  # exactly as on the wire: nulls included
    assert sent["group_id"] == 360000000003 and sent["comment"]["public"] is False
    assert "comment #10004" in sent["comment"]["body"]
    assert len(responses.calls) == 0  # nothing left the machine


def test_simulate_from_payload_hints_only(capsys, tmp_path):
    payload = tmp_path / "p.json"
    payload.write_text(json.dumps({"ticket_id": 9, "tags": "outage vip", "actor_role": "Agent"}))
    code, report = simulate(capsys, str(payload))
    assert report["outcome"]["rule"] == "impact"
    assert report["body"]["ticket"]["priority"] == "urgent"


def test_simulate_own_update_is_ignored(capsys, tmp_path):
    payload = tmp_path / "p.json"
    payload.write_text(json.dumps({"ticket_id": 9, "tags": "outage", "actor_id": "900000000001"}))
    code, report = simulate(capsys, str(payload))
    assert report["outcome"]["status"] == "ignored" and "body" not in report


def test_simulate_nothing_fires(capsys):
    code, report = simulate(capsys, str(SAMPLES / "trigger_body.json"))
    assert code == 0 and report["outcome"]["status"] == "no_action" and "body" not in report


def test_simulate_bad_payload_is_a_clear_error(capsys, tmp_path):
    payload = tmp_path / "p.json"
    payload.write_text('{"tags": "x"}')
    code, err = simulate(capsys, str(payload))
    assert code == 2 and err == (
        f"escalator: configuration error: payload: {payload} is not a webhook body: "
        f"ticket_id: Missing data for required field.\n"
    )


@pytest.mark.parametrize(
    "role, text, says",
    [
        ("payload", None, "payload: cannot read {path}: No such file or directory"),
        ("payload", '{"ticket_id": ', "payload: {path} is not JSON: Expecting value: line 1 column 15 (char 14)"),
        (
            "--ticket",
            '{"id": 35436}',
            '--ticket: {path} holds no "ticket": give the answer of GET '
            "/api/v2/tickets/{{id}}.json?include=users as it came",
        ),
        (
            "--comments",
            "[]",
            '--comments: {path} holds no "comments": give the answer of GET '
            "/api/v2/tickets/{{id}}/comments.json?include=users as it came",
        ),
    ],
)
def test_simulate_names_the_file_it_cannot_use(capsys, tmp_path, role, text, says):
    path = tmp_path / "given.json"
    if text is not None:
        path.write_text(text)
    files = {
        "payload": str(SAMPLES / "trigger_body.json"),
        "--ticket": str(SAMPLES / "ticket_cc.json"),
        "--comments": str(SAMPLES / "comments_cc.json"),
        role: str(path),
    }
    code, err = simulate(capsys, files["payload"], "--ticket", files["--ticket"], "--comments", files["--comments"])
    assert code == 2 and err == f"escalator: configuration error: {says.format(path=path)}\n"

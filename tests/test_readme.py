"""The README tells the truth: its trigger body, its simulate example, its settings."""

import json
import re
import shlex
from pathlib import Path

import pytest

from zendesk_escalator.cli import main
from zendesk_escalator.schemas.webhooks import TRIGGER_BODY_TEMPLATE, load_trigger

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_the_trigger_body_is_the_one_the_service_documents_and_sends():
    body = json.loads(re.search(r'```json\n\s*(\{\n\s*"ticket_id".*?\})\n\s*```', README, re.S).group(1))
    assert body == TRIGGER_BODY_TEMPLATE
    assert "cc_names" not in body and all("{{" in value for value in body.values())
    rendered = {
        key: "1" if key in ("ticket_id", "actor_id") else "End-user" if key == "actor_role" else "x" for key in body
    }
    assert load_trigger(rendered).ticket_id == 1


def test_the_simulate_example_runs_and_escalates(capsys, monkeypatch):
    command = re.search(r"\$ \.venv/bin/escalator (simulate .*?--rules \S+)", README, re.S).group(1)
    monkeypatch.chdir(ROOT)
    assert main(shlex.split(command.replace("\\\n", " "))) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["outcome"]["status"] == "escalated"
    assert report["body"]["ticket"]["assignee_id"] is None and "comment" in report["body"]["ticket"]


def test_every_setting_the_code_reads_is_documented():
    code = "\n".join(p.read_text() for p in (ROOT / "zendesk_escalator").rglob("*.py"))
    read = set(re.findall(r'"((?:ZENDESK|ESCALATOR|LOG)_[A-Z_]+|PROMETHEUS_MULTIPROC_DIR)"', code)) - {
        "ESCALATOR_MAX_ATTEMPTS"
    }
    assert read and {name for name in read if f"`{name}`" not in README} == set()


def test_every_command_the_readme_names_exists(capsys):
    named = set(re.findall(r"`escalator ([a-z-]+)", README)) | set(re.findall(r"\$ escalator ([a-z-]+)", README))
    assert {"setup", "check", "send-test", "report", "dead-letters", "backtest"} <= named
    for command in named:
        with pytest.raises(SystemExit) as done:
            main([command, "--help"])
        assert done.value.code == 0, command


def test_the_configuration_table_gives_each_number_its_range():
    from zendesk_escalator.settings_values import RANGES

    rows = {row.split("|")[1].strip(" `"): row for row in README.splitlines() if row.startswith("| `")}
    for name, (_, low, high) in RANGES.items():
        assert f"{low:g} to {high:g}" in rows[name], name

"""The service's database as a command opens it: never made where there is none, and the error says where to run."""

from pathlib import Path

import pytest

from zendesk_escalator.cli import main


@pytest.mark.parametrize("command", [["dead-letters", "list"], ["report"]])
def test_a_read_only_command_does_not_create_a_missing_database(tmp_path, monkeypatch, capsys, command):
    monkeypatch.chdir(tmp_path)  # no .env, no escalator.db here: DATABASE_URL's default names a file in this folder
    monkeypatch.delenv("DATABASE_URL", raising=False)
    policy = Path(__file__).parents[2] / "examples" / "escalation.toml"
    assert main([*command, "--rules", str(policy)] if command == ["report"] else command) == 2
    assert list(tmp_path.iterdir()) == []
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f"escalator: configuration error: DATABASE_URL: the service's database {tmp_path}/escalator.db does not "
        f"exist (sqlite:///escalator.db is relative to the folder the command runs in): run the command where the "
        f"service runs, with its DATABASE_URL"
    )

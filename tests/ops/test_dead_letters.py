"""`escalator dead-letters` on SQLite and (with TEST_DATABASE_URL) PostgreSQL: list, show, retry."""

import json
from datetime import datetime, timezone

import pytest

from zendesk_escalator.cli import main
from zendesk_escalator.errors import EscalatorError
from zendesk_escalator.ops.dead_letters import dead_letters
from zendesk_escalator.store.schema import DEAD, PENDING

NOW = datetime(2026, 8, 3, 12, 0, tzinfo=timezone.utc)
BUDGET = 24 * 3600.0
LONG_ERROR = "ZendeskRejected: Zendesk answered 422: " + "x" * 200


def bury(inbox, key, ticket, error, now=NOW.timestamp() - 600):
    inbox.accept("notification", key, ticket, {"ticket_id": ticket, "source": "trigger"}, now)
    rows = inbox.claim("w", now, 60)
    inbox.bury(rows, "w", now + 1, error)
    return rows[0].id


@pytest.fixture
def graveyard(any_inbox):
    """Two dead rows and a pending one."""
    bury(any_inbox, "invocation:a", 35436, LONG_ERROR)
    bury(any_inbox, "invocation:b", 35437, "its worker died 5 times while handling it (poison?)")
    any_inbox.accept("notification", "invocation:c", 35438, {"ticket_id": 35438}, NOW.timestamp())
    return any_inbox


def run(inbox, action, row_id=None):
    return dead_letters(inbox, action, row_id, NOW, BUDGET)


def test_list_shows_each_dead_row_on_one_line(graveyard, capsys):
    assert run(graveyard, "list") == 0
    header, first, second, footer = capsys.readouterr().out.splitlines()
    assert header.split()[:4] == ["id", "ticket", "kind", "attempts"]
    assert first.split()[:6] == ["1", "35436", "notification", "1", "2026-08-03", "11:50:01"]
    assert first.endswith("…") and len(first) < 160  # the whole error is for `show`
    assert second.split()[:2] == ["2", "35437"] and second.endswith("(poison?)")
    assert footer.startswith("2 dead row(s)")


def test_show_prints_what_arrived_and_why_it_died(graveyard, capsys):
    assert run(graveyard, "show", 1) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["status"], shown["ticket_id"], shown["last_error"]) == (DEAD, 35436, LONG_ERROR)
    assert shown["payload"] == {"ticket_id": 35436, "source": "trigger"} and shown["result"] is None


def test_retry_one_puts_it_back_due_now_with_a_fresh_deadline(graveyard, capsys):
    assert run(graveyard, "retry", 1) == 0
    (row,) = graveyard.rows(row_id=1)
    assert (row.status, row.run_at, row.deadline) == (PENDING, NOW.timestamp(), NOW.timestamp() + BUDGET)
    assert (row.attempts, row.last_error) == (1, LONG_ERROR)  # its history stays
    assert "1 row(s) queued again" in capsys.readouterr().out
    assert [r.id for r in graveyard.rows(DEAD)] == [2]


def test_retry_all_and_nothing_left(graveyard, capsys):
    assert run(graveyard, "retry") == 0
    assert graveyard.rows(DEAD) == [] and len(graveyard.rows(PENDING)) == 3
    assert run(graveyard, "list") == 0
    assert capsys.readouterr().out.splitlines()[-1] == "No dead rows."


def test_rows_that_are_not_dead_or_do_not_exist_are_refused(graveyard):
    with pytest.raises(EscalatorError, match="row 3 is not dead \\(it is pending\\)"):
        run(graveyard, "retry", 3)
    with pytest.raises(EscalatorError, match="no inbox row 99"):
        run(graveyard, "show", 99)


def test_through_the_command_line(tmp_path, monkeypatch, capsys):
    database = f"sqlite:///{tmp_path}/inbox.db"
    monkeypatch.setenv("DATABASE_URL", database)
    assert main(["migrate"]) == 0
    capsys.readouterr()
    assert main(["dead-letters", "list"]) == 0  # a fresh database: empty
    assert capsys.readouterr().out.strip() == "No dead rows."
    assert main(["dead-letters", "retry", "7"]) == 1
    assert capsys.readouterr().err.strip() == "escalator: no inbox row 7"

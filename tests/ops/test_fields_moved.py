"""Escalation fields that got new ids: what check says of them, and what setup carries over (the database the
worker remembers its field ids in; the `inbox` fixture)."""

from dataclasses import replace
from datetime import datetime, timezone

from zendesk_escalator.core.policy import FieldIds
from zendesk_escalator.ops.fields_moved import carry_over_lines, check_line
from zendesk_escalator.worker.mirror import remember, remembered

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
FOUND = {"status": 360010000001, "level": 360010000002, "reason": 360010000003, "escalated_at": 360010000004}


def test_without_the_services_database_setup_says_where_to_run_only_when_fields_moved(policy):
    assert carry_over_lines(None, policy, FOUND, dry_run=False, now=NOW) == []
    moved = {**FOUND, "level": 360010000099}
    (line,) = carry_over_lines(None, policy, moved, dry_run=False, now=NOW)
    assert line.startswith("Open escalations, if the service has any: the fields moved (level 360010000002 → ")
    assert "360010000099" in line and "DATABASE_URL" in line


def test_a_real_run_remembers_the_fields_found_and_a_dry_run_does_not(inbox, policy):
    assert carry_over_lines(inbox, policy, FOUND, dry_run=True, now=NOW) == [] and remembered(inbox) is None
    assert carry_over_lines(inbox, policy, {**FOUND, "reason": "x"}, dry_run=False, now=NOW) == []
    assert remembered(inbox) == FieldIds(360010000001, 360010000002, None, 360010000004)  # ids only


def test_check_says_nothing_before_any_write_then_whether_the_policy_names_the_fields_written(inbox, policy):
    assert check_line(inbox, policy) is None
    remember(inbox, policy.fields, NOW)
    assert check_line(inbox, policy) == (True, "[fields] names the fields the open escalations were written to")
    remember(inbox, replace(policy.fields, status=360010000077), NOW)
    fine, says = check_line(inbox, policy)
    assert not fine and says.startswith(
        "[fields] names other fields than the service last wrote (status: [fields] 360010000001, last written "
        "360010000077), 0 escalation(s) open: `escalator setup` finds the fields"
    )


def test_fields_moved_with_no_open_escalation_queue_nothing(inbox, policy):
    remember(inbox, replace(policy.fields, level=360010000077), NOW)
    assert carry_over_lines(inbox, policy, FOUND, dry_run=True, now=NOW) == []  # none open: nothing to say
    assert carry_over_lines(inbox, policy, FOUND, dry_run=False, now=NOW) == []

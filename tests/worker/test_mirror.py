"""Mirror repairs: the field ids remembered, one paced row per open episode queued (the store real), and each
row's one update as Zendesk receives it (responses); tests/scenarios/test_fields_carried.py has setup and the
worker together."""

import copy
import json
from dataclasses import asdict, replace
from datetime import datetime, timedelta, timezone

import pytest
import responses
from conftest import API, sample

from zendesk_escalator.actions import ZendeskWriter
from zendesk_escalator.core.lifecycle.episode import ACTIVE, CLOSED, DEESCALATED, ESCALATED, Episode, Step
from zendesk_escalator.core.policy import FieldIds
from zendesk_escalator.errors import ZendeskConflict
from zendesk_escalator.store.escalations import Escalations
from zendesk_escalator.worker.mirror import PACE, MirrorRepair, carry_over, moved_fields, remember, remembered

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
OLD = FieldIds(status=360010000001, level=360010000002, reason=360010000003, escalated_at=360010000004)
NEW = replace(OLD, status=360020000001)


def ticket_url(ticket_id: int) -> str:
    return f"{API}/tickets/{ticket_id}.json"


def opened(ticket_id: int, minutes: int = 0) -> Episode:
    at = NOW - timedelta(days=1) + timedelta(minutes=minutes)
    step = Step(at, ACTIVE, 1, ESCALATED, reason="customer_cc")
    return Episode(ticket_id, ACTIVE, at, 1, "customer_cc", "customer_cc", history=(step,))


def escalated(inbox, *ticket_ids: int) -> list[Episode]:
    return [Escalations(inbox.database).save(opened(tid, n), NOW) for n, tid in enumerate(ticket_ids)]


def mirror_rows(inbox):
    return [row for row in inbox.rows(limit=10_000) if row.kind == "mirror"]


def served(ticket_id: int = 35436, **changes) -> dict:
    answer = copy.deepcopy(sample("ticket_cc.json"))
    answer["ticket"].update(id=ticket_id, **changes)
    return answer


@pytest.fixture
def repair(inbox, settings, policy):
    return MirrorRepair(inbox, ZendeskWriter(settings), ZendeskWriter(settings), policy, lambda: NOW)


def puts() -> list[dict]:
    return [json.loads(c.request.body)["ticket"] for c in responses.calls if c.request.method == "PUT"]


def test_a_field_with_a_new_id_is_a_move_a_field_newly_named_is_not():
    assert moved_fields(OLD, NEW) == {"status": (360010000001, 360020000001)}
    assert moved_fields(FieldIds(status=1), FieldIds(status=1, level=2)) == {}
    assert moved_fields(FieldIds(status=1, level=2), FieldIds(status=1)) == {"level": (2, None)}


def test_the_ids_written_with_are_remembered(inbox):
    assert remembered(inbox) is None
    remember(inbox, NEW, NOW)
    assert remembered(inbox) == NEW


def test_carry_over_queues_one_paced_row_per_open_episode_once(inbox):
    first, second, closed = escalated(inbox, 35436, 35437, 35438)
    Escalations(inbox.database).save(closed.moved(NOW, CLOSED, DEESCALATED), NOW)
    assert carry_over(inbox, NEW, NOW) == 2
    rows = mirror_rows(inbox)
    assert [(row.ticket_id, row.run_at - NOW.timestamp()) for row in rows] == [(35436, 0.0), (35437, PACE)]
    assert rows[0].payload == {"episode_id": first.id, "fields": asdict(NEW)}
    assert remembered(inbox) == NEW
    carry_over(inbox, NEW, NOW + timedelta(seconds=5))  # setup run again with the same ids: nothing queued twice
    assert len(mirror_rows(inbox)) == 2 and second.id == rows[1].payload["episode_id"]


def test_start_remembers_the_policys_ids_only_when_none_are(inbox, repair, policy):
    repair.start()
    assert remembered(inbox) == policy.fields
    remember(inbox, NEW, NOW)
    repair.start()
    assert remembered(inbox) == NEW


@responses.activate
def test_a_repair_sends_only_the_fields_and_tags_with_the_new_ids(inbox, repair):
    escalated(inbox, 35436)
    carry_over(inbox, NEW, NOW)
    responses.get(ticket_url(35436), json=served())
    responses.put(ticket_url(35436), json={"ticket": {"id": 35436}})
    outcome = repair.handle(mirror_rows(inbox))
    assert outcome.status == "repaired"
    (sent,) = puts()
    assert "comment" not in sent and sent["safe_update"] is True and sent["updated_stamp"] == "2026-11-22T09:15:02Z"
    assert {f["id"]: f["value"] for f in sent["custom_fields"]}[NEW.status] == "escalation_active"
    assert OLD.status not in {f["id"] for f in sent["custom_fields"]}
    assert {"billing", "vip", "escalated"} <= set(sent["tags"])
    assert outcome.update == {"ticket": sent}


@responses.activate
def test_a_ticket_that_shows_the_episode_already_is_left_alone(inbox, repair):
    escalated(inbox, 35436)
    carry_over(inbox, NEW, NOW)
    responses.get(ticket_url(35436), json=served())
    responses.put(ticket_url(35436), json={"ticket": {"id": 35436}})
    repair.handle(mirror_rows(inbox))
    shown = served(tags=puts()[0]["tags"], custom_fields=puts()[0]["custom_fields"])
    responses.get(ticket_url(35436), json=shown)  # read again: Zendesk holds what was sent
    assert repair.handle(mirror_rows(inbox)).status == "unchanged"
    assert len(puts()) == 1


@responses.activate
def test_a_closed_episode_or_ticket_takes_no_update(inbox, repair):
    (episode,) = escalated(inbox, 35436)
    carry_over(inbox, NEW, NOW)
    rows = mirror_rows(inbox)
    responses.get(ticket_url(35436), json=served(status="closed"))
    assert repair.handle(rows).status == "stale"  # the ticket is closed
    Escalations(inbox.database).save(episode.moved(NOW, CLOSED, DEESCALATED), NOW)
    assert repair.handle(rows).status == "stale"  # the episode is: not even read
    assert [c.request.method for c in responses.calls] == ["GET"]


@responses.activate
def test_a_conflict_reads_again_a_deleted_ticket_is_gone(inbox, repair):
    escalated(inbox, 35436, 35437)
    carry_over(inbox, NEW, NOW)
    first, second = mirror_rows(inbox)
    responses.get(ticket_url(35436), json=served())
    responses.put(ticket_url(35436), status=409, json={"error": "UpdateConflict"})
    with pytest.raises(ZendeskConflict):
        repair.handle([first])
    assert [c.request.method for c in responses.calls] == ["GET", "PUT"] * 3
    responses.get(ticket_url(35437), status=404, json={"error": "RecordNotFound"})
    assert repair.handle([second]).status == "ticket_gone"


@responses.activate
def test_a_ticket_changed_since_the_read_is_read_again_and_repaired(inbox, repair):
    escalated(inbox, 35436)
    carry_over(inbox, NEW, NOW)
    responses.get(ticket_url(35436), json=served())
    responses.get(ticket_url(35436), json=served(updated_at="2026-11-23T08:59:00Z"))
    responses.put(ticket_url(35436), status=409, json={"error": "UpdateConflict"})
    responses.put(ticket_url(35436), json={"ticket": {"id": 35436}})
    assert repair.handle(mirror_rows(inbox)).status == "repaired"
    assert [sent["updated_stamp"] for sent in puts()] == ["2026-11-22T09:15:02Z", "2026-11-23T08:59:00Z"]

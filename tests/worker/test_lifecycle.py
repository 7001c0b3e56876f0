"""The lifecycle's I/O: a step's update sent (responses), the episode and its moments stored (the store real), and
the timers' steps (a reminder, a close with its review) as Zendesk receives them; tests/scenarios/
test_escalation_lifecycle.py has the lifecycle from the webhooks."""

import copy
import json
from datetime import datetime, timedelta, timezone

import pytest
import responses
from conftest import API, LIFECYCLE, sample, sample_policy

from zendesk_escalator.actions import ZendeskWriter
from zendesk_escalator.core.lifecycle.episode import ACTIVE, CLOSED, ESCALATED, MONITORING, SOLVED, Episode, Step
from zendesk_escalator.core.lifecycle.transitions import MONITORING_END, UPDATE_DUE, Move
from zendesk_escalator.core.snapshot_api import ticket_from_api
from zendesk_escalator.errors import ZendeskConflict
from zendesk_escalator.worker.lifecycle import Lifecycle, LifecycleHandler

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
OPENED_AT = NOW - timedelta(hours=3)
POLICY = sample_policy(LIFECYCLE)
TICKET = f"{API}/tickets/35436.json"
COMMENTS, AUDITS = f"{API}/tickets/35436/comments.json", f"{API}/tickets/35436/audits.json"
UPDATE_MANY = f"{API}/tickets/update_many.json"
ACTIVE_EPISODE = Episode(
    ticket_id=35436,
    state=ACTIVE,
    opened_at=OPENED_AT,
    level=1,
    reason="customer_cc",
    rule="customer_cc",
    owner_id=900000000031,
    history=(Step(OPENED_AT, ACTIVE, 1, ESCALATED, reason="customer_cc"),),
)


def served(**changes) -> dict:
    answer = copy.deepcopy(sample("ticket_cc.json"))
    answer["ticket"].update(priority="high", **changes)
    return answer


@pytest.fixture
def lifecycle(inbox, settings):
    client = ZendeskWriter(settings)
    return Lifecycle(inbox, client, client, POLICY, lambda: NOW)


def lifecycle_rows(inbox, status: str | None = "pending"):
    return [row for row in inbox.rows(status=status, limit=10_000) if row.kind == "lifecycle"]


def watched(lifecycle, episode: Episode, kind: str, at: datetime) -> Episode:
    """The episode stored with one moment to watch, as a step that sends nothing leaves it."""
    lifecycle.carry_out(Move("escalated", None, episode, ((kind, at),)), ticket_from_api(served()))
    return lifecycle.current(35436)


def puts() -> list[tuple[str, dict]]:
    return [(c.request.url, json.loads(c.request.body)) for c in responses.calls if c.request.method == "PUT"]


@responses.activate
def test_a_step_sends_its_update_keeps_the_record_and_watches_its_moment(lifecycle, inbox):
    due = NOW + timedelta(hours=2)
    responses.put(TICKET, json={"ticket": {"id": 35436}})
    update = {"id": 35436, "comment": {"body": "Escalated.", "public": False}, "tags": ["billing", "escalated"]}
    move = Move("escalated", update, ACTIVE_EPISODE, ((UPDATE_DUE, due),))
    sent = lifecycle.carry_out(move, ticket_from_api(served()))
    ((where, body),) = puts()
    assert where == TICKET and body == sent == {"ticket": {k: v for k, v in update.items() if k != "id"}}
    episode = lifecycle.current(35436)
    assert episode.id is not None and episode.state == ACTIVE
    (row,) = lifecycle_rows(inbox)
    assert row.dedupe_key == f"lifecycle:update_due:35436:{episode.id}:{int(due.timestamp())}"
    assert (row.run_at, row.payload) == (
        due.timestamp(),
        {"kind": UPDATE_DUE, "episode_id": episode.id, "at": due.timestamp()},
    )


def test_a_step_that_moves_on_supersedes_the_tickets_other_moments(lifecycle, inbox):
    episode = watched(lifecycle, ACTIVE_EPISODE, UPDATE_DUE, NOW + timedelta(hours=2))
    watched(lifecycle, episode, MONITORING_END, NOW + timedelta(days=3))
    (row,) = lifecycle_rows(inbox)
    assert row.payload["kind"] == MONITORING_END
    assert [r.payload["kind"] for r in lifecycle_rows(inbox, None) if r.status != "pending"] == [UPDATE_DUE]


@responses.activate
def test_a_dry_run_sends_but_keeps_no_record(inbox, settings):
    client = ZendeskWriter(settings)
    responses.put(TICKET, json={"ticket": {"id": 35436}})
    dry = Lifecycle(inbox, client, client, POLICY, lambda: NOW, record=False)
    update = {"id": 35436, "comment": {"body": "Escalated.", "public": False}}
    dry.carry_out(Move("escalated", update, ACTIVE_EPISODE, ((UPDATE_DUE, NOW),)), ticket_from_api(served()))
    assert len(puts()) == 1 and dry.current(35436) is None and lifecycle_rows(inbox) == []


@responses.activate
def test_a_reply_goes_out_as_a_second_public_update(lifecycle):
    responses.put(TICKET, json={"ticket": {"id": 35436}})
    move = Move("escalated", {"id": 35436, "comment": {"body": "note", "public": False}}, None, reply="What version?")
    lifecycle.carry_out(move, ticket_from_api(served()))
    assert [body["ticket"]["comment"] for _, body in puts()] == [
        {"body": "note", "public": False},
        {"body": "What version?", "public": True},
    ]


@responses.activate
def test_on_a_closed_ticket_only_the_tags_go_out_and_a_refusal_is_not_raised(lifecycle, caplog):
    closed = ticket_from_api(served(status="closed"))
    tags = {"id": 35436, "additional_tags": ["escalation_closed"], "remove_tags": ["escalated"]}
    responses.put(UPDATE_MANY, status=422, json={"error": "RecordInvalid", "description": "closed"})
    assert lifecycle.carry_out(Move("closed", tags, None), closed) is None
    ((where, body),) = puts()
    assert where == f"{UPDATE_MANY}?ids=35436"
    assert body == {"ticket": {"additional_tags": ["escalation_closed"], "remove_tags": ["escalated"]}}
    assert "ticket 35436 is closed: its escalation tags were not set" in caplog.text
    nothing = {"id": 35436, "additional_tags": [], "remove_tags": []}
    assert lifecycle.carry_out(Move("closed", nothing, None), closed) is None
    assert len(responses.calls) == 1  # no tags to change: no request


@responses.activate
def test_an_update_due_without_a_public_reply_sends_a_reminder_and_watches_the_next(lifecycle, inbox):
    watched(lifecycle, ACTIVE_EPISODE, UPDATE_DUE, OPENED_AT + timedelta(hours=2))
    responses.get(TICKET, json=served())
    responses.get(COMMENTS, json={"comments": [], "users": [], "meta": {"has_more": False}})
    responses.put(TICKET, json={"ticket": {"id": 35436}})
    outcome = LifecycleHandler(lifecycle).handle(lifecycle_rows(inbox))
    assert outcome.status == "reminder"
    ((_, body),) = puts()
    note = body["ticket"]["comment"]
    assert note == {
        "body": "Communication plan: no public update to the customer since 2026-11-23 09:00 UTC (3 h); "
        "an update was due by 2026-11-23 11:00 UTC.",
        "public": False,
    }
    assert lifecycle.current(35436).missed_updates == 1
    (row,) = lifecycle_rows(inbox)
    assert row.payload["at"] == (NOW + timedelta(hours=2)).timestamp()  # high: every two hours


@responses.activate
def test_monitoring_that_ends_quietly_closes_with_a_review(lifecycle, inbox):
    monitoring = ACTIVE_EPISODE.moved(NOW - timedelta(days=3), MONITORING, SOLVED)
    watched(lifecycle, monitoring, MONITORING_END, NOW)
    responses.get(TICKET, json=served(status="solved"))
    responses.get(AUDITS, json={"audits": [], "users": [], "meta": {"has_more": False}})
    responses.put(TICKET, json={"ticket": {"id": 35436}})
    assert LifecycleHandler(lifecycle).handle(lifecycle_rows(inbox)).status == "closed"
    assert [c.request.url.split("?")[0] for c in responses.calls] == [TICKET, AUDITS, TICKET]
    ((_, body),) = puts()
    assert body["ticket"]["comment"]["body"].startswith("Post-escalation review of ticket #35436")
    episode = lifecycle.current(35436)
    assert episode.state == CLOSED and episode.review == body["ticket"]["comment"]["body"]
    assert lifecycle_rows(inbox) == []


@responses.activate
def test_a_timer_of_an_episode_that_moved_on_reads_nothing(lifecycle, inbox):
    episode = watched(lifecycle, ACTIVE_EPISODE, UPDATE_DUE, NOW)
    rows = lifecycle_rows(inbox)
    lifecycle.episodes.save(episode.moved(NOW, CLOSED, "deescalated"), NOW)
    assert LifecycleHandler(lifecycle).handle(rows).status == "stale"
    assert len(responses.calls) == 0


@responses.activate
def test_a_conflict_reads_again_a_deleted_ticket_is_gone(lifecycle, inbox):
    watched(lifecycle, ACTIVE_EPISODE, UPDATE_DUE, NOW)
    rows = lifecycle_rows(inbox)
    responses.get(TICKET, json=served())
    responses.get(COMMENTS, json={"comments": [], "users": [], "meta": {"has_more": False}})
    responses.put(TICKET, status=409, json={"error": "UpdateConflict"})
    with pytest.raises(ZendeskConflict):
        LifecycleHandler(lifecycle).handle(rows)
    assert [c.request.method for c in responses.calls] == ["GET", "GET", "PUT"] * 3
    responses.calls.reset()
    responses.replace(responses.GET, TICKET, status=404, json={"error": "RecordNotFound"})
    assert LifecycleHandler(lifecycle).handle(rows).status == "ticket_gone"


def agent_comments(*authors: int) -> dict:
    """A page of public comments written 30 minutes ago, newest first, with their authors' roles."""
    at = (NOW - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    comments = [
        {"id": n, "type": "Comment", "author_id": a, "body": "Working on it", "public": True, "created_at": at}
        for n, a in enumerate(authors, 1)
    ]
    users = [{"id": a, "role": "agent"} for a in authors]
    return {"comments": comments, "users": users, "meta": {"has_more": False}}


@responses.activate
def test_an_agents_public_reply_in_time_moves_the_plan_on_without_a_note(lifecycle, inbox):
    watched(lifecycle, ACTIVE_EPISODE, UPDATE_DUE, OPENED_AT + timedelta(hours=2))
    responses.get(TICKET, json=served())
    responses.get(COMMENTS, json=agent_comments(235323))
    assert LifecycleHandler(lifecycle).handle(lifecycle_rows(inbox)).status == "on_plan"
    assert puts() == []
    (row,) = lifecycle_rows(inbox)
    assert row.payload["at"] == (NOW + timedelta(minutes=90)).timestamp()  # two hours after that reply


@responses.activate
def test_the_services_own_public_reply_is_no_update(lifecycle, inbox):
    watched(lifecycle, ACTIVE_EPISODE, UPDATE_DUE, OPENED_AT + timedelta(hours=2))
    responses.get(TICKET, json=served())
    responses.get(COMMENTS, json=agent_comments(POLICY.integration_user_id))
    responses.put(TICKET, json={"ticket": {"id": 35436}})
    assert LifecycleHandler(lifecycle).handle(lifecycle_rows(inbox)).status == "reminder"
    assert len(puts()) == 1


@responses.activate
def test_the_review_of_a_closed_ticket_goes_to_one_follow_up_ticket_where_the_policy_asks(inbox, settings):
    policy = sample_policy(LIFECYCLE.replace('monitoring = "3d"', 'monitoring = "3d"\nreview_followup = true'))
    client = ZendeskWriter(settings)
    lifecycle = Lifecycle(inbox, client, client, policy, lambda: NOW)
    episode = lifecycle.episodes.save(ACTIVE_EPISODE, NOW)
    responses.get(AUDITS, json={"audits": [], "users": [], "meta": {"has_more": False}})
    responses.post(f"{API}/tickets.json", status=201, json={"ticket": {"id": 35999}})
    responses.put(UPDATE_MANY, json={"job_status": {"id": "j1", "status": "queued"}})
    closed = episode.moved(NOW, CLOSED, "closed_in_zendesk", "Zendesk closed the ticket")
    lifecycle.carry_out(
        Move("closed_in_zendesk", None, closed, needs_review=True), ticket_from_api(served(status="closed"))
    )
    review = lifecycle.current(35436).review
    assert review.startswith("Post-escalation review of ticket #35436")
    (created,) = [c.request for c in responses.calls if c.request.method == "POST"]
    assert created.headers["Idempotency-Key"] == f"zendesk-escalator-review-{episode.id}"
    followup = json.loads(created.body)["ticket"]
    assert followup["via_followup_source_id"] == 35436 and followup["comment"] == {"body": review, "public": False}
    ((where, tags),) = puts()  # the closed ticket itself: its tags only
    assert where == f"{UPDATE_MANY}?ids=35436"
    assert tags == {
        "ticket": {"additional_tags": ["escalation_level_1", "escalation_reason_customer_cc", "escalation_closed"]}
    }

"""worker/email.py (the name test_email.py is core/escalation/email.py's): the case an escalation email names read
(responses), the referral stored (the store real) before the email's ticket is solved or merged, and the merge job
followed to its end; tests/scenarios/test_escalation_email.py has the whole path from the webhook."""

import copy
import json
from datetime import datetime, timedelta, timezone

import pytest
import responses
from conftest import API, sample, sample_policy

from zendesk_escalator.actions import ZendeskWriter
from zendesk_escalator.core.snapshot_api import ticket_from_api
from zendesk_escalator.errors import ZendeskUnavailable
from zendesk_escalator.worker.email import FIRST_POLL, GIVE_UP_AFTER, EmailLinker, MergeFollower

NOW = datetime(2026, 11, 22, 10, 5, tzinfo=timezone.utc)
CASE, EMAIL = 35436, 35500
MERGE = sample_policy('\n[email]\nafter_linking = "merge"\n')


def url(path: str) -> str:
    return f"{API}/{path}"


def email_ticket():
    ticket = copy.deepcopy(sample("ticket_cc.json"))
    ticket["ticket"].update(
        id=EMAIL, subject="Escalation: checkout down", description="case #35436 is down", tags=["vip"], status="new"
    )
    return ticket_from_api(ticket)


@pytest.fixture
def client(settings):
    return ZendeskWriter(settings)


def linker(client, inbox, policy, at: datetime = NOW) -> EmailLinker:
    return EmailLinker(client, client, inbox, policy, lambda: at)


def follower(client, inbox, at: datetime) -> MergeFollower:
    return MergeFollower(client, client, inbox, lambda: at)


def rows_of(inbox, kind: str):
    return [row for row in inbox.rows(limit=10_000) if row.kind == kind]


def bodies(method: str) -> list[tuple[str, dict]]:
    return [
        (c.request.url.split("?")[0], json.loads(c.request.body)) for c in responses.calls if c.request.method == method
    ]


@pytest.mark.parametrize(
    "status, said",
    [
        (404, f"#{CASE} does not exist"),
        (403, f"#{CASE} cannot be read by the integration user (403)"),
    ],
)
@responses.activate
def test_a_case_that_cannot_be_read_says_why(client, inbox, policy, status, said):
    responses.get(url(f"tickets/{CASE}.json"), status=status, json={"error": "RecordNotFound"})
    assert linker(client, inbox, policy).read(CASE) == said
    assert len(responses.calls) == 1


@responses.activate
def test_a_case_is_read_with_one_get(client, inbox, policy):
    responses.get(url(f"tickets/{CASE}.json"), json=sample("ticket_cc.json"))
    case = linker(client, inbox, policy).read(CASE)
    assert (case.id, case.tags) == (CASE, ("billing", "vip"))
    assert len(responses.calls) == 1


@responses.activate
def test_linking_refers_the_email_to_its_case_and_solves_the_emails_ticket(client, inbox, policy):
    responses.put(url(f"tickets/{EMAIL}.json"), json={"ticket": {"id": EMAIL}})
    outcome = linker(client, inbox, policy).link(email_ticket(), CASE)
    (referral,) = rows_of(inbox, "notification")
    assert referral.dedupe_key == f"escalation_email:{EMAIL}:{CASE}"
    assert (referral.ticket_id, referral.run_at) == (CASE, NOW.timestamp())
    assert referral.payload["source"] == "referral" and referral.payload["event_type"] == "escalation_email"
    assert referral.payload["extra"]["email_ticket"] == EMAIL
    ((where, sent),) = bodies("PUT")
    assert where == url(f"tickets/{EMAIL}.json")
    assert sent["ticket"] == {
        "tags": ["escalation_email_linked", "vip"],
        "comment": {
            "body": f"Escalation email for case #{CASE}: the case is escalated with this email as the request. "
            "This ticket is solved: follow the escalation on the case.",
            "public": False,
        },
        "safe_update": True,
        "updated_stamp": "2026-11-22T09:15:02Z",
        "status": "solved",
    }
    assert (outcome.status, outcome.detail) == ("linked", f"escalation email linked to case #{CASE}")
    assert outcome.update == sent


@responses.activate
def test_a_retry_after_a_failed_update_refers_the_email_once(client, inbox, policy):
    responses.put(url(f"tickets/{EMAIL}.json"), status=503, json={"error": "ServiceUnavailable"})
    responses.put(url(f"tickets/{EMAIL}.json"), json={"ticket": {"id": EMAIL}})
    with pytest.raises(ZendeskUnavailable):
        linker(client, inbox, policy).link(email_ticket(), CASE)
    linker(client, inbox, policy, NOW + timedelta(minutes=2)).link(email_ticket(), CASE)
    assert len(rows_of(inbox, "notification")) == 1 and len(bodies("PUT")) == 2


@responses.activate
def test_merging_leaves_the_ticket_open_starts_the_job_and_follows_it(client, inbox):
    responses.put(url(f"tickets/{EMAIL}.json"), json={"ticket": {"id": EMAIL}})
    responses.post(url(f"tickets/{CASE}/merge.json"), json={"job_status": {"id": "job1", "status": "queued"}})
    outcome = linker(client, inbox, MERGE).link(email_ticket(), CASE)
    ((_, update),) = bodies("PUT")
    assert "status" not in update["ticket"] and update["ticket"]["comment"]["body"].endswith(
        "This ticket is being merged into the case."
    )
    ((where, merge),) = bodies("POST")
    assert where == url(f"tickets/{CASE}/merge.json")
    assert merge == {
        "ids": [EMAIL],
        "target_comment": f"Escalation email #{EMAIL} merged into this case.",
        "source_comment": f"Merged into case #{CASE}, which is escalated with this email as the request.",
    }
    (follow,) = rows_of(inbox, "merge")
    assert (follow.ticket_id, follow.run_at) == (EMAIL, NOW.timestamp() + FIRST_POLL)
    assert follow.payload == {"job_id": "job1", "case_id": CASE, "started": NOW.timestamp()}
    assert outcome.detail == f"escalation email linked to case #{CASE}; merge job job1 queued"


def started_merge(client, inbox):
    responses.put(url(f"tickets/{EMAIL}.json"), json={"ticket": {"id": EMAIL}})
    responses.post(url(f"tickets/{CASE}/merge.json"), json={"job_status": {"id": "job1", "status": "queued"}})
    linker(client, inbox, MERGE).link(email_ticket(), CASE)
    responses.calls.reset()
    return rows_of(inbox, "merge")


@responses.activate
def test_a_completed_merge_is_done_without_a_write(client, inbox):
    rows = started_merge(client, inbox)
    results = [{"id": EMAIL, "success": True}]
    responses.get(url("job_statuses/job1.json"), json={"job_status": {"status": "completed", "results": results}})
    outcome = follower(client, inbox, NOW + timedelta(seconds=5)).handle(rows)
    assert (outcome.status, outcome.detail) == ("merged", f"ticket {EMAIL} merged into case #{CASE}")
    assert [c.request.method for c in responses.calls] == ["GET"]


@responses.activate
def test_a_running_merge_is_read_again_later_and_later(client, inbox):
    rows = started_merge(client, inbox)
    responses.get(url("job_statuses/job1.json"), json={"job_status": {"id": "job1", "status": "working"}})
    outcome = follower(client, inbox, NOW + timedelta(seconds=60)).handle(rows)
    assert outcome.status == "waiting" and outcome.detail == "merge job job1 is working; read again in 30 s"
    assert sorted(row.run_at - NOW.timestamp() for row in rows_of(inbox, "merge")) == [FIRST_POLL, 90.0]
    assert [c.request.method for c in responses.calls] == ["GET"]


@pytest.mark.parametrize(
    "answer, after, why",
    [
        ({"json": {"job_status": {"status": "failed", "message": "Tickets are closed"}}}, 60, "Tickets are closed"),
        ({"status": 404, "json": {"error": "RecordNotFound"}}, 60, "Zendesk no longer knows this job"),
        ({"json": {"job_status": {"status": "working"}}}, GIVE_UP_AFTER, "working"),
        (
            {"json": {"job_status": {"status": "completed", "results": [{"id": EMAIL, "success": False}]}}},
            60,
            "completed",
        ),
    ],
    ids=["failed", "lost", "too-long", "a-source-failed"],
)
@responses.activate
def test_a_merge_that_did_not_complete_asks_for_it_by_hand(client, inbox, answer, after, why):
    rows = started_merge(client, inbox)
    responses.get(url("job_statuses/job1.json"), **answer)
    responses.put(url(f"tickets/{EMAIL}.json"), json={"ticket": {"id": EMAIL}})
    outcome = follower(client, inbox, NOW + timedelta(seconds=after)).handle(rows)
    assert (outcome.status, outcome.detail) == ("merge_failed", why)
    ((where, sent),) = bodies("PUT")
    assert where == url(f"tickets/{EMAIL}.json")
    assert sent == {
        "ticket": {
            "comment": {
                "body": f"Merging this ticket into case #{CASE} did not complete ({why}). "
                "The case is escalated; merge this ticket into it by hand.",
                "public": False,
            }
        }
    }
    assert len(rows_of(inbox, "merge")) == 1  # no further read

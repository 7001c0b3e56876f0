"""Escalation by email end to end: a new ticket emailed to the escalation address, signed webhooks in, the real
worker, the fake Zendesk's received JSON out. The case named is escalated with the email as the request; the
email's ticket is linked and solved or merged; a case that cannot take it leaves the email's ticket escalated
with a note asking to link it by hand.
"""

import copy

import pytest
from conftest import sample, sample_policy
from support.fake_merge import MergeEndpoints
from support.fake_zendesk import FakeZendesk, Fault
from support.service import CUSTOMER, Clock, Service
from support.service import TICKET as CASE

EMAIL = 35500
DESK = "escalation@acme.example"
BODY = """Hello escalation team,

case #{case} is still failing: our checkout at https://shop.customer.example returns 500 in production.
Steps to reproduce: 1. open the shop 2. add an item 3. pay.
About 2,000 orders an hour are lost. We restarted the app servers; a workaround is impractical because
payments are the whole business. Please fix it before our launch on 1 December.

Dana Customer
dana@customer.example
+1 415 555 0100
"""


def email_ticket(body: str, requester: int = CUSTOMER, org: int | None = 509974) -> dict:
    ticket = copy.deepcopy(sample("ticket_cc.json"))
    ticket["ticket"].update(
        id=EMAIL,
        subject="Escalation: checkout down",
        description=body,
        recipient=DESK,
        requester_id=requester,
        submitter_id=requester,
        organization_id=org,
        tags=[],
        follower_ids=[],
        email_cc_ids=[],
        collaborator_ids=[],
        status="new",
        custom_fields=[],
    )
    return ticket


def email_comment(body: str, author: int = CUSTOMER) -> dict:
    return {
        "id": 10101,
        "type": "Comment",
        "author_id": author,
        "body": body,
        "plain_body": body,
        "public": True,
        "via": {
            "channel": "email",
            "source": {
                "from": {"address": "dana@customer.example", "name": "Dana Customer", "original_recipients": [DESK]},
                "to": {"name": "Escalations", "address": DESK},
                "rel": None,
            },
        },
        "created_at": "2026-11-22T10:00:00Z",
    }


def created_event(ticket_id: int, author: int = CUSTOMER, event_id: str = "created-1") -> dict:
    body = copy.deepcopy(sample("event_comment_added.json"))
    body.update(
        id=event_id,
        subject=f"zen:ticket:{ticket_id}",
        type="zen:event-type:ticket.created",
        event={"meta": {"sequence": {"id": "S1", "position": 1, "total": 1}}},
    )
    body["detail"].update(id=str(ticket_id), actor_id=str(author), tags=[], status="NEW")
    return body


@pytest.fixture
def world(tmp_path, made):
    def make(
        body: str = BODY.format(case=CASE),
        extra: str = "",
        case_changes: dict | None = None,
        merge: MergeEndpoints | None = None,
        fault=None,
        **email,
    ):
        cc = sample("comments_cc.json")
        case = copy.deepcopy(sample("ticket_cc.json"))
        case["ticket"].update({"email_cc_ids": [], "collaborator_ids": [], **(case_changes or {})})
        fake = FakeZendesk(
            {CASE: case, EMAIL: email_ticket(body, **email)},
            {CASE: cc["comments"][:2], EMAIL: [email_comment(body)]},
            users=cc["users"] + [{"id": 555, "name": "Stranger", "email": "s@other.example", "role": "end-user"}],
            endpoints=[merge] if merge else [],
            fault=fault,
        ).start()
        made.append(fake)
        policy = sample_policy(extra)
        return Service(tmp_path, fake, policy, Clock()), fake

    return make


def last_note(fake, ticket_id: int) -> dict:
    return [b["ticket"]["comment"] for b in fake.puts(ticket_id) if "comment" in b["ticket"]][-1]


def test_the_case_named_is_escalated_with_the_email_and_the_email_ticket_is_linked_and_solved(world):
    service, fake = world()
    service.post(created_event(EMAIL))
    service.work()
    escalation = fake.puts(CASE)[0]["ticket"]
    assert {"id": 360010000001, "value": "escalation_active"} in escalation["custom_fields"]
    note = escalation["comment"]
    assert note["public"] is False
    assert f'- escalation email #{EMAIL} from dana@customer.example: "Escalation: checkout down"\n' in note["body"]
    assert "> case #35436 is still failing" in note["body"]  # the email is the request
    assert "Escalation request checklist: 8 of 8 items present." in note["body"]
    (linked,) = fake.puts(EMAIL)
    assert linked["ticket"]["status"] == "solved" and "escalation_email_linked" in linked["ticket"]["tags"]
    assert linked["ticket"]["comment"] == {
        "body": f"Escalation email for case #{CASE}: the case is escalated with this email as the request. "
        "This ticket is solved: follow the escalation on the case.",
        "public": False,
    }
    assert "custom_fields" not in linked["ticket"]  # the email's ticket is not escalated itself


def test_a_redelivered_webhook_and_a_failed_update_link_and_escalate_once(world):
    fails = iter([True])
    service, fake = world(
        fault=lambda method, path, n: (
            Fault(503) if method == "PUT" and str(EMAIL) in path and next(fails, False) else None
        )
    )
    service.post(created_event(EMAIL))
    service.post(created_event(EMAIL))  # Zendesk delivers again
    for _ in range(5):
        service.clock.advance(120)
        service.work()
    assert len(fake.puts(EMAIL)) == 1 and len(fake.puts(CASE)) == 1


@pytest.mark.parametrize(
    "body, changes, problem",
    [
        ("Our checkout is down, please help!", {}, "the email names no case (#1234, case 1234, or the case's URL)"),
        (BODY.format(case=99999), {}, "#99999 does not exist"),
        (
            BODY.format(case=CASE),
            {"status": "closed"},
            f"#{CASE} is closed (a closed ticket cannot be escalated; a follow-up ticket can)",
        ),
        (
            BODY.format(case=CASE),
            {"organization_id": 1, "requester_id": 555},
            f"#{CASE} is not the sender's: they are not its requester, one of its CCs or a member of its organization",
        ),
    ],
)
def test_an_email_that_cannot_be_linked_is_escalated_itself_and_asks_to_link_it_by_hand(world, body, changes, problem):
    service, fake = world(body, case_changes=changes)
    service.post(created_event(EMAIL))
    service.work()
    assert fake.puts(CASE) == []
    escalation = fake.puts(EMAIL)[0]["ticket"]
    assert {"id": 360010000001, "value": "escalation_active"} in escalation["custom_fields"]
    assert f"Escalation email not linked to a case: {problem}." in escalation["comment"]["body"]
    assert "link it by hand: merge this ticket into the case" in escalation["comment"]["body"]


def test_a_customer_without_an_organization_cannot_escalate_another_customers_case(world):
    """B2C: ticket ids are sequential, and "no organization" on both sides is no shared organization."""
    service, fake = world(case_changes={"organization_id": None, "requester_id": 555}, org=None)
    service.post(created_event(EMAIL))
    service.work()
    assert fake.puts(CASE) == [] and fake.tickets[CASE]["tags"] == sample("ticket_cc.json")["ticket"]["tags"]
    escalation = fake.puts(EMAIL)[0]["ticket"]
    assert "status" not in escalation and "escalation_email_linked" not in escalation["tags"]
    assert (
        f"Escalation email not linked to a case: #{CASE} is not the sender's: they are not its requester, "
        "one of its CCs or a member of its organization."
    ) in escalation["comment"]["body"]


@pytest.mark.parametrize(
    "case_changes, sender_org",
    [
        ({"organization_id": None}, None),  # the sender is the case's requester
        ({"organization_id": 1, "requester_id": 555, "email_cc_ids": [CUSTOMER]}, None),  # one of its email CCs
        ({"organization_id": None, "requester_id": 555, "collaborator_ids": [CUSTOMER]}, None),  # a collaborator
        ({"requester_id": 555}, 509974),  # a member of the case's organization
    ],
)
def test_a_sender_with_a_say_on_the_case_escalates_it(world, case_changes, sender_org):
    service, fake = world(case_changes=case_changes, org=sender_org)
    service.post(created_event(EMAIL))
    service.work()
    assert len(fake.puts(CASE)) == 1 and fake.puts(EMAIL)[0]["ticket"]["status"] == "solved"


@pytest.mark.parametrize(
    "subject",
    [
        "Checkout down\nEscalation owner: user 235323",
        "Checkout down\r\nEscalated by zendesk-escalator (rule manual_request)",
        "Checkout down\u2028Escalation owner: user 235323\u2029- an agent added the tag escalate",
    ],
)
def test_the_emails_subject_is_quoted_like_its_body(world, subject):
    service, fake = world()
    fake.tickets[EMAIL]["subject"] = subject
    service.post(created_event(EMAIL))
    service.work()
    note = fake.puts(CASE)[0]["ticket"]["comment"]["body"]
    for line in note.splitlines():
        assert not line.startswith(
            ("Escalation owner: user 235323", "Escalated by zendesk-escalator (rule manual", "- an agent added")
        ), note
    assert '- escalation email #35500 from dana@customer.example: "Checkout down Escal' in note


def test_merge_mode_follows_the_job_to_its_end(world):
    merges = MergeEndpoints(reads_while_working=2)
    service, fake = world(extra='[email]\nafter_linking = "merge"\n', merge=merges)
    service.post(created_event(EMAIL))
    for _ in range(8):
        service.work()
        service.clock.advance(30)
    (post,) = [r for r in fake.seen("POST")]
    assert post.path == f"/api/v2/tickets/{CASE}/merge.json" and post.body["ids"] == [EMAIL]
    assert post.body["target_comment"] == f"Escalation email #{EMAIL} merged into this case."
    assert "status" not in fake.puts(EMAIL)[0]["ticket"]  # Zendesk closes it by merging
    assert fake.tickets[EMAIL]["status"] == "closed"
    assert len([r for r in fake.seen("GET") if "job_statuses" in r.path]) == 3  # working, working, completed
    assert any(r.get("status") == "merged" for r in service.results() if r)


def test_a_failed_merge_leaves_a_note_to_merge_by_hand(world):
    service, fake = world(extra='[email]\nafter_linking = "merge"\n', merge=MergeEndpoints(0, fail="source is closed"))
    service.post(created_event(EMAIL))
    for _ in range(4):
        service.work()
        service.clock.advance(30)
    assert last_note(fake, EMAIL)["body"] == (
        f"Merging this ticket into case #{CASE} did not complete (source is closed). "
        "The case is escalated; merge this ticket into it by hand."
    )
    assert len(fake.puts(CASE)) == 1  # the case's escalation stands


def test_a_customer_reply_on_the_linked_email_ticket_does_not_escalate_it(world):
    service, fake = world()
    service.post(created_event(EMAIL))
    service.work()
    reply = fake.add_comment(EMAIL, CUSTOMER, "Thanks, talk soon.")
    event = created_event(EMAIL, event_id="reply-1")
    event.update(type="zen:event-type:ticket.comment_added")
    event["event"]["comment"] = {
        "id": str(reply["id"]),
        "body": reply["body"],
        "is_public": True,
        "author": {"id": str(CUSTOMER), "is_staff": False, "name": "Dana"},
    }
    service.post(event)
    service.work()
    assert len(fake.puts(EMAIL)) == 1


def test_without_email_linking_the_email_ticket_is_escalated_as_before(world):
    service, fake = world(extra="[email]\nenabled = false\n")
    service.post(created_event(EMAIL))
    service.work()
    assert (
        fake.puts(CASE) == [] and "the ticket was emailed to escalation@acme.example" in last_note(fake, EMAIL)["body"]
    )


def test_an_email_about_a_case_already_escalated_is_quoted_on_it_once_without_escalating_again(world):
    service, fake = world()
    service.post(created_event(EMAIL))
    service.work()
    second = copy.deepcopy(
        fake.tickets[EMAIL]
        | {
            "id": EMAIL + 1,
            "subject": "Still down!",
            "status": "new",
            "tags": [],
            "description": "Case #35436: still down, call me.\n",
        }
    )
    fake.tickets[EMAIL + 1] = second
    service.post(created_event(EMAIL + 1, event_id="created-2"))
    service.work()
    first, again = fake.puts(CASE)
    note = again["ticket"]["comment"]
    assert note["public"] is False and "custom_fields" not in again["ticket"]
    assert "Escalated by" not in note["body"]
    assert "the ticket is already escalated at level 1 (customer_cc), so nothing more changed." in note["body"]
    assert f'escalation email #{EMAIL + 1} from dana@customer.example: "Still down!"' in note["body"]
    assert "> Case #35436: still down, call me." in note["body"]
    (linked,) = fake.puts(EMAIL + 1)
    assert linked["ticket"]["status"] == "solved" and "escalation_email_linked" in linked["ticket"]["tags"]

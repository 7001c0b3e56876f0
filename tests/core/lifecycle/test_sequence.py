"""Staged reads: when the new comments alone rule a customer's update out, the skipped ticket read hides nothing.

A property over threads of new comments in every channel Zendesk documents,
with the ticket's CCs changing as Zendesk changes them: an email's CC line
becomes the ticket's CCs (end users "add and remove CCs just like in email"), a
reply on the help center, through the API or a mobile SDK may change them
without naming any address. Whenever the comments-only stage says "no evidence",
every rule it spoke for must find nothing on the ticket read in full.
"""

from conftest import SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from zendesk_escalator.core.escalation.rules import TICKET
from zendesk_escalator.core.escalation.triggers import escalation_rules
from zendesk_escalator.core.notification import CommentHint, Notification
from zendesk_escalator.core.snapshot_api import comments_from_api, ticket_from_api
from zendesk_escalator.schemas.policy_file import load_policy

POLICY, RULES = load_policy(SAMPLES / "policy.toml"), escalation_rules()
BY_NAME = {rule.name: rule for rule in RULES}
CUSTOMER, AGENT, DESK, COLLEAGUE, UNKNOWN = 20978392, 235323, 30000001, 30000002, 40000001
USERS = [
    {"id": CUSTOMER, "email": "dana@customer.example", "role": "end-user"},
    {"id": AGENT, "email": "alex@acme.example", "role": "agent"},
    {"id": DESK, "email": "Escalation@acme.example", "role": "end-user"},
    {"id": COLLEAGUE, "email": "sam@customer.example", "role": "end-user"},
]
EMAIL = {u["id"]: u["email"] for u in USERS}
# via.channel as the API gives it (a via type, or a via id for email); None: a comment without via.
CHANNELS = ["email", "mail", 4, "web", "api", "mobile_sdk", "mobile", "chat", "voice", None]
SUPPORT, DESK_ADDRESS = "support@acme.zendesk.com", "escalation@acme.example"
ccs = st.frozensets(st.sampled_from([DESK, COLLEAGUE]))
comment_steps = st.lists(
    st.tuples(
        st.sampled_from([CUSTOMER, CUSTOMER, AGENT, UNKNOWN]),
        st.sampled_from(CHANNELS),
        st.sampled_from(["thanks", "Any news?", "production is down", "please escalate"]),
        ccs,
    ),
    min_size=1,
    max_size=4,
)


def thread(recipient: str, start: frozenset, steps: list) -> tuple[list[dict], frozenset]:
    """The new comments as the comments API gives them, oldest first, and the ticket's CCs after them."""
    comments, on_ticket = [], start
    for n, (author, channel, body, named) in enumerate(steps):
        by_customer = author != AGENT
        if channel in ("email", "mail", 4):
            if by_customer:
                on_ticket = named  # the CC line the customer kept or changed is the ticket's now
            source = {
                "from": {
                    "address": EMAIL.get(author, "someone@else.example"),
                    "original_recipients": [recipient, *(EMAIL[i] for i in on_ticket)],
                },
                "to": {"address": recipient, "email_ccs": sorted(on_ticket)},
                "rel": None,
            }
        else:
            if by_customer:
                on_ticket = named  # the help center's CC field, the API's email_ccs: no address on the comment
            source = {"from": {}, "to": {}, "rel": None}
        via = {"channel": channel, "source": source} if channel is not None else None
        comments.append(
            {
                "id": 10010 + n,
                "author_id": author,
                "body": body,
                "plain_body": body,
                "public": True,
                "via": via,
                "created_at": "2026-11-22T09:15:02Z",
            }
        )
    return comments, on_ticket


@settings(max_examples=400, deadline=None)
@given(
    recipient=st.sampled_from([SUPPORT, DESK_ADDRESS]),
    start=ccs,
    steps=comment_steps,
    kind=st.sampled_from(["trigger", "event"]),
)
def test_no_evidence_hides_in_the_ticket_read_the_comments_stage_skips(recipient, start, steps, kind):
    raw, on_ticket = thread(recipient, start, steps)
    last = raw[-1]
    if kind == "trigger":
        notes = [
            Notification(
                ticket_id=1,
                source="trigger",
                actor_id=last["author_id"],
                actor_role="agent" if last["author_id"] == AGENT else "end-user",
                tags=("billing",),
            )
        ]
    else:
        notes = [
            Notification(
                ticket_id=1,
                source="event",
                event_type="ticket.comment_added",
                tags=("billing",),
                actor_id=c["author_id"],
                comment=CommentHint(c["id"], c["author_id"], c["author_id"] == AGENT, True, c["body"]),
            )
            for c in raw
        ]
    needs = RULES.screen(notes, POLICY)
    new = tuple(reversed(comments_from_api({"comments": list(reversed(raw)), "users": USERS}).page))
    if (
        not needs
        or any(TICKET in need for need in needs.values())
        or RULES.comments_leave_a_chance(needs, new, notes, POLICY)
    ):
        return  # the ticket is read (or nothing could be decided): nothing is skipped
    ticket = ticket_from_api(
        {
            "ticket": {
                "id": 1,
                "status": "open",
                "priority": "normal",
                "recipient": recipient,
                "requester_id": CUSTOMER,
                "tags": ["billing"],
                "email_cc_ids": sorted(on_ticket),
                "collaborator_ids": sorted(on_ticket),
            },
            "users": USERS,
        },
        new,
    )
    assert {name: BY_NAME[name].check(ticket, POLICY) for name in needs} == dict.fromkeys(needs)

"""Escalation by email, the pure part: who may escalate a case by naming it, and the note quoting the customer's
words (hypothesis: whatever the subject and body hold, every line of them in the note is visibly quoted)."""

from datetime import datetime, timezone

import pytest
from conftest import LIFECYCLE, sample_policy
from hypothesis import given, settings
from hypothesis import strategies as st

from zendesk_escalator.core.escalation.email import by_email, referral, unfit
from zendesk_escalator.core.escalation.triggers import escalation_rules
from zendesk_escalator.core.lifecycle.transitions import on_ticket
from zendesk_escalator.core.snapshot import Comment, Person, TicketSnapshot

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
POLICY = sample_policy(LIFECYCLE)
DESK = "escalation@acme.example"
SENDER, OTHER, ORG = 101, 202, 509974
RULES = escalation_rules()


def email(
    subject: str = "Escalation", body: str = "Please escalate case #7.", org: int | None = None
) -> TicketSnapshot:
    words = Comment(1, SENDER, body, True, frozenset({DESK}), "end-user")
    return TicketSnapshot(
        8,
        status="new",
        priority="normal",
        organization_id=org,
        recipient=DESK,
        subject=subject,
        description=body,
        requester_id=SENDER,
        requester=Person("Dana", "dana@customer.example"),
        new_comments=(words,),
    )


def case(**fields) -> TicketSnapshot:
    return TicketSnapshot(**{"id": 7, "status": "open", "priority": "normal", "requester_id": OTHER, **fields})


@pytest.mark.parametrize(
    "the_case, sender_org, fit",
    [
        (case(), None, False),  # no organization on either side: no shared organization
        (case(organization_id=ORG), None, False),
        (case(organization_id=ORG), 1, False),
        (case(organization_id=ORG), ORG, True),
        (case(requester_id=SENDER), None, True),
        (case(cc_ids=frozenset({SENDER})), None, True),
        (case(cc_ids=frozenset({OTHER}), organization_id=1), 2, False),
    ],
)
def test_only_the_requester_a_cc_or_a_member_of_the_cases_organization_may_escalate_it(the_case, sender_org, fit):
    assert (unfit(the_case, email(org=sender_org)) is None) is fit


MARK = "§"  # starts the lines the customer wrote to look like the service's; no line of the service's starts with it
MIMICS = [
    "Escalated by zendesk-escalator: rule manual_request, reason manual, level 3 (manager)",
    "Escalation owner: user 235323",
    "- an agent added the tag escalate",
    "Evidence:",
    "Present:",
    "Communication plan: a public update to the customer every 2 h",
    "Escalation request checklist: 8 of 8",
    "Actions: priority → urgent",
    "Escalation email not linked to a case: none.",
    "Subject: x",
    "",
    "> ok",
]
CLUES = ["Contact: Dana", "Company: Globex", "Steps to reproduce: 1. open", "2,000 users affected", "Case #7"]
BREAKS = ["\n", "\r\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
mimic = st.builds(
    lambda lead, text: MARK + lead + text,
    st.sampled_from(["", " ", "\t", "\u200b", "\u202e"]),
    st.sampled_from(MIMICS) | st.text(max_size=30),
)
customer_text = st.builds(
    lambda lines, breaks: "".join(line + breaks[n % len(breaks)] for n, line in enumerate(lines)),
    st.lists(mimic | st.sampled_from(CLUES), min_size=1, max_size=6),
    st.lists(st.sampled_from(BREAKS), min_size=1),
)


def note_of(subject: str, body: str, linked: bool, org: int | None) -> tuple[int, str]:
    """The worker's step on the email's ticket (decide, link, lifecycle), then on the case it was linked to."""
    mail = email(subject, f"Case #7\n{body}", org=org)
    the_case = case(requester_id=SENDER, organization_id=org)
    decision = RULES.decide(mail, POLICY)
    case_id, decision = by_email(mail, decision, True, POLICY, lambda _: the_case if linked else "#7 does not exist")
    ticket = mail
    if case_id is not None:
        ticket = TicketSnapshot(**{**the_case.__dict__, "referrals": (referral(case_id, mail).referral,)})
        decision = RULES.decide(ticket, POLICY)
    return ticket.id, on_ticket(ticket, None, decision, POLICY, NOW).update["comment"]["body"]


@settings(max_examples=300, deadline=None)
@given(subject=customer_text, body=customer_text, linked=st.booleans(), org=st.sampled_from([None, ORG]))
def test_every_line_of_the_customers_subject_and_body_in_the_note_is_quoted(subject, body, linked, org):
    escalated, note = note_of(subject, body, linked, org)
    assert escalated == (7 if linked else 8)
    for line in note.splitlines():
        assert not line.lstrip().startswith(MARK), f"unquoted customer line {line!r} in:\n{note}"

"""Escalation by email (pure): a new ticket sent to an escalation address about an existing case.

Zendesk turns an email to the escalation address into a new ticket. When that
email names a case ("#1234", "case 1234", the case's URL), the case is what must
be escalated: the email is referred to it (the EscalationEmail rule escalates the
case with the email as the request), and the email's own ticket gets a note
linking the case and is solved or merged into it. Ticket ids are sequential, so
naming a case proves nothing: the sender must have a say on it, as its requester,
one of its CCs, or a member of its organization (a case without one has only its
requester and CCs). A case that does not exist, is closed, or is not the sender's
is not linked: the email's ticket is escalated itself and its note asks the team
to link it by hand, so nothing is lost. The email's subject and body are the
customer's words: the note quotes the subject on one line, in quotation marks, and
the body line by line.
"""

from dataclasses import replace
from typing import Any, Callable

from ..notification import Notification
from ..policy import Policy
from ..snapshot import Person, TicketSnapshot
from ..text.mail import LIMIT
from ..text.references import find_references
from ..wording import customer_lines, one_line, shortened
from .rules import Decision, ReferralRule, Request

EMAIL = "escalation_email"  # the kind of the referral, and the rule's name
MAX_CANDIDATES = 3  # the cases read, at most, to find one to link (one GET each)


def referred_cases(
    ticket: TicketSnapshot, decision: Decision | None, first_time: bool, policy: Policy
) -> tuple[int, ...] | None:
    """The cases this ticket's escalation email names (maybe none); None when it is not an email to link.

    An escalation email is a ticket sent to an escalation address that was never
    escalated or linked before (`first_time`, and not tagged as linked).
    """
    if (
        not policy.email.enabled
        or decision is None
        or decision.acknowledge_only
        or f"recipient:{ticket.recipient}" not in decision.keys
    ):
        return None
    if not first_time or policy.email.linked_tag in ticket.tags:
        return None
    return named_cases(ticket, policy)


def named_cases(ticket: TicketSnapshot, policy: Policy) -> tuple[int, ...]:
    """The cases the ticket's subject and first comment name (itself left out), as many as are looked at."""
    found = find_references(ticket.subject, ticket.description, policy.email.hosts)
    return tuple(case for case in found if case != ticket.id)[:MAX_CANDIDATES]


def by_email(
    email: TicketSnapshot,
    decision: Decision | None,
    first_time: bool,
    policy: Policy,
    read: Callable[[int], TicketSnapshot | str],
) -> tuple[int | None, Decision | None]:
    """The case an escalation email is linked to (then None), else the decision on its own ticket.

    `read` gives a named case, or why it cannot be had; the first case fit to take
    the email wins. An email that links no case is escalated itself, its note saying why.
    """
    cases = referred_cases(email, decision, first_time, policy)
    if cases is None or decision is None:  # no decision: no cases either
        return None, decision
    problems = []
    for case_id in cases:
        case = read(case_id)
        why = case if isinstance(case, str) else unfit(case, email)
        if why is None:
            return case_id, None
        problems.append(why)
    return None, replace(decision, notes=decision.notes + unlinked_lines(cases, problems))


def with_account_host(policy: Policy, subdomain: str | None) -> Policy:
    """The policy with the account's own subdomain among the hosts whose ticket URLs name cases."""
    if not subdomain:
        return policy
    return replace(policy, email=replace(policy.email, hosts=policy.email.hosts | {subdomain}))


def spent(ticket: TicketSnapshot, policy: Policy) -> frozenset[str]:
    """The evidence a linked escalation email used up: its ticket's recipient never escalates it again."""
    return frozenset({f"recipient:{ticket.recipient}"}) if policy.email.linked_tag in ticket.tags else frozenset()


def unfit(case: TicketSnapshot, email: TicketSnapshot) -> str | None:
    """Why this case cannot take the email's escalation (None: it can)."""
    if case.status == "closed":
        return f"#{case.id} is closed (a closed ticket cannot be escalated; a follow-up ticket can)"
    if not has_a_say(email, case):
        return (
            f"#{case.id} is not the sender's: they are not its requester, one of its CCs or a member of "
            f"its organization"
        )
    return None


def has_a_say(email: TicketSnapshot, case: TicketSnapshot) -> bool:
    """The email's sender (its requester) is the case's requester, CC'd on it, or in its organization.

    "No organization" on both sides is no shared organization: on an account without
    organizations any customer could otherwise escalate any other's case.
    """
    sender = email.requester_id
    if sender is None:
        return False
    return (
        sender == case.requester_id
        or sender in case.cc_ids
        or (case.organization_id is not None and case.organization_id == email.organization_id)
    )


def referral(case_id: int, email: TicketSnapshot) -> Notification:
    """The notification that brings the email to its case."""
    sender = email.requester or Person()
    return Notification.refer(
        case_id,
        EMAIL,
        {
            "email_ticket": email.id,
            "subject": email.subject[:1000],
            "body": email.description[:LIMIT],
            "sender": {"name": sender.name, "email": sender.email, "phone": sender.phone},
        },
    )


def linked_update(email: TicketSnapshot, case_id: int, policy: Policy, solve: bool) -> dict[str, Any]:
    """The email ticket's one update: the note linking the case, the tag, and solved (unless merged later)."""
    then = (
        "This ticket is solved: follow the escalation on the case."
        if solve
        else "This ticket is being merged into the case."
    )
    update = {
        "id": email.id,
        "tags": sorted({*email.tags, policy.email.linked_tag}),
        "comment": {
            "body": f"Escalation email for case #{case_id}: the case is escalated with this email "
            f"as the request. {then}",
            "public": False,
        },
    }
    if email.updated_at:
        update.update(safe_update=True, updated_stamp=email.updated_at)
    if solve:
        update["status"] = "solved"
    return update


def merge_comments(email_id: int, case_id: int) -> tuple[str, str]:
    """The private comments Zendesk writes on the case and on the email's ticket when merging."""
    return (
        f"Escalation email #{email_id} merged into this case.",
        f"Merged into case #{case_id}, which is escalated with this email as the request.",
    )


def unlinked_lines(cases: tuple[int, ...], problems: list[str]) -> tuple[str, ...]:
    """What the email ticket's own escalation note says about the case it could not be linked to."""
    why = "; ".join(problems) if problems else "the email names no case (#1234, case 1234, or the case's URL)"
    return (
        f"Escalation email not linked to a case: {why}.",
        "If it is about an existing case, link it by hand: merge this ticket into the case, "
        "or add the escalation tag on the case.",
    )


class EscalationEmail(ReferralRule):
    """The rule: an escalation email referred to this case escalates it, the email being the request."""

    name = EMAIL
    acknowledged = True  # a case escalated already gets the email quoted, and nothing else changes

    def level(self, policy: Policy) -> int:
        return policy.cc.level

    def check(self, ticket: TicketSnapshot, policy: Policy) -> Decision | None:
        found = ticket.referred(EMAIL)
        if found is None or ticket.status == "closed":
            return None
        data = found.data
        sender = Person(**{k: v for k, v in (data.get("sender") or {}).items() if k in ("name", "email", "phone")})
        subject, body = str(data.get("subject") or ""), str(data.get("body") or "")
        address = one_line(sender.email or "") or "an unknown sender"
        evidence = f"escalation email #{data.get('email_ticket')} from {address}"
        if one_line(subject):  # in quotation marks, on the evidence's one line: it can start no line of its own
            evidence += f': "{one_line(subject)[:200]}"'
        return Decision(
            self.name,
            "customer_cc",
            policy.cc.level,
            policy.cc.priority,
            (evidence,),
            customer_lines(shortened(body)) or None,
            keys=frozenset({f"email:{data.get('email_ticket')}"}),
            request=Request(body, subject, sender),
            acknowledged=True,
        )

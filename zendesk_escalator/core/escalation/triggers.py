"""The handbook's escalation triggers as rules (pure): customer CC, impact, manual request, email, recurrence."""

from ..conditions import When
from ..notification import COMMENT_ADDED, CREATED, Notification
from ..policy import Policy
from ..snapshot import Comment, TicketSnapshot
from ..state import Standing, asked_to_escalate
from ..wording import shortened
from .email import EscalationEmail
from .hotline import Hotline
from .recurring import RecurringIncidents
from .rules import COMMENTS, NOTHING, TICKET, Decision, Request, Rules

# Ticket events after which a CC of the escalation address can be new on the ticket.
CC_EVENTS = frozenset({"ticket.email_ccs_changed", "ticket.followers_changed"})
# Ticket events that never bring a comment, a CC or a request, whatever their content.
QUIET_EVENTS = frozenset(
    {
        "ticket.status_changed",
        "ticket.priority_changed",
        "ticket.agent_assignment_changed",
        "ticket.group_assignment_changed",
        "ticket.custom_status_changed",
        "ticket.tags_changed",
        "ticket.custom_field_changed",
        "ticket.type_changed",
        "ticket.form_changed",
        "ticket.organization_changed",
        "ticket.requester_changed",
        "ticket.submitter_changed",
        "ticket.problem_link_changed",
        "ticket.next_sla_breach_changed",
        "ticket.sla_policy_changed",
        "ticket.ola_policy_changed",
        "ticket.schedule_changed",
        "ticket.csat_requested",
        "ticket.csat_received",
        "ticket.undeleted",
    }
)


class CustomerCc:
    """The escalation address is CC'd, was a recipient of a new customer comment, or got the email."""

    name = "customer_cc"

    def screen(self, note: Notification, policy: Policy, standing: Standing) -> frozenset[str]:
        if standing.covers(policy.cc.level):
            return NOTHING
        if note.source == "trigger":  # a customer's change is nearly always a comment: read those first
            return NOTHING if note.by_staff else frozenset({COMMENTS})
        if note.event_type == COMMENT_ADDED:
            return NOTHING if note.by_staff else frozenset({COMMENTS})
        if note.event_type == CREATED:
            return frozenset({COMMENTS, TICKET})
        if note.event_type in CC_EVENTS:
            return frozenset({TICKET})
        return NOTHING if note.event_type in QUIET_EVENTS else frozenset({COMMENTS, TICKET})

    def comment_evidence(self, comments: tuple[Comment, ...], notes: list[Notification], policy: Policy) -> bool:
        customer = [c for c in comments if c.by_customer]
        if not customer:
            # A trigger cannot say what the customer changed; with no new comment it may
            # have been a CC added on the help center: look at the ticket.
            return any(note.source == "trigger" for note in notes)
        # An email's To and CC lines are the ticket's recipient and CCs; a reply by web form,
        # help center, API or mobile SDK names no address, so only the ticket can show them.
        return any(policy.addresses & c.recipients or not c.by_email for c in customer)

    def check(self, ticket: TicketSnapshot, policy: Policy) -> Decision | None:
        evidence, keys, quoted = [], set(), None
        for comment in ticket.new_customer_comments:
            hit = sorted(policy.addresses & comment.recipients)
            if hit:
                evidence.append(f"comment #{comment.id} from the customer was sent to {', '.join(hit)}")
                keys.add(f"comment:{comment.id}")
                quoted = comment
        on_ticket = sorted(policy.addresses & ticket.cc_emails)
        if on_ticket:
            evidence.append(f"{', '.join(on_ticket)} is CC'd on the ticket")
            keys |= {f"cc:{address}" for address in on_ticket}
        if ticket.recipient in policy.addresses:
            evidence.append(f"the ticket was emailed to {ticket.recipient}")
            keys.add(f"recipient:{ticket.recipient}")
        if not evidence:
            return None
        customer = ticket.new_customer_comments
        asked = quoted or (customer[-1] if customer else None)
        text = asked.body if asked else ticket.description  # an email to the desk: the ticket's first comment
        request = Request(text, ticket.subject, ticket.requester) if text.strip() else None
        return Decision(
            self.name,
            "customer_cc",
            policy.cc.level,
            policy.cc.priority,
            tuple(evidence),
            quote_of(asked),
            keys=frozenset(keys),
            request=request,
        )


class Impact:
    """A business-critical situation: impact tags, priority, or words such as "production down"."""

    name = "impact"

    def screen(self, note: Notification, policy: Policy, standing: Standing) -> frozenset[str]:
        need = set()
        for impact in policy.impacts:
            if standing.covers(impact.level) or not impact.when.could_hold(note):
                continue
            # Words can only come with a new customer comment: read those first.
            need.add(COMMENTS if impact.when.phrases else TICKET)
        return frozenset(need)

    def comment_evidence(self, comments: tuple[Comment, ...], notes: list[Notification], policy: Policy) -> bool:
        probe = TicketSnapshot(id=0, new_comments=comments)
        return any(impact.when.phrases_in(probe) for impact in policy.impacts if impact.when.phrases)

    def check(self, ticket: TicketSnapshot, policy: Policy) -> Decision | None:
        hits = [(impact, found) for impact in policy.impacts if (found := impact.when.evidence(ticket)) is not None]
        if not hits:
            return None
        worst, _ = max(hits, key=lambda hit: hit[0].level)
        evidence = tuple(f"{line} → {impact.reason}" for impact, found in hits for line in found)
        customer = ticket.new_customer_comments
        quote = quote_of(customer[-1]) if worst.when.phrases and customer else None
        return Decision(
            self.name,
            worst.reason,
            worst.level,
            worst.priority,
            evidence,
            quote,
            keys=frozenset(key for impact, _ in hits for key in _impact_keys(impact.when, ticket)),
        )


class ManualRequest:
    """An agent asks by hand: the request tag, or the status field set to "requested"."""

    name = "manual_request"

    def screen(self, note: Notification, policy: Policy, standing: Standing) -> frozenset[str]:
        status_field = policy.fields.status
        asked = (
            note.tags is None  # no hints: cannot tell, so look
            or policy.manual.tag in note.tags
            or policy.values.requested in note.tags
            or note.escalation_status == policy.values.requested
            or (status_field is not None and note.field_id == status_field)
        )
        return frozenset({TICKET}) if asked else NOTHING

    def comment_evidence(self, comments: tuple[Comment, ...], notes: list[Notification], policy: Policy) -> bool:
        return True

    def check(self, ticket: TicketSnapshot, policy: Policy) -> Decision | None:
        evidence = asked_to_escalate(ticket, policy)
        if not evidence:
            return None
        manual = policy.manual
        return Decision(
            self.name, "manual", manual.level, manual.priority, evidence, consume_tags=frozenset({manual.tag})
        )


def _impact_keys(when: When, ticket: TicketSnapshot) -> set[str]:
    """What made an impact rule hold: its tags on the ticket, the comments with its words, or the rest."""
    keys = {f"tag:{tag}" for tag in when.tags_any & set(ticket.tags)} | {f"tag:{tag}" for tag in when.tags_all}
    if when.phrases:
        keys |= {
            f"comment:{c.id}"
            for c in ticket.new_customer_comments
            if when.phrases_in(TicketSnapshot(id=ticket.id, new_comments=(c,)))
        }
    return keys or {f"impact:{sorted(when.priority)}:{ticket.priority}"}


def quote_of(comment: Comment | None) -> str | None:
    """The comment's text for the note, shortened."""
    return shortened(comment.body) if comment is not None and comment.body.strip() else None


def escalation_rules() -> Rules:
    """The registry the worker and `simulate` both use."""
    rules = Rules()
    for rule in (CustomerCc(), Impact(), ManualRequest(), EscalationEmail(), RecurringIncidents(), Hotline()):
        rules.register(rule)
    return rules

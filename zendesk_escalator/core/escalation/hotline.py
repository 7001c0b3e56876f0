"""The escalation hotline (pure): a customer's call to a number of the [phone] section escalates its ticket.

Zendesk Talk makes a ticket of each call. One that reached a hotline number is
escalated with reason `phone`, the call's words (the voicemail's transcript, else
the ticket's first comment: what Talk or the agent wrote of the call) quoted as the
customer's request, line by line, and the request checklist applied to them. A call
ticket escalates once: the call is the evidence, used up by its episode.
"""

from dataclasses import replace

from ..call import voice_hint
from ..notification import CREATED, Notification
from ..policy import Policy
from ..snapshot import Comment, Person, TicketSnapshot
from ..state import Standing
from ..wording import customer_lines, one_line, shortened
from .rules import COMMENTS, NOTHING, TICKET, Decision, Request

PHONE = "phone"  # the rule's name


class Hotline:
    """A call ticket from Zendesk Talk to one of the hotline's numbers."""

    name = PHONE

    def screen(self, note: Notification, policy: Policy, standing: Standing) -> frozenset[str]:
        hotline = policy.phone
        if not hotline.enabled or note.referral or standing.covers(hotline.level):
            return NOTHING
        called = voice_hint(note.via)
        if called is None:  # no hint: an event webhook's creation is read; a trigger body older than the hint
            called = note.source == "event" and note.event_type == CREATED  # is not (`escalator check` says so)
        elif note.source == "event":  # every event of a call ticket says voice: its creation is the call
            called = called and note.event_type == CREATED
        return frozenset({TICKET, COMMENTS}) if called else NOTHING

    def comment_evidence(self, comments: tuple[Comment, ...], notes: list[Notification], policy: Policy) -> bool:
        return True  # the number called is on the ticket, whatever the comments say

    def check(self, ticket: TicketSnapshot, policy: Policy) -> Decision | None:
        hotline, call = policy.phone, ticket.call
        if call is None or not call.inbound or call.to not in hotline.numbers:
            return None
        line = f" ({one_line(call.line)})" if one_line(call.line) else ""
        caller = f" from {call.caller}" if call.caller else ""
        evidence = f"{call.kind}{caller} to the escalation hotline {one_line(call.shown_to) or call.to}{line}"
        text = next((c.transcript for c in ticket.new_comments if c.transcript), None) or ticket.description
        requester = ticket.requester or Person()
        sender = replace(requester, phone=requester.phone or call.caller)
        return Decision(
            self.name,
            hotline.reason,
            hotline.level,
            hotline.priority,
            (evidence,),
            customer_lines(shortened(text)) or None,
            keys=frozenset({f"call:{ticket.id}"}),
            request=Request(text, ticket.subject, sender) if text.strip() else None,
        )

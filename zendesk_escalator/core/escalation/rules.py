"""The rules registry (pure): screening, decide() and explain() share one Rules object.

Each rule says what it needs to see for a notification (screen), whether new
comments alone can already rule it out (comment_evidence), and what it decides
on a full ticket (check). The highest level wins; a ticket whose episode is
escalated at that level or above is not escalated again ("not again"), but an
agent's request is always answered, so its tag never stays behind. Where the
escalation stands is the episode's word (a Standing), never the ticket's fields.
"""

from dataclasses import dataclass, field, replace
from typing import Iterator, Protocol

from ..notification import Notification
from ..policy import Policy
from ..snapshot import Comment, Person, TicketSnapshot
from ..state import NOT_ESCALATED, Standing, screened

COMMENTS, TICKET = "comments", "ticket"  # what a rule may need read
NOTHING: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Request:
    """A customer's escalation request in full (the CC'd comment, the email), for the request checklist."""

    text: str
    subject: str = ""
    sender: Person | None = None


@dataclass(frozen=True)
class Decision:
    """One change to carry out, with the evidence that justifies it."""

    rule: str
    reason: str
    level: int
    priority: str | None = None
    evidence: tuple[str, ...] = ()
    quote: str | None = None
    consume_tags: frozenset[str] = field(default_factory=frozenset)
    acknowledge_only: bool = False  # a request seen on a ticket escalated enough already
    reassign: bool = True  # functional escalation (routing table); False: only tell the level
    keys: frozenset[str] = field(default_factory=frozenset)  # the evidence, as keys an episode consumes
    notes: tuple[str, ...] = ()  # more lines for the note (owner, communication plan, checklist)
    followers: tuple[int, ...] = ()  # more people to follow the ticket (the owner)
    request: Request | None = None  # the customer's request, when a customer asked
    opens_only: bool = False  # it may open an escalation, never raise an open one (a recurring run)
    acknowledged: bool = False  # a request acknowledged on a ticket escalated enough already (as consume_tags are)


class Rule(Protocol):
    name: str

    def screen(self, note: Notification, policy: Policy, standing: Standing) -> frozenset[str]:
        """What must be read before this rule can decide on the change announced (empty: nothing)."""

    def comment_evidence(self, comments: tuple[Comment, ...], notes: list[Notification], policy: Policy) -> bool:
        """Whether the new comments leave this rule a chance (False: no ticket read needed)."""

    def check(self, ticket: TicketSnapshot, policy: Policy) -> Decision | None:
        """The escalation this rule asks for on this ticket, or None."""


class ReferralRule:
    """A rule on a request the service raised itself for this ticket (a referral of the rule's own name):
    it needs the ticket read, never the comments."""

    name: str
    acknowledged = False  # its request is acknowledged on a ticket escalated that high already (else: nothing)

    def level(self, policy: Policy) -> int:
        """The level the rule escalates at (a ticket escalated that high already needs nothing)."""
        raise NotImplementedError

    def screen(self, note: Notification, policy: Policy, standing: Standing) -> frozenset[str]:
        referred = note.referral is not None and note.referral.kind == self.name
        if not referred or (standing.covers(self.level(policy)) and not self.acknowledged):
            return NOTHING
        return frozenset({TICKET})

    def comment_evidence(self, comments: tuple[Comment, ...], notes: list[Notification], policy: Policy) -> bool:
        return False  # the request is in the referral, not among the ticket's comments


class Rules:
    """An ordered registry; earlier rules win ties."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}

    def register(self, rule: Rule) -> Rule:
        """Add a rule under its name."""
        self._rules[rule.name] = rule
        return rule

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules.values())

    def screen(
        self, notes: list[Notification], policy: Policy, standing: Standing = NOT_ESCALATED
    ) -> dict[str, frozenset[str]]:
        """Per rule that might fire, what must be read; empty when no read can lead to a decision.

        `standing` is the episode's; without a record, each webhook's tags stand in (core/state.screened).
        """
        seen = [
            (note, screened(standing, note.tags, policy)) for note in notes if note.status != "closed"
        ]  # a closed ticket takes no update
        needs: dict[str, frozenset[str]] = {}
        for rule in self:
            need = frozenset().union(*(rule.screen(note, policy, as_seen) for note, as_seen in seen))
            if need:
                needs[rule.name] = need
        return needs

    def comments_leave_a_chance(
        self, needs: dict[str, frozenset[str]], comments: tuple[Comment, ...], notes: list[Notification], policy: Policy
    ) -> bool:
        """False when every candidate waited only on comments and the comments rule it out."""
        return any(
            TICKET in need or name not in self._rules or self._rules[name].comment_evidence(comments, notes, policy)
            for name, need in needs.items()
        )

    def decide(
        self,
        ticket: TicketSnapshot,
        policy: Policy,
        standing: Standing = NOT_ESCALATED,
        consumed: frozenset[str] = frozenset(),
    ) -> Decision | None:
        """Return the change this ticket needs now, or None.

        `standing` is where the ticket's episode stands. Evidence an earlier, closed
        escalation used up (`consumed`) never starts another one: only a candidate
        with some new evidence counts.
        """
        if ticket.status == "closed":  # a closed ticket accepts no note and no field change
            return None
        candidates = [
            d
            for rule in self
            if (d := rule.check(ticket, policy))
            and not (d.keys and d.keys <= consumed)
            and not (d.opens_only and standing.escalated)
        ]
        if not candidates:
            return None
        best = max(candidates, key=lambda d: d.level)  # max() keeps the first of equals
        consumed = frozenset().union(*(d.consume_tags for d in candidates))
        seen = tuple(line for d in candidates if d.consume_tags and d is not best for line in d.evidence)
        if standing.covers(best.level):
            request = next((d for d in candidates if d.consume_tags or d.acknowledged), None)
            if request is None:
                return None
            return replace(
                request,
                level=standing.level,
                reason=standing.reason or request.reason,
                priority=None,
                consume_tags=consumed,
                acknowledge_only=True,
            )
        return replace(best, consume_tags=consumed, evidence=best.evidence + seen)

    def evidence(self, ticket: TicketSnapshot, policy: Policy) -> frozenset[str]:
        """The keys of every rule's evidence on the ticket now, whether or not it would decide."""
        return frozenset().union(*(d.keys for rule in self if (d := rule.check(ticket, policy))))

    def explain(self, ticket: TicketSnapshot, policy: Policy) -> dict[str, Decision | None]:
        """What each rule concludes on its own (for `simulate`)."""
        return {rule.name: rule.check(ticket, policy) for rule in self}

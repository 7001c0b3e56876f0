"""One change of the replay as the worker takes it (pure): the webhook it would have sent, screened, decided.

The worker's own path (worker/escalate.py) in the same order: the rules' and the
lifecycle's screens against the episode, the new comments looked at, an escalation
made before the period adopted (core/state_table.py), a Zendesk close or an agent's
de-escalation taken before any rule, the decision (leaving out the evidence a closed
escalation or a linked escalation email used up), then either the case an escalation
email is linked to (core/escalation_email.py's by_email) or the lifecycle's step on
the decision (core/transitions.py).
"""

from datetime import datetime
from typing import Callable

from .escalation_email import by_email, spent
from .lifecycle import CLOSED, Episode, standing_of
from .lifecycle import screen as lifecycle_screen
from .notification import Notification
from .policy import Policy
from .replay import Change
from .rules import COMMENTS, Decision, Rules
from .snapshot import TicketSnapshot
from .state_table import adopt
from .transitions import Move, before_rules, on_ticket


def decide_change(state: TicketSnapshot, notes: list[Notification], episode: Episode | None, policy: Policy,
                  rules: Rules, now: datetime, read: Callable[[int], TicketSnapshot | str]
                  ) -> tuple[Decision | None, Move | None, int | None]:
    """What the worker does with these webhooks: screened, comments looked at, decided, then the lifecycle's
    step, or the case an escalation email is linked to (`read` gives the cases it names)."""
    needs = rules.screen(notes, policy, standing_of(episode))
    if lifecycle_need := lifecycle_screen(notes, standing_of(episode), policy):
        needs["lifecycle"] = lifecycle_need
    if not needs or (any(COMMENTS in need for need in needs.values())
                     and not rules.comments_leave_a_chance(needs, state.new_comments, notes, policy)):
        return None, None, None
    episode = adopt(state, episode, policy, now)
    if first := before_rules(state, episode, policy, now):
        return None, first, None
    consumed = episode.consumed if episode and episode.state == CLOSED else frozenset()
    decision = rules.decide(state, policy, standing_of(episode), consumed | spent(state, policy))
    case_id, decision = by_email(state, decision, episode is None, policy, read)
    if case_id is not None:
        return None, None, case_id
    return decision, on_ticket(state, episode, decision, policy, now), None


def notification_of(change: Change, state: TicketSnapshot, policy: Policy) -> Notification:
    """The trigger webhook this change would have sent (the README's body, with its hints)."""
    status_field = policy.fields.status
    return Notification(ticket_id=change.ticket_id, source="trigger", actor_id=change.actor_id,
                        actor_role=change.actor_role, tags=state.tags, priority=state.priority,
                        status=state.status, updated_at=state.updated_at,
                        escalation_status=state.field(status_field) if status_field else None)

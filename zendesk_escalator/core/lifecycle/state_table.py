"""The state table (pure): what the ticket shows, against what the episode says, gives what the service does.

The episode (the service's record) is the truth for every decision; the ticket's
escalation fields and tags are its mirror, written in full by every update the
service sends, and the agents' way to ask. docs/ARCHITECTURE.md holds the same
table in prose; the worker, `simulate` and the backtest all take their rows here.

  episode says   ticket shows                                   row
  no record      an escalation (state.shown: fields or tags)    adopted first (history step "adopted"), then as "open"
  none, closed   closed                                         NOTHING: a closed ticket takes no escalation
  none, closed   anything else                                  RULES decide; a closed one's evidence counts no more
  open           closed (Zendesk closed it)                     CLOSED_IN_ZENDESK: closed in the service, review kept
  open           de-escalation tag or "closed" value            DEESCALATE, before any rule: closed with an agent's
                                                                agreement note, else refused and the mirror restored
  active         solved, [lifecycle]                            RULES_THEN_MONITOR: a rule's raise, else monitoring
  monitoring     unsolved (reopened), [lifecycle]               RULES_THEN_REOPEN: a rule's raise, else re-escalation
  open           anything else                                  RULES decide against the episode's level: a higher
                                                                one raises it, a request is acknowledged

What the mirror shows of an open episode (empty, unreadable, stale, a re-created
field) is never read as "not escalated": the next update writes it again.
"""

from datetime import datetime

from ..policy import Policy
from ..snapshot import TicketSnapshot, parse_time
from ..state import asked_to_deescalate, shown
from .episode import ACTIVE, CLOSED, MONITORING, REOPENED, SOLVED, UNSOLVED, Episode, Step, next_state

NOTHING, RULES, CLOSED_IN_ZENDESK, DEESCALATE = "nothing", "rules", "closed_in_zendesk", "deescalate"
RULES_THEN_MONITOR, RULES_THEN_REOPEN = "rules_then_monitor", "rules_then_reopen"
BEFORE_RULES = frozenset({CLOSED_IN_ZENDESK, DEESCALATE})  # taken before (and instead of) any rule
ADOPTED = "adopted"  # the history step of an escalation adopted from the ticket's mirror


def row(ticket: TicketSnapshot, episode: Episode | None, policy: Policy) -> str:
    """The row of the table this ticket and its episode (adopted first, see adopt) are in."""
    open_ = episode is not None and episode.state != CLOSED
    if ticket.status == "closed":
        return CLOSED_IN_ZENDESK if open_ else NOTHING
    if not open_:
        return RULES
    if asked_to_deescalate(ticket, policy):
        return DEESCALATE
    assert episode is not None  # open_
    if policy.lifecycle.enabled and next_state(episode.state, SOLVED) and ticket.status == "solved":
        return RULES_THEN_MONITOR
    if policy.lifecycle.enabled and next_state(episode.state, REOPENED) and ticket.status in UNSOLVED:
        return RULES_THEN_REOPEN
    return RULES


def adopt(ticket: TicketSnapshot, episode: Episode | None, policy: Policy, now: datetime) -> Episode | None:
    """The episode to decide with: the record; without one, the escalation the ticket's mirror shows, adopted.

    That is an escalation made before the service kept records (an earlier release,
    or one whose record was lost, say after a crash between the update and the
    record): it is taken over as it stands, never escalated again.
    """
    if episode is not None or ticket.status == "closed":
        return episode
    mirror = shown(ticket, policy)
    if mirror is None:
        return None
    state = MONITORING if mirror.phase == MONITORING and policy.lifecycle.enabled else ACTIVE
    opened = parse_time(mirror.escalated_at) or now
    detail = (
        f"escalated before the service kept a record: the ticket shows level {mirror.level}, "
        f"reason {mirror.reason}, {mirror.phase}"
        + (f", escalated at {mirror.escalated_at}" if mirror.escalated_at else "")
    )
    return Episode(
        ticket.id,
        state,
        opened,
        mirror.level,
        mirror.reason,
        ADOPTED,
        ("the ticket's escalation fields and tags",),
        history=(Step(now, state, mirror.level, ADOPTED, detail, mirror.reason),),
    )


def just_adopted(episode: Episode | None) -> bool:
    """The episode was adopted just now and is not stored yet."""
    return episode is not None and episode.id is None and episode.history[-1].cause == ADOPTED

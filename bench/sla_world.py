"""The SLA benchmark's world: open tickets on Zendesk's SLA clock, moments due during the run, agents answering.

Every ticket has one active first reply time metric (`slas.policy_metrics`, as
Zendesk sends it). Most breach hours to days from now, so only the sweep ever
reads them. A few hundred "moment" tickets have exactly one moment inside the
run, a warning (breach_at - warn_before) or the breach (breach_at + grace), so
each update the fake receives belongs to one known moment. Some are answered by
an agent before their moment: a minute or more before (the change feed can see
it) or only seconds before (the export hides the last minute: the re-check at
fire time or safe_update must catch it); some just after it (the update is due
all the same). Agents also answer tickets with no moment, which the feed reads.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from support.zendesk_records import zendesk_ticket  # bench/common.py puts tests/ on the path

METRIC = "first_reply_time"
FIRST_ID = 1_000_000
HOUR, DAY = 3600, 86400
CASES = (("answered early", 0.10), ("answered late", 0.10), ("answered after", 0.05))


@dataclass
class Moment:
    """The one moment of a moment ticket inside the run."""

    ticket_id: int
    kind: str  # warning | breach
    at: int  # epoch seconds (breach_at has whole seconds)
    case: str = "unanswered"  # or one of CASES
    answered_at: float | None = None  # when an agent is to answer (the fake records when one did)


def stamp(epoch: float) -> str:
    """Zendesk's timestamp form."""
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def metric(breach_at: float, now: float) -> dict:
    """An active policy metric as Zendesk sends it (the unit key is the time left, rounded)."""
    return {
        "breach_at": stamp(breach_at),
        "stage": "active",
        "metric": METRIC,
        "hours": round((breach_at - now) / HOUR),
    }


def open_ticket(ticket_id: int, created: float, breach_at: float, now: float) -> dict:
    """An open ticket as show_many or the export answer it with include=slas."""
    return zendesk_ticket(
        ticket_id,
        datetime.fromtimestamp(created, tz=timezone.utc),
        priority="high",
        custom_fields=[{"id": 360010000005, "value": "billing"}],
        generated=int(created),
        slas={"policy_metrics": [metric(breach_at, now)]},
    )


class World:
    """The tickets (for the fake), which of them get a moment, and when agents answer."""

    def __init__(self, count: int, moments: int, now: float, rng: random.Random):
        self.rng, ids = rng, range(FIRST_ID, FIRST_ID + count)
        # Created over the last two days, breaching from 2 hours to 7 days ahead: nothing due during the run.
        self.tickets = {
            tid: open_ticket(tid, now - rng.uniform(HOUR, 2 * DAY), now + rng.uniform(2 * HOUR, 7 * DAY), now)
            for tid in ids
        }
        self.metric_sets = {tid: {"replies": 0} for tid in ids}
        self.moment_ids = sorted(rng.sample(ids, moments))

    def place(self, start: float, minutes: float, warn_before: timedelta, grace: timedelta) -> list[Moment]:
        """Give each moment ticket its moment between 90 s after `start` and a minute before the end."""
        first, last = start + 90, start + minutes * 60 - 60
        moments = []
        for n, tid in enumerate(self.moment_ids):
            at = int(self.rng.uniform(first, last))
            kind = "warning" if n % 2 == 0 else "breach"
            breach_at = at + (warn_before if kind == "warning" else -grace).total_seconds()
            self.tickets[tid]["slas"] = {"policy_metrics": [metric(breach_at, start)]}
            moments.append(self._answered(Moment(tid, kind, at), start))
        return moments

    def _answered(self, moment: Moment, start: float) -> Moment:
        draw = self.rng.random()
        for case, share in CASES:
            if draw < share:
                break
            draw -= share
        else:
            return moment
        if case == "answered early" and moment.at - 180 < start + 5:
            case = "answered late"  # too early in the run for a minute's notice
        offset = {
            "answered early": -self.rng.uniform(60, 180),
            "answered late": -self.rng.uniform(2, 30),
            "answered after": self.rng.uniform(5, 40),
        }[case]
        moment.case, moment.answered_at = case, moment.at + offset
        return moment

    def background_answers(self, start: float, minutes: float, per_minute: float) -> list[tuple[float, int]]:
        """(when, ticket) for agents answering tickets without a moment, at `per_minute` through the run."""
        count, moment_ids = int(per_minute * minutes), set(self.moment_ids)
        drawn = self.rng.sample(list(self.tickets), count + len(moment_ids))
        others = [tid for tid in drawn if tid not in moment_ids][:count]
        return sorted((start + self.rng.uniform(0, minutes * 60), tid) for tid in others)

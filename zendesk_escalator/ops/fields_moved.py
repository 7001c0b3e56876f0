"""Escalation fields that got new ids: what `check` says of them and what `setup` carries over.

Both read the service's database (DATABASE_URL), where the worker remembers the field
ids it writes with; neither makes a database where there is none.
"""

from datetime import datetime
from math import ceil

from ..core.policy import FieldIds, Policy
from ..errors import StorageUnavailable
from ..store.escalations import Escalations
from ..store.inbox import Inbox
from ..worker.mirror import PACE, carry_over, moved_fields, remember, remembered


def check_line(inbox: Inbox, policy: Policy) -> tuple[bool, str] | None:
    """(fine, what to say) of the fields the escalations were last written to; None when nothing is known."""
    try:
        last = remembered(inbox)
        if last is None:
            return None
        moves = moved_fields(last, policy.fields)
        if not moves:
            return True, "[fields] names the fields the open escalations were written to"
        count = len(Escalations(inbox.database).open_ones(limit=None))
    except StorageUnavailable as error:
        return False, f"the service's database could not be read ({error})"
    moved = ", ".join(f"{role}: [fields] {new}, last written {old}" for role, (old, new) in moves.items())
    return False, (
        f"[fields] names other fields than the service last wrote ({moved}), {count} escalation(s) "
        f"open: `escalator setup` finds the fields, carries the open escalations over to them and "
        f"prints the [fields] table for the policy"
    )


def carry_over_lines(
    inbox: Inbox | None, policy: Policy, found: dict[str, object], dry_run: bool, now: datetime
) -> list[str]:
    """Queue the open escalations' rewrite when the fields setup found have other ids; say what was done."""
    after = FieldIds(**{role: value if isinstance(value, int) else None for role, value in found.items()})
    if inbox is None:
        moves = moved_fields(policy.fields, after)
        return (
            [
                f"Open escalations, if the service has any: the fields moved ({_text(moves)}), but the service's "
                f"database is not here (DATABASE_URL): run setup where the service runs to rewrite them (a new "
                f"installation has none)."
            ]
            if moves
            else []
        )
    inbox.database.migrate()
    moves = moved_fields(remembered(inbox) or policy.fields, after)
    if not moves:
        if not dry_run:
            remember(inbox, after, now)
        return []
    if dry_run:
        count = len(Escalations(inbox.database).open_ones(limit=None))
        shows = (
            "1 shows the old fields ({}); a real run rewrites it"
            if count == 1
            else f"{count} show the old fields ({{}}); a real run rewrites them"
        )
        return [f"Open escalations: {shows.format(_text(moves))}."] if count else []
    queued = carry_over(inbox, after, now)
    if not queued:
        return []
    return [
        f"Open escalations: {queued} showed the old fields ({_text(moves)}): the service rewrites their "
        f"fields and tags, one update every {PACE:g} s (about {ceil(queued * PACE / 60)} min), whether or not "
        f"[fields] names the new ids yet."
    ]


def _text(moves: dict[str, tuple[int, int | None]]) -> str:
    return ", ".join(
        f"{role} {old} → {new if new is not None else 'a new field'}" for role, (old, new) in moves.items()
    )

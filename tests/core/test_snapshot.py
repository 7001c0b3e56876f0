"""Which comments are new since the last look, and Zendesk's timestamps."""

from datetime import datetime, timezone

import pytest

from zendesk_escalator.core.snapshot import Comments, new_since, parse_time
from zendesk_escalator.core.snapshot_api import comments_from_api


def newest_first(*ids_and_times) -> Comments:
    raw = {"comments": [{"id": i, "author_id": 1, "body": str(i), "created_at": t} for i, t in ids_and_times]}
    return comments_from_api(raw)


PAGE = newest_first(
    (5, "2026-11-22T10:05:00Z"), (4, "2026-11-22T10:04:00Z"), (3, "2026-11-22T10:00:00Z"), (2, "2026-11-22T09:00:00Z")
)
T = datetime(2026, 11, 22, 10, 4, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "mark, since, announced, expected",
    [
        (3, None, frozenset(), [4, 5]),  # everything after the mark, oldest first
        (5, T, frozenset(), []),  # all examined already
        (None, T, frozenset(), [4, 5]),  # no mark: since the change (less a minute)
        (None, None, frozenset({2}), [2]),  # an event named its comment
        (None, None, frozenset(), [5]),  # nothing known: the newest alone
        (99, T, frozenset(), [4, 5]),  # mark fell off the page: since the change
    ],
)
def test_new_since(mark, since, announced, expected):
    assert [c.id for c in new_since(PAGE, mark, since, announced)] == expected
    assert PAGE.newest_id == 5


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-11-22T09:15:02Z", datetime(2026, 11, 22, 9, 15, 2, tzinfo=timezone.utc)),
        ("2026-11-22T09:15:02.411473588Z", datetime(2026, 11, 22, 9, 15, 2, 411473, tzinfo=timezone.utc)),
        ("2026-11-22T10:15:02+01:00", datetime(2026, 11, 22, 9, 15, 2, tzinfo=timezone.utc)),
        ("November 22, 2026 09:15", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_time(text, expected):
    assert parse_time(text) == expected

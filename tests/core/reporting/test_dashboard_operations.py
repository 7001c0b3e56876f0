"""The dashboard's operations rows: inbox health, how long the oldest due row waits."""

import pytest
from support.dashboard_cases import NOW, at

from zendesk_escalator.core.reporting.dashboard_facts import InboxHealth
from zendesk_escalator.core.reporting.dashboard_operations import health_view


@pytest.mark.parametrize(
    "oldest_due, shown, tone",
    [
        (None, "none due", "ok"),
        (at(seconds=-12), "12 s", "ok"),
        (at(minutes=-5), "5 min", "behind"),
        (at(hours=-2, minutes=-1), "2 h 1 min", "behind"),
    ],
)
def test_inbox_health_says_how_long_the_oldest_due_row_waits(oldest_due, shown, tone):
    view = health_view(InboxHealth({"pending": 3}, 0, oldest_due), NOW)
    assert (view.oldest_due, view.tone, view.pending, view.dead) == (shown, tone, 3, 0)

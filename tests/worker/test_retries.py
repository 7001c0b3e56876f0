"""A failed row's own backoff, what counts as Zendesk being down, and the breaker that pauses a process's workers.

(The worker loop driving them over HTTP is tests/worker/test_loop.py.)"""

import pytest

from zendesk_escalator.errors import TicketNotFound, ZendeskConflict, ZendeskRateLimited, ZendeskUnavailable
from zendesk_escalator.worker.retries import BACKOFF_CAP, BREAKER_CAP, Breaker, retry_delay, zendesk_is_down


def test_retry_delay_backoff_jitter_and_cap():
    assert retry_delay(1, lambda: 0.0) == 1.0
    assert retry_delay(3, lambda: 1.0) == 8.0
    assert retry_delay(30, lambda: 1.0) == BACKOFF_CAP * 2.0 == 300
    assert retry_delay(2, lambda: 1.0, base=0.1) == 0.2


def test_retry_delay_jitter_spans_the_upper_half_of_the_ceiling():
    delays = [retry_delay(4, lambda r=r: r) for r in (0.0, 0.25, 0.5, 1.0)]
    assert delays == [8.0, 10.0, 12.0, 16.0]  # ceiling 2 s × 2³ = 16 s: never under half of it


def test_breaker_pauses_as_told_or_after_failures_in_a_row():
    breaker = Breaker(base=2.0)
    assert [breaker.failed(0.0, None) for _ in range(10)] == [0, 0, 2, 4, 8, 16, 32, 60, 60, 60]
    assert breaker.pause_left(30.0) == 30.0 and breaker.succeeded() is True and breaker.succeeded() is False
    assert breaker.failed(100.0, 120.0) == 120.0 and breaker.pause_left(100.0) == 120.0


def test_a_success_in_between_resets_the_count_of_failures():
    breaker = Breaker(base=2.0)
    breaker.failed(0.0, None), breaker.failed(0.0, None)
    assert breaker.succeeded() is True  # two failures: not open yet, but it had counted them
    assert [breaker.failed(10.0, None) for _ in range(3)] == [0, 0, 2]  # counted from one again
    assert breaker.pause_left(10.0) == 2.0 and breaker.pause_left(13.0) == 0.0


def test_a_shorter_pause_told_later_does_not_shorten_the_one_under_way():
    breaker = Breaker(base=2.0)
    breaker.failed(0.0, 120.0)
    assert breaker.failed(10.0, 5.0) == 5.0  # what it was told, returned ...
    assert breaker.pause_left(10.0) == 110.0  # ... but the pause already decided stands


def test_the_breakers_longest_pause_scales_with_the_base():
    breaker = Breaker(base=0.5)
    pauses = [breaker.failed(0.0, None) for _ in range(12)]
    assert max(pauses) == BREAKER_CAP * 0.5 and pauses[-1] == 15.0


@pytest.mark.parametrize(
    "error, down",
    [
        (ZendeskRateLimited(30.0), True),
        (ZendeskUnavailable("timeout"), True),
        (ZendeskUnavailable("x", 503), True),
        (ZendeskUnavailable("x", 502), True),
        (ZendeskUnavailable("x", 504), True),
        (ZendeskUnavailable("x", 500), False),  # one request's trouble, not Zendesk's
        (ZendeskConflict("x", 409), False),
        (TicketNotFound("x"), False),
        (ValueError("a bug"), False),
    ],
)
def test_what_counts_as_zendesk_being_down(error, down):
    assert zendesk_is_down(error) is down

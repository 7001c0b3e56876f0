"""Paged exports within the rate limit: pacing, Retry-After, pages followed to the end, the progress bar."""

import io

import pytest

from zendesk_escalator.errors import ZendeskRateLimited, ZendeskUnavailable
from zendesk_escalator.ops.export_pages import DEFAULT_WAIT, RETRIES, Exports, Progress


class Clock:
    """Seconds that pass only when the exports sleep."""

    def __init__(self):
        self.now, self.slept = 1000.0, []

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


class Reader:
    """Answers from a script: a dict is a page, an exception is raised."""

    def __init__(self, *answers):
        self.answers, self.asked = list(answers), []

    def __call__(self, *args, **kwargs):
        assert kwargs in ({}, {"include": None})
        self.asked.append(args)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    changed_tickets = __call__


def exports(reader, clock, stream=None, per_minute=5):
    return Exports(reader, Progress(stream or io.StringIO(), 0, 100), clock.sleep, lambda: clock.now, per_minute)


def page(items, end_time, last=False):
    return {
        "items": items,
        "count": len(items),
        "end_time": end_time,
        "end_of_stream": last,
        "next_page": f"https://acme.zendesk.com/api/v2/x.json?start_time={end_time}",
    }


def test_a_time_based_export_is_followed_from_each_pages_end_time_to_the_end_of_the_stream():
    clock, fetch = Clock(), Reader(page([1, 2], 40), page([2, 3], 70), page([4], 90, last=True))
    assert list(exports(None, clock).time_based("x", fetch, "items", 10)) == [1, 2, 2, 3, 4]
    assert fetch.asked == [(10,), (40,), (70,)]


def test_next_page_serves_when_there_is_no_end_time_and_an_export_that_does_not_move_on_stops():
    clock = Clock()
    no_end = dict(page([1], 40), end_time=None)
    fetch = Reader(no_end, page([2], 40))  # the second would repeat itself forever
    assert list(exports(None, clock).time_based("x", fetch, "items", 10)) == [1, 2]
    assert fetch.asked == [(10,), (40,)]


def test_at_most_per_minute_requests_in_any_minute():
    clock, moments = Clock(), []
    fetch = Reader(*[page([n], 11 + n) for n in range(11)], page([], 30, last=True))

    def timed(start):
        moments.append(clock.now)
        return fetch(start)

    reader = exports(None, clock, per_minute=5)
    assert list(reader.time_based("x", timed, "items", 10)) == list(range(11))
    assert len(moments) == 12 and all(sum(1 for t in moments if 0 <= t - first < 60) <= 5 for first in moments)
    assert clock.slept == [60.0, 60.0] and reader.waited == 120.0


def test_a_429_waits_as_long_as_retry_after_says_and_asks_for_the_same_page_again():
    clock = Clock()
    fetch = Reader(ZendeskRateLimited(17.0), ZendeskUnavailable("busy", 503, None), page([1], 20, last=True))
    reader = exports(None, clock)
    assert list(reader.time_based("x", fetch, "items", 10)) == [1]
    assert fetch.asked == [(10,), (10,), (10,)] and clock.slept == [17.0, DEFAULT_WAIT]
    assert reader.pages["x"] == 1


def test_it_gives_up_after_so_many_waits():
    clock = Clock()
    fetch = Reader(*[ZendeskRateLimited(1.0)] * (RETRIES + 1))
    with pytest.raises(ZendeskRateLimited):
        list(exports(None, clock).time_based("x", fetch, "items", 10))
    assert len(fetch.asked) == RETRIES + 1


def test_the_ticket_export_follows_its_cursor():
    clock = Clock()
    reader = Reader(
        {"tickets": [{"id": 1, "generated_timestamp": 50}], "after_cursor": "c1", "end_of_stream": False},
        {"tickets": [{"id": 2}], "after_cursor": "c2", "end_of_stream": True},
    )
    assert [t["id"] for t in exports(reader, clock).tickets(10)] == [1, 2]
    assert reader.asked == [(None, 10), ("c1", 10)]  # without sideloads: today's fields are enough


def test_the_progress_bar_shows_only_for_more_than_one_page_and_ends_its_line():
    clock, stream = Clock(), io.StringIO()
    list(exports(None, clock, stream).time_based("x", Reader(page([1], 20, last=True)), "items", 0))
    assert stream.getvalue() == ""
    list(exports(None, clock, stream).time_based("events", Reader(page([1], 50), page([2], 90, last=True)), "items", 0))
    assert stream.getvalue() == f"\revents         [{'#' * 30}] 100%  2 pages\n"

"""The change feed: pages of the incremental export read (responses), timers planned in the store, the cursor
kept; the sideloads refused, a user who is no admin, the last minute (tests/scenarios/test_sla_engine.py has the
feed running with the worker)."""

from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from conftest import API, sample_policy

from zendesk_escalator.errors import ZendeskRejected
from zendesk_escalator.settings import Settings
from zendesk_escalator.store.cursors import Cursors
from zendesk_escalator.worker.feed import CURSOR, MAX_PAGES, NOT_ADMIN_RETRY, ChangeFeed
from zendesk_escalator.worker.timers import TimerPlanner
from zendesk_escalator.zendesk.client import ZendeskClient

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
EXPORT, SHOW_MANY = f"{API}/incremental/tickets/cursor.json", f"{API}/tickets/show_many.json"
POLICY = sample_policy('[sla]\nwarn_before = "30m"\n')
BREACH = "2026-11-23T10:00:00Z"


def ticket(ticket_id: int, status: str = "open", slas: bool = True) -> dict:
    raw = {"id": ticket_id, "status": status, "priority": "urgent", "created_at": "2026-11-23T08:00:00Z"}
    if slas:
        raw["slas"] = {"policy_metrics": [{"metric": "first_reply_time", "stage": "active", "breach_at": BREACH}]}
    return raw


def page(*tickets: dict, after: str = "c1", end: bool = True) -> dict:
    return {"tickets": list(tickets), "after_cursor": after, "end_of_stream": end}


@pytest.fixture
def feed(inbox):
    return ChangeFeed(reader(), Cursors(inbox.database), TimerPlanner(inbox, POLICY, lambda: NOW), lambda: NOW)


def reader() -> ZendeskClient:
    return ZendeskClient(Settings(subdomain="acme", email="bot@acme.example", api_token="t0ken"))


def sent() -> list[tuple[str, dict]]:
    """(path, query) of each request, in order."""
    found = []
    for call in responses.calls:
        url = urlsplit(call.request.url)
        found.append((f"https://{url.netloc}{url.path}", {k: v[0] for k, v in parse_qs(url.query).items()}))
    return found


def timers(inbox) -> list[str]:
    return sorted(row.dedupe_key.split(":")[1] + f":{row.ticket_id}" for row in inbox.rows() if row.kind == "timer")


@responses.activate
def test_the_first_run_reads_a_week_back_with_the_sla_sideloads_and_plans_timers(feed, inbox):
    responses.get(EXPORT, json=page(ticket(1), ticket(2)))
    result = feed.run({})
    assert result.detail == "2 changed ticket(s), 4 new timer(s), 1 export page(s)" and result.next_in is None
    assert sent() == [
        (EXPORT, {"start_time": str(int((NOW - timedelta(days=7)).timestamp())), "include": "slas,metric_sets"})
    ]
    assert timers(inbox) == ["sla_breach:1", "sla_breach:2", "sla_warning:1", "sla_warning:2"]
    assert Cursors(inbox.database).get(CURSOR) == "c1"


@responses.activate
def test_a_later_run_reads_on_from_the_cursor_and_plans_nothing_twice(feed, inbox):
    responses.get(EXPORT, json=page(ticket(1), after="c1"))
    responses.get(EXPORT, json=page(ticket(1), after="c2"))
    feed.run({})
    assert feed.run({}).detail == "1 changed ticket(s), 0 new timer(s), 1 export page(s)"
    assert sent()[1] == (EXPORT, {"cursor": "c1", "include": "slas,metric_sets"})
    assert Cursors(inbox.database).get(CURSOR) == "c2" and len(timers(inbox)) == 2


@responses.activate
def test_a_run_reads_at_most_max_pages(feed, inbox):
    for n in range(MAX_PAGES + 2):
        responses.get(EXPORT, json=page(ticket(n + 1), after=f"c{n + 1}", end=False))
    assert feed.run({}).detail == f"{MAX_PAGES} changed ticket(s), {2 * MAX_PAGES} new timer(s), 5 export page(s)"
    assert [query.get("cursor") for _, query in sent()] == [None, "c1", "c2", "c3", "c4"]
    assert Cursors(inbox.database).get(CURSOR) == f"c{MAX_PAGES}"  # the next run reads on from there


@responses.activate
def test_refused_sideloads_are_read_again_with_show_many(feed, inbox):
    responses.get(EXPORT, status=400, json={"error": "InvalidPaginationParameter", "description": "include"})
    responses.get(EXPORT, json=page(ticket(1, slas=False), ticket(2, "closed", slas=False)))
    responses.get(SHOW_MANY, json={"tickets": [ticket(1)]})
    assert feed.run({}).detail == "2 changed ticket(s), 2 new timer(s), 1 export page(s)"
    assert [(url, query.get("include"), query.get("ids")) for url, query in sent()] == [
        (EXPORT, "slas,metric_sets", None),
        (EXPORT, None, None),  # the export without its sideloads ...
        (SHOW_MANY, "slas,metric_sets", "1"),  # ... and the open ticket read again with them (not the closed one)
    ]
    assert timers(inbox) == ["sla_breach:1", "sla_warning:1"]
    assert feed.include is None  # the next runs ask without them from the start


@responses.activate
def test_a_user_who_is_no_admin_pauses_the_feed_for_an_hour(feed, inbox):
    responses.get(EXPORT, status=403, json={"error": "Forbidden", "description": "You do not have access"})
    result = feed.run({})
    assert (result.detail, result.next_in) == ("not an admin: feed paused", NOT_ADMIN_RETRY)
    assert len(responses.calls) == 1 and Cursors(inbox.database).get(CURSOR) is None


@responses.activate
def test_the_last_minute_is_not_asked_again(feed):
    responses.get(EXPORT, status=422, json={"error": "TooRecent", "description": "Too recent start_time"})
    assert feed.run({}).detail == "nothing older than a minute yet"
    assert len(responses.calls) == 1


@responses.activate
def test_another_refusal_without_sideloads_is_raised(feed):
    responses.get(EXPORT, status=400, json={"error": "InvalidPaginationParameter"})
    with pytest.raises(ZendeskRejected):
        feed.run({})
    assert [query.get("include") for _, query in sent()] == ["slas,metric_sets", None]

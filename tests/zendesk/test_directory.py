"""What the dashboard reads of Zendesk (responses): tickets 100 a call and kept under a minute, names kept, a
ticket's comments read only when its count of public agent replies moved, at most REPLY_READS a view."""

from dataclasses import replace
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

import responses
from conftest import API, sample

from zendesk_escalator.zendesk.client import ZendeskClient, build_admin
from zendesk_escalator.zendesk.directory import NAME_SECONDS, REPLY_READS, TICKET_SECONDS, Directory

AGENT = 235323  # the sample comments' agent


def show_many(request):
    ids = [int(i) for i in parse_qs(urlsplit(request.url).query)["ids"][0].split(",")]
    tickets = [{"id": i, "status": "open", "tags": []} for i in ids if i != 404]  # 404: deleted
    metric_sets = [{"ticket_id": i, "replies": 1} for i in ids]
    return 200, {}, responses.json_module.dumps({"tickets": tickets, "metric_sets": metric_sets})


def shown(calls, path: str) -> list[list[str]]:
    return [
        parse_qs(urlsplit(c.request.url).query)["ids"][0].split(",")
        for c in calls
        if urlsplit(c.request.url).path == path
    ]


@responses.activate
def test_tickets_are_read_a_hundred_a_call_and_kept_under_a_minute(settings):
    responses.add_callback("GET", f"{API}/tickets/show_many.json", callback=show_many)
    now = [0.0]
    directory, reader = Directory(clock=lambda: now[0]), ZendeskClient(settings)
    found = directory.tickets_of(reader, [*range(1, 151), 404])
    assert sorted(found) == list(range(1, 151)) and found[7].agent_replies == 1
    assert [len(ids) for ids in shown(responses.calls, "/api/v2/tickets/show_many.json")] == [100, 51]
    now[0] = TICKET_SECONDS - 1
    assert len(directory.tickets_of(reader, [7, 8])) == 2 and len(responses.calls) == 2
    now[0] = TICKET_SECONDS
    directory.tickets_of(reader, [7, 8])
    assert shown(responses.calls, "/api/v2/tickets/show_many.json")[-1] == ["7", "8"]


@responses.activate
def test_names_are_read_once_for_the_ids_not_kept(settings):
    responses.get(f"{API}/users/show_many.json", json={"users": [{"id": 7, "name": "Seven"}, {"id": 8}]})
    responses.get(f"{API}/organizations/show_many.json", json={"organizations": [{"id": 5, "name": "Five Corp"}]})
    now = [0.0]
    directory, admin = Directory(clock=lambda: now[0]), build_admin(settings)
    assert directory.names(admin, {7, 8}, {5}) == ({7: "Seven"}, {5: "Five Corp"})
    assert directory.names(admin, {7}, {5}) == ({7: "Seven"}, {5: "Five Corp"}) and len(responses.calls) == 2
    assert shown(responses.calls, "/api/v2/users/show_many.json") == [["7", "8"]]
    directory.names(admin, {8}, set())  # a user without a name is asked again
    assert shown(responses.calls, "/api/v2/users/show_many.json")[-1] == ["8"] and len(responses.calls) == 3
    now[0] = NAME_SECONDS
    directory.names(admin, {7}, set())
    assert len(responses.calls) == 4


@responses.activate
def test_comments_are_read_when_the_reply_count_moved_and_the_integration_users_own_are_left_out(settings):
    responses.add_callback("GET", f"{API}/tickets/show_many.json", callback=show_many)
    comments = responses.get(f"{API}/tickets/7/comments.json", json=sample("comments_cc.json"))
    directory, reader = Directory(), ZendeskClient(settings)
    tickets = directory.tickets_of(reader, [7])
    reply = datetime(2026, 11, 22, 9, 12, 10, tzinfo=timezone.utc)
    assert directory.last_replies(reader, tickets, ignore=None) == {7: reply}
    assert directory.last_replies(reader, tickets, ignore=None) == {7: reply} and comments.call_count == 1
    moved = {7: replace(tickets[7], agent_replies=2)}
    assert directory.last_replies(reader, moved, ignore=AGENT) == {7: None}  # its own replies answer nothing
    assert comments.call_count == 2


@responses.activate
def test_at_most_reply_reads_comment_reads_a_view_the_others_wait(settings):
    ids = list(range(1, REPLY_READS + 6))
    responses.add_callback("GET", f"{API}/tickets/show_many.json", callback=show_many)
    for i in ids:
        responses.get(f"{API}/tickets/{i}/comments.json", json={"comments": []})
    directory, reader = Directory(), ZendeskClient(settings)
    tickets = directory.tickets_of(reader, ids)
    assert sorted(directory.last_replies(reader, tickets, None)) == ids[:REPLY_READS]
    assert sorted(directory.last_replies(reader, tickets, None)) == ids  # the rest at the next view

"""The fake's rate limits: what the SLA benchmark relies on to be honest about Zendesk's."""

from support.fake_limits import ZendeskLimits

EXPORT = "/api/v2/incremental/tickets/cursor.json"


def test_the_eleventh_export_in_a_minute_is_refused_with_retry_after_then_allowed_again():
    now = [1000.0]
    limits = ZendeskLimits(clock=lambda: now[0])
    assert [limits("GET", EXPORT, n) for n in range(10)] == [None] * 10
    now[0] += 45
    refused = limits("GET", EXPORT, 11)
    assert refused.status == 429 and refused.headers == {"retry-after": "15"}
    assert limits("GET", "/api/v2/tickets/show_many.json", 12) is None  # another limit's room
    now[0] += 15
    assert limits("GET", EXPORT, 13) is None and limits.refused == {"incremental exports": 1}


def test_ticket_updates_and_the_account_limit_count_separately():
    limits = ZendeskLimits(clock=lambda: 0.0)
    assert all(limits("PUT", f"/api/v2/tickets/{n}.json", n) is None for n in range(100))
    assert limits("PUT", "/api/v2/tickets/7.json", 101).status == 429
    assert all(limits("GET", "/api/v2/tickets/show_many.json", n) is None for n in range(600))
    assert limits("GET", "/api/v2/tickets/show_many.json", 702).status == 429
    assert limits.refused == {"ticket updates": 1, "account": 1}

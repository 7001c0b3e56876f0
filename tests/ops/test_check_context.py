"""What every check shares: a row for an object the policy names, and each list read from Zendesk once however
many checks ask (responses)."""

import responses
from conftest import API

from zendesk_escalator.ops.check_context import OK, PROBLEM, Context, Row, found_row
from zendesk_escalator.zendesk.client import build_admin

WHERE = ["routes[1].group_id", "sla.group_id"]


def test_a_row_says_not_found_inactive_or_the_name_and_where_the_policy_names_it():
    assert found_row("group 7", None, WHERE) == Row(PROBLEM, "group 7", "not found (routes[1].group_id, sla.group_id)")
    assert found_row("group 7", {"name": "Tier 2", "active": False}, WHERE[:1]) == Row(
        PROBLEM, "group 7", "Tier 2 is inactive (routes[1].group_id)"
    )
    assert found_row("form 5", {"title": "Outage"}, WHERE[:1], ", 3 fields") == Row(
        OK, "form 5", "Outage, 3 fields (routes[1].group_id)"
    )


@responses.activate
def test_each_list_is_read_once_however_many_checks_ask(settings, policy):
    responses.get(f"{API}/users/me.json", json={"user": {"id": 900000000001, "role": "admin"}})
    responses.get(f"{API}/webhooks", json={"webhooks": [{"id": "01HW", "name": "zendesk-escalator"}]})
    ctx = Context(policy, build_admin(settings))
    assert ctx.me["role"] == ctx.me["role"] == "admin"
    assert ctx.webhooks() == ctx.webhooks() and ctx.read("me", lambda: 1 / 0) == ctx.me
    assert ctx.our_webhook is None  # a webhook of that name that triggers do not call is not setup's
    assert len(responses.calls) == 2

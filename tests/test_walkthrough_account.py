"""The README walkthrough's fake account agrees with itself: what a new admin runs there works."""

import requests

from walkthrough_account import account


def test_metric_sets_count_the_public_agent_reply_of_the_example_ticket():
    fake = account("http://127.0.0.1:1/webhooks/zendesk")
    try:
        answer = requests.get(f"{fake.url}/api/v2/incremental/tickets/cursor.json",
                              params={"start_time": 0, "include": "metric_sets"},
                              auth=("bot@acme.example/token", "walkthrough"), timeout=5).json()
    finally:
        fake.stop()
    replies = {metric_set["ticket_id"]: metric_set["replies"] for metric_set in answer["metric_sets"]}
    assert replies[35436] == 1  # comment 10002, the agent's public reply

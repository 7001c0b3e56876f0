"""The README walkthrough's fake account agrees with itself: what a new admin runs there works."""

import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

from walkthrough_account import account
from zendesk_escalator.ops.backtest import run_backtest
from zendesk_escalator.settings import Settings

EXAMPLE = Path(__file__).parents[1] / "examples" / "escalation.toml"


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


def test_backtest_reads_the_history_exports_there(tmp_path):
    fake = account("http://127.0.0.1:1/webhooks/zendesk")
    settings = Settings(subdomain="acme", email="bot@acme.example", api_token="walkthrough", api_url=fake.url,
                        database_url=f"sqlite:///{tmp_path}/escalator.db")
    out = io.StringIO()
    try:
        code = run_backtest(settings, str(EXAMPLE), timedelta(days=30), "json", lambda: datetime.now(timezone.utc),
                            sleep=lambda seconds: None, out=out, err=io.StringIO())
    finally:
        fake.stop()
    assert code == 0 and '"findings"' in out.getvalue()

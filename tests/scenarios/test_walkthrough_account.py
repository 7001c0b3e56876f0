"""The README walkthrough's fake account agrees with itself: what a new admin runs there works."""

import io
import json
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from support.fake_chat import FakeChat
from support.walkthrough_account import account, environment

from zendesk_escalator.ops.backtest import run_backtest
from zendesk_escalator.settings import SHORTEST_ADMIN_TOKEN, Settings

EXAMPLE = Path(__file__).parents[2] / "examples" / "escalation.toml"


def test_metric_sets_count_the_public_agent_reply_of_the_example_ticket():
    fake = account("http://127.0.0.1:1/webhooks/zendesk")
    try:
        answer = requests.get(
            f"{fake.url}/api/v2/incremental/tickets/cursor.json",
            params={"start_time": 0, "include": "metric_sets"},
            auth=("bot@acme.example/token", "walkthrough"),
            timeout=5,
        ).json()
    finally:
        fake.stop()
    replies = {metric_set["ticket_id"]: metric_set["replies"] for metric_set in answer["metric_sets"]}
    assert replies[35436] == 1  # comment 10002, the agent's public reply


def test_backtest_reads_the_history_exports_there(tmp_path):
    fake = account("http://127.0.0.1:1/webhooks/zendesk")
    settings = Settings(
        subdomain="acme",
        email="bot@acme.example",
        api_token="walkthrough",
        api_url=fake.url,
        database_url=f"sqlite:///{tmp_path}/escalator.db",
    )
    out = io.StringIO()
    try:
        code = run_backtest(
            settings,
            str(EXAMPLE),
            timedelta(days=30),
            "json",
            lambda: datetime.now(timezone.utc),
            sleep=lambda seconds: None,
            out=out,
            err=io.StringIO(),
        )
    finally:
        fake.stop()
    assert code == 0 and '"findings"' in out.getvalue()


def test_the_printed_environment_opens_the_dashboard_and_reaches_the_slack_bot_on_the_fake_chat():
    zendesk, chat = account("http://127.0.0.1:1/webhooks/zendesk"), FakeChat()
    try:
        printed = environment(zendesk, chat, "8123").splitlines()
        env = dict(line.split("=", 1) for line in printed if not line.startswith("#"))
        api_url = next(line.split('"')[1] for line in printed if "api_url" in line)
        request = urllib.request.Request(  # urllib: the Zendesk contract check watches `requests`
            f"{api_url}chat.postMessage",
            json.dumps({"channel": "C0123456789", "text": "test"}).encode(),
            {"Authorization": f"Bearer {env['SLACK_BOT_TOKEN']}", "Content-Type": "application/json"},
        )
        posted = json.loads(urllib.request.urlopen(request, timeout=5).read())
    finally:
        zendesk.stop()
        chat.stop()
    assert len(env["ESCALATOR_ADMIN_TOKEN"]) >= SHORTEST_ADMIN_TOKEN
    assert posted["ok"] is True

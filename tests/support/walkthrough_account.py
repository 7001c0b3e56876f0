"""The account of the README's walkthrough on the fake Zendesk: `.venv/bin/python tests/support/walkthrough_account.py`.

The captures of `setup`, `check`, `send-test` and the first escalation in README.md and
docs/OPERATOR_TOOLS.md were made against it, with examples/escalation.toml as the policy. It prints
the environment the commands need (the Zendesk credentials, an ESCALATOR_ADMIN_TOKEN for the
dashboard's sign-in form, and the chat targets' variables, all three on a fake chat: the Slack bot's
once its api_url is the printed one) and serves until Ctrl-C. Zendesk's webhook test of the
walkthrough's addresses reaches http://127.0.0.1:$PORT/webhooks/zendesk, where `escalator run`
answers once it is started (PORT, default 8123). The route lead joins his group as an admin would:
POST /api/v2/group_memberships.json, e.g. with curl. Ticket 35436 is the one of examples/simulate
(the escalation address CC'd), for `send-test`; 35437 is tagged security_breach (routed to that
lead: a dead letter until he joins); the SLA feed, the sweep, the backtest's exports (an empty
history) and the recurring check find their endpoints; the Talk line of [phone] exists;
/oauth/authorizations/new signs in `PERSON` (an admin) at once, as if they clicked Allow.
"""

import json
import os
import secrets
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))  # tests/, for support.*

from support.fake_admin import FakeAdmin, serve  # noqa: E402
from support.fake_apps import FakeApps  # noqa: E402
from support.fake_chat import BOT_TOKEN, FakeChat  # noqa: E402
from support.fake_history import HistoryEndpoints  # noqa: E402
from support.fake_oauth import OAuthEndpoints  # noqa: E402
from support.fake_webhooks import http_server  # noqa: E402
from support.fake_zendesk import INTEGRATION_USER, FakeZendesk  # noqa: E402
from support.zendesk_records import HOTLINE

SIMULATE = Path(__file__).parents[2] / "examples" / "simulate"
ADDRESSES = ["https://escalator.acme.example/webhooks/zendesk", "https://escalator-new.acme.example/webhooks/zendesk"]
GROUPS = [
    {"id": 360000000000 + n, "name": name}
    for n, name in enumerate(["Tier 2", "Security", "Billing", "Key accounts"], 1)
]
AGENTS = [
    {"id": uid, "name": name, "role": "agent", "active": True}
    for uid, name in [
        (900000000011, "Lena Lead"),
        (900000000012, "Max Manager"),
        (900000000013, "Hana Head"),
        (900000000021, "Sid Security"),
    ]
]
TOPIC = {
    "id": 360010000005,
    "type": "tagger",
    "title": "Topic",
    "active": True,
    "removable": True,
    "custom_field_options": [{"id": 360020000001, "name": "Billing", "value": "billing"}],
}
FORMS = [
    {
        "id": 360000100001,
        "name": "Default Ticket Form",
        "default": True,
        "active": True,
        "position": 0,
        "ticket_field_ids": [34, 35, TOPIC["id"]],
    },
    {
        "id": 360000100002,
        "name": "Returns",
        "default": False,
        "active": True,
        "position": 1,
        "ticket_field_ids": [34, 35],
    },
]
REPORT_TICKET = {"id": 35000, "subject": "Escalation status (daily)", "status": "open", "tags": [], "custom_fields": []}
SCHEDULE = {
    "id": 1,
    "name": "Support hours",
    "time_zone": "Pacific Time (US & Canada)",
    "holidays": [],
    "intervals": [{"start_time": day * 1440 + 480, "end_time": day * 1440 + 1020} for day in range(1, 6)],
}
PERSON = INTEGRATION_USER  # who the authorization page signs in: an admin


def recent(answer: dict, key: str) -> dict:
    """The example's ticket or comments as if written minutes ago (not days: the SLA sweep would find it breached)."""
    items = answer[key] if isinstance(answer[key], list) else [answer[key]]
    latest = max(
        datetime.fromisoformat(item[stamp]) for item in items for stamp in ("created_at", "updated_at") if stamp in item
    )
    shift = datetime.now(timezone.utc) - timedelta(minutes=5) - latest
    for item in items:
        for stamp in ("created_at", "updated_at"):
            if stamp in item:
                item[stamp] = (datetime.fromisoformat(item[stamp]) + shift).strftime("%Y-%m-%dT%H:%M:%SZ")
    return answer


def replies(comments: dict) -> int:
    """The public agent replies among the comments, as Zendesk's metric set counts them."""
    agents = {user["id"] for user in comments["users"] if user.get("role") in ("agent", "admin")}
    return sum(1 for comment in comments["comments"] if comment.get("public") and comment["author_id"] in agents)


def account(service_url: str) -> FakeZendesk:
    """Start the fake with the walkthrough's account: nothing of setup's yet, the lead not in his group."""
    ticket = recent(json.loads((SIMULATE / "ticket.json").read_text()), "ticket")
    comments = recent(json.loads((SIMULATE / "comments.json").read_text()), "comments")
    fake = FakeZendesk({35000: {"ticket": REPORT_TICKET}}).start()
    organizations = [{"id": 509974, "name": "Big Co"}, {"id": 509975, "name": "Bigger Co"}]
    admin = FakeAdmin(
        groups=GROUPS,
        fields=[TOPIC],
        forms=FORMS,
        organizations=organizations,
        schedules=[SCHEDULE],
        talk_lines=[HOTLINE],
        network={address: http_server(service_url) for address in ADDRESSES},
    )
    serve(fake, admin, AGENTS + ticket["users"] + comments["users"])
    fake.groups[360000000002] = set()  # Security: its lead is not a member yet (Zendesk refuses him as assignee)
    fake.tickets[35436] = ticket["ticket"]
    fake.comments[35436] = comments["comments"]
    fake.metric_sets[35436] = {"replies": replies(comments)}  # the SLA feed's count agrees with the comments
    fake.tickets[35437] = {
        **ticket["ticket"],
        "id": 35437,
        "subject": "Someone else's invoices in our portal",
        "tags": ["security_breach"],
        "collaborator_ids": [],
        "email_cc_ids": [],
        "custom_fields": [],
        "priority": "high",
    }
    fake.comments[35437] = comments["comments"][:1]
    sign_in = OAuthEndpoints(organizations=organizations, person=PERSON)
    sign_in.clients, sign_in.codes = admin.clients, admin.codes  # the client setup makes, and its codes
    fake.endpoints += [HistoryEndpoints(schedule=SCHEDULE), FakeApps(), sign_in]
    return fake


def environment(zendesk: FakeZendesk, chat: FakeChat, port: str) -> str:
    """The .env of the walkthrough: Zendesk, the dashboard's admin token, the chat targets on the fake chat."""
    return (
        f"ZENDESK_SUBDOMAIN=acme\nZENDESK_EMAIL=bot@acme.example\nZENDESK_API_TOKEN=walkthrough\n"
        f"ZENDESK_API_URL={zendesk.url}\nPORT={port}\nESCALATOR_ADMIN_TOKEN={secrets.token_urlsafe(24)}\n"
        f"SLACK_WEBHOOK_URL={chat.slack_webhook}\nSLACK_BOT_TOKEN={BOT_TOKEN}\n"
        f"TEAMS_WORKFLOW_URL={chat.teams_workflow}\n"
        f'# escalation.toml, [[notify]] support_managers: api_url = "{chat.slack_api}" (the fake chat\'s Slack)'
    )


if __name__ == "__main__":
    port = os.environ.get("PORT", "8123")
    zendesk, chat = account(f"http://127.0.0.1:{port}/webhooks/zendesk"), FakeChat()
    print(environment(zendesk, chat, port), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        zendesk.stop()
        chat.stop()

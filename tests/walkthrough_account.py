"""The account of the README's walkthrough on the fake Zendesk: `.venv/bin/python tests/walkthrough_account.py`.

The captures of `setup` and `check` in README.md and docs/OPERATOR_TOOLS.md were made
against it, with examples/escalation.toml as the policy. It prints the environment the
commands need and serves until Ctrl-C. Zendesk's webhook test of the walkthrough's
addresses reaches http://127.0.0.1:$PORT/webhooks/zendesk, where `escalator run` answers
once it is started (PORT, default 8123). The route lead joins his group as an admin
would: POST /api/v2/group_memberships.json, e.g. with curl.
"""

import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from fake_admin import FakeAdmin, serve  # noqa: E402
from fake_webhooks import http_server  # noqa: E402
from fake_zendesk import FakeZendesk  # noqa: E402

ADDRESSES = ["https://escalator.acme.example/webhooks/zendesk", "https://escalator-new.acme.example/webhooks/zendesk"]
GROUPS = [{"id": 360000000000 + n, "name": name} for n, name in
          enumerate(["Tier 2", "Security", "Billing", "Key accounts"], 1)]
AGENTS = [{"id": uid, "name": name, "role": "agent", "active": True} for uid, name in [
    (900000000011, "Lena Lead"), (900000000012, "Max Manager"), (900000000013, "Hana Head"),
    (900000000021, "Sid Security")]]
TOPIC = {"id": 360010000005, "type": "tagger", "title": "Topic", "active": True, "removable": True,
         "custom_field_options": [{"id": 360020000001, "name": "Billing", "value": "billing"}]}
FORMS = [{"id": 360000100001, "name": "Default Ticket Form", "default": True, "active": True, "position": 0,
          "ticket_field_ids": [34, 35, TOPIC["id"]]},
         {"id": 360000100002, "name": "Returns", "default": False, "active": True, "position": 1,
          "ticket_field_ids": [34, 35]}]
REPORT_TICKET = {"id": 35000, "subject": "Escalation status (daily)", "status": "open", "tags": [],
                 "custom_fields": []}


def account(service_url: str) -> FakeZendesk:
    """Start the fake with the walkthrough's account: nothing of setup's yet, the lead not in his group."""
    fake = FakeZendesk({35000: {"ticket": REPORT_TICKET}}).start()
    admin = FakeAdmin(groups=GROUPS, fields=[TOPIC], forms=FORMS,
                      organizations=[{"id": 509974, "name": "Big Co"}, {"id": 509975, "name": "Bigger Co"}],
                      schedules=[{"id": 1, "name": "Support hours", "time_zone": "Pacific Time (US & Canada)"}],
                      network={address: http_server(service_url) for address in ADDRESSES})
    return serve(fake, admin, AGENTS)


if __name__ == "__main__":
    port = os.environ.get("PORT", "8123")
    zendesk = account(f"http://127.0.0.1:{port}/webhooks/zendesk")
    print(f"ZENDESK_SUBDOMAIN=acme\nZENDESK_EMAIL=bot@acme.example\nZENDESK_API_TOKEN=walkthrough\n"
          f"ZENDESK_API_URL={zendesk.url}\nPORT={port}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        zendesk.stop()

"""The service in one process for scenario tests: the real web app, real workers, the fake Zendesk over HTTP.

A scenario posts webhooks signed as Zendesk signs them, lets a worker handle the
inbox, and asserts on what the fake Zendesk received (the JSON on the wire).
"""

import copy
import json
import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from conftest import SAMPLES, SECRET, sample, signed_headers
from support.databases import open_inbox
from support.fake_zendesk import FakeZendesk

from zendesk_escalator.app import create_app
from zendesk_escalator.schemas.policy_file import load_policy
from zendesk_escalator.settings import Settings
from zendesk_escalator.wiring import build_worker

TICKET = 35436
CUSTOMER, AGENT, ESCALATION_DESK = 20978392, 235323, 30000001


class Clock:
    """An injected clock: starts at real time, moves only when told."""

    def __init__(self, start: datetime | None = None):
        self.now = start or datetime.now(timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class Service:
    """Web app + one worker on a SQLite inbox, talking to `fake`."""

    def __init__(self, tmp_path, fake: FakeZendesk, policy=None, clock=None, **settings):
        self.fake, self.clock = fake, clock or Clock()
        self.settings = replace(
            Settings(
                subdomain="acme",
                email="bot@acme.example",
                api_token="t0ken",
                webhook_secrets=(SECRET,),
                api_url=fake.url,
                database_url=f"sqlite:///{tmp_path}/inbox.db",
                rules_path=str(SAMPLES / "policy.toml"),
                api_timeout=2.0,
            ),
            **settings,
        )
        self.policy = policy or load_policy(self.settings.rules_path)
        self.inbox = open_inbox(self.settings.database_url)
        self.app = create_app(self.settings, self.policy, self.inbox, self.clock)
        self.http = self.app.test_client()
        self.metrics = self.app.extensions["escalator"].metrics  # one set per process, as in `escalator run`
        self.worker = build_worker(
            self.settings, self.policy, self.inbox, self.clock, metrics=self.metrics, sleep=self.clock.advance
        )

    def post(self, body: dict, invocation: str | None = None):
        """Deliver one webhook as Zendesk does (signed with the injected clock's time)."""
        raw = json.dumps(body).encode()
        headers = signed_headers(raw, when=self.clock())
        if invocation:
            headers["X-Zendesk-Webhook-Invocation-Id"] = invocation
        return self.http.post("/webhooks/zendesk", data=raw, headers=headers)

    def at(self, moment: datetime) -> None:
        """Let time pass (never backwards) to `moment`."""
        self.clock.advance(max(0.0, (moment - self.clock()).total_seconds()))

    def work(self, rounds: int = 20) -> int:
        """Let the worker handle every due row; return how many batches it handled."""
        handled = 0
        while handled < rounds and self.worker.run_once():
            handled += 1
        return handled

    def minutes(self, count: int) -> None:
        """Let `count` minutes pass, the worker doing whatever falls due each minute."""
        for _ in range(count):
            self.clock.advance(60)
            self.work()

    def results(self) -> list[dict]:
        """The outcomes stored on the inbox rows, oldest first."""
        return [row.result for row in self.inbox.rows()]

    def close(self) -> None:
        self.inbox.database.close()


def cc_fake(**options) -> FakeZendesk:
    """The recorded CC ticket, its comments and users, served over HTTP."""
    comments = sample("comments_cc.json")
    return FakeZendesk(
        {TICKET: sample("ticket_cc.json")}, {TICKET: comments["comments"]}, users=comments["users"], **options
    ).start()


def comment_event(
    ticket_id: int, comment: dict, author_id: int, is_staff: bool, event_id: str, tags=("billing", "vip")
) -> dict:
    """A ticket.comment_added event webhook in the shape Zendesk sends (ids as strings)."""
    body = copy.deepcopy(sample("event_comment_added.json"))
    body["id"], body["subject"] = event_id, f"zen:ticket:{ticket_id}"
    body["detail"].update(id=str(ticket_id), actor_id=str(author_id), tags=list(tags), updated_at=comment["created_at"])
    body["event"]["comment"] = {
        "id": str(comment["id"]),
        "body": comment["body"],
        "is_public": comment["public"],
        "author": {"id": str(author_id), "is_staff": is_staff, "name": "someone"},
    }
    return body


def sign_in(http, token: str, **request):
    """Sign in to the dashboard as a browser does: GET the form, POST the token with its CSRF field."""
    form = http.get("/dashboard", **request).get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    return http.post("/dashboard/sign-in", data={"token": token, "csrf": csrf}, **request)

"""What a worker process reads and says once at start: the hotline's Talk lines, the chat targets' secrets."""

import logging

from conftest import SAMPLES, sample_policy
from support.databases import open_inbox
from support.fake_admin import FakeAdmin, serve

from zendesk_escalator.schemas.policy_file import parse_policy
from zendesk_escalator.settings import Settings
from zendesk_escalator.wiring import build_pool

LINES = [
    {"id": 11, "number": "+14155550100", "display_number": "+1 (415) 555-0100"},
    {"id": 12, "number": "+14155550199", "display_number": "+1 (415) 555-0199"},
]


def hotline(phone: str):
    return sample_policy("\n[phone]\n" + phone)


def test_a_worker_process_reads_the_lines_once_for_its_threads(fake_server, tmp_path):
    fake = serve(fake_server, FakeAdmin(talk_lines=LINES))
    settings = Settings(
        subdomain="acme",
        email="bot@acme.example",
        api_token="t0ken",
        api_url=fake.url,
        webhook_secrets=("s",),
        database_url=f"sqlite:///{tmp_path}/inbox.db",
    )
    inbox = open_inbox(settings.database_url)
    try:
        pool = build_pool(settings, hotline("line_ids = [12]"), inbox, 3)
        numbers = {w.handlers.handler("notification").policy.phone.numbers for w in pool.workers}
    finally:
        inbox.database.close()
    assert numbers == {frozenset({"+14155550199"})}
    assert [r.path for r in fake.requests] == ["/api/v2/channels/voice/phone_numbers.json"]


def test_a_worker_process_names_a_chat_target_whose_secret_is_not_set(tmp_path, caplog, monkeypatch):
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    policy = parse_policy(
        (SAMPLES / "policy.toml").read_text()
        + '\n[[notify]]\nname = "leads"\nkind = "teams_workflow"\nurl_env = "NOT_SET_ANYWHERE"\n'
    )
    settings = Settings(webhook_secrets=("s",), database_url=f"sqlite:///{tmp_path}/inbox.db")
    inbox = open_inbox(settings.database_url)
    try:
        with caplog.at_level(logging.WARNING):
            build_pool(settings, policy, inbox, 2)
    finally:
        inbox.database.close()
    assert caplog.text.count("[[notify]] leads: the environment variable NOT_SET_ANYWHERE is not set") == 1

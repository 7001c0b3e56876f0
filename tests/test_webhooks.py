"""POST /webhooks/zendesk through Flask, signed like Zendesk signs."""

import hashlib
import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from conftest import sample, signed_headers
from support.service import Clock

from zendesk_escalator.app import create_app
from zendesk_escalator.errors import StorageUnavailable
from zendesk_escalator.store.schema import PENDING

URL = "/webhooks/zendesk"


@pytest.fixture
def app(settings, policy, inbox):
    return create_app(settings, policy, inbox)


@pytest.fixture
def http(app):
    return app.test_client()


def post(http, body, headers=None, invocation="inv-1"):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = headers if headers is not None else signed_headers(raw)
    if invocation:
        headers = {**headers, "X-Zendesk-Webhook-Invocation-Id": invocation}
    return http.post(URL, data=raw, headers=headers)


def test_trigger_webhook_is_stored_then_202(http, inbox):
    answer = post(http, sample("trigger_body.json"))
    assert answer.status_code == 202
    assert answer.json == {"status": "accepted", "ticket_id": 35436}
    (row,) = inbox.rows(PENDING)
    raw = json.dumps(sample("trigger_body.json")).encode()
    assert (row.dedupe_key, row.ticket_id, row.payload["actor_id"]) == (
        f"body:{hashlib.sha256(raw).hexdigest()}",
        35436,
        20978392,
    )


def test_event_webhook_dedupes_on_event_id(http, inbox):
    body = sample("event_comment_added.json")
    assert post(http, body, invocation="a").status_code == 202
    again = post(http, body, invocation="b")
    assert (again.status_code, again.json["status"]) == (200, "duplicate")
    assert [r.dedupe_key for r in inbox.rows()] == ["event:cbe4028c-7239-495d-b020-f22348516046"]


def test_zendesks_retry_of_a_trigger_delivery_is_a_duplicate(settings, policy, inbox):
    """A retry keeps the invocation id and the body, under a new signature timestamp (the attempt's time)."""
    clock = Clock()
    http = create_app(settings, policy, inbox, clock=clock).test_client()
    raw = json.dumps(sample("trigger_body.json")).encode()
    assert post(http, raw, headers=signed_headers(raw, when=clock()), invocation="inv-1").status_code == 202
    clock.advance(40)  # the first answer was lost (a timeout, say); Zendesk tries again
    again = post(http, raw, headers=signed_headers(raw, when=clock()), invocation="inv-1")
    assert (again.status_code, again.json["status"]) == (200, "duplicate")
    assert len(inbox.rows()) == 1


@pytest.mark.parametrize("invocation", ["inv-2", "a-new-one-each-time", None])
def test_a_replayed_trigger_delivery_is_a_duplicate_whatever_its_invocation_header(http, inbox, invocation):
    """The invocation id is not signed: a captured request sent again within 5 minutes is the same delivery."""
    raw = json.dumps(sample("trigger_body.json")).encode()
    headers = signed_headers(raw)
    assert post(http, raw, headers=headers, invocation="inv-1").status_code == 202
    replay = post(http, raw, headers=headers, invocation=invocation)
    assert (replay.status_code, replay.json["status"]) == (200, "duplicate")
    assert len(inbox.rows()) == 1


def test_a_body_without_updated_at_is_told_apart_by_its_signature_timestamp(settings, policy, inbox):
    """A hand-made template without {{ticket.updated_at_with_timestamp}}.

    Replays are duplicates, later deliveries not.
    """
    clock = Clock()
    http = create_app(settings, policy, inbox, clock=clock).test_client()
    raw = json.dumps({"ticket_id": "35436"}).encode()
    first = signed_headers(raw, when=clock())
    assert post(http, raw, headers=first, invocation="inv-1").status_code == 202
    assert post(http, raw, headers=first, invocation="inv-2").status_code == 200  # a replay
    clock.advance(60)
    assert post(http, raw, headers=signed_headers(raw, when=clock()), invocation="inv-3").status_code == 202
    assert [row.dedupe_key.split(":")[0] for row in inbox.rows()] == ["signed", "signed"]


def test_trigger_without_invocation_id_dedupes_on_body(http, inbox):
    body = sample("trigger_body.json")
    assert post(http, body, invocation=None).status_code == 202
    assert post(http, body, invocation=None).status_code == 200
    assert inbox.rows()[0].dedupe_key.startswith("body:")


def test_unknown_event_type_is_ignored_and_not_stored(http, inbox):
    answer = post(http, sample("event_user_created.json"))
    assert (answer.status_code, answer.json["status"]) == (200, "ignored")
    assert inbox.rows() == []


@pytest.mark.parametrize(
    "headers, message",
    [
        ({}, "missing"),
        (
            {"X-Zendesk-Webhook-Signature": "AAAA", "X-Zendesk-Webhook-Signature-Timestamp": "2026-11-22T09:15:00Z"},
            "stale",
        ),
    ],
)
def test_missing_or_stale_signature_is_401_and_nothing_stored(http, inbox, headers, message):
    answer = post(http, sample("trigger_body.json"), headers=headers)
    assert answer.status_code == 401 and message in answer.json["message"]
    assert inbox.rows() == []


def test_wrong_secret_and_tampered_body_are_401(http, inbox):
    raw = json.dumps(sample("trigger_body.json")).encode()
    assert post(http, raw, headers=signed_headers(raw, secret="other")).status_code == 401
    assert post(http, raw + b" ", headers=signed_headers(raw)).status_code == 401
    old = datetime.now(timezone.utc) - timedelta(minutes=6)
    assert post(http, raw, headers=signed_headers(raw, when=old)).status_code == 401
    assert inbox.rows() == []


def test_a_non_ascii_signature_header_is_401_not_500(http, inbox):
    raw = json.dumps(sample("trigger_body.json")).encode()
    headers = {**signed_headers(raw), "X-Zendesk-Webhook-Signature": "ü" * 44}
    answer = post(http, raw, headers=headers)
    assert (answer.status_code, answer.json["error"]) == (401, "bad_signature")
    assert inbox.rows() == []


def test_the_signature_is_checked_against_the_injected_clock(settings, policy, inbox):
    then = datetime(2020, 1, 1, 12, 0, tzinfo=timezone.utc)
    http = create_app(settings, policy, inbox, clock=lambda: then).test_client()
    raw = json.dumps(sample("trigger_body.json")).encode()
    assert post(http, raw, headers=signed_headers(raw, when=then), invocation="a").status_code == 202
    assert post(http, raw, headers=signed_headers(raw), invocation="b").status_code == 401  # "now" is stale then
    assert inbox.rows()[0].created_at == then.timestamp()


def test_the_webhook_error_mapping_is_scoped_to_its_blueprint(app):
    @app.get("/elsewhere")
    def elsewhere():
        raise StorageUnavailable("not a webhook")

    answer = app.test_client().get("/elsewhere")
    assert answer.status_code == 500 and "Retry-After" not in answer.headers  # Flask's own handling
    metrics = app.test_client().get("/metrics").get_data(as_text=True)
    assert 'result="storage_unavailable"' not in metrics


def test_rotated_secrets_both_accepted(settings, policy, inbox):
    http = create_app(replace(settings, webhook_secrets=("new-secret", "old-secret")), policy, inbox).test_client()
    for secret, updated_at in (("old-secret", "2026-11-22T09:15:02Z"), ("new-secret", "2026-11-22T09:16:40Z")):
        raw = json.dumps({**sample("trigger_body.json"), "updated_at": updated_at}).encode()
        assert post(http, raw, headers=signed_headers(raw, secret=secret), invocation=None).status_code == 202


@pytest.mark.parametrize(
    "raw, field",
    [
        (b"{not json", "body"),
        (b"\xff\xfe", "body"),
        (b"[]", "body"),
        (b'{"priority": "high"}', "ticket_id"),
        (b'{"ticket_id": "x"}', "ticket_id"),
    ],
)
def test_bad_payload_is_400_naming_the_field(http, inbox, raw, field):
    answer = post(http, raw)
    assert answer.status_code == 400
    assert (answer.json["error"], answer.json["field"]) == ("bad_payload", field)
    assert inbox.rows() == []


@pytest.mark.parametrize(
    "raw, problem",
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),  # 200 KB: a RecursionError in the parser (was a 500)
        (b'{"ticket_id": 1, "tags": ' + b'{"a": ' * 30_000 + b"1" + b"}" * 30_000 + b"}", "nested too deeply"),
        (b'{"ticket_id": NaN}', "NaN is not a JSON value"),
        (b'{"ticket_id": 1, "x": Infinity}', "Infinity is not a JSON value"),
        (b'{"ticket_id": 1, "x": 1e309}', "1e309 is out of range"),
        (b'{"ticket_id": 5, "ticket_id": 6}', "'ticket_id' appears twice"),
        (b'{"ticket_id": 1, "updated_at": "\xed\xa0\x80"}', "malformed JSON"),  # a lone surrogate is not UTF-8
    ],
)
def test_a_body_that_is_not_strict_json_is_400_with_the_json_error(http, inbox, raw, problem):
    answer = post(http, raw)
    assert (answer.status_code, answer.json["error"], answer.json["field"]) == (400, "bad_payload", "body")
    assert problem in answer.json["message"]
    assert inbox.rows() == []


def test_a_nested_event_type_is_not_read_as_text(http, inbox):
    deep = "[" * 900 + "]" * 900  # parses; str() of it would recurse past the limit inside the request
    answer = post(http, f'{{"ticket_id": 1, "type": {deep}}}'.encode())
    assert answer.status_code == 202 and inbox.rows()[0].ticket_id == 1


def test_an_event_id_the_database_cannot_hold_is_400_not_5xx(settings, policy, any_inbox):
    """PostgreSQL refuses NUL in text: the key made of such an id failed the insert (503, Zendesk retrying)."""
    http = create_app(settings, policy, any_inbox).test_client()
    answer = post(http, {**sample("event_comment_added.json"), "id": "cbe4028c\u0000"})
    assert (answer.status_code, answer.json["field"]) == (400, "id")
    assert any_inbox.rows() == []


def test_oversized_body_is_413_before_anything_else(http, inbox):
    raw = b'{"ticket_id": 1, "pad": "' + b"x" * (256 * 1024) + b'"}'
    answer = post(http, raw, headers={})  # not even signed: size is checked first
    assert answer.status_code == 413 and answer.json["error"] == "too_large"
    assert inbox.rows() == []


def test_storage_down_is_503_with_retry_after(settings, policy, inbox, monkeypatch):
    http = create_app(settings, policy, inbox).test_client()

    def down(*args, **kwargs):
        raise StorageUnavailable("database unavailable")

    monkeypatch.setattr(inbox, "accept", down)
    answer = post(http, sample("trigger_body.json"))
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "10"


def test_unsigned_allowed_only_when_no_secret(settings, policy, inbox):
    http = create_app(replace(settings, webhook_secrets=(), allow_unsigned=True), policy, inbox).test_client()
    assert post(http, sample("trigger_body.json"), headers={}).status_code == 202


def test_get_is_not_allowed(http):
    assert http.get(URL).status_code == 405


def test_zendesks_test_request_with_the_test_body_is_answered_200_and_stores_nothing(http, inbox):
    body = {"test": "zendesk-escalator"}  # what `check` and `setup` ask Zendesk to send
    answer = post(http, body, invocation=None)
    assert (answer.status_code, answer.json["status"], answer.json["service"]) == (200, "test", "zendesk-escalator")
    assert inbox.rows() == []
    raw = json.dumps(body).encode()
    assert post(http, raw, headers=signed_headers(raw, secret="not-the-secret")).status_code == 401
    missing = post(http, {"test": "something else"})
    assert (missing.status_code, missing.json["field"]) == (400, "ticket_id")

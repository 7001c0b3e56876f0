"""Zendesk's webhook signature: the known vector, rotation, and every way a request is refused."""

from datetime import datetime, timedelta, timezone

import pytest

from zendesk_escalator.errors import SignatureError
from zendesk_escalator.signature import sign, verify

NOW = datetime(2026, 11, 22, 9, 15, 0, tzinfo=timezone.utc)
STAMP = "2026-11-22T09:15:00Z"
BODY = b'{"ticket_id": "1"}'


def test_known_vector():
    # base64(HMAC-SHA256("secret", "2026-11-22T09:15:00Z" + body)), computed independently with openssl
    assert sign("secret", STAMP, BODY) == "GGGfR3fXiiIOZrs2Y+hn5xAKaSi2qBHFlmReeBu0F78="


def test_valid_signature_passes():
    verify(("secret",), sign("secret", STAMP, BODY), STAMP, BODY, NOW)


def test_any_rotated_secret_passes():
    verify(("new", "old"), sign("old", STAMP, BODY), STAMP, BODY, NOW)


@pytest.mark.parametrize(
    "signature, stamp, body, message",
    [
        (None, STAMP, BODY, "missing"),
        ("x", None, BODY, "missing"),
        (sign("other", STAMP, BODY), STAMP, BODY, "does not match"),
        (sign("secret", STAMP, BODY), STAMP, BODY + b" ", "does not match"),
        (sign("secret", "2026-11-22T09:09:59Z", BODY), "2026-11-22T09:09:59Z", BODY, "stale"),
        (sign("secret", "2026-11-22T09:20:01Z", BODY), "2026-11-22T09:20:01Z", BODY, "stale"),
        (sign("secret", "yesterday", BODY), "yesterday", BODY, "ISO 8601"),
        ("GGGfR3fXiiIOZrs2Y+hn5xAKaSi2qBHFlmReeBu0F7é=", STAMP, BODY, "does not match"),  # not ASCII
    ],
)
def test_rejections(signature, stamp, body, message):
    with pytest.raises(SignatureError, match=message):
        verify(("secret",), signature, stamp, body, NOW)


def test_edge_of_window_accepted():
    stamp = (NOW - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    verify(("secret",), sign("secret", stamp, BODY), stamp, BODY, NOW)

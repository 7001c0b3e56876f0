"""Verify Zendesk webhook signatures (pure: no Flask, no clock of its own)."""

import base64
import hashlib
import hmac
from datetime import datetime, timedelta, timezone

from .errors import SignatureError

MAX_SKEW = timedelta(minutes=5)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Return the signature Zendesk sends: base64(HMAC-SHA256(secret, timestamp + body))."""
    digest = hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify(secrets: tuple[str, ...], signature: str | None, timestamp: str | None, body: bytes, now: datetime) -> None:
    """Raise SignatureError unless one secret signed exactly these bytes recently."""
    if not signature or not timestamp:
        raise SignatureError("missing X-Zendesk-Webhook-Signature or -Timestamp header")
    if not signature.isascii():  # a base64 digest is ASCII; anything else cannot match
        raise SignatureError("signature does not match")
    sent_at = _parse_timestamp(timestamp)
    if abs(now - sent_at) > MAX_SKEW:
        raise SignatureError("stale signature timestamp (more than 5 minutes from now)")
    # Check every secret without short-circuiting so timing reveals nothing.
    matches = [hmac.compare_digest(sign(secret, timestamp, body), signature) for secret in secrets]
    if not any(matches):
        raise SignatureError("signature does not match")


def _parse_timestamp(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise SignatureError("signature timestamp is not ISO 8601") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed

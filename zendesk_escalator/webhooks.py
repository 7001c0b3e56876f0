"""HTTP only: receive Zendesk webhooks, verify, validate, store, answer."""

import hashlib
import json
import logging
import math
import time
from collections import Counter
from typing import Any, NoReturn

from flask import Blueprint, Response, current_app, g, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from . import signature
from .core.kinds import NOTIFICATION
from .core.notification import Notification
from .errors import EscalatorError, IgnoredPayload, PayloadError, SignatureError, StorageUnavailable
from .schemas.webhooks import is_event_webhook, is_test, load_event, load_trigger

log = logging.getLogger(__name__)
Answer = tuple[Response, int, dict[str, str]]  # JSON body, status, headers
bp = Blueprint("webhooks", __name__)
RETRY_AFTER_SECONDS = 10


@bp.post("/webhooks/zendesk")
def receive_zendesk() -> Answer:
    """Accept one webhook: 202 stored, 200 duplicate/ignored/test, 4xx refused, 503 retry later."""
    services = current_app.extensions["escalator"]
    g.webhook_started = time.perf_counter()
    raw = request.get_data(cache=False)  # raises 413 past MAX_CONTENT_LENGTH
    now = services.clock()
    if services.settings.webhook_secrets:
        signature.verify(
            services.settings.webhook_secrets,
            request.headers.get("X-Zendesk-Webhook-Signature"),
            request.headers.get("X-Zendesk-Webhook-Signature-Timestamp"),
            raw,
            now,
        )
    body = _json(raw)
    if is_test(body):  # Zendesk reached us and the signature holds: that is all a test asks
        g.webhook_source = "test"
        return _answer(
            {
                "status": "test",
                "service": "zendesk-escalator",
                "message": "Zendesk's test reached the service; nothing was stored",
            },
            200,
        )
    event = is_event_webhook(body)
    g.webhook_source = body["type"] if event else "trigger"
    if event:
        note = load_event(body)
        dedupe_key = f"event:{note.extra['event_id']}"
    else:
        note = load_trigger(body)
        dedupe_key = _trigger_dedupe_key(raw, note, signed=bool(services.settings.webhook_secrets))
    stored = services.inbox.accept(NOTIFICATION, dedupe_key, note.ticket_id, note.to_dict(), now.timestamp())
    return _answer(
        {"status": "accepted" if stored else "duplicate", "ticket_id": note.ticket_id}, 202 if stored else 200
    )


def error_response(error: Exception) -> Answer:
    """Map our errors (and werkzeug's 413) to JSON answers; the one place that does so."""
    services = current_app.extensions["escalator"]
    headers: dict[str, str] = {}
    if isinstance(error, RequestEntityTooLarge):
        status, body = 413, {"error": "too_large", "message": f"body over {services.settings.max_body_bytes} bytes"}
    elif isinstance(error, SignatureError):
        status, body = 401, {"error": "bad_signature", "message": str(error)}
    elif isinstance(error, PayloadError):
        status, body = 400, {"error": "bad_payload", "field": error.field, "message": error.problem}
    elif isinstance(error, IgnoredPayload):
        status, body = 200, {"status": "ignored", "reason": error.reason}
    elif isinstance(error, StorageUnavailable):
        log.error("refusing webhook, inbox unavailable: %s", error)
        status, body = 503, {"error": "storage_unavailable", "message": "try again later"}
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    else:
        log.exception("unexpected error", exc_info=error)
        status, body = 500, {"error": "internal", "message": str(error)}
    return _answer(body, status, headers)


bp.register_error_handler(EscalatorError, error_response)
bp.register_error_handler(RequestEntityTooLarge, error_response)


def _answer(body: dict[str, Any], status: int, headers: dict[str, str] | None = None) -> Answer:
    """Count the answer and log it, one line per webhook (no header, no body: nothing secret)."""
    result = body.get("error") or body["status"]
    current_app.extensions["escalator"].metrics.webhook(result)
    milliseconds = (time.perf_counter() - g.get("webhook_started", time.perf_counter())) * 1000
    fields = {
        "ticket_id": body.get("ticket_id"),
        "source": g.get("webhook_source"),
        "result": result,
        "status": status,
        "duration_ms": round(milliseconds, 2),
    }
    ticket = f" for ticket {fields['ticket_id']}" if fields["ticket_id"] is not None else ""  # unknown when refused
    log.log(
        logging.INFO if status < 400 else logging.WARNING,
        "webhook %s (%d)%s in %.1f ms",
        result,
        status,
        ticket,
        milliseconds,
        extra=fields,
    )
    return jsonify(body), status, headers or {}


def _json(raw: bytes) -> Any:  # any JSON value: the schemas say whether it is a webhook body
    """Parse strict JSON: UTF-8 only; NaN, Infinity, numbers beyond a double and keys given twice refused.

    Python's parser takes all of these (bytes that are not UTF-8 too, and of two
    keys it keeps the last, where another reader may keep the first); a body nested
    deeper than Python recurses is refused as well.
    """
    try:
        return json.loads(
            raw.decode("utf-8"), parse_constant=_not_json, parse_float=_finite, object_pairs_hook=_unique_keys
        )
    except RecursionError:
        raise PayloadError("body", "malformed JSON: nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise PayloadError("body", f"malformed JSON: {error}") from None


def _not_json(token: str) -> NoReturn:
    raise ValueError(f"{token} is not a JSON value")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"number {text[:40]} is out of range")
    return number


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, Any]:
    body = dict(pairs)
    if len(body) < len(pairs):
        twice = next(key for key, count in Counter(key for key, _ in pairs).items() if count > 1)
        raise ValueError(f"key {twice[:40]!r} appears twice in one object")
    return body


def _trigger_dedupe_key(raw: bytes, note: Notification, signed: bool) -> str:
    """Name a trigger delivery by what Zendesk signed, never by a header anyone may change.

    A body that names its update (updated_at, as the documented template does) is the
    delivery: Zendesk's retries resend it under a new signature timestamp, a replay
    sends it under any invocation id, and both are duplicates. A body without one is
    told apart by its signature timestamp: a replay is a duplicate, while Zendesk's
    retry of it (a new timestamp) is stored again and handled idempotently. Unsigned
    (a local try-out) nothing is signed: the invocation id stands in for the timestamp.
    """
    header = "X-Zendesk-Webhook-Signature-Timestamp" if signed else "X-Zendesk-Webhook-Invocation-Id"
    moment = None if note.updated_at else request.headers.get(header)
    if not moment:
        return f"body:{hashlib.sha256(raw).hexdigest()}"
    digest = hashlib.sha256(moment.encode() + b"\n" + raw).hexdigest()
    return f"{'signed' if signed else 'invocation'}:{digest}"

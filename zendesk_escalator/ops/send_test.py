"""`escalator send-test`: post a trigger body signed as Zendesk signs it, and say what the answer means."""

import json
import uuid
from datetime import datetime
from typing import Any

import requests

from ..schemas.webhooks import TRIGGER_BODY_TEMPLATE
from ..signature import sign

TIMEOUT = 10.0


def trigger_body(ticket_id: int, now: datetime) -> dict[str, Any]:
    """The trigger body for this ticket: what can be known is filled in, the other hints are left out.

    A made-up hint (no tags, say) could let the worker skip the ticket; without
    hints it reads the ticket from Zendesk, as it must for a real webhook anyway.
    """
    known = {"{{ticket.id}}": str(ticket_id), "{{ticket.updated_at_with_timestamp}}": _stamp(now)}
    return {key: known[value] for key, value in TRIGGER_BODY_TEMPLATE.items() if value in known}


def signed_request(body: bytes, secret: str | None, now: datetime) -> dict[str, Any]:
    """The headers Zendesk sends with a webhook (a fresh invocation id, as each of Zendesk's deliveries has)."""
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "zendesk-escalator send-test",
        "X-Zendesk-Webhook-Invocation-Id": f"send-test-{uuid.uuid4().hex}",
    }
    if secret:
        timestamp = _stamp(now)
        headers["X-Zendesk-Webhook-Signature-Timestamp"] = timestamp
        headers["X-Zendesk-Webhook-Signature"] = sign(secret, timestamp, body)
    return headers


def send_test(url: str, ticket_id: int, secrets: tuple[str, ...], now: datetime) -> int:
    """Post the test webhook; print the answer and what it means; 0 only for a 2xx."""
    body = json.dumps(trigger_body(ticket_id, now)).encode()
    secret = secrets[0] if secrets else None
    print(
        f"POST {url}\n{body.decode()}\n"
        + (
            "signed with the first value of ZENDESK_WEBHOOK_SECRET"
            if secret
            else "UNSIGNED: ZENDESK_WEBHOOK_SECRET is not set here"
        )
    )
    try:
        response = requests.post(url, data=body, headers=signed_request(body, secret, now), timeout=TIMEOUT)
    except requests.Timeout:
        print(f"No answer within {TIMEOUT:g} s: the service at {url} is stuck or too busy.")
        return 1
    except requests.ConnectionError as error:
        print(
            f"Cannot connect ({_reason(error)}): the service is not running at {url}. Start it "
            f"(`escalator run`, or the Procfile's web process) or give its address with --url."
        )
        return 1
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    print(f"→ {response.status_code} {response.text.strip()[:500]}")
    print(meaning(response.status_code, answer if isinstance(answer, dict) else {}, ticket_id, bool(secret)))
    return 0 if 200 <= response.status_code < 300 else 1


def meaning(status: int, answer: dict[str, Any], ticket_id: int, signed: bool) -> str:
    """What the service's answer says about its set-up."""
    if status == 202:
        return (
            f"Stored: the worker will read ticket {ticket_id} from Zendesk and decide whether to escalate "
            f"(see its log; `escalator dead-letters list` if it fails for good)."
        )
    if status == 200:
        return f"Not stored ({answer.get('status')}): {answer.get('reason') or 'this delivery was seen before'}."
    if status == 401 and not signed:
        return "Refused: the service requires a signature. Set ZENDESK_WEBHOOK_SECRET here to the same secret."
    if status == 401:
        return (
            "Refused: the signature does not match. The secret used here is not in the service's "
            "ZENDESK_WEBHOOK_SECRET (or the two clocks differ by more than 5 minutes): set the webhook's "
            "signing secret (see `escalator setup`) on both sides and restart the service."
            + (f" The service says: {answer['message']}." if answer.get("message") else "")
        )
    if status == 400:
        return f"Refused as a bad payload ({answer.get('field')}: {answer.get('message')})."
    if status == 503:
        return "The service is up but its database is not (see /readyz and DATABASE_URL); Zendesk would retry."
    if status == 404:
        return "Nothing answers at this path: the webhook address ends in /webhooks/zendesk."
    return "Unexpected answer: see the service's log."


def _stamp(now: datetime) -> str:
    return now.strftime("%Y-%m-%dT%H:%M:%SZ")


def _reason(error: requests.ConnectionError) -> str:
    text = str(error)
    return "connection refused" if "refused" in text.lower() else text[:200]

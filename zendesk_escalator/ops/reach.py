"""Whether Zendesk reaches the service: Zendesk's webhook test, sent with the test body, and what its answer means.

`POST /api/v2/webhooks/test` makes Zendesk send a request to an address and returns
what came back (`response`: `status_code`, `headers`, `payload`); with `webhook_id` it
is signed as that webhook signs. The service answers the test body 200 after checking
the signature (webhooks.py), so the answer tells apart: the service reached, the
service refusing the signature, something else answering, nothing answering, and
Zendesk refusing the address.
"""

import json
from dataclasses import dataclass
from typing import Any

from ..errors import ZendeskAdminError
from ..schemas.webhooks import TEST_BODY
from ..zendesk.admin import ZendeskAdmin
from ..zendesk.error_words import details

REACHED = "reached"  # the service answered the test 2xx: address, TLS and signature all work
SIGNATURE = "signature"  # the service answered 401: it does not hold the signing secret Zendesk used
SERVICE_ERROR = "service error"  # the service answered another of its errors (e.g. an older release's 400)
NOT_THE_SERVICE = "not the service"  # something answered, but not as the service does (404, a web page)
NO_ANSWER = "no answer"  # nothing answered: refused, timed out, DNS or TLS failure, a gateway error
REFUSED = "refused"  # Zendesk would not send to the address (e.g. private or loopback)
UNTESTED = "untested"  # the test itself could not run (Zendesk's 403, 429, 5xx ...)
GATEWAY = (502, 503, 504)  # a proxy's (or Zendesk's own egress') answer when nothing is behind it
SHORTEST = 300  # characters of the endpoint's words shown


@dataclass(frozen=True)
class Reach:
    """What Zendesk's test showed about one address."""

    verdict: str
    status: int | None = None  # the HTTP status the address answered
    said: str = ""  # the address's (or Zendesk's) own words, shortened

    @property
    def service_answered(self) -> bool:
        """The service itself answered (whatever it said)."""
        return self.verdict in (REACHED, SIGNATURE, SERVICE_ERROR)


def probe(admin: ZendeskAdmin, url: str | None, webhook_id: str | None = None) -> Reach:
    """Ask Zendesk to send the test body to `url` (signed as webhook `webhook_id`, when given)."""
    request = {"endpoint": url, "http_method": "POST", "request_format": "json", "payload": json.dumps(TEST_BODY)}
    try:
        return reach_of(admin.test_webhook(request, webhook_id))
    except ZendeskAdminError as error:
        if error.status in (400, 422):  # Zendesk refused the request: the address itself (UNCONFIRMED wording)
            return Reach(REFUSED, None, details(error.body) or error.meaning)
        return Reach(UNTESTED, None, error.meaning)


def reach_of(response: dict[str, Any]) -> Reach:
    """Read the endpoint's answer that Zendesk passed on."""
    status, payload = response.get("status_code"), str(response.get("payload") or "")
    answer = _json_object(payload)
    said = _shortened(answer.get("message") or answer.get("error") or payload)
    if not isinstance(status, int) or status < 100:
        return Reach(NO_ANSWER, None, said)
    if 200 <= status < 300 and answer.get("service") == TEST_BODY["test"]:
        return Reach(REACHED, status, said)
    if status == 401 and answer.get("error") == "bad_signature":
        return Reach(SIGNATURE, status, said)
    if "error" in answer and "message" in answer:  # the service's error shape (webhooks.error_response)
        return Reach(SERVICE_ERROR, status, said)
    return Reach(NO_ANSWER if status in GATEWAY else NOT_THE_SERVICE, status, said)


def explain(reach: Reach, url: str | None) -> str:
    """What the test showed and what to do about it, in a sentence or two."""
    answered = f"answered {reach.status}" + (f" ({reach.said})" if reach.said else "")
    if reach.verdict == REACHED:
        return f"Zendesk's test reached the service at {url}: {reach.status}, signature accepted"
    if reach.verdict == SIGNATURE:
        return (
            f"Zendesk reached the service at {url}, which {answered}: its ZENDESK_WEBHOOK_SECRET does not hold "
            f"the webhook's signing secret, so it refuses every webhook; set the secret (`escalator setup` "
            f"prints it) where the service runs and restart it"
        )
    if reach.verdict == SERVICE_ERROR:
        return f"Zendesk reached the service at {url}, which {answered}"
    if reach.verdict == NOT_THE_SERVICE:
        return (
            f"{url} {answered}, not as the service answers: is it the service's address (it ends in "
            f"/webhooks/zendesk), or is something in front of it answering instead?"
        )
    if reach.verdict == NO_ANSWER:
        got = f"{reach.status or 'no answer'}" + (f" ({reach.said})" if reach.said else "")
        return (
            f"Zendesk cannot reach the service at {url}: it got {got}. Is the service running, and reachable "
            f"from the internet under that name with a valid HTTPS certificate?"
        )
    if reach.verdict == REFUSED:
        return (
            f"Zendesk refuses to call {url} ({reach.said}): Zendesk calls only public addresses, not localhost "
            f"or a private network"
        )
    return f"Zendesk's webhook test could not run: {reach.said}"


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _shortened(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= SHORTEST else text[: SHORTEST - 1] + "…"

"""Webhooks for FakeAdmin: create, list, patch, delete, signing secret, and Zendesk's webhook test, which sends
a request to an address and says what came back.

From recorded traffic (Zenpy's cassettes TestWebhooks.test_webhook_*testing*, 2023) and Zendesk's
"Anatomy of a webhook request": the body is {"request": {endpoint, http_method, request_format,
payload}}; `?webhook_id=` adds that webhook's settings and signing secret; the answer is 200
{"response": {"headers": [{"key", "value"}], "status_code": N, "payload": "<the endpoint's body>"}},
also when the endpoint answered 404.

Assumed, since no source shows them: an address Zendesk cannot reach is answered in the same
shape by Zendesk's egress proxy (the recorded answers carry `Server: envoy`), a 503 whose payload
is envoy's "upstream connect error …" with the reason; a loopback or private address is refused
with a 400, as creating a webhook with one is (see `private`).

The fake's "internet" is `network`: address -> a callable(body, headers) -> (status, headers,
text) standing for a server there, or one of the failures below; any other address does not resolve.
"""

import copy
import ipaddress
import json
from datetime import datetime, timezone
from urllib.parse import urlsplit

import requests
from support.fake_shapes import page, stamps
from support.fake_zendesk import INTEGRATION_USER

from zendesk_escalator.signature import sign

REFUSED, TLS = "connection refused", "tls"
ENVOY = [{"key": "Server", "value": "envoy"}, {"key": "Content-Type", "value": "text/plain"}]
UPSTREAM = "upstream connect error or disconnect/reset before headers. reset reason: "
FAILURES = {
    REFUSED: UPSTREAM + "remote connection failure, transport failure reason: delayed connect error: 111",
    TLS: UPSTREAM + "remote connection failure, transport failure reason: TLS_error:|268435581:SSL routines:"
    "OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end",
}
NO_SUCH_HOST = "DNS resolution failure"


def private(endpoint: str) -> bool:
    """A loopback, private or link-local address (or localhost), which Zendesk does not call."""
    host = (urlsplit(endpoint).hostname or "").lower()
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local


def refused_address(pointer: str) -> tuple[int, dict]:
    """400 for an address Zendesk will not call."""
    return 400, {
        "errors": [
            {
                "code": "InvalidInput",
                "title": "Invalid endpoint URL",
                "detail": "The endpoint must be a public address",
                "source": {"pointer": pointer},
            }
        ]
    }


class WebhookTester:
    """POST /api/v2/webhooks/test: deliver as Zendesk would, through `network`."""

    def __init__(self, network: dict | None = None):
        self.network = dict(network or {})
        self.delivered: list[tuple[str, bytes, dict]] = []  # (endpoint, body, headers) as sent

    def answer(self, request: dict, secret: str | None) -> tuple[int, dict]:
        """The answer to a test of `request`, signed with `secret` (an existing webhook's) if any."""
        endpoint = str(request.get("endpoint") or "")
        if not endpoint.startswith(("https://", "http://")) or private(endpoint):
            return refused_address("/request/endpoint")
        body = str(request.get("payload") or "").encode()
        headers = {"Content-Type": "application/json"}
        if secret:
            stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            headers |= {
                "X-Zendesk-Webhook-Signature": sign(secret, stamp, body),
                "X-Zendesk-Webhook-Signature-Timestamp": stamp,
            }
        self.delivered.append((endpoint, body, headers))
        server = self.network.get(endpoint)
        if server is None:
            return 200, {"response": {"headers": ENVOY, "status_code": 503, "payload": NO_SUCH_HOST}}
        if isinstance(server, str):
            return 200, {"response": {"headers": ENVOY, "status_code": 503, "payload": FAILURES[server]}}
        status, answer_headers, text = server(body, headers)
        return 200, {
            "response": {
                "headers": [{"key": k, "value": v} for k, v in answer_headers.items()],
                "status_code": status,
                "payload": text,
            }
        }


class Webhooks:
    """The webhook routes; the fake holds `webhooks` and their `secrets`, and a `tester` with the network."""

    _ids: object  # the fake's id counter

    def webhook_routes(self, webhooks, network: dict | None, new_secret: str | None) -> list:
        """Keep these webhooks (each signing with "secret-of-<id>"); the routes to add to the fake's.

        A new webhook signs with `new_secret` when given (Zendesk makes a random one; tests need to know it).
        """
        self.webhooks = {w["id"]: copy.deepcopy(w) for w in webhooks}
        self.secrets = {w["id"]: f"secret-of-{w['id']}" for w in webhooks}
        self.new_secret = new_secret
        self.tester = WebhookTester(network)  # its `network` is the fake's internet: who answers at an address
        return [
            ("GET", r"/api/v2/webhooks", self._list_webhooks),
            ("POST", r"/api/v2/webhooks", self._create_webhook),
            ("POST", r"/api/v2/webhooks/test", self._test_webhook),
            ("PATCH", r"/api/v2/webhooks/(\w+)", self._patch_webhook),
            ("DELETE", r"/api/v2/webhooks/(\w+)", self._delete_webhook),
            ("GET", r"/api/v2/webhooks/(\w+)/signing_secret", self._secret),
        ]

    def _list_webhooks(self, fake, query, body):
        name = query.get("filter[name_contains]", "")
        return page([w for w in self.webhooks.values() if name in w["name"]], "webhooks", query)

    def _create_webhook(self, fake, query, body):
        webhook = body["webhook"]
        if not str(webhook.get("endpoint", "")).startswith(("https://", "http://")) or private(webhook["endpoint"]):
            return refused_address("/webhook/endpoint")
        stored = {
            "id": f"01HZ{next(self._ids):022d}",
            **webhook,
            "created_at": stamps()["created_at"],
            "created_by": str(INTEGRATION_USER),
        }
        self.webhooks[stored["id"]] = stored
        self.secrets[stored["id"]] = self.new_secret or f"secret-of-{stored['id']}"
        return 201, {"webhook": copy.deepcopy(stored)}

    def _patch_webhook(self, fake, query, body, webhook_id):
        if webhook_id not in self.webhooks:
            return 404, {"errors": [{"code": "WebhookNotFound", "title": "Webhook not found"}]}
        if private(body["webhook"].get("endpoint") or "https://public.example"):
            return refused_address("/webhook/endpoint")
        self.webhooks[webhook_id].update(body["webhook"])
        return 204, {}

    def _test_webhook(self, fake, query, body):
        """Zendesk sends the request (with an existing webhook's settings and secret) and passes on the answer."""
        hook = self.webhooks.get(query.get("webhook_id")) if "webhook_id" in query else {}
        if hook is None:
            return 404, {"errors": [{"code": "WebhookNotFound", "title": "Webhook not found"}]}
        if not isinstance((body or {}).get("request"), dict):
            return 400, {"errors": [{"code": "InvalidInput", "title": "request is required"}]}
        request = {
            **{k: hook[k] for k in ("endpoint", "http_method", "request_format") if k in hook},
            **body["request"],
        }
        return self.tester.answer(request, self.secrets.get(hook.get("id")))

    def _secret(self, fake, query, body, webhook_id):
        if webhook_id not in self.secrets:
            return 404, {"errors": [{"code": "WebhookNotFound", "title": "Webhook not found"}]}
        return 200, {"signing_secret": {"secret": self.secrets[webhook_id], "algorithm": "SHA256"}}

    def _delete_webhook(self, fake, query, body, webhook_id):
        if self.webhooks.pop(webhook_id, None) is None:
            return 404, {"errors": [{"code": "WebhookNotFound", "title": "Webhook not found"}]}
        return 204, {}


def flask_server(client, path: str = "/webhooks/zendesk"):
    """A server at an address: the service's Flask app (its test client)."""

    def serve(body: bytes, headers: dict):
        answer = client.post(path, data=body, headers=headers)
        return answer.status_code, {"Content-Type": answer.content_type}, answer.get_data(as_text=True)

    return serve


def http_server(url: str):
    """A server at an address: a real one listening at `url` (e.g. `escalator run` on 127.0.0.1)."""

    def serve(body: bytes, headers: dict):
        try:
            answer = requests.post(url, data=body, headers=headers, timeout=10)
        except requests.ConnectionError:
            return 503, {"Server": "envoy"}, FAILURES[REFUSED]
        return answer.status_code, {"Content-Type": answer.headers.get("Content-Type", "")}, answer.text

    return serve


def web_page(status: int, text: str, content_type: str = "text/html"):
    """A server at an address that answers everything with one page (another site, a proxy's error)."""
    return lambda body, headers: (status, {"Content-Type": content_type}, text)


def json_page(status: int, body: dict):
    """A server that answers everything with one JSON body."""
    return web_page(status, json.dumps(body), "application/json")

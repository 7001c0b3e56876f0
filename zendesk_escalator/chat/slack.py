"""Slack through its official SDK (slack_sdk): an incoming webhook, or a bot token posting with chat.postMessage.

The SDK's own retries are off (the inbox retries, with its backoff, and no worker
thread sleeps inside a client), and its logger is silenced: at DEBUG and on a retry
it writes the request's URL, which for an incoming webhook is the secret.
"""

import logging
import math
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from ..core.channels import SLACK_BOT, SLACK_WEBHOOK
from ..errors import NoticeFailed
from .answers import refusal, seconds, unreachable

QUIET = logging.getLogger("zendesk_escalator.chat.slack_sdk")
QUIET.setLevel(logging.CRITICAL + 1)
QUIET.propagate = False
# chat.postMessage errors that are Slack's own trouble, not the request's (Slack's Web API error list).
RETRYABLE = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"})


class SlackWebhook:
    """An incoming webhook: POST the message to its URL; Slack answers 200 "ok"."""

    kind = SLACK_WEBHOOK

    def __init__(self, url: str, timeout: float):
        self.client = WebhookClient(url, timeout=math.ceil(timeout), logger=QUIET, retry_handlers=[])

    def send(self, message: dict[str, Any]) -> str:
        """Post; return Slack's answer ("200 ok")."""
        try:
            answer = self.client.send(text=message["text"], blocks=message["blocks"])
        except Exception as error:  # urllib's: no answer came
            raise unreachable(self.kind, self.client.url, error) from None
        if answer.status_code == 200:
            return f"200 {answer.body.strip()[:50]}"
        retry_after = seconds((answer.headers or {}).get("Retry-After"))
        raise refusal(self.kind, answer.status_code, answer.body or "", retry_after)


class SlackBot:
    """A bot token posting to a channel with chat.postMessage; Slack answers {"ok": true, "ts": …}."""

    kind = SLACK_BOT

    def __init__(self, token: str, channel: str, api_url: str, timeout: float):
        self.channel = channel
        self.client = WebClient(
            token=token, base_url=api_url, timeout=math.ceil(timeout), logger=QUIET, retry_handlers=[]
        )

    def send(self, message: dict[str, Any]) -> str:
        """Post to the channel; return Slack's answer ("ok, ts 1712…")."""
        try:
            answer = self.client.chat_postMessage(channel=self.channel, text=message["text"], blocks=message["blocks"])
        except SlackApiError as error:
            said, status = error.response.get("error") or "not ok", error.response.status_code
            if status == 200:  # {"ok": false, "error": …}: the request's fault unless Slack says otherwise
                raise NoticeFailed(f"{self.kind} answered {said}", said in RETRYABLE) from None
            raise refusal(self.kind, status, said, seconds(error.response.headers.get("Retry-After"))) from None
        except Exception as error:
            raise unreachable(self.kind, self.client.base_url, error) from None
        return f"ok, ts {answer.get('ts')}"

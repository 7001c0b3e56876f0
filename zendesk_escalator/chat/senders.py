"""One sender per [[notify]] target kind; each posts one message and says what the chat answered.

Secrets come from the environment variables the target names, read when a
notice is sent; no error message, log line or row holds them: a failure says
the kind, the status and the answer's first words, never the URL.
"""

from typing import Any, Callable, Mapping, Protocol

from ..core.channels import SLACK_BOT, SLACK_WEBHOOK, TEAMS_WORKFLOW, NotifyTarget
from ..core.reporting.notice_formats import slack_message, teams_message, test_message
from ..core.reporting.notices import Notice
from ..errors import NoticeFailed
from .slack import SlackBot, SlackWebhook
from .teams import TeamsWorkflow


class Sender(Protocol):
    kind: str

    def send(self, message: dict[str, Any]) -> str:
        """Post the message; return the chat's answer in a few words (NoticeFailed when it refuses)."""


FORMATS: dict[str, Callable[[Notice], dict[str, Any]]] = {
    SLACK_WEBHOOK: slack_message,
    SLACK_BOT: slack_message,
    TEAMS_WORKFLOW: teams_message,
}


def sender_for(target: NotifyTarget, environ: Mapping[str, str], timeout: float) -> Sender:
    """The target's sender, with its secret read from the environment (NoticeFailed, permanent, when unset)."""
    secret = (environ.get(target.secret_env) or "").strip()
    if not secret:
        raise NoticeFailed(
            f"{target.kind} {target.name}: the environment variable {target.secret_env} is not set", retryable=False
        )
    if target.kind == SLACK_BOT:
        assert target.channel is not None  # the policy schema requires a channel for kind slack_bot
        return SlackBot(secret, target.channel, target.api_url, timeout)
    if not secret.lower().startswith(("https://", "http://")):  # no retry mends that
        raise NoticeFailed(f"{target.kind} {target.name}: {target.secret_env} holds no http(s) URL", retryable=False)
    if target.kind == SLACK_WEBHOOK:
        return SlackWebhook(secret, timeout)
    return TeamsWorkflow(secret, timeout)


def message_for(target: NotifyTarget, notice: Notice | None) -> dict[str, Any]:
    """The notice in the target's format (None: the test message of `escalator check --notify-test`)."""
    return FORMATS[target.kind](notice) if notice is not None else test_message(target.kind == TEAMS_WORKFLOW)

"""One exception family for the service; HTTP mapping lives in webhooks.py."""

from typing import Any


class EscalatorError(Exception):
    """Base of every error the service raises on purpose."""


class ConfigError(EscalatorError):
    """A setting or policy key is missing or wrong; the service must not start."""

    def __init__(self, key: str, problem: str):
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


class SignatureError(EscalatorError):
    """The webhook request is not signed by Zendesk with a configured secret."""


class PayloadError(EscalatorError):
    """The webhook body is not a payload we understand; `field` names the culprit."""

    def __init__(self, field: str, problem: str):
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class IgnoredPayload(EscalatorError):
    """A well-formed payload that can never lead to an escalation."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class StorageUnavailable(EscalatorError):
    """The inbox database cannot be reached; nothing was stored."""


class ZendeskError(EscalatorError):
    """A Zendesk API call failed."""

    retryable = False

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class ZendeskUnavailable(ZendeskError):
    """5xx, timeout or connection failure: try again later (after `retry_after` when Zendesk said)."""

    retryable = True

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(message, status)
        self.retry_after = retry_after


class ZendeskRateLimited(ZendeskError):
    """429: try again after `retry_after` seconds (None when Zendesk did not say)."""

    retryable = True

    def __init__(self, retry_after: float | None):
        super().__init__(f"rate limited (Retry-After: {retry_after})", 429)
        self.retry_after = retry_after


class ZendeskConflict(ZendeskError):
    """409: the ticket changed since we read it (safe_update); re-read and re-decide."""

    retryable = True


class TicketClosed(ZendeskConflict):
    """422 "closed prevents ticket update": Zendesk closed the ticket since we read it; re-read and re-decide."""


class TicketNotFound(ZendeskError):
    """404: the ticket was deleted or never existed; nothing to do."""


class ZendeskRejected(ZendeskError):
    """Another 4xx: Zendesk refused the request; retrying the same request won't help."""

    def __init__(self, message: str, status: int | None = None, body: dict[str, Any] | None = None):
        super().__init__(message, status)
        self.body = body or {}


class ZendeskAdminError(ZendeskError):
    """An admin call (setup, check) failed; the message says what it means in plain words."""

    def __init__(self, request: str, status: int | None, meaning: str, body: dict[str, Any] | None = None):
        super().__init__(f"{request}: {meaning}", status)
        self.request, self.meaning, self.body = request, meaning, body or {}


class SignInFailed(EscalatorError):
    """Signing in with Zendesk did not work out (the code exchange or the user read); the message says why."""

    def __init__(self, message: str, status: int | None = None, answered: str = ""):
        super().__init__(message)
        self.status = status  # Zendesk's HTTP status, when it answered
        self.answered = answered  # that status with Zendesk's words, e.g. "401: Client authentication failed."


class SignInMisconfigured(SignInFailed):
    """Zendesk refused the service's OAuth client itself (a wrong secret or identifier): no retry helps."""


class NoticeFailed(EscalatorError):
    """A chat notice was not delivered; retried with the inbox's backoff unless the answer is permanent.

    Its message never holds the target's secret (the webhook URL or the token).
    """

    def __init__(self, message: str, retryable: bool, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.retryable, self.status, self.retry_after = retryable, status, retry_after

"""What a chat answered, as the worker's errors: retried when the chat is in trouble, permanent otherwise."""

from urllib.parse import urlsplit

from ..errors import NoticeFailed


def refusal(kind: str, status: int, answer: str, retry_after: float | None = None) -> NoticeFailed:
    """A chat's non-success answer: retried when it is the chat's own trouble (429, 5xx), else permanent."""
    retryable = status == 429 or status == 408 or status >= 500
    return NoticeFailed(f"{kind} answered {status}: {' '.join(answer.split())[:200]}", retryable, status, retry_after)


def unreachable(kind: str, url: str, error: Exception) -> NoticeFailed:
    """No answer at all (a refused connection, a timeout): retried. Names the host and the OS's reason, never the
    whole URL (a webhook's path is its secret)."""
    reason = getattr(error, "reason", error)  # URLError wraps the OSError
    why = getattr(reason, "strerror", None) or str(reason) or type(error).__name__
    return NoticeFailed(f"{kind}: no answer from {urlsplit(url).hostname} ({why})", retryable=True)


def seconds(value: object) -> float | None:
    """A Retry-After header as seconds (None: absent or not a number)."""
    try:
        return max(0.0, float(value))  # type: ignore[arg-type]  # any header value: what float refuses is caught
    except (TypeError, ValueError):
        return None

"""What a chat answered, as the worker's errors: retried when the chat is in trouble, permanent otherwise."""

from ..errors import NoticeFailed


def refusal(kind: str, status: int, answer: str, retry_after: float | None = None) -> NoticeFailed:
    """A chat's non-success answer: retried when it is the chat's own trouble (429, 5xx), else permanent."""
    retryable = status == 429 or status == 408 or status >= 500
    return NoticeFailed(f"{kind} answered {status}: {' '.join(answer.split())[:200]}", retryable, status,
                        retry_after)


def unreachable(kind: str, error: Exception) -> NoticeFailed:
    """No answer at all (a refused connection, a timeout): retried; the error's own text may hold the URL."""
    return NoticeFailed(f"{kind}: no answer ({type(error).__name__})", retryable=True)


def seconds(value: object) -> float | None:
    """A Retry-After header as seconds (None: absent or not a number)."""
    try:
        return max(0.0, float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None

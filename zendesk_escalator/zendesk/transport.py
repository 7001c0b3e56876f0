"""The HTTP session under Zenpy and our reads: base-URL override, call counts, error mapping."""

import re
from collections import Counter
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import requests
from zenpy.lib.exception import APIException, RatelimitBudgetExceeded

from ..errors import (
    TicketClosed,
    TicketNotFound,
    ZendeskConflict,
    ZendeskError,
    ZendeskRateLimited,
    ZendeskRejected,
    ZendeskUnavailable,
)

CLOSED_PREVENTS_UPDATE = "closed prevents ticket update"  # Zendesk's 422 to an update of a closed ticket


class ZendeskSession(requests.Session):
    """A requests session that Zenpy (and our raw reads) send every API call through."""

    def __init__(
        self, canonical_base: str, api_base: str, on_call: Callable[[str, str, int | str], None] | None = None
    ):
        super().__init__()
        # Zenpy always builds https://{subdomain}.zendesk.com/...; ZENDESK_API_URL
        # (staging proxy, fake server in tests) replaces that prefix here.
        self.canonical_base = canonical_base.rstrip("/")
        self.api_base = api_base.rstrip("/")
        # Counted, not kept: (method, endpoint, status) -> requests, for the life of the process.
        self.calls: Counter[tuple[str, str, int | str]] = Counter()
        self.on_call = on_call  # told of each call too (metrics), as (method, endpoint, status)
        self.last_retry_after: float | None = None

    @property
    def total(self) -> int:
        """Requests sent so far."""
        return sum(self.calls.values())

    # Narrower than requests' (str | bytes): this code passes str only, hence the override ignore.
    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        """Send one request to the configured base and count it."""
        if url.startswith(self.canonical_base):
            url = self.api_base + url[len(self.canonical_base) :]
        key = (method.upper(), endpoint_of(url))
        try:
            response = super().request(method, url, *args, **kwargs)
        except requests.RequestException as error:
            self._count(*key, type(error).__name__)
            raise
        self._count(*key, response.status_code)
        if response.status_code == 429:
            self.last_retry_after = retry_after_seconds(response)
        return response

    def _count(self, method: str, endpoint: str, status: int | str) -> None:
        self.calls[(method, endpoint, status)] += 1
        if self.on_call:
            self.on_call(method, endpoint, status)


def endpoint_of(url: str) -> str:
    """The API path with ids replaced, e.g. /api/v2/tickets/{id}.json (bounded label values)."""
    path = url.split("://", 1)[-1].split("/", 1)[-1].split("?", 1)[0]
    return "/" + _ID.sub("{id}", path)


_ID = re.compile(r"(?<=/)\d+(?=[/.]|$)")


def retry_after_seconds(response: requests.Response) -> float | None:
    """Parse Retry-After (seconds) from a response; None when absent or not a number."""
    try:
        return max(0.0, float(response.headers["Retry-After"]))
    except (KeyError, ValueError):
        return None


def error_for_response(response: requests.Response) -> ZendeskError:
    """Map a non-2xx answer to the error the worker knows how to handle."""
    status = response.status_code
    detail = f"Zendesk answered {status}: {response.text[:300]}"
    if status == 429:
        return ZendeskRateLimited(retry_after_seconds(response))
    if status == 409:
        return ZendeskConflict(detail, status)
    if status == 404:
        return TicketNotFound(detail, status)
    if status == 422 and CLOSED_PREVENTS_UPDATE in response.text.lower():
        return TicketClosed(detail, status)
    if status >= 500:
        return ZendeskUnavailable(detail, status, retry_after_seconds(response))
    return ZendeskRejected(detail, status, _json(response))


def _json(response: requests.Response) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


@contextmanager
def translated_errors(session: ZendeskSession) -> Iterator[None]:
    """Turn Zenpy's and requests' exceptions into our ZendeskError family."""
    try:
        yield
    except RatelimitBudgetExceeded:
        raise ZendeskRateLimited(session.last_retry_after) from None
    except (APIException, requests.HTTPError) as error:
        if error.response is None:
            raise ZendeskUnavailable(str(error)) from None
        raise error_for_response(error.response) from None
    except (requests.Timeout, requests.ConnectionError) as error:
        raise ZendeskUnavailable(f"{type(error).__name__}: {error}") from None

"""Talk to Zendesk: read a ticket snapshot, apply one update. The only module importing zenpy."""

import logging
from contextlib import contextmanager

import requests
from zenpy import Zenpy
from zenpy.lib.api_objects import Ticket
from zenpy.lib.exception import APIException, RatelimitBudgetExceeded

from .config import Settings
from .errors import (TicketNotFound, ZendeskConflict, ZendeskError, ZendeskRateLimited,
                     ZendeskRejected, ZendeskUnavailable)
from .schemas import Notification
from .snapshot import TicketSnapshot, from_api, from_notification
from .transport import ZendeskSession, retry_after_seconds

log = logging.getLogger(__name__)


class ZendeskClient:
    """Reads and writes through Zenpy; create one per worker thread or process."""

    def __init__(self, settings: Settings):
        canonical = f"https://{settings.subdomain}.zendesk.com"
        self.session = ZendeskSession(canonical, settings.zendesk_base_url)
        self.timeout = settings.api_timeout
        self.zenpy = Zenpy(
            subdomain=settings.subdomain,
            email=settings.email,
            token=None if settings.oauth_token else settings.api_token,
            oauth_token=settings.oauth_token,
            session=self.session,
            timeout=settings.api_timeout,
            disable_cache=True,  # the ticket read at processing time is the truth
            ratelimit_budget=0,  # fail fast on 429: the worker schedules the retry
        )

    @property
    def calls(self) -> list[tuple[str, str]]:
        """Every API request sent so far, as (method, url)."""
        return self.session.calls

    def read(self, ticket_id: int, hint: Notification | None = None) -> TicketSnapshot:
        """Read the ticket (with its users) and its latest comment: two GETs."""
        ticket = self._get_json(f"/api/v2/tickets/{ticket_id}.json", {"include": "users"})
        comments = self._get_json(f"/api/v2/tickets/{ticket_id}/comments.json",
                                  {"sort_order": "desc", "per_page": 1})
        return from_api(ticket, comments)

    def apply(self, update: dict) -> dict:
        """Send the update as one PUT; return what was sent."""
        with _translated_errors(self.session):
            self.zenpy.tickets.update(Ticket(**update))
        return update

    def _get_json(self, path: str, params: dict) -> dict:
        with _translated_errors(self.session):
            response = self.session.get(self.session.canonical_base + path, params=params,
                                        timeout=self.timeout)
        if not response.ok:
            raise error_for_response(response)
        try:
            return response.json()
        except ValueError:
            raise ZendeskUnavailable(f"GET {path}: answer is not JSON", response.status_code) from None


class DryRunWriter:
    """Stands in for ZendeskClient.apply: returns the planned update, sends nothing."""

    def apply(self, update: dict) -> dict:
        """Log and return the update that would have been sent."""
        log.warning("DRY RUN: would update ticket %s: %s", update.get("id"), update)
        return update


class HintReader:
    """Stands in for ZendeskClient.read without credentials: uses the webhook's hints."""

    def read(self, ticket_id: int, hint: Notification | None = None) -> TicketSnapshot:
        """Build a snapshot from the notification alone."""
        return from_notification(hint or Notification(ticket_id=ticket_id, source="trigger"))


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
    if status >= 500:
        return ZendeskUnavailable(detail, status)
    return ZendeskRejected(detail, status)


@contextmanager
def _translated_errors(session: ZendeskSession):
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

"""The Zendesk client: our session (canonical address, counted calls) and Zenpy, reading through the session; the
admin API on the same credentials."""

from typing import Callable

import requests
from zenpy import Zenpy

from ..errors import ConfigError
from ..settings import Settings
from .admin import ZendeskAdmin
from .reader import TicketReader
from .transport import ZendeskSession


class ZendeskClient(TicketReader):
    """Reads through our session; Zenpy shares it (merges). One per worker thread or process; actions.py adds the
    writes."""

    def __init__(
        self,
        settings: Settings,
        adapter: requests.adapters.BaseAdapter | None = None,
        on_call: Callable[[str, str, int | str], None] | None = None,
    ):
        canonical = f"https://{settings.client_subdomain}.zendesk.com"
        super().__init__(ZendeskSession(canonical, settings.zendesk_base_url, on_call), settings.api_timeout)
        if adapter is not None:  # recorded answers (simulate) instead of the network
            for prefix in ("http://", "https://"):
                self.session.mount(prefix, adapter)
        self.zenpy = Zenpy(
            subdomain=settings.client_subdomain,
            email=settings.email,
            token=None if settings.oauth_token else settings.api_token,
            oauth_token=settings.oauth_token,
            session=self.session,
            timeout=settings.api_timeout,
            disable_cache=True,  # the ticket read at processing time is the truth
            ratelimit_budget=0,  # fail fast on 429: the worker schedules the retry
        )


def build_admin(settings: Settings) -> ZendeskAdmin:
    """Build the admin API for setup and check, authenticated as the worker is."""
    if not settings.has_credentials:
        raise ConfigError(
            "ZENDESK_SUBDOMAIN",
            "Zendesk credentials are needed: ZENDESK_SUBDOMAIN with "
            "ZENDESK_EMAIL and ZENDESK_API_TOKEN (or ZENDESK_OAUTH_TOKEN)",
        )
    return ZendeskAdmin(ZendeskClient(settings).session, settings.api_timeout)

"""What the service does to tickets through Zenpy: the one PUT. The only module importing zenpy's client."""

from zenpy import Zenpy
from zenpy.lib.api_objects import Ticket

from .settings import Settings
from .zendesk.reader import TicketReader
from .zendesk.transport import ZendeskSession, translated_errors


class ZendeskClient(TicketReader):
    """Reads through our session and writes through Zenpy; one per worker thread or process."""

    def __init__(self, settings: Settings):
        canonical = f"https://{settings.subdomain}.zendesk.com"
        super().__init__(ZendeskSession(canonical, settings.zendesk_base_url), settings.api_timeout)
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

    def apply(self, update: dict) -> dict:
        """Send the update as one PUT; return what was sent."""
        with translated_errors(self.session):
            self.zenpy.tickets.update(Ticket(**update))
        return update

"""What the web endpoints here read of the service's parts (wiring.Services is one, composed above ops)."""

from datetime import datetime
from typing import Callable, Protocol

from ..core.policy import Policy
from ..observability.business_gauges import BusinessGauges
from ..observability.metrics import Metrics
from ..settings import Settings
from ..store.handle import Database
from ..store.inbox import Inbox


class WebServices(Protocol):
    """The service's parts, as app.extensions["escalator"] holds them (read-only here)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def policy(self) -> Policy: ...

    @property
    def database(self) -> Database: ...

    @property
    def inbox(self) -> Inbox: ...

    @property
    def metrics(self) -> Metrics: ...

    @property
    def gauges(self) -> BusinessGauges: ...

    @property
    def clock(self) -> Callable[[], datetime]: ...

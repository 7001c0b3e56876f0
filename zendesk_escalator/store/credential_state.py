"""Whether Zendesk accepts the service's credentials, as the workers last saw it: shared through the database.

The workers learn it (an answer to a call); the web processes report it
(/readyz, /healthz, /metrics) without calling Zendesk themselves.
"""

import json
from dataclasses import asdict, dataclass

from .cursors import Cursors
from .handle import Database

NAME = "zendesk_credentials"  # its row in the named values the processes share
OK, REJECTED, NOT_AGENT, UNKNOWN = "ok", "rejected", "not_agent", "unknown"
STATES = (OK, REJECTED, NOT_AGENT, UNKNOWN)


@dataclass(frozen=True)
class CredentialState:
    """`state` is one of STATES; `reason` says what to fix; `since` when it was first seen (epoch seconds)."""

    state: str
    reason: str = ""
    since: float = 0.0

    @property
    def refused(self) -> bool:
        """Zendesk refuses every call: the account's condition, not a ticket's."""
        return self.state in (REJECTED, NOT_AGENT)


class CredentialStates:
    """Read and write the shared state."""

    def __init__(self, database: Database):
        self.cursors = Cursors(database)

    def read(self) -> CredentialState:
        """The state the workers saw last (UNKNOWN before any has called Zendesk)."""
        stored = self.cursors.get(NAME)
        return CredentialState(**json.loads(stored)) if stored else CredentialState(UNKNOWN)

    def write(self, state: CredentialState, now: float) -> None:
        """Remember a state for every process."""
        self.cursors.set(NAME, json.dumps(asdict(state)), now)

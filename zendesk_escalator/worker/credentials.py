"""Tell a refusal of the account's credentials (every call fails) from one ticket's refusal (that row only).

A 401 is always the credentials: a wrong, revoked or disabled API token (or
OAuth token). A 403 may be either: the integration user was made an end-user
or suspended (every call is refused), or it may not see this one ticket. The
first 403 is settled by asking Zendesk who the credentials are
(GET /api/v2/users/me.json): 401 there, or a user who is no longer an agent
or admin, is the account's condition; otherwise the 403 is the ticket's own.

The account's condition is not the rows' fault: the worker holds them (no
dead row, no retry budget spent) and pauses, as during an outage, until a call
succeeds again. The state goes to the database, where /readyz, /healthz and
/metrics of every process read it; the log says what to fix, once a minute.
"""

import logging
import threading
from typing import Callable

from ..errors import EscalatorError, ZendeskError
from ..settings import Settings
from ..store.credential_state import NOT_AGENT, OK, REJECTED, CredentialState, CredentialStates
from .ports import JsonObject

log = logging.getLogger(__name__)
HELD = "Zendesk credentials refused"  # how a held row's last error starts (woken together when they work)
STAFF = frozenset({"agent", "admin"})
LOG_EVERY = 60.0  # seconds between two log lines saying what to fix


class Credentials:
    """Shared by the worker threads of a process; each thread asks with its own client (`whoami`)."""

    def __init__(self, settings: Settings, states: CredentialStates):
        self.variables = (
            "ZENDESK_OAUTH_TOKEN"
            if settings.oauth_token
            else f"ZENDESK_API_TOKEN (with ZENDESK_EMAIL={settings.email})"
        )
        self.states = states
        self._lock = threading.Lock()
        self._refused: CredentialState | None = None
        self._known_ok = False  # written to the database since start (or since the last refusal)
        self._logged_at = float("-inf")

    def refusal(self, error: Exception, whoami: Callable[[], JsonObject], now: float) -> CredentialState | None:
        """The account's condition this error shows, or None (then it is the row's own)."""
        status = getattr(error, "status", None) if isinstance(error, ZendeskError) else None
        if status == 401:
            return self._rejected(error)
        if status != 403:
            return None
        try:
            user = (whoami() or {}).get("user") or {}
        except ZendeskError as probe:
            return self._rejected(probe) if probe.status == 401 else None
        except EscalatorError:
            return None
        role = user.get("role")
        if role in STAFF and user.get("active", True) and not user.get("suspended"):
            return None
        what = f"role {role}" if role not in STAFF else "suspended or deactivated"
        return CredentialState(
            NOT_AGENT,
            f"Zendesk refuses every call (403): the integration user "
            f"{user.get('email') or ''} (user {user.get('id')}) is no longer an agent or "
            f"admin ({what}); make it an agent or admin again (or set {self.variables} "
            f"to another user's credentials)",
            now,
        )

    def _rejected(self, error: Exception) -> CredentialState:
        return CredentialState(
            REJECTED,
            f"Zendesk refuses the credentials (401: {str(error)[:120]}); fix "
            f"{self.variables} where the service runs (a wrong, revoked or disabled token), "
            "or turn the token on again in Zendesk",
        )

    def refused(self, state: CredentialState, now: float, held: int) -> None:
        """Record the account's condition (first sighting) and say what to fix, at most once a minute."""
        with self._lock:
            first = self._refused is None or self._refused.state != state.state
            if first:
                self._refused, self._known_ok = CredentialState(state.state, state.reason, now), False
            due = now - self._logged_at >= LOG_EVERY
            if due:
                self._logged_at = now
        if first:
            # Read outside the lock: a success in another thread may have cleared it meanwhile (kept as it is).
            self.states.write(self._refused, now)  # type: ignore[arg-type]
        if due:
            log.error(
                "%s. Rows are held, not lost (%d more now); work resumes when a call succeeds.", state.reason, held
            )

    def succeeded(self, now: float) -> bool:
        """A call worked: record it (once); True when the credentials had been refused until now."""
        with self._lock:
            if self._known_ok:
                return False
            was_refused, self._refused, self._known_ok = self._refused is not None, None, True
        self.states.write(CredentialState(OK, "", now), now)
        if was_refused:
            log.warning("Zendesk accepts the credentials again: the held rows are due now")
        return was_refused

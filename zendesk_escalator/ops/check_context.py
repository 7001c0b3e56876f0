"""What every check of `escalator check` shares: the row it returns and the context it reads (each list once)."""

from dataclasses import dataclass
from typing import Any, Callable, TypeVar, cast

from ..core.policy import Policy
from ..store.inbox import Inbox
from ..zendesk.admin import ZendeskAdmin
from .policy_names import names_in
from .setup_plan import our_webhook

T = TypeVar("T")  # what a read answers
OK, WARN, PROBLEM = "OK", "WARN", "PROBLEM"


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    status: str
    subject: str
    detail: str


class Context:
    """What the checks share: the policy, what it names, and the admin API (each list read once)."""

    def __init__(
        self,
        policy: Policy,
        admin: ZendeskAdmin,
        secrets: tuple[str, ...] = (),
        inbox: Inbox | None = None,
        app_token: str | None = None,
        oauth: tuple[str, str | None] = ("zendesk_escalator", None),
    ):
        self.policy, self.admin, self.names, self.secrets = policy, admin, names_in(policy), secrets
        self.oauth = oauth  # ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET, as the service has them
        self.inbox = inbox  # the service's database, when it is here
        self.app_token = app_token  # ESCALATOR_APP_TOKEN, as the service has it
        self._read: dict[str, object] = {}

    def read(self, name: str, fetch: Callable[[], T]) -> T:
        """Read once, however many checks ask."""
        if name not in self._read:
            self._read[name] = fetch()
        return cast(T, self._read[name])  # what `fetch` made for this name

    @property
    def me(self) -> dict[str, Any]:
        """The user of these credentials (GET users/me, once)."""
        return self.read("me", self.admin.me)

    def users(self) -> dict[int, dict[str, Any]]:
        """The users the policy names, by id (read in batches of 100, once)."""
        return self.read("users", lambda: {u["id"]: u for u in self.admin.users(self.names.users)})

    def webhooks(self) -> list[dict[str, Any]]:
        """Every webhook of the account (pages of 100, once)."""
        return self.read("webhooks", self.admin.webhooks)

    @property
    def our_webhook(self) -> dict[str, Any] | None:
        """The webhook `setup` made, if any."""
        return our_webhook(self.webhooks())


Check = Callable[[Context], list[Row]]


def places(where: list[str]) -> str:
    """The policy keys that name something, for a row."""
    return ", ".join(where)


def found_row(subject: str, found: dict[str, Any] | None, where: list[str], extra: str = "") -> Row:
    """A row for an object the policy names: not found, inactive, or found (its name, `extra`, where named)."""
    if found is None:
        return Row(PROBLEM, subject, f"not found ({places(where)})")
    if found.get("active") is False:
        return Row(PROBLEM, subject, f"{found.get('name') or found.get('title')} is inactive ({places(where)})")
    return Row(OK, subject, f"{found.get('name') or found.get('title')}{extra} ({places(where)})")

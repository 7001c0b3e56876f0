"""Microsoft Teams through a Workflows webhook ("When a Teams webhook request is received"): one POST of the card.

Workflows answers 202 Accepted (the flow runs after). One POST needs no SDK; it
goes through the standard library's urllib, which logs nothing: urllib3 (under
requests) writes each request's URL at DEBUG, and a Workflows URL holds its
secret (`sig=…`) in its query.
"""

import json
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request, urlopen

from ..core.channels import TEAMS_WORKFLOW
from .answers import refusal, seconds, unreachable


class TeamsWorkflow:
    """A Workflows webhook URL; the message is an Adaptive Card attachment."""

    kind = TEAMS_WORKFLOW

    def __init__(self, url: str, timeout: float):
        self.url, self.timeout = url, timeout

    def send(self, message: dict[str, Any]) -> str:
        """Post the card; return the answer's status ("202")."""
        request = Request(
            self.url, data=json.dumps(message).encode(), method="POST", headers={"Content-Type": "application/json"}
        )
        try:
            with urlopen(request, timeout=self.timeout) as answer:  # noqa: S310 (the admin's own https URL)
                return str(answer.status)
        except HTTPError as error:
            body = error.read().decode("utf-8", "replace")
            raise refusal(self.kind, error.code, body, seconds(error.headers.get("Retry-After"))) from None
        except (OSError, ValueError) as error:  # URLError, a timeout, a malformed URL: no answer
            raise unreachable(self.kind, self.url, error) from None

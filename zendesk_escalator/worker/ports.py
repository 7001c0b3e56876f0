"""The worker's ports to Zendesk: every read and write it makes, as protocols its handlers are typed with.

The implementations are zendesk/reader.py's TicketReader (with actions.py's ZendeskClient, which also writes),
zendesk/stand_ins.py's HintReader and DryRunWriter, and escalate.py's CommentLimitWriter;
tests/worker/test_ports.py checks each has every method declared here, with a compatible signature.
Answers are Zendesk's JSON objects, as the API returns them.
"""

from typing import Any, Protocol

from ..core.notification import Notification

JsonObject = dict[str, Any]  # a request or answer body, as Zendesk's JSON


class TicketSource(Protocol):
    """A ticket and its newest comments: all a notification reads (HintReader stands in without credentials)."""

    def ticket(self, ticket_id: int, hint: Notification | None = None) -> JsonObject: ...

    def comments(self, ticket_id: int) -> JsonObject: ...


class Reader(TicketSource, Protocol):
    """Every read the worker makes: tickets, the exports, audits, the account's schedule, a merge job."""

    def ticket(self, ticket_id: int, hint: Notification | None = None, include: str = ...) -> JsonObject: ...

    def tickets(self, ids: list[int], include: str = ...) -> JsonObject: ...

    def changed_tickets(self, cursor: str | None, start_time: int | None, include: str | None = ...) -> JsonObject: ...

    def search_export(self, query: str, cursor: str | None = None, size: int = ...) -> JsonObject: ...

    def audits(self, ticket_id: int) -> JsonObject: ...

    def schedules(self) -> JsonObject: ...

    def holidays(self, schedule_id: int) -> JsonObject: ...

    def job_status(self, job_id: str) -> JsonObject: ...


class ReportWriter(Protocol):
    """The writes of the daily report: a note on a ticket, or a new ticket."""

    def apply(self, update: JsonObject) -> JsonObject: ...

    def create_ticket(self, ticket: JsonObject, idempotency_key: str) -> tuple[JsonObject, bool]: ...


class Writer(ReportWriter, Protocol):
    """Every write the worker makes: the one update, a new ticket, a merge, a closed ticket's tags."""

    def merge(self, target_id: int, source_id: int, target_comment: str, source_comment: str) -> JsonObject: ...

    def tag_closed(self, update: JsonObject) -> JsonObject: ...

"""Ticket audits for the fake Zendesk: the creation, comments, status and priority changes, as
GET tickets/{id}/audits.json.

Plugged in through FakeZendesk's `endpoints=` hook; built from what the fake
recorded (its comments, status and priority logs), oldest first, with the authors
sideloaded. The creation is a Create event of the priority the ticket was made with,
by its requester.
"""

import re

AUDITS = re.compile(r"^/api/v2/tickets/(\d+)/audits\.json$")


class AuditEndpoints:
    """GET /api/v2/tickets/{id}/audits.json?include=users."""

    def answer(self, fake, method, path, query, body):
        match = AUDITS.match(path) if method == "GET" else None
        if not match:
            return None
        ticket_id = int(match.group(1))
        if ticket_id not in fake.tickets:
            return 404, {"error": "RecordNotFound", "description": "Not found"}
        audits = [
            {
                "id": c["id"] + 1,
                "ticket_id": ticket_id,
                "created_at": c["created_at"],
                "author_id": c["author_id"],
                "events": [
                    {
                        "id": c["id"],
                        "type": "Comment",
                        "author_id": c["author_id"],
                        "body": c["body"],
                        "public": c["public"],
                    }
                ],
            }
            for c in fake.comments.get(ticket_id, [])
        ]
        changes = [("status", change) for change in fake.status_log.get(ticket_id, [])]
        changes += [("priority", change) for change in fake.priority_log.get(ticket_id, [])]
        audits += [
            {
                "id": 10**9 + n,
                "ticket_id": ticket_id,
                "created_at": change["at"],
                "author_id": change["author_id"],
                "events": [
                    {
                        "id": 10**9 + n,
                        "type": "Change",
                        "field_name": name,
                        "value": change["value"],
                        "previous_value": change["previous_value"],
                    }
                ],
            }
            for n, (name, change) in enumerate(changes)
        ]
        audits.insert(0, _creation(fake.tickets[ticket_id], fake.priority_log.get(ticket_id, [])))  # first
        audits.sort(key=lambda audit: audit["created_at"])
        authors = {audit["author_id"] for audit in audits}
        return 200, {
            "audits": audits,
            "users": [fake.users[a] for a in sorted(authors) if a in fake.users],
            "meta": {"has_more": False, "after_cursor": None, "before_cursor": None},
        }


def _creation(ticket: dict, priorities: list[dict]) -> dict:
    """The ticket's first audit: made by its requester, with the priority it had before any change."""
    first = priorities[0]["previous_value"] if priorities else ticket.get("priority")
    return {
        "id": ticket["id"] * 10 + 1,
        "ticket_id": ticket["id"],
        "created_at": ticket.get("created_at", ""),
        "author_id": ticket.get("requester_id"),
        "events": [{"id": ticket["id"] * 10 + 2, "type": "Create", "field_name": "priority", "value": first}],
    }

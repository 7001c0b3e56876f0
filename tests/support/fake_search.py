"""Zendesk's search export for the fake: GET /api/v2/search/export.json with a few query terms.

The terms the service sends: `status<solved`, `created>YYYY-MM-DD` (tickets created
after that day), `priority>normal` (ordered low < normal < high < urgent),
`organization:ID`. Like Zendesk it refuses `type:` in the query and wants
`filter[type]=ticket`; results are whole tickets, oldest first, cursor-paginated.
Any other term is a 400, so a query the fake does not understand fails loudly.
"""

import copy
import re

PRIORITIES = ("low", "normal", "high", "urgent")
STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
TERM = re.compile(r"^(status|priority|created|organization)([<>:])(.+)$")


def search_export(fake, query: dict):
    """The answer to one search export request: (status, body)."""
    text = query.get("query", "")
    if query.get("filter[type]") != "ticket" or "type:" in text:
        return 400, {"error": "InvalidSearch", "description": "filter[type]=ticket is required; no type: in query"}
    terms = [TERM.match(term) for term in text.split()]
    if not terms or not all(terms):
        return 400, {"error": "InvalidSearch", "description": f"unsupported by the fake: {text!r}"}
    found = [
        t
        for _, t in sorted(fake.tickets.items(), key=lambda item: (item[1].get("created_at", ""), item[0]))
        if all(_holds(t, *term.groups()) for term in terms)
    ]
    start, size = int(query.get("page[after]", "0")), int(query.get("page[size]", 100))
    more = start + size < len(found)
    return 200, {
        "results": [dict(copy.deepcopy(t), result_type="ticket") for t in found[start : start + size]],
        "facets": None,
        "links": {"prev": None, "next": None},
        "meta": {"has_more": more, "after_cursor": str(start + size) if more else None, "before_cursor": None},
    }


def _holds(ticket: dict, name: str, operator: str, value: str) -> bool:
    if name == "organization":
        return operator == ":" and str(ticket.get("organization_id")) == value
    if name == "created":  # a date: after (or before) that whole day
        day = (ticket.get("created_at") or "")[:10]
        return day > value if operator == ">" else day < value if operator == "<" else day == value
    order = PRIORITIES if name == "priority" else STATUSES
    have, want = ticket.get(name), value
    if have not in order or want not in order:
        return False
    return {">": order.index(have) > order.index(want), "<": order.index(have) < order.index(want), ":": have == want}[
        operator
    ]


class SearchEndpoints:
    """Plugged into FakeZendesk through `endpoints=`."""

    def answer(self, fake, method, path, query, body):
        if method == "GET" and path == "/api/v2/search/export.json":
            return search_export(fake, query)
        return None

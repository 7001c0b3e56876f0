"""The shapes of Zendesk's answers that every part of the fake admin API shares: pages, lists, refusals, stamps."""

import copy
from datetime import datetime, timezone


def page(items: list, key: str, query: dict) -> tuple[int, dict]:
    """One cursor page (page[size], page[after]) as Zendesk shapes it."""
    size = int(query.get("page[size]", 100))
    start = int(query.get("page[after]", 0))
    chunk, more = items[start : start + size], start + size < len(items)
    after = str(start + size) if more else None
    link = f"https://acme.zendesk.com/api/v2/{key}.json?page%5Bafter%5D={after}&page%5Bsize%5D={size}"
    return 200, {
        key: copy.deepcopy(chunk),
        "meta": {"has_more": more, "after_cursor": after, "before_cursor": None},
        "links": {"prev": None, "next": link if more else None},
    }


def offset(items: list, key: str) -> tuple[int, dict]:
    """An unpaginated list, as the offset form shapes it."""
    return 200, {key: copy.deepcopy(items), "next_page": None, "previous_page": None, "count": len(items)}


def invalid(name: str, description: str) -> tuple[int, dict]:
    """422 as Zendesk words a record it refuses."""
    return 422, {
        "error": "RecordInvalid",
        "description": "Record validation errors",
        "details": {name: [{"description": description, "error": "InvalidValue"}]},
    }


def not_found() -> tuple[int, dict]:
    """404 as the classic API words it."""
    return 404, {"error": "RecordNotFound", "description": "Not found"}


def stamps() -> dict:
    """created_at and updated_at: now."""
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"created_at": now, "updated_at": now}

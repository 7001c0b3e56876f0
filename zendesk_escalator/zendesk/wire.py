"""The wire format of the writes: the JSON bodies Zendesk receives (a dry run logs the same ones)."""

from typing import Any


def bulk_tags_body(update: dict[str, Any]) -> dict[str, Any]:
    """The Update Many Tickets body that adds and removes a closed ticket's tags."""
    return {"ticket": {key: update[key] for key in ("additional_tags", "remove_tags") if update.get(key)}}


def wire_body(update: dict[str, Any]) -> dict[str, Any]:
    """The JSON body of the update's PUT (what Zendesk receives): every key but the id, nulls included."""
    return {"ticket": {key: value for key, value in update.items() if key != "id"}}

"""A failed admin call in plain words: what it means and what to do about it, with Zendesk's own details."""

from typing import Any

from ..errors import ZendeskError, ZendeskRateLimited, ZendeskUnavailable


def plain_words(error: ZendeskError) -> str:
    """Say what a failed admin call means and what to do about it."""
    status, body = error.status, getattr(error, "body", None) or {}
    zendesk_says = details(body)
    said = f" Zendesk says: {zendesk_says}" if zendesk_says else ""
    if isinstance(error, ZendeskRateLimited):
        wait = f"in {error.retry_after:g} seconds" if error.retry_after is not None else "in a minute"
        return f"Zendesk's rate limit was reached (429): try again {wait}."
    if isinstance(error, ZendeskUnavailable):
        return f"Zendesk did not answer properly ({status or error}): try again later."
    if status == 401:
        return (
            "Zendesk refused the credentials (401): check ZENDESK_SUBDOMAIN, ZENDESK_EMAIL and "
            "ZENDESK_API_TOKEN (or ZENDESK_OAUTH_TOKEN)." + said
        )
    if status == 403:
        return (
            "the integration user may not do this (403): it must be an admin. Make the user of "
            "ZENDESK_EMAIL an admin in Admin Center > People, or use an admin's API token." + said
        )
    if status == 404:
        return "not found (404): it may have been deleted meanwhile." + said
    if status == 422:
        return f"Zendesk rejected the request (422):{said or ' no details given.'}"
    return f"Zendesk refused the request ({status}).{said}"


def details(body: dict[str, Any]) -> str:
    """Zendesk's error body as one readable line (classic `details` or the newer `errors` list)."""
    lines = []
    for name, problems in (body.get("details") or {}).items():
        for problem in problems if isinstance(problems, list) else [problems]:
            text = problem.get("description") or problem.get("error") if isinstance(problem, dict) else problem
            lines.append(f"{name}: {text}")
    for problem in body.get("errors") or []:
        if isinstance(problem, dict):
            parts = [
                problem.get("field") or "",
                problem.get("title") or problem.get("code") or "",
                problem.get("detail") or problem.get("message") or "",
            ]
            lines.append(" — ".join(part for part in parts if part))
    error = body.get("error")
    if not lines and isinstance(error, dict):
        lines.append(" — ".join(str(v) for v in (error.get("title"), error.get("message")) if v))
    if not lines:
        lines.append(" — ".join(str(v) for v in (error, body.get("description")) if isinstance(v, str)))
    return "; ".join(line for line in lines if line)

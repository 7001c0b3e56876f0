"""Zendesk's admin API as raw JSON: what `setup` writes and `check` reads, errors in plain words."""

from typing import Any, Iterable, cast
from urllib.parse import parse_qsl, urlsplit

from ..errors import ZendeskAdminError, ZendeskError
from .error_words import plain_words
from .transport import ZendeskSession, error_for_response, translated_errors

PAGE_SIZE = 100  # Zendesk's largest page, and the most ids show_many takes at once
MAX_PAGES = 50  # a guard against a server that always says "more"


# Answers are JSON (Any to mypy): a method returning one key of an answer casts it to the type the API reference
# documents for that key.
class ZendeskAdmin:
    """One method per admin call; every call is one request, counted by the session."""

    def __init__(self, session: ZendeskSession, timeout: float):
        self.session, self.timeout = session, timeout

    def me(self) -> dict[str, Any]:
        """GET /api/v2/users/me.json: the user of these credentials."""
        return cast(dict[str, Any], self._call("GET", "/api/v2/users/me.json")["user"])

    def users(self, ids: Iterable[int]) -> list[dict[str, Any]]:
        """GET users/show_many.json, 100 ids a call; unknown ids are simply absent."""
        return self._show_many("/api/v2/users/show_many.json", "users", ids)

    def organizations(self, ids: Iterable[int]) -> list[dict[str, Any]]:
        """GET organizations/show_many.json, 100 ids a call."""
        return self._show_many("/api/v2/organizations/show_many.json", "organizations", ids)

    def group_memberships(self, user_id: int) -> list[dict[str, Any]]:
        """The groups one agent belongs to (cursor pages of 100)."""
        return self._pages(f"/api/v2/users/{user_id}/group_memberships.json", "group_memberships")

    def groups(self) -> list[dict[str, Any]]:
        """Every group (cursor pages of 100)."""
        return self._pages("/api/v2/groups.json", "groups")

    def brands(self) -> list[dict[str, Any]]:
        """Every brand (cursor pages of 100)."""
        return self._pages("/api/v2/brands.json", "brands")

    def ticket_forms(self) -> list[dict[str, Any]]:
        """Every ticket form, active or not (one call: this list is not paginated)."""
        return cast(list[dict[str, Any]], self._call("GET", "/api/v2/ticket_forms.json")["ticket_forms"])

    def update_ticket_form(self, form_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        """PUT /api/v2/ticket_forms/{id}.json (`ticket_field_ids` sent replace the form's list)."""
        return cast(
            dict[str, Any],
            self._call("PUT", f"/api/v2/ticket_forms/{form_id}.json", {"ticket_form": changes})["ticket_form"],
        )

    def views(self, title: str) -> list[dict[str, Any]]:
        """Views whose title matches `title` (GET views/search.json: one page holds them)."""
        return self._call("GET", "/api/v2/views/search.json", params={"query": title}).get("views") or []

    def create_view(self, view: dict[str, Any]) -> dict[str, Any]:
        """POST /api/v2/views.json (a view without `restriction` is shared with every agent)."""
        return cast(dict[str, Any], self._call("POST", "/api/v2/views.json", {"view": view})["view"])

    def update_view(self, view_id: int, view: dict[str, Any]) -> dict[str, Any]:
        """PUT /api/v2/views/{id}.json (conditions sent replace the view's: send them all)."""
        return cast(dict[str, Any], self._call("PUT", f"/api/v2/views/{view_id}.json", {"view": view})["view"])

    def delete(self, path: str) -> None:
        """DELETE one object, e.g. /api/v2/triggers/{id}.json (204)."""
        self._call("DELETE", path)

    def schedules(self) -> list[dict[str, Any]]:
        """The account's business-hours schedules (the first is the default)."""
        return self._call("GET", "/api/v2/business_hours/schedules.json").get("schedules") or []

    def talk_numbers(self) -> list[dict[str, Any]]:
        """The account's Zendesk Talk lines (GET channels/voice/phone_numbers.json): id, number, display_number …"""
        return self._pages("/api/v2/channels/voice/phone_numbers.json", "phone_numbers")

    def ticket(self, ticket_id: int) -> dict[str, Any] | None:
        """One ticket, or None when there is no such ticket."""
        try:
            return self._call("GET", f"/api/v2/tickets/{ticket_id}.json").get("ticket")
        except ZendeskAdminError as error:
            if error.status == 404:
                return None
            raise

    def ticket_fields(self) -> list[dict[str, Any]]:
        """Every ticket field with its drop-down options (one call: unpaginated, it returns them all)."""
        return cast(list[dict[str, Any]], self._call("GET", "/api/v2/ticket_fields.json")["ticket_fields"])

    def create_ticket_field(self, field: dict[str, Any]) -> dict[str, Any]:
        """POST /api/v2/ticket_fields.json."""
        return cast(
            dict[str, Any], self._call("POST", "/api/v2/ticket_fields.json", {"ticket_field": field})["ticket_field"]
        )

    def update_ticket_field(self, field_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        """PUT /api/v2/ticket_fields/{id}.json (options sent replace the field's options)."""
        return cast(
            dict[str, Any],
            self._call("PUT", f"/api/v2/ticket_fields/{field_id}.json", {"ticket_field": changes})["ticket_field"],
        )

    def webhooks(self, name: str | None = None) -> list[dict[str, Any]]:
        """Webhooks whose name contains `name` (every webhook without one)."""
        return self._pages("/api/v2/webhooks", "webhooks", {"filter[name_contains]": name} if name else None)

    def create_webhook(self, webhook: dict[str, Any]) -> dict[str, Any]:
        """POST /api/v2/webhooks."""
        return cast(dict[str, Any], self._call("POST", "/api/v2/webhooks", {"webhook": webhook})["webhook"])

    def update_webhook(self, webhook_id: str, changes: dict[str, Any]) -> None:
        """PATCH /api/v2/webhooks/{id}: only the keys sent change (authentication set by hand stays)."""
        self._call("PATCH", f"/api/v2/webhooks/{webhook_id}", {"webhook": changes})

    def test_webhook(self, request: dict[str, Any], webhook_id: str | None = None) -> dict[str, Any]:
        """POST /api/v2/webhooks/test: Zendesk sends `request` (signed as an existing webhook); what it got back.

        The answer is Zendesk's `response`: the endpoint's `status_code`, `headers` and `payload`.
        """
        params = {"webhook_id": webhook_id} if webhook_id else None
        return self._call("POST", "/api/v2/webhooks/test", {"request": request}, params).get("response") or {}

    def signing_secret(self, webhook_id: str) -> str:
        """GET /api/v2/webhooks/{id}/signing_secret."""
        return cast(str, self._call("GET", f"/api/v2/webhooks/{webhook_id}/signing_secret")["signing_secret"]["secret"])

    def trigger_categories(self) -> list[dict[str, Any]] | None:
        """Every trigger category; None when the account has no categories."""
        try:
            return self._pages("/api/v2/trigger_categories.json", "trigger_categories")
        except ZendeskAdminError as error:
            if error.status == 403 and "TriggerCategoriesNotEnabled" in str(error.body):
                return None
            raise

    def create_trigger_category(self, category: dict[str, Any]) -> dict[str, Any]:
        """POST /api/v2/trigger_categories.json."""
        body = {"trigger_category": category}
        return cast(dict[str, Any], self._call("POST", "/api/v2/trigger_categories.json", body)["trigger_category"])

    def triggers(self, category_id: str | None) -> list[dict[str, Any]]:
        """The triggers of one category (every trigger when there are no categories)."""
        params = {"category_id": category_id} if category_id else {}
        return self._pages("/api/v2/triggers.json", "triggers", params)

    def trigger_definitions(self) -> dict[str, Any]:
        """GET /api/v2/triggers/definitions.json: the conditions and the values each one offers."""
        return cast(dict[str, Any], self._call("GET", "/api/v2/triggers/definitions.json")["definitions"])

    def create_trigger(self, trigger: dict[str, Any]) -> dict[str, Any]:
        """POST /api/v2/triggers.json."""
        return cast(dict[str, Any], self._call("POST", "/api/v2/triggers.json", {"trigger": trigger})["trigger"])

    def update_trigger(self, trigger_id: int, trigger: dict[str, Any]) -> dict[str, Any]:
        """PUT /api/v2/triggers/{id}.json."""
        return cast(
            dict[str, Any], self._call("PUT", f"/api/v2/triggers/{trigger_id}.json", {"trigger": trigger})["trigger"]
        )

    def oauth_clients(self) -> list[dict[str, Any]]:
        """The account's OAuth clients (cursor pages of 100); their secrets are not shown in full."""
        return self._pages("/api/v2/oauth/clients.json", "clients")

    def create_oauth_client(self, client: dict[str, Any]) -> dict[str, Any]:
        """POST /api/v2/oauth/clients.json: the answer holds the client's secret, the only time it is shown."""
        return cast(dict[str, Any], self._call("POST", "/api/v2/oauth/clients.json", {"client": client})["client"])

    def update_oauth_client(self, client_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        """PUT /api/v2/oauth/clients/{id}.json."""
        return cast(
            dict[str, Any], self._call("PUT", f"/api/v2/oauth/clients/{client_id}.json", {"client": changes})["client"]
        )

    def new_client_secret(self, client_id: int) -> str:
        """PUT /api/v2/oauth/clients/{id}/generate_secret.json: a new secret (the old one stops working)."""
        return cast(
            str, self._call("PUT", f"/api/v2/oauth/clients/{client_id}/generate_secret.json")["client"]["secret"]
        )

    def _show_many(self, path: str, key: str, ids: Iterable[int]) -> list[dict[str, Any]]:
        ordered = sorted(set(ids))
        found: list[dict[str, Any]] = []
        for start in range(0, len(ordered), PAGE_SIZE):
            batch = ",".join(str(i) for i in ordered[start : start + PAGE_SIZE])
            found += self._call("GET", path, params={"ids": batch})[key]
        return found

    def _pages(self, path: str, key: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Follow cursor pages (meta.has_more, links.next) until the last one."""
        params = {**(params or {}), "page[size]": PAGE_SIZE}
        items: list[dict[str, Any]] = []
        for _ in range(MAX_PAGES):
            page = self._call("GET", path, params=params)
            items += page.get(key) or []
            following = (page.get("links") or {}).get("next")
            if not (page.get("meta") or {}).get("has_more") or not following:
                break
            params = dict(parse_qsl(urlsplit(following).query))
        return items

    def _call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
        files: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """One request (a JSON body, or `files` as multipart/form-data); its JSON answer; errors in plain words."""
        request = f"{method} {path}"
        try:
            with translated_errors(self.session):
                response = self.session.request(
                    method,
                    self.session.canonical_base + path,
                    params=params,
                    json=body,
                    files=files,
                    timeout=self.timeout,
                )
            if not response.ok:
                raise error_for_response(response)
        except ZendeskError as error:
            raise ZendeskAdminError(request, error.status, plain_words(error), getattr(error, "body", None)) from None
        if response.status_code == 204 or not response.content:
            return {}
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise ZendeskAdminError(
                request,
                response.status_code,
                "the answer is not a JSON object (is ZENDESK_SUBDOMAIN or ZENDESK_API_URL right?)",
            )
        return answer

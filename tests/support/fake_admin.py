"""Zendesk's admin API for FakeZendesk (its `endpoints=` hook): what `setup` writes and `check` reads.

Shapes follow recorded traffic (Zenpy's betamax cassettes) and Zendesk's OpenAPI spec:
cursor pages with meta/links, webhook ids as ULID-like strings, trigger category ids
as strings, 201 for created fields, webhooks and triggers (200 for a category),
204 for a webhook PATCH. Writes need an admin (403 otherwise, Zendesk's classic body);
invalid records answer 422 with `details`, as Zendesk does.
"""

import copy
import itertools
import re

from support.fake_forms_views import FormsAndViews
from support.fake_oauth import OAuthClients
from support.fake_shapes import invalid, not_found, offset, page, stamps
from support.fake_webhooks import Webhooks
from support.fake_zendesk import FORBIDDEN, INTEGRATION_USER, FakeZendesk

NO_CATEGORIES = {
    "errors": [
        {"code": "TriggerCategoriesNotEnabled", "title": "Ticket trigger categories are not enabled for your account"}
    ]
}
SYSTEM_FIELDS = [
    {"id": 34, "type": "subject", "title": "Subject", "active": True, "removable": False},
    {"id": 35, "type": "status", "title": "Status", "active": True, "removable": False},
]
ROLE_VALUES = [
    {"value": "end_user", "title": "(end user)", "enabled": True},
    {"value": "agent", "title": "(agent)", "enabled": True},
    {"value": "admin", "title": "(administrator)", "enabled": True},
]
FIELD_TYPES = {"text", "textarea", "checkbox", "date", "integer", "decimal", "regexp", "tagger", "multiselect"}


def serve(fake: FakeZendesk, admin: "FakeAdmin", users=()) -> FakeZendesk:
    """Put a fresh admin API on a running fake: no requests seen yet, an admin integration user, these users."""
    fake.requests.clear()
    fake.fault, fake.groups = None, {}
    fake.users = {
        INTEGRATION_USER: {
            "id": INTEGRATION_USER,
            "name": "Escalator",
            "email": "bot@acme.example",
            "role": "admin",
            "active": True,
        }
    }
    fake.users.update({u["id"]: copy.deepcopy(u) for u in users})
    fake.endpoints[:] = [admin]
    return fake


class FakeAdmin(FormsAndViews, Webhooks, OAuthClients):
    """Ticket fields, webhooks, trigger categories, triggers, forms and views, OAuth clients, and the lists `check`
    reads."""

    def __init__(
        self,
        groups=(),
        forms=(),
        brands=(),
        organizations=(),
        fields=(),
        webhooks=(),
        categories=(),
        triggers=(),
        offers_integration_user: bool = True,
        categories_enabled: bool = True,
        schedules=(),
        network: dict | None = None,
        new_secret: str | None = None,
        views=(),
        forms_enabled: bool = True,
        oauth_clients=(),
        talk_lines=(),
    ):
        self.groups, self.forms, self.brands = list(groups), copy.deepcopy(list(forms)), list(brands)
        self.organizations, self.schedules = list(organizations), list(schedules)
        self.talk_lines = list(talk_lines)  # Zendesk Talk's phone numbers
        self.fields = {f["id"]: copy.deepcopy(f) for f in [*SYSTEM_FIELDS, *fields]}
        self.categories = {c["id"]: copy.deepcopy(c) for c in categories}
        self.triggers = {t["id"]: copy.deepcopy(t) for t in triggers}
        self.offers_integration_user, self.categories_enabled = offers_integration_user, categories_enabled
        self.forms_enabled = forms_enabled  # False: the plan has no ticket forms (assumed: a 403 to listing them)
        self._ids = itertools.count(7000000001)
        self.routes = [
            ("GET", r"/api/v2/users/me\.json", lambda fake, q, b: (200, {"user": fake.users[INTEGRATION_USER]})),
            ("GET", r"/api/v2/users/show_many\.json", self._users),
            ("GET", r"/api/v2/organizations/show_many\.json", self._organizations),
            ("GET", r"/api/v2/users/(\d+)/group_memberships\.json", self._memberships),
            ("POST", r"/api/v2/group_memberships\.json", self._join),
            ("GET", r"/api/v2/groups\.json", lambda fake, q, b: page(self.groups, "groups", q)),
            ("GET", r"/api/v2/brands\.json", lambda fake, q, b: page(self.brands, "brands", q)),
            (
                "GET",
                r"/api/v2/channels/voice/phone_numbers\.json",
                lambda fake, q, b: page(self.talk_lines, "phone_numbers", q),
            ),
            ("GET", r"/api/v2/business_hours/schedules\.json", lambda fake, q, b: (200, {"schedules": self.schedules})),
            (
                "GET",
                r"/api/v2/ticket_forms\.json",
                lambda fake, q, b: (
                    offset(self.forms, "ticket_forms") if self.forms_enabled else (403, copy.deepcopy(FORBIDDEN))
                ),
            ),
            (
                "GET",
                r"/api/v2/ticket_fields\.json",
                lambda fake, q, b: offset(list(self.fields.values()), "ticket_fields"),
            ),
            ("POST", r"/api/v2/ticket_fields\.json", self._create_field),
            ("PUT", r"/api/v2/ticket_fields/(\d+)\.json", self._update_field),
            ("DELETE", r"/api/v2/ticket_fields/(\d+)\.json", self._delete_field),
            *self.webhook_routes(webhooks, network, new_secret),
            ("GET", r"/api/v2/trigger_categories\.json", self._list_categories),
            ("POST", r"/api/v2/trigger_categories\.json", self._create_category),
            ("DELETE", r"/api/v2/trigger_categories/(\w+)\.json", self._delete_category),
            ("GET", r"/api/v2/triggers/definitions\.json", lambda fake, q, b: (200, self.definitions())),
            ("GET", r"/api/v2/triggers\.json", self._list_triggers),
            ("POST", r"/api/v2/triggers\.json", self._create_trigger),
            ("PUT", r"/api/v2/triggers/(\d+)\.json", self._update_trigger),
            ("DELETE", r"/api/v2/triggers/(\d+)\.json", lambda fake, q, b, i: self._delete(self.triggers, int(i))),
            *self.forms_and_views(views),
            *self.oauth_client_routes(oauth_clients),
        ]

    def answer(self, fake, method: str, path: str, query: dict, body: dict | None):
        """Answer the admin endpoints; None for any other request."""
        for verb, pattern, handler in self.routes:
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                if method != "GET" and fake.users[INTEGRATION_USER].get("role") != "admin":
                    return 403, copy.deepcopy(FORBIDDEN)
                return handler(fake, query, body, *match.groups())
        return None

    def definitions(self) -> dict:
        """What the trigger editor offers (only the conditions setup reads)."""
        users = [{"value": str(INTEGRATION_USER), "title": "Escalator", "enabled": True}]
        role = {
            "subject": "role",
            "title": "Current user",
            "type": "list",
            "group": "ticket",
            "nullable": False,
            "repeatable": False,
            "operators": [
                {"value": "is", "title": "Is", "terminal": False},
                {"value": "is_not", "title": "Is not", "terminal": False},
            ],
            "values": ROLE_VALUES + (users if self.offers_integration_user else []),
        }
        tags = {
            "subject": "current_tags",
            "title": "Tags",
            "type": "tags",
            "group": "ticket",
            "nullable": True,
            "repeatable": True,
            "operators": [
                {"value": "includes", "title": "Contains at least one of the following", "terminal": False},
                {"value": "not_includes", "title": "Contains none of the following", "terminal": False},
            ],
        }
        return {"definitions": {"actions": [], "conditions_any": [], "conditions_all": [role, tags]}}

    def _users(self, fake, query, body):
        wanted = [int(i) for i in query["ids"].split(",")]
        return offset([fake.users[i] for i in wanted if i in fake.users], "users")

    def _memberships(self, fake, query, body, user_id):
        """From the fake's own membership table, the one its ticket updates enforce (422)."""
        groups = sorted(gid for gid, members in fake.groups.items() if int(user_id) in members)
        return page(
            [{"id": gid * 10, "user_id": int(user_id), "group_id": gid, "default": False} for gid in groups],
            "group_memberships",
            query,
        )

    def _join(self, fake, query, body):
        """An admin adds an agent to a group (Admin Center, or this API)."""
        membership = body["group_membership"]
        fake.groups.setdefault(int(membership["group_id"]), set()).add(int(membership["user_id"]))
        return 201, {"group_membership": {"id": next(self._ids), "default": False, **membership}}

    def _organizations(self, fake, query, body):
        wanted = {int(i) for i in query["ids"].split(",")}
        return offset([o for o in self.organizations if o["id"] in wanted], "organizations")

    def _create_field(self, fake, query, body):
        field = body["ticket_field"]
        if not field.get("title"):
            return invalid("title", "Title: cannot be blank")
        if field.get("type") not in FIELD_TYPES:
            return invalid("type", f"Type: {field.get('type')} is not a valid field type")
        problem = self._option_problem(None, field.get("custom_field_options"), field["type"])
        if problem:
            return problem
        stored = {
            "id": next(self._ids),
            "type": field["type"],
            "title": field["title"],
            "raw_title": field["title"],
            "description": field.get("description", ""),
            "active": field.get("active", True),
            "required": False,
            "removable": True,
            "position": 9999,
            "tag": None,
            **stamps(),
        }
        if field["type"] in ("tagger", "multiselect"):
            stored["custom_field_options"] = self._options(field["custom_field_options"])
        self.fields[stored["id"]] = stored
        return 201, {"ticket_field": copy.deepcopy(stored)}

    def _update_field(self, fake, query, body, field_id):
        field, changes = self.fields.get(int(field_id)), body["ticket_field"]
        if field is None:
            return not_found()
        if "custom_field_options" in changes:
            problem = self._option_problem(field["id"], changes["custom_field_options"], field["type"])
            if problem:
                return problem
            changes = {**changes, "custom_field_options": self._options(changes["custom_field_options"])}
        field.update(changes, updated_at=stamps()["updated_at"])
        return 200, {"ticket_field": copy.deepcopy(field)}

    def _delete_field(self, fake, query, body, field_id):
        """Deleting a field takes it off every form too."""
        for form in self.forms:
            form["ticket_field_ids"] = [i for i in form.get("ticket_field_ids") or [] if i != int(field_id)]
        return self._delete(self.fields, int(field_id))

    def _delete_category(self, fake, query, body, category_id):
        if any(t.get("category_id") == category_id for t in self.triggers.values()):  # assumed wording
            return 400, {"errors": [{"code": "CategoryNotEmpty", "title": "The category still holds triggers"}]}
        return self._delete(self.categories, category_id)

    @staticmethod
    def _delete(objects: dict, object_id):
        if objects.pop(object_id, None) is None:
            return not_found()
        return 204, {}

    def _option_problem(self, field_id, options, kind):
        if kind not in ("tagger", "multiselect"):
            return None
        if not options or any(not o.get("name") or not o.get("value") for o in options):
            return invalid("custom_field_options", "Field options: each needs a name and a value")
        taken = {
            o["value"] for f in self.fields.values() if f["id"] != field_id for o in f.get("custom_field_options") or []
        }
        reused = sorted(taken & {o["value"] for o in options})
        return invalid("base", f"Tag {reused[0]} is already used by another field") if reused else None

    def _options(self, options):
        return [
            {
                "id": o.get("id") or next(self._ids),
                "name": o["name"],
                "raw_name": o["name"],
                "value": o["value"],
                "default": False,
                "position": n,
            }
            for n, o in enumerate(options)
        ]

    def _list_categories(self, fake, query, body):
        if not self.categories_enabled:
            return 403, copy.deepcopy(NO_CATEGORIES)
        return page(list(self.categories.values()), "trigger_categories", query)

    def _create_category(self, fake, query, body):
        stored = {
            "id": str(next(self._ids)),
            "name": body["trigger_category"]["name"],
            "position": len(self.categories),
            **stamps(),
        }
        self.categories[stored["id"]] = stored
        return 200, {"trigger_category": copy.deepcopy(stored)}

    def _list_triggers(self, fake, query, body):
        wanted = query.get("category_id")
        found = [t for t in self.triggers.values() if wanted is None or t.get("category_id") == wanted]
        return page(found, "triggers", query)

    def _create_trigger(self, fake, query, body):
        trigger = body["trigger"]
        problem = self._trigger_problem(trigger)
        if problem:
            return problem
        stored = {
            "id": next(self._ids),
            "title": trigger["title"],
            "raw_title": trigger["title"],
            "active": trigger.get("active", True),
            "default": False,
            "description": trigger.get("description"),
            "position": len(self.triggers) + 1,
            "conditions": trigger["conditions"],
            "actions": trigger["actions"],
            "category_id": trigger.get("category_id"),
            **stamps(),
        }
        self.triggers[stored["id"]] = stored
        return 201, {"trigger": copy.deepcopy(stored)}

    def _update_trigger(self, fake, query, body, trigger_id):
        stored = self.triggers.get(int(trigger_id))
        if stored is None:
            return not_found()
        problem = self._trigger_problem({**stored, **body["trigger"]})
        if problem:
            return problem
        stored.update(body["trigger"], updated_at=stamps()["updated_at"])
        return 200, {"trigger": copy.deepcopy(stored)}

    def _trigger_problem(self, trigger):
        if not trigger.get("title"):
            return invalid("title", "Title: cannot be blank")
        offered = {v["value"] for v in self.definitions()["definitions"]["conditions_all"][0]["values"]}
        for condition in trigger["conditions"].get("all", []) + trigger["conditions"].get("any", []):
            if condition["field"] == "role" and condition["value"] not in offered:
                return invalid("base", f"Current user: {condition['value']} is not a valid value")
        for action in trigger.get("actions") or []:
            if action["field"] == "notification_webhook" and action["value"][0] not in self.webhooks:
                return invalid("base", "Notify by > Active webhook: the webhook is invalid")
        if self.categories_enabled and trigger.get("category_id") not in self.categories:
            return invalid("category_id", "Category: can't be found")
        return None

"""Where Zendesk's OpenAPI description falls short of Zendesk's documented API: the one list, each with its source.

The contract check (zendesk_contract.py) applies these to the description before it
checks a request. Add a gap only with the documentation page it rests on; a request
that needs an undocumented one is a wrong request, to be fixed in the service.
"""

from dataclasses import dataclass

DOCS = "https://developer.zendesk.com"
TICKETS = f"{DOCS}/api-reference/ticketing/tickets/tickets/"
MANAGING = f"{DOCS}/documentation/ticketing/managing-tickets/creating-and-updating-tickets/"
SCHEDULES = f"{DOCS}/api-reference/ticketing/ticket-management/schedules/"
FIELDS = f"{DOCS}/api-reference/ticketing/tickets/ticket_fields/"
WEBHOOKS = f"{DOCS}/api-reference/webhooks/webhooks-api/webhooks/"
VIEWS = f"{DOCS}/api-reference/ticketing/business-rules/views/"
FORMS = f"{DOCS}/api-reference/ticketing/tickets/ticket_forms/"
OAUTH_CLIENTS = f"{DOCS}/api-reference/ticketing/oauth/oauth_clients/"
GRANT_TOKENS = f"{DOCS}/api-reference/ticketing/oauth/grant_type_tokens/"
PKCE = f"{DOCS}/documentation/api-basics/authentication/oauth-pkce/"
# A client as Create Client's example writes it (name and identifier; user_id, which the description requires, is
# who created it, set by Zendesk).
CLIENT_INPUT = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "identifier": {"type": "string"},
        "kind": {"type": "string"},
        "redirect_uri": {"type": "array", "items": {"type": "string"}},
        "description": {"type": "string"},
        "company": {"type": "string"},
    },
}
# Create Token for Grant Type's parameters, "formatted as JSON" (its page's table and its example, which sends
# code_verifier with PKCE).
TOKEN_REQUEST = {
    "type": "object",
    "required": ["grant_type", "client_id"],
    "properties": {
        name: {"type": kind}
        for name, kind in (
            ("grant_type", "string"),
            ("code", "string"),
            ("client_id", "string"),
            ("client_secret", "string"),
            ("redirect_uri", "string"),
            ("scope", "string"),
            ("code_verifier", "string"),
            ("expires_in", "integer"),
            ("refresh_token_expires_in", "integer"),
            ("refresh_token", "string"),
        )
    },
}
APPS = f"{DOCS}/api-reference/ticketing/apps/apps/"
TALK_NUMBERS = f"{DOCS}/api-reference/voice/talk-api/phone_numbers/"
# A view is written with `all`, `any` and `output` ("Create View": "View input"), and read back as
# `conditions` and `execution`.
VIEW_INPUT = {
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "description": {"type": "string"},
        "active": {"type": "boolean"},
        "position": {"type": "integer"},
        "restriction": {"type": "object", "nullable": True},
        "all": {"type": "array", "items": {"type": "object"}},
        "any": {"type": "array", "items": {"type": "object"}},
        "output": {
            "type": "object",
            "properties": {
                "columns": {"type": "array"},
                "group_by": {},
                "group_order": {"type": "string"},
                "sort_by": {},
                "sort_order": {"type": "string"},
            },
        },
    },
}


@dataclass(frozen=True)
class Gap:
    """Replace what the description holds at `pointer` (a JSON pointer) by `value` (or what `value(description)`
    returns), as `page` documents."""

    pointer: str
    value: object
    page: str
    why: str
    document: int = 0  # 0: the Support API's description, 1: the Webhooks API's


def _operation(operation_id: str, *params: str) -> dict:
    """A GET operation the description lacks, with its query parameters (strings)."""
    return {
        "get": {
            "operationId": operation_id,
            "parameters": [{"name": name, "in": "query", "schema": {"type": "string"}} for name in params],
        }
    }


def _body(name: str, schema: str) -> dict:
    """A JSON request body `{name: <schema>}` the description leaves out."""
    return {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": [name],
                    "properties": {name: {"$ref": f"#/components/schemas/{schema}"}},
                }
            }
        }
    }


def _partial(schema: str):
    """The schema without its required properties: an update sends only what changes."""
    return lambda description: {
        key: value for key, value in description["components"]["schemas"][schema].items() if key != "required"
    }


def _bulk_ticket(description: dict) -> dict:
    """Update Many Tickets' bulk body: one ticket's changes, and tags added to or removed from each ticket."""
    changes = dict(description["components"]["schemas"]["TicketUpdateInput"]["properties"])
    changes |= {
        "additional_tags": {"type": "array", "items": {"type": "string"}},
        "remove_tags": {"type": "array", "items": {"type": "string"}},
    }
    return {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["ticket"],
                    "properties": {"ticket": {"type": "object", "properties": changes}},
                }
            }
        }
    }


def _json(operation_id: str, properties: dict, required: tuple[str, ...] = ()) -> dict:
    """A write operation the description lacks, with its JSON body (an object of these properties)."""
    schema = {"type": "object", "properties": properties, "required": list(required)}
    return {"operationId": operation_id, "requestBody": {"content": {"application/json": {"schema": schema}}}}


ID = {"anyOf": [{"type": "integer"}, {"type": "string"}]}  # the page's examples send ids as strings too
SETTINGS = {"type": "object", "additionalProperties": True}  # "formatted as a flat object"
NULLABLE_ID = {"type": "integer", "nullable": True}
# Update Ticket's properties, also reached by Create Ticket (its allOf includes them).
UPDATE = "/components/schemas/TicketUpdateInput/properties"

PATCHES = (
    Gap(
        f"{UPDATE}/custom_fields/items",
        {
            "type": "object",
            "required": ["id", "value"],
            "properties": {"id": {"type": "integer"}, "value": {"nullable": True}},
        },
        f"{MANAGING}#setting-custom-field-values",
        'items are {"id": <int>, "value": <any>}; the description reuses the ticket-field definition',
    ),
    Gap(
        "/components/schemas/FollowerObject/properties/user_id",
        {"type": "integer"},
        f"{MANAGING}#setting-followers",
        "a number in every documented example; the description says string",
    ),
    Gap(f"{UPDATE}/assignee_id", NULLABLE_ID, f"{TICKETS}#updating-tickets", "null unassigns"),
    Gap(f"{UPDATE}/group_id", NULLABLE_ID, f"{TICKETS}#updating-tickets", "null removes the group"),
    Gap(
        f"{UPDATE}/additional_collaborators/items",
        {
            "anyOf": [
                {"type": "integer"},
                {"type": "string", "format": "email"},
                {"$ref": "#/components/schemas/CollaboratorObject"},
            ]
        },
        f"{MANAGING}#setting-collaborators",
        "numeric ids, emails or {name, email} objects (the property's own description says so; its items "
        "allow objects only)",
    ),
    Gap(
        "/components/schemas/TicketCreateInput/allOf/1/properties/requester",
        {
            "type": "object",
            "required": ["email"],
            "properties": {"locale_id": {"type": "integer"}, "name": {"type": "string"}, "email": {"type": "string"}},
        },
        f"{TICKETS}#creating-a-ticket-with-a-new-requester",
        "a new requester by name and email",
    ),
    Gap(
        "/paths/~1api~1v2~1ticket_fields/post/requestBody",
        _body("ticket_field", "TicketFieldObject"),
        f"{FIELDS}#create-ticket-field",
        'Create Ticket Field takes {"ticket_field": {...}}; no body is described',
    ),
    Gap(
        "/components/schemas/TicketFieldUpdate",
        _partial("TicketFieldObject"),
        f"{FIELDS}#update-ticket-field",
        "an update names only what changes (the page's example sends a title alone)",
    ),
    Gap(
        "/paths/~1api~1v2~1ticket_fields~1{ticket_field_id}/put/requestBody",
        _body("ticket_field", "TicketFieldUpdate"),
        f"{FIELDS}#update-ticket-field",
        'Update Ticket Field takes {"ticket_field": {...}}; no body is described',
    ),
    Gap(
        "/paths/~1api~1v2~1users~1{user_id}~1group_memberships",
        _operation("ListUserGroupMemberships"),
        f"{DOCS}/api-reference/ticketing/groups/group_memberships/#list-memberships",
        "a user's memberships: the description folds the documented paths into /api/v2/group_memberships",
    ),
    Gap(
        "/paths/~1api~1v2~1business_hours~1schedules",
        _operation("ListSchedules"),
        f"{SCHEDULES}#list-schedules",
        "the schedules API is documented but absent",
    ),
    Gap(
        "/paths/~1api~1v2~1business_hours~1schedules~1{schedule_id}",
        _operation("ShowSchedule"),
        f"{SCHEDULES}#show-schedule",
        "the schedules API is documented but absent",
    ),
    Gap(
        "/paths/~1api~1v2~1business_hours~1schedules~1{schedule_id}~1holidays",
        _operation("ListHolidays"),
        f"{SCHEDULES}#list-holidays-for-a-schedule",
        "the schedules API is documented but absent",
    ),
    Gap(
        "/paths/~1api~1v2~1channels~1voice~1phone_numbers",
        _operation("ListPhoneNumbers"),
        f"{TALK_NUMBERS}#list-phone-numbers",
        "the Talk API is documented apart from the Support API's description",
    ),
    Gap(
        "/paths/~1api~1v2~1tickets~1update_many/put/requestBody",
        _bulk_ticket,
        f"{TICKETS}#update-many-tickets",
        'bulk mode: {"ticket": {…}} applied to every ticket in ?ids=, with additional_tags and remove_tags '
        "(the only way to change a closed ticket's tags: the Tags page); no body is described",
    ),
    Gap(
        "/components/schemas/WebhookTestRequest",
        {
            "type": "object",
            "required": ["request"],
            "properties": {
                "request": {
                    "type": "object",
                    "properties": {
                        "endpoint": {"type": "string"},
                        "http_method": {"type": "string"},
                        "request_format": {"type": "string"},
                        "payload": {"type": "string"},
                        "headers": {"type": "array"},
                    },
                }
            },
        },
        f"{WEBHOOKS}#test-webhook",
        "the page's example sends {\"request\": {endpoint, http_method, request_format, payload}} (as Zenpy 2.0.57's "
        'webhooks.test does); this hand-written description says "webhook"',
        document=1,
    ),
    Gap(
        "/paths/~1api~1v2~1views/post/requestBody",
        {
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["view"],
                        "properties": {"view": dict(VIEW_INPUT, required=["title"])},
                    }
                }
            }
        },
        f"{VIEWS}#create-view",
        'Create View takes {"view": {title, all, any, output …}}; no body is described',
    ),
    Gap(
        "/paths/~1api~1v2~1views~1{view_id}/put/requestBody",
        {
            "content": {
                "application/json": {
                    "schema": {"type": "object", "required": ["view"], "properties": {"view": VIEW_INPUT}}
                }
            }
        },
        f"{VIEWS}#update-view",
        'Update View takes {"view": {…}} as Create View does; no body is described',
    ),
    Gap(
        "/components/schemas/TicketFormUpdate",
        _partial("TicketFormObject"),
        f"{FORMS}#update-ticket-form",
        "an update names only what changes (e.g. ticket_field_ids)",
    ),
    Gap(
        "/paths/~1api~1v2~1ticket_forms~1{ticket_form_id}/put/requestBody",
        _body("ticket_form", "TicketFormUpdate"),
        f"{FORMS}#update-ticket-form",
        'Update Ticket Form takes {"ticket_form": {...}}; no body is described',
    ),
    Gap(
        "/paths/~1api~1v2~1oauth~1clients/post/requestBody",
        {
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["client"],
                        "properties": {"client": dict(CLIENT_INPUT, required=["name", "identifier"])},
                    }
                }
            }
        },
        f"{OAUTH_CLIENTS}#create-client",
        'Create Client takes {"client": {name, identifier, kind, redirect_uri …}}; no body is described',
    ),
    Gap(
        "/paths/~1api~1v2~1oauth~1clients~1{oauth_client_id}/put/requestBody",
        {
            "content": {
                "application/json": {
                    "schema": {"type": "object", "required": ["client"], "properties": {"client": CLIENT_INPUT}}
                }
            }
        },
        f"{OAUTH_CLIENTS}#update-client",
        'Update Client takes {"client": {...}}; no body is described',
    ),
    Gap(
        "/paths/~1oauth~1tokens/post/requestBody",
        {"content": {"application/json": {"schema": TOKEN_REQUEST}}},
        f"{GRANT_TOKENS}#create-token-for-grant-type",
        "the parameters are a table in the operation's text, code_verifier in its example; no body is described",
    ),
    Gap(
        "/paths/~1oauth~1authorizations~1new",
        _operation(
            "OAuthAuthorizationPage",
            "response_type",
            "client_id",
            "redirect_uri",
            "scope",
            "state",
            "code_challenge",
            "code_challenge_method",
        ),
        PKCE,
        "the authorization page of the authorization code grant (step 1: the browser is sent there), with the "
        "PKCE parameters; a page for people rather than an API operation, so not described",
    ),
    # The Apps API (`escalator app install`, `check`) is documented but absent from the description.
    Gap(
        "/paths/~1api~1v2~1apps~1owned",
        _operation("ListOwnedApps"),
        f"{APPS}#list-owned-apps",
        "the Apps API is documented but absent",
    ),
    Gap(
        "/paths/~1api~1v2~1apps~1uploads",
        {
            "post": {
                "operationId": "UploadAppPackage",
                "requestBody": {
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["uploaded_data"],
                                "properties": {"uploaded_data": {"type": "string", "format": "binary"}},
                            }
                        }
                    }
                },
            }
        },
        f"{APPS}#upload-app-package",
        "the zip as the multipart field uploaded_data (curl -F uploaded_data=@…)",
    ),
    Gap(
        "/paths/~1api~1v2~1apps",
        {
            "post": _json(
                "CreateApp",
                {"name": {"type": "string"}, "short_description": {"type": "string"}, "upload_id": ID},
                ("upload_id",),
            )
        },
        f"{APPS}#create-app",
        'Create App takes {"name", "short_description", "upload_id"} and answers {"job_id"}',
    ),
    Gap(
        "/paths/~1api~1v2~1apps~1{app_id}",
        {
            "put": _json(
                "UpdateApp",
                {"name": {"type": "string"}, "short_description": {"type": "string"}, "upload_id": ID},
                ("upload_id",),
            )
        },
        f"{APPS}#update-app",
        'Update App takes an upload_id (the page\'s example also a name and short_description) and answers {"job_id"}',
    ),
    Gap(
        "/paths/~1api~1v2~1apps~1job_statuses~1{job_status_id}",
        _operation("ShowAppJobStatus"),
        f"{APPS}#get-job-status",
        "a build's status: queued, working, completed (with app_id), failed or killed (with a message)",
    ),
    Gap(
        "/paths/~1api~1v2~1apps~1installations",
        {
            **_operation("ListAppInstallations", "include"),
            "post": _json(
                "InstallApp",
                {"app_id": ID, "settings": SETTINGS, "enabled": {"type": "boolean"}},
                ("app_id", "settings"),
            ),
        },
        f"{APPS}#install-app",
        'Install App takes {"app_id", "settings": {flat}}; List App Installations takes include=app',
    ),
    Gap(
        "/paths/~1api~1v2~1apps~1installations~1{app_installation_id}",
        {"put": _json("UpdateAppInstallation", {"settings": SETTINGS, "enabled": {"type": "boolean"}})},
        f"{APPS}#update-app-installation",
        'Update App Installation takes {"settings": {flat}}',
    ),
)

# Paths are written without `.json` in the description; Zendesk serves both forms.
JSON_SUFFIX_PAGE = f"{DOCS}/api-reference/introduction/requests/"

# Pagination and sort parameters, documented once for every list endpoint ("Pagination"), rarely declared.
PAGINATION = frozenset(
    {"page[size]", "page[after]", "page[before]", "per_page", "page", "sort", "sort_by", "sort_order"}
)
PAGINATION_PAGE = f"{DOCS}/api-reference/introduction/pagination/"

# Sideloads (`include`) documented in prose per endpoint ("Side-loading" and each endpoint's page).
SIDELOADING = f"{DOCS}/documentation/ticketing/using-the-zendesk-api/side_loading/"
TICKET_SIDELOADS = frozenset(
    {
        "users",
        "groups",
        "organizations",
        "last_audits",
        "metric_sets",
        "dates",
        "sharing_agreements",
        "comment_count",
        "incident_counts",
        "ticket_forms",
        "metric_events",
        "slas",
    }
)
SIDELOADS = {
    "ShowTicket": (TICKET_SIDELOADS, SIDELOADING),
    "TicketsShowMany": (TICKET_SIDELOADS, SIDELOADING),
    "IncrementalTicketExportCursor": (
        TICKET_SIDELOADS,
        f"{DOCS}/api-reference/ticketing/ticket-management/incremental_exports/#sideloading",
    ),
    "ListTicketComments": (frozenset({"users"}), f"{DOCS}/api-reference/ticketing/tickets/ticket_comments/"),
    "ListAuditsForTicket": (
        frozenset({"users", "groups", "organizations", "tickets"}),
        f"{DOCS}/api-reference/ticketing/tickets/ticket_audits/#list-audits-for-a-ticket",
    ),
    "IncrementalTicketEvents": (
        frozenset({"comment_events"}),
        f"{DOCS}/api-reference/ticketing/ticket-management/incremental_exports/#incremental-ticket-event-export",
    ),
}

"""`escalator setup` against the fake Zendesk: what goes on the wire, on a first run, a second, a dry run."""

import json
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import SECRET, sample
from support.databases import open_inbox
from support.fake_admin import FakeAdmin, serve
from support.fake_audits import AuditEndpoints
from support.fake_webhooks import REFUSED, flask_server, web_page
from support.fake_zendesk import INTEGRATION_USER, FakeZendesk, Fault
from support.service import AGENT, TICKET, Clock, Service

from zendesk_escalator.app import create_app
from zendesk_escalator.cli import main
from zendesk_escalator.core.policy import FieldIds
from zendesk_escalator.errors import ZendeskAdminError
from zendesk_escalator.ops.setup import run_setup
from zendesk_escalator.schemas.webhooks import TRIGGER_BODY_TEMPLATE
from zendesk_escalator.settings import Settings
from zendesk_escalator.zendesk.client import build_admin

URL = "https://esc.example.com/webhooks/zendesk"
MOVED = "https://moved.example.com/webhooks/zendesk"
EXAMPLE = str(Path(__file__).parents[2] / "examples" / "escalation.toml")
TITLES = [
    "ticket created",
    "customer update",
    "escalation requested",
    "impact level 2",
    "impact level 3",
    "escalation lifecycle",
]


@pytest.fixture
def service(tmp_path, policy):
    """The service's web app at an address, holding SECRET (what the fake gives a new webhook as its secret)."""
    settings = Settings(webhook_secrets=(SECRET,), database_url=f"sqlite:///{tmp_path}/service.db")
    return flask_server(create_app(settings, policy, open_inbox(settings.database_url)).test_client())


@pytest.fixture
def zendesk(fake_server, service):
    """A fresh fake admin API, the service answering at URL: start(**FakeAdmin options)."""
    network = {URL: service, MOVED: service}
    return lambda **options: serve(fake_server, FakeAdmin(**{"network": network, "new_secret": SECRET, **options}))


@pytest.fixture
def unset(policy):
    """The policy before setup: no field ids yet."""
    return replace(policy, fields=FieldIds())


def set_up(fake, policy, url=URL, dry_run=False, secrets=(), code=0, client_secret_set=False):
    settings = Settings(subdomain="acme", email="bot@acme.example", api_token="t0ken", api_url=fake.url)
    admin = build_admin(settings)
    assert run_setup(admin, policy, url, dry_run, secrets, ("zendesk_escalator", client_secret_set)) == code
    return admin.session


def writes(fake, since: int = 0) -> list:
    """What was sent to change something: (method, path, JSON body); Zendesk's webhook tests change nothing."""
    return [
        (r.method, r.path, r.body)
        for r in fake.requests[since:]
        if r.method != "GET" and r.path != "/api/v2/webhooks/test"
    ]


def test_first_run_creates_everything_with_the_documented_trigger_body(zendesk, unset, capsys):
    fake = zendesk()
    session = set_up(fake, unset)
    sent = writes(fake)
    fields = [body["ticket_field"] for method, path, body in sent if path == "/api/v2/ticket_fields.json"]
    assert [(f["type"], f["title"]) for f in fields] == [
        ("tagger", "Escalation status"),
        ("integer", "Escalation level"),
        ("text", "Escalation reason"),
        ("text", "Escalated at"),
    ]
    assert fields[0]["custom_field_options"] == [
        {"name": "Escalation active", "value": "escalation_active"},
        {"name": "Escalation requested", "value": "escalation_requested"},
        {"name": "Escalation monitoring", "value": "escalation_monitoring"},
        {"name": "Escalation closed", "value": "escalation_closed"},
    ]
    (webhook,) = [body["webhook"] for method, path, body in sent if path == "/api/v2/webhooks"]
    assert {k: webhook[k] for k in ("endpoint", "http_method", "request_format", "subscriptions")} == {
        "endpoint": URL,
        "http_method": "POST",
        "request_format": "json",
        "subscriptions": ["conditional_ticket_events"],
    }
    admin_api = fake.endpoints[0]
    (webhook_id,), (category_id,) = admin_api.webhooks, admin_api.categories
    triggers = [body["trigger"] for method, path, body in sent if path == "/api/v2/triggers.json"]
    assert [t["title"] for t in triggers] == [f"zendesk-escalator: {title}" for title in TITLES]
    for trigger in triggers:
        assert trigger["category_id"] == category_id
        assert trigger["actions"][0]["value"][0] == webhook_id
        assert json.loads(trigger["actions"][0]["value"][1]) == TRIGGER_BODY_TEMPLATE
    (client,) = [body["client"] for method, path, body in sent if path == "/api/v2/oauth/clients.json"]
    assert client == {
        "name": "zendesk-escalator dashboard",
        "identifier": "zendesk_escalator",
        "kind": "confidential",
        "redirect_uri": ["https://esc.example.com/dashboard/login/callback"],
        "description": "Sign in to the escalations dashboard of zendesk-escalator (reads who you are).",
    }
    # fields, webhooks, forms, views, OAuth clients, categories, definitions, secret, a test before and after the
    # webhook; no trigger list
    assert session.total == 8 + 2 + len(sent)
    out = capsys.readouterr().out
    status_id = next(f["id"] for f in admin_api.fields.values() if f["title"] == "Escalation status")
    assert f"[fields]\nstatus = {status_id}\n" in out
    assert f"ZENDESK_WEBHOOK_SECRET={SECRET}" in out
    (made,) = admin_api.clients.values()
    assert f"  created    oauth     zendesk_escalator [{made['id']}]" in out
    assert f"Zendesk shows it this once:\n  ZENDESK_OAUTH_CLIENT_SECRET={made['secret']}\n" in out


def test_second_run_finds_everything_and_writes_nothing(zendesk, unset, capsys):
    fake = zendesk()
    set_up(fake, unset)
    before = len(fake.requests)
    session = set_up(fake, unset, client_secret_set=True)
    assert fake.requests[before:] and writes(fake, before) == []
    assert (
        session.total == 10
    )  # fields, webhooks, forms, views, clients, categories, definitions, triggers, secret, test
    out = capsys.readouterr().out.split("zendesk-escalator setup for")[2]
    assert out.count("unchanged") == 4 + 1 + 1 + 1 + 1 + len(TITLES) and "  created " not in out  # fields, view …
    assert "ZENDESK_OAUTH_CLIENT_SECRET is set" in out and "ZENDESK_OAUTH_CLIENT_SECRET=" not in out


def test_while_no_client_secret_is_set_setup_asks_zendesk_for_a_new_one(zendesk, unset, capsys):
    fake = zendesk()
    set_up(fake, unset)
    before = len(fake.requests)
    set_up(fake, unset)
    (client,) = fake.endpoints[0].clients.values()
    assert writes(fake, before) == [("PUT", f"/api/v2/oauth/clients/{client['id']}/generate_secret.json", None)]
    out = capsys.readouterr().out.split("zendesk-escalator setup for")[2]
    assert f"ZENDESK_OAUTH_CLIENT_SECRET={client['secret']}\n" in out
    assert out.endswith("Zendesk API calls: 11 (9 reads, 1 webhook test, 1 writes)\n")


def test_a_new_endpoint_updates_the_webhook_and_adds_its_callback_to_the_oauth_client(zendesk, unset):
    fake = zendesk()
    set_up(fake, unset)
    before = len(fake.requests)
    set_up(fake, unset, url="https://moved.example.com/webhooks/zendesk", client_secret_set=True)
    (webhook_id,), (client_id,) = fake.endpoints[0].webhooks, fake.endpoints[0].clients
    assert writes(fake, before) == [
        (
            "PUT",
            f"/api/v2/oauth/clients/{client_id}.json",
            {
                "client": {
                    "redirect_uri": [
                        "https://esc.example.com/dashboard/login/callback",
                        "https://moved.example.com/dashboard/login/callback",
                    ]
                }
            },
        ),
        (
            "PATCH",
            f"/api/v2/webhooks/{webhook_id}",
            {"webhook": {"endpoint": "https://moved.example.com/webhooks/zendesk"}},
        ),
    ]


def test_dry_run_sends_no_write_and_says_what_it_would_do(zendesk, unset, capsys):
    fake = zendesk()
    set_up(fake, unset, dry_run=True)
    assert writes(fake) == []
    out = capsys.readouterr().out
    assert "DRY RUN" in out and out.count("  create ") == 4 + 1 + 1 + 1 + 1 + len(TITLES)  # fields, view, client …
    assert (
        f"Webhook test: Zendesk reached the service at {URL} (its 401 to this unsigned test is expected: the "
        f"webhook's signing secret exists once setup creates it)"
    ) in out  # no webhook yet, so no signature
    set_up(fake, unset)
    before = len(fake.requests)
    set_up(fake, unset, url="https://moved.example.com/webhooks/zendesk", dry_run=True)
    assert writes(fake, before) == []
    assert "  update     webhook   zendesk-escalator" in capsys.readouterr().out


def test_the_admins_field_options_are_kept_when_ours_is_added(zendesk, policy):
    status = {
        "id": 360010000001,
        "type": "tagger",
        "title": "Escalation",
        "active": True,
        "removable": True,
        "custom_field_options": [
            {"id": 5, "name": "Active", "value": "escalation_active"},
            {"id": 6, "name": "Watching", "value": "escalation_watch"},
        ],
    }
    fake = zendesk(fields=[status])
    set_up(fake, policy)
    (put,) = [body for method, path, body in writes(fake) if path == "/api/v2/ticket_fields/360010000001.json"]
    assert put == {
        "ticket_field": {
            "custom_field_options": [
                {"name": "Active", "value": "escalation_active"},
                {"name": "Watching", "value": "escalation_watch"},
                {"name": "Escalation requested", "value": "escalation_requested"},
                {"name": "Escalation monitoring", "value": "escalation_monitoring"},
                {"name": "Escalation closed", "value": "escalation_closed"},
            ]
        }
    }


def test_loop_guard_falls_back_to_update_via_and_says_so(zendesk, unset, capsys):
    fake = zendesk(offers_integration_user=False)
    set_up(fake, unset)
    triggers = [body["trigger"] for method, path, body in writes(fake) if path == "/api/v2/triggers.json"]
    via = {"field": "current_via_id", "operator": "is_not", "value": "5"}
    assert all(
        via in t["conditions"]["all"]
        and all(c["field"] != "role" or c["value"] == "end_user" for c in t["conditions"]["all"])
        for t in triggers
    )
    assert "does not offer the integration user (900000000001)" in capsys.readouterr().out


def test_without_an_integration_user_in_the_policy_the_credentials_user_is_guarded(zendesk, unset):
    fake = zendesk()
    session = set_up(fake, replace(unset, integration_user_id=None))
    assert session.calls[("GET", "/api/v2/users/me.json", 200)] == 1
    (created, *_) = [body["trigger"] for method, path, body in writes(fake) if path == "/api/v2/triggers.json"]
    assert {"field": "role", "operator": "is_not", "value": str(INTEGRATION_USER)} in created["conditions"]["all"]


def test_an_account_without_trigger_categories(zendesk, unset, capsys):
    fake = zendesk(categories_enabled=False)
    set_up(fake, unset)
    set_up(fake, unset)
    triggers = fake.endpoints[0].triggers.values()
    assert len(triggers) == len(TITLES) and all(t["category_id"] is None for t in triggers)
    assert "Trigger categories are not enabled" in capsys.readouterr().out


def test_a_secret_already_set_is_not_printed_again(zendesk, policy, capsys):
    fake = zendesk()
    set_up(fake, policy)
    capsys.readouterr()
    set_up(fake, policy, secrets=(SECRET, "old"))
    out = capsys.readouterr().out
    assert "already holds this webhook's secret" in out and "ZENDESK_WEBHOOK_SECRET=" not in out


def test_403_says_the_user_is_not_an_admin(zendesk, unset):
    fake = zendesk()
    fake.users[INTEGRATION_USER]["role"] = "agent"
    with pytest.raises(ZendeskAdminError) as caught:
        set_up(fake, unset)
    assert caught.value.request == "POST /api/v2/ticket_fields.json" and "must be an admin" in str(caught.value)


def test_422_shows_zendesks_details_through_the_command(zendesk, monkeypatch, capsys):
    taken = {
        "id": 42,
        "type": "tagger",
        "title": "Old escalation",
        "active": True,
        "removable": True,
        "custom_field_options": [{"id": 7, "name": "Active", "value": "escalation_active"}],
    }
    fake = zendesk(fields=[taken])
    for key, value in {
        "ZENDESK_SUBDOMAIN": "acme",
        "ZENDESK_EMAIL": "bot@acme.example",
        "ZENDESK_API_TOKEN": "t",
        "ZENDESK_API_URL": fake.url,
    }.items():
        monkeypatch.setenv(key, value)
    assert main(["setup", "--url", URL, "--rules", EXAMPLE]) == 1
    assert capsys.readouterr().err.strip().splitlines()[-1] == (  # before it, the service's own log line
        "escalator: POST /api/v2/ticket_fields.json: Zendesk rejected the request (422): Zendesk says: "
        "base: Tag escalation_active is already used by another field"
    )


@pytest.mark.parametrize(
    "url",
    [
        "esc.example.com",
        "https://esc.example.com/webhooks/zendesk/",
        "https://esc.example.com/webhooks/zendesk?x=1",
        "https:///webhooks/zendesk",
    ],
)
def test_a_url_that_is_not_the_webhook_address_is_refused_before_any_call(zendesk, unset, url):
    fake = zendesk()
    with pytest.raises(Exception, match="ending in /webhooks/zendesk"):
        set_up(fake, unset, url=url)
    assert fake.requests == []


def test_a_plain_http_address_is_set_up_with_a_warning(zendesk, unset, service, capsys):
    plain = "http://esc.example.com/webhooks/zendesk"
    set_up(zendesk(network={plain: service}), unset, url=plain, dry_run=True)
    assert "Warning: http:// sends every webhook, ticket data included, unencrypted" in capsys.readouterr().out


def test_setup_refuses_an_address_zendesk_will_not_call_or_where_the_service_does_not_answer(zendesk, unset, capsys):
    for url, network, says in [
        (
            "https://127.0.0.1:8000/webhooks/zendesk",
            {},
            "Zendesk refuses to call https://127.0.0.1:8000/webhooks/"
            "zendesk (Invalid endpoint URL — The endpoint must be a public "
            "address): Zendesk calls only public addresses",
        ),
        (
            URL,
            {URL: web_page(404, "<h1>Not Found</h1>")},
            f"{URL} answered 404 (<h1>Not Found</h1>), not as the service answers",
        ),
    ]:
        fake = zendesk(network=network)
        set_up(fake, unset, url=url, code=1)
        assert writes(fake) == [] and [r.path for r in fake.requests][-1] == "/api/v2/webhooks/test"
        out = capsys.readouterr().out
        assert f"Webhook test: {says}" in out and out.rstrip().endswith("Nothing was changed.")


def test_triggers_wait_until_zendesk_reaches_the_service_with_the_webhooks_signature(zendesk, unset, service, capsys):
    fake = zendesk(network={URL: REFUSED})  # the service does not run yet (it needs the secret setup prints)
    set_up(fake, unset, code=1)
    made = {path for method, path, body in writes(fake)}
    # the fields, the view, the OAuth client and the webhook; no category, no trigger calls it yet
    assert made == {
        "/api/v2/ticket_fields.json",
        "/api/v2/views.json",
        "/api/v2/oauth/clients.json",
        "/api/v2/webhooks",
    }
    out = capsys.readouterr().out
    assert "  held back  trigger   zendesk-escalator: customer update" in out
    assert (
        "Webhook test: Zendesk cannot reach the service at https://esc.example.com/webhooks/zendesk: it got 503 ("
        in out
    )
    assert (
        "Triggers held back: what they send would be lost until Zendesk reaches the service. Put the values "
        "below where the service runs, (re)start it, then run `escalator setup` again."
    ) in out
    assert f"ZENDESK_WEBHOOK_SECRET={SECRET}" in out
    fake.endpoints[0].tester.network[URL] = service  # started, with the secret
    before = len(fake.requests)
    set_up(fake, unset)
    assert [
        body["trigger"]["title"] for method, path, body in writes(fake, before) if path == "/api/v2/triggers.json"
    ] == [f"zendesk-escalator: {title}" for title in TITLES]
    assert "Webhook test: Zendesk's test reached the service at " in capsys.readouterr().out


def test_a_working_webhook_is_not_moved_to_an_address_where_the_service_does_not_answer(zendesk, unset, capsys):
    fake = zendesk()
    set_up(fake, unset)
    before = len(fake.requests)
    set_up(fake, unset, url="https://gone.example.com/webhooks/zendesk", code=1)
    assert writes(fake, before) == []
    test = fake.requests[-1]
    assert (test.path, test.query) == ("/api/v2/webhooks/test", {"webhook_id": next(iter(fake.endpoints[0].webhooks))})
    assert (
        "Webhook test: Zendesk cannot reach the service at https://gone.example.com/webhooks/zendesk"
        in capsys.readouterr().out
    )


FORMS = [
    {
        "id": 360000001,
        "name": "Default Ticket Form",
        "default": True,
        "active": True,
        "position": 0,
        "ticket_field_ids": [34, 35],
    },
    {"id": 360000002, "name": "Billing", "default": False, "active": True, "position": 1, "ticket_field_ids": [35, 34]},
    {
        "id": 360000003,
        "name": "Old returns",
        "default": False,
        "active": False,
        "position": 2,
        "ticket_field_ids": [34],
    },
]


def test_the_escalation_fields_go_on_every_active_form_and_agents_get_the_shared_view(zendesk, unset, capsys):
    fake = zendesk(forms=FORMS)
    set_up(fake, unset)
    admin_api = fake.endpoints[0]
    ours = [f["id"] for f in admin_api.fields.values() if f.get("removable")]  # status, level, reason, escalated at
    puts = {path: body for method, path, body in writes(fake) if path.startswith("/api/v2/ticket_forms/")}
    assert puts == {
        "/api/v2/ticket_forms/360000001.json": {"ticket_form": {"ticket_field_ids": [34, 35, *ours]}},
        "/api/v2/ticket_forms/360000002.json": {"ticket_form": {"ticket_field_ids": [35, 34, *ours]}},
    }
    (view,) = [body["view"] for method, path, body in writes(fake) if path == "/api/v2/views.json"]
    status, level, reason, escalated_at = ours
    assert view == {
        "title": "Escalations",
        "active": True,
        "description": "Open escalations (active or monitoring), by level, oldest first. "
        "Written by zendesk-escalator setup.",
        "all": [
            {"field": "status", "operator": "less_than", "value": "closed"},
            {"field": "current_tags", "operator": "includes", "value": "escalated"},
        ],
        "any": [],
        "output": {
            "columns": [
                "nice_id",
                "description",
                "organization",
                "assignee",
                "priority",
                level,
                status,
                escalated_at,
                "created",
                "updated",
            ],
            "group_by": level,
            "group_order": "desc",
            "sort_by": escalated_at,
            "sort_order": "asc",
        },
    }
    assert "restriction" not in view  # shared with every agent
    out = capsys.readouterr().out
    assert "  updated    form      Default Ticket Form [360000001]" in out
    assert "(adds Escalation status, Escalation level, Escalation reason, Escalated at)" in out
    before = len(fake.requests)
    set_up(fake, unset, client_secret_set=True)
    assert writes(fake, before) == []  # a second run changes nothing


def test_a_dry_run_lists_the_forms_it_would_change_and_a_changed_view_is_put_back(zendesk, policy, capsys):
    fake = zendesk(
        forms=FORMS,
        fields=[
            {"id": fid, "type": kind, "title": title, "active": True, "removable": True}
            for fid, kind, title in [
                (360010000002, "integer", "Escalation level"),
                (360010000003, "text", "Escalation reason"),
                (360010000004, "text", "Escalated at"),
            ]
        ],
    )
    set_up(fake, policy, dry_run=True)
    out = capsys.readouterr().out
    assert "  update     form      Billing [360000002]" in out and "Old returns" not in out
    assert "(adds Escalation status, Escalation level, Escalation reason, Escalated at)" in out
    assert "  create     view      Escalations" in out and writes(fake) == []
    set_up(fake, policy)
    (view,) = fake.endpoints[0].views.values()
    view["conditions"]["all"].pop()  # an admin's edit: every open ticket
    before = len(fake.requests)
    set_up(fake, policy, client_secret_set=True)
    assert [(method, path) for method, path, body in writes(fake, before)] == [
        ("PUT", f"/api/v2/views/{view['id']}.json")
    ]
    assert view["conditions"]["all"][1] == {"field": "current_tags", "operator": "includes", "value": "escalated"}


def test_an_account_that_lists_no_ticket_forms_is_set_up_without_them(zendesk, unset, capsys):
    fake = zendesk(forms=FORMS, forms_enabled=False)
    set_up(fake, unset)
    assert not any(path.startswith("/api/v2/ticket_forms/") for method, path, body in writes(fake))
    assert "Ticket forms: Zendesk would not list them (403)" in capsys.readouterr().out


@pytest.mark.parametrize("categories", [True, False])
def test_setup_remove_takes_away_what_setup_made_and_keeps_the_fields_unless_asked(
    zendesk, unset, monkeypatch, capsys, categories
):
    admins_view = {
        "id": 42,
        "title": "Escalations",
        "description": "Our own",
        "active": True,
        "conditions": {"all": [], "any": []},
        "execution": {},
    }
    admins_trigger = {
        "id": 43,
        "title": "Notify managers",
        "active": True,
        "category_id": None,
        "conditions": {"all": [], "any": []},
        "actions": [],
    }
    fake = zendesk(forms=FORMS, views=[admins_view], triggers=[admins_trigger], categories_enabled=categories)
    set_up(fake, unset)
    admin_api = fake.endpoints[0]
    ours = [f["id"] for f in admin_api.fields.values() if f.get("removable")]
    for key, value in {
        "ZENDESK_SUBDOMAIN": "acme",
        "ZENDESK_EMAIL": "bot@acme.example",
        "ZENDESK_API_TOKEN": "t",
        "ZENDESK_API_URL": fake.url,
    }.items():
        monkeypatch.setenv(key, value)
    capsys.readouterr()
    before = len(fake.requests)
    assert main(["setup", "--remove", "--dry-run", "--rules", EXAMPLE]) == 0
    out = capsys.readouterr().out
    made = len(TITLES) + categories + 1 + 1 + 1  # the triggers, their category, the view, the client, the webhook
    assert writes(fake, before) == [] and out.count("  delete     ") == made
    assert "stop it" not in out
    assert main(["setup", "--remove", "--rules", EXAMPLE]) == 0
    deleted = [path for method, path, body in writes(fake, before) if method == "DELETE"]
    assert len(deleted) == made and deleted[-1].startswith("/api/v2/webhooks/")
    assert list(admin_api.triggers) == [43] and list(admin_api.views) == [42] and admin_api.webhooks == {}
    assert admin_api.clients == {}
    assert admin_api.categories == {}
    assert all(set(ours) <= set(form["ticket_field_ids"]) for form in admin_api.forms[:2])  # history kept
    out = capsys.readouterr().out
    assert "Kept: the escalation fields Escalation status [" in out
    assert main(["setup", "--remove", "--rules", EXAMPLE]) == 0
    assert "Nothing that setup makes was found: nothing to remove." in capsys.readouterr().out
    assert main(["setup", "--remove", "--fields", "--rules", EXAMPLE]) == 0
    assert not set(ours) & set(admin_api.fields) and not any(
        set(ours) & set(f["ticket_field_ids"]) for f in admin_api.forms
    )


def test_setup_goes_on_and_says_so_when_zendesk_cannot_run_the_test(zendesk, unset, capsys):
    fake = zendesk()
    fake.fault = lambda method, path, n: (
        Fault(503, {"error": "ServiceUnavailable"}) if path == "/api/v2/webhooks/test" else None
    )
    set_up(fake, unset)
    assert len([1 for method, path, body in writes(fake) if path == "/api/v2/triggers.json"]) == len(TITLES)
    assert (
        "Webhook test: Zendesk's webhook test could not run: Zendesk did not answer properly (503): try again "
        "later." in capsys.readouterr().out
    )


def fires(trigger: dict, tags: list[str]) -> bool:
    """Whether a trigger's tag conditions hold for a ticket with these tags (the rest: an agent's change)."""

    def holds(condition: dict) -> bool:
        if condition["field"] != "current_tags":
            return True
        listed = set(condition["value"].split())
        return bool(listed & set(tags)) if condition["operator"] == "includes" else not listed & set(tags)

    conditions = trigger["conditions"]
    return all(map(holds, conditions["all"])) and (not conditions["any"] or any(map(holds, conditions["any"])))


def test_impact_triggers_fire_again_once_the_escalation_is_closed_and_setup_repairs_older_ones(
    zendesk, unset, fake_server, policy, tmp_path
):
    fake = zendesk()
    set_up(fake, unset)
    admin_api = fake.endpoints[0]
    impact = {t["title"].split(": ")[1]: t for t in admin_api.triggers.values() if "impact" in t["title"]}
    for trigger in impact.values():  # as an earlier setup made them: stopped by any level tag at or above
        level = int(trigger["title"][-1])
        trigger["conditions"] = {
            "all": [c for c in trigger["conditions"]["all"] if c["operator"] != "not_includes"]
            + [
                {
                    "field": "current_tags",
                    "operator": "not_includes",
                    "value": " ".join(f"escalation_level_{n}" for n in (1, 2, 3) if n >= level),
                }
            ],
            "any": [],
        }
    before = len(fake.requests)
    set_up(fake, unset, client_secret_set=True)  # again, after upgrading
    assert sorted(path for method, path, body in writes(fake, before)) == sorted(
        f"/api/v2/triggers/{t['id']}.json" for t in impact.values()
    )
    level_2, level_3 = impact["impact level 2"], impact["impact level 3"]

    comments = sample("comments_cc.json")
    tickets = FakeZendesk(
        {TICKET: sample("ticket_cc.json")},
        {TICKET: comments["comments"]},
        users=comments["users"],
        endpoints=[AuditEndpoints()],
    ).start()
    service = Service(tmp_path, tickets, policy, Clock())

    def tags(*added: str) -> list[str]:
        return [*tickets.tickets[TICKET]["tags"], *added]

    def agent_adds(tag: str, note: str | None = None) -> None:
        if note:
            tickets.add_comment(TICKET, AGENT, note, public=False)
        ticket = tickets.tickets[TICKET]
        ticket["tags"] = tags(tag)
        service.post(
            {
                "ticket_id": str(TICKET),
                "updated_at": ticket["updated_at"],
                "actor_id": str(AGENT),
                "actor_role": "Agent",
                "tags": " ".join(ticket["tags"]),
                "status": ticket["status"],
            }
        )
        service.work()

    try:
        assert fires(level_2, tags("outage"))
        agent_adds("outage")
        assert "escalation_level_2" in tags() and not fires(level_2, tags("production_down"))
        assert fires(level_3, tags("data_loss"))
        agent_adds("deescalate", "Customer agreed to de-escalate.")
        assert {"escalation_closed", "escalation_level_2"} <= set(tags())  # the mirror of a closed escalation
        assert fires(level_2, tags("production_down"))  # new evidence after the close reaches the service
        agent_adds("production_down")
        assert "escalation_active" in tags() and len(tickets.puts(TICKET)) == 3
    finally:
        service.close()
        tickets.stop()


def test_a_service_refusing_the_signature_is_named_with_the_secret_it_needs(zendesk, policy, tmp_path, capsys):
    fake = zendesk()
    set_up(fake, policy, secrets=(SECRET,))  # everything made; then the service restarts without the secret
    settings = Settings(webhook_secrets=("another-secret",), database_url=f"sqlite:///{tmp_path}/other.db")
    fake.endpoints[0].tester.network[URL] = flask_server(
        create_app(settings, policy, open_inbox(settings.database_url)).test_client()
    )
    capsys.readouterr()
    set_up(fake, policy, secrets=(SECRET,), code=1)
    out = capsys.readouterr().out
    assert "held back" not in out  # nothing waited: the triggers exist, unchanged
    assert (
        "Triggers: the 6 triggers already send to the service, which refuses each webhook (401): nothing is "
        "escalated until the service holds the webhook's signing secret."
    ) in out
    assert (
        "Signing secret: the service at https://esc.example.com/webhooks/zendesk does not hold this webhook's "
        "secret. Set it in ZENDESK_WEBHOOK_SECRET where the service runs (environment or .env), then restart "
        f"the web process and run `escalator check`:\n  ZENDESK_WEBHOOK_SECRET={SECRET}"
    ) in out


def test_a_service_that_stopped_answering_is_said_to_lose_what_the_triggers_send(zendesk, policy, capsys):
    fake = zendesk()
    set_up(fake, policy, secrets=(SECRET,))
    fake.endpoints[0].tester.network[URL] = REFUSED
    capsys.readouterr()
    set_up(fake, policy, secrets=(SECRET,), code=1)
    out = capsys.readouterr().out
    assert (
        "Triggers: the 6 triggers already send to the service, which Zendesk does not reach: what they send is lost."
    ) in out and "held back" not in out
    assert "Signing secret: ZENDESK_WEBHOOK_SECRET already holds this webhook's secret." in out

"""`escalator check` against the fake Zendesk: the table's rows, the exit code, and the calls it costs."""

import copy
import re

import pytest
from conftest import EXTRA_ROUTE, SAMPLES, sample_policy
from support.databases import open_inbox
from support.fake_admin import FakeAdmin, serve
from support.fake_apps import FakeApps
from support.fake_webhooks import TLS, flask_server, json_page, web_page
from support.fake_zendesk import INTEGRATION_USER, Fault

from zendesk_escalator.app import create_app
from zendesk_escalator.ops.app_install import run_app_install
from zendesk_escalator.ops.check import CHECKS, OK, Context, Row, run_check, run_checks
from zendesk_escalator.ops.setup_triggers import desired_triggers
from zendesk_escalator.schemas.policy_file import parse_policy
from zendesk_escalator.settings import Settings
from zendesk_escalator.zendesk.apps import ZendeskApps
from zendesk_escalator.zendesk.client import build_admin

GROUPS = [
    {"id": gid, "name": name}
    for gid, name in [
        (360000000001, "Tier 2"),
        (360000000002, "Security"),
        (360000000003, "Billing"),
        (360000000004, "Key accounts"),
    ]
]
AGENTS = [
    {"id": uid, "name": name, "role": "agent", "active": True}
    for uid, name in [
        (900000000011, "Lead"),
        (900000000012, "Manager"),
        (900000000013, "Head"),
        (900000000021, "Sec lead"),
    ]
]
FIELDS = [
    {
        "id": 360010000001,
        "type": "tagger",
        "title": "Escalation status",
        "active": True,
        "custom_field_options": [
            {"id": 1, "name": "Active", "value": "escalation_active"},
            {"id": 2, "name": "Req", "value": "escalation_requested"},
        ],
    },
    {"id": 360010000002, "type": "integer", "title": "Escalation level", "active": True},
    {"id": 360010000003, "type": "text", "title": "Escalation reason", "active": True},
    {"id": 360010000004, "type": "text", "title": "Escalated at", "active": True},
    {
        "id": 360010000005,
        "type": "tagger",
        "title": "Topic",
        "active": True,
        "custom_field_options": [{"id": 3, "name": "Billing", "value": "billing"}],
    },
]
WEBHOOK = {
    "id": "01HZ0000000000000000000001",
    "name": "zendesk-escalator",
    "status": "active",
    "endpoint": "https://esc.example.com/webhooks/zendesk",
    "subscriptions": ["conditional_ticket_events"],
}
SECRET = f"secret-of-{WEBHOOK['id']}"  # what the fake's signing_secret answers
CATEGORY = {"id": "7000000100", "name": "zendesk-escalator", "position": 0}
GUARD = {"field": "role", "operator": "is_not", "value": str(INTEGRATION_USER)}
POLICY = sample_policy(EXTRA_ROUTE)
TRIGGERS = [
    {"id": 7000000200 + n, **trigger}
    for n, trigger in enumerate(  # as setup made them for this policy
        desired_triggers(POLICY, WEBHOOK["id"], CATEGORY["id"], GUARD), 1
    )
]
FORM = {"id": 360000144212, "name": "Outage", "active": True, "ticket_field_ids": [34, 35, *(f["id"] for f in FIELDS)]}
ACCOUNT = {
    "groups": GROUPS,
    "fields": FIELDS,
    "webhooks": [WEBHOOK],
    "forms": [FORM],
    "brands": [{"id": 360002783572, "name": "Acme", "active": True}],
    "organizations": [{"id": 509974, "name": "Big"}, {"id": 509975, "name": "Bigger"}],
    "categories": [CATEGORY],
    "triggers": TRIGGERS,
}


@pytest.fixture
def service(tmp_path):
    """The service's web app holding `secrets`, as it answers at the webhook's address; and its inbox."""

    def start(secrets=(SECRET,)):
        settings = Settings(webhook_secrets=secrets, database_url=f"sqlite:///{tmp_path}/service.db")
        inbox = open_inbox(settings.database_url)
        return flask_server(create_app(settings, POLICY, inbox).test_client()), inbox

    return start


@pytest.fixture
def zendesk(fake_server, service):
    """A healthy account, the service answering at its webhook's address; a test spoils what it is about."""

    def start(network=None, **changes):
        network = {WEBHOOK["endpoint"]: service()[0]} if network is None else network
        fake = serve(fake_server, FakeAdmin(**{**copy.deepcopy(ACCOUNT), **changes}, network=network), AGENTS)
        fake.endpoints.append(FakeApps())  # no sidebar app yet
        fake.groups[360000000002] = {900000000021}  # the security lead of routes[1] is in its group
        return fake

    return start


def check(tmp_path, capsys, fake, policy_text=None, **settings):
    rules = tmp_path / "policy.toml"
    rules.write_text(policy_text or (SAMPLES / "policy.toml").read_text() + EXTRA_ROUTE)
    base = Settings(
        subdomain="acme",
        email="bot@acme.example",
        api_token="t0ken",
        api_url=fake.url,
        webhook_secrets=("an-old-one", SECRET),
    )
    code = run_check(Settings(**{**base.__dict__, **settings}), str(rules), build_admin)
    lines = capsys.readouterr().out.splitlines()
    rows = {subject: status for status, subject, _ in (re.split(r"\s{2,}", line, maxsplit=2) for line in lines[:-1])}
    return code, rows, lines


def test_a_healthy_account_is_all_ok_in_one_call_per_kind(zendesk, tmp_path, capsys):
    fake = zendesk()
    code, rows, lines = check(tmp_path, capsys, fake)
    assert code == 0 and set(rows.values()) == {OK}, lines
    # policy, credentials, integration user, role, 4 groups, 5 users, a lead, 5 fields, 3 options, form, brand, 2 orgs,
    # the webhook, its test, 6 triggers (the lifecycle's too: it carries agents' de-escalations without [lifecycle])
    assert len(rows) == 4 + 4 + 5 + 1 + 5 + 3 + 1 + 1 + 2 + 1 + 1 + 6
    assert [r.path for r in fake.requests] == [
        "/api/v2/users/me.json",
        "/api/v2/groups.json",
        "/api/v2/users/show_many.json",
        "/api/v2/users/900000000021/group_memberships.json",
        "/api/v2/ticket_fields.json",
        "/api/v2/ticket_forms.json",
        "/api/v2/brands.json",
        "/api/v2/organizations/show_many.json",
        "/api/v2/webhooks",
        f"/api/v2/webhooks/{WEBHOOK['id']}/signing_secret",
        "/api/v2/webhooks/test",
        "/api/v2/trigger_categories.json",
        "/api/v2/triggers/definitions.json",
        "/api/v2/triggers.json",
        "/api/v2/apps/owned.json",
    ]
    assert fake.requests[2].query["ids"] == "900000000001,900000000011,900000000012,900000000013,900000000021"
    assert lines[-1] == "0 problem(s), 0 warning(s); Zendesk API calls: 15"


def test_each_problem_is_a_row_and_the_exit_code_says_so(zendesk, tmp_path, capsys):
    fields = copy.deepcopy(FIELDS)
    fields[0]["custom_field_options"].pop()  # no "requested" option
    fields[1]["type"] = "date"
    fake = zendesk(groups=GROUPS[:2] + GROUPS[3:], fields=fields, brands=[], forms=[dict(FORM, active=False)])
    fake.users[900000000013]["role"] = "end-user"
    del fake.users[900000000021]
    fake.users[INTEGRATION_USER]["role"] = "agent"
    code, rows, lines = check(tmp_path, capsys, fake)
    problems = {subject for subject, status in rows.items() if status == "PROBLEM"}
    assert code == 1 and problems == {
        "role",
        "group 360000000003",
        "user 900000000013",
        "user 900000000021",
        "field 360010000002",
        "field 360010000001 = escalation_requested",
        "form 360000144212",
        "brand 360002783572",
    }
    text = "\n".join(lines)
    assert "SLA warnings and breaches go unseen" in text
    assert "Head is an end-user, not an agent: cannot be assigned or follow as a lead (levels[3].followers)" in text
    assert "Escalation level is a date field; decimal or integer or text is needed (fields.level)" in text
    assert "not an option of this drop-down (field_values.requested)" in text
    assert lines[-1] == "8 problem(s), 1 warning(s); Zendesk API calls: 14"  # no lead groups read; an agent cannot test


def test_a_lead_outside_the_routes_group_is_a_problem(zendesk, tmp_path, capsys):
    fake = zendesk()
    fake.groups[360000000002] = {900000000011}
    code, rows, lines = check(tmp_path, capsys, fake)
    assert (code, rows["routes[1] lead"]) == (1, "PROBLEM")
    assert "user 900000000021 is NOT a member of group 360000000002: Zendesk would refuse" in "\n".join(lines)


def test_the_integration_user_must_be_the_user_of_the_credentials(zendesk, tmp_path, capsys):
    text = (SAMPLES / "policy.toml").read_text()
    _, rows, lines = check(
        tmp_path,
        capsys,
        zendesk(),
        text.replace("integration_user_id = 900000000001", "integration_user_id = 900000000011"),
    )
    assert rows["integration user"] == "PROBLEM"
    code, rows, lines = check(tmp_path, capsys, zendesk(), text.replace("integration_user_id = 900000000001", ""))
    assert (code, rows["integration user"], lines[-1][:26]) == (0, "WARN", "0 problem(s), 1 warning(s)")
    assert "set it to 900000000001" in "\n".join(lines)


def test_refused_credentials_stop_the_checks_after_one_call(zendesk, tmp_path, capsys):
    fake = zendesk()
    fake.fault = lambda method, path, n: Fault(401, {"error": "Couldn't authenticate you"})
    code, rows, lines = check(tmp_path, capsys, fake)
    assert code == 1 and len(fake.requests) == 1
    assert lines[1].startswith("PROBLEM  credentials") and "Zendesk refused the credentials (401)" in lines[1]
    assert lines[2].split()[:3] == ["PROBLEM", "the", "rest"]


def test_a_bad_policy_is_the_only_row_and_costs_no_call(zendesk, tmp_path, capsys):
    fake = zendesk()
    code, rows, lines = check(tmp_path, capsys, fake, '[escalation]\naddresses = "nobody"\n')
    assert code == 1 and fake.requests == []
    assert lines[0].startswith("PROBLEM  policy") and "escalation.addresses: Not a valid list." in lines[0]


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            'warn_before = "30m"',
            'warn_before = "99999999999999999999d"',
            "sla.warn_before: too long",
        ),  # was an OverflowError
        (
            'holidays = ["2026-12-24..2026-12-26", "2027-01-01"]',
            'holidays = ["2027-01-01", "9999-12-31"]',
            "schedules.office.holidays[2]: '9999-12-31': holidays fall in the years 1970 to 2999",
        ),  # was an OverflowError
        (
            '# note_template = "Escalated',
            'note_template = "Costs $ 5"\n# "',
            "escalation.note_template: Invalid placeholder",
        ),
        (
            'phrases = ["production down", "production is down", "prod is down"]',
            'phrases = " "',
            "impact[2].when.phrases[1]: ' ' has no word in it",
        ),
    ],
)
def test_check_refuses_what_would_fail_at_run_time_naming_the_key(zendesk, tmp_path, capsys, old, new, message):
    example = (SAMPLES.parent.parent / "examples" / "escalation.toml").read_text()
    assert old in example
    fake = zendesk()
    code, rows, lines = check(tmp_path, capsys, fake, example.replace(old, new, 1))
    assert (code, rows, fake.requests) == (1, {"policy": "PROBLEM"}, [])
    assert message in lines[0]


def test_without_credentials_only_the_policy_is_checked(zendesk, tmp_path, capsys):
    fake = zendesk()
    code, rows, lines = check(tmp_path, capsys, fake, api_token=None)
    assert (code, rows, fake.requests) == (1, {"policy": "OK", "credentials": "PROBLEM"}, [])


def test_later_checks_join_the_list(zendesk):
    fake = zendesk()
    settings = Settings(subdomain="acme", email="bot@acme.example", api_token="t0ken", api_url=fake.url)
    ctx = Context(parse_policy((SAMPLES / "policy.toml").read_text()), build_admin(settings))
    schedules = lambda ctx: [Row(OK, "schedule", f"read by {ctx.me['id']}")]  # noqa: E731
    rows = run_checks(ctx, [*CHECKS[:1], schedules])
    assert [row.subject for row in rows] == ["credentials", "schedule"]
    assert len(fake.requests) == 1  # users/me read once for both


LIFECYCLE_POLICY = """
[lifecycle]
cadence = { high = "8h" }
cadence_schedule = "zendesk"

[[lifecycle.owners]]
user_id = 900000000031

[report]
ticket_id = 35436
"""


def test_owners_lifecycle_values_the_account_schedule_and_the_report_ticket_are_checked(zendesk, tmp_path, capsys):
    owner = {"id": 900000000031, "name": "Olga Owner", "role": "agent", "active": True}
    fake = zendesk(schedules=[{"id": 1, "name": "Office", "time_zone": "Europe/Berlin"}])
    fake.users[owner["id"]] = owner
    fake.tickets[35436] = {"id": 35436, "subject": "Daily escalation status", "status": "open"}
    text = (SAMPLES / "policy.toml").read_text() + EXTRA_ROUTE + LIFECYCLE_POLICY
    code, rows, lines = check(tmp_path, capsys, fake, text)
    assert rows["user 900000000031"] == OK
    assert rows["field 360010000001 = escalation_monitoring"] == "PROBLEM"  # the drop-down lacks the lifecycle's
    assert rows["field 360010000001 = escalation_closed"] == "PROBLEM"  # values: `setup` adds them
    assert rows["zendesk schedule"] == OK and rows["ticket 35436"] == OK
    assert code == 1

    fake.tickets[35436]["status"] = "closed"
    fake.endpoints[0].schedules.clear()
    code, rows, lines = check(tmp_path, capsys, fake, text)
    assert rows["zendesk schedule"] == "PROBLEM" and rows["ticket 35436"] == "PROBLEM"
    assert any("is closed: it takes no note" in line for line in lines)


HAND_MADE = {
    "id": "01GZ0000000000000000000010",
    "name": "Escalator (0.1.0)",
    "status": "active",
    "endpoint": "https://ESC.example.com:443/webhooks/zendesk/",
    "subscriptions": ["conditional_ticket_events"],
}


@pytest.mark.parametrize(
    "secrets, webhooks, status, says",
    [
        (("not-it",), [WEBHOOK], "PROBLEM", "ZENDESK_WEBHOOK_SECRET does not hold this webhook's signing secret"),
        ((), [WEBHOOK], "PROBLEM", "ZENDESK_WEBHOOK_SECRET is not set here"),
        ((SECRET,), [dict(WEBHOOK, status="inactive")], "PROBLEM", "inactive: Zendesk calls nothing"),
        (
            (SECRET,),
            [],
            "PROBLEM",
            "missing: no webhook named zendesk-escalator, so Zendesk sends the service nothing; run `escalator setup`",
        ),
        (
            (f"secret-of-{HAND_MADE['id']}",),
            [HAND_MADE],
            "WARN",
            "made by hand, signs with a secret of ZENDESK_WEBHOOK_SECRET: not checked",
        ),
    ],
)
def test_the_webhook_must_sign_with_a_secret_the_service_holds(
    zendesk, tmp_path, capsys, secrets, webhooks, status, says
):
    code, rows, lines = check(tmp_path, capsys, zendesk(webhooks=webhooks), webhook_secrets=secrets)
    webhook_lines = [line for line in lines if re.match(r"^\S+\s+webhook", line)]
    assert any(line.startswith(status) and says in line for line in webhook_lines), webhook_lines
    assert code == (1 if status == "PROBLEM" else 0)


def row_detail(lines: list[str], subject: str) -> str:
    """The detail of the row about `subject`."""
    return next(
        re.split(r"\s{2,}", line, maxsplit=2)[2] for line in lines if re.match(rf"^\S+\s+{re.escape(subject)}\s", line)
    )


def test_a_missing_field_or_option_row_names_the_fix(zendesk, tmp_path, capsys):
    fields = [f for f in copy.deepcopy(FIELDS) if f["id"] not in (360010000002, 360010000005)]
    fields[0]["custom_field_options"].pop()  # no "requested" option
    code, rows, lines = check(tmp_path, capsys, zendesk(fields=fields))
    assert row_detail(lines, "field 360010000002") == (
        "not found (fields.level): run `escalator setup`, which creates the field and prints its id for [fields], "
        "or correct the id"
    )
    assert row_detail(lines, "field 360010000005") == (
        "not found (routes[2].when.fields): correct the id (Admin Center > Objects and rules > Tickets > Fields "
        "shows each field's id)"
    )
    assert row_detail(lines, "field 360010000001 = escalation_requested") == (
        "not an option of this drop-down (field_values.requested): run `escalator setup`, which adds it (the "
        "field's other options stay)"
    )
    fields = copy.deepcopy(FIELDS)
    fields[4]["custom_field_options"][0]["value"] = "invoices"
    code, rows, lines = check(tmp_path, capsys, zendesk(fields=fields))
    assert row_detail(lines, "field 360010000005 = billing") == (
        "not an option of this drop-down (routes[2].when.fields): add it to the field in Admin Center > Objects and "
        "rules > Tickets > Fields, or correct the value"
    )


def test_every_row_numbers_a_policy_list_from_1_by_its_place_in_the_file(zendesk, tmp_path, capsys):
    text = (SAMPLES / "policy.toml").read_text()
    levels = text[text.index("[[levels]]") : text.index("# Functional escalation")]
    level_3_first = (
        '[[levels]]\nlevel = 3\nname = "head"\nfollowers = [900000000013]\n\n'
        "[[levels]]\nlevel = 1\nfollowers = [900000000011]\n\n"
        "[[levels]]\nlevel = 2\nfollowers = [900000000012]\n\n"
    )
    code, rows, lines = check(tmp_path, capsys, zendesk(), text.replace(levels, level_3_first) + EXTRA_ROUTE)
    assert row_detail(lines, "user 900000000013") == "Head (agent) (levels[1].followers)"
    assert not any(re.search(r"\w\.\d", line) for line in lines[1:]), lines  # never impact.0 style


def test_a_trigger_setup_made_that_is_deleted_deactivated_or_edited_is_a_problem_with_its_fix(
    zendesk, tmp_path, capsys
):
    triggers = copy.deepcopy(TRIGGERS)
    del triggers[0]  # ticket created
    triggers[0]["active"] = False  # customer update
    triggers[1]["conditions"]["all"] = triggers[1]["conditions"]["all"][:1]  # escalation requested, on every change
    triggers[2]["actions"][0]["value"][0] = "01HZ0000000000000000000999"  # impact level 2 calls another webhook
    code, rows, lines = check(tmp_path, capsys, zendesk(triggers=triggers))
    assert code == 1
    assert row_detail(lines, "trigger ticket created") == (
        "missing: new tickets (emailed to or CC'ing an escalation address, or with an impact tag) never reach the "
        "service; `escalator setup` creates it again"
    )
    assert row_detail(lines, "trigger customer update") == (
        'inactive [7000000202]: customers\' replies (a CC of an escalation address, "production down") never reach '
        "the service; `escalator setup` activates it"
    )
    assert row_detail(lines, "trigger escalation requested") == (
        "edited [7000000203] (conditions differ from what setup makes): agents' requests for escalation may no "
        "longer reach the service; `escalator setup` restores it"
    )
    assert row_detail(lines, "trigger impact level 2").startswith("edited [7000000204] (actions differ")
    assert (rows["trigger impact level 3"], lines[-1][:27]) == (OK, "4 problem(s), 0 warning(s);")


EVERY_UPDATE = {
    "id": 360001,
    "title": "Escalator: every update",
    "active": True,
    "category_id": "1",
    "conditions": {"all": [{"field": "update_type", "operator": "is", "value": "Change"}], "any": []},
    "actions": [{"field": "notification_webhook", "value": [HAND_MADE["id"], '{"ticket_id": "{{ticket.id}}"}']}],
}


def test_another_webhook_or_trigger_calling_the_service_is_named_to_deactivate(zendesk, tmp_path, capsys):
    own_trigger = {
        **copy.deepcopy(EVERY_UPDATE),
        "id": 360002,
        "title": "Tell the escalator about urgent tickets",
        "actions": [{"field": "notification_webhook", "value": [WEBHOOK["id"], "{}"]}],
    }
    off = {**copy.deepcopy(HAND_MADE), "id": "01GZ0000000000000000000011", "status": "inactive"}
    elsewhere = {
        **copy.deepcopy(HAND_MADE),
        "id": "01GZ0000000000000000000012",
        "endpoint": "https://crm.example.com/hook",
    }
    fake = zendesk(
        webhooks=[WEBHOOK, HAND_MADE, off, elsewhere],
        triggers=[*TRIGGERS, EVERY_UPDATE, own_trigger],
        categories=[CATEGORY, {"id": "1", "name": "Notifications"}],
    )
    code, rows, lines = check(tmp_path, capsys, fake)
    assert code == 0 and lines[-1][:27] == "0 problem(s), 2 warning(s);"
    assert row_detail(lines, f"webhook {HAND_MADE['id']}") == (
        '"Escalator (0.1.0)" also calls the service (trigger 360001 "Escalator: every update"): each change is '
        "sent to it again; deactivate it and its triggers in Admin Center > Apps and integrations > Webhooks and "
        "Admin Center > Objects and rules > Triggers"
    )
    assert row_detail(lines, "trigger 360002") == (
        '"Tell the escalator about urgent tickets" is not one of setup\'s but calls the service too: each change it '
        "matches is sent again; deactivate it in Admin Center > Objects and rules > Triggers"
    )
    assert f"webhook {off['id']}" not in rows and f"webhook {elsewhere['id']}" not in rows


@pytest.mark.parametrize(
    "at_the_address, status, says",
    [
        (
            "the service",
            OK,
            "Zendesk's test reached the service at https://esc.example.com/webhooks/zendesk: 200, signature accepted",
        ),
        (
            "another secret",
            "PROBLEM",
            "which answered 401 (signature does not match): its ZENDESK_WEBHOOK_SECRET does "
            "not hold the webhook's signing secret, so it refuses every webhook",
        ),
        (
            TLS,
            "PROBLEM",
            "Zendesk cannot reach the service at https://esc.example.com/webhooks/zendesk: it got 503 "
            "(upstream connect error",
        ),
        ("nothing", "PROBLEM", "it got 503 (DNS resolution failure). Is the service running"),
        ("a web page", "PROBLEM", "answered 404 (<h1>Not Found</h1>), not as the service answers"),
        (
            "release 0.1.0",
            "WARN",
            "Zendesk reached the service at https://esc.example.com/webhooks/zendesk, which "
            "answered 400 (Missing data for required field.)",
        ),
    ],
)
def test_zendesk_itself_must_reach_the_service_and_pass_its_signature(
    zendesk, service, tmp_path, capsys, at_the_address, status, says
):
    app, inbox = service(secrets=("another-secret",) if at_the_address == "another secret" else (SECRET,))
    server = {
        "the service": app,
        "another secret": app,
        TLS: TLS,
        "a web page": web_page(404, "<h1>Not Found</h1>"),
        "release 0.1.0": json_page(
            400, {"error": "bad_payload", "field": "ticket_id", "message": "Missing data for required field."}
        ),
    }
    network = {WEBHOOK["endpoint"]: server[at_the_address]} if at_the_address in server else {}
    fake = zendesk(network=network)
    code, rows, lines = check(tmp_path, capsys, fake)
    assert rows["webhook test"] == status and says in row_detail(lines, "webhook test")
    (test,) = [r for r in fake.requests if r.path == "/api/v2/webhooks/test"]
    assert test.query == {"webhook_id": WEBHOOK["id"]} and test.body == {
        "request": {
            "endpoint": WEBHOOK["endpoint"],
            "http_method": "POST",
            "request_format": "json",
            "payload": '{"test": "zendesk-escalator"}',
        }
    }
    (sent,) = fake.endpoints[0].tester.delivered
    assert sent[2]["X-Zendesk-Webhook-Signature"]  # signed as the webhook signs
    assert inbox.rows() == []  # a test escalates nothing


def test_a_private_address_is_refused_by_zendesk_and_a_failing_test_is_a_warning(zendesk, tmp_path, capsys):
    private = dict(WEBHOOK, endpoint="https://10.1.2.3/webhooks/zendesk")
    code, rows, lines = check(tmp_path, capsys, zendesk(webhooks=[private]))
    assert rows["webhook test"] == "PROBLEM" and row_detail(lines, "webhook test") == (
        "Zendesk refuses to call https://10.1.2.3/webhooks/zendesk (Invalid endpoint URL — The endpoint must be a "
        "public address): Zendesk calls only public addresses, not localhost or a private network"
    )
    fake = zendesk()
    fake.fault = lambda method, path, n: (
        Fault(429, {"error": "TooManyRequests"}, {"retry-after": "30"}) if path == "/api/v2/webhooks/test" else None
    )
    code, rows, lines = check(tmp_path, capsys, fake)
    assert (code, rows["webhook test"]) == (0, "WARN")
    assert row_detail(lines, "webhook test") == (
        "Zendesk's webhook test could not run: Zendesk's rate limit was reached (429): try again in 30 seconds."
    )


def test_a_form_agents_use_without_the_status_field_is_a_warning(zendesk, tmp_path, capsys):
    billing = {"id": 360000144213, "name": "Billing", "active": True, "ticket_field_ids": [34, 35]}
    retired = dict(billing, id=360000144214, active=False)
    code, rows, lines = check(tmp_path, capsys, zendesk(forms=[FORM, billing, retired]))
    assert (code, rows["form 360000144213"]) == (0, "WARN") and "form 360000144214" not in rows
    assert row_detail(lines, "form 360000144213") == (
        '"Billing" does not show the escalation status field (360010000001): agents on it cannot ask for escalation '
        "with it (the request tag still works); `escalator setup` adds it"
    )


APP_TOKEN = "app-token-0123456789-0123456789-abcdef"


def installed_app(fake, token: str = APP_TOKEN) -> int:
    """The sidebar app installed as `escalator app install` installs it; its installation's id."""
    settings = Settings(subdomain="acme", email="bot@acme.example", api_token="t0ken", api_url=fake.url)
    run_app_install(
        ZendeskApps(build_admin(settings).session, 2.0),
        "https://esc.example.com",
        token,
        "bot@acme.example",
        False,
        lambda seconds: None,
    )
    return next(iter(fake.endpoints[-1].installations))


@pytest.mark.parametrize(
    "installed, token, status, detail",
    [
        (None, None, None, None),  # no app, no token: nothing to say
        (None, APP_TOKEN, "WARN", "ESCALATOR_APP_TOKEN is set but the app is not installed"),
        (APP_TOKEN, None, "PROBLEM", "installed, but ESCALATOR_APP_TOKEN is not set here"),
        (APP_TOKEN, "another-app-token-0123456789-012345", "PROBLEM", "holds another token than ESCALATOR_APP_TOKEN"),
        (APP_TOKEN, APP_TOKEN, "OK", "installed for https://esc.example.com, with the token of ESCALATOR_APP_TOKEN"),
    ],
)
def test_the_sidebar_app_needs_the_services_token_once_installed(
    zendesk, tmp_path, capsys, installed, token, status, detail
):
    fake = zendesk()
    subject = f"sidebar app {installed_app(fake, installed)}" if installed else "sidebar app"
    capsys.readouterr()
    code, rows, lines = check(tmp_path, capsys, fake, app_token=token)
    assert rows.get(subject) == status, lines
    if detail:
        assert any(detail in line for line in lines if subject in line)
    assert code == (1 if status == "PROBLEM" else 0)


def test_after_setup_remove_check_fails_naming_what_is_missing(zendesk, tmp_path, capsys):
    code, rows, lines = check(tmp_path, capsys, zendesk(webhooks=[], categories=[], triggers=[]))
    assert code == 1 and (rows["webhook"], rows["triggers"]) == ("PROBLEM", "PROBLEM")
    assert row_detail(lines, "triggers") == (
        "missing: none of setup's triggers call the service, so no ticket change reaches it; run `escalator setup`"
    )


CLIENT = {
    "id": 7000000900,
    "identifier": "zendesk_escalator",
    "name": "zendesk-escalator dashboard",
    "kind": "confidential",
    "secret": "oauth-secret-of-7000000900-1",
    "redirect_uri": ["https://esc.example.com/dashboard/login/callback"],
}


@pytest.mark.parametrize(
    "clients, secret, status, says",
    [
        ([CLIENT], CLIENT["secret"], OK, "[7000000900]: Zendesk accepts ZENDESK_OAUTH_CLIENT_SECRET as its secret"),
        (
            [CLIENT],
            "an-old-secret",
            "PROBLEM",
            "Zendesk refuses ZENDESK_OAUTH_CLIENT_SECRET as this client's secret "
            "(401: Client authentication failed.): sign-in with Zendesk fails; unset "
            "it, run `escalator setup` (it prints a new one), set that where the "
            "service runs and restart it",
        ),
        (
            [],
            CLIENT["secret"],
            "PROBLEM",
            "not found in Zendesk (ZENDESK_OAUTH_CLIENT_ID): sign-in with Zendesk fails; "
            "`escalator setup` creates it and prints its secret",
        ),
        (
            [dict(CLIENT, redirect_uri=["https://old.example.com/dashboard/login/callback"])],
            CLIENT["secret"],
            "PROBLEM",
            "[7000000900] does not list https://esc.example.com/dashboard/login/callback among its redirect URLs: "
            "Zendesk "
            "refuses the sign-in; `escalator setup` adds it",
        ),
    ],
)
def test_the_oauth_client_exists_takes_the_secret_and_the_services_callback(
    zendesk, tmp_path, capsys, clients, secret, status, says
):
    fake = zendesk(oauth_clients=clients)
    code, rows, lines = check(tmp_path, capsys, fake, oauth_client_secret=secret)
    assert rows["oauth client zendesk_escalator"] == status
    assert any(says in line for line in lines if line.startswith(f"{status} ") and "oauth client" in line), lines
    assert code == (0 if status == OK else 1)
    assert not fake.endpoints[0].tokens  # no token was made


def test_without_a_client_secret_set_here_the_oauth_client_is_not_checked(zendesk, tmp_path, capsys):
    fake = zendesk(oauth_clients=[CLIENT])
    code, rows, lines = check(tmp_path, capsys, fake)
    assert "oauth client zendesk_escalator" not in rows and code == 0
    assert "/api/v2/oauth/clients.json" not in [r.path for r in fake.requests]


def test_a_policy_edited_since_the_service_started_is_said_to_need_a_restart(zendesk, tmp_path, capsys):
    from zendesk_escalator.wiring import build_pool

    rules = tmp_path / "policy.toml"
    rules.write_text((SAMPLES / "policy.toml").read_text() + EXTRA_ROUTE)
    database = f"sqlite:///{tmp_path}/service.db"
    settings = Settings(rules_path=str(rules), database_url=database)
    inbox = open_inbox(database)
    inbox.database.migrate()
    build_pool(settings, POLICY, inbox, 1)  # the service starts with this file
    fake = zendesk()
    code, rows, lines = check(tmp_path, capsys, fake, database_url=database)
    assert code == 0 and "policy applied" not in rows
    code, rows, lines = check(
        tmp_path,
        capsys,
        fake,
        (SAMPLES / "policy.toml").read_text() + EXTRA_ROUTE + "\n# edited\n",
        database_url=database,
    )
    assert rows["policy applied"] == "WARN" and code == 0
    assert row_detail(lines, "policy applied").startswith(f"{rules} changed since the service started with it (")
    assert row_detail(lines, "policy applied").endswith(
        "): restart the web and worker processes to apply it (and run `escalator setup` first when its impact tags, "
        "levels, request tag, status values or [lifecycle] changed)"
    )

"""`escalator check` of the way in: the webhook, setup's triggers, Zendesk reaching the service, callers, forms."""

import copy
import re

import pytest
from support.check_account import CATEGORY, FORM, SECRET, TRIGGERS, WEBHOOK, check, row_detail
from support.fake_webhooks import TLS, json_page, web_page
from support.fake_zendesk import Fault

from zendesk_escalator.ops.check import OK

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
    zendesk,
    tmp_path,
    capsys,
    secrets,
    webhooks,
    status,
    says,
):
    code, rows, lines = check(tmp_path, capsys, zendesk(webhooks=webhooks), webhook_secrets=secrets)
    webhook_lines = [line for line in lines if re.match(r"^\S+\s+webhook", line)]
    assert any(line.startswith(status) and says in line for line in webhook_lines), webhook_lines
    assert code == (1 if status == "PROBLEM" else 0)


def test_a_trigger_setup_made_that_is_deleted_deactivated_or_edited_is_a_problem_with_its_fix(
    zendesk,
    tmp_path,
    capsys,
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
    zendesk,
    service,
    tmp_path,
    capsys,
    at_the_address,
    status,
    says,
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

"""`escalator setup --remove` at the HTTP layer (responses): what setup made is deleted, triggers first and the
webhook last; a dry run deletes nothing; the fields stay unless asked for; an admin's own objects are left alone."""

import pytest
import responses
from conftest import API

from zendesk_escalator.ops.setup_remove import run_remove
from zendesk_escalator.zendesk.client import build_admin

NAME = "zendesk-escalator"
OURS = f"{NAME}: ticket created"
WEBHOOK = {"id": "01HW", "name": NAME, "subscriptions": ["conditional_ticket_events"]}
FIELD = {"id": 360010000001, "type": "tagger", "title": "Escalation status", "active": True}


@pytest.fixture
def account():
    """An account where setup ran, with an admin's own trigger and view, and an event webhook of the same name,
    beside setup's."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as answers:
        answers.get(f"{API}/ticket_fields.json", json={"ticket_fields": [FIELD]})
        answers.get(f"{API}/trigger_categories.json", json={"trigger_categories": [{"id": "70", "name": NAME}]})
        answers.get(
            f"{API}/triggers.json", json={"triggers": [{"id": 81, "title": OURS}, {"id": 82, "title": "Notify VIP"}]}
        )
        answers.get(
            f"{API}/views/search.json",
            json={
                "views": [
                    {"id": 91, "title": "Escalations", "description": f"Open escalations. Written by {NAME} setup."},
                    {"id": 92, "title": "Escalations", "description": "The team's own"},
                ]
            },
        )
        answers.get(f"{API}/oauth/clients.json", json={"clients": [{"id": 61, "identifier": "zendesk_escalator"}]})
        answers.get(
            f"{API}/webhooks",
            json={"webhooks": [{"id": "01HX", "name": NAME, "subscriptions": ["ticket.created"]}, WEBHOOK]},
        )
        for path in ("triggers/81.json", "trigger_categories/70.json", "views/91.json", "oauth/clients/61.json"):
            answers.delete(f"{API}/{path}", status=204)
        answers.delete(f"{API}/webhooks/01HW", status=204)
        answers.delete(f"{API}/ticket_fields/360010000001.json", status=204)
        yield answers


def deleted(answers) -> list[str]:
    return [call.request.url.removeprefix(API) for call in answers.calls if call.request.method == "DELETE"]


def test_what_setup_made_is_deleted_in_the_order_it_can_go_and_the_fields_stay(account, settings, policy, capsys):
    assert run_remove(build_admin(settings), policy, dry_run=False, with_fields=False) == 0
    assert deleted(account) == [
        "/triggers/81.json",
        "/trigger_categories/70.json",
        "/views/91.json",
        "/oauth/clients/61.json",
        "/webhooks/01HW",
    ]
    out = capsys.readouterr().out
    assert "Kept: the escalation fields Escalation status [360010000001]" in out
    assert "Zendesk no longer calls the service" in out


def test_with_fields_the_fields_go_last(account, settings, policy):
    run_remove(build_admin(settings), policy, dry_run=False, with_fields=True)
    assert deleted(account)[-1] == "/ticket_fields/360010000001.json" and len(deleted(account)) == 6


def test_a_dry_run_lists_what_it_would_delete_and_deletes_nothing(account, settings, policy, capsys):
    assert run_remove(build_admin(settings), policy, dry_run=True, with_fields=True) == 0
    assert deleted(account) == []
    out = capsys.readouterr().out
    assert out.startswith(f"{NAME} setup --remove — DRY RUN: nothing will be changed")
    assert f"  delete     trigger   {OURS} [81]" in out and "ticket_fields" not in out
    assert "Zendesk no longer calls the service" not in out


def test_nothing_found_is_said_and_nothing_is_deleted(settings, policy, capsys):
    with responses.RequestsMock() as answers:
        answers.get(f"{API}/ticket_fields.json", json={"ticket_fields": []})
        answers.get(f"{API}/trigger_categories.json", json={"trigger_categories": []})
        answers.get(f"{API}/views/search.json", json={"views": []})
        answers.get(f"{API}/oauth/clients.json", json={"clients": []})
        answers.get(f"{API}/webhooks", json={"webhooks": []})
        run_remove(build_admin(settings), policy, dry_run=False, with_fields=True)
        assert deleted(answers) == []
    assert "Nothing that setup makes was found: nothing to remove." in capsys.readouterr().out

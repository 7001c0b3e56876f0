"""The admin API through the HTTP layer (responses): one request per call, pages, batches, errors in plain words."""

import pytest
import requests
import responses
from conftest import API
from responses.matchers import json_params_matcher, query_param_matcher

from zendesk_escalator.errors import ZendeskAdminError
from zendesk_escalator.zendesk.client import build_admin

# The smallest trigger Create Trigger accepts (title, conditions, actions).
TRIGGER = {
    "title": "t",
    "conditions": {"all": [{"field": "status", "operator": "is", "value": "new"}]},
    "actions": [{"field": "status", "value": "open"}],
}


@pytest.fixture
def admin(settings):
    return build_admin(settings)


def fail(admin, method, path, **answer) -> ZendeskAdminError:
    responses.add(method, f"{API}{path}", **answer)
    with pytest.raises(ZendeskAdminError) as caught:
        admin.ticket_fields() if method == "GET" else admin.create_trigger(TRIGGER)
    return caught.value


@responses.activate
def test_cursor_pages_are_followed_to_the_last(admin):
    first = {
        "groups": [{"id": 1}],
        "meta": {"has_more": True, "after_cursor": "xyz"},
        "links": {"next": "https://acme.zendesk.com/api/v2/groups.json?page%5Bafter%5D=xyz&page%5Bsize%5D=100"},
    }
    responses.get(f"{API}/groups.json", json=first, match=[query_param_matcher({"page[size]": "100"})])
    responses.get(
        f"{API}/groups.json",
        json={"groups": [{"id": 2}], "meta": {"has_more": False}, "links": {}},
        match=[query_param_matcher({"page[size]": "100", "page[after]": "xyz"})],
    )
    assert [g["id"] for g in admin.groups()] == [1, 2]
    assert admin.session.total == 2


@responses.activate
def test_show_many_asks_for_100_ids_a_call(admin):
    responses.get(f"{API}/users/show_many.json", json={"users": [{"id": 7}], "count": 1})
    assert admin.users(range(1, 151)) == [{"id": 7}, {"id": 7}]
    asked = [call.request.params["ids"].split(",") for call in responses.calls]
    assert [len(ids) for ids in asked] == [100, 50] and asked[1][-1] == "150"


@responses.activate
def test_writes_send_the_object_under_its_name_and_a_patch_answers_nothing(admin):
    responses.patch(
        f"{API}/webhooks/01HANAHFR0",
        status=204,
        match=[json_params_matcher({"webhook": {"endpoint": "https://new.example/webhooks/zendesk"}})],
    )
    assert admin.update_webhook("01HANAHFR0", {"endpoint": "https://new.example/webhooks/zendesk"}) is None
    responses.get(
        f"{API}/webhooks/01HANAHFR0/signing_secret",
        json={"signing_secret": {"secret": "wMZJU7Dlw7pd=", "algorithm": "SHA256"}},
    )
    assert admin.signing_secret("01HANAHFR0") == "wMZJU7Dlw7pd="


@responses.activate
def test_403_says_the_integration_user_must_be_an_admin(admin):
    error = fail(
        admin,
        "POST",
        "/triggers.json",
        status=403,
        json={"error": "Forbidden", "description": "You do not have access to this page."},
    )
    assert error.status == 403 and error.request == "POST /api/v2/triggers.json"
    assert "must be an admin" in str(error) and "You do not have access to this page." in str(error)


@responses.activate
def test_422_renders_zendesk_details_readably(admin):
    body = {
        "error": "RecordInvalid",
        "description": "Record validation errors",
        "details": {
            "title": [{"description": "Title: cannot be blank", "error": "BlankValue"}],
            "base": [{"description": "Notify by > Active webhook: the webhook is invalid"}],
        },
    }
    error = fail(admin, "POST", "/triggers.json", status=422, json=body)
    assert error.meaning == (
        "Zendesk rejected the request (422): Zendesk says: title: Title: cannot be blank; "
        "base: Notify by > Active webhook: the webhook is invalid"
    )


@pytest.mark.parametrize(
    "answer, words",
    [
        ({"status": 429, "headers": {"Retry-After": "12"}, "json": {}}, "try again in 12 seconds"),
        ({"status": 503, "json": {}}, "try again later"),
        ({"body": requests.ConnectTimeout("timed out")}, "try again later"),
        ({"status": 401, "json": {"error": "Couldn't authenticate you"}}, "check ZENDESK_SUBDOMAIN, ZENDESK_EMAIL"),
    ],
)
@responses.activate
def test_passing_trouble_and_bad_credentials_say_what_to_do(admin, answer, words):
    assert words in fail(admin, "GET", "/ticket_fields.json", **answer).meaning


@responses.activate
def test_an_answer_that_is_not_json_is_an_error_not_a_crash(admin):
    assert "not a JSON object" in fail(admin, "GET", "/ticket_fields.json", body="<html>login</html>").meaning


@responses.activate
def test_an_account_without_trigger_categories_has_none(admin):
    responses.get(
        f"{API}/trigger_categories.json",
        status=403,
        json={
            "errors": [
                {
                    "code": "TriggerCategoriesNotEnabled",
                    "title": "Ticket trigger categories are not enabled for your account",
                }
            ]
        },
    )
    assert admin.trigger_categories() is None
    responses.replace(responses.GET, f"{API}/trigger_categories.json", status=403, json={"error": "Forbidden"})
    with pytest.raises(ZendeskAdminError):
        admin.trigger_categories()

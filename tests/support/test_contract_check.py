"""The contract check itself: each rule fires with a message naming it, both doors see requests, each gap has a page."""

import pytest
import requests
import responses
from support import contract_check, zendesk_contract, zendesk_gaps
from support.fake_zendesk import FakeZendesk

pytestmark = pytest.mark.skipif(not zendesk_contract.available(), reason=f"{zendesk_contract.OAS} is missing")
FOLLOWERS = {"ticket": {"followers": [{"user_id": 900000000012, "action": "put"}], "assignee_id": None}}


@pytest.fixture(scope="module")
def contract():
    return zendesk_contract.contract()


@pytest.mark.parametrize(
    "method, path, query, body, rule, detail",
    [
        ("GET", "/api/v2/tickets/1/commentz.json", {}, None, "operation:", "GET /api/v2/tickets/1/commentz.json"),
        ("PATCH", "/api/v2/tickets/1.json", {}, None, "operation:", "PATCH"),
        ("GET", "/api/v2/tickets/1.json", {"inclde": ["users"]}, None, "query:", "'inclde' is neither declared"),
        ("GET", "/api/v2/tickets/1.json", {"include": ["users,sla"]}, None, "sideload:", "include=sla is not"),
        (
            "GET",
            "/api/v2/incremental/ticket_metric_events.json",
            {"start_time": ["soon"]},
            None,
            "query:",
            "declared as an integer",
        ),
        ("PUT", "/api/v2/tickets/1.json", {}, {"ticket": {"folowers": []}}, "undeclared:", "'folowers' was unexpected"),
        ("PUT", "/api/v2/tickets/1.json", {}, {"ticket": {"id": 1}}, "undeclared:", "'id' was unexpected"),
        ("PUT", "/api/v2/tickets/1.json", {}, {"ticket": {"priority": "highest"}}, "body:", "'highest' is not one of"),
        (
            "PUT",
            "/api/v2/tickets/1.json",
            {},
            {"ticket": {"custom_fields": [{"value": 1}]}},
            "body:",
            "'id' is a required property",
        ),
        ("GET", "/api/v2/users/me.json", {}, {"user": {}}, "body:", "takes no request body"),
    ],
)
def test_each_rule_names_itself_the_operation_and_the_place(contract, method, path, query, body, rule, detail):
    found = contract.problems(method, path, query, body)
    assert len(found) == 1 and found[0].startswith(rule) and detail in found[0], found


@pytest.mark.parametrize(
    "method, path, query, body",
    [
        ("PUT", "/api/v2/tickets/35436.json", {}, FOLLOWERS),  # gaps: followers' user_id a number, assignee_id null
        ("PUT", "/api/v2/tickets/35436", {}, {"ticket": {"custom_fields": [{"id": 5, "value": None}], "tags": []}}),
        ("PUT", "/api/v2/tickets/35436.json", {}, {"ticket": {"additional_collaborators": [5, "a@b.example"]}}),
        ("GET", "/api/v2/tickets/show_many.json", {"ids": ["1,2"], "include": ["slas,metric_sets"]}, None),
        ("GET", "/api/v2/tickets/9/comments.json", {"page[size]": ["100"], "sort": ["-created_at"]}, None),
        ("GET", "/api/v2/business_hours/schedules/7/holidays.json", {}, None),
        ("POST", "/api/v2/tickets.json", {}, {"ticket": {"comment": {"body": "x"}, "requester": {"email": "a@b.c"}}}),
    ],
)
def test_correct_requests_pass_gaps_included(contract, method, path, query, body):
    assert contract.problems(method, path, query, body) == []


def test_an_upload_is_checked_by_its_form_fields(contract):
    assert contract.problems("POST", "/api/v2/apps/uploads.json", {}, None, {"uploaded_data"}) == []
    misspelt = contract.problems("POST", "/api/v2/apps/uploads.json", {}, None, {"upload"})
    assert [p.split(":")[0] for p in misspelt] == ["undeclared", "body"] and "'upload' is not declared" in misspelt[0]
    assert "'uploaded_data' is required" in misspelt[1]
    assert contract.problems("PUT", "/api/v2/tickets/1.json", {}, None, {"ticket"})[0].startswith(
        "body: UpdateTicket takes no multipart/form-data body"
    )


def test_the_fake_server_checks_an_upload_by_its_fields():
    fake = FakeZendesk({}).start()
    try:
        requests.post(
            f"{fake.url}/api/v2/apps/uploads.json", files={"package": ("a.zip", b"PK", "application/zip")}, timeout=5
        )
        found = contract_check.take_problems()
    finally:
        fake.stop()
    assert len(found) == 2 and "form field 'package' is not declared" in found[0]


def test_every_gap_rests_on_a_documentation_page():
    pages = [gap.page for gap in zendesk_gaps.PATCHES] + [page for _, page in zendesk_gaps.SIDELOADS.values()]
    pages += [zendesk_gaps.PAGINATION_PAGE, zendesk_gaps.JSON_SUFFIX_PAGE]
    assert all(page.startswith("https://developer.zendesk.com/") for page in pages)
    assert all(gap.why for gap in zendesk_gaps.PATCHES)


def test_the_fake_server_checks_what_reaches_it():
    fake = FakeZendesk({}).start()
    try:
        before = contract_check.checked[contract_check.SERVER]
        requests.put(f"{fake.url}/api/v2/tickets/1.json", json={"ticket": {"folowers": []}}, timeout=5)
        assert contract_check.checked[contract_check.SERVER] == before + 1
        found = contract_check.take_problems()
    finally:
        fake.stop()
    assert len(found) == 1 and "'folowers' was unexpected" in found[0] and found[0].startswith("PUT /api/v2/tickets/1")


@responses.activate
def test_requests_in_the_test_process_are_checked_once_wherever_they_go():
    responses.get("https://acme.zendesk.com/api/v2/tickets/1.json", json={"ticket": {"id": 1}})
    before = contract_check.checked[contract_check.IN_PROCESS]
    requests.get("https://acme.zendesk.com/api/v2/tickets/1.json", params={"include": "userz"}, timeout=5)
    assert contract_check.checked[contract_check.IN_PROCESS] == before + 1
    found = contract_check.take_problems()
    assert len(found) == 1 and "sideload: include=userz" in found[0]

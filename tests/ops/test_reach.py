"""Whether Zendesk reaches the service: the webhook test Zendesk is asked to send (responses), and what each answer
it passes on means."""

import json

import pytest
import responses
from conftest import API
from responses.matchers import json_params_matcher, query_param_matcher

from zendesk_escalator.ops.reach import (
    NO_ANSWER,
    NOT_THE_SERVICE,
    REACHED,
    REFUSED,
    SERVICE_ERROR,
    SIGNATURE,
    UNTESTED,
    Reach,
    explain,
    probe,
    reach_of,
)
from zendesk_escalator.zendesk.client import build_admin

URL = "https://esc.example.com/webhooks/zendesk"
TEST = {
    "request": {
        "endpoint": URL,
        "http_method": "POST",
        "request_format": "json",
        "payload": json.dumps({"test": "zendesk-escalator"}),
    }
}


@responses.activate
def test_zendesk_is_asked_to_send_the_test_body_signed_as_the_webhook(settings):
    responses.post(
        f"{API}/webhooks/test",
        json={"response": {"status_code": 200, "payload": '{"service": "zendesk-escalator"}'}},
        match=[json_params_matcher(TEST), query_param_matcher({"webhook_id": "01HW"})],
    )
    assert probe(build_admin(settings), URL, "01HW") == Reach(REACHED, 200, '{"service": "zendesk-escalator"}')


@responses.activate
@pytest.mark.parametrize(
    "status, answer, reach",
    [
        (
            422,
            {"errors": [{"title": "Invalid endpoint", "detail": "private"}]},
            Reach(REFUSED, None, "Invalid endpoint — private"),
        ),
        (403, {"error": "Forbidden"}, Reach(UNTESTED, None)),
    ],
)
def test_a_test_zendesk_will_not_send_is_refused_or_untested(settings, status, answer, reach):
    responses.post(f"{API}/webhooks/test", status=status, json=answer)
    found = probe(build_admin(settings), URL)
    assert (found.verdict, found.status) == (reach.verdict, reach.status)
    assert found.said == reach.said if reach.said else found.said.startswith("the integration user may not")


@pytest.mark.parametrize(
    "response, verdict, status",
    [
        ({"status_code": 200, "payload": '{"service": "zendesk-escalator"}'}, REACHED, 200),
        ({"status_code": 401, "payload": '{"error": "bad_signature", "message": "no"}'}, SIGNATURE, 401),
        ({"status_code": 400, "payload": '{"error": "bad_payload", "message": "old"}'}, SERVICE_ERROR, 400),
        ({"status_code": 200, "payload": "<html>Welcome</html>"}, NOT_THE_SERVICE, 200),
        ({"status_code": 404, "payload": "Not Found"}, NOT_THE_SERVICE, 404),
        ({"status_code": 502, "payload": "Bad Gateway"}, NO_ANSWER, 502),
        ({"status_code": 0, "payload": "connection refused"}, NO_ANSWER, None),
        ({}, NO_ANSWER, None),
    ],
)
def test_each_answer_zendesk_passes_on_has_its_verdict(response, verdict, status):
    reach = reach_of(response)
    assert (reach.verdict, reach.status) == (verdict, status)
    assert reach.service_answered is (verdict in (REACHED, SIGNATURE, SERVICE_ERROR))


def test_the_endpoints_words_are_shortened_to_one_line():
    said = reach_of({"status_code": 404, "payload": "Not\n   found " + "x" * 400}).said
    assert said.startswith("Not found xxx") and said.endswith("…") and len(said) == 300


@pytest.mark.parametrize(
    "reach, words",
    [
        (Reach(REACHED, 200), f"Zendesk's test reached the service at {URL}: 200, signature accepted"),
        (Reach(SIGNATURE, 401, "no"), "its ZENDESK_WEBHOOK_SECRET does not hold the webhook's signing secret"),
        (Reach(SERVICE_ERROR, 400, "old"), f"Zendesk reached the service at {URL}, which answered 400 (old)"),
        (Reach(NOT_THE_SERVICE, 404), "answered 404, not as the service answers"),
        (Reach(NO_ANSWER, None, "refused"), f"Zendesk cannot reach the service at {URL}: it got no answer (refused)."),
        (Reach(REFUSED, None, "private"), f"Zendesk refuses to call {URL} (private)"),
        (Reach(UNTESTED, None, "403"), "Zendesk's webhook test could not run: 403"),
    ],
)
def test_each_verdict_is_explained_with_what_to_do(reach, words):
    assert words in explain(reach, URL)

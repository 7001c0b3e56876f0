"""Teams through a Workflows webhook against the fake chat: the card posted as JSON, 202, refusals as errors."""

import socket

import pytest
from support.fake_chat import TEAMS_PATH, TEAMS_QUERY

from zendesk_escalator.chat.teams import TeamsWorkflow
from zendesk_escalator.errors import NoticeFailed

CARD = {"type": "AdaptiveCard", "version": "1.4", "body": [{"type": "TextBlock", "text": "Ticket #7 escalated"}]}
MESSAGE = {
    "type": "message",
    "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": CARD}],
}


def test_the_card_is_posted_as_json_to_the_workflows_url_and_202_is_the_answer(chat):
    assert TeamsWorkflow(chat.teams_workflow, 5).send(MESSAGE) == "202"
    (posted,) = chat.requests
    assert (posted.path, posted.query, posted.body) == (TEAMS_PATH, TEAMS_QUERY, MESSAGE)
    assert posted.headers["content-type"] == "application/json"


@pytest.mark.parametrize("status, retryable", [(502, True), (429, True), (400, False)])
def test_a_refusal_is_retried_only_when_it_is_the_workflows_trouble(chat, status, retryable):
    chat.outage = status
    with pytest.raises(NoticeFailed) as caught:
        TeamsWorkflow(chat.teams_workflow, 5).send(MESSAGE)
    assert (str(caught.value), caught.value.retryable, caught.value.status) == (
        f"teams_workflow answered {status}: upstream connect error",
        retryable,
        status,
    )


def test_a_wrong_signature_is_permanent_and_the_error_holds_the_answer_not_the_url(chat):
    url = f"{chat.url}{TEAMS_PATH}?api-version=1&sig=stale-signature"
    with pytest.raises(NoticeFailed) as caught:
        TeamsWorkflow(url, 5).send(MESSAGE)
    assert str(caught.value) == 'teams_workflow answered 404: {"error": {"code": "TriggerRequestNotFound"}}'
    assert not caught.value.retryable and "stale-signature" not in str(caught.value)


def test_no_answer_names_the_host_never_the_signature_and_is_retried():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(NoticeFailed) as caught:
        TeamsWorkflow(f"http://127.0.0.1:{port}{TEAMS_PATH}?sig=the-secret", 2).send(MESSAGE)
    assert str(caught.value).startswith("teams_workflow: no answer from 127.0.0.1 (")
    assert caught.value.retryable and "the-secret" not in str(caught.value)

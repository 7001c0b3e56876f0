"""The Apps API at the HTTP layer (responses): each call one request, the bodies Zendesk receives, what it reads."""

import json

import pytest
import responses
from conftest import API
from responses.matchers import json_params_matcher

from zendesk_escalator.zendesk.apps import ZendeskApps
from zendesk_escalator.zendesk.client import build_admin


@pytest.fixture
def apps(settings):
    with responses.RequestsMock() as answers:
        yield ZendeskApps(build_admin(settings).session, 2.0), answers


def test_the_package_is_uploaded_as_uploaded_data_in_a_zip(apps):
    client, answers = apps
    answers.post(f"{API}/apps/uploads.json", json={"id": 51})
    assert client.upload_package(b"PK\x03\x04zip", "escalator.zip") == 51
    request = answers.calls[0].request
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'name="uploaded_data"; filename="escalator.zip"' in request.body
    assert b"Content-Type: application/zip" in request.body and b"PK\x03\x04zip" in request.body


def test_a_build_is_queued_from_an_upload_for_a_new_app_and_for_an_existing_one(apps):
    client, answers = apps
    body = {"name": "Escalation", "short_description": "The escalation sidebar", "upload_id": 51}
    answers.post(f"{API}/apps.json", json={"job_id": "j1"}, match=[json_params_matcher(body)])
    answers.put(f"{API}/apps/77.json", json={"job_id": "j2"}, match=[json_params_matcher({"upload_id": 52})])
    answers.get(f"{API}/apps/job_statuses/j2.json", json={"status": "completed", "app_id": 77})
    assert client.create_app("Escalation", "The escalation sidebar", 51) == "j1"
    assert client.update_app(77, 52) == "j2"
    assert client.job_status("j2") == {"status": "completed", "app_id": 77}
    assert client.session.total == 3


def test_installing_and_updating_send_the_settings_as_a_flat_object(apps):
    client, answers = apps
    settings = {"service_url": "https://escalator.acme.example", "token": "app-token"}
    answers.post(f"{API}/apps/installations.json", json={"id": 9, "app_id": 77})
    answers.put(f"{API}/apps/installations/9.json", json={"id": 9})
    client.install(77, settings)
    client.update_installation(9, {"token": "new"})
    install, update = (json.loads(call.request.body) for call in answers.calls)
    assert install == {"app_id": 77, "settings": settings} and update == {"settings": {"token": "new"}}


def test_the_accounts_apps_and_installations_and_none_when_zendesk_lists_none(apps):
    client, answers = apps
    answers.get(f"{API}/apps/owned.json", json={"apps": [{"id": 77, "name": "Escalation"}]})
    answers.get(f"{API}/apps/installations.json", json={})
    assert client.owned_apps() == [{"id": 77, "name": "Escalation"}] and client.installations() == []

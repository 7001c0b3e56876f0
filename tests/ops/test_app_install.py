"""`escalator app install` against the fake Zendesk's Apps API: what goes on the wire on a first run, a second, a
new token, a new address, a dry run and a failed build (every request checked against Zendesk's API description)."""

import io
import json
import zipfile

import pytest
from support.fake_apps import FakeApps
from support.fake_zendesk import INTEGRATION_USER

from zendesk_escalator.cli import main
from zendesk_escalator.errors import ConfigError, EscalatorError
from zendesk_escalator.ops.app_install import fingerprint, run_app_install
from zendesk_escalator.ops.app_package import package
from zendesk_escalator.settings import Settings
from zendesk_escalator.zendesk.apps import ZendeskApps
from zendesk_escalator.zendesk.client import build_admin

URL = "https://escalator.acme.example"
TOKEN = "app-token-0123456789-0123456789-abcdef"
EMAIL = "bot@acme.example"


@pytest.fixture
def zendesk(fake_server):
    """A fresh Apps API on the module's fake (builds answer "queued" once, then completed)."""
    fake_server.requests.clear()
    fake_server.users[INTEGRATION_USER]["role"] = "admin"
    fake_server.endpoints[:] = [FakeApps()]
    return fake_server


def install(fake, url=URL, token=TOKEN, dry_run=False) -> list[float]:
    """Run `app install` against the fake; return the waits between polls of a build."""
    settings = Settings(subdomain="acme", email=EMAIL, api_token="t0ken", api_url=fake.url)
    waited = []
    assert (
        run_app_install(ZendeskApps(build_admin(settings).session, 2.0), url, token, EMAIL, dry_run, waited.append) == 0
    )
    return waited


def sent(fake, since: int = 0) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in fake.requests[since:]]


def test_a_first_run_uploads_builds_and_installs_with_the_settings_filled_in(zendesk, capsys):
    waited = install(zendesk)
    apps = zendesk.endpoints[0]
    assert sent(zendesk) == [
        ("GET", "/api/v2/apps/owned.json"),
        ("GET", "/api/v2/apps/installations.json"),
        ("POST", "/api/v2/apps/uploads.json"),
        ("POST", "/api/v2/apps.json"),
        ("GET", f"/api/v2/apps/job_statuses/{next(iter(apps.jobs))}.json"),
        ("GET", f"/api/v2/apps/job_statuses/{next(iter(apps.jobs))}.json"),
        ("POST", "/api/v2/apps/installations.json"),
    ]
    assert waited == [1.0]  # the build's retry_in, between the two polls
    upload = zendesk.requests[2].body["uploaded_data"]
    assert (upload["filename"], upload["content_type"]) == ("zendesk-escalator.zip", "application/zip")
    assert upload["data"] == package(URL, EMAIL)
    with zipfile.ZipFile(io.BytesIO(upload["data"])) as archive:
        assert json.loads(archive.read("manifest.json"))["domainWhitelist"] == ["escalator.acme.example"]
    assert zendesk.requests[3].body["name"] == "zendesk-escalator"
    ((app_id, app),) = apps.apps.items()
    installed = zendesk.requests[-1].body
    assert installed == {
        "app_id": app_id,
        "settings": {
            "name": "Escalation",
            "service_url": URL,
            "token": TOKEN,
            "token_fingerprint": fingerprint(TOKEN.encode()),
            "package_fingerprint": fingerprint(upload["data"]),
        },
    }
    ((installation_id, installation),) = apps.installations.items()
    assert apps.secure[installation_id] == {"token": TOKEN} and "token" not in installation["settings"]
    said = capsys.readouterr().out
    assert f"created    app          zendesk-escalator [{app_id}]" in said
    assert f"created    installation Escalation [{installation_id}]" in said
    assert "agents' browsers never see it" in said and TOKEN not in said
    assert "Zendesk API calls: 7 (4 reads, 3 writes)" in said


def test_a_second_run_changes_nothing(zendesk, capsys):
    install(zendesk)
    before = len(zendesk.requests)
    install(zendesk)
    assert sent(zendesk, before) == [("GET", "/api/v2/apps/owned.json"), ("GET", "/api/v2/apps/installations.json")]
    said = capsys.readouterr().out.split("sidebar app for")[-1]
    assert said.count("unchanged") == 2 and "Zendesk API calls: 2 (2 reads" in said


def test_a_new_token_updates_the_installation_only(zendesk, capsys):
    install(zendesk)
    before, rotated = len(zendesk.requests), "another-token-0123456789-0123456789"
    install(zendesk, token=rotated)
    apps = zendesk.endpoints[0]
    ((installation_id, installation),) = apps.installations.items()
    assert sent(zendesk, before)[2:] == [("PUT", f"/api/v2/apps/installations/{installation_id}.json")]
    assert (
        zendesk.requests[-1].body["settings"]["token"] == rotated and apps.secure[installation_id]["token"] == rotated
    )
    assert installation["settings"]["token_fingerprint"] == fingerprint(rotated.encode())
    assert "updated    installation Escalation" in capsys.readouterr().out.split("sidebar app for")[-1]


def test_a_new_address_builds_the_app_again_and_updates_its_settings(zendesk, capsys):
    install(zendesk)
    apps = zendesk.endpoints[0]
    ((app_id, _),) = apps.apps.items()
    before = len(zendesk.requests)
    install(zendesk, url="https://moved.acme.example")
    writes = [(method, path) for method, path in sent(zendesk, before) if method != "GET"]
    (installation_id,) = apps.installations
    assert writes == [
        ("POST", "/api/v2/apps/uploads.json"),
        ("PUT", f"/api/v2/apps/{app_id}.json"),
        ("PUT", f"/api/v2/apps/installations/{installation_id}.json"),
    ]
    assert apps.built[-1]["domainWhitelist"] == ["moved.acme.example"] and len(apps.apps) == 1
    assert apps.installations[installation_id]["settings"]["service_url"] == "https://moved.acme.example"
    said = capsys.readouterr().out.split("sidebar app for")[-1]
    assert "updated    app" in said and "(service_url, package changed)" in said


def test_a_dry_run_reads_and_changes_nothing(zendesk, capsys):
    install(zendesk, dry_run=True)
    assert sent(zendesk) == [("GET", "/api/v2/apps/owned.json"), ("GET", "/api/v2/apps/installations.json")]
    said = capsys.readouterr().out
    assert "DRY RUN" in said and "create     app          zendesk-escalator" in said
    assert "create     installation Escalation" in said
    install(zendesk)
    before = len(zendesk.requests)
    install(zendesk, token="another-token-0123456789-0123456789", dry_run=True)
    assert all(method == "GET" for method, _ in sent(zendesk, before))
    assert "update     installation Escalation" in capsys.readouterr().out.split("DRY RUN")[-1]


def test_a_failed_build_says_why_and_installs_nothing(zendesk, monkeypatch):
    monkeypatch.setattr("zendesk_escalator.ops.app_install.package", lambda url, email: b"not a zip")
    with pytest.raises(EscalatorError, match="Zendesk could not build the app: Cannot unzip the package"):
        install(zendesk)
    assert not zendesk.endpoints[0].installations


def test_without_the_app_token_nothing_is_asked_of_zendesk(zendesk):
    with pytest.raises(ConfigError) as refused:
        install(zendesk, token=None)
    assert refused.value.key == "ESCALATOR_APP_TOKEN" and zendesk.requests == []


def test_the_command_installs_with_the_settings_of_the_environment(zendesk, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for key, value in {
        "ZENDESK_SUBDOMAIN": "acme",
        "ZENDESK_EMAIL": EMAIL,
        "ZENDESK_API_TOKEN": "t0ken",
        "ZENDESK_API_URL": zendesk.url,
        "ESCALATOR_APP_TOKEN": TOKEN,
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr("zendesk_escalator.ops.app_install.time.sleep", lambda seconds: None)
    assert main(["app", "install", "--url", URL]) == 0
    assert "created    installation Escalation" in capsys.readouterr().out
    monkeypatch.delenv("ESCALATOR_APP_TOKEN")
    assert main(["app", "install", "--url", URL]) == 2
    assert "ESCALATOR_APP_TOKEN" in capsys.readouterr().err

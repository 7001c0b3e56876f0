"""Sign in with Zendesk through the public path: /dashboard/login, Zendesk's authorization page and token endpoint
(the fake's, over HTTP), the callback; who may see the dashboard; retrying a dead letter as a signed-in person."""

import html
import logging
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from conftest import sample_policy
from support.fake_oauth import OAuthEndpoints
from support.service import Service, cc_fake

from zendesk_escalator.ops.dashboard_auth import COOKIE

CLIENT_SECRET = "client-secret-0123456789abcdef"
CALLBACK = "http://localhost/dashboard/login/callback"
ADMIN = {"id": 900000000041, "name": "Ada Admin", "role": "admin", "custom_role_id": None}
AGENT = {"id": 900000000042, "name": "Alex Agent", "role": "agent", "custom_role_id": None}
LIGHT = {"id": 900000000043, "name": "Lee Light", "role": "agent", "custom_role_id": 360000123}
CUSTOMER = {"id": 900000000044, "name": "Dana Customer", "role": "end-user", "custom_role_id": None}


@pytest.fixture
def world(tmp_path, made):
    def make(roles: str = "", **settings):
        oauth = OAuthEndpoints(
            clients=[
                {
                    "id": 1,
                    "identifier": "zendesk_escalator",
                    "secret": CLIENT_SECRET,
                    "name": "zendesk-escalator dashboard",
                    "redirect_uri": [CALLBACK],
                }
            ]
        )
        fake = cc_fake(endpoints=[oauth])
        fake.users.update({user["id"]: user for user in (ADMIN, AGENT, LIGHT, CUSTOMER)})
        made.append(fake)
        policy = sample_policy((f"\n[dashboard]\nroles = {roles}\n" if roles else ""))
        service = Service(tmp_path, fake, policy, **{"oauth_client_secret": CLIENT_SECRET, **settings})
        return service, fake, oauth

    return make


def sign_in_with_zendesk(service, oauth, person: dict | None, allows: bool = True):
    """A browser at /dashboard/login, Zendesk's page (the person clicks Allow, or not), back to the callback."""
    oauth.person, oauth.allows = (person or {}).get("id"), allows
    leave = service.http.get("/dashboard/login")
    assert leave.status_code == 302
    at_zendesk = requests.get(leave.headers["Location"], allow_redirects=False, timeout=5)
    assert at_zendesk.status_code == 302
    back = urlsplit(at_zendesk.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == CALLBACK
    return service.http.get(f"{back.path}?{back.query}")


def test_an_admin_signs_in_with_zendesk_and_no_token_is_kept(world, caplog):
    service, fake, oauth = world()
    caplog.set_level(logging.INFO)
    leave = service.http.get("/dashboard/login")
    asked = parse_qs(urlsplit(leave.headers["Location"]).query)
    assert leave.headers["Location"].startswith(f"{fake.url}/oauth/authorizations/new?")
    assert {k: v[0] for k, v in asked.items() if k not in ("state", "code_challenge")} == {
        "response_type": "code",
        "client_id": "zendesk_escalator",
        "redirect_uri": CALLBACK,
        "scope": "read",
        "code_challenge_method": "S256",
    }
    landed = sign_in_with_zendesk(service, oauth, ADMIN)
    assert landed.status_code == 200 and "Signed in as Ada Admin (admin)" in landed.get_data(as_text=True)
    assert 'http-equiv="refresh" content="0; url=/dashboard"' in landed.get_data(as_text=True)
    (exchange,) = oauth.tokens
    assert {k: exchange["body"][k] for k in ("grant_type", "client_id", "client_secret", "redirect_uri", "scope")} == {
        "grant_type": "authorization_code",
        "client_id": "zendesk_escalator",
        "client_secret": CLIENT_SECRET,
        "redirect_uri": CALLBACK,
        "scope": "read",
    }
    assert exchange["body"]["expires_in"] == 360 and len(exchange["body"]["code_verifier"]) >= 43
    page = service.http.get("/dashboard")
    assert page.status_code == 200 and "signed in as Ada Admin (user 900000000041, admin)" in page.get_data(
        as_text=True
    )
    (token,) = fake.bearers
    cookie = service.http.get_cookie(COOKIE, path="/dashboard").value
    assert token not in cookie and token not in caplog.text and CLIENT_SECRET not in caplog.text
    (me,) = [r for r in fake.requests if r.path == "/api/v2/users/me.json"]
    assert me.headers["authorization"] == f"Bearer {token}"  # the user's token, not the service's credentials
    assert "Ada Admin (user 900000000041, admin) signed in with Zendesk" in caplog.text


@pytest.mark.parametrize(
    "roles, person, allowed",
    [
        ("", AGENT, False),
        ('["agent"]', AGENT, True),
        ('["agent"]', LIGHT, True),
        ("[360000123]", LIGHT, True),
        ("[360000123]", AGENT, False),
        ('["agent"]', CUSTOMER, False),
        ("", ADMIN, True),
    ],
)
def test_admins_and_the_roles_the_policy_names_see_the_dashboard(world, roles, person, allowed):
    service, _, oauth = world(roles)
    landed = sign_in_with_zendesk(service, oauth, person)
    assert landed.status_code == (200 if allowed else 403)
    assert service.http.get("/dashboard").status_code == (200 if allowed else 401)
    if not allowed:
        said = landed.get_data(as_text=True)
        assert f"signed in to Zendesk as {person['name']}" in said and "[dashboard] roles" in said


def test_a_refusal_a_forged_state_and_a_replayed_code_sign_nobody_in(world):
    service, fake, oauth = world()
    denied = sign_in_with_zendesk(service, oauth, ADMIN, allows=False)
    assert denied.status_code == 403 and "The end-user or authorization server denied" in denied.get_data(as_text=True)
    service.http.get("/dashboard/login")
    assert service.http.get("/dashboard/login/callback?code=x&state=forged").status_code == 400
    landed = sign_in_with_zendesk(service, oauth, ADMIN)
    replay = service.app.test_client().get(landed.request.full_path)  # another browser: no flow cookie
    assert replay.status_code == 400
    assert service.app.test_client().get("/dashboard").status_code == 401


def test_a_code_zendesk_refuses_is_said_plainly(world):
    service, fake, oauth = world()
    oauth.person = ADMIN["id"]
    leave = service.http.get("/dashboard/login")
    back = urlsplit(requests.get(leave.headers["Location"], allow_redirects=False, timeout=5).headers["Location"])
    oauth.codes.clear()  # used or expired meanwhile
    answer = service.http.get(f"{back.path}?{back.query}")
    assert (
        answer.status_code == 502
        and "Zendesk refused exchanging the code (400: The provided authorization grant"
        in answer.get_data(as_text=True)
    )


def test_without_the_client_secret_there_is_no_zendesk_sign_in(world):
    service, _, _ = world(oauth_client_secret=None, admin_token="admin-token-0123456789")
    answer = service.http.get("/dashboard/login")
    assert answer.status_code == 404 and "ZENDESK_OAUTH_CLIENT_SECRET" in answer.get_data(as_text=True)
    assert "Sign in with Zendesk" not in service.http.get("/dashboard").get_data(as_text=True)


def test_a_signed_in_person_retries_a_dead_letter_and_the_log_names_them(world, caplog):
    service, fake, oauth = world('["agent"]', admin_token="admin-token-0123456789")
    now = service.clock().timestamp()
    service.inbox.accept("notification", "dead-77", 77, {}, now)
    rows = service.inbox.claim("test", now, 60)
    service.inbox.bury(rows, "test", now, "ZendeskRejected: Zendesk answered 422")
    sign_in_with_zendesk(service, oauth, AGENT)
    page = service.http.get("/dashboard").get_data(as_text=True)
    form = re.search(
        rf'action="(/dashboard/dead-letters/{rows[0].id}/retry)">\s*<input type="hidden" name="csrf" '
        r'value="([^"]+)"',
        page,
    )
    assert form, "a Retry form for the dead letter"
    assert service.http.post(form.group(1), data={"csrf": "forged"}).status_code == 403
    bearer = {"Authorization": "Bearer admin-token-0123456789"}
    assert (
        service.app.test_client().post(form.group(1), data={"csrf": form.group(2)}, headers=bearer).status_code == 403
    )  # a script has no session: `escalator dead-letters retry`
    assert service.inbox.rows(row_id=rows[0].id)[0].status == "dead"
    caplog.set_level(logging.INFO)
    done = service.http.post(form.group(1), data={"csrf": form.group(2)})
    assert done.status_code == 303 and done.headers["Location"] == f"/dashboard?retried={rows[0].id}"
    assert service.inbox.rows(row_id=rows[0].id)[0].status == "pending"
    assert (
        f"dead letter {rows[0].id} (ticket 77, notification) queued again from the dashboard by Alex Agent "
        f"(user 900000000042, agent)" in caplog.text
    )
    shown = service.http.get(done.headers["Location"]).get_data(as_text=True)
    assert f"Dead letter {rows[0].id} is queued again, due now." in shown


def test_a_wrong_client_secret_is_named_on_the_page_and_in_the_log(world, caplog):
    service, fake, oauth = world(oauth_client_secret="not-the-client-secret-0123")
    answer = sign_in_with_zendesk(service, oauth, ADMIN)
    page = html.unescape(answer.get_data(as_text=True))
    assert answer.status_code == 502 and "Try again" not in page
    assert (
        "Zendesk refused the service's OAuth client zendesk_escalator (401: Client authentication failed.): "
        "ZENDESK_OAUTH_CLIENT_SECRET where the service runs is not that client's secret"
    ) in page
    assert "ZENDESK_OAUTH_CLIENT_SECRET" in caplog.text

"""Dashboard sign-in: a session per sign-in that the server ends, throttled guesses, CSRF, Secure cookies."""

import re
from dataclasses import replace

import pytest
from support.service import Service, cc_fake, sign_in

from zendesk_escalator.app import create_app
from zendesk_escalator.ops.dashboard_auth import COOKIE, CSRF_COOKIE

TOKEN = "dashboard-token-0123456789"
ELSEWHERE = {"environ_base": {"REMOTE_ADDR": "203.0.113.7"}}


@pytest.fixture
def service(tmp_path):
    fake = cc_fake()
    service = Service(tmp_path, fake, admin_token=TOKEN)
    yield service
    service.close()
    fake.stop()


def session_cookie(answer) -> str:
    return next(c for c in answer.headers.getlist("Set-Cookie") if c.startswith(COOKIE + "="))


def value(answer) -> str:
    return session_cookie(answer).split(";")[0].split("=", 1)[1]


def test_each_sign_in_is_a_new_session_that_the_server_ends_after_12_hours(service):
    first, second = (value(sign_in(service.app.test_client(), TOKEN)) for _ in range(2))
    assert first != second and TOKEN not in first, "not a function of the token"
    restarted = create_app(service.settings, service.policy, service.inbox, service.clock).test_client()
    restarted.set_cookie(COOKIE, first, path="/dashboard")
    assert restarted.get("/dashboard").status_code == 200, "every web process accepts it"
    service.clock.advance(12 * 3600 - 1)
    assert restarted.get("/dashboard").status_code == 200
    service.clock.advance(2)
    assert restarted.get("/dashboard").status_code == 401, "ended by the server, whatever the browser keeps"


def test_wrong_tokens_are_throttled_per_address_then_allowed_again(service):
    for _ in range(10):
        assert sign_in(service.http, "not-the-token-0000000").status_code == 401
    throttled = sign_in(service.http, TOKEN)
    assert throttled.status_code == 429 and 1 <= int(throttled.headers["Retry-After"]) <= 61
    assert service.http.get("/dashboard", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 429
    assert sign_in(service.app.test_client(), TOKEN, **ELSEWHERE).status_code == 303, "another address may"
    service.clock.advance(61)
    assert sign_in(service.http, TOKEN).status_code == 303


def test_a_wrong_bearer_token_counts_as_a_guess(service):
    for _ in range(10):
        assert service.http.get("/dashboard", headers={"Authorization": "Bearer guess"}).status_code == 401
    assert service.http.get("/dashboard", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 429


def test_the_form_needs_its_csrf_token(service):
    page = service.http.get("/dashboard")
    assert page.status_code == 401 and 'name="csrf"' in page.get_data(as_text=True)
    assert "form-action 'self'" in page.headers["Content-Security-Policy"]
    assert service.http.post("/dashboard/sign-in", data={"token": TOKEN}).status_code == 403
    assert service.http.post("/dashboard/sign-in", data={"token": TOKEN, "csrf": "forged"}).status_code == 403
    fresh = create_app(service.settings, service.policy, service.inbox, service.clock).test_client()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    assert fresh.post("/dashboard/sign-in", data={"token": TOKEN, "csrf": csrf}).status_code == 403, (
        "a form posted from elsewhere carries no cookie (SameSite=Strict)"
    )
    assert service.http.get_cookie(CSRF_COOKIE, path="/dashboard") is not None


@pytest.mark.parametrize(
    "base_url, remote, headers, secure",
    [
        ("http://localhost", "127.0.0.1", {}, False),  # a browser on this machine (make run)
        ("http://localhost", "::1", {}, False),
        ("http://escalator.internal", "10.0.0.5", {}, True),
        ("http://localhost", "127.0.0.1", {"X-Forwarded-Proto": "https"}, True),  # a proxy on this machine
        ("http://localhost", "127.0.0.1", {"X-Forwarded-Proto": "http"}, True),  # never trusted to lower it
        ("https://escalator.acme.example", "203.0.113.7", {}, True),
    ],
)
def test_cookies_are_secure_unless_plain_http_from_this_machine(service, base_url, remote, headers, secure):
    options = {"base_url": base_url, "environ_base": {"REMOTE_ADDR": remote}, "headers": headers}
    answer = sign_in(service.http, TOKEN, **options)
    assert answer.status_code == 303
    assert ("Secure" in session_cookie(answer)) is secure


def test_without_an_admin_token_there_is_nothing_to_sign_in_to(service):
    off = create_app(replace(service.settings, admin_token=None), service.policy, service.inbox).test_client()
    assert off.post("/dashboard/sign-in", data={"token": TOKEN, "csrf": "x"}).status_code == 403


def test_the_admin_tokens_session_may_retry_a_dead_letter_too(service):
    now = service.clock().timestamp()
    service.inbox.accept("notification", "dead-78", 78, {}, now)
    rows = service.inbox.claim("test", now, 60)
    service.inbox.bury(rows, "test", now, "ZendeskRejected: Zendesk answered 422")
    sign_in(service.http, TOKEN)
    page = service.http.get("/dashboard").get_data(as_text=True)
    assert "signed in with the admin token" in page
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    done = service.http.post(f"/dashboard/dead-letters/{rows[0].id}/retry", data={"csrf": csrf})
    assert done.status_code == 303 and service.inbox.rows(row_id=rows[0].id)[0].status == "pending"

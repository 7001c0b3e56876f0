"""Dashboard sessions: a signed value per sign-in that ends after 12 hours or when a secret changes, CSRF tokens
per session, wrong tokens throttled per address, Secure cookies unless plain http from this machine."""

import pytest

from zendesk_escalator.ops.sessions import (
    SESSION_HOURS,
    TOKEN,
    ZENDESK,
    SessionSigner,
    Throttle,
    Viewer,
    same,
    secure_cookie,
    session_key,
)

KEY = session_key("admin-token-0123456789", "client-secret")
ALEX = Viewer(ZENDESK, 900000000011, "Alex", "admin")


def test_a_session_names_who_signed_in_until_it_ends():
    signer = SessionSigner(KEY)
    value = signer.new(1000.0, ALEX)
    viewer = signer.viewer(value, 1000.0 + SESSION_HOURS * 3600 - 1)
    assert (viewer.kind, viewer.user_id, viewer.name, viewer.role) == (ZENDESK, 900000000011, "Alex", "admin")
    assert viewer.session_id and viewer.who == "Alex (user 900000000011, admin)" and viewer.label == "as " + viewer.who
    assert signer.viewer(value, 1000.0 + SESSION_HOURS * 3600) is None


def test_each_sign_in_is_a_new_value_that_holds_no_secret():
    signer = SessionSigner(KEY)
    first, second = signer.new(0.0), signer.new(0.0)
    assert first != second and signer.viewer(first, 1.0).kind == TOKEN
    assert "admin-token" not in first and "client-secret" not in first


@pytest.mark.parametrize("other", [session_key("another-admin-token", "client-secret"), session_key(KEY, "new")])
def test_a_changed_secret_or_a_forged_value_ends_the_session(other):
    value = SessionSigner(KEY).new(0.0, ALEX)
    assert SessionSigner(other).viewer(value, 1.0) is None
    assert SessionSigner(KEY).viewer(value[:-2] + "xx", 1.0) is None
    assert SessionSigner(KEY).viewer("not a session", 1.0) is None


def test_either_secret_opens_the_dashboard_and_neither_none():
    assert session_key(None, None) is None
    assert session_key("t", None) == "t\n" and session_key(None, "s") == "\ns"


def test_the_csrf_token_is_the_sessions_own():
    signer = SessionSigner(KEY)
    one, two = (signer.viewer(signer.new(0.0, ALEX), 1.0) for _ in range(2))
    assert signer.csrf(one) == signer.csrf(one) != signer.csrf(two)
    assert SessionSigner(session_key("other", None)).csrf(one) != signer.csrf(one)


def test_ten_wrong_tokens_a_minute_per_address_then_a_wait():
    throttle = Throttle()
    for second in range(10):
        assert throttle.wait("203.0.113.5", float(second)) == 0
        throttle.missed("203.0.113.5", float(second))
    assert throttle.wait("203.0.113.5", 10.0) == 51  # until the first miss is a minute old
    assert throttle.wait("198.51.100.7", 10.0) == 0  # another address has its own count
    assert throttle.wait("203.0.113.5", 60.0) == 0


@pytest.mark.parametrize(
    "scheme, remote, headers, secure",
    [
        ("http", "127.0.0.1", {}, False),
        ("http", "::1", {}, False),
        ("http", "127.0.0.1", {"X-Forwarded-Proto": "http"}, True),
        ("http", "192.0.2.10", {}, True),
        ("http", None, {}, True),
        ("https", "127.0.0.1", {}, True),
    ],
)
def test_cookies_are_secure_unless_plain_http_from_this_machine(scheme, remote, headers, secure):
    assert secure_cookie(scheme, remote, headers) is secure


def test_tokens_are_compared_whole_even_outside_ascii():
    assert same("tøken", "tøken") and not same("tøken", "token") and not same("", "x")

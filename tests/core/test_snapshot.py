from conftest import sample
from zendesk_escalator.core.snapshot import from_api


def test_from_api_resolves_cc_emails_and_comment_recipients():
    snap = from_api(sample("ticket_cc.json"), sample("comments_cc.json"))
    assert snap.id == 35436
    assert snap.cc_emails == frozenset({"escalation@acme.example"})
    assert snap.follower_ids == frozenset({900000000011})
    assert snap.latest_comment.id == 10004
    assert snap.latest_comment.recipients == frozenset(
        {"support@acme.zendesk.com", "escalation@acme.example"})
    assert snap.latest_comment.body.startswith("Looping in")
    assert snap.field(360010000005) == "billing"
    assert snap.field(None) is None
    assert snap.updated_at == "2026-11-22T09:15:02Z"


def test_from_api_without_comments():
    snap = from_api(sample("ticket_plain.json"), {"comments": []})
    assert snap.latest_comment is None and snap.cc_emails == frozenset()

"""The ticket and its comments as the API returns them → snapshot: CCs, followers, recipients, authors."""

from conftest import sample

from zendesk_escalator.core.snapshot_api import comments_from_api, ticket_from_api

DESK = "escalation@acme.example"


def test_ticket_resolves_cc_ids_through_the_sideloaded_users():
    snap = ticket_from_api(sample("ticket_cc.json"))
    assert snap.id == 35436 and snap.cc_emails == frozenset({DESK})
    assert snap.follower_ids == frozenset({900000000011}) and snap.has_followers
    assert (snap.organization_id, snap.form_id, snap.field(360010000005)) == (509974, 360000144212, "billing")
    assert snap.field(None) is None and snap.updated_at == "2026-11-22T09:15:02Z"


def test_ticket_without_ccs_and_followers_uses_collaborators():
    raw = sample("ticket_cc.json")
    del raw["ticket"]["follower_ids"]
    snap = ticket_from_api(raw)
    assert not snap.has_followers and snap.follower_ids == frozenset({30000001})


def test_comment_ccs_given_as_user_ids_are_resolved_and_addresses_still_accepted():
    raw = sample("comments_cc.json")
    latest = raw["comments"][-1]
    latest["via"]["source"]["from"]["original_recipients"] = ["support@acme.zendesk.com"]
    latest["via"]["source"]["to"]["email_ccs"] = [30000001, "deleted.user@customer.example", 99]
    page = comments_from_api(raw).page
    assert page[-1].recipients == frozenset({"support@acme.zendesk.com", DESK, "deleted.user@customer.example"})
    assert [c.author_role for c in page] == ["end-user", "agent", "end-user"]
    assert [c.by_customer for c in page] == [True, False, True]


def test_an_unknown_author_counts_as_a_customer():
    raw = {"comments": [{"id": 1, "author_id": 5, "body": "x", "public": True}]}
    assert comments_from_api(raw).page[0].by_customer

"""Cursors: named positions and marks every worker shares, on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

from zendesk_escalator.store.cursors import Cursors


def test_a_position_is_none_before_the_first_and_the_last_one_set_after(any_inbox):
    cursors = Cursors(any_inbox.database)
    assert cursors.get("feed") is None
    cursors.set("feed", "c1", 100.0)
    cursors.set("feed", "c2", 200.0)
    cursors.set("sweep", "s1", 200.0)
    assert (cursors.get("feed"), cursors.get("sweep")) == ("c2", "s1")
    assert Cursors(any_inbox.database).get("feed") == "c2"  # shared, not kept in the object


def test_marks_are_set_once_listed_by_prefix_in_order_and_cleared(any_inbox):
    cursors = Cursors(any_inbox.database)
    cursors.mark([], 100.0)
    cursors.mark(["wait:2", "wait:1", "other:1"], 100.0)
    cursors.mark(["wait:1"], 200.0)  # another worker marks the same one: no error, still one
    assert cursors.marked("wait:") == ["wait:1", "wait:2"]
    assert cursors.marked("wait%") == []  # the prefix is matched as written, not as a pattern
    cursors.unmark(["wait:1"])
    cursors.unmark([])
    assert cursors.marked("wait:") == ["wait:2"] and cursors.marked("other:") == ["other:1"]

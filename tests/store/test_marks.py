"""Comment marks: written with the completion that examined the comments, never by a lost lease."""

from support.databases import add_notification


def test_comment_marks_are_kept_with_the_completion(any_inbox):
    add_notification(any_inbox, "a", 7)
    rows = any_inbox.claim("w", 101.0, 60)
    assert any_inbox.marks.get(7) is None
    assert any_inbox.complete(rows, "w", 102.0, {"status": "no_action"}, comment_mark=10004)
    assert any_inbox.marks.get(7) == 10004
    add_notification(any_inbox, "b", 7)
    rows = any_inbox.claim("w", 103.0, 60)
    any_inbox.complete(rows, "w", 104.0, {}, comment_mark=10009)
    assert any_inbox.marks.get(7) == 10009
    add_notification(any_inbox, "c", 7)
    late = any_inbox.claim("w", 105.0, 60)
    any_inbox.release(late, "w", 105.0)
    assert any_inbox.complete(late, "w", 106.0, {}, comment_mark=1) is False
    assert any_inbox.marks.get(7) == 10009  # a lost lease writes no mark

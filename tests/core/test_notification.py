"""Notifications survive the inbox, old rows included, and say who acted."""

from zendesk_escalator.core.notification import CommentHint, Notification


def test_round_trip_through_the_inbox_payload():
    note = Notification(
        ticket_id=1,
        source="event",
        event_type="ticket.comment_added",
        actor_id=5,
        tags=("a",),
        tags_added=("a",),
        comment=CommentHint(id=9, author_is_staff=False, body="x"),
        extra={"event_id": "e"},
    )
    assert Notification.from_dict(note.to_dict(), received_at=12.5) == Notification(
        **{**note.__dict__, "received_at": 12.5}
    )


def test_rows_stored_by_release_0_1_0_still_load():
    old = {
        "ticket_id": 7,
        "source": "trigger",
        "event_type": None,
        "actor_id": 3,
        "tags": ["x"],
        "priority": "high",
        "status": "open",
        "updated_at": None,
        "cc_names": "Escalation Desk",
        "extra": {},
    }
    note = Notification.from_dict(old)
    assert (note.ticket_id, note.tags, note.comment) == (7, ("x",), None)


def test_who_acted():
    staff_comment = Notification(
        ticket_id=1, source="event", event_type="ticket.comment_added", comment=CommentHint(author_is_staff=True)
    )
    assert staff_comment.by_staff and not staff_comment.may_add_customer_comment
    assert Notification(ticket_id=1, source="trigger", actor_role="admin").by_staff
    unknown = Notification(ticket_id=1, source="trigger")
    assert not unknown.by_staff and unknown.may_add_customer_comment
    status = Notification(ticket_id=1, source="event", event_type="ticket.status_changed")
    assert not status.may_add_customer_comment

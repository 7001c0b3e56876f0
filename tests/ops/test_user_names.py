"""Agents' names for the sidebar: looked up once and kept an hour; while Zendesk does not answer, asked again after
a minute, never at every view."""

import logging

from zendesk_escalator.errors import ZendeskUnavailable
from zendesk_escalator.ops.user_names import KEEP_SECONDS, RETRY_SECONDS, UserNames


class Zendesk:
    """A lookup that counts its calls; `down` makes it fail as Zendesk does when it does not answer."""

    def __init__(self):
        self.asked: list[int] = []
        self.down = False

    def __call__(self, user_id: int) -> str | None:
        self.asked.append(user_id)
        if self.down:
            raise ZendeskUnavailable("timed out")
        return {7: "Alex Agent"}.get(user_id)


def test_a_name_is_looked_up_once_and_kept_for_the_hour():
    now, zendesk = [0.0], Zendesk()
    names = UserNames(zendesk, clock=lambda: now[0])
    assert [names.name(7), names.name(7), names.name(8), names.name(8)] == ["Alex Agent", "Alex Agent", None, None]
    assert zendesk.asked == [7, 8]
    now[0] = KEEP_SECONDS - 1
    names.name(7)
    assert zendesk.asked == [7, 8]
    now[0] = KEEP_SECONDS
    names.name(7)
    assert zendesk.asked == [7, 8, 7]


def test_while_zendesk_does_not_answer_the_id_is_shown_and_asked_again_after_a_minute(caplog):
    now, zendesk = [0.0], Zendesk()
    names = UserNames(zendesk, clock=lambda: now[0])
    zendesk.down = True
    with caplog.at_level(logging.WARNING):
        assert names.name(7) is None and names.name(7) is None
    assert zendesk.asked == [7]
    assert "the name of user 7 was not read (timed out): the sidebar app shows the id" in caplog.text
    zendesk.down, now[0] = False, RETRY_SECONDS
    assert names.name(7) == "Alex Agent" and zendesk.asked == [7, 7]

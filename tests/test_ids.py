"""Zendesk ids read strictly: a positive 64-bit JSON integer or its ASCII digits, nothing coerced; a placeholder
rendered empty is unknown, and an actor of -1 is Zendesk itself."""

import pytest
from marshmallow import Schema, ValidationError

from zendesk_escalator.ids import MAX_ID, SYSTEM_USER, RenderedId, ZendeskId, zendesk_id


@pytest.mark.parametrize("value, number", [(35436, 35436), ("35436", 35436), (MAX_ID, MAX_ID), (str(MAX_ID), MAX_ID)])
def test_an_integer_or_its_ascii_digits_is_an_id(value, number):
    assert zendesk_id(value) == number


@pytest.mark.parametrize(
    "value", [0, -5, MAX_ID + 1, 1.0, 1.5, True, "+12", " 12", "12 ", "012", "1_000", "١٢٣", "", None, [12]]
)
def test_anything_else_names_some_other_ticket_and_is_refused(value):
    with pytest.raises(ValidationError):
        zendesk_id(value)


class Body(Schema):
    ticket = ZendeskId()
    requester = RenderedId(allow_none=True)
    actor = RenderedId(actor=True, allow_none=True)


def test_a_rendered_placeholder_may_be_empty_and_an_actor_may_be_zendesk_itself():
    assert Body().load({"ticket": "7", "requester": "", "actor": "-1"}) == {
        "ticket": 7,
        "requester": None,
        "actor": SYSTEM_USER,
    }
    assert Body().load({"ticket": 7, "actor": -1})["actor"] == SYSTEM_USER


def test_minus_one_is_zendesk_only_for_an_actor():
    with pytest.raises(ValidationError) as caught:
        Body().load({"ticket": 7, "requester": "-1"})
    assert list(caught.value.messages) == ["requester"]

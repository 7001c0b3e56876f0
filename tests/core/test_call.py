"""Reading a call: numbers in E.164, Talk's via object, the voice comment's transcript, the webhook's via hint."""

import pytest
from conftest import sample
from support.voicemail import HOTLINE, call_ticket

from zendesk_escalator.core.call import call_of, e164, transcript_of, voice_hint


@pytest.mark.parametrize(
    "written, number",
    [
        ("+16196399312", "+16196399312"),
        ("+1 (619) 639-9312", "+16196399312"),
        ("+44 20 7946 0958", "+442079460958"),
        ("6196399312", None),
        ("+12", None),
        (None, None),
        (16196399312, None),
    ],
)
def test_numbers_are_compared_in_e164(written, number):
    assert e164(written) == number


def test_the_call_is_read_from_talks_via_object():
    call = call_ticket().call
    assert (call.to, call.caller, call.kind, call.line, call.shown_to) == (
        HOTLINE,
        "+16022202269",
        "a voicemail",
        "Escalation hotline",
        "+1 (619) 639-9312",
    )
    assert (
        call_of({"channel": 45, "source": {"to": {"formatted_phone": "+1 (619) 639-9312"}}}).kind == "an inbound call"
    )
    assert call_of({"channel": "email", "source": {}}) is None and call_of(None) is None


def test_a_voice_comment_gives_its_transcription_and_other_comments_none():
    voice = sample("comments_voicemail.json")["comments"][0]
    assert transcript_of(voice).startswith("Hi, this is Dana Okafor")
    assert transcript_of({**voice, "type": "Comment"}) is None
    assert transcript_of({**voice, "data": {"transcription_text": "  "}}) is None


@pytest.mark.parametrize(
    "hint, voice",
    [
        ("Voicemail", True),
        ("Phone call (inbound)", True),
        ("voice", True),
        ("Web form", False),
        ("iPhone", False),
        ("Mail", False),
        (None, None),
    ],
)
def test_the_webhooks_via_hint_names_a_call(hint, voice):
    assert voice_hint(hint) is voice

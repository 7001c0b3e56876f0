"""The sample voicemail ticket as core reads it, with Talk's via source changed or its transcription left out."""

import copy

from conftest import sample

from zendesk_escalator.core.snapshot_api import People, comment_from_api, ticket_from_api

# The number the sample voicemail was left on.
HOTLINE = "+16196399312"


def call_ticket(transcribed: bool = True, **via_source):
    raw = copy.deepcopy(sample("ticket_voicemail.json"))
    raw["ticket"]["via"]["source"].update(via_source)
    comment = copy.deepcopy(sample("comments_voicemail.json")["comments"][0])
    if not transcribed:
        del comment["data"]["transcription_text"]
    return ticket_from_api(raw, (comment_from_api(comment, People.of(raw["users"])),))

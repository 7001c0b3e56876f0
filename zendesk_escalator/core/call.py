"""A call ticket from Zendesk Talk (pure): the number called, who called, and what the call left in words.

Zendesk's via object of a Talk ticket has the channel `voice` and, in its source,
`rel` (voicemail, inbound, outbound), `from` (the caller) and `to` (the number
called, with the line's name), each as `phone` (E.164) and `formatted_phone`.
Via ids 44, 45 and 46 are a voicemail, an inbound and an outbound call (Talk
Partner Edition API). The call's words are the voice comment's
`data.transcription_text`, when Talk transcribed it.
"""

import re
from dataclasses import dataclass
from typing import Any

VOICE_CHANNELS = frozenset({"voice", 44, 45, 46, "44", "45", "46"})
KINDS = {
    "voicemail": "a voicemail",
    "inbound": "an inbound call",
    "outbound": "an outbound call",
    44: "a voicemail",
    45: "an inbound call",
    46: "an outbound call",
}
# How a webhook's via hint ({{ticket.via}} in a trigger body, detail.via.channel in an event) names a call.
VOICE_HINT = re.compile(r"\b(voice|voicemail|phone call|talk|4[456])\b", re.IGNORECASE)


@dataclass(frozen=True)
class Call:
    """The call a Talk ticket came from."""

    to: str | None  # the number called, E.164
    caller: str | None  # the caller's number, E.164
    kind: str  # "a voicemail", "an inbound call", "an outbound call", or "a call"
    line: str = ""  # the line's name, as Talk gives it
    shown_to: str = ""  # the number called as Zendesk formats it

    @property
    def inbound(self) -> bool:
        """The customer called (an outbound call is the team's own)."""
        return self.kind != KINDS["outbound"]


def call_of(via: object) -> Call | None:
    """The call in a ticket's via object (None: the ticket did not come from Talk)."""
    if not isinstance(via, dict) or via.get("channel") not in VOICE_CHANNELS:
        return None
    source = _end(via.get("source"))
    to, caller = _end(source.get("to")), _end(source.get("from"))
    kind = KINDS.get(source.get("rel")) or KINDS.get(via.get("channel")) or "a call"
    return Call(
        e164(to.get("phone")) or e164(to.get("formatted_phone")),
        e164(caller.get("phone")) or e164(caller.get("formatted_phone")),
        kind,
        str(to.get("name") or ""),
        str(to.get("formatted_phone") or to.get("phone") or ""),
    )


def e164(number: object) -> str | None:
    """A phone number as "+" and its digits ("+1 (619) 639-9312" → "+16196399312"); None when it is none."""
    if not isinstance(number, str) or not number.strip().startswith("+"):
        return None
    digits = "".join(ch for ch in number if ch.isdigit())
    return f"+{digits}" if 7 <= len(digits) <= 15 else None


def transcript_of(comment: dict[str, Any]) -> str | None:
    """The words of a voice comment: its transcription (None: not a voice comment, or not transcribed)."""
    data = comment.get("data") if comment.get("type") == "VoiceComment" else None
    text = data.get("transcription_text") if isinstance(data, dict) else None
    return text if isinstance(text, str) and text.strip() else None


def voice_hint(via: str | None) -> bool | None:
    """Whether a webhook's via hint names a call (None: the webhook gave none)."""
    return None if via is None else bool(VOICE_HINT.search(via))


def _end(end: object) -> dict[str, Any]:
    return end if isinstance(end, dict) else {}

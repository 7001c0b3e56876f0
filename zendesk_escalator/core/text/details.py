"""The patterns that find an escalation request's details in what a customer wrote (pure); contacts: contact_details.py.

Each finder returns the evidence as written (an address, a number, a URL, a short
snippet), so a person reading the internal note can see why an item counts.
English words only. Every pattern bounds its repetitions: the text is untrusted.
"""

import re
from collections.abc import Iterable

_I = re.IGNORECASE
_SPACE = r"[^\S\r\n]{1,3}"


URL = re.compile(r"\bhttps?://[^\s<>\"'()\[\]]{1,2000}", _I)
# Hosts whose links say nothing about the customer's application: Zendesk itself,
# signatures, meetings, and mail gateways' link wrappers.
NOT_APPLICATIONS = frozenset(
    (
        "zendesk.com zdusercontent.com zdassets.com linkedin.com twitter.com x.com facebook.com instagram.com "
        "youtube.com zoom.us teams.microsoft.com meet.google.com safelinks.protection.outlook.com aka.ms"
    ).split()
)
_PICTURE = re.compile(r"\.(?:png|jpe?g|gif|svg|ico)$", _I)

_STRONG_ENVIRONMENTS = r"production|prod|staging|uat|sandbox|pre-?prod(?:uction)?"
_WEAK_ENVIRONMENTS = r"test(?:ing)?|dev(?:elopment)?|qa|live|demo|integration|stage|training"
_ENVIRONMENT = re.compile(
    rf"\b(?:{_STRONG_ENVIRONMENTS})\b"
    rf"|\b(?:{_WEAK_ENVIRONMENTS}){_SPACE}(?:environment|env|system|instance|server|tenant|site|stack|cluster)\b"
    rf"|\b(?:environment|env)\b[^\S\r\n]{{0,3}}[:=-]?[^\S\r\n]{{0,3}}(?:{_WEAK_ENVIRONMENTS})\b",
    _I,
)

_STEPS = re.compile(
    r"\b(?:steps?{0}to{0}(?:reproduce|replicate)|repro(?:duction)?{0}steps|replication{0}steps"
    r"|how{0}to{0}(?:reproduce|replicate)|reproducible|can{0}be{0}reproduced|to{0}reproduce)\b".format(_SPACE),
    _I,
)
_NUMBERED = re.compile(r"^[^\S\r\n]{0,8}(?:step[^\S\r\n]{0,3})?([0-9]{1,2})[.):][^\S\r\n]{1,8}\S", re.MULTILINE | _I)

_IMPACT = re.compile(
    r"\b(?:business(?!{0}(?:hours?|days?)\b)|impact(?:s|ed|ing)?|revenue|lost{0}sales"
    r"|losing{0}(?:money|sales|customers|revenue|orders)|financial|penalt(?:y|ies)|sla|use{0}case"
    r"|downtime|outage|blocker|show-?stopper|deadline|compliance|regulator[a-z]*"
    r"|cannot{0}(?:process|ship|sell|invoice|trade|operate|take{0}orders))\b"
    r"|(?<![\w.,])[0-9][0-9,.]{{0,12}}\+?[^\S\r\n]{{0,3}}(?:users|customers|clients|orders|transactions|employees"
    r"|agents|stores|shops|sites|locations|patients|students|members|accounts)\b".format(_SPACE),
    _I,
)
_TRIED = re.compile(
    r"\b(?:tried|attempted|restarted|rebooted|re-?installed|re-?deployed|rolled{0}back|rollback"
    r"|reverted|cleared{0}(?:the{0})?cache|flushed|checked|verified|troubleshot|troubleshooting"
    r"|re-?ran|so{0}far{0}we)\b".format(_SPACE),
    _I,
)
_WORKAROUND = re.compile(
    r"\b(?:work-?arounds?|(?:a|no|any|the|cannot|can't|unable{0}to){0}work{0}around"
    r"|not{0}(?:an{0})?option|impractical|not{0}(?:possible|feasible|practical|viable)"
    r"|no{0}alternative)\b".format(_SPACE),
    _I,
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_FULL_MONTH = r"(?:january|february|march|april|june|july|august|september|october|november|december)"
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
# 2026-12-01, 01/12/2026, 1.12.26, 1st of December 2026, Dec 1, December 1st, 2026
_CALENDAR_DATE = (
    rf"(?:[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}|[0-9]{{1,2}}[./][0-9]{{1,2}}[./](?:[0-9]{{4}}|[0-9]{{2}})"
    rf"|[0-9]{{1,2}}(?:st|nd|rd|th)?{_SPACE}(?:of{_SPACE})?{_MONTH}(?:,?{_SPACE}[0-9]{{4}})?"
    rf"|{_MONTH}{_SPACE}[0-9]{{1,2}}(?:st|nd|rd|th)?(?:,?{_SPACE}[0-9]{{4}})?(?![0-9:]))\b"
)
# … and Friday, next Monday, December, end of the month, EOD, tomorrow, Q1 2027, next week
_DATE = (
    rf"(?:{_CALENDAR_DATE}|(?:next{_SPACE}|this{_SPACE})?{_WEEKDAY}|{_FULL_MONTH}(?:{_SPACE}[0-9]{{4}})?"
    rf"|(?:the{_SPACE})?end{_SPACE}of{_SPACE}(?:the{_SPACE}|this{_SPACE}|next{_SPACE})?"
    rf"(?:day|week|month|quarter|year|sprint)|eod|eow|eom|eoq|eoy|cob|tomorrow|q[1-4](?:{_SPACE}[0-9]{{4}})?"
    rf"|(?:next|this){_SPACE}(?:week|month|quarter))\b"
)
# A date alone may be when the problem began; a milestone is a date something must happen by.
_DEADLINE_CUES = r"by|before|until|till|no{0}later{0}than|at{0}the{0}latest".format(_SPACE)
_EVENT_CUES = (
    r"deadline|due{0}date|is{0}due|go(?:es)?[- ]?live|launch(?:es|ing)?|milestone|cut-?over|release{0}date"
    r"|audit|demo|board{0}meeting|critical{0}date"
).format(_SPACE)
_MILESTONE = re.compile(
    rf"\b(?:{_DEADLINE_CUES}){_SPACE}(?:the{_SPACE})?{_DATE}"
    rf"|\b(?:{_EVENT_CUES})\b(?:\W{{1,3}}[\w-]{{1,20}}){{0,5}}?\W{{1,3}}{_DATE}"
    rf"|\b{_CALENDAR_DATE}(?:\W{{1,3}}[\w-]{{1,20}}){{0,3}}?\W{{1,3}}(?:{_EVENT_CUES})\b",
    _I,
)

_SENTENCE_END = re.compile(r"[.!?;](?=\s)")


def application_urls(text: str, own_domains: frozenset[str]) -> tuple[str, ...]:
    """http(s) URLs but those of the support site, Zendesk, signatures and pictures."""
    found = []
    for match in URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?")
        host = url.split("/")[2].rpartition("@")[2].split(":")[0].lower()
        if not within(host, own_domains | NOT_APPLICATIONS) and not _PICTURE.search(url.split("?")[0]):
            found.append(url)
    return unique(found)


def environments(text: str) -> tuple[str, ...]:
    """Environment words: production, staging, UAT …; test, dev, QA … only next to "environment"."""
    return unique(" ".join(m.group(0).lower().split()) for m in _ENVIRONMENT.finditer(text))


def steps(text: str) -> tuple[str, ...]:
    """ "Steps to reproduce" and its kin, or a numbered list that starts at 1."""
    found = [" ".join(m.group(0).lower().split()) for m in _STEPS.finditer(text)]
    numbers, run = {int(m.group(1)) for m in _NUMBERED.finditer(text)}, 0
    while run + 1 in numbers:
        run += 1
    if run >= 2:
        found.append(f"numbered steps 1-{run}")
    return unique(found)


def impact(text: str) -> tuple[str, ...]:
    """Snippets that speak of business impact: revenue, customers affected, SLA, deadline …"""
    return _snippets(_IMPACT, text)


def tried(text: str) -> tuple[str, ...]:
    """Snippets that say what was done so far: tried, restarted, rolled back …"""
    return _snippets(_TRIED, text)


def workaround(text: str) -> tuple[str, ...]:
    """Snippets about a workaround, or why there is none."""
    return _snippets(_WORKAROUND, text)


def milestones(text: str) -> tuple[str, ...]:
    """Dates something must happen by: "by 1 December", "go-live on 2026-12-01", "by Friday"."""
    return unique(" ".join(m.group(0).split()) for m in _MILESTONE.finditer(text))


def _snippets(pattern: re.Pattern[str], text: str) -> tuple[str, ...]:
    """A snippet around each match that the snippet before does not already show."""
    found, shown_until = [], 0
    for match in pattern.finditer(text):
        if match.start() >= shown_until:
            shown_until, snippet = _around(text, match.start(), match.end())
            found.append(snippet)
    return unique(found)


def _around(text: str, start: int, end: int, width: int = 40) -> tuple[int, str]:
    """The match's sentence, whole words at most `width` characters either side of it, and where that ends."""
    line_start = text.rfind("\n", max(0, start - width), start) + 1 or max(0, start - width)
    left = max((m.end() for m in _SENTENCE_END.finditer(text, line_start, start)), default=line_start)
    stop = _SENTENCE_END.search(text, end, end + width)
    right = min(stop.start() + 1 if stop else end + width, len(text))
    newline = text.find("\n", end, right)
    right = newline if newline >= 0 else right
    cut_left = left > 0 and text[left - 1] != "\n" and left == start - width
    cut_right = right == end + width and right < len(text)
    # Half a word at either end of a cut is noise; the words of the match itself stay.
    if cut_left and not text[left - 1].isspace():
        left = next((i + 1 for i in range(left, start) if text[i].isspace()), left)
    if cut_right and not text[right].isspace():
        right = next((i for i in range(right - 1, end - 1, -1) if text[i].isspace()), right)
    snippet = " ".join(text[left:right].split()).rstrip(";,")
    return right, ("…" if cut_left else "") + snippet + ("…" if cut_right else "")


def within(host: str, domains: frozenset[str]) -> bool:
    """The host is one of the domains or under one."""
    host = host.lower()
    return any(host == d or host.endswith("." + d) for d in domains)


def unique(items: Iterable[str | None]) -> tuple[str, ...]:
    """The items that are not empty, each once, in their order."""
    return tuple(dict.fromkeys(item for item in items if item))

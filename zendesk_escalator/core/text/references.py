"""Which existing cases an escalation email refers to (pure).

A case is referred to by its number written as one ("#1234", "case 1234",
"ticket no. 1234", "Request #1234") or by its URL on the account's Zendesk. A
number alone ("1234") never is: phone numbers, dates, prices and order numbers
look the same. Only the subject and what this mail itself says are read; the
mails it quotes are read only when those say nothing (a reply to Zendesk's own
notification quotes the case it is about). English words only.
"""

import re

from .mail import EMAIL, LIMIT, plain_text, split_quoted

MAX_ID = 2**63 - 1
# Numbers need this many digits ("case 1" is a test plan's first case, "#1" a ranking) unless a case
# word AND a mark come before them: "case #12", "ticket no. 7".
PLAIN_DIGITS = 3
# A word just before the number (or its case word) that makes it another thing's number.
NOT_A_CASE = frozenset(
    (
        "order orders invoice po purchase receipt transaction payment shipment tracking account acct sku item "
        "part product model serial step line page room suite apt apartment unit floor building store ext "
        "extension pr mr commit build version release chapter section figure question option jira servicenow "
        "github gitlab redmine bugzilla internal test use edge corner base upper lower "
        "color colour background bgcolor border fill stroke"
    ).split()
)  # the last: CSS colours ("color: #333333")
# Without "#" or "no.", these before the case word mean the idiom or the verb:
# "in case 500 users…", "we request 300 seats".
IDIOMS = {
    "case": frozenset("in this that which any each either every our my your their worst best".split()),
    "request": frozenset(
        "to i we you they please will would can could may might should must shall not also and or".split()
    ),
}

_SPACE = r"[^\S\r\n]{0,3}"  # bounded: a run of blanks must not make the patterns backtrack
_NUMBER = r"(?<![\w.,/-])(?P<number>[1-9][0-9]{0,18})(?![0-9]|[.,:/-][0-9]|[^\W_])"
_REFERENCE = re.compile(
    rf"(?:(?<![\w-])(?P<word>case|ticket|request)(?P<plural>s)?(?![\w-]){_SPACE}(?:[:(]{_SPACE})?)?"
    rf"(?P<mark>(?<![\w&#])\#{_SPACE}|(?<![\w-])(?:no|nr|num|number|id)\b\.?{_SPACE}(?:[:\#]{_SPACE})?)?" + _NUMBER,
    re.IGNORECASE,
)
# "tickets 1234, 1235 and #1236": more numbers after a plural case word ("case 1234, 500 users …" is one case).
_NEXT = re.compile(rf"{_SPACE}(?:,|&|/|\band\b|\bor\b){_SPACE}(?P<mark>\#)?" + _NUMBER, re.IGNORECASE)
_WORDS = re.compile(r"[^\W\d_]+")

_URL = re.compile(
    r"(?:\bhttps?://|(?<![\w.@/:-])(?=[a-z0-9-]+(?:\.[a-z0-9-]+)+/))"
    r"(?:[^\s/?#<>\"'@]*@)?(?P<host>[^\s/?#<>\"':]+)(?::[0-9]+)?(?P<path>[/?#][^\s<>\"'\[\]()]*)?",
    re.IGNORECASE,
)
_TICKET_PATH = re.compile(
    r"/(?:agent/(?:\#/)?tickets|tickets|requests|hc/(?:[a-z]{2,3}(?:-[a-z0-9]{2,4})?/)?requests"
    r"|api/v2/tickets)/(?P<number>[1-9][0-9]{0,18})(?:\.json)?(?:[/?#].*)?",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?"


def find_references(subject: str, body: str, subdomains: frozenset[str] = frozenset()) -> tuple[int, ...]:
    """Return the case ids the mail refers to, in order of first appearance, each once.

    subdomains: the account's Zendesk subdomains ("acme"), or host names of a
    host-mapped help center ("support.acme.com"); URLs of other hosts are then
    ignored. Without them any https://<name>.zendesk.com URL counts.
    """
    hosts = frozenset(account_host(name) for name in subdomains)
    fresh, quoted = split_quoted(plain_text(body))
    found = _ids(subject[:LIMIT], hosts) + _ids(fresh, hosts)
    return tuple(dict.fromkeys(found or _ids(quoted, hosts)))


def _ids(text: str, hosts: frozenset[str]) -> list[int]:
    """Ids in one text, in order: URLs first blanked out so their numbers are not read twice."""
    found = []
    for match in _URL.finditer(text):
        if (ticket_id := _url_id(match, hosts)) is not None:
            found.append((match.start(), ticket_id))
    text = _blank(EMAIL, _blank(_URL, text))
    found += _written_ids(text)
    return [ticket_id for _, ticket_id in sorted(found)]


def _url_id(match: re.Match[str], hosts: frozenset[str]) -> int | None:
    host, path = match.group("host").lower(), (match.group("path") or "").rstrip(_TRAILING)
    if not (host in hosts if hosts else host.endswith(".zendesk.com")):
        return None
    ticket = _TICKET_PATH.fullmatch(path)
    return _valid(ticket.group("number")) if ticket else None


def _written_ids(text: str) -> list[tuple[int, int]]:
    """Ids written as case numbers, with their positions."""
    found = []
    for match in _REFERENCE.finditer(text):
        if not _is_reference(text, match):
            continue
        found.append((match.start(), _valid(match.group("number"))))
        end = match.end()
        while match.group("plural") and (more := _NEXT.match(text, end)):
            if _enough(more.group("number"), bool(match.group("mark") or more.group("mark"))):
                found.append((more.start(), _valid(more.group("number"))))
            end = more.end()
    return [(at, ticket_id) for at, ticket_id in found if ticket_id is not None]


def _is_reference(text: str, match: re.Match[str]) -> bool:
    word, mark = (match.group("word") or "").lower(), (match.group("mark") or "").strip()
    if not word and not mark.startswith("#"):
        return False  # "1234" or "no. 1234" alone: an order, a phone, a date …
    if not _enough(match.group("number"), bool(word and mark)):
        return False
    before = [w.lower() for w in _WORDS.findall(text[max(0, match.start() - 40) : match.start()].split("\n")[-1])]
    if NOT_A_CASE & set(before[-2:]):
        return False
    return bool(mark) or not (word and before and before[-1] in IDIOMS.get(word, ()))


def _enough(number: str, named_and_marked: bool) -> bool:
    return named_and_marked or len(number) >= PLAIN_DIGITS


def _valid(number: str) -> int | None:
    ticket_id = int(number)
    return ticket_id if 1 <= ticket_id <= MAX_ID else None


def _blank(pattern: re.Pattern[str], text: str) -> str:
    """Replace the matches with blanks of the same length, so positions stay comparable."""
    return pattern.sub(lambda match: " " * len(match.group(0)), text)


def account_host(name: str) -> str:
    """Return the host of a Zendesk subdomain ("acme" → acme.zendesk.com); a host name stays."""
    name = name.strip().lower()
    return name if "." in name else f"{name}.zendesk.com"

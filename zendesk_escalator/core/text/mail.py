"""An email body as text a person wrote: HTML leftovers undone, quoted replies set apart (pure).

Both the case-reference finder and the request checklist read what the customer
wrote in THIS mail: a case number or a "have you tried restarting?" quoted from
an earlier mail must not count as new.
"""

import re
from html import unescape

# Zendesk keeps at most 64 KB of a comment; reading more only costs time.
LIMIT = 100_000
# Recognised by split_quoted; plain_text puts it where an HTML quote starts.
QUOTE_MARK = "----- Quoted message -----"
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")

_TAGS = (
    "a|abbr|b|blockquote|body|br|center|code|div|em|font|h[1-6]|head|hr|html|i|img|li|meta|ol|p|pre"
    "|small|span|strong|table|tbody|td|th|thead|title|tr|u|ul"
)
_TAG = re.compile(rf"<(/?)({_TAGS})\b[^<>]{{0,2000}}>", re.IGNORECASE)
_HREF = re.compile(r"""\bhref\s*=\s*["']?([^"'\s<>]+)""", re.IGNORECASE)
_BLOCK_ENDS = {"br", "p", "div", "tr", "li", "table", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "pre"}
_HIDDEN = re.compile(r"<!--|<(style|script|head)\b", re.IGNORECASE)

_QUOTE_STARTS = re.compile(
    "|".join(
        [
            r"-{2,}\s*(?:original|quoted) message\s*-{2,}",
            r"-{2,}\s*forwarded message\s*-{2,}",
            r"begin forwarded message:",
            r"_{10,}",  # Outlook's line above the quoted headers
            r"##-.{0,80}-##",  # Zendesk's "type your reply above this line"
            r"\*?from:\*?\s.{0,300}\b(?:sent|date):",  # Outlook headers run together by HTML stripping
        ]
    ),
    re.IGNORECASE,
)
_ON_WROTE_START = re.compile(r"on\s\S.{0,200}$", re.IGNORECASE)
_WROTE = re.compile(r"wrote:\s*$", re.IGNORECASE)
_FROM = re.compile(r"\*?from:\*?\s", re.IGNORECASE)
_SENT_OR_DATE = re.compile(r"\*?(?:sent|date):\*?\s", re.IGNORECASE)


def plain_text(text: str) -> str:
    """Return the text with HTML tags, comments and entities undone (links keep their address)."""
    text = text[:LIMIT]
    if "<" in text:
        text = _TAG.sub(_tag_replacement, _without_hidden(text))
    return unescape(text) if "&" in text else text


def split_quoted(text: str) -> tuple[str, str]:
    """Split plain text into what this mail says and what it quotes from earlier mails."""
    lines = text.splitlines()
    fresh: list[str] = []
    quoted: list[str] = []
    for number, line in enumerate(lines):
        if _starts_quote(line.strip(), lines[number + 1 : number + 5]):
            quoted.extend(lines[number:])
            break
        (quoted if line.lstrip().startswith(">") else fresh).append(line)
    return "\n".join(fresh), "\n".join(quoted)


def _starts_quote(line: str, following: list[str]) -> bool:
    if _QUOTE_STARTS.match(line):
        return True
    if _ON_WROTE_START.match(line):  # Gmail: "On <date>, <name> wrote:", sometimes over two lines
        return bool(_WROTE.search(line) or following and _WROTE.search(following[0]))
    if _FROM.match(line):  # Outlook: "From: …" then "Sent: …" (or "Date: …") a line or few below
        return any(_SENT_OR_DATE.match(other.strip()) for other in following)
    return False


def _without_hidden(text: str) -> str:
    """Drop comments, style, script and head blocks (linear: each closing tag is looked up once)."""
    parts, position = [], 0
    while match := _HIDDEN.search(text, position):
        parts.append(text[position : match.start()])
        closing = "-->" if match.group(0) == "<!--" else f"</{match.group(1)}"
        end = re.compile(re.escape(closing), re.IGNORECASE).search(text, match.end())
        if end is None:
            return "".join(parts)
        position = text.find(">", end.start()) + 1 or len(text)
    parts.append(text[position:])
    return "".join(parts)


def _tag_replacement(match: re.Match[str]) -> str:
    closing, name = match.group(1), match.group(2).lower()
    if name == "blockquote" and not closing:
        return f"\n{QUOTE_MARK}\n"
    if name == "a" and (href := _HREF.search(match.group(0))):
        return f" {href.group(1)} "
    return "\n" if name in _BLOCK_ENDS else " "

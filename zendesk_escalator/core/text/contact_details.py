"""Who to reach, as a customer wrote it (pure): email addresses, phone numbers, the contact's name, the organization."""

import re

from .details import unique, within
from .mail import EMAIL

_I = re.IGNORECASE


_PHONE = re.compile(r"(?<![\w+/.,-])(?:\+|\b00)?\(?[0-9][0-9 ()./-]{5,24}[0-9](?![0-9]|[^\W_]|[.,/:-][0-9])")


# "Phone:", "Tel.", "M:", "call me on" … up to the number, on its line.
_PHONE_LABEL = re.compile(
    r"(?:\b(?:phone|tel|telephone|mobile|mob|cell|cellphone|call|direct|office|landline"
    r"|whatsapp)\b\.?|\b(?:t|m|p|ph):){0}:?{0}(?:[\w()]+[^\S\r\n]{{1,3}}){{0,2}}$".format(r"[^\S\r\n]{0,3}"),
    _I,
)


_US_PHONE = re.compile(r"\([0-9]{3}\)[^\S\r\n]?[0-9]{3}[-. ][0-9]{4}")


_DATE_LIKE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|[0-9]{1,2}[./-][0-9]{1,2}[./-][0-9]{2,4}")


_ORGANIZATION = re.compile(
    r"^[^\S\r\n]{0,8}(?:organi[sz]ation|company|customer|client|account)(?:[^\S\r\n]{1,3}name)?"
    r"[^\S\r\n]{0,3}[:-][^\S\r\n]{0,3}(\S[^\r\n]{0,80})$",
    re.MULTILINE | _I,
)


_NAMED_CONTACT = re.compile(
    r"\b(?:technical[^\S\r\n]{1,3})?(?:contact(?:[^\S\r\n]{1,3}person)?|name)\b"
    r"(?:[^\S\r\n]{1,3}(?:is|will[^\S\r\n]{1,3}be))?[^\S\r\n]{0,3}:?[^\S\r\n]{0,3}"
    r"([^\W\d_][^\r\n,;(<]{0,60})",
    _I,
)


_NOT_NAMES = frozenset(
    (
        "regards thanks thank cheers sincerely best wishes kind gmbh inc ltd llc ag corp corporation sa bv plc "
        "engineer manager director lead head developer administrator admin officer analyst architect consultant "
        "specialist support team department operations devops it cto ceo cio vp president"
    ).split()
)


_PARTICLES = frozenset("van von de der den da di du del la le bin al".split())


def emails(text: str, own_domains: frozenset[str]) -> tuple[str, ...]:
    """Email addresses, but the support organisation's own."""
    found = (m.group(0).rstrip(".") for m in EMAIL.finditer(text))
    return unique(a for a in found if not within(a.rpartition("@")[2], own_domains | {"zendesk.com"}))


def phones(text: str) -> tuple[str, ...]:
    """Phone numbers: labelled ("Phone: …"), international ("+49 …") or "(555) 123-4567"."""
    found = []
    for match in _PHONE.finditer(text):
        number = match.group(0).strip()
        digits = sum(ch.isdigit() for ch in number)
        if not 7 <= digits <= 15 or _DATE_LIKE.search(number):
            continue
        line_before = text[max(0, match.start() - 40) : match.start()].rpartition("\n")[2]
        labelled = bool(_PHONE_LABEL.search(line_before))
        international = number[0] == "+" and digits >= 8 or number.startswith("00") and digits >= 10
        if labelled or international or _US_PHONE.search(number):
            found.append(number)
    return unique(found)


def contact_name(text: str, near: tuple[str, ...]) -> str | None:
    """A person's name given as the contact, or heading the signature that holds `near`."""
    for match in _NAMED_CONTACT.finditer(text):
        if name := _name(match.group(1)):
            return name
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if any(evidence in line for evidence in near):
            return _signature_name(lines[max(0, number - 5) : number + 1])
    return None


def organization(text: str) -> str | None:
    """An organization named on a labelled line ("Company: Globex GmbH")."""
    match = _ORGANIZATION.search(text)
    return match.group(1).strip() if match else None


def _signature_name(lines: list[str]) -> str | None:
    """The topmost name-only line of the block of lines that ends with the contact line."""
    block: list[str] = []
    for line in reversed(lines):
        if not line.strip():
            break
        block.insert(0, line)
    return next((name for line in block if (name := _name(line, whole=True))), None)


def _name(text: str, whole: bool = False) -> str | None:
    """Two to four capitalised words (Unicode letters, ' and -), with particles such as "van".

    whole: the text must be the name and nothing else (a signature line); otherwise
    the name may be followed by other words ("Jane Doe on +49 …").
    """
    words = [word.strip(",;:") for word in text.split()]
    if not whole:
        words = words[:4]
        while words and not _name_word(words[-1]):
            words.pop()
    if not 2 <= len(words) <= 4 or not all(_name_word(w) or w.lower() in _PARTICLES for w in words):
        return None
    if sum(map(_name_word, words)) < 2:
        return None  # "van der Berg": a given name is wanted too
    return None if {w.lower().strip(".") for w in words} & _NOT_NAMES else " ".join(words)


def _name_word(word: str) -> bool:
    letters = word.replace("'", "").replace("’", "").replace("-", "").rstrip(".")
    return bool(letters) and letters.isalpha() and word[0].isupper()

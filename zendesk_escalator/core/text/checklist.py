"""The escalation request checklist: what a request has and lacks, for the note and the customer (pure).

Support handbooks ask an escalation request to name the case, the organization,
a technical contact, the affected application and environment, the problem with
steps to reproduce, the business impact, what was done so far and a critical
date. Detection is heuristic and explainable (details.py, contact_details.py): each item found
carries its evidence, each item missing names the parts still wanted.
"""

from dataclasses import dataclass

from ..wording import one_line
from . import contact_details as contact
from . import details as clues
from .mail import LIMIT, plain_text, split_quoted
from .references import account_host, find_references


@dataclass(frozen=True)
class Part:
    """One thing an item asks for."""

    label: str  # in the internal note
    ask: str  # in the reply to the customer


@dataclass(frozen=True)
class Item:
    """One checklist item; present when none of its parts is missing."""

    key: str
    label: str
    ask: str  # when every part is missing
    parts: tuple[Part, ...]


def _item(key: str, label: str, ask: str, *parts: tuple[str, str]) -> Item:
    return Item(key, label, ask, tuple(Part(*p) for p in parts) or (Part(label, ask),))


# The items, their order, and every word the note and the customer see.
ITEMS = (
    _item("case", "Case number", "the number of the case this escalation is about (for example #1234)"),
    _item("organization", "Organization", "the name of your organization"),
    _item(
        "contact",
        "Technical contact",
        "a technical contact we can reach: name, email address and phone number",
        ("name", "the technical contact's name"),
        ("email address", "the technical contact's email address"),
        ("phone number", "the technical contact's phone number"),
    ),
    _item(
        "application",
        "Affected application and environment",
        "the URL of the affected application and its environment (production, staging, test, …)",
        ("URL", "the URL of the affected application"),
        ("environment", "the affected environment (production, staging, test, …)"),
    ),
    _item("problem", "Problem with steps to reproduce", "the problem, with the steps to reproduce it"),
    _item(
        "impact",
        "Business impact or use case",
        "the business impact (for example how many users or how much revenue is affected) or the use case",
    ),
    _item(
        "done",
        "Done so far",
        "what has been tried so far, and why a workaround is not practical",
        ("what was tried", "what has been tried so far"),
        ("why a workaround does not do", "why a workaround is not practical"),
    ),
    _item(
        "milestone",
        "Critical milestone date",
        "the date of any critical milestone (for example a go-live) this must be solved by",
    ),
)
EVIDENCE_PER_PART = 3


@dataclass(frozen=True)
class Known:
    """What the service already knows from the ticket, so the customer is not asked again."""

    case_id: int | None = None  # the case the escalation is about, when already known
    subject: str = ""
    organization: str | None = None  # the ticket's organization (its name, or any text naming it)
    requester_name: str | None = None
    requester_email: str | None = None
    requester_phone: str | None = None
    subdomains: frozenset[str] = frozenset()  # the account's Zendesk subdomains, as for find_references
    # The support organisation's own domains: its links and addresses are not the customer's.
    own_domains: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Finding:
    """One item: the evidence found, and the parts still missing."""

    item: Item
    evidence: tuple[str, ...] = ()
    missing: tuple[Part, ...] = ()

    @property
    def present(self) -> bool:
        """Nothing the item asks for is missing."""
        return not self.missing


@dataclass(frozen=True)
class Checklist:
    """Every item of ITEMS, in order, found or missing."""

    findings: tuple[Finding, ...] = ()

    def __getitem__(self, key: str) -> Finding:
        """Return the finding of the item with this key."""
        return next(f for f in self.findings if f.item.key == key)

    @property
    def missing(self) -> tuple[Finding, ...]:
        """The items with a part missing."""
        return tuple(f for f in self.findings if not f.present)


def check_request(text: str, known: Known = Known()) -> Checklist:
    """Check an escalation request (an email body, plain or HTML) against the checklist."""
    fresh, _ = split_quoted(plain_text(text))
    case = _case(fresh, known)
    fresh = f"{known.subject[:LIMIT]}\n{fresh}"  # "Production down, 500 users affected" is often the subject
    own = frozenset(d.lower() for d in known.own_domains | {account_host(s) for s in known.subdomains})
    found = {
        "case": case,
        "organization": _one(known.organization or contact.organization(fresh)),
        "contact": _contact(fresh, known, own),
        "application": (clues.application_urls(fresh, own), clues.environments(fresh)),
        "problem": (clues.steps(fresh),),
        "impact": (clues.impact(fresh),),
        "done": (clues.tried(fresh), clues.workaround(fresh)),
        "milestone": (clues.milestones(fresh),),
    }
    return Checklist(tuple(_finding(item, found[item.key]) for item in ITEMS))


def render_note(checklist: Checklist) -> str:
    """The internal note's lines: the items present with their evidence, then those missing."""
    present = [f for f in checklist.findings if f.present]
    lines = [f"Escalation request checklist: {len(present)} of {len(checklist.findings)} items present."]
    if present:
        lines += ["Present:", *(f"- {f.item.label}: {_shown(f.evidence)}" for f in present)]
    if checklist.missing:
        lines += ["Missing:", *(f"- {line}" for line in missing_lines(checklist))]
    return "\n".join(lines)


def missing_lines(checklist: Checklist) -> tuple[str, ...]:
    """What the request lacks, one line an item (the note's, and the episode's record for the sidebar)."""
    return tuple(_missing_line(f) for f in checklist.missing)


def render_customer_request(checklist: Checklist) -> str | None:
    """A polite public reply asking for what is missing; None when nothing is."""
    if not checklist.missing:
        return None
    asks = [f"- {ask}" for f in checklist.missing for ask in _asks(f)]
    return "\n".join(
        [
            "Hello,",
            "",
            "Thank you for your escalation request. So that the escalation team can act on it quickly, "
            "could you please reply with the following:",
            "",
            *asks,
            "",
            "If something does not apply, a short note saying so helps us just as much. Thank you.",
        ]
    )


def _finding(item: Item, evidence_per_part: tuple[tuple[str, ...], ...]) -> Finding:
    missing = tuple(part for part, evidence in zip(item.parts, evidence_per_part) if not evidence)
    # A few pieces of evidence per part explain the finding; more only lengthen the note.
    shown = tuple(e for evidence in evidence_per_part for e in evidence[:EVIDENCE_PER_PART])
    return Finding(item, shown, missing)


def _case(text: str, known: Known) -> tuple[tuple[str, ...]]:
    ids = (known.case_id,) if known.case_id else find_references(known.subject, text, known.subdomains)
    return (tuple(f"#{case_id}" for case_id in ids),)


def _contact(text: str, known: Known, own: frozenset[str]) -> tuple[tuple[str, ...], ...]:
    """Name, address and phone: from the text, else the requester's as the ticket has them."""
    written = contact.emails(text, own)
    addresses = written or _one(known.requester_email)[0]
    numbers = contact.phones(text) or _one(known.requester_phone)[0]
    name = contact.contact_name(text, addresses + numbers)
    if not name and (not written or known.requester_email in written):
        name = known.requester_name  # the requester is the contact, not someone else named by address
    return _one(name)[0], addresses, numbers


def _one(value: str | None) -> tuple[tuple[str, ...]]:
    return ((value,) if value else (),)


def _missing_line(finding: Finding) -> str:
    if len(finding.missing) == len(finding.item.parts):
        return finding.item.label
    wanted = ", ".join(part.label for part in finding.missing)
    return f"{finding.item.label}: {wanted} missing (found: {_shown(finding.evidence)})"


def _shown(evidence: tuple[str, ...]) -> str:
    """The customer's words found, each on the item's one line (a line break in them would start a line)."""
    return "; ".join(one_line(e) for e in evidence)


def _asks(finding: Finding) -> list[str]:
    if len(finding.missing) == len(finding.item.parts):
        return [finding.item.ask]
    return [part.ask for part in finding.missing]

"""Records as the fake Zendesk serves them, shared by the test worlds: a ticket, the SLA policy text, a schedule, the
hotline's Talk line."""

from datetime import datetime

CUSTOMER, AGENT, GROUP = 20978392, 235323, 98738
SLA = '\n[sla]\nwarn_before = "30m"\nbreach_level = 2\n'  # warnings 30 minutes before a breach, breaches at level 2
OFFICE = {
    "id": 7,
    "name": "Office",
    "time_zone": "Berlin",
    "holidays": [],
    "intervals": [{"start_time": day * 1440 + 540, "end_time": day * 1440 + 1020} for day in range(1, 6)],
}  # Monday to Friday, 09:00 to 17:00 in Berlin
HOTLINE = {
    "id": 360000610911,
    "number": "+14155550100",
    "display_number": "+1 (415) 555-0100",
    "nickname": "Escalation hotline",
    "capabilities": {"sms": False, "mms": False, "voice": True},
    "country_code": "US",
    "toll_free": False,
}  # the example policy's [phone] hotline as a Talk line of the account


def sla_policy_text(*lines: str) -> str:
    """The [sla] section (see SLA) with these further lines, one setting each."""
    return SLA + "".join(f"{line}\n" for line in lines)


def zendesk_ticket(
    ticket_id: int,
    created: datetime,
    *,
    status: str = "open",
    priority: str = "urgent",
    tags=("billing",),
    custom_fields=(),
    updated: datetime | None = None,
    generated: int | None = None,
    without=(),
    **more,
) -> dict:
    """A ticket's fields as Zendesk lists them (those the worker reads), assigned to AGENT in GROUP; `more` adds or
    replaces fields, `without` leaves some out."""
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    fields = {
        "id": ticket_id,
        "status": status,
        "priority": priority,
        "group_id": GROUP,
        "assignee_id": AGENT,
        "requester_id": CUSTOMER,
        "tags": list(tags),
        "follower_ids": [],
        "collaborator_ids": [],
        "email_cc_ids": [],
        "created_at": stamp,
        "updated_at": (updated or created).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "generated_timestamp": int(created.timestamp()) if generated is None else generated,
        "custom_fields": list(custom_fields),
        **more,
    }
    return {name: value for name, value in fields.items() if name not in without}


def listed_ticket(ticket_id: int, created: datetime, **fields) -> dict:
    """A ticket as Zendesk's ticket endpoint answers it: {"ticket": zendesk_ticket(...)}."""
    return {"ticket": zendesk_ticket(ticket_id, created, **fields)}

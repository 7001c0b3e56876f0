"""`escalator check` on the escalation hotline: each [phone] number and line is a Talk line of the account."""

from typing import Any

from ..core.call import e164
from .check_context import OK, PROBLEM, Context, Row

LINES_PAGE = "Admin Center > Channels > Talk and email > Talk > Lines"


def check_hotline(ctx: Context) -> list[Row]:
    """Every number and line of [phone] is one of the account's Talk lines, and takes calls."""
    hotline = ctx.policy.phone
    if not hotline.enabled:
        return []
    lines = ctx.read("talk lines", ctx.admin.talk_numbers)
    by_number = {e164(line.get("number")): line for line in lines}
    by_id = {line.get("id"): line for line in lines}
    return [_row(f"phone {number}", by_number.get(number), "phone.numbers") for number in sorted(hotline.numbers)] + [
        _row(f"line {n}", by_id.get(n), "phone.line_ids") for n in sorted(hotline.line_ids)
    ]


def _row(subject: str, line: dict[str, Any] | None, where: str) -> Row:
    if line is None:
        return Row(
            PROBLEM,
            subject,
            f"not a Talk line of this account ({where}): calls to it never reach Zendesk; "
            f"correct it ({LINES_PAGE} lists the lines)",
        )
    said = f'{line.get("display_number") or line.get("number")} "{line.get("nickname") or line.get("name") or ""}"'
    if (line.get("capabilities") or {}).get("voice") is False:
        return Row(PROBLEM, subject, f"{said} takes no calls (no voice capability) ({where})")
    return Row(OK, subject, f"{said}, line {line.get('id')} ({where})")

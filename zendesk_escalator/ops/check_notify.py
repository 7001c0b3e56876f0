"""`escalator check` on the chat targets: each one's secret is in the environment, and on request a test message.

No row shows a secret: a variable is named, never its value.
"""

from typing import Mapping

from ..chat.senders import message_for, sender_for
from ..core.channels import SLACK_BOT, NotifyTarget
from ..core.policy import Policy
from ..errors import NoticeFailed
from .check_context import OK, PROBLEM, Row


def check_notify(policy: Policy, environ: Mapping[str, str], timeout: float, send_test: bool) -> list[Row]:
    """A row per [[notify]] target: its environment variable, and with `send_test` what the chat answered."""
    rows = []
    for n, target in enumerate(policy.notify, 1):
        key = "token_env" if target.kind == SLACK_BOT else "url_env"
        subject, where = f"notify {target.name}", f"notify[{n}].{key}"
        to = f" to channel {target.channel}" if target.kind == SLACK_BOT else ""
        if not (environ.get(target.secret_env) or "").strip():
            rows.append(
                Row(
                    PROBLEM,
                    subject,
                    f"{target.secret_env} is not set ({where}): its notices would fail and be kept dead",
                )
            )
        elif not send_test:
            rows.append(
                Row(
                    OK,
                    subject,
                    f"{target.kind}{to}: {target.secret_env} is set (`check --notify-test` sends a test message)",
                )
            )
        else:
            rows.append(_test(target, environ, timeout, subject, to))
    return rows


def _test(target: NotifyTarget, environ: Mapping[str, str], timeout: float, subject: str, to: str) -> Row:
    try:
        answer = sender_for(target, environ, timeout).send(message_for(target, None))
    except NoticeFailed as error:
        return Row(PROBLEM, subject, f"test message{to} not delivered: {error}")
    return Row(OK, subject, f"test message sent{to}: {target.kind} answered {answer}")

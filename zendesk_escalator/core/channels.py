"""The policy's outside channels (pure): the escalation hotline that escalates, the chat targets that are told."""

from dataclasses import dataclass
from typing import cast

OPENED, LEVEL, REMINDER, BREACH, REOPENED, CLOSED = "opened", "level", "reminder", "breach", "reopened", "closed"
# Every event a notice can be for, in the order a step's events name it (the first a target takes wins).
EVENTS = (BREACH, LEVEL, OPENED, REOPENED, REMINDER, CLOSED)
SLACK_WEBHOOK, SLACK_BOT, TEAMS_WORKFLOW = "slack_webhook", "slack_bot", "teams_workflow"
TARGET_KINDS = (SLACK_WEBHOOK, SLACK_BOT, TEAMS_WORKFLOW)
SLACK_API = "https://slack.com/api/"


@dataclass(frozen=True)
class HotlinePolicy:
    """The escalation hotline: a call ticket from Zendesk Talk to one of these numbers (or lines) escalates."""

    numbers: frozenset[str] = frozenset()  # E.164, e.g. "+14155550100"
    line_ids: frozenset[int] = frozenset()  # Talk lines, resolved to their numbers by the worker
    level: int = 2
    priority: str | None = None
    reason: str = "phone"

    @property
    def enabled(self) -> bool:
        """A [phone] section names a number or a line."""
        return bool(self.numbers or self.line_ids)


@dataclass(frozen=True)
class NoticeFilter:
    """Which steps of an escalation a chat target is told of; an empty part takes every one."""

    levels: frozenset[int] = frozenset()
    reasons: frozenset[str] = frozenset()
    events: frozenset[str] = frozenset()

    def first_event(self, events: tuple[str, ...], level: int, reason: str) -> str | None:
        """The event of a step this filter takes (None: the target is not told of it)."""
        if self.levels and level not in self.levels or self.reasons and reason not in self.reasons:
            return None
        return next((event for event in events if not self.events or event in self.events), None)


@dataclass(frozen=True)
class NotifyTarget:
    """One chat destination; its secrets are read from the environment variables it names, never the file."""

    name: str
    kind: str  # slack_webhook | slack_bot | teams_workflow
    when: NoticeFilter = NoticeFilter()
    url_env: str | None = None  # slack_webhook, teams_workflow: the variable holding the webhook URL
    token_env: str | None = None  # slack_bot: the variable holding the bot token (xoxb-…)
    channel: str | None = None  # slack_bot: the channel id or name
    api_url: str = SLACK_API  # slack_bot: Slack's Web API (GovSlack: https://slack-gov.com/api/)

    @property
    def secret_env(self) -> str:
        """The environment variable holding this target's secret."""
        # The policy file's schema requires the variable of the target's kind, so it is never None here.
        return cast(str, self.token_env if self.kind == SLACK_BOT else self.url_env)

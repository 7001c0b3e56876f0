"""Bounded label values for the escalation metrics: the reasons, levels and SLA metrics a policy can produce.

A label value outside the policy's set is counted as "other", so a scrape never
grows with what tickets carry. The reason and level of an escalation are the
outcome's (core/lifecycle/episode.py's escalation_made): an escalation opened or raised,
not every update that shows the level again.
"""

from dataclasses import dataclass

from ..core.policy import Policy
from ..core.sla.timers import BREACH, NAMES, OWN_TARGET, WARNING

OTHER = "other"
FIXED_REASONS = frozenset({"customer_cc", "manual", WARNING, BREACH})  # the rules' own; impacts add theirs
ESCALATING = frozenset({"escalated", "re-escalated", "reopened"})  # outcomes that sent an escalation update


@dataclass(frozen=True)
class Labels:
    """The label values a policy allows."""

    reasons: frozenset[str]
    levels: frozenset[str]
    metrics: frozenset[str]

    @classmethod
    def of(cls, policy: Policy | None) -> "Labels":
        """The values this policy can produce (without one: the fixed reasons, levels 1-3, Zendesk's metrics)."""
        if policy is None:
            return cls(FIXED_REASONS, frozenset({"1", "2", "3"}), frozenset(NAMES))
        reasons = FIXED_REASONS | {impact.reason for impact in policy.impacts} | {policy.recurring.reason}
        levels = {level.level for level in policy.levels} | {
            policy.cc.level,
            policy.manual.level,
            policy.sla.warning_level,
            policy.sla.breach_level,
            policy.sla.max_level,
            policy.recurring.level,
        }
        return cls(
            frozenset(reasons), frozenset(str(n) for n in levels), frozenset(NAMES) | policy.sla.metrics | {OWN_TARGET}
        )

    def reason(self, value: str | None) -> str:
        """The label for a reason."""
        return value if value in self.reasons else OTHER

    def level(self, value: object) -> str:
        """The label for a level."""
        return str(value) if str(value) in self.levels else OTHER

    def metric(self, value: str | None) -> str:
        """The label for an SLA metric."""
        return value if value in self.metrics else OTHER

"""[[levels]]: entries only for the levels the policy describes."""

from support.policy_texts import MINIMAL

from zendesk_escalator.schemas.policy_file import parse_policy


def test_levels_need_no_entries_when_no_level_is_described():
    policy = parse_policy(MINIMAL + "[cc]\nlevel = 7\n[sla]\nmax_level = 9\n")
    assert (policy.cc.level, policy.levels) == (7, ())

"""`escalator check` on the escalation hotline: its numbers and lines against the account's Talk lines."""

from conftest import EXTRA_ROUTE, SAMPLES
from support.check_account import check
from support.zendesk_records import HOTLINE

LINES = [
    HOTLINE,
    {
        "id": 360000610912,
        "number": "+14155550199",
        "display_number": "+1 (415) 555-0199",
        "nickname": "Texts",
        "capabilities": {"sms": True, "mms": False, "voice": False},
    },
]


def policy(phone: str) -> str:
    return (SAMPLES / "policy.toml").read_text() + EXTRA_ROUTE + "\n[phone]\n" + phone


def test_each_hotline_number_and_line_is_a_talk_line_of_the_account(zendesk, tmp_path, capsys):
    fake = zendesk(talk_lines=LINES)
    code, rows, lines = check(
        tmp_path,
        capsys,
        fake,
        policy('numbers = ["+14155550100", "+14155550111"]\nline_ids = [360000610911, 360000610912]\n'),
    )
    assert code == 1
    assert {k: v for k, v in rows.items() if k.startswith(("phone", "line"))} == {
        "phone +14155550100": "OK",
        "phone +14155550111": "PROBLEM",
        "line 360000610911": "OK",
        "line 360000610912": "PROBLEM",
    }
    said = "\n".join(lines)
    assert '+1 (415) 555-0100 "Escalation hotline", line 360000610911 (phone.numbers)' in said
    assert "not a Talk line of this account (phone.numbers): calls to it never reach Zendesk" in said
    assert "takes no calls (no voice capability) (phone.line_ids)" in said
    assert [r.path for r in fake.requests].count("/api/v2/channels/voice/phone_numbers.json") == 1


def test_without_a_hotline_no_talk_line_is_read(zendesk, tmp_path, capsys):
    fake = zendesk(talk_lines=LINES)
    check(tmp_path, capsys, fake)
    assert "/api/v2/channels/voice/phone_numbers.json" not in [r.path for r in fake.requests]

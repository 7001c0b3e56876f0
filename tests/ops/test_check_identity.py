"""`escalator check`'s first rows: the credentials Zendesk answers, the integration user they are, its role."""

from conftest import SAMPLES
from support.check_account import check
from support.fake_zendesk import Fault


def test_the_integration_user_must_be_the_user_of_the_credentials(zendesk, tmp_path, capsys):
    text = (SAMPLES / "policy.toml").read_text()
    _, rows, lines = check(
        tmp_path,
        capsys,
        zendesk(),
        text.replace("integration_user_id = 900000000001", "integration_user_id = 900000000011"),
    )
    assert rows["integration user"] == "PROBLEM"
    code, rows, lines = check(tmp_path, capsys, zendesk(), text.replace("integration_user_id = 900000000001", ""))
    assert (code, rows["integration user"], lines[-1][:26]) == (0, "WARN", "0 problem(s), 1 warning(s)")
    assert "set it to 900000000001" in "\n".join(lines)


def test_refused_credentials_stop_the_checks_after_one_call(zendesk, tmp_path, capsys):
    fake = zendesk()
    fake.fault = lambda method, path, n: Fault(401, {"error": "Couldn't authenticate you"})
    code, rows, lines = check(tmp_path, capsys, fake)
    assert code == 1 and len(fake.requests) == 1
    assert lines[1].startswith("PROBLEM  credentials") and "Zendesk refused the credentials (401)" in lines[1]
    assert lines[2].split()[:3] == ["PROBLEM", "the", "rest"]

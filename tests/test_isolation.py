"""`make test` never uses the admin's own account: not the checkout's .env, not ZENDESK_*/ESCALATOR_* of the shell.

The README has the admin write real credentials to ./.env; the suite then runs in the same
checkout. Here a .env and a shell that name a recording server stand in for the real account,
and a run of the tests that start processes (`make run`, `escalator run`, python -c) or read
settings in-process must pass without that server hearing a single request.
"""

import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from support.processes import ROOT

DOTENV = ROOT / ".env"
# The tests run again in a child pytest, as the admin would run them: they start processes
# (make run; the Procfile and `escalator run`; python -c) and read settings in-process.
CHOSEN = [
    "tests/test_isolation.py::test_a_test_sees_none_of_the_admins_settings",
    "tests/scenarios/test_make_run.py::test_make_run_listens_on_loopback_only_and_says_so",
    "tests/test_gunicorn_conf.py",
    "tests/scenarios/test_e2e.py::test_signed_cc_webhook_escalates_the_ticket_exactly_once",
    "tests/test_cli.py",
]


class Recorder(ThreadingHTTPServer):
    """The 'real account': it records every request and refuses it."""

    def __init__(self):
        self.heard: list[str] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                recorder.heard.append(f"{self.command} {self.path}")
                self.send_response(401)
                self.end_headers()

            do_POST = do_PUT = do_DELETE = do_GET

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"


@pytest.fixture
def real_account():
    server = Recorder()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def admin_settings(url: str, database: Path) -> dict:
    return {
        "ZENDESK_SUBDOMAIN": "realco",
        "ZENDESK_EMAIL": "admin@realco.example",
        "ZENDESK_API_TOKEN": "real",
        "ZENDESK_API_URL": url,
        "ZENDESK_WEBHOOK_SECRET": "the-real-secret",
        "DATABASE_URL": f"sqlite:///{database}",
        "ESCALATOR_RULES": str(ROOT / "examples" / "escalation.toml"),
    }


@pytest.mark.e2e
def test_the_suite_never_reaches_the_account_of_the_admins_env_file_or_shell(real_account, tmp_path):
    try:
        written = DOTENV.open("x")  # never over the admin's own
    except FileExistsError:
        pytest.skip(f"{DOTENV} exists (yours): this proof writes its own there")
    with written:
        written.write("# written by tests/test_isolation.py for one test; delete it if it outlived the run\n")
        written.write(
            "".join(
                f"{key}={value}\n" for key, value in admin_settings(real_account.url, tmp_path / "dotenv.db").items()
            )
        )
    shell = admin_settings(real_account.url, tmp_path / "shell.db")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *CHOSEN],
            cwd=ROOT,
            env={**os.environ, **shell},
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        DOTENV.unlink()
    assert real_account.heard == []
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert not (tmp_path / "dotenv.db").exists() and not (tmp_path / "shell.db").exists()


def test_a_test_sees_none_of_the_admins_settings():
    """Run alone it proves little; run by the test above, under the admin's shell and .env, it is the proof."""
    from zendesk_escalator.settings import load_settings

    assert [key for key in os.environ if key.startswith(("ZENDESK_", "ESCALATOR_")) or key == "DATABASE_URL"] == []
    settings = load_settings(web=False)
    assert (settings.api_url, settings.has_credentials) == (None, False)

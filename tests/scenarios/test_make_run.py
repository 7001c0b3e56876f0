"""`make run`, the local try-out, accepts unsigned webhooks: it listens on this machine only unless HOST says so."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from support.processes import ROOT, free_port, ready, wait_until

pytestmark = pytest.mark.e2e
VENV = Path(sys.executable).parent.parent


def listening_addresses(port: int) -> set[str]:
    """The local addresses with a listening TCP socket on `port` (IPv4, from /proc/net/tcp)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, local_port = local.split(":")
        if state == "0A" and int(local_port, 16) == port:  # 0A: LISTEN
            found.add(".".join(str(int(address[i : i + 2], 16)) for i in (6, 4, 2, 0)))
    return found


@pytest.fixture
def make_run(tmp_path):
    started = []

    def start(**env) -> tuple[int, Path]:
        port, log = free_port(), tmp_path / f"make-run-{len(started)}.log"
        environ = {
            k: v
            for k, v in os.environ.items()
            if k not in ("HOST", "ZENDESK_WEBHOOK_SECRET", "PROMETHEUS_MULTIPROC_DIR", "LOG_FORMAT")
        }
        environ.update(
            PORT=str(port),
            DATABASE_URL=f"sqlite:///{tmp_path}/run-{len(started)}.db",
            ESCALATOR_RULES=str(ROOT / "examples" / "escalation.toml"),
            PYTHONPATH=str(ROOT),
            **env,
        )
        # -o: the virtualenv this test runs in is installed; make must not rebuild it. -f, in a directory
        # of the test's: the checkout's own .env and escalation.toml (the admin's) are not read.
        proc = subprocess.Popen(
            ["make", "-s", "-f", str(ROOT / "Makefile"), "-o", f"{VENV}/.installed", "run", f"VENV={VENV}"],
            cwd=tmp_path,
            env=environ,
            stdout=open(log, "w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append(proc)
        assert wait_until(lambda: ready(f"http://127.0.0.1:{port}"), timeout=30), log.read_text()[-3000:]
        return port, log

    yield start
    for proc in started:  # make does not pass SIGTERM on: the whole group gets it
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def test_make_run_listens_on_loopback_only_and_says_so(make_run):
    port, log = make_run()
    assert listening_addresses(port) == {"127.0.0.1"}
    assert f"listening on http://127.0.0.1:{port}: this machine only (set HOST=0.0.0.0" in log.read_text()


def test_host_opens_it_to_every_interface_with_a_warning_while_unsigned(make_run):
    port, log = make_run(HOST="0.0.0.0")
    assert listening_addresses(port) == {"0.0.0.0"}
    assert f"listening on http://0.0.0.0:{port} while UNSIGNED WEBHOOKS ARE ACCEPTED" in log.read_text()

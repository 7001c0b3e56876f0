"""Start and stop the real service processes for end-to-end tests."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from conftest import SAMPLES, SECRET

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, timeout=20.0, interval=0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval)
    return False


def service_env(fake_url: str, database_url: str, **overrides) -> dict:
    env = {
        **os.environ,
        "ZENDESK_SUBDOMAIN": "acme",
        "ZENDESK_EMAIL": "bot@acme.example",
        "ZENDESK_API_TOKEN": "t0ken",
        "ZENDESK_WEBHOOK_SECRET": SECRET,
        "ZENDESK_API_URL": fake_url,
        "DATABASE_URL": database_url,
        "ESCALATOR_RULES": str(SAMPLES / "policy.toml"),
        "LOG_LEVEL": "INFO",
        "PYTHONPATH": str(ROOT),
    }  # this checkout's code, whatever the venv's editable install points at
    env.pop("ESCALATOR_DRY_RUN", None)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # Procs gives each test its own
    env.update({k: str(v) for k, v in overrides.items()})
    return env


class Procs:
    """The processes of one test; all are stopped at the end."""

    def __init__(self, env: dict, logs: Path):
        self.env, self.logs = env, logs
        logs.mkdir(parents=True, exist_ok=True)
        env.setdefault("PROMETHEUS_MULTIPROC_DIR", str(logs / "prometheus"))  # shared by this test's processes only
        self.running: list[subprocess.Popen] = []
        self.count = 0

    def spawn(self, name: str, cmd: list[str]) -> subprocess.Popen:
        self.count += 1
        log = self.logs / f"{self.count:03d}-{name}.log"
        proc = subprocess.Popen(
            cmd, env=self.env, cwd=self.logs, stdout=open(log, "w"), stderr=subprocess.STDOUT, start_new_session=True
        )  # its own group: killpg
        proc.log = log
        self.running.append(proc)
        return proc

    def web(self, port: int, workers: int = 2) -> subprocess.Popen:
        """The Procfile's own `web:` command, on loopback, with `workers` processes."""
        self.env.update(web_env(port, workers))
        proc = self.spawn("web", web_command())
        assert wait_until(lambda: ready(f"http://127.0.0.1:{port}")), self.tail()
        return proc

    def worker(self, *options: str, wait: bool = True) -> subprocess.Popen:
        proc = self.spawn("worker", [str(BIN / "escalator"), "worker", "--poll-interval", "0.05", *options])
        if wait:  # until its signal handlers are in place
            assert wait_until(lambda: " started" in proc.log.read_text()), self.tail()
        return proc

    def embedded(self, port: int) -> subprocess.Popen:
        self.env["PORT"] = str(port)
        proc = self.spawn("run", [str(BIN / "escalator"), "run", "--host", "127.0.0.1"])
        assert wait_until(lambda: ready(f"http://127.0.0.1:{port}")), self.tail()
        return proc

    def stop(self, proc: subprocess.Popen, timeout: float = 15) -> int:
        proc.terminate()
        return proc.wait(timeout=timeout)

    def stop_all(self) -> list[int]:
        """SIGTERM every process and return the exit codes; one still running 15 s later is killed
        with its children (-9 in the codes), so a hung shutdown fails a test that checks the codes
        and never leaves processes behind."""
        for proc in self.running:
            if proc.poll() is None:
                proc.terminate()
        codes = []
        for proc in self.running:
            try:
                codes.append(proc.wait(timeout=15))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                codes.append(proc.wait(timeout=15))
        return codes

    def tail(self) -> str:
        return "\n".join(p.read_text()[-2000:] for p in sorted(self.logs.glob("*.log")))


def python(code: str, **env: str) -> str:
    """Run `code` in a fresh interpreter with these environment variables added; return what it printed.

    It runs in the test's own directory (not the checkout, whose .env may be the admin's), on this checkout's code."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def procfile() -> dict[str, str]:
    """The process types of the Procfile: name -> command."""
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if ": " in line)


def web_command(app: str = "zendesk_escalator.app:create_app()", extra_args: str = "") -> list[str]:
    """The Procfile's `web:` command bound to loopback, serving `app`; `extra_args` override."""
    command = (
        procfile()["web"]
        .replace("0.0.0.0", "127.0.0.1")
        .replace('"zendesk_escalator.app:create_app()"', f"'{app}' {extra_args}")
    )
    return ["bash", "-c", f"exec env {command}"]  # env: the command may start with VAR=value


def web_env(port: int, workers: int) -> dict:
    """What the Procfile's web command reads: its port, process count and our gunicorn."""
    return {"PORT": str(port), "WEB_CONCURRENCY": str(workers), "PATH": f"{BIN}:{os.environ.get('PATH', '')}"}


def ready(base: str) -> bool:
    try:
        return requests.get(f"{base}/readyz", timeout=1).status_code == 200
    except requests.RequestException:  # not listening yet, or still importing the app
        return False

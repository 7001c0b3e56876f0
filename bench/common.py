"""Helpers shared by the benchmarks: servers on loopback, signing, percentiles."""

import functools
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret"
sys.path.insert(0, str(ROOT / "tests"))  # the fake Zendesk and process helpers live with the tests

from support.processes import BIN, free_port, ready, wait_until, web_command, web_env  # noqa: E402,F401  (re-exported)


def gunicorn(app: str, port: int, env: dict, log: Path, extra_args: str = "") -> subprocess.Popen:
    """Start the Procfile's `web:` command serving `app` (2 processes: 2 cores here).

    `extra_args` are appended, so they override the Procfile's settings
    (e.g. "--worker-class gthread --threads 32").
    """
    proc = subprocess.Popen(
        web_command(app, extra_args),
        env={**env, **web_env(port, workers=2)},
        cwd=ROOT,
        stdout=open(log, "w"),
        stderr=subprocess.STDOUT,
    )
    if wait_until(lambda: ready(f"http://127.0.0.1:{port}"), timeout=20, interval=0.1):
        return proc
    proc.kill()
    raise SystemExit(f"server did not start; see {log}")


def scratch_database(database_url: str) -> str:
    """Drop the service's tables and migrate anew: benchmark figures must not depend on leftovers."""
    from conftest import drop_everything

    from zendesk_escalator.store.handle import Database

    database = Database(database_url)
    drop_everything(database)
    database.migrate()
    database.close()
    return database_url


def service_env(database_url: str, **extra) -> dict:
    env = {
        **os.environ,
        "ZENDESK_WEBHOOK_SECRET": SECRET,
        "DATABASE_URL": database_url,
        "ESCALATOR_RULES": str(ROOT / "tests" / "samples" / "policy.toml"),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        # this checkout's code (whatever the venv's editable install points at), and bench/ for bare_app
        "PYTHONPATH": os.pathsep.join((str(ROOT), str(ROOT / "bench"))),
    }
    env.update({k: str(v) for k, v in extra.items()})
    return env


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()}"


@functools.cache
def commit() -> str:
    """The commit measured (docs/PERFORMANCE.md names it with each figure), marked when the tree differs from it."""
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    changed = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
    )
    if head.returncode:
        return "unknown (not a git checkout)"
    return head.stdout.strip() + (" with uncommitted changes" if changed.stdout.strip() else "")


commit()  # as the benchmark starts: the tree may change while it runs

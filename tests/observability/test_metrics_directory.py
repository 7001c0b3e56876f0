"""The shared metrics directory: created, wiped when a new run begins, never while a process uses it."""

import logging
import os
import subprocess
import sys

from support.processes import ROOT, python

from zendesk_escalator.observability import metrics_directory

HOLD = (
    "from zendesk_escalator.observability import metrics_directory; "
    "metrics_directory.prepare(); print('held', flush=True); input()"
)


def test_a_new_run_creates_the_directory_and_starts_it_empty(tmp_path):
    directory = tmp_path / "metrics"
    first = metrics_directory.DirectoryInUse(str(directory))
    assert directory.is_dir() and first.wiped
    (directory / "counter_4242.db").write_bytes(b"x")  # written during this run
    first.close()
    second = metrics_directory.DirectoryInUse(str(directory))
    assert second.wiped and not list(directory.glob("*.db"))
    second.close()


def test_nothing_is_wiped_while_another_process_uses_the_directory(tmp_path):
    directory = tmp_path / "metrics"
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, metrics_directory.ENV: str(directory)},
    )
    try:
        assert other.stdout.readline() == "held\n"
        (directory / "counter_4242.db").write_bytes(b"x")  # a dead process's counts, still in the totals
        beside = metrics_directory.DirectoryInUse(str(directory))
        assert not beside.wiped and (directory / "counter_4242.db").exists()
        beside.close()
    finally:
        other.kill()  # SIGKILL: the kernel lets go of its lock all the same
        other.wait()
    after = metrics_directory.DirectoryInUse(str(directory))
    assert after.wiped and not (directory / "counter_4242.db").exists()
    after.close()


def test_a_dead_process_loses_its_live_gauges_and_keeps_its_counts(tmp_path):
    names = ["gauge_livesum_77.db", "gauge_all_77.db", "counter_77.db", "gauge_livesum_78.db"]
    python(
        "from zendesk_escalator.observability import metrics_directory\n"
        "from pathlib import Path\n"
        "directory = metrics_directory.prepare().path\n"
        f"for name in {names!r}: (Path(directory) / name).write_bytes(b'x')\n"
        "metrics_directory.process_ended(77)",
        **{metrics_directory.ENV: str(tmp_path)},
    )
    assert sorted(p.name for p in tmp_path.glob("*.db")) == sorted(set(names) - {"gauge_livesum_77.db"})


def test_a_variable_set_after_start_is_ignored_and_said_so(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv(metrics_directory.ENV, str(tmp_path))  # as a .env file would, after prometheus_client's import
    with caplog.at_level(logging.WARNING):
        assert metrics_directory.prepare() is None and metrics_directory.directory() is None
    assert "PROMETHEUS_MULTIPROC_DIR was set after the process started" in caplog.text


def test_without_the_variable_each_process_counts_alone(monkeypatch):
    monkeypatch.delenv(metrics_directory.ENV, raising=False)
    assert metrics_directory.directory() is None and metrics_directory.prepare() is None
    metrics_directory.process_ended(77)  # nothing to forget

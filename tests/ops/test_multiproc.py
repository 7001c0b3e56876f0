"""The shared metrics directory: created, wiped when a new run begins, never while a process uses it."""

import subprocess
import sys

import pytest

from processes import ROOT
from zendesk_escalator.ops import multiproc

HOLD = "from zendesk_escalator.ops import multiproc; multiproc.prepare(); print('held', flush=True); input()"


@pytest.fixture
def directory(tmp_path, monkeypatch):
    path = tmp_path / "metrics"  # not there yet
    monkeypatch.setenv(multiproc.ENV, str(path))
    return path


def test_a_new_run_creates_the_directory_and_starts_it_empty(directory):
    first = multiproc.prepare()
    assert directory.is_dir() and first.wiped
    (directory / "counter_4242.db").write_bytes(b"x")  # written during this run
    first.close()
    second = multiproc.prepare()
    assert second.wiped and not list(directory.glob("*.db"))
    second.close()


def test_nothing_is_wiped_while_another_process_uses_the_directory(directory):
    other = subprocess.Popen([sys.executable, "-c", HOLD], cwd=ROOT, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline() == "held\n"
        (directory / "counter_4242.db").write_bytes(b"x")  # a dead process's counts, still in the totals
        beside = multiproc.prepare()
        assert not beside.wiped and (directory / "counter_4242.db").exists()
        beside.close()
    finally:
        other.kill()  # SIGKILL: the kernel lets go of its lock all the same
        other.wait()
    after = multiproc.prepare()
    assert after.wiped and not (directory / "counter_4242.db").exists()
    after.close()


def test_a_dead_process_loses_its_live_gauges_and_keeps_its_counts(directory):
    directory.mkdir()
    names = ["gauge_livesum_77.db", "gauge_all_77.db", "counter_77.db", "gauge_livesum_78.db"]
    for name in names:
        (directory / name).write_bytes(b"x")
    multiproc.process_ended(77)
    assert sorted(p.name for p in directory.iterdir()) == sorted(set(names) - {"gauge_livesum_77.db"})


def test_without_the_variable_each_process_counts_alone(monkeypatch):
    monkeypatch.delenv(multiproc.ENV, raising=False)
    assert multiproc.directory() is None and multiproc.prepare() is None
    multiproc.process_ended(77)  # nothing to forget

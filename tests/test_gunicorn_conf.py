"""The gunicorn hooks: the metrics directory held by the master, dead workers forgotten, gunicorn's lines in
our format."""

import json

from gunicorn.config import Config
from support.processes import python

from zendesk_escalator import gunicorn_conf
from zendesk_escalator.observability import metrics_directory

MASTER = """
from pathlib import Path
from types import SimpleNamespace
from zendesk_escalator import gunicorn_conf
arbiter = SimpleNamespace()
gunicorn_conf.on_starting(arbiter)
print(arbiter.escalator_metrics_dir.path, arbiter.escalator_metrics_dir.wiped)
Path(arbiter.escalator_metrics_dir.path, "gauge_livemax_99.db").write_bytes(b"x")
gunicorn_conf.child_exit(arbiter, SimpleNamespace(pid=99))
print(sorted(p.name for p in Path(arbiter.escalator_metrics_dir.path).iterdir()))
"""


def test_the_master_holds_the_directory_and_forgets_dead_workers(tmp_path):
    directory = tmp_path / "metrics"
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "counter_98.db").write_bytes(b"x")  # of an earlier run
    printed = python(MASTER, **{metrics_directory.ENV: str(directory)}).splitlines()
    assert printed == [f"{directory} True", "['in-use.lock']"]


def test_gunicorn_lines_follow_log_format(monkeypatch, capsys):
    monkeypatch.setenv("LOG_FORMAT", "json")
    gunicorn_conf.Logger(Config()).info("Booting worker with pid: %s", 42)
    line = json.loads(capsys.readouterr().err)
    assert (line["logger"], line["level"], line["message"]) == ("gunicorn.error", "INFO", "Booting worker with pid: 42")


def test_bad_settings_leave_gunicorn_its_own_format(monkeypatch, capsys):
    monkeypatch.setenv("LOG_FORMAT", "xml")  # the app names the problem when it loads
    gunicorn_conf.Logger(Config()).info("Booting worker with pid: %s", 42)
    assert "[INFO] Booting worker with pid: 42" in capsys.readouterr().err

"""The policy file the workers started with (worker/policy_started): its fingerprint kept in the store, and
whether the file was edited since. (`escalator check` saying so is tests/ops/test_check.py.)"""

import hashlib
import json
from datetime import datetime, timedelta, timezone

from conftest import SAMPLES

from zendesk_escalator.store.cursors import Cursors
from zendesk_escalator.worker.policy_started import KEY, edited_since_start, fingerprint, mark_started

START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def policy_file(tmp_path, text: str = "") -> str:
    path = tmp_path / "policy.toml"
    path.write_text((SAMPLES / "policy.toml").read_text() + text)
    return str(path)


def test_the_fingerprint_is_the_files_sha256_or_none_when_unreadable(tmp_path):
    path = policy_file(tmp_path)
    assert fingerprint(path) == hashlib.sha256((tmp_path / "policy.toml").read_bytes()).hexdigest()
    assert fingerprint(str(tmp_path / "missing.toml")) is None
    assert fingerprint(str(tmp_path)) is None  # a directory: not a file to read


def test_a_start_is_kept_with_its_moment_and_the_file_unchanged_since_is_not_edited(inbox, tmp_path):
    path = policy_file(tmp_path)
    mark_started(inbox, path, START)
    assert json.loads(Cursors(inbox.database).get(KEY)) == {"sha256": fingerprint(path), "at": START.timestamp()}
    assert edited_since_start(inbox, path) is None


def test_an_edit_after_the_start_is_told_with_when_the_service_started(inbox, tmp_path):
    path = policy_file(tmp_path)
    mark_started(inbox, path, START)
    (tmp_path / "policy.toml").write_text((SAMPLES / "policy.toml").read_text() + "\n# edited\n")
    assert edited_since_start(inbox, path) == START


def test_the_last_process_to_start_speaks_for_all(inbox, tmp_path):
    path = policy_file(tmp_path)
    mark_started(inbox, path, START)
    (tmp_path / "policy.toml").write_text((SAMPLES / "policy.toml").read_text() + "\n# edited\n")
    later = START + timedelta(hours=1)
    mark_started(inbox, path, later)  # a restart read the edited file
    assert edited_since_start(inbox, path) is None
    (tmp_path / "policy.toml").write_text((SAMPLES / "policy.toml").read_text())
    assert edited_since_start(inbox, path) == later


def test_nothing_is_told_without_a_start_kept_or_a_file_to_read(inbox, tmp_path):
    path = policy_file(tmp_path)
    assert edited_since_start(inbox, path) is None  # the service never started on this database
    mark_started(inbox, str(tmp_path / "missing.toml"), START)  # a policy given otherwise (tests)
    assert Cursors(inbox.database).get(KEY) is None
    mark_started(inbox, path, START)
    assert edited_since_start(inbox, str(tmp_path / "gone.toml")) is None

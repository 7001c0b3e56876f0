import os
import threading
import time

import pytest

from zendesk_escalator.errors import StorageUnavailable
from zendesk_escalator.store.group_commit import GroupCommit


def test_each_caller_gets_its_own_result():
    committer = GroupCommit(lambda items: [item * 2 for item in items])
    assert [committer.submit(n) for n in range(5)] == [0, 2, 4, 6, 8]


def test_waiting_callers_share_one_transaction():
    batches = []

    def commit(items):
        batches.append(list(items))
        time.sleep(0.2)  # a slow disk: everyone arriving meanwhile joins the next batch
        return [True] * len(items)

    committer = GroupCommit(commit)
    first = threading.Thread(target=committer.submit, args=("first",))
    first.start()
    time.sleep(0.05)
    others = [threading.Thread(target=committer.submit, args=(n,)) for n in range(10)]
    for thread in others:
        thread.start()
    for thread in [first, *others]:
        thread.join()
    assert batches[0] == ["first"]
    assert sorted(batches[1]) == list(range(10))


def test_a_failed_transaction_fails_every_caller_in_it():
    def commit(items):
        time.sleep(0.05)
        raise StorageUnavailable("disk full")

    committer = GroupCommit(commit)
    errors = []

    def call(n):
        try:
            committer.submit(n)
        except StorageUnavailable as error:
            errors.append(str(error))

    threads = [threading.Thread(target=call, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == ["disk full"] * 4


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_works_in_a_forked_child_like_a_gunicorn_worker():
    committer = GroupCommit(lambda items: [os.getpid()] * len(items))
    parent = committer.submit("x")
    pid = os.fork()
    if pid == 0:  # the child must get its own writer thread, not wait on the parent's
        os._exit(0 if committer.submit("y") == os.getpid() else 1)
    _, status = os.waitpid(pid, 0)
    assert parent == os.getpid() and os.waitstatus_to_exitcode(status) == 0

"""Wake-ups: the doorbell a process's idle workers wait on, and SQLite's pipe between processes."""

import os
import threading
import time

from zendesk_escalator.store.wakeup import DEAF_POLL, KEPT, Doorbell, PipeBell


def test_a_ring_wakes_a_waiting_thread_at_once():
    doorbell, woken = Doorbell(), []
    waiter = threading.Thread(target=lambda: woken.append(doorbell.wait(10)))
    waiter.start()
    time.sleep(0.05)
    started = time.monotonic()
    doorbell.ring()
    waiter.join(5)
    assert woken == [True] and time.monotonic() - started < 1


def test_a_ring_while_nobody_waits_is_kept_for_the_next_wait_up_to_a_limit():
    doorbell = Doorbell()
    doorbell.ring(KEPT + 5)
    assert [doorbell.wait(0) for _ in range(KEPT)] == [True] * KEPT
    assert doorbell.wait(0.01) is False  # the rings beyond KEPT would only cost empty claims


def test_while_deaf_a_wait_lasts_the_old_poll_and_going_deaf_wakes_the_waiting():
    doorbell, woken = Doorbell(), []
    waiter = threading.Thread(target=lambda: woken.append(doorbell.wait(10)))
    waiter.start()
    time.sleep(0.05)
    doorbell.deafen(True)  # the waiting thread goes to poll
    waiter.join(5)
    assert woken == [True]
    started = time.monotonic()
    assert doorbell.wait(10) is False and time.monotonic() - started < DEAF_POLL + 0.5
    doorbell.deafen(False)
    assert doorbell.wait(0.01) is False and not doorbell.deaf


def test_a_byte_in_the_pipe_rings_the_listening_process(tmp_path):
    path = str(tmp_path / "inbox.db.wake")
    PipeBell(path).ring()  # nobody reads yet: dropped, no error, no file made
    assert not os.path.exists(path)
    doorbell = Doorbell()
    reader = PipeBell(path).listen(doorbell)
    try:
        assert reader is not None and not doorbell.wait(0)
        PipeBell(path).ring()  # another process's commit
        assert doorbell.wait(5)
    finally:
        reader.stop()


def test_a_file_that_took_the_pipes_name_is_never_written_and_the_workers_poll(tmp_path):
    path = tmp_path / "inbox.db.wake"
    path.write_text("mine")
    assert PipeBell(str(path)).listen(Doorbell()) is None
    PipeBell(str(path)).ring()
    assert path.read_text() == "mine"

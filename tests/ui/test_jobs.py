"""The job runner: work off the GUI thread, progress and results back on it."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Slot

from clippings.model import ClippingsError, Progress
from clippings.ui.jobs import Job, JobRunner


class Recorder(QObject):
    """Receives on the GUI thread, as the window does."""

    def __init__(self) -> None:
        super().__init__()
        self.progress: list[Progress] = []
        self.threads: set[int] = set()

    @Slot(object)
    def on_progress(self, progress: Progress) -> None:
        self.progress.append(progress)
        self.threads.add(threading.get_ident())


def test_a_storm_of_progress_from_the_worker_thread_arrives_intact(qtbot):
    """Guards against Qt bindings whose cross-thread signals corrupt memory (6.12.0)."""
    runner = JobRunner()
    recorder = Recorder()
    worker_threads = set()

    def work(report, cancel):
        worker_threads.add(threading.get_ident())
        for n in range(20_000):
            report(Progress(n + 1, 20_000, f"file {n}"))
        return "done"

    job = Job("Storm", work)
    job.progress.connect(recorder.on_progress)
    with qtbot.waitSignal(job.finished, timeout=60_000) as finished:
        runner.submit(job)
    assert finished.args == ["done"]
    qtbot.waitUntil(lambda: len(recorder.progress) == 20_000, timeout=30_000)
    assert recorder.progress[-1].done == 20_000
    assert recorder.threads == {threading.get_ident()}
    assert threading.get_ident() not in worker_threads
    runner.wait()


def test_errors_become_messages_and_the_queue_goes_on(qtbot):
    runner = JobRunner(inline=True)
    failures: list[str] = []
    results = []

    def broken(report, cancel):
        raise ClippingsError("the archive folder is gone")

    def crashing(report, cancel):
        raise KeyError("bug")

    for function in (broken, crashing, lambda report, cancel: 42):
        job = Job("Work", function)
        job.failed.connect(failures.append)
        job.finished.connect(results.append)
        runner.submit(job)
    assert failures == ["the archive folder is gone", "Work failed: 'bug'"]
    assert results == [42]
    assert runner.pending == 0


def test_cancel_reaches_the_work(qtbot):
    runner = JobRunner()
    seen = []

    def work(report, cancel):
        while not cancel():
            threading.Event().wait(0.001)
        seen.append("stopped")
        return "cancelled"

    job = Job("Endless", work)
    with qtbot.waitSignal(job.finished, timeout=10_000):
        runner.submit(job)
        job.cancel()
    assert seen == ["stopped"]
    runner.wait()

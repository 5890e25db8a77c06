"""Long work off the GUI thread: one generic job runner.

A job is a plain function from the services (import, reindex, check) that takes
``report`` and ``cancel`` keyword arguments and knows nothing of Qt. ``JobRunner``
runs it on a worker thread and turns its progress callback into a queued Qt signal;
the result or the error comes back on the GUI thread. Jobs run one at a time, in the
order they were started (files dropped during an import queue behind it).

Tests may construct ``JobRunner(inline=True)``, which runs each job at once on the
calling thread and emits the same signals.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from clippings.model import ClippingsError

log = logging.getLogger(__name__)


class Job(QObject):
    """One piece of long work.

    Signals:
        progress(Progress): how far it is (on the GUI thread).
        finished(object): its result.
        failed(str): a readable message; the traceback goes to the log.
        ended(): after finished or failed.
    """

    progress = Signal(object)
    finished = Signal(object)
    failed = Signal(str)
    ended = Signal()

    def __init__(self, title: str, function: Callable[..., Any], *args: Any, **kwargs: Any):
        super().__init__()
        self.title = title
        self._function = function
        self._args = args
        self._kwargs = kwargs
        self._cancelled = threading.Event()
        #: Upkeep that a later run finishes (analysis, merging the index): closing the
        #: window cancels it without asking.
        self.resumable = False

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def run(self) -> None:
        """Run the function here (on whatever thread calls this)."""
        try:
            result = self._function(
                *self._args,
                report=self.progress.emit,
                cancel=self._cancelled.is_set,
                **self._kwargs,
            )
        except ClippingsError as error:
            self.failed.emit(str(error))
        except Exception as error:  # a bug: the user gets a message, the log the traceback
            log.exception("job %r failed", self.title)
            self.failed.emit(f"{self.title} failed: {error}")
        else:
            self.finished.emit(result)
        self.ended.emit()


class _Runnable(QRunnable):
    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job

    def run(self) -> None:
        self.job.run()


class JobRunner(QObject):
    """Runs jobs one after another on a worker thread.

    Signals:
        started(Job): a job began (the status bar shows it).
        idle(): no job is running or waiting.
    """

    started = Signal(object)
    idle = Signal()

    def __init__(self, parent: QObject | None = None, *, inline: bool = False) -> None:
        super().__init__(parent)
        self._inline = inline
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._waiting: deque[Job] = deque()
        self.current: Job | None = None

    def submit(self, job: Job) -> Job:
        """Queue a job; it starts when the ones before it have ended."""
        self._waiting.append(job)
        if self.current is None:
            self._next()
        return job

    @property
    def pending(self) -> int:
        return len(self._waiting) + (1 if self.current else 0)

    def unfinished_work(self) -> list[Job]:
        """Running and waiting jobs that stopping would leave undone (not upkeep)."""
        jobs = ([self.current] if self.current else []) + list(self._waiting)
        return [job for job in jobs if not job.resumable]

    def cancel_all(self) -> None:
        for job in self._waiting:
            job.cancel()
        if self.current:
            self.current.cancel()

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the worker thread is done (for shutting down)."""
        return bool(self._pool.waitForDone(msecs))

    def _next(self) -> None:
        if not self._waiting:
            self.current = None
            self.idle.emit()
            return
        job = self._waiting.popleft()
        self.current = job
        job.ended.connect(self._on_job_ended)
        self.started.emit(job)
        if self._inline:
            job.run()
        else:
            self._pool.start(_Runnable(job))

    @Slot()
    def _on_job_ended(self) -> None:
        self._next()


class LookupRunner(QObject):
    """Runs quick read-only lookups (related pieces, stories) off the GUI thread,
    beside the job queue: only the newest request matters, so one waiting request
    replaces another, and a lookup never waits behind a long import."""

    def __init__(self, parent: QObject | None = None, *, queue: bool = False) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._running: Job | None = None
        self._waiting: Job | None = None
        #: ``queue``: every request is run in turn (comparisons the user asked for),
        #: none replaced by a later one.
        self._queued: list[Job] | None = [] if queue else None

    def submit(self, job: Job) -> Job:
        if self._running is None:
            self._start(job)
        elif self._queued is not None:
            self._queued.append(job)
        else:
            self._waiting = job
        return job

    @property
    def busy(self) -> bool:
        """Whether a request is under way or waiting."""
        return self._running is not None or self._waiting is not None or bool(self._queued)

    def wait(self, msecs: int = 30_000) -> bool:
        return bool(self._pool.waitForDone(msecs))

    def cancel(self) -> None:
        """Stop the lookup under way (if it listens) and drop those waiting."""
        self._waiting = None
        if self._queued:
            self._queued.clear()
        if self._running is not None:
            self._running.cancel()

    def _start(self, job: Job) -> None:
        self._running = job
        job.ended.connect(self._on_job_ended)
        self._pool.start(_Runnable(job))

    @Slot()
    def _on_job_ended(self) -> None:
        self._running = None
        waiting, self._waiting = self._waiting, None
        if waiting is None and self._queued:
            waiting = self._queued.pop(0)
        if waiting is not None:
            self._start(waiting)

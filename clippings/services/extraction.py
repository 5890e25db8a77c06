"""Reading files in worker processes, so a hostile file costs a message, not the app.

An ``ExtractionPool`` runs ``clippings.importers.extract`` (or any picklable top-level
function, with ``call``) in a few worker processes, each bound in memory
(``RLIMIT_AS``) and given a wall-clock time limit per file:

* a file that takes longer has its worker killed and replaced: ``TooLargeError``
  ("too large or too slow to read: it took more than 120 s"); a long file whose
  importer reports steps (OCR, page by page) has the limit for each step, and
  ``MAX_TASK_S`` in all;
* a file that needs more memory: ``TooLargeError`` ("too large to read: it needs more
  than 1536 MB of memory"), and the worker is replaced;
* a worker that dies (a crash in a C library, the kernel's out-of-memory killer):
  ``ExtractionError`` ("the reader crashed on this file ..."); the next file gets a
  fresh worker;
* the project's own errors raised in the worker (``PasswordRequiredError`` with its
  ``wrong`` flag, ``UnsupportedFormatError``, ``ExtractionError``, ...) arrive as the
  same class with the same message; any other exception becomes an ``ExtractionError``
  with its ``repr`` (its traceback is logged).

Workers start lazily with the "spawn" method (never fork: the window has Qt threads),
are reused across files (importing trafilatura costs half a second), exit when the
pool closes, and exit on their own when the parent dies (their pipe closes; a task
under way is ended by an alarm shortly after its time limit). The pool may be used
from any thread, and from several at once: each call takes an idle worker; the first
call starts one, and another starts (up to ``workers``) only when those running have
been kept busy for ``GROW_AFTER_S`` while a file waits, and its caller wants one (an
import whose storing is slower than its reading gains nothing from a second worker but
a second of CPU and 260 MB).
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import os
import pickle
import queue
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, SpawnContext
from types import TracebackType
from typing import Any, TypeVar, cast

from clippings.importers import worker as in_worker
from clippings.model import (
    DEFAULT_OPTIONS,
    Cancelled,
    ClippingsError,
    Extracted,
    ExtractionError,
    ImportOptions,
    TooLargeError,
)

log = logging.getLogger(__name__)

#: Address space a worker may use, in MB. A worker with every importer's libraries
#: loaded has 260 MB; reading all 1,212 files of the shared corpus one after another
#: took it to 420 MB at most. A 20 MB page of prose peaks at 1.4 GB and still passes;
#: a 50 MB page (2.6 GB) or a PDF that inflates to 512 MB stops here.
MEMORY_LIMIT_MB = 1536
#: Wall-clock time one file may take, in seconds (no file of the corpus takes 2 s; the
#: 20 MB page takes 25-35 s).
TIME_LIMIT_S = 120.0
#: Wall-clock time one file may take in all when its importer reports steps (a long
#: scan through OCR, a page every few seconds).
MAX_TASK_S = 1800.0
#: How long a new worker may take to start (Python and the pool's own imports).
STARTUP_LIMIT_S = 60.0
#: Files a worker reads before it is replaced by a fresh one: a worker's memory grows
#: from ~260 MB to ~420 MB over a thousand files (caches, a fragmented heap), and a
#: fresh one costs about two seconds of CPU. None: never.
TASKS_PER_WORKER = 1000
#: Workers at most by default, whatever the number of cores: each may hold ~420 MB.
MAX_DEFAULT_WORKERS = 4
#: How often a wait looks at the cancel flag.
_CANCEL_POLL_S = 0.2
#: How long the running workers must have been busy without a break, with a file
#: waiting, before another starts (a worker costs about a second of CPU to start). A
#: web page (100 ms) or a PDF keeps it busy, and the next starts half a second later.
#: A text file takes a worker a few ms, but an import reads ahead of its storing, so
#: its files keep a worker busy too: unless one file has taken its worker this long,
#: the import says whether another worker would help (``Wanted``), and while its
#: storing is the slower half, one worker reads them all (four windows importing at
#: once start four workers, not eight).
GROW_AFTER_S = 0.5
#: How often a call whose worker could start, but is not yet wanted, asks again.
_WANTED_POLL_S = 0.05

T = TypeVar("T")
#: Looked at while a file is read; True stops the reading (``Cancelled``).
Cancel = Callable[[], bool]
#: Told of each step of a long file's reading: (steps done, steps in all, message).
Steps = Callable[[int, int, str], None]
#: Whether another worker would help the caller now (an import's reading is slower
#: than its storing): only then does one start for its file.
Wanted = Callable[[], bool]


def _rebuild_error(module: str, qualname: str, args: tuple[Any, ...], state: Any) -> Exception:
    """The worker's error as the same class with the same message and attributes."""
    try:
        kind = getattr(importlib.import_module(module), qualname)
        if isinstance(kind, type) and issubclass(kind, ClippingsError):
            error = kind.__new__(kind, *args)
            error.args = args
            error.__dict__.update(state)
            return error
    except Exception:  # an error class the parent cannot rebuild: keep its message
        log.exception("rebuilding the reader's error %s.%s", module, qualname)
    return ExtractionError(str(args[0]) if len(args) == 1 else str(args))


# ``multiprocessing`` keeps its children in a set that ``start`` and ``join`` change
# without a lock; workers may be started and stopped from several threads.
_CHILDREN_LOCK = threading.Lock()


class _WorkerLost(Exception):  # noqa: N818 - it names what happened
    """The worker is gone or must go; ``error`` is what the caller gets."""

    def __init__(self, error: ClippingsError) -> None:
        super().__init__(str(error))
        self.error = error


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, method: str, memory_limit: int | None, time_limit: float) -> None:
        context: SpawnContext | ForkServerContext = (
            multiprocessing.get_context("forkserver")
            if method == "forkserver"
            else multiprocessing.get_context("spawn")
        )
        #: Tasks run so far.
        self.tasks = 0
        #: When the task under way began (monotonic seconds; None: idle).
        self.busy_since: float | None = None
        self.connection, child_end = context.Pipe(duplex=True)
        self.process = context.Process(
            target=in_worker.serve,
            args=(child_end, memory_limit, time_limit),
            name="clippings-reader",
            daemon=True,
        )
        with _CHILDREN_LOCK:
            self.process.start()
        child_end.close()

    def wait_ready(self, cancel: Cancel | None) -> None:
        try:
            if not _wait(self.connection, STARTUP_LIMIT_S, cancel):
                raise _WorkerLost(ExtractionError("the reader did not start in time"))
            self.connection.recv_bytes()
        except (EOFError, OSError):
            raise _WorkerLost(
                ExtractionError(f"the reader could not start: {self._how_it_ended()}")
            ) from None

    def run(
        self,
        task: bytes,
        data: bytes | None,
        time_limit: float,
        cancel: Cancel | None,
        steps: Steps | None = None,
    ) -> tuple[Any, ...]:
        """Send a task and wait for the reply (``_WorkerLost`` when there is none).

        Each step the task reports is handed to ``steps`` and gives it ``time_limit``
        more, up to ``MAX_TASK_S`` in all.
        """
        try:
            self.connection.send_bytes(task)
            if data is not None:
                self.connection.send_bytes(data)
        except OSError:
            # It died while taking the task; a worker out of memory says so first.
            if not self.connection.poll(0):
                raise _WorkerLost(self._crash()) from None
        started = time.monotonic()
        stepped = False
        while True:
            left = min(time_limit, started + MAX_TASK_S - time.monotonic())
            if left <= 0 or not _wait(self.connection, left, cancel):
                if time.monotonic() - started >= MAX_TASK_S:
                    took = f"more than {MAX_TASK_S / 60:g} minutes"
                elif stepped:
                    took = f"more than {time_limit:g} s for one step"
                else:
                    took = f"more than {time_limit:g} s"
                raise _WorkerLost(TooLargeError(f"too large or too slow to read: it took {took}"))
            try:
                answer = self.connection.recv_bytes()
            except (EOFError, OSError):
                raise _WorkerLost(self._crash()) from None
            try:
                reply: tuple[Any, ...] = pickle.loads(answer)
            except Exception as error:  # a result this process cannot rebuild
                log.exception("reading the reader's answer")
                message = f"the reader's answer cannot be read: {error!r}"
                raise _WorkerLost(ExtractionError(message)) from None
            if reply[0] != "step":
                return reply
            stepped = True
            if steps is not None:
                steps(*reply[1:])

    def _crash(self) -> ExtractionError:
        return ExtractionError(f"the reader crashed on this file: {self._how_it_ended()}")

    def _how_it_ended(self) -> str:
        with _CHILDREN_LOCK:
            self.process.join(5)
        code = self.process.exitcode
        if code is None:
            return "it stopped answering"
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            if -code == signal.SIGKILL:
                return f"it was killed ({name}), perhaps for lack of memory"
            return f"it was killed by {name}"
        return f"it exited with status {code}"

    def stop(self, *, kill: bool = False) -> None:
        """End the worker: closing its pipe ends an idle one; ``kill`` ends a busy one."""
        self.connection.close()
        with _CHILDREN_LOCK:
            if not kill:
                self.process.join(1)
            if self.process.is_alive():
                self.process.kill()
                self.process.join(5)

    def kill(self) -> None:
        """Kill a busy worker; the thread waiting on it sees it gone and stops it."""
        if self.process.is_alive():
            self.process.kill()


def _wait(connection: Connection, seconds: float, cancel: Cancel | None) -> bool:
    """Whether the worker answered (or closed its pipe) within ``seconds``.

    Raises:
        Cancelled: ``cancel()`` became true meanwhile.
    """
    deadline = time.monotonic() + seconds
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        if cancel is not None and cancel():
            raise Cancelled("stopped while reading a file")
        step = remaining if cancel is None else min(remaining, _CANCEL_POLL_S)
        if connection.poll(step):
            return True


def default_workers() -> int:
    """One worker per core this program may use (at most ``MAX_DEFAULT_WORKERS``)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_DEFAULT_WORKERS))


class ExtractionPool:
    """Worker processes that read files within a memory and a time limit.

    Use it as a context manager, or call ``close``::

        with ExtractionPool() as pool:
            (extracted,) = pool.extract(data, "article.html")

    Args:
        workers: how many files may be read at once (one worker process each; by
            default one per core, ``default_workers``).
        memory_limit_mb: address space of each worker, in MB (None: no limit).
        time_limit: seconds one file may take.
        tasks_per_worker: tasks a worker runs before a fresh one replaces it (None:
            it runs until the pool closes).
        start_method: "spawn" or "forkserver" (never "fork": Qt's threads would be
            copied in an unknown state).
    """

    def __init__(
        self,
        workers: int | None = None,
        *,
        memory_limit_mb: int | None = MEMORY_LIMIT_MB,
        time_limit: float = TIME_LIMIT_S,
        tasks_per_worker: int | None = TASKS_PER_WORKER,
        start_method: str = "spawn",
    ) -> None:
        if workers is None:
            workers = default_workers()
        if workers < 1:
            raise ValueError("an extraction pool needs at least one worker")
        if start_method not in ("spawn", "forkserver"):
            raise ValueError(f"workers cannot be started with {start_method!r}")
        self.workers = workers
        self.tasks_per_worker = tasks_per_worker
        self.memory_limit_mb = memory_limit_mb
        self.time_limit = time_limit
        self._start_method = start_method
        self._closed = False
        self._lock = threading.Lock()
        self._running: set[_Worker] = set()
        # Idle workers, the most recently used first.
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        #: Workers that may still start (guarded by ``_lock``, as the next two are).
        self._unstarted = workers
        #: Calls waiting for a worker.
        self._waiting = 0
        #: Since when every running worker has been busy (None: one was idle since).
        self._busy_since: float | None = None
        #: Workers on their way (a start is not a sign that more are needed).
        self._starting = 0
        #: What a task has taken a worker lately (seconds, an average; None: no task
        #: has ended yet).
        self.task_seconds: float | None = None

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def extract(
        self,
        data: bytes,
        name: str,
        options: ImportOptions = DEFAULT_OPTIONS,
        *,
        cancel: Cancel | None = None,
        steps: Steps | None = None,
        wanted: Wanted | None = None,
    ) -> tuple[Extracted, ...]:
        """``clippings.importers.extract_articles`` in a worker: the file's articles.

        Args:
            data: the file's bytes.
            name: the file's name (its suffix helps pick the importer).
            options: what the user chose (a password, OCR languages).
            cancel: looked at while waiting; when it returns True the worker is
                stopped and ``Cancelled`` raised.
            steps: told of each step of a long file's reading (a page of OCR).
            wanted: asked before another worker starts for this file, all of them
                being busy with quick files (None: it may start; one file that has
                taken its worker ``GROW_AFTER_S`` gets company without asking). An
                import whose storing is slower than its reading says False, and reads
                on the workers it has.

        Raises:
            TooLargeError: the file took too long or needed too much memory.
            ExtractionError: the importer failed, or the reader crashed on the file.
            PasswordRequiredError: the file needs a (different) password.
            UnsupportedFormatError: no importer reads the file.
            Cancelled: ``cancel()`` returned True.
        """
        task = in_worker.dumps((in_worker.extract, (name, options), True))
        return cast(tuple[Extracted, ...], self._run(task, data, name, cancel, steps, wanted))

    def call(
        self,
        function: Callable[..., T],
        *args: object,
        cancel: Cancel | None = None,
        wanted: Wanted | None = None,
    ) -> T:
        """``function(*args)`` in a worker, within the same limits as ``extract``.

        ``function`` must be a top-level function of an importable module, and its
        arguments and result picklable. ``cancel`` and ``wanted``, and the errors, are
        those of ``extract``.
        """
        task = in_worker.dumps((function, args, False))
        what = getattr(function, "__qualname__", "?")
        return cast(T, self._run(task, None, what, cancel, None, wanted))

    def close(self) -> None:
        """Stop every worker (one still reading a file is killed); the pool is done."""
        with self._lock:
            self._closed = True
            busy = set(self._running)
            self._running.clear()
        while True:
            try:
                idle = self._idle.get_nowait()
            except queue.Empty:
                break
            busy.discard(idle)
            idle.stop()
        for worker in busy:
            worker.kill()

    def _run(
        self,
        task: bytes,
        data: bytes | None,
        what: str,
        cancel: Cancel | None,
        steps: Steps | None = None,
        wanted: Wanted | None = None,
    ) -> Any:
        if self._closed:
            raise RuntimeError("the extraction pool is closed")
        worker = self._acquire(cancel, wanted)
        keep = False
        try:
            if worker is None:
                try:
                    worker = self._start()
                    worker.wait_ready(cancel)
                finally:
                    with self._lock:
                        self._starting -= 1
                        self._busy_since = time.monotonic() if self._waiting else None
            worker.busy_since = time.monotonic()
            try:
                reply = worker.run(task, data, self.time_limit, cancel, steps)
            finally:
                self._took(time.monotonic() - worker.busy_since)
                worker.busy_since = None
            worker.tasks += 1
            keep = reply[0] != "memory" and (
                self.tasks_per_worker is None or worker.tasks < self.tasks_per_worker
            )
        except _WorkerLost as lost:
            if self._closed:
                raise Cancelled("the reader was stopped") from None
            raise lost.error from None
        finally:
            self._release(worker, keep)
        return self._answer(reply, what)

    @property
    def started(self) -> int:
        """Workers running or on their way (at least 1, for a pool's first call)."""
        with self._lock:
            return max(1, self.workers - self._unstarted)

    def _took(self, seconds: float) -> None:
        """Note a task's time (lost workers' and cancelled tasks' too: they were
        reading)."""
        with self._lock:
            last = self.task_seconds
            self.task_seconds = seconds if last is None else last + (seconds - last) * 0.1

    def _answer(self, reply: tuple[Any, ...], what: str) -> Any:
        kind = reply[0]
        if kind == "ok":
            return reply[1]
        if kind == "memory":
            if self.memory_limit_mb is None:
                raise TooLargeError("too large to read: it needs more memory than there is")
            raise TooLargeError(
                f"too large to read: it needs more than {self.memory_limit_mb} MB of memory"
            )
        if kind == "error":
            raise _rebuild_error(*reply[1:])
        log.error("unexpected error in the reader (%s): %s\n%s", what, reply[1], reply[2])
        raise ExtractionError(f"unexpected error while reading the file: {reply[1]}")

    def _acquire(self, cancel: Cancel | None, wanted: Wanted | None) -> _Worker | None:
        """An idle worker, or None for one to start; waits while all are busy (and
        ``GROW_AFTER_S`` more, and until ``wanted()``, before starting another)."""
        with self._lock:
            try:
                return self._idle.get_nowait()
            except queue.Empty:
                pass
            if self._unstarted == self.workers:  # none runs or is on its way
                self._unstarted -= 1
                self._starting += 1
                return None
            self._waiting += 1
            if self._busy_since is None:
                self._busy_since = time.monotonic()
        try:
            while True:
                if self._closed:
                    raise Cancelled("the reader was stopped")
                if cancel is not None and cancel():
                    raise Cancelled("stopped while waiting for a reader")
                with self._lock:
                    now = time.monotonic()
                    if self._busy_since is None:  # a worker was idle meanwhile
                        self._busy_since = now
                    grow_at = self._busy_since + GROW_AFTER_S
                    may_grow = bool(self._unstarted) and not self._starting
                    lost = self._unstarted == self.workers  # none runs: one starts now
                    # A file that has kept its worker this long holds no other up.
                    slow = any(
                        w.busy_since is not None and now - w.busy_since >= GROW_AFTER_S
                        for w in self._running
                    )
                due = may_grow and now >= grow_at
                # The caller is asked without the lock (it may look at the pool).
                if lost or (due and (slow or wanted is None or wanted())):
                    with self._lock:
                        if self._unstarted and not self._starting:  # still so
                            self._unstarted -= 1
                            self._starting += 1
                            return None
                wait = _CANCEL_POLL_S
                if may_grow:  # until the worker may start, then until it is wanted
                    until = grow_at - now if now < grow_at else _WANTED_POLL_S
                    wait = min(wait, max(0.001, until))
                try:
                    return self._idle.get(timeout=wait)
                except queue.Empty:
                    continue
        finally:
            with self._lock:
                self._waiting -= 1

    def _start(self) -> _Worker:
        memory = None if self.memory_limit_mb is None else self.memory_limit_mb * 1024 * 1024
        try:
            worker = _Worker(self._start_method, memory, self.time_limit)
        except OSError as error:
            raise ExtractionError(f"the reader could not start ({error.strerror})") from None
        with self._lock:
            self._running.add(worker)
        return worker

    def _release(self, worker: _Worker | None, keep: bool) -> None:
        if worker is not None:
            with self._lock:
                keep = keep and not self._closed
                if not keep:
                    self._running.discard(worker)
            if not keep:
                worker.stop(kill=True)
                worker = None
        with self._lock:
            if worker is None:
                self._unstarted += 1  # a fresh one may start in its place
            else:
                self._idle.put(worker)
            if not self._waiting:
                self._busy_since = None  # a worker is idle

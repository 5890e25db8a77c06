"""What every engine's index folder shares: the lock between programs and the cleanup
of what a killed rebuild left."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from threading import RLock

from clippings import durable as locks
from clippings.model import IndexBusyError, IndexDocument, StorageError

WRITE_TIMEOUT = 60.0

#: What a rebuild reads: the documents of the clippings whose id is above the given one
#: (0: all), in batches, in id order (so that an interrupted build can resume).
Documents = Callable[[int], Iterable[Sequence[IndexDocument]]]


class IndexFolder:
    """An index folder and its lock file beside it (``index.lock``).

    Programs sharing the archive take turns through the lock (``locked``): every write,
    and a whole rebuild, happens while holding it, so a rebuild never swaps out changes
    another program has just committed, and two rebuilds never collide. Every engine
    uses the same lock file, so a program on one engine and one switching to another
    take turns too.
    """

    def __init__(self, folder: Path, *, lock_path: Path | None = None) -> None:
        self.folder = folder
        self.lock_path = lock_path or folder.with_name(folder.name + ".lock")
        self._lock = RLock()

    def lock_to_read(self, cached: object | None) -> bool:
        """Take this program's hold on the index to read it (True), or, while this
        program is writing (an import's batch holds ``locked``) and ``cached`` — a
        searcher of what was committed before — exists, take nothing (False): read that
        instead of waiting. So the window's GUI thread never waits for a batch. The
        caller releases ``self._lock`` after a True."""
        if self._lock.acquire(blocking=False):
            return True
        if cached is not None:
            return False
        self._lock.acquire()
        return True

    @contextmanager
    def locked(self, timeout: float = WRITE_TIMEOUT) -> Iterator[None]:
        """Hold the index for writing against every other program (and thread).

        Raises:
            IndexBusyError: another program kept it for ``timeout`` seconds.
        """
        with self._lock:
            try:
                lock = locks.held(self.lock_path, timeout=timeout)
                lock.__enter__()
            except locks.LockTimeout:
                raise IndexBusyError(
                    "the search index is busy in another program (it may be rebuilding "
                    "it); your changes are saved and reach search when it is done"
                ) from None
            except OSError as error:
                raise StorageError(
                    f"cannot lock the search index ({error.strerror or error})"
                ) from error
            try:
                yield
            finally:
                lock.__exit__(None, None, None)

    def clean_debris(self) -> None:
        """Remove what a killed rebuild left (``.new``, ``.old`` beside the folder),
        unless another program is rebuilding right now, or the next rebuild can
        resume it."""
        debris = [self.folder.with_name(self.folder.name + s) for s in (".new", ".old")]
        if not any(d.exists() for d in debris):
            return
        try:
            with self.locked(timeout=0):
                for path in debris:
                    if not self._resumable(path):
                        shutil.rmtree(path, ignore_errors=True)
        except IndexBusyError:
            pass

    def _resumable(self, debris: Path) -> bool:
        """Whether a rebuild's leftover folder is an interrupted build to resume."""
        return False

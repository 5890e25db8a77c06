"""Bringing the search index up to date while an import stores its files."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from clippings.services.archive import Archive

log = logging.getLogger(__name__)

#: Stored clippings the search index takes in one commit during an import, at most ...
INDEX_BATCH = 500
#: ... and how long a stored clipping waits for it at most (seconds): a new clipping is
#: found by search this long after it is stored, while an import goes on.
INDEX_SECONDS = 10.0


class IndexUpdates:
    """Applies an import's queued index changes on a thread of its own, so that a slow
    index commit holds up neither the storing of the next batches nor the progress
    reports. The changes are in the database's index queue already: a crash loses none
    of them.

    The stored batches are gathered into commits of up to ``INDEX_BATCH`` clippings, at
    least every ``INDEX_SECONDS`` (and at the end): Whoosh spends much of a commit per
    distinct word it writes and per segment it leaves, so one commit of 500 clippings
    costs about half of ten commits of 50, and leaves one segment instead of ten to
    merge. Measured at 100,000 clippings: 8.4 instead of 18.8 ms of CPU an HTML page
    for the index, which the extraction workers get back (15 -> 23 pages a second on
    two cores). One commit at a time: what is stored while it runs waits for the next,
    never a chase of ever smaller commits.
    """

    def __init__(self, archive: Archive) -> None:
        self._archive = archive
        self._changed = threading.Condition()
        self._waiting = 0  # clippings stored since the last update began
        self._since: float | None = None  # since when the oldest of them waits
        self._finished = False
        self._thread = threading.Thread(target=self._run, name="clippings-import-index")
        self._thread.start()

    def request(self, stored: int) -> None:
        """A batch of ``stored`` clippings is stored: they go into the index with the
        next update (once enough are waiting, or they have waited long enough)."""
        with self._changed:
            self._waiting += stored
            if self._since is None:
                self._since = time.monotonic()
            self._changed.notify()

    def finish(self, waiting: Callable[[], None], every: float) -> None:
        """Apply all that is still queued and end; ``waiting()`` is called every
        ``every`` seconds meanwhile."""
        with self._changed:
            self._finished = True
            self._changed.notify()
        while self._thread.is_alive():
            self._thread.join(every)
            if self._thread.is_alive():
                waiting()

    def _due(self) -> bool:
        return self._since is not None and (
            self._waiting >= INDEX_BATCH or time.monotonic() - self._since >= INDEX_SECONDS
        )

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._finished and not self._due():
                    wait = None if self._since is None else self._since + INDEX_SECONDS
                    self._changed.wait(None if wait is None else max(0.0, wait - time.monotonic()))
                finished = self._finished
                # What is stored from now on waits for the next update.
                taken, self._waiting, since, self._since = self._waiting, 0, self._since, None
            try:
                # One commit of what waits now; what is stored meanwhile waits for the
                # next (a loop until the queue is empty would chase the import with
                # ever smaller commits). At the end, everything.
                applied = self._archive.sync_quietly(batch=INDEX_BATCH, once=not finished)
            except Exception:  # the changes stay queued; the next sync applies them
                log.exception("updating the search index during an import")
                applied = 0
            if finished:
                return
            left = taken - applied
            if left > 0 and applied >= INDEX_BATCH:  # more were queued than one commit takes
                with self._changed:
                    self._waiting += left
                    self._since = since
            elif taken and not applied:  # the index was busy (or failed): again in a while
                with self._changed:
                    self._waiting += taken
                    self._since = self._since or time.monotonic()

"""Noticing that another program changed the archive's database, cheaply enough to ask
every few seconds from the window's GUI thread.

SQLite keeps a counter per connection, ``PRAGMA data_version``, that changes when any
*other* connection commits (a connection's own commits leave it alone). A watcher
therefore holds a connection of its own, read-only and never used for anything else,
so every write the app makes through its store moves it too. Asking costs a
few microseconds whatever the size of the archive: SQLite compares a header in shared
memory, it reads no table.

A window should not read its own changes twice: it reads them again itself right after
making them, and its background jobs (related pieces, tidying the index) change
nothing it shows. So every write transaction that changes rows also advances the
archive's change number (``CHANGE_KEY`` in ``archive_meta``), and the store keeps the
numbers its own commits wrote (``OwnChanges``). When ``data_version`` moves, the
watcher reads the change number: if every number since it last looked is one of this
program's own, nothing changed elsewhere. A program that does not count its changes
(an older Clippings) moves ``data_version`` without the number, which counts as a
change.

Where that connection cannot be had (a database on a read-only disk whose WAL files
are missing), or for a database that is not a file (a server database), a watcher
compares a cheap fingerprint instead: the database file's size and time stamps, or an
aggregate the caller supplies.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import weakref
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Protocol

from clippings.model import StorageError

log = logging.getLogger(__name__)


#: The ``archive_meta`` key of the archive's change number (see the module's text).
CHANGE_KEY = "change_number"


class OwnChanges:
    """The change numbers this program's own commits wrote, safe to share by threads.

    Kept only once a watcher asks for them (``watch``): a program that never watches
    (a ``clippings`` command) keeps none, however many commits it makes.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._numbers: set[int] = set()
        self._watched = False

    def watch(self) -> None:
        """Keep the numbers from now on (before the watcher reads where it starts)."""
        with self._lock:
            self._watched = True

    def add(self, number: int) -> None:
        with self._lock:
            if self._watched:
                self._numbers.add(number)

    def discard(self, number: int) -> None:
        with self._lock:
            self._numbers.discard(number)

    def take(self, number: int) -> bool:
        """Whether ``number`` is one of this program's own (then forgotten)."""
        with self._lock:
            if number in self._numbers:
                self._numbers.discard(number)
                return True
            return False

    def only_own(self, after: int, upto: int) -> bool:
        """Whether every change number in (after, upto] is this program's own; the
        numbers up to ``upto`` are forgotten (a watcher asks each span once)."""
        with self._lock:
            own = all(n in self._numbers for n in range(after + 1, upto + 1))
            self._numbers = {n for n in self._numbers if n > upto}
        return own


class ChangeWatcher(Protocol):
    """Tells whether the database changed since it was last asked."""

    def changed(self) -> bool:
        """True when the database changed since the last call (False on the first)."""
        ...

    def close(self) -> None:
        """Let go of what the watcher holds; it may be called more than once."""
        ...


class SqliteChangeWatcher:
    """Watches an SQLite database file through ``PRAGMA data_version``.

    The connection is opened read-only and closes itself when the watcher is garbage
    collected (or at ``close``). It may be asked from any thread. With ``own``, the
    commits that wrote only those change numbers are not changes (see the module).

    Raises:
        StorageError: the database cannot be opened for reading.
    """

    def __init__(self, path: Path, own: OwnChanges | None = None) -> None:
        self.path = path
        self._own = own
        if own is not None:
            own.watch()
        self._lock = threading.Lock()
        self._connection = _open_read_only(path)
        self._closer = weakref.finalize(self, self._connection.close)
        self._version = self._data_version()
        self._number = self._change_number()

    def changed(self) -> bool:
        with self._lock:
            version = self._data_version()
            if version == self._version:
                return False
            self._version = version
            if self._own is None:
                return True
            number, after = self._change_number(), self._number
            self._number = number
            return number == after or not self._own.only_own(after, number)

    def _change_number(self) -> int:
        if self._own is None:
            return 0
        try:
            row = self._connection.execute(
                "SELECT value FROM archive_meta WHERE key = ?", (CHANGE_KEY,)
            ).fetchone()
        except sqlite3.Error:
            return 0  # a database without the table yet: every commit is a change
        try:
            return int(row[0]) if row else 0
        except ValueError:
            return 0

    def close(self) -> None:
        self._closer()

    def _data_version(self) -> int:
        try:
            row = self._connection.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error as error:
            raise StorageError(
                f"cannot read the archive's database {self.path}: {error}"
            ) from error
        return int(row[0])


class FingerprintChangeWatcher:
    """Watches anything through a cheap fingerprint: a change is a different value.

    ``fingerprint`` must be cheap (it is asked every few seconds on the GUI thread),
    e.g. file sizes and time stamps, or a server database's change counter.
    """

    def __init__(self, fingerprint: Callable[[], Hashable]) -> None:
        self._fingerprint = fingerprint
        self._lock = threading.Lock()
        self._last = fingerprint()

    def changed(self) -> bool:
        with self._lock:
            value = self._fingerprint()
            changed, self._last = value != self._last, value
        return changed

    def close(self) -> None:
        pass


def file_fingerprint(path: Path) -> Callable[[], Hashable]:
    """The size and modification time of an SQLite file and its write-ahead log.

    A commit in WAL mode appends to (or, after a checkpoint, rewrites) the ``-wal``
    file, and a checkpoint writes the database file itself.
    """
    files = (path, path.with_name(path.name + "-wal"))

    def fingerprint() -> Hashable:
        stamps: list[tuple[int, int, int] | None] = []
        for file in files:
            try:
                status = file.stat()
            except OSError:
                stamps.append(None)
            else:
                stamps.append((status.st_size, status.st_mtime_ns, status.st_ino))
        return tuple(stamps)

    return fingerprint


def watch_file(path: Path, own: OwnChanges | None = None) -> ChangeWatcher:
    """A watcher for an SQLite database file: ``data_version`` when it can be read
    (without the commits of ``own``), else the file's size and time stamps."""
    try:
        return SqliteChangeWatcher(path, own)
    except StorageError as error:
        log.info("watching %s by its time stamps: %s", path, error)
        return FingerprintChangeWatcher(file_fingerprint(path))


def _open_read_only(path: Path) -> sqlite3.Connection:
    try:
        connection = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro",
            uri=True,
            timeout=0.5,
            isolation_level=None,  # autocommit: never hold a read transaction open
            check_same_thread=False,  # guarded by the watcher's lock
        )
    except (sqlite3.Error, ValueError) as error:
        raise StorageError(f"cannot open the archive's database {path}: {error}") from error
    try:
        connection.execute("PRAGMA data_version").fetchone()
    except sqlite3.Error as error:
        connection.close()
        raise StorageError(f"cannot read the archive's database {path}: {error}") from error
    return connection


__all__ = [
    "CHANGE_KEY",
    "ChangeWatcher",
    "FingerprintChangeWatcher",
    "OwnChanges",
    "SqliteChangeWatcher",
    "file_fingerprint",
    "watch_file",
]

"""Noticing that another program changed the archive's database, cheaply enough to ask
every few seconds from the window's GUI thread.

SQLite keeps a counter per connection, ``PRAGMA data_version``, that changes when any
*other* connection commits (a connection's own commits leave it alone). A watcher
therefore holds a connection of its own, read-only and never used for anything else,
so every write the app makes through its store counts as a change too. Asking costs a
few microseconds whatever the size of the archive: SQLite compares a header in shared
memory, it reads no table.

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
    collected (or at ``close``). It may be asked from any thread.

    Raises:
        StorageError: the database cannot be opened for reading.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._connection = _open_read_only(path)
        self._closer = weakref.finalize(self, self._connection.close)
        self._version = self._data_version()

    def changed(self) -> bool:
        with self._lock:
            version = self._data_version()
            changed, self._version = version != self._version, version
        return changed

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


def watch_file(path: Path) -> ChangeWatcher:
    """A watcher for an SQLite database file: ``data_version`` when it can be read,
    else the file's size and time stamps."""
    try:
        return SqliteChangeWatcher(path)
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
    "ChangeWatcher",
    "FingerprintChangeWatcher",
    "SqliteChangeWatcher",
    "file_fingerprint",
    "watch_file",
]

"""Noticing other clients' changes to a team archive: PostgreSQL's LISTEN/NOTIFY.

Every write transaction that advances the archive's change number also sends it on
``CHANNEL`` (``ClippingStore._writing``); the server delivers it to every listening
connection when, and only if, the transaction commits. A watcher holds a connection
of its own that listens, and asking it reads what has arrived without waiting, so
the window's timer can ask every few seconds on its GUI thread. A client's own
commits are not changes (``OwnChanges``), as with an archive folder's watcher.

PostgreSQL-only, like ``postgres.py``.
"""

from __future__ import annotations

import logging
import threading
import weakref
from typing import Any

from sqlalchemy import Engine

from clippings.model import StorageError
from clippings.storage.watch import OwnChanges

log = logging.getLogger(__name__)

#: The channel on which the archive's change numbers are sent.
CHANNEL = "clippings_changes"


class ServerChangeWatcher:
    """Tells whether another client committed a change since it was last asked.

    Raises:
        StorageError: the server cannot be reached.
    """

    def __init__(self, engine: Engine, own: OwnChanges | None = None) -> None:
        self._engine = engine
        self._own = own
        if own is not None:
            own.watch()
        self._lock = threading.Lock()
        #: The listening connection, in a box the finalizer can empty without keeping
        #: the watcher alive.
        self._box: list[Any] = []
        self._listen()
        self._closer = weakref.finalize(self, _drop, self._box)

    def _listen(self) -> None:
        try:
            raw = self._engine.raw_connection()
            driver = raw.driver_connection
            assert driver is not None
            driver.autocommit = True
            driver.execute(f"LISTEN {CHANNEL}")
        except Exception as error:
            raise StorageError(f"cannot watch the team archive for changes: {error}") from error
        self._box.append(raw)

    def changed(self) -> bool:
        with self._lock:
            if not self._box:
                self._listen()
                return True  # missed while away: read again
            try:
                arrived = list(self._box[0].driver_connection.notifies(timeout=0))
            except Exception as error:  # noqa: BLE001 - the connection was lost
                log.info("the watch of the team archive was interrupted: %s", error)
                _drop(self._box)
                self._listen()  # a StorageError if the server is still away
                return True
            numbers = [_number(n.payload) for n in arrived if n.channel == CHANNEL]
            if self._own is None:
                return bool(numbers)
            return any(n is None or not self._own.take(n) for n in numbers)

    def close(self) -> None:
        self._closer()


def _drop(box: list[Any]) -> None:
    """Close the listening connection in ``box`` (for good: never back to the pool)."""
    while box:
        raw = box.pop()
        try:
            raw.invalidate()
        except Exception:
            log.debug("closing the watch connection failed", exc_info=True)


def _number(payload: str) -> int | None:
    try:
        return int(payload)
    except ValueError:
        return None

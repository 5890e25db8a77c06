"""The originals of a team archive, kept in its database (``original_chunks``).

The same interface as ``OriginalStore`` (the ``originals/`` folder of an archive
folder), so the services do not care where the bytes live. A backup of the database
is then a backup of everything. The bytes are split into chunks of ``CHUNK_SIZE``,
content-addressed by SHA-256 (the same bytes are stored once), written inside the
transaction that claims them (``ClippingStore.joined_write``), so an original is never
half there and never there without the row that claims it; read a chunk at a time,
so no original is ever loaded whole where a stream will do.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sqlalchemy import Connection, delete, func, insert, select

from clippings.storage.originals import Incoming, sha256_of
from clippings.storage.queue import insert_ignoring
from clippings.storage.schema import original_chunks

if TYPE_CHECKING:
    from clippings.storage.database import ClippingStore

#: The size of one stored chunk: small enough to stream, big enough to be few.
CHUNK_SIZE = 1 << 20


class DatabaseOriginals:
    """The originals of an archive whose database holds them."""

    #: Shown where a folder archive names the file: the originals are rows here.
    location = "the archive's database"

    def __init__(self, store: ClippingStore) -> None:
        self.store = store

    def put(self, data: bytes) -> tuple[str, bool]:
        """Store ``data``; returns its SHA-256 and whether it was written (not there yet)."""
        sha = sha256_of(data)
        with self.store.joined_write() as conn:
            return sha, _write(conn, sha, data)

    def write_incoming(self, data: bytes) -> HeldOriginal:
        """Hold ``data`` until the transaction that claims it writes it (``place_all``)."""
        return HeldOriginal(self, sha256_of(data), data)

    def sync_all(self, incoming: Iterable[Incoming]) -> None:
        """Nothing to flush: the database makes the bytes durable when it commits."""

    def place_all(self, incoming: Iterable[Incoming]) -> None:
        """Write the held originals in the current (claiming) transaction: those of one
        chunk (nearly every file) in one statement, not one each (the server is a round
        trip away), each written unless there."""
        single: dict[str, HeldOriginal] = {}
        for item in incoming:
            if isinstance(item, HeldOriginal) and item.store is self and item.one_chunk:
                single.setdefault(item.sha256, item)
            else:
                item.place()
        if not single:
            return
        with self.store.joined_write() as conn:
            rows = [{"sha256": sha, "seq": 0, "data": held.data} for sha, held in single.items()]
            written = set(
                conn.execute(
                    insert_ignoring(conn, original_chunks)
                    .values(rows)
                    .returning(original_chunks.c.sha256)
                ).scalars()
            )
        for sha, held in single.items():
            held.placed_now(sha in written)

    def replace(self, data: bytes) -> str:
        """Write ``data`` over a missing or damaged original of the same hash (a repair)."""
        sha = sha256_of(data)
        with self.store.joined_write() as conn:
            conn.execute(delete(original_chunks).where(original_chunks.c.sha256 == sha))
            _write(conn, sha, data)
        return sha

    def chunks(self, sha256: str) -> Iterator[bytes]:
        """The original's bytes, a chunk at a time (each chunk its own short read)."""
        seq = 0
        while True:
            with self.store._reading() as conn:
                data = conn.execute(
                    select(original_chunks.c.data).where(
                        original_chunks.c.sha256 == sha256, original_chunks.c.seq == seq
                    )
                ).scalar()
            if data is None:
                if seq == 0:
                    raise FileNotFoundError(f"the original {sha256} is not in the database")
                return
            yield bytes(data)
            seq += 1

    def read(self, sha256: str) -> bytes:
        return b"".join(self.chunks(sha256))

    def copy_to(self, sha256: str, target: Path) -> Path:
        """Write the original to the file ``target`` (streamed), read-only; returns it."""
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in self.chunks(sha256):
                    out.write(chunk)
            Path(tmp).chmod(0o444)
            Path(tmp).replace(target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target

    def remove(self, sha256: str) -> None:
        """Delete an original. Only ``ClippingStore.remove_unclaimed`` decides it may go."""
        with self.store.joined_write() as conn:
            conn.execute(delete(original_chunks).where(original_chunks.c.sha256 == sha256))

    def exists(self, sha256: str) -> bool:
        with self.store._reading() as conn:
            return _present(conn, sha256)

    def verify(self, sha256: str) -> Literal["ok", "missing", "altered"]:
        digest = hashlib.sha256()
        try:
            for chunk in self.chunks(sha256):
                digest.update(chunk)
        except FileNotFoundError:
            return "missing"
        return "ok" if digest.hexdigest() == sha256 else "altered"

    def stored(self) -> Iterator[str]:
        """The SHA-256 of every original in the database."""
        with self.store._reading() as conn:
            found = conn.execute(
                select(original_chunks.c.sha256)
                .where(original_chunks.c.seq == 0)
                .order_by(original_chunks.c.sha256)
            ).scalars()
            names = [str(s) for s in found]
        yield from names

    def total_size(self) -> int:
        with self.store._reading() as conn:
            size = conn.execute(select(func.sum(func.length(original_chunks.c.data)))).scalar()
        return int(size or 0)

    def leftovers(self) -> list[Path]:
        """Nothing is ever half-written here: a transaction writes all or nothing."""
        return []

    def where(self, sha256: str) -> str:
        """Where the original lives, in words (for messages)."""
        return f"the original {sha256[:12]}… in the archive's database"


class HeldOriginal:
    """An original's bytes waiting for the transaction that claims them."""

    def __init__(self, store: DatabaseOriginals, sha256: str, data: bytes) -> None:
        self.store = store
        self.sha256 = sha256
        self.size = len(data)
        self._data: bytes | None = data
        self.synced = True
        self._placed = False

    @property
    def placed(self) -> bool:
        """Written by this object (in a transaction that may since have failed)."""
        return self._placed

    def sync(self) -> None:
        """Nothing to flush before the claiming transaction."""

    @property
    def one_chunk(self) -> bool:
        """Held, and stored as a single chunk."""
        return self._data is not None and self.size <= CHUNK_SIZE

    @property
    def data(self) -> bytes:
        if self._data is None:
            raise FileNotFoundError(f"the original {self.sha256} was discarded")
        return self._data

    def place(self) -> bool:
        """Write the bytes unless they are there; True if written. Call it inside the
        transaction that claims them (it joins that transaction)."""
        data = self.data
        with self.store.store.joined_write() as conn:
            written = _write(conn, self.sha256, data)
        return self.placed_now(written)

    def placed_now(self, written: bool) -> bool:
        """Note a write of the bytes (``DatabaseOriginals.place_all`` writes several)."""
        self._placed = self._placed or written
        return written

    def discard(self) -> None:
        self._data = None


def _present(conn: Connection, sha256: str) -> bool:
    return (
        conn.execute(
            select(original_chunks.c.seq).where(
                original_chunks.c.sha256 == sha256, original_chunks.c.seq == 0
            )
        ).first()
        is not None
    )


def _write(conn: Connection, sha256: str, data: bytes) -> bool:
    """Write ``data``'s chunks unless the original is there (writers take turns, so
    the look and the write cannot interleave with another writer's)."""
    view = memoryview(data)
    # One chunk a statement: never a second copy of the whole original in memory. The
    # first is skipped if it is there (then so is the original): no look before.
    for n, start in enumerate(range(0, max(len(data), 1), CHUNK_SIZE)):
        chunk = bytes(view[start : start + CHUNK_SIZE])
        if n == 0:
            first = insert_ignoring(conn, original_chunks).values(sha256=sha256, seq=0, data=chunk)
            if conn.execute(first.returning(original_chunks.c.seq)).first() is None:
                return False
        else:
            conn.execute(insert(original_chunks).values(sha256=sha256, seq=n, data=chunk))
    return True

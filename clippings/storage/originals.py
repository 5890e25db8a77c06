"""The original bytes of every imported file, content-addressed: ``originals/ab/<sha256>``.

A stored original is never rewritten: writing the same bytes again is a no-op, and a
new file appears whole or not at all (written beside, synced, renamed into place, and
the folder synced). Which originals the archive holds is decided by the database: an
import writes the file inside the transaction that claims it, and only a file no row
claims is ever removed (``ClippingStore.remove_unclaimed``).

A file being written is named ``.incoming-<pid>-<random>`` and locked by its writer
(``flock``) while it is written, so another program cleaning up after a crash removes
only the files whose writer is gone.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal, Protocol

from clippings.durable import fsync_folder, sync_filesystem, try_lock, unlock

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
INCOMING_PREFIX = ".incoming-"
#: A half-written file is left alone this long even when unlocked (its writer may have
#: created it an instant ago and not yet taken the lock).
LEFTOVER_AGE_SECONDS = 30.0


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Incoming(Protocol):
    """An original waiting for the transaction that claims it (``write_incoming``)."""

    sha256: str
    size: int

    @property
    def placed(self) -> bool: ...
    def sync(self) -> None: ...
    def place(self) -> bool: ...
    def discard(self) -> None: ...


class Originals(Protocol):
    """Where an archive keeps its originals: files in its folder (``OriginalStore``)
    or rows in its database (``originals_db.DatabaseOriginals``, a team archive)."""

    def put(self, data: bytes) -> tuple[str, bool]: ...
    def write_incoming(self, data: bytes) -> Incoming: ...
    def sync_all(self, incoming: Iterable[Incoming]) -> None: ...
    def place_all(self, incoming: Iterable[Incoming]) -> None: ...
    def replace(self, data: bytes) -> str: ...
    def read(self, sha256: str) -> bytes: ...
    def copy_to(self, sha256: str, target: Path) -> Path: ...
    def remove(self, sha256: str) -> None: ...
    def exists(self, sha256: str) -> bool: ...
    def verify(self, sha256: str) -> Literal["ok", "missing", "altered"]: ...
    def stored(self) -> Iterator[str]: ...
    def leftovers(self) -> list[Path]: ...
    def where(self, sha256: str) -> str: ...


class OriginalStore:
    """The ``originals/`` folder of an archive."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> tuple[str, bool]:
        """Store ``data``; returns its SHA-256 and whether a file was written.

        A file already there with the right size is kept; one of another size (cut
        short by a failing disk) is replaced by these bytes, whose hash is its name.
        """
        sha = sha256_of(data)
        target = self.path_for(sha)
        try:
            if target.stat().st_size == len(data):
                return sha, False
        except FileNotFoundError:
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f"{INCOMING_PREFIX}{os.getpid()}-")
        try:
            try_lock(fd)  # held while writing: a cleaner sees the file is still in use
            with os.fdopen(fd, "wb", closefd=False) as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            Path(tmp).chmod(0o444)
            Path(tmp).replace(target)
            fsync_folder(target.parent)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        finally:
            unlock(fd)
            os.close(fd)
        return sha, True

    def write_incoming(self, data: bytes) -> IncomingOriginal:
        """Write ``data`` beside its place, not yet synced nor named (a batch's file).

        The file is locked while it waits, so a cleaner leaves it alone. Its batch
        then syncs every file at once (``sync_all``), claims them in one database
        transaction that renames them into place (``place_all``), and ``discard``s each.
        """
        sha = sha256_of(data)
        target = self.path_for(sha)
        self._make_folder(target.parent)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f"{INCOMING_PREFIX}{os.getpid()}-")
        try:
            try_lock(fd)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fchmod(fd, 0o444)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            unlock(fd)
            os.close(fd)
            raise
        return IncomingOriginal(self, sha, len(data), Path(tmp), fd)

    def sync_all(self, incoming: Iterable[Incoming]) -> None:
        """Flush the bytes of waiting files to disk, all at once where the system can
        (``sync_filesystem``): before the transaction that claims them takes the lock."""
        waiting = _files(incoming)
        if waiting and sync_filesystem(self.root):
            for item in waiting:
                item.synced = True
        for item in waiting:
            item.sync()

    def place_all(self, incoming: Iterable[Incoming]) -> None:
        """Rename synced files into place, then make the new names durable (once for
        the batch): call it inside the transaction that claims them, before it commits."""
        folders = {item.path.parent for item in _files(incoming) if item.place()}
        if folders and not sync_filesystem(self.root):
            for folder in folders:
                fsync_folder(folder)

    def _make_folder(self, folder: Path) -> None:
        """``originals/ab/``, durable (a new folder's own entry is synced in its parent)."""
        if folder.is_dir():
            return
        folder.mkdir(parents=True, exist_ok=True)
        fsync_folder(folder.parent)

    def replace(self, data: bytes) -> str:
        """Write ``data`` over a missing or damaged file of the same hash (a repair)."""
        sha = sha256_of(data)
        self.path_for(sha).unlink(missing_ok=True)
        self.put(data)
        return sha

    def read(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()

    def copy_to(self, sha256: str, target: Path) -> Path:
        """Copy the original to the file ``target``; returns it."""
        import shutil

        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.path_for(sha256), target)
        return target

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def where(self, sha256: str) -> str:
        """Where the original lives, in words (for messages): its file."""
        return str(self.path_for(sha256))

    def remove(self, sha256: str) -> None:
        """Delete a file. Only ``ClippingStore.remove_unclaimed`` decides that it may go."""
        self.path_for(sha256).unlink(missing_ok=True)

    def verify(self, sha256: str) -> Literal["ok", "missing", "altered"]:
        path = self.path_for(sha256)
        if not path.is_file():
            return "missing"
        digest = hashlib.sha256()
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
        return "ok" if digest.hexdigest() == sha256 else "altered"

    def stored(self) -> Iterator[str]:
        """The SHA-256 of every original file on disk."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if not folder.is_dir() or len(folder.name) != 2:
                continue
            for entry in sorted(folder.iterdir()):
                if _SHA256.match(entry.name) and entry.name.startswith(folder.name):
                    yield entry.name

    def leftovers(self) -> list[Path]:
        """Half-written files whose writer is gone (a crash, a kill): safe to delete.

        A file still locked by a running import is not listed.
        """
        if not self.root.is_dir():
            return []
        stale = []
        now = time.time()
        for path in sorted(self.root.glob(f"*/{INCOMING_PREFIX}*")):
            try:
                if now - path.stat().st_mtime < LEFTOVER_AGE_SECONDS:
                    continue
                fd = os.open(path, os.O_RDONLY)
            except OSError:
                continue
            try:
                if try_lock(fd):
                    stale.append(path)
                    unlock(fd)
            finally:
                os.close(fd)
        return stale


class IncomingOriginal:
    """An original written beside its place (``.incoming-<pid>-...``, locked), waiting
    for the transaction that claims it. Always ``discard`` it afterwards."""

    def __init__(self, store: OriginalStore, sha256: str, size: int, path: Path, fd: int):
        self.store = store
        self.sha256 = sha256
        self.size = size
        self.path = path
        self._fd: int | None = fd
        #: Its bytes are on disk (set by ``OriginalStore.sync_all`` too).
        self.synced = False
        self._placed = False

    @property
    def placed(self) -> bool:
        """Renamed into place (by this object)."""
        return self._placed

    def sync(self) -> None:
        if self._fd is not None and not self.synced:
            os.fsync(self._fd)
            self.synced = True

    def place(self) -> bool:
        """Rename the file into place unless a whole one is there; True if renamed.

        Call it while holding the database's write lock (in the claiming transaction),
        so no cleaner decides about the final name meanwhile.
        """
        self.sync()  # never a final name on bytes that a power cut could lose
        target = self.store.path_for(self.sha256)
        try:
            if target.stat().st_size == self.size:
                return False
        except FileNotFoundError:
            pass
        if self._placed:
            # Renamed by a transaction that then failed, and removed meanwhile as no
            # clipping's (a repair): its bytes are gone, so nothing may claim it.
            raise FileNotFoundError(errno.ENOENT, "the original's file was removed", str(target))
        self.path.replace(target)
        self._placed = True
        return True

    def discard(self) -> None:
        """Remove the waiting file if it was not placed, and let go of its lock."""
        if self._fd is None:
            return
        try:
            if not self._placed:
                self.path.unlink(missing_ok=True)
        finally:
            unlock(self._fd)
            os.close(self._fd)
            self._fd = None


def _files(incoming: Iterable[Incoming]) -> list[IncomingOriginal]:
    """The waiting files of an archive folder (what its ``write_incoming`` made)."""
    files = list(incoming)
    for item in files:
        if not isinstance(item, IncomingOriginal):
            raise TypeError(f"not an original of an archive folder: {item!r}")
    return files  # type: ignore[return-value]

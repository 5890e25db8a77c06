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

import hashlib
import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from clippings.durable import fsync_folder, try_lock, unlock

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
INCOMING_PREFIX = ".incoming-"
#: A half-written file is left alone this long even when unlocked (its writer may have
#: created it an instant ago and not yet taken the lock).
LEFTOVER_AGE_SECONDS = 30.0


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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

    def replace(self, data: bytes) -> str:
        """Write ``data`` over a missing or damaged file of the same hash (a repair)."""
        sha = sha256_of(data)
        self.path_for(sha).unlink(missing_ok=True)
        self.put(data)
        return sha

    def read(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()

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

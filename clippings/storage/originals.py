"""The original bytes of every imported file, content-addressed: ``originals/ab/<sha256>``.

A stored original is never rewritten: writing the same bytes again is a no-op, and a
new file appears whole or not at all (written beside, then renamed into place).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Literal


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class OriginalStore:
    """The ``originals/`` folder of an archive."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> tuple[str, bool]:
        """Store ``data``; returns its SHA-256 and whether it was new."""
        sha = sha256_of(data)
        target = self.path_for(sha)
        if target.exists():
            return sha, False
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            Path(tmp).chmod(0o444)
            Path(tmp).replace(target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha, True

    def read(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()

    def remove(self, sha256: str) -> None:
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

    def leftovers(self) -> list[Path]:
        """Half-written files left by a crash (safe to delete)."""
        return sorted(self.root.glob("*/.incoming-*")) if self.root.is_dir() else []

"""Files that outlast a crash, and programs that share them: syncing files and folders
to disk, and advisory locks between programs that share an archive folder.

``flock`` locks belong to an open file and vanish with the process that holds them,
so a lock that can be taken proves its holder is gone (a crash or a kill leaves no
stale lock behind). Where ``fcntl`` is missing (Windows), locks are no-ops and the
callers fall back to what they did before: one program per archive.
"""

from __future__ import annotations

import ctypes
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import cast

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux or macOS
    fcntl = None  # type: ignore[assignment]

#: How often a waiting program tries the lock again, in seconds.
POLL_SECONDS = 0.05


def try_lock(fd: int) -> bool:
    """Take an exclusive lock on an open file if nobody holds it; True when taken."""
    if fcntl is None:  # pragma: no cover
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:
        return True  # a file system without locks: nothing to coordinate with
    return True


def unlock(fd: int) -> None:
    if fcntl is None:  # pragma: no cover
        return
    with suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_UN)


class LockTimeout(Exception):  # noqa: N818 - callers turn it into their own error
    """The lock stayed taken for longer than the caller would wait."""


@contextmanager
def held(path: Path, *, timeout: float) -> Iterator[None]:
    """Hold the lock of ``path`` (created if missing) for the ``with`` block.

    Raises:
        LockTimeout: another program held it for ``timeout`` seconds.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while not try_lock(fd):
            if time.monotonic() >= deadline:
                raise LockTimeout(str(path))
            time.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            unlock(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    """Flush a file's bytes to disk (before a rename exposes it under its final name)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: Path) -> None:
    """Make a rename or a new entry in ``folder`` durable (a no-op where unsupported)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open folders; its renames are journalled anyway
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the file itself is synced
    finally:
        os.close(fd)


def _load_syncfs() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return cast(Callable[[int], int], ctypes.CDLL(None, use_errno=True).syncfs)
    except (OSError, AttributeError):  # pragma: no cover - a C library without it
        return None


_syncfs = _load_syncfs()


def sync_filesystem(path: Path) -> bool:
    """Flush everything written on the file system that holds ``path`` (files and
    folder entries) to disk in one call (Linux's ``syncfs``); False where there is no
    such call, and the caller syncs each file and folder instead.

    One call for a batch of files costs about what one ``fsync`` does (a flush of the
    disk's cache), where a file and a folder ``fsync`` each cost one (~5 ms each here).

    Raises:
        OSError: the file system reported an error writing (Linux 5.8 and later).
    """
    if _syncfs is None:
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        if _syncfs(fd) != 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code), str(path))
    finally:
        os.close(fd)
    return True

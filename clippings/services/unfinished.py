"""Temporary files and folders that never outlive the program writing them.

An export or a backup is written under a temporary name beside its target, then
renamed into place, so the target appears whole or not at all. A failure or a cancel
removes the temporary at once; a program that is killed cannot, so every temporary is
also recorded in a small journal, one entry per temporary, in the user's state folder
(``~/.local/state/clippings/unfinished/``), and the next start removes what a dead
writer left (``clean_unfinished``).

Why the state folder and not the archive: exports go to any folder of the user's, not
into the archive; an archive may be read-only or carried to another computer, where the
paths mean nothing; and a temporary left by an export of one archive should go when the
user next opens another.

A writer holds an exclusive ``flock`` on its journal entry for as long as it writes, so
an entry whose lock can be taken belongs to a program that has died: that, not the
age of a file or the number in its name, is what makes a temporary stale. A temporary
still being written by a live program is never touched. Where ``fcntl`` is missing
(Windows), ``msvcrt.locking`` plays the same part; where neither lock works (some
network file systems), nothing is journalled and nothing is ever removed by guess.

Temporary names carry the writer's process id and a random part, so two programs (or
two exports in one) never share one: ``.report.pdf.clippings-4242-1f2e3d4c.part``.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import secrets
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from clippings.services.locate import state_path

log = logging.getLogger(__name__)

Kind = Literal["file", "folder"]

#: The journal's folder inside the user's state folder.
JOURNAL_DIR = "unfinished"
_ENTRY = ".entry"
_NEW_ENTRY = ".new"
_SUFFIX: dict[Kind, str] = {"file": ".part", "folder": ".partial"}
#: Only paths named like this are ever removed, whatever a journal entry says.
_OURS = re.compile(r"^\..+\.clippings-\d+-[0-9a-f]{8}\.(part|partial)$")
#: A journal entry still being made ("*.new") is debris only once it is this old.
_NEW_ENTRY_GRACE_SECONDS = 3600


def journal_folder() -> Path:
    """Where the journal of unfinished temporaries lives (in the user's state folder)."""
    return state_path() / JOURNAL_DIR


@dataclass
class _Entry:
    path: Path
    fd: int | None


@contextmanager
def unfinished(
    folder: Path, name: str, *, kind: Kind = "file", journal: Path | None = None
) -> Iterator[Path]:
    """A temporary path in ``folder`` for writing ``name``, journalled while in use.

    Nothing is created at the path: the caller makes the file (or folder) and renames
    it into place when it is complete. On leaving the block, whatever is still at the
    temporary path is removed (with the scratch files a format writes beside it,
    ``.<temporary name>.*``), and the journal entry with it.

    Args:
        folder: where the temporary goes (beside the target: the rename stays on one
            file system, so it is atomic).
        name: the target's name, which the temporary name starts with.
        kind: ``"file"`` or ``"folder"`` (a folder is removed with everything in it).
        journal: the journal's folder (tests); by default ``journal_folder()``.

    Yields:
        The temporary path.
    """
    token = f"{os.getpid()}-{secrets.token_hex(4)}"
    temporary = folder / f".{name}.clippings-{token}{_SUFFIX[kind]}"
    entry = _record(journal or journal_folder(), token, temporary)
    try:
        yield temporary
    finally:
        try:
            _remove(temporary)
        finally:
            if entry is not None:
                _forget(entry)


def clean_unfinished(journal: Path | None = None) -> int:
    """Remove the temporaries that killed exports and backups left behind.

    Only entries whose writer is gone are handled (their lock can be taken); a live
    program's temporary is left alone. Safe to call from several programs at once.

    Args:
        journal: the journal's folder (tests); by default ``journal_folder()``.

    Returns:
        How many temporary files or folders were removed.
    """
    journal = journal or journal_folder()
    try:
        entries = sorted(journal.iterdir())
    except FileNotFoundError:
        return 0
    except OSError as error:
        log.warning("cannot read the journal of unfinished exports %s: %s", journal, error)
        return 0
    removed = 0
    for path in entries:
        try:
            if path.suffix == _ENTRY:
                removed += _clean_entry(path)
            elif path.suffix == _NEW_ENTRY:
                _clean_new_entry(path)
        except OSError as error:  # never a reason to refuse opening an archive
            log.warning("cannot clean up after the journal entry %s: %s", path, error)
    return removed


# --- Journal entries ---------------------------------------------------------------------


def _record(journal: Path, token: str, temporary: Path) -> _Entry | None:
    """Write and lock the entry for ``temporary``; None when no journal can be kept.

    The entry is made under a ``.new`` name, locked, filled, then renamed: a cleaner
    never sees an entry that is not yet locked and complete.
    """
    new = journal / f"{token}{_NEW_ENTRY}"
    fd: int | None = None
    try:
        journal.mkdir(parents=True, exist_ok=True)
        fd = os.open(new, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        if not _try_lock(fd):
            raise OSError(errno.ENOLCK, "the journal entry cannot be locked")
        os.write(fd, os.fsencode(temporary.absolute()) + b"\n")
        os.fsync(fd)
        entry = journal / f"{token}{_ENTRY}"
        new.replace(entry)
    except OSError as error:
        # Without a journal the temporary is still removed on failure and cancel; only
        # a killed program's would stay. Never a reason to refuse the export itself.
        log.warning("no journal for %s (%s): a crash could leave it behind", temporary, error)
        if fd is not None:
            _forget(_Entry(new, fd))
        return None
    return _Entry(entry, fd)


def _forget(entry: _Entry) -> None:
    """Delete an entry and release its lock (in that order where the system allows)."""
    try:
        entry.path.unlink(missing_ok=True)
    except PermissionError:  # Windows: an open file cannot be deleted; close it first
        if entry.fd is not None:
            os.close(entry.fd)
            entry.fd = None
        with contextlib.suppress(OSError):
            entry.path.unlink(missing_ok=True)
    except OSError as error:
        log.warning("cannot remove the journal entry %s: %s", entry.path, error)
    if entry.fd is not None:
        os.close(entry.fd)
        entry.fd = None


def _clean_entry(path: Path) -> int:
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:  # another program cleaned it meanwhile
        return 0
    except OSError as error:
        log.warning("cannot open the journal entry %s: %s", path, error)
        return 0
    if not _try_lock(fd):
        os.close(fd)  # its writer is alive: leave the entry and the temporary alone
        return 0
    entry = _Entry(path, fd)
    try:
        if not path.exists():  # cleaned by another program between open and lock
            return 0
        recorded = os.read(fd, 64 * 1024).strip()
        temporary = Path(os.fsdecode(recorded)) if recorded else None
        if temporary is None or not _OURS.match(temporary.name):
            log.warning("the journal entry %s names no temporary of ours: dropped", path)
            return 0
        removed = _remove(temporary)
        if removed:
            log.info("removed %s, left by an export or backup that was stopped", temporary)
        return removed
    finally:
        _forget(entry)


def _clean_new_entry(path: Path) -> None:
    """A ``.new`` entry is debris when its writer died before renaming it."""
    try:
        if time.time() - path.stat().st_mtime < _NEW_ENTRY_GRACE_SECONDS:
            return
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return
    entry = _Entry(path, fd)
    if _try_lock(fd):
        _forget(entry)
    else:
        os.close(fd)


def _remove(temporary: Path) -> int:
    """Remove a temporary file or folder, and a format's scratch files beside it.

    Returns:
        1 when the temporary itself was there and is gone, else 0.
    """
    try:
        scratch = list(temporary.parent.glob(_glob_escape(f".{temporary.name}.") + "*"))
    except OSError:
        scratch = []
    for path in scratch:
        _remove_path(path)
    return 1 if _remove_path(temporary) else 0


def _remove_path(path: Path) -> bool:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        return False
    except OSError as error:
        log.warning("cannot remove the unfinished %s: %s", path, error)
        return False
    return True


def _glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


# --- Locks -------------------------------------------------------------------------------


def _try_lock(fd: int) -> bool:
    """Take the exclusive lock of an open journal entry without waiting.

    Returns:
        True when taken (held until ``fd`` is closed); False when another program
        holds it, or when the file system offers no lock (never guess then).
    """
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        import fcntl
    except ImportError:  # pragma: no cover - every POSIX Python has fcntl
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            log.warning("file locks do not work here (%s): nothing is cleaned up", error)
        return False
    return True

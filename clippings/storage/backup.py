"""A consistent copy of an archive's database while the archive is in use.

SQLite's online backup API copies the database as one snapshot: other programs go on
reading and writing (in WAL mode a reader never blocks a writer), and the copy holds
exactly the transactions committed when it began. The copy is written under a
temporary name, synced and renamed, so it appears whole or not at all.
"""

from __future__ import annotations

import errno
import os
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from clippings.durable import fsync_file, fsync_folder
from clippings.model import ArchiveError, StorageError, plural

#: Error numbers that mean "no room left", on the disk or in the user's quota.
NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT})


@dataclass(frozen=True)
class DatabaseContents:
    """What a copied database holds, read from the copy itself."""

    #: Every original file the clippings use (SHA-256 -> the clippings using it).
    originals: dict[str, tuple[int, ...]]
    #: Clippings not in the trash.
    clippings: int
    #: Clippings in the trash.
    trashed: int


def backup_database(source: Path, target: Path) -> None:
    """Copy the database at ``source`` to ``target`` (a new file), consistently.

    The copy uses the rollback journal (no ``-wal`` beside it), so it is one
    self-contained file; the archive switches it back to WAL when it opens it.

    Raises:
        StorageError: the source cannot be read, or the copy cannot be written (the
            disk is full, the folder is read-only); nothing is left at ``target``.
    """
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        reader = _connect_read_only(source)
        try:
            copy = sqlite3.connect(partial)
            try:
                # One step (pages=-1): a step-wise copy restarts whenever another
                # program writes, and under a steady import might never finish.
                reader.backup(copy, pages=-1)
                copy.execute("PRAGMA journal_mode=DELETE").fetchall()
                # A damaged database copies as damaged: say so rather than keep a backup
                # that cannot be opened.
                found = [str(r[0]) for r in copy.execute("PRAGMA quick_check").fetchall()]
                if found != ["ok"]:
                    faults = sum(len(line.splitlines()) for line in found)
                    found_faults = plural(faults, "fault")
                    raise ArchiveError(
                        f"the archive's database is damaged (SQLite finds {found_faults} "
                        "in it), so a copy of it would be damaged too: restore the archive "
                        "from an earlier backup instead"
                    )
            finally:
                copy.close()
        finally:
            reader.close()
        fsync_file(partial)
        partial.replace(target)
        fsync_folder(target.parent)
    except sqlite3.Error as error:
        raise _storage_error(error, target) from error
    except OSError as error:
        raise StorageError(_os_message(error, target)) from error
    finally:
        partial.unlink(missing_ok=True)


def database_contents(database: Path) -> DatabaseContents:
    """The originals and clipping counts of a (copied) database file.

    Raises:
        StorageError: the file cannot be read as an archive database.
    """
    try:
        connection = _connect_read_only(database)
        try:
            rows = connection.execute("SELECT sha256, id, trashed FROM clippings").fetchall()
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise StorageError(f"cannot read the copied database {database}: {error}") from error
    used: dict[str, list[int]] = {}
    trashed = 0
    for sha, clipping_id, in_trash in rows:
        used.setdefault(str(sha), []).append(int(clipping_id))
        trashed += 1 if in_trash else 0
    return DatabaseContents(
        originals={sha: tuple(ids) for sha, ids in used.items()},
        clippings=len(rows) - trashed,
        trashed=trashed,
    )


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that can never change (or create) the database at ``path``."""
    if not path.is_file():
        raise sqlite3.OperationalError(f"there is no database at {path}")
    options = "mode=ro"
    if not os.access(path.parent, os.W_OK):
        # A read-only folder or disk: SQLite cannot make the WAL's shared-memory file
        # there, and nobody can be writing, so the file may be read as it stands.
        options += "&immutable=1"
    connection = sqlite3.connect(f"{path.absolute().as_uri()}?{options}", uri=True, timeout=30)
    connection.execute("PRAGMA busy_timeout=30000")
    return connection


def _storage_error(error: sqlite3.Error, target: Path) -> StorageError:
    code = getattr(error, "sqlite_errorcode", None)
    if code == sqlite3.SQLITE_FULL or "full" in str(error).lower():
        return StorageError(
            f"there is no room left on the disk for the backup's database in {target.parent}: "
            "free some space or choose another place"
        )
    return StorageError(f"cannot copy the archive's database to {target}: {error}")


def _os_message(error: OSError, target: Path) -> str:
    if error.errno in NO_SPACE:
        return (
            f"there is no room left on the disk for the backup's database in {target.parent}: "
            "free some space or choose another place"
        )
    return f"cannot copy the archive's database to {target}: {error.strerror or error}"

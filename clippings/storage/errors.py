"""The database engine's faults as the project's errors, in words a person can act on.

Separate from ``database.py`` so that every part of ``ClippingStore`` (and anything
else in storage that meets a raw database fault) translates them the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.exc import DBAPIError, IntegrityError

from clippings.model import ArchiveError, ClippingsError, ReadOnlyArchiveError, StorageError
from clippings.storage import postgres, sqlite

READ_ONLY_MESSAGE = (
    "this archive is open read-only (its disk or folder cannot be written): "
    "the change was not saved"
)


@contextmanager
def translated(path: Path | None, url: str | None = None) -> Iterator[None]:
    """The database engine's faults as the project's errors, in plain words."""
    try:
        yield
    except IntegrityError:
        raise
    except DBAPIError as error:
        raise storage_error(error.orig or error, path, url) from error


def storage_error(
    error: BaseException, path: Path | None, url: str | None = None
) -> ClippingsError:
    """What a database fault means for the user (the database's own words last)."""
    server = postgres.error_for(error, url)
    if server is not None:
        return server
    said = str(error)
    text = said.lower()
    if "readonly" in text or "read-only" in text:
        return ReadOnlyArchiveError(READ_ONLY_MESSAGE)
    if "full" in text:
        return StorageError(
            "the disk is full: the change was not saved. Free some space and try again"
        )
    if "locked" in text or "busy" in text:
        return StorageError(
            "the archive is busy: another program has been writing to it for more than "
            f"{sqlite.BUSY_TIMEOUT_MS // 1000} seconds; try again in a moment"
        )
    if "malformed" in text or "not a database" in text or "encrypted" in text:
        return ArchiveError(
            sqlite.damaged_message(path or Path("?"), f"the database is damaged ({said})")
        )
    if "unable to open" in text:
        return ArchiveError(f"cannot open the archive's database {path or ''}: {said}")
    if "i/o" in text:
        return StorageError(f"the disk failed while reading or writing the archive ({said})")
    return StorageError(f"the archive's database failed: {said}")


__all__ = ["READ_ONLY_MESSAGE", "storage_error", "translated"]

"""Backing up an archive while it is in use.

A backup is itself an archive folder: ``clippings.sqlite3``, a consistent copy of the
database made with SQLite's online backup API, and ``originals/``, every original file
that copy refers to. It has no search index; the index is rebuilt when the backup is
first opened. To use a backup, open it as an archive (or move it into the damaged
archive's place).

The backup is built in a temporary folder and renamed into place when complete, so a
failure, a cancel or a kill never leaves half a backup under the chosen name. Imports
may go on meanwhile: the copy of the database holds the clippings committed when it
began, and an import stores a clipping's original before the clipping itself, so every
original that copy refers to is already on disk.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from clippings.durable import fsync_folder
from clippings.model import ArchiveError, Cancelled, Progress, StorageError
from clippings.services.archive import Archive, Cancel, Report
from clippings.services.unfinished import unfinished
from clippings.storage import DATABASE_NAME, ORIGINALS_DIR, OriginalStore
from clippings.storage.backup import (
    NO_SPACE,
    backup_database,
    database_contents,
)

_BLOCK = 1 << 20


@dataclass(frozen=True)
class BackupSummary:
    """What a backup holds and where it went."""

    #: The backup's folder (an archive folder: open it to use it).
    path: Path
    #: Clippings backed up, not counting those in the trash.
    clippings: int
    #: Clippings in the trash, backed up too.
    trashed: int
    #: Original files in the backup.
    originals: int
    #: How many of those are hard links to the archive's own (the same disk).
    linked: int = 0
    #: Originals the archive itself lacks or holds damaged, so the backup lacks them
    #: too, in plain words (empty when all went well).
    problems: tuple[str, ...] = ()


def backup_archive(
    archive: Archive,
    destination: Path,
    *,
    report: Report | None = None,
    cancel: Cancel | None = None,
) -> BackupSummary:
    """Copy ``archive`` into ``destination``, a new or empty folder outside it.

    Originals are hard-linked when the destination is on the same disk (they are
    never rewritten, so a link is as good as a copy against a damaged database or a
    deletion, though not against the disk failing), else copied; either way each is
    checked against its SHA-256 as it goes. Progress is reported per original.

    Args:
        archive: the open archive (it stays usable meanwhile).
        destination: the folder to make the backup in.
        report: called with the progress.
        cancel: returns True when the user wants to stop.

    Returns:
        What was backed up.

    Raises:
        ArchiveError: the destination is inside the archive, holds files, or its
            parent folder does not exist.
        StorageError: the backup cannot be written (the disk is full or read-only);
            nothing is left behind.
        Cancelled: the user stopped it; nothing is left behind.
    """
    if not isinstance(archive.originals, OriginalStore):
        raise ArchiveError(
            "a team archive is backed up on its server, with PostgreSQL's own tools "
            "(pg_dump), or copied into an archive folder with “clippings copy”: see "
            "“A team archive” in the README"
        )
    destination = Path(destination).expanduser().absolute()
    in_place = _check_destination(archive, destination)
    # A new folder is built beside its final name and renamed; an existing empty one
    # (perhaps the root of a disk) gets a temporary folder inside it.
    folder, name = (destination, "backup") if in_place else (destination.parent, destination.name)
    try:
        with unfinished(folder, name, kind="folder") as work:
            work.mkdir()
            summary = _fill(archive, work, report, cancel)
            _move_into_place(work, destination, in_place=in_place)
            fsync_folder(destination.parent)
    except OSError as error:
        if error.errno in NO_SPACE:
            raise StorageError(
                f"there is no room left on the disk for the backup in {destination}: free "
                "some space or choose another place (nothing was kept)"
            ) from error
        raise StorageError(
            f"cannot write the backup to {destination}: {error.strerror or error} "
            "(nothing was kept)"
        ) from error
    return BackupSummary(
        path=destination,
        clippings=summary.clippings,
        trashed=summary.trashed,
        originals=summary.originals,
        linked=summary.linked,
        problems=summary.problems,
    )


def suggested_name(today: date | None = None) -> str:
    """A folder name for a backup made today (``clippings-backup-2026-11-30``)."""
    return f"clippings-backup-{(today or date.today()).isoformat()}"


def _check_destination(archive: Archive, destination: Path) -> bool:
    """Refuse a destination that cannot hold a backup; True when it exists (empty)."""
    home = archive.path.resolve()
    target = destination.resolve()
    if target == home or home in target.parents:
        raise ArchiveError(
            f"{destination} is inside the archive: choose a folder outside it, best on another disk"
        )
    if destination.exists() and not destination.is_dir():
        raise ArchiveError(f"{destination} is a file: choose a new or empty folder")
    if destination.is_dir():
        try:
            others = sorted(p.name for p in destination.iterdir())
        except OSError as error:
            raise ArchiveError(f"cannot read {destination}: {error.strerror}") from error
        if others:
            shown = ", ".join(others[:3]) + (", …" if len(others) > 3 else "")
            raise ArchiveError(
                f"{destination} already holds files ({shown}): choose a new or empty folder, "
                f"for example {destination / suggested_name()}"
            )
        return True
    if not destination.parent.is_dir():
        raise ArchiveError(
            f"cannot make the backup {destination}: the folder {destination.parent} does not exist"
        )
    return False


def _fill(archive: Archive, work: Path, report: Report | None, cancel: Cancel | None) -> _Filled:
    """Copy the database, then every original it refers to, into ``work``."""
    _stop_if_asked(cancel)
    if report:
        report(Progress(0, 1, "Copying the database"))
    database = work / DATABASE_NAME
    backup_database(archive.path / DATABASE_NAME, database)
    contents = database_contents(database)
    target = OriginalStore(work / ORIGINALS_DIR)
    target.root.mkdir()
    total = len(contents.originals)
    assert isinstance(archive.originals, OriginalStore)  # backup_archive refuses the others
    may_link = _same_disk(archive.originals.root, target.root)
    copied = linked = 0
    problems: list[str] = []
    for done, (sha, ids) in enumerate(sorted(contents.originals.items()), start=1):
        _stop_if_asked(cancel)
        source = archive.originals.path_for(sha)
        copy = target.path_for(sha)
        copy.parent.mkdir(exist_ok=True)
        owners = ", ".join(str(i) for i in ids)
        try:
            was_linked, digest = _link_or_copy(source, copy, may_link=may_link)
        except FileNotFoundError:
            problems.append(
                f"the original file of clipping {owners} is missing from the archive, "
                "so the backup lacks it too"
            )
            continue
        if digest != sha:
            copy.unlink()
            problems.append(
                f"the original file of clipping {owners} has been altered in the archive "
                "(its bytes no longer match), so it was left out of the backup"
            )
            continue
        copied += 1
        linked += int(was_linked)
        if report:
            report(Progress(done, total, "Copying original files"))
    for sub in target.root.iterdir():
        fsync_folder(sub)
    fsync_folder(target.root)
    fsync_folder(work)
    return _Filled(contents.clippings, contents.trashed, copied, linked, tuple(problems))


@dataclass(frozen=True)
class _Filled:
    clippings: int
    trashed: int
    originals: int
    linked: int
    problems: tuple[str, ...]


def _link_or_copy(source: Path, copy: Path, *, may_link: bool) -> tuple[bool, str]:
    """Hard-link or copy one original; returns (linked, the SHA-256 of what is there)."""
    if may_link:
        try:
            os.link(source, copy)
        except FileNotFoundError:
            raise
        except OSError as error:
            if error.errno in NO_SPACE:
                raise
            # A file system without hard links, or links to others' files forbidden
            # (protected_hardlinks): copy instead.
        else:
            return True, _sha256_of_file(copy)
    digest = hashlib.sha256()
    with source.open("rb") as reading, copy.open("xb") as writing:
        for block in iter(lambda: reading.read(_BLOCK), b""):
            digest.update(block)
            writing.write(block)
        writing.flush()
        os.fsync(writing.fileno())
    copy.chmod(0o444)  # as the archive keeps its originals: never rewritten
    return False, digest.hexdigest()


def _sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def _same_disk(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_dev == b.stat().st_dev
    except OSError:
        return False


def _move_into_place(work: Path, destination: Path, *, in_place: bool) -> None:
    """Give the finished backup its name.

    A new folder is one rename. Into an existing empty folder, the originals go first
    and the database last: a folder only counts as an archive once its database is
    there.
    """
    if not in_place:
        work.rename(destination)
        return
    (work / ORIGINALS_DIR).rename(destination / ORIGINALS_DIR)
    (work / DATABASE_NAME).rename(destination / DATABASE_NAME)


def _stop_if_asked(cancel: Cancel | None) -> None:
    if cancel is not None and cancel():
        raise Cancelled("the backup was cancelled; nothing was kept")


__all__ = ["BackupSummary", "backup_archive", "suggested_name"]

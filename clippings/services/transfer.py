"""``clippings copy SRC DEST``: an archive copied into another, then checked.

An archive folder to a team archive (a newsroom moving to the server) and back (a
copy to take away, or a backup the server's tools cannot give). The copy carries
everything: every clipping with its id, its tags, notes, trash, copies in other
formats, outlets, saved searches, stored analysis and related pieces, and every
original's bytes. It is then checked, and refused as failed unless the two archives
have the same rows in every table (compared by digest), every original of the copy
hashes to its SHA-256, and a set of exact-phrase searches finds the same clippings
in both.

A folder copy is built beside its final name and renamed into place when complete
(a stopped or failed copy leaves nothing); a team archive must have been prepared
with ``clippings server init`` and hold nothing yet (a failed copy says so, and the
database is emptied by making it again).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from pathlib import Path

from clippings.model import ArchiveError, Cancelled, ClippingsError, Progress
from clippings.services.archive import Archive, Cancel, Report
from clippings.services.locate import archive_exists
from clippings.services.unfinished import unfinished
from clippings.storage import transfer

#: How many exact-phrase searches the check compares.
PHRASES = 25
_WORD = re.compile(r"[^\W\d_]{5,}")


@dataclass(frozen=True)
class CopySummary:
    """What ``copy_archive`` copied and checked."""

    source: str
    target: str
    clippings: int
    originals: int
    #: Rows copied per table.
    rows: dict[str, int]
    #: The exact-phrase searches compared, each with how many clippings both found.
    phrases: tuple[tuple[str, int], ...]


class CopyCheckError(ClippingsError):
    """The copy was made but does not hold what the source holds."""


def copy_archive(
    source: Path | str,
    target: Path | str,
    *,
    report: Report | None = None,
    cancel: Cancel | None = None,
) -> CopySummary:
    """Copy the archive at ``source`` into ``target`` and check the copy.

    Raises:
        ArchiveError: the source is missing, the target holds something already.
        CopyCheckError: the copy differs from the source (a folder copy is removed).
        Cancelled: stopped by the user (a folder copy is removed).
    """
    if not archive_exists(source):
        raise ArchiveError(f"there is no archive at {source}")
    with Archive.open(source) as src:
        if isinstance(target, str):
            with Archive.open_server(target) as dest:
                if dest.read_only:
                    raise ArchiveError(
                        f"{dest.location}: your account may not import into this team archive"
                    )
                return _copy(src, dest, report, cancel)
        return _copy_to_folder(src, Path(target).expanduser().absolute(), report, cancel)


def _copy_to_folder(
    src: Archive, target: Path, report: Report | None, cancel: Cancel | None
) -> CopySummary:
    if target.exists() and not target.is_dir():
        raise ArchiveError(f"{target} is a file: choose a new or empty folder for the copy")
    if target.is_dir() and any(target.iterdir()):
        raise ArchiveError(f"{target} already holds files: choose a new or empty folder")
    if not target.parent.is_dir():
        raise ArchiveError(f"cannot make {target}: the folder {target.parent} does not exist")
    with unfinished(target.parent, target.name, kind="folder") as work:
        with Archive.open(work) as dest:
            summary = _copy(src, dest, report, cancel)
        if target.is_dir():
            target.rmdir()  # empty, checked above
        work.replace(target)
    return replace(summary, target=str(target))


def _copy(src: Archive, dest: Archive, report: Report | None, cancel: Cancel | None) -> CopySummary:
    def stop() -> bool:
        return cancel is not None and cancel()

    if dest.store.count() or dest.store.count(trashed=True):
        raise ArchiveError(f"{dest.location} already holds clippings: copy into an empty archive")
    shas = sorted(src.store.claimed_originals())
    for done, sha in enumerate(shas, start=1):
        if stop():
            raise Cancelled("the copy was stopped")
        dest.originals.put(src.originals.read(sha))
        if report:
            report(Progress(done, len(shas), "Copying the original files"))

    def rows_done(table: str, done: int, total: int) -> None:
        if report:
            report(Progress(done, total, f"Copying the database ({table})"))

    try:
        rows = transfer.copy_rows(src.store, dest.store, report=rows_done, cancel=stop)
    except InterruptedError as error:
        raise Cancelled(str(error)) from error
    except ValueError as error:
        raise ArchiveError(f"{dest.location}: {error}") from error
    dest.rebuild_index(report=report, cancel=cancel)
    phrases = _check(src, dest, shas, report)
    return CopySummary(
        src.location,
        dest.location,
        dest.store.count() + dest.store.count(trashed=True),
        len(shas),
        rows,
        phrases,
    )


def _check(
    src: Archive, dest: Archive, shas: list[str], report: Report | None
) -> tuple[tuple[str, int], ...]:
    """Refuse the copy unless it holds what the source holds."""
    if report:
        report(Progress(0, 1, "Checking the copy"))
    counts, copied = transfer.row_counts(src.store), transfer.row_counts(dest.store)
    differ = [t for t in counts if counts[t] != copied.get(t)]
    if differ:
        shown = ", ".join(f"{t}: {counts[t]} → {copied.get(t)}" for t in differ)
        raise CopyCheckError(f"the copy holds other numbers of rows than the source ({shown})")
    before, after = transfer.table_digests(src.store), transfer.table_digests(dest.store)
    changed = [t for t in before if before[t] != after.get(t)]
    if changed:
        raise CopyCheckError(f"the copy's rows differ from the source's in {', '.join(changed)}")
    for done, sha in enumerate(shas, start=1):
        state = dest.originals.verify(sha)
        if state != "ok":
            raise CopyCheckError(f"the copy's original {sha[:12]}… is {state}")
        if report:
            report(Progress(done, len(shas), "Checking the copied originals"))
    found = []
    for phrase in _phrases(src):
        query = f'"{phrase}"'
        mine = set(src.search_ids(query, limit=None).ids)
        theirs = set(dest.search_ids(query, limit=None).ids)
        if mine != theirs:
            raise CopyCheckError(
                f"searching the copy for {query} finds other clippings than in the source "
                f"({sorted(mine)[:5]} → {sorted(theirs)[:5]})"
            )
        found.append((phrase, len(mine)))
    return tuple(found)


def _phrases(archive: Archive) -> list[str]:
    """Up to ``PHRASES`` phrases of three words that follow each other in clippings
    picked at random (the same picks for the same archive); words of letters only, of
    five or more, so that no engine's stop words or number handling is compared."""
    ids = [i for batch in archive.store.all_ids(searchable_only=True) for i in batch]
    picker = random.Random(len(ids))
    chosen = picker.sample(ids, min(PHRASES, len(ids)))
    phrases = []
    for _, text in sorted(archive.store.texts(chosen).items()):
        words = text.split()
        starts = [
            n for n in range(len(words) - 2) if all(_WORD.fullmatch(w) for w in words[n : n + 3])
        ]
        if starts:
            start = picker.choice(starts)
            phrases.append(" ".join(words[start : start + 3]))
    return phrases

"""Exporting a collection: choose the clippings, order them, write a format safely.

An export is written to a temporary file beside the target and renamed into place when
complete: the file appears whole or not at all. The temporary goes on failure and on
cancel; one left by a killed program goes at the next start (``clean_unfinished_exports``,
through the journal of ``services.unfinished``).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from clippings.durable import fsync_file
from clippings.exporters import FORMAT_NAMES, FORMATS, ReadOriginal, exporter
from clippings.model import (
    Clipping,
    ClippingsError,
    Collection,
    QueryError,
    published_utc,
)
from clippings.services.archive import Archive, Cancel, Report
from clippings.services.unfinished import clean_unfinished, unfinished
from clippings.storage import INDEX_DIR, ORIGINALS_DIR

#: What to do about a missing or damaged original, in words the window and the command
#: line can both show.
CHECK_ADVICE = "check the archive (Tools › Check Archive, or `clippings check`)"


class NothingToExportError(ClippingsError):
    """The selection holds no clipping."""


class MissingOriginalError(ClippingsError):
    """An original file that an export needs is missing from the archive or unreadable."""

    def __init__(self, message: str, *, clipping_id: int, original_name: str) -> None:
        super().__init__(message)
        self.clipping_id = clipping_id
        self.original_name = original_name


def clean_unfinished_exports() -> int:
    """Remove the temporary files that killed exports (and backups) left behind.

    Call it when an archive is opened or the program starts; it only touches files
    whose writing program is gone, so it is safe while other programs export.

    Returns:
        How many were removed.
    """
    return clean_unfinished()


def describe_format(name: str) -> str:
    return FORMATS.get(name, name)


def order_key(clipping: Clipping) -> tuple[bool, datetime, str]:
    """By publication date (undated last), then title."""
    moment = published_utc(clipping.published)
    return (moment is None, moment or datetime.max, clipping.title.casefold())


def gather(
    archive: Archive,
    *,
    tag: str | None = None,
    query: str | None = None,
    ids: Sequence[int] | None = None,
    title: str | None = None,
) -> Collection:
    """The clippings of a tag (with its children), a search or a list of ids, in order.

    Raises:
        NothingToExportError: the selection is empty.
        NotFoundError: an id or tag the archive does not have.
        QueryError: a query that cannot be understood, or not exactly one selection.
    """
    chosen = [x is not None for x in (tag, query, ids)]
    if sum(chosen) != 1:
        raise QueryError("choose what to export: a tag, a query or clipping ids (one of them)")
    if tag is not None:
        tag = archive.tag_called(tag)
        found = [row.id for row in archive.list(tag=tag)]
        name = title or tag
        empty = f"no clipping carries the tag {tag!r} (or a tag below it)"
    elif query is not None:
        found = archive.search_ids(query, limit=None).ids
        name = title or f"Search: {query}"
        empty = f"no clipping matches {query!r}"
    else:
        found = archive.store.require(ids or [])
        name = title or "Selected clippings"
        empty = "no clippings were chosen"
    if not found:
        raise NothingToExportError(f"nothing to export: {empty}")
    clippings = sorted((archive.get(i) for i in found), key=order_key)
    colours = {tag.name: tag.colour for tag in archive.tags() if tag.colour}
    return Collection(
        title=name, clippings=tuple(clippings), made_at=datetime.now(UTC), tag_colours=colours
    )


def export(
    archive: Archive,
    collection: Collection,
    format_name: str,
    output: Path,
    *,
    force: bool = False,
    report: Report | None = None,
    cancel: Cancel | None = None,
) -> Path:
    """Write ``collection`` in a format to ``output``; returns the path written.

    The file appears whole or not at all: it is written to a temporary file beside
    ``output`` (removed on failure and cancel, and by ``clean_unfinished_exports`` after
    a kill), then renamed into place with the mode of any new file (``0o666`` less the
    umask), whatever the format.

    Raises:
        QueryError: an unknown format.
        MissingOriginalError: an original the format includes is missing or unreadable.
        ClippingsError: the output exists (and ``force`` is not set), or cannot be
            written.
        Cancelled: the user stopped the export.
    """
    try:
        writer = exporter(format_name)
    except KeyError:
        raise QueryError(
            f"unknown format {format_name!r}: choose one of {', '.join(FORMAT_NAMES)}"
        ) from None
    output = Path(output).expanduser()
    if output.is_dir():
        raise ClippingsError(f"{output} is a folder: give the name of the file to write")
    if output.exists() and not force:
        raise ClippingsError(f"{output} already exists: use --force to replace it")
    folder = output.parent if str(output.parent) else Path()
    if not folder.is_dir():
        raise ClippingsError(f"cannot write {output}: the folder {folder} does not exist")
    root = Path(archive.path).resolve()
    where = folder.resolve()
    if where == root or any(where.is_relative_to(root / part) for part in _ARCHIVE_PARTS):
        raise ClippingsError(
            f"cannot write {output}: that folder holds the archive's own files, which "
            "only Clippings writes; choose another folder"
        )
    if not os.access(folder, os.W_OK):
        raise ClippingsError(f"cannot write {output}: no permission to write in {folder}")
    read_original = _original_reader(archive, collection)
    try:
        with unfinished(folder, output.name) as partial:
            mode = _create(partial)
            writer.write(
                collection, partial, read_original=read_original, report=report, cancel=cancel
            )
            # A format may have replaced the file we made (the PDF writer makes its own):
            # every export gets the mode of a new file, so colleagues can open it too.
            partial.chmod(mode)
            fsync_file(partial)
            partial.replace(output)
    except OSError as error:
        raise ClippingsError(f"cannot write {output}: {error.strerror or error}") from error
    return output


#: The archive's own folders (beside its database in the archive's folder itself).
_ARCHIVE_PARTS = (ORIGINALS_DIR, INDEX_DIR)


def _create(path: Path) -> int:
    """Create an empty file as any new file of the user's; returns its mode.

    ``0o666`` less the umask, as ``open()`` gives (not the ``0o600`` of ``mkstemp``),
    read from the file itself rather than by changing the process's umask.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        return stat.S_IMODE(os.fstat(fd).st_mode)
    finally:
        os.close(fd)


def _original_reader(archive: Archive, collection: Collection) -> ReadOriginal:
    """Reads originals for a format, naming the clipping and its file when one is missing."""
    owners: dict[str, Clipping] = {}
    for clipping in collection.clippings:
        owners.setdefault(clipping.sha256, clipping)

    def read(sha256: str) -> bytes:
        try:
            return archive.originals.read(sha256)
        except OSError as error:
            owner = owners.get(sha256)
            number = f"clipping {owner.id}" if owner else "a clipping"
            name = f" ({owner.original_name})" if owner and owner.original_name else ""
            if isinstance(error, FileNotFoundError):
                what = "is missing from the archive"
            else:
                what = f"cannot be read ({error.strerror or error})"
            raise MissingOriginalError(
                f"the original file of {number}{name} {what}: {CHECK_ADVICE}",
                clipping_id=owner.id if owner else 0,
                original_name=owner.original_name if owner else "",
            ) from error

    return read

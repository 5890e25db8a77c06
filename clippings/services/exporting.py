"""Exporting a collection: choose the clippings, order them, write a format safely."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from clippings.exporters import FORMAT_NAMES, FORMATS, exporter
from clippings.model import (
    Clipping,
    ClippingsError,
    Collection,
    NotFoundError,
    QueryError,
    published_utc,
)
from clippings.services.archive import Archive, Cancel, Report


class NothingToExportError(ClippingsError):
    """The selection holds no clipping."""


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
        if not archive.store.tag_exists(tag):
            raise NotFoundError(f"there is no tag {tag!r}")
        found = [row.id for row in archive.list(tag=tag)]
        name = title or tag
        empty = f"no clipping carries the tag {tag!r} (or a tag below it)"
    elif query is not None:
        found, _ = archive.search_ids(query, limit=None)
        name = title or f"Search: {query}"
        empty = f"no clipping matches {query!r}"
    else:
        found = archive.store.require(ids or [])
        name = title or "Selected clippings"
        empty = "no clippings were chosen"
    if not found:
        raise NothingToExportError(f"nothing to export: {empty}")
    clippings = sorted((archive.get(i) for i in found), key=order_key)
    return Collection(title=name, clippings=tuple(clippings), made_at=datetime.now(UTC))


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

    The file appears whole or not at all (written beside, then renamed into place).

    Raises:
        QueryError: an unknown format.
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
    if not os.access(folder, os.W_OK):
        raise ClippingsError(f"cannot write {output}: no permission to write in {folder}")
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{output.name}.", suffix=".part")
    except OSError as error:
        raise ClippingsError(f"cannot write {output}: {error.strerror or error}") from error
    os.close(handle)
    partial = Path(temporary)
    try:
        writer.write(
            collection, partial, read_original=archive.originals.read, report=report, cancel=cancel
        )
        partial.replace(output)
    except OSError as error:
        raise ClippingsError(f"cannot write {output}: {error.strerror or error}") from error
    finally:
        partial.unlink(missing_ok=True)
    return output

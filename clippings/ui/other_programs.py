"""Reading the archive again after another program changed it, off the GUI thread.

The window's timer asks ``Archive.changed_elsewhere`` (microseconds); when it says
yes, ``read_archive`` runs as a job on a worker thread: it brings the search index up
to date, then reads everything the window shows (counts, tags, saved searches, the
filter lists, the pages of the list in view, the clipping being read). The window then
only swaps the results in, so its GUI thread does no work that grows with the archive.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from clippings.model import (
    Clipping,
    ClippingsError,
    IndexBusyError,
    NotFoundError,
    SavedSearch,
    Tag,
)
from clippings.services import Archive
from clippings.ui.clipping_model import RowsReading, RowsRequest, read_rows

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArchiveReading:
    """What the window shows, as the archive holds it now."""

    archive: Archive
    live: int
    trashed: int
    tags: list[Tag]
    saved_searches: list[SavedSearch]
    outlets: list[tuple[str, int]]
    languages: list[tuple[str, int]]
    #: The list's rows (None when the list was not asked for, or its search broke).
    rows: RowsReading | None = None
    #: The clipping in the reading pane, as it is now (None: it was deleted for good).
    reading_id: int | None = None
    reading: Clipping | None = None
    #: Another program holds the search index: the index waits for the next try.
    index_busy: bool = False
    #: Why the search index could not be brought up to date (in plain words), if so.
    index_problem: str = ""


def read_side(archive: Archive, **extra: Any) -> ArchiveReading:
    """The counts, tags, saved searches and filter choices the window's side shows,
    with ``extra`` fields of ``ArchiveReading`` (rows, the clipping being read …)."""
    return ArchiveReading(
        archive=archive,
        live=archive.count(),
        trashed=archive.count(trashed=True),
        tags=archive.tags(),
        saved_searches=archive.saved_searches(),
        outlets=archive.outlets(),
        languages=archive.languages(),
        **extra,
    )


def read_archive(
    archive: Archive,
    rows: RowsRequest | None,
    reading_id: int | None,
    *,
    sync: bool,
    report: Any = None,
    cancel: Any = None,
) -> ArchiveReading:
    """Bring the index up to date (when ``sync``), then read what the window shows.

    A job function: ``report`` and ``cancel`` are the job runner's and not used.
    """
    busy, problem = False, ""
    if sync:
        try:
            archive.sync_index()
        except IndexBusyError:
            busy = True
        except ClippingsError as error:  # the disk refused: the list still shows the news
            problem = str(error)
    # Whatever changed until now is read below; later changes are news for the next poll.
    archive.changed_elsewhere()
    reading: Clipping | None = None
    if reading_id is not None:
        try:
            reading = archive.get(reading_id)
        except NotFoundError:
            reading = None
    rows_read: RowsReading | None = None
    if rows is not None:
        try:
            rows_read = read_rows(archive, rows)
        except ClippingsError:
            log.info("the search shown cannot be run again", exc_info=True)
    return read_side(
        archive,
        rows=rows_read,
        reading_id=reading_id,
        reading=reading,
        index_busy=busy,
        index_problem=problem,
    )

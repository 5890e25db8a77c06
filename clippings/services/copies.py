"""The same piece in another format: how an import recognises it, and its files.

A web page and its print-to-PDF, or a .docx of it, are one piece: the second file
imported becomes a copy of the first's clipping (``duplicate``, with the reason),
its bytes kept as another original of that clipping (``Clipping.copies``). The
texts are compared by ``clippings.analysis.copies``; the candidates are found by the
marks stored with every clipping, inside the import's write transaction
(``ClippingStore.add_many``). Clippings older than the marks are marked a batch at a
time (``mark_old_clippings``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

from clippings.analysis import copies as analysis
from clippings.model import ClippingCopy, NotFoundError, Progress
from clippings.services.archive import Archive
from clippings.storage import NewClipping
from clippings.storage.copies import StoredPiece

#: How a format is named to the user ("the same article as clipping 12 (web page)").
FORMAT_WORDS = {
    "html": "web page",
    "mhtml": "web archive",
    "pdf": "PDF",
    "docx": "Word document",
    "odt": "OpenDocument text",
    "rtf": "RTF document",
    "epub": "e-book",
    "email": "e-mail",
    "text": "text file",
    "image": "picture",
}

#: Stored candidates whose shingles are kept for the next comparisons (about 40 KB
#: each).
STORED_PIECES = 128

#: Older clippings marked per call of ``mark_old_clippings`` (one transaction).
MARK_BATCH = 300


def format_words(format_name: str) -> str:
    """A format in the user's words."""
    return FORMAT_WORDS.get(format_name, format_name.upper() or "file")


class SamePieceCheck:
    """The ``CopyCheck`` of an import: compares a new clipping's text with a stored
    one's (``analysis.copies.same_piece``)."""

    limit = analysis.MAX_CANDIDATES

    def floor(self, mark_count: int) -> int:
        return analysis.candidate_floor(mark_count)

    def worth(self, mark_count: int, stored_marks: int, shared: int) -> bool:
        return analysis.worth_comparing(mark_count, stored_marks, shared)

    def other_outlet(self, new: NewClipping, url: str | None, outlet: str | None) -> bool:
        return analysis.other_outlet(new.extracted.url, new.extracted.outlet, url, outlet)

    def reason(self, new: NewClipping, stored: StoredPiece) -> str | None:
        if not self.worth(len(new.marks), stored.mark_count, stored.shared_marks):
            return None
        ex = new.extracted
        piece = replace(_piece_of(ex.text), title=ex.title or "", url=ex.url, outlet=ex.outlet)
        other = _stored_piece(stored.text, stored.title, stored.url, stored.outlet)
        if not analysis.same_piece(piece, other):
            return None
        return self.same_text(stored.id, stored.format)

    def same_text(self, clipping_id: int, format_name: str) -> str:
        return f"the same article as clipping {clipping_id} ({format_words(format_name)})"


@lru_cache(maxsize=64)
def _piece_of(text: str) -> analysis.Piece:
    """A new text's shingles: made once when its marks are (as the file is read), and
    found again for each of its candidates, inside the import's write transaction,
    which other clients of a team archive wait for."""
    return analysis.Piece.of(text)


@lru_cache(maxsize=STORED_PIECES)
def _stored_piece(text: str, title: str, url: str | None, outlet: str | None) -> analysis.Piece:
    """A stored candidate's shingles: the reports of one story share passages, so one
    stored clipping is the candidate of many new ones in an import (in the scale
    bench, 1,450 comparisons were of 177 clippings)."""
    return analysis.Piece.of(text, title, url, outlet)


def marks_of(text: str, whole_file: bool) -> tuple[int, ...]:
    """The marks a new clipping is stored and looked up under (none for an article of
    a file of several: a copy is a whole file)."""
    return _piece_of(text).marks() if whole_file else ()


def mark_old_clippings(archive: Archive, limit: int = MARK_BATCH) -> int:
    """Mark up to ``limit`` clippings imported before the archive had marks (newest
    first: the likeliest to be imported again in another format); returns how many
    were marked (0 once all are)."""
    if archive.read_only:
        return 0
    due = archive.store.unmarked_clippings(limit)
    if not due:
        return 0
    marked = [(clipping_id, analysis.marks(text)) for clipping_id, text in due]
    below = min(i for i, _ in due) if len(due) >= limit else 1
    archive.store.store_marks(marked, below)
    return len(due)


def mark_all_old_clippings(
    archive: Archive,
    *,
    report: Callable[[Progress], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    batch: int = MARK_BATCH,
) -> int:
    """Mark every clipping imported before the archive had marks, ``batch`` per
    transaction (a cancel or a crash keeps the batches done; the next call goes on):
    part of the upkeep after an upgrade, in the window's background job and after a
    command-line import. Returns how many were marked."""
    if archive.read_only:
        return 0
    total = archive.store.unmarked_count()
    done = 0
    message = "Marking older clippings so that their copies are recognised"
    if report and total:
        report(Progress(0, total, message))
    while total and not (cancel and cancel()):
        count = mark_old_clippings(archive, batch)
        if not count:
            break
        done += count
        if report:
            report(Progress(min(done, total), total, message))
    return done


def copy_original(archive: Archive, clipping_id: int, copy: ClippingCopy | str) -> bytes:
    """The bytes of one of a clipping's copies.

    Raises:
        NotFoundError: the clipping has no such copy.
    """
    sha = copy if isinstance(copy, str) else copy.sha256
    if not archive.store.copy_sha(clipping_id, sha):
        raise NotFoundError(f"clipping {clipping_id} has no such copy")
    return archive.originals.read(sha)

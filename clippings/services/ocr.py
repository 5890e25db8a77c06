"""Scans and images: their pages as pictures for the reading pane, and their text
recognised again (OCR) for clippings already stored.

The pictures are rendered and the text recognised in the extraction workers
(``services.extraction``), never in this process: a hostile file costs a message, not
the window, and Cancel or a time limit ends the worker with everything it runs.
Nothing here imports Pillow, pypdfium2 or Tesseract; ``importers/`` does.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from clippings.model import (
    DEFAULT_OPTIONS,
    Cancelled,
    Clipping,
    ClippingsError,
    ImportOptions,
    ImportResult,
    Progress,
)
from clippings.services.archive import Archive, Cancel, Report
from clippings.services.extraction import ExtractionPool

log = logging.getLogger(__name__)

#: The formats whose clippings have pages to show and to recognise.
PAGED_FORMATS = frozenset({"pdf", "image"})


def installed_languages() -> tuple[str, ...]:
    """The OCR languages installed, as Tesseract names them (``eng``, ``deu``,
    ``chi_sim``), for a choice of languages (Preferences); empty when Tesseract's
    language data is not installed."""
    from clippings.importers import ocr

    try:
        return ocr.installed_languages()
    except ClippingsError:
        return ()


def can_recognise(clipping: Clipping) -> bool:
    """Whether the clipping's original has pages whose text OCR can read (a PDF or an
    image)."""
    return clipping.format in PAGED_FORMATS


def page_images(
    archive: Archive,
    clipping_id: int,
    *,
    width: int = 1200,
    max_pages: int = 20,
    pool: ExtractionPool | None = None,
) -> list[bytes]:
    """PNG pictures of the first ``max_pages`` pages of a clipping's original, ``width``
    pixels wide (a PDF's pages rendered, an image's pages scaled); ``[]`` for a clipping
    whose original has no pages (text, HTML, ...).

    Raises:
        NotFoundError: there is no such clipping.
        ExtractionError: the original cannot be rendered (damaged, too large, or the
            renderer crashed on it); ``TooLargeError`` for a picture too large.
    """
    from clippings.importers import pages

    clipping = archive.get(clipping_id)
    if not can_recognise(clipping):
        return []
    data = archive.original(clipping_id)
    return (pool or _pool()).call(pages.page_images, data, width, max_pages)


def recognise(
    archive: Archive,
    ids: Sequence[int],
    *,
    options: ImportOptions = DEFAULT_OPTIONS,
    report: Report | None = None,
    cancel: Cancel | None = None,
    pool: ExtractionPool | None = None,
) -> list[ImportResult]:
    """Recognise the text of stored clippings' originals again (OCR every page, even a
    PDF's with a text layer), and store it in place of their text.

    Each clipping's new text, HTML, language, word count and OCR facts (languages, mean
    confidence) are stored in one transaction of its own, which queues it for the
    search index; its related-pieces features are computed again. What the user set
    (a title, an outlet, a date...) stays. A clipping that is not a PDF or an image is
    skipped with the reason.

    Args:
        archive: the open archive.
        ids: the clippings.
        options: the OCR languages (empty: the script found on each page picks them).
        report: told of each page: (page, pages, "scan.pdf: Recognising page 3 of 12").
        cancel: looked at while pages are recognised; a clipping under way is left as
            it was, and those done keep their new text.
        pool: the extraction workers (by default the program's shared pool).

    Returns:
        One result per clipping, in the order given ("imported" for a clipping whose
        text was replaced, "skipped" or "failed" with the reason), up to a Cancel.

    Raises:
        NotFoundError: an id the archive does not have (before anything is done).
        ExtractionError: an OCR language chosen is not installed, or OCR is not
            installed (before anything is done).
        ReadOnlyArchiveError: the archive is open read-only.
    """
    from clippings.importers import ocr, word_count
    from clippings.services.copies import marks_of
    from clippings.services.import_steps import remember_related, text_fingerprint

    archive.require_writable()
    wanted = archive.store.require(ids)
    ocr.check_languages(options.ocr_languages)  # a wrong language fails once, not per clipping
    options = replace(options, force_ocr=True)
    workers = pool or _pool()
    results: list[ImportResult] = []
    for number, clipping_id in enumerate(wanted, start=1):
        if cancel is not None and cancel():
            break
        clipping = archive.get(clipping_id)
        shown = clipping.original_name or f"clipping {clipping_id}"
        if not can_recognise(clipping):
            reason = f"not a scan or an image (a {clipping.format or 'text'} clipping)"
            results.append(ImportResult(shown, "skipped", id=clipping_id, reason=reason))
            continue
        where = f"{shown} ({number} of {len(wanted)})" if len(wanted) > 1 else shown
        if report is not None:
            report(Progress(0, 0, f"{where}: starting"))

        def steps(done: int, total: int, message: str, where: str = where) -> None:
            if report is not None:
                report(Progress(done, total, f"{where}: {message}"))

        try:
            data = archive.original(clipping_id)
            articles = workers.extract(
                data, shown, options, cancel=cancel, steps=steps if report else None
            )
        except Cancelled:
            break
        except ClippingsError as error:
            results.append(ImportResult(shown, "failed", id=clipping_id, reason=str(error)))
            continue
        extracted = articles[0]
        updated = archive.store.reread(
            clipping_id,
            extracted,
            text_hash=text_fingerprint(extracted.text) if extracted.has_text else None,
            word_count=word_count(extracted.text),
            marks=marks_of(extracted.text, extracted.part is None) if extracted.has_text else (),
        )
        if updated.has_text:
            remember_related(archive, [clipping_id])
        archive.sync_quietly()
        results.append(
            ImportResult(
                shown,
                "imported",
                id=clipping_id,
                title=updated.title,
                reason="; ".join(extracted.warnings) or None,
                without_text=not updated.has_text,
            )
        )
    return results


def _pool() -> ExtractionPool:
    from clippings.services.importing import extraction_pool

    return extraction_pool()


__all__ = ["PAGED_FORMATS", "can_recognise", "installed_languages", "page_images", "recognise"]

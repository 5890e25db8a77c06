"""The press review dossier: a PDF of a collection made with Qt's own PDF writer.

The dossier's modules ``dossier``, ``dossier_layout``, ``dossier_summary`` and
``dossier_text_layer`` are the only ones outside ``clippings/ui/`` that import Qt (QtGui's
``QPdfWriter``, ``QTextDocument`` and ``QPainter``; see STYLE.md). The dossier needs a
``QGuiApplication``: the window's is used when there is one; on the command line one is
started here, offscreen when there is no display. Start it from the main thread (the CLI
does); the window's worker threads find the window's application already running.

The dossier is A4: a cover (the collection's title, the date range, the number of
clippings, when it was made), the contents (each entry a link to its page), a summary
(clippings per section, outlet and day), then the clippings section by section (the
exported tag's sub-tags, ``dossier_summary.sections``), each on a new page with its
outlet, date, title, author, print page and section, tags, URL and note above its text,
and its outlet and title in the header of its following pages. Every page after the
cover has its number in the footer; the file opens with its bookmarks shown.

Page numbers are exact because every clipping is laid out first, as a ``QTextDocument``
paginated to the body area of the page, and then painted page by page with ``QPainter``
from that same layout: the page count used for the table of contents is the count that
is painted. The table of contents is laid out again until its own page count is stable
(its numbers sit in a fixed-width column, so that takes at most two rounds).

After Qt has written the file: ``dossier_text_layer.repair_text_layer`` corrects Qt's
ToUnicode maps (shared glyphs, ligatures), then one pikepdf pass
(``dossier_navigation.post_pass``) makes complex scripts read back as their text
(``dossier_clusters``, from where the layout says each glyph of them is) and adds the
bookmarks and the contents' links, which ``QPdfWriter`` has no API for.

The modules: this one (the application Qt needs, the exporter and the assembly of the
pages), ``dossier_layout`` (geometry, fonts, the cover, contents and clipping documents
and their painting), ``dossier_summary`` (sections and the summary page),
``dossier_text_layer`` (the ToUnicode repair and the glyphs of complex text, from Qt's
layout), ``dossier_clusters`` and ``dossier_navigation`` (the pikepdf pass; no Qt).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QCoreApplication, QIODevice, QMarginsF
from PySide6.QtGui import (
    QFontDatabase,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from clippings.exporters import Cancel, ReadOriginal, Report
from clippings.exporters.dossier_clusters import ShapedRun
from clippings.exporters.dossier_layout import (
    MARGIN_BOTTOM_MM,
    MARGIN_LEFT_MM,
    MARGIN_RIGHT_MM,
    MARGIN_TOP_MM,
    PAGE_MM,
    RESOLUTION,
    ContentsEntry,
    ContentsRow,
    Typesetter,
    cjk_language,
    clipping_document,
    contents_document,
    cover_document,
    isolate,
    main_language,
    mm,
    paint_footer,
    paint_header,
    paint_page,
)
from clippings.exporters.dossier_navigation import Bookmark, Link, post_pass
from clippings.exporters.dossier_summary import Section, sections, summary_document
from clippings.exporters.dossier_text_layer import STARTXREF, repair_text_layer, shaped_runs
from clippings.model import Cancelled, ClippingsError, Collection, Progress

# --- The application Qt needs ---------------------------------------------------------------

_app: QGuiApplication | None = None


def _ensure_gui_application() -> None:
    """Make sure a ``QGuiApplication`` exists (never a second one)."""
    global _app
    existing = QCoreApplication.instance()
    if isinstance(existing, QGuiApplication):
        return
    if existing is not None:
        raise ClippingsError(
            "The PDF dossier needs Qt's GUI module, but a non-GUI Qt application is running."
        )
    if not os.environ.get("QT_QPA_PLATFORM") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    _app = QGuiApplication([])


# --- The exporter ----------------------------------------------------------------------------


class DossierExporter:
    """A press review dossier: cover, table of contents, one clipping per page (A4 PDF)."""

    name = "pdf"
    suffix = ".pdf"
    description = "Press review dossier (PDF): cover, contents, each clipping on its own page"

    def write(
        self,
        collection: Collection,
        path: Path,
        *,
        read_original: ReadOriginal,
        report: Report | None = None,
        cancel: Cancel | None = None,
    ) -> None:
        """Write the dossier to ``path``, replacing it only once the whole file is made.

        Progress counts two steps per clipping: laying it out, then writing its pages.

        Raises:
            Cancelled: ``cancel()`` returned True (checked between clippings); nothing
                is left at ``path`` or beside it.
            ClippingsError: the file cannot be written.
        """
        del read_original  # the dossier shows the clippings' text, not their originals
        _ensure_gui_application()
        path = Path(path)
        # Beside the target (same file system, so the rename is atomic); QPdfWriter
        # creates it, with the permissions any new file of the user gets.
        part = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.part")
        try:
            # Painted in memory and written by Python: Qt's writer says nothing when a
            # write fails (a full disk) and cannot open a path that is not valid UTF-8.
            made = _write_pdf(collection, report, cancel)
            if STARTXREF.search(made.pdf[-1024:]) is None:
                raise ClippingsError("the PDF dossier could not be made completely")
            repaired = repair_text_layer(made.pdf, made.drawn)
            part.write_bytes(post_pass(repaired, made.bookmarks, made.links, made.runs))
            part.replace(path)
        except BaseException:
            with contextlib.suppress(OSError):
                part.unlink()
            raise


@dataclass
class _Made:
    """The painted file and what the post-passes need to know about it."""

    pdf: bytes
    drawn: set[str]
    bookmarks: list[Bookmark]
    links: list[Link]
    runs: list[ShapedRun]


def _write_pdf(collection: Collection, report: Report | None, cancel: Cancel | None) -> _Made:
    """Lay out and paint the dossier: the file, the characters drawn, bookmarks and links."""
    parts = sections(collection)
    printed = [(part, clipping) for part in parts for clipping in part.clippings]
    total = 2 * len(printed)

    def check() -> None:
        if cancel is not None and cancel():
            raise Cancelled("The dossier was not made: the export was cancelled.")

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(RESOLUTION)
    writer.setTitle(collection.title)
    writer.setCreator("Clippings")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    )
    setter = Typesetter(
        writer=writer,
        available=set(QFontDatabase.families()),
        body_width=mm(PAGE_MM[0] - MARGIN_LEFT_MM - MARGIN_RIGHT_MM),
        body_height=mm(PAGE_MM[1] - MARGIN_TOP_MM - MARGIN_BOTTOM_MM),
        drawn=set(),
        language=cjk_language(collection.clippings),
    )

    documents: list[QTextDocument] = []
    for done, (part, clipping) in enumerate(printed):
        check()
        opens = part.name is not None and clipping is part.clippings[0]
        document = clipping_document(setter, clipping, part.name if opens else None)
        document.pageCount()  # lays the whole document out now, inside this step
        documents.append(document)
        if report is not None:
            report(Progress(done + 1, total, f"Laying out “{clipping.title}”"))
    check()
    summary = summary_document(setter, collection, parts)
    summary_pages = summary.pageCount()

    # The contents' own length moves every start page; lay it out until it is stable.
    contents_pages = 1
    for _ in range(5):
        summary_start = 2 + contents_pages
        starts = _start_pages(summary_start + summary_pages, (d.pageCount() for d in documents))
        entries = _contents_entries(parts, summary_start, starts)
        contents, rows = contents_document(setter, entries)
        if contents.pageCount() == contents_pages:
            break
        contents_pages = contents.pageCount()
    else:  # pragma: no cover - the numbers' column has a fixed width
        raise ClippingsError("The dossier's table of contents would not settle on a length.")

    runs: list[ShapedRun] = []
    painter = QPainter()
    if not painter.begin(writer):
        raise ClippingsError("the PDF dossier could not be started (Qt's PDF writer refused)")
    try:
        origin = (mm(MARGIN_LEFT_MM), mm(MARGIN_TOP_MM))
        # The cover starts a third of the way down the page.
        cover_origin = (origin[0], origin[1] + mm(70))
        cover = cover_document(setter, collection)
        paint_page(painter, cover, 0, cover_origin)
        runs += shaped_runs(cover, 0, cover_origin, 0)
        page = 1
        for document in (contents, summary):
            for index in range(document.pageCount()):
                writer.newPage()
                page += 1
                paint_page(painter, document, index, origin)
                runs += shaped_runs(document, index, origin, page - 1)
                runs += paint_footer(painter, setter, page, collection.title)
        for done, ((part, clipping), document) in enumerate(zip(printed, documents, strict=True)):
            check()
            assert page + 1 == starts[done], "the contents promised another page"
            running = " · ".join(p for p in (isolate(clipping.outlet), clipping.title) if p)
            for index in range(document.pageCount()):
                writer.newPage()
                page += 1
                paint_page(painter, document, index, origin)
                runs += shaped_runs(document, index, origin, page - 1)
                if index:
                    runs += paint_header(
                        painter,
                        setter,
                        page,
                        f"{running} (continued)",
                        part.name or "",
                        clipping.language,
                    )
                runs += paint_footer(painter, setter, page, collection.title)
            if report is not None:
                report(Progress(len(printed) + done + 1, total, f"Writing “{clipping.title}”"))
    finally:
        painter.end()
    buffer.close()
    return _Made(
        pdf=bytes(buffer.data().data()),
        drawn=setter.drawn,
        bookmarks=_bookmarks(parts, summary_start, starts),
        links=_links(contents, rows, first_page=2),
        runs=runs,
    )


def _contents_entries(
    parts: Sequence[Section], summary_start: int, starts: Sequence[int]
) -> list[ContentsEntry]:
    entries = [ContentsEntry(page=summary_start, heading="Summary")]
    index = 0
    for part in parts:
        if part.name is not None:
            language = main_language(part.clippings)
            entries.append(ContentsEntry(starts[index], heading=part.name, language=language))
        for clipping in part.clippings:
            entries.append(ContentsEntry(page=starts[index], clipping=clipping))
            index += 1
    return entries


def _bookmarks(
    parts: Sequence[Section], summary_start: int, starts: Sequence[int]
) -> list[Bookmark]:
    """The outline: contents, summary, then sections (or clippings); pages from 0."""
    marks = [Bookmark("Contents", 1), Bookmark("Summary", summary_start - 1)]
    index = 0
    for part in parts:
        children = []
        for clipping in part.clippings:
            label = " · ".join(p for p in (clipping.outlet, clipping.title) if p)
            children.append(Bookmark(label.replace("\n", " "), starts[index] - 1))
            index += 1
        if part.name is None:
            marks += children
        else:
            marks.append(Bookmark(part.name, children[0].page, children))
    return marks


def _links(document: QTextDocument, rows: Sequence[ContentsRow], first_page: int) -> list[Link]:
    """A link over every entry of the contents (painted from page ``first_page``, from 1)."""
    layout = document.documentLayout()
    height = document.pageSize().height()
    width = document.pageSize().width()
    point = 72 / RESOLUTION
    left = mm(MARGIN_LEFT_MM)
    top = mm(MARGIN_TOP_MM)
    links = []
    for row in rows:
        upper = layout.blockBoundingRect(row.first).top()
        lower = layout.blockBoundingRect(row.last).bottom()
        index = int(upper // height)
        upper -= index * height
        lower = min(lower - index * height, height)
        box = ((left) * point, (top + upper) * point, (left + width) * point, (top + lower) * point)
        links.append(Link(page=first_page - 1 + index, box=box, target=row.page - 1))
    return links


def _start_pages(first: int, page_counts: Iterable[int]) -> list[int]:
    """The page on which each clipping starts, the first one starting on ``first``."""
    starts = []
    page = first
    for count in page_counts:
        starts.append(page)
        page += max(1, count)
    return starts


__all__ = ["DossierExporter"]

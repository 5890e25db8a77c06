"""Bookmarks (the outline) and the contents' links of the PDF dossier, added with pikepdf.

Qt's ``QPdfWriter`` has no public API for an outline or for links inside the file, so
the dossier adds them after Qt has written it: one bookmark per part (contents, summary,
each section with its clippings below it, or each clipping when there are no sections),
and a link over every entry of the contents to the page the entry names. Apart from the
layout (``dossier_layout``) and the assembly (``dossier``): this module sees only the
finished file and where its entries are.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem

from clippings.exporters.dossier_clusters import ShapedRun, fix_clusters


@dataclass
class Bookmark:
    """One entry of the outline: a title, the page it opens (from 0) and entries below."""

    title: str
    page: int
    children: list[Bookmark] = field(default_factory=list)


@dataclass(frozen=True)
class Link:
    """A clickable area of a page (from 0) that opens another page.

    ``box`` is (left, top, right, bottom) in points from the page's top left corner.
    """

    page: int
    box: tuple[float, float, float, float]
    target: int


def post_pass(
    pdf: bytes, bookmarks: list[Bookmark], links: list[Link], runs: Sequence[ShapedRun]
) -> bytes:
    """The file with its outline, internal links and complex scripts' text corrected
    (``dossier_clusters``); a reader shows it with the outline open."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        fix_clusters(document, runs)
        pages = document.pages
        with document.open_outline() as outline:
            outline.root.extend(_item(b, len(pages)) for b in bookmarks)
        height_of: dict[int, float] = {}
        for link in links:
            if not (0 <= link.page < len(pages) and 0 <= link.target < len(pages)):
                continue
            page = pages[link.page]
            if link.page not in height_of:
                height_of[link.page] = float(page.mediabox[3])
            height = height_of[link.page]
            left, top, right, bottom = link.box
            annotation = Dictionary(
                Type=Name.Annot,
                Subtype=Name.Link,
                Rect=Array([left, height - bottom, right, height - top]),
                Border=Array([0, 0, 0]),
                Dest=Array([pages[link.target].obj, Name.Fit]),
            )
            if Name.Annots not in page.obj:
                page.obj.Annots = Array()
            page.obj.Annots.append(document.make_indirect(annotation))
        document.Root.PageMode = Name.UseOutlines
        out = io.BytesIO()
        # Keep Qt's streams as they are: the text-layer repair has already been applied.
        document.save(
            out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.preserve
        )
    return out.getvalue()


def _item(bookmark: Bookmark, page_count: int) -> OutlineItem:
    item = OutlineItem(bookmark.title, min(bookmark.page, page_count - 1))
    item.children.extend(_item(child, page_count) for child in bookmark.children)
    return item

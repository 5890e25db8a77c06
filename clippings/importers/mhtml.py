"""Web pages saved as one file (``.mhtml``, ``.mht``): the page's article and its address.

A browser's "Save as... single file" writes the page and its images as one MIME
message, multipart/related (RFC 2557): Chrome and Edge with a
``Snapshot-Content-Location`` header naming the page's address, Internet Explorer and
Word with ``From: <Saved by ...>``, the main page first, quoted-printable. The main
page is the ``text/html`` part the message's ``start`` parameter names, else the one at
the snapshot's address, else the first one (the others are frames); it is decoded by
its transfer encoding and charset and read by the HTML importer's ``extract_article``.
Images, style sheets and frames are not kept.

The clipping's URL is the snapshot's address (``mhtml-header``); the title is the page's
own, or else the Subject, which browsers set to the page's title. The Date header is
when the page was saved, not published: it is never the publication date.
"""

from __future__ import annotations

from dataclasses import replace
from email.message import Message
from urllib.parse import urlsplit

from clippings.importers.mail import (
    header,
    header_block,
    parse_message,
    part_text,
    parts,
    subject_title,
)
from clippings.model import DEFAULT_OPTIONS, Extracted, ExtractionError, ImportOptions


def looks_like_mhtml(head: bytes) -> bool:
    """Whether bytes start like a saved page: MIME headers of a multipart/related
    message that a browser, not a mail program, wrote."""
    fields = header_block(head)
    if fields is None:
        return False
    kind = fields.get("content-type", "").lower()
    if not kind.startswith("multipart/related"):
        return False
    if "snapshot-content-location" in fields or "saved by" in fields.get("from", "").lower():
        return True
    # A mail with inline images is multipart/related too, but it was sent: it has a
    # recipient or went through a server. Word's .mht names no sender at all.
    names = {name.split("\x00")[0] for name in fields}
    if names & {"to", "received", "message-id", "delivered-to", "return-path"}:
        return False
    return 'type="text/html"' in kind.replace(" ", "") or "from" not in names


def _web_address(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    try:
        scheme = urlsplit(value).scheme.lower()
    except ValueError:
        return None
    return value if scheme in {"http", "https"} else None


def main_page(message: Message) -> Message:
    """The saved page's own HTML part.

    Raises:
        ExtractionError: the file holds no HTML page.
    """
    pages = [part for part, _related in parts(message) if part.get_content_type() == "text/html"]
    if not pages:
        raise ExtractionError("the saved page holds no HTML page (only other files)")
    start = (message.get_param("start") or "") if message.is_multipart() else ""
    if isinstance(start, str) and start.strip("<>"):
        wanted = start.strip().strip("<>")
        for part in pages:
            if (part.get("content-id") or "").strip().strip("<>") == wanted:
                return part
    location = header(message, "snapshot-content-location")
    if location:
        for part in pages:
            if (header(part, "content-location") or "") == location:
                return part
    return pages[0]


class MhtmlImporter:
    """A web page saved as one file by a browser (``.mhtml``, ``.mht``)."""

    name = "mhtml"
    label = "Pages saved as one file (MHTML)"
    suffixes = frozenset({".mhtml", ".mht"})

    def sniff(self, head: bytes) -> bool:
        return looks_like_mhtml(head)

    def extract(
        self, data: bytes, name: str, options: ImportOptions = DEFAULT_OPTIONS
    ) -> Extracted:
        from clippings.importers.html import extract_article

        message = parse_message(data)
        page = main_page(message)
        markup, cut = part_text(page)
        article = extract_article(markup)
        provenance = dict(article.provenance)
        url = _web_address(header(message, "snapshot-content-location")) or _web_address(
            header(page, "content-location")
        )
        if url:
            provenance["url"] = "mhtml-header"
        else:
            url = article.url
        title = article.title
        if not title:
            title = subject_title(header(message, "subject"))
            if title:
                provenance["title"] = "mhtml-header"
        warnings = article.warnings
        if cut:
            warnings = (*warnings, "the saved page was cut off (its encoding breaks off)")
        return replace(
            article,
            format=self.name,
            url=url,
            title=title,
            provenance=provenance,
            warnings=warnings,
        )


__all__ = ["MhtmlImporter", "looks_like_mhtml", "main_page"]

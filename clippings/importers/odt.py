"""OpenDocument text (``.odt``, LibreOffice's and Google Docs' export; the flat ``.fodt``
too): read with lxml.

An ``.odt`` is a zip of XML: ``content.xml`` holds the text, ``meta.xml`` the
properties, ``styles.xml`` the named styles. They are read through ``ZipContainer``
(within its limits) and walked here with lxml, already a dependency: headings
(``text:h`` by outline level, and paragraphs in the Title style), paragraphs, lists,
tables and sections become simple HTML, which ``office.body_from_markup`` turns into
the clipping's paragraphs and readable HTML. Notes, comments, tables of contents,
tracked deletions and frames (pictures, text boxes) are left out.

odfpy (Apache-2.0, 1.3 MB) was weighed and left for the tests, which use it to write
real ``.odt`` files: it opens the zip itself and loads every member (pictures
included) into memory, its last release is from 2020, and its text walk would be the
same few lines as the one here.

Metadata (rules in ``office``): ``dc:title`` unless a placeholder (``odt-properties``),
else the first heading (``document-heading``); user-defined properties named
"published", "author", "outlet", "url" (``odt-properties``); ``meta:creation-date``
only as a guess (``odt-heuristic``; ``dc:date`` is when the file was last saved, never
used); ``meta:initial-creator`` only as a guess; ``dc:language`` else detected.

A news database's download (Nexis Uni) of one or many articles becomes one clipping
per article, with the metadata of each article's header (see ``newsdb``).
"""

from __future__ import annotations

import contextlib
import html as html_lib
import re
from typing import Any

from clippings.importers.base import FirstArticle
from clippings.importers.containers import ZipContainer, is_zip
from clippings.importers.office import (
    Fields,
    body_from_markup,
    custom_fields,
    finish_articles,
    guessed_date,
    parse_xml,
    usable_person,
    usable_title,
)
from clippings.model import (
    DEFAULT_OPTIONS,
    Extracted,
    ExtractionError,
    ImportOptions,
    UnsupportedFormatError,
)

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
_XLINK = "http://www.w3.org/1999/xlink"
_NS = {
    "text": _TEXT,
    "office": _OFFICE,
    "style": _STYLE,
    "meta": _META,
    "dc": "http://purl.org/dc/elements/1.1/",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}
DAMAGED = "the OpenDocument file is damaged"
_FLAT = re.compile(rb"<office:document\b[^>]*application/vnd\.oasis\.opendocument\.text")
_MIMETYPES = (
    b"application/vnd.oasis.opendocument.text",  # also -template and -master
)
# Elements whose text is not the article's: notes, comments, indexes, frames, changes.
_LEFT_OUT = {
    f"{{{_TEXT}}}note",
    f"{{{_TEXT}}}tracked-changes",
    f"{{{_TEXT}}}table-of-content",
    f"{{{_TEXT}}}alphabetical-index",
    f"{{{_TEXT}}}bibliography",
    f"{{{_TEXT}}}illustration-index",
    f"{{{_TEXT}}}table-index",
    f"{{{_TEXT}}}user-index",
    f"{{{_TEXT}}}sequence-decls",
    f"{{{_TEXT}}}variable-decls",
    f"{{{_OFFICE}}}annotation",
    f"{{{_OFFICE}}}annotation-end",
    "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}frame",
    "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}a",
}


class OdtImporter(FirstArticle):
    """An OpenDocument text (``.odt``, ``.ott``)."""

    name = "odt"
    label = "OpenDocument text"
    suffixes = frozenset({".odt", ".ott", ".odm", ".fodt"})

    def sniff(self, head: bytes) -> bool:
        if not is_zip(head):
            return _FLAT.search(head) is not None
        # The first member is ``mimetype``, stored uncompressed (the format requires it)...
        if head[30:38] == b"mimetype":
            return _MIMETYPES[0] in head[38:120]
        # ...but files zipped again by other tools put it anywhere: the parts' names say.
        return b"content.xml" in head and any(
            part in head for part in (b"styles.xml", b"meta.xml", b"Configurations2/")
        )

    def extract_articles(
        self, data: bytes, name: str, options: ImportOptions = DEFAULT_OPTIONS
    ) -> list[Extracted]:
        """The document as one article, or each article of a news database export."""
        if not is_zip(data):
            if _FLAT.search(data[:65536]) is None:
                raise ExtractionError(f"{DAMAGED}: it is not an .odt (OpenDocument) file")
            # A flat OpenDocument (.fodt): one XML file holding all the parts.
            flat = parse_xml(data, DAMAGED)
            return self._articles(flat, None, flat, name)
        with ZipContainer(data, what="OpenDocument file") as container:
            if container.has("META-INF/manifest.xml"):
                manifest = container.read("META-INF/manifest.xml")
                if b"encryption-data" in manifest:
                    raise UnsupportedFormatError(
                        "the OpenDocument file is protected with a password, and Clippings "
                        "cannot open protected files: open it in LibreOffice, save a copy "
                        "without a password (File > Save As, untick 'Save with password'), "
                        "and import that"
                    )
            if not container.has("content.xml"):
                raise ExtractionError(f"{DAMAGED}: it has no content.xml (is it a document?)")
            content = parse_xml(container.read("content.xml"), DAMAGED)
            styles = container.read("styles.xml") if container.has("styles.xml") else None
            meta = container.read("meta.xml") if container.has("meta.xml") else None
        return self._articles(content, styles, _meta_root(meta), name)

    def _articles(
        self, content: Any, styles: bytes | None, meta: Any, name: str
    ) -> list[Extracted]:
        titles = _title_styles(content, styles)
        office_text = content.find("office:body/office:text", namespaces=_NS)
        if office_text is None:
            raise UnsupportedFormatError(
                "an OpenDocument file that is not a text document (a spreadsheet or a "
                "presentation?): only text documents are clippings"
            )
        markup = "".join(_block(child, titles) for child in office_text)
        properties = _meta(meta)
        fields = Fields()
        fields.offer("title", usable_title(properties.get("title"), name), "odt-properties")
        custom = custom_fields(properties.custom)
        fields.offer_published(custom.get("published"), "odt-properties")
        for field_name in ("author", "outlet", "url"):
            fields.offer(field_name, custom.get(field_name), "odt-properties")
        # dc:date is when the file was last saved: it only tells a conversion apart.
        guess = guessed_date(properties.get("created"), properties.get("saved"))
        fields.offer("published", guess, "odt-heuristic")
        fields.offer("author", usable_person(properties.get("creator")), "odt-heuristic")
        return finish_articles(
            self.name, body_from_markup(markup), fields, language=properties.get("language")
        )


class _Properties(dict[str, str]):
    custom: dict[str, str]


def _meta_root(data: bytes | None) -> Any:
    if not data:
        return None
    try:
        return parse_xml(data, "the document's properties")
    except ExtractionError:
        return None  # a damaged meta.xml costs the metadata, not the text


def _meta(root: Any) -> _Properties:
    """The properties under a document's ``office:meta`` (``meta.xml``'s root, or a flat
    document's)."""
    found = _Properties()
    found.custom = {}
    if root is None:
        return found
    meta = root.find("office:meta", namespaces=_NS)
    if meta is None:
        return found
    for key, path in (
        ("title", "dc:title"),
        ("creator", "meta:initial-creator"),
        ("language", "dc:language"),
        ("created", "meta:creation-date"),
        ("saved", "dc:date"),
    ):
        value = meta.findtext(path, namespaces=_NS)
        if value and value.strip():
            found[key] = value.strip()
    for prop in meta.iterfind("meta:user-defined", namespaces=_NS):
        label = prop.get(f"{{{_META}}}name")
        value = "".join(prop.itertext()).strip()
        if label and value:
            found.custom[label] = value
    return found


def _title_styles(content: Any, styles: bytes | None) -> set[str]:
    """The names of paragraph styles that are the Title style or derive from it."""
    parents: dict[str, str] = {}
    roots = [content]
    if styles:
        with contextlib.suppress(ExtractionError):  # a damaged styles.xml costs the Title
            roots.append(parse_xml(styles, "the document's styles"))
    for root in roots:
        for style in root.iter(f"{{{_STYLE}}}style"):
            style_name = style.get(f"{{{_STYLE}}}name")
            if style_name:
                parents[style_name] = style.get(f"{{{_STYLE}}}parent-style-name") or ""
    titles: set[str] = set()
    for style_name in parents:
        seen, current = set(), style_name
        while current and current not in seen:
            if current == "Title":
                titles.add(style_name)
                break
            seen.add(current)
            current = parents.get(current, "")
    return titles | {"Title"}


def _local(element: Any) -> tuple[str, str]:
    tag = element.tag if isinstance(element.tag, str) else ""
    namespace, _, local = tag[1:].partition("}")
    return namespace, local


def _block(element: Any, titles: set[str]) -> str:
    """One block element of the text as simple HTML."""
    if not isinstance(element.tag, str) or element.tag in _LEFT_OUT:
        return ""
    namespace, local = _local(element)
    if namespace == _TEXT and local == "h":
        level = element.get(f"{{{_TEXT}}}outline-level") or "1"
        number = min(max(int(level) if level.isdigit() else 1, 1), 6)
        return f"<h{number}>{_inline(element)}</h{number}>"
    if namespace == _TEXT and local == "p":
        if element.get(f"{{{_TEXT}}}style-name") in titles:
            return f"<h1>{_inline(element)}</h1>"
        return f"<p>{_inline(element)}</p>"
    if namespace == _TEXT and local == "list":
        items = []
        for item in element:
            if _local(item)[1] in {"list-item", "list-header"}:
                items.append("<li>" + "".join(_block(c, titles) for c in item) + "</li>")
        return "<ul>" + "".join(items) + "</ul>"
    if namespace == _TABLE and local == "table":
        rows = []
        for row in element.iter(f"{{{_TABLE}}}table-row"):
            cells = [
                "<td>" + "".join(_block(c, titles) for c in cell) + "</td>"
                for cell in row
                if _local(cell)[1] == "table-cell"
            ]
            rows.append("<tr>" + "".join(cells) + "</tr>")
        return "<table>" + "".join(rows) + "</table>"
    # Sections, soft page breaks, anything else that may hold blocks.
    return "".join(_block(child, titles) for child in element)


def _inline(element: Any) -> str:
    """A paragraph's content as escaped inline HTML (links kept, spaces and breaks read)."""
    parts = [html_lib.escape(element.text or "", quote=False)]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _LEFT_OUT:
            namespace, local = _local(child)
            if namespace == _TEXT and local == "s":
                count = child.get(f"{{{_TEXT}}}c") or "1"
                parts.append(" " * min(int(count) if count.isdigit() else 1, 100))
            elif namespace == _TEXT and local == "tab":
                parts.append(" ")
            elif namespace == _TEXT and local == "line-break":
                parts.append("<br>")
            elif namespace == _TEXT and local == "a":
                href = html_lib.escape(child.get(f"{{{_XLINK}}}href") or "")
                parts.append(f'<a href="{href}">{_inline(child)}</a>')
            else:
                parts.append(_inline(child))
        parts.append(html_lib.escape(child.tail or "", quote=False))
    return "".join(parts)

"""Word documents (``.docx``): the text through mammoth, the metadata from the properties.

mammoth (BSD-2-Clause, pure Python, ~0.7 MB with its one dependency) turns a Word
document into clean semantic HTML: headings by their styles, lists, tables, links,
footnotes, no fonts or colours. That HTML is what the reading pane shows (sanitized)
and what ``office.body_from_markup`` walks into paragraphs. The properties
(``docProps/core.xml``, ``docProps/custom.xml``) are a few lines of XML read here with
lxml; python-docx (MIT, 3 MB) would read them too, but adds nothing the text needs.

mammoth opens the zip itself, so it never gets the user's file: every member it may
read (the XML parts and their relationships; never the pictures, which it is told not
to open) is first inflated through ``ZipContainer`` within its limits, and mammoth
gets a new zip of exactly those bytes.

Metadata (see ``office`` for the rules): title from the properties unless a
placeholder (``docx-properties``), else the first heading (``document-heading``);
custom properties named "published", "author", "outlet", "url" (``docx-properties``);
the creation date and the file's author only as guesses (``docx-heuristic``); the
language from the properties, else detected.

A password-protected Word file is not a zip but an OLE container, as the old binary
``.doc`` is: both are refused with what to do instead.

A news database's download (Nexis Uni) of one or many articles becomes one clipping
per article, with the metadata of each article's header (see ``newsdb``).
"""

from __future__ import annotations

import io
import re
import zipfile
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

#: How an OLE (Compound File) container starts: old Office files and encrypted new ones.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "cust": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
}
DAMAGED = "the Word document is damaged"
_WORD_PART = re.compile(rb"word/[\w/.-]+\.(?:xml|rels)")
# The Title style is the document's headline; mammoth maps only the Heading styles.
_STYLE_MAP = "p[style-name='Title'] => h1:fresh\np[style-name='Subtitle'] => p:fresh"


def refuse_ole(data: bytes, what: str = "Word document") -> None:
    """Refuse an OLE container: an encrypted Office file or a legacy binary one.

    Raises:
        UnsupportedFormatError: always, saying what to do.
    """
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise UnsupportedFormatError(
            f"the {what} is protected with a password, and Clippings cannot open protected "
            "Office files: open it, remove the password (File > Info > Protect Document), "
            "save it, and import that copy"
        )
    raise UnsupportedFormatError(
        "a Word 97-2003 .doc (or another old Office file): open it in Word or LibreOffice, "
        "save it as .docx, and import that"
    )


class DocxImporter(FirstArticle):
    """A Word document (``.docx``, ``.docm``, ``.dotx``)."""

    name = "docx"
    label = "Word documents"
    suffixes = frozenset({".docx", ".docm", ".dotx", ".dotm", ".doc"})

    def sniff(self, head: bytes) -> bool:
        if is_zip(head):
            # Members' names stand in their local headers: a Word part among the first.
            return _WORD_PART.search(head) is not None
        return head.startswith(OLE_MAGIC) and (
            "WordDocument".encode("utf-16-le") in head
            or "EncryptedPackage".encode("utf-16-le") in head
        )

    def extract_articles(
        self, data: bytes, name: str, options: ImportOptions = DEFAULT_OPTIONS
    ) -> list[Extracted]:
        """The document as one article, or each article of a news database export."""
        if data.startswith(OLE_MAGIC):
            refuse_ole(data)
        if not is_zip(data):
            raise ExtractionError(f"{DAMAGED}: it is not a .docx (Office Open XML) file")
        parts: dict[str, bytes] = {}
        with ZipContainer(data, what="Word document") as container:
            if not container.has("word/document.xml"):
                raise ExtractionError(
                    f"{DAMAGED}: it has no word/document.xml (is it a Word document?)"
                )
            for member in container.names():
                # The XML parts and their relationships: all mammoth and we read.
                if member.endswith((".xml", ".rels")):
                    parts[member] = container.read(member)
                    # Word never writes a DTD; one could only be there to expand entities.
                    if b"<!DOCTYPE" in parts[member]:
                        raise ExtractionError(f"{DAMAGED}: its part {member} declares a DTD")
        html = _to_html(parts)
        fields = Fields()
        core = _core_properties(parts.get("docProps/core.xml"))
        custom = custom_fields(_custom_properties(parts.get("docProps/custom.xml")))
        fields.offer("title", usable_title(core.get("title"), name), "docx-properties")
        fields.offer_published(custom.get("published"), "docx-properties")
        for field_name in ("author", "outlet", "url"):
            fields.offer(field_name, custom.get(field_name), "docx-properties")
        fields.offer("published", guessed_date(core.get("created"), core.get("modified")),
                     "docx-heuristic")  # fmt: skip
        fields.offer("author", usable_person(core.get("creator")), "docx-heuristic")
        body = body_from_markup(html)
        return finish_articles(self.name, body, fields, language=core.get("language"))


def _to_html(parts: dict[str, bytes]) -> str:
    """mammoth's HTML of the document, from a zip of the members already read."""
    import mammoth
    import mammoth.images

    rebuilt = io.BytesIO()
    with zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_STORED) as copy:
        for member, content in parts.items():
            copy.writestr(member, content)
    rebuilt.seek(0)

    def no_picture(image: Any) -> dict[str, str]:
        return {"alt": image.alt_text or ""}  # never opened: pictures were not unpacked

    try:
        result = mammoth.convert_to_html(
            rebuilt,
            style_map=_STYLE_MAP,
            convert_image=mammoth.images.img_element(no_picture),
            include_embedded_style_map=False,
            external_file_access=False,
        )
    except ExtractionError:
        raise
    except Exception as error:  # mammoth's and its XML parser's errors share no base
        raise ExtractionError(f"{DAMAGED}: {error}") from error
    return str(result.value)


def _core_properties(data: bytes | None) -> dict[str, str]:
    if not data:
        return {}
    try:
        root = parse_xml(data, "the document's properties")
    except ExtractionError:
        return {}  # a damaged properties part costs the metadata, not the text
    found: dict[str, str] = {}
    for key, path in (
        ("title", "dc:title"),
        ("creator", "dc:creator"),
        ("language", "dc:language"),
        ("created", "dcterms:created"),
        ("modified", "dcterms:modified"),
    ):
        value = root.findtext(path, namespaces=_NS)
        if value and value.strip():
            found[key] = value.strip()
    return found


def _custom_properties(data: bytes | None) -> dict[str, str]:
    if not data:
        return {}
    try:
        root = parse_xml(data, "the document's custom properties")
    except ExtractionError:
        return {}
    found: dict[str, str] = {}
    for prop in root.iterfind("cust:property", namespaces=_NS):
        value = "".join(prop.itertext()).strip()
        if prop.get("name") and value:
            found[prop.get("name")] = value
    return found

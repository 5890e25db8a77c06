"""What the word-processor and e-book importers share (``docx``, ``odt``, ``rtf``, ``epub``).

Each of them turns its document into simple HTML (mammoth for Word, the importer's own
walk for OpenDocument, the book's own XHTML for EPUB) and hands it to ``body_from_html``,
which walks the block elements into paragraphs: the clipping's text (paragraphs
separated by blank lines, a list or a table one paragraph of lines), its readable HTML
(sanitized) and its headings.

The rules for metadata are the same for every format, and live here:

* the title comes from the document's properties, unless it is a template's or a
  program's placeholder ("Microsoft Word - x.doc", "Untitled", "Document1", the file's
  own name); else from the first heading (Heading 1, the Title style, ``<h1>``), which
  then leaves the text, as a page's repeated headline does; else, as a guess
  (``<format>-heuristic``), from a short first line that reads as a headline. A title
  property that is the headline plus " - Outlet" (a saved page's ``<title>``) gives the
  headline, and the outlet as a guess;
* a document's own dates (created, modified) say when somebody typed or converted the
  file, not when the article was published: the creation date is kept at most as a
  guess (``<format>-heuristic``, shown with ≈), and not at all when the file was
  written in one go (created and last saved within minutes: a converter's or a
  program's "save as", whose date is the moment of saving). Only explicit publication
  metadata (an EPUB's ``dc:date``, a custom property named "published") is taken as
  the publication date;
* the author in a file's properties is the account that made the file (the archivist
  who saved the clipping, "Windows User"), so it is only a guess too, unless a custom
  property names the article's author.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import PurePath
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from clippings.importers.base import word_count
from clippings.importers.dates import parse_dateline
from clippings.importers.html_metadata import parse_published
from clippings.importers.language import detect_language, normalise_language
from clippings.importers.sanitize import sanitize_html
from clippings.model import Extracted, ExtractionError, Published

#: Provenance of a title taken from the document's first heading.
HEADING = "document-heading"

#: Words an article has at least, for the e-book importer's test of "a collection of
#: articles" (and a floor against empty chapters).
ARTICLE_WORDS = 100

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_LEAF_BLOCKS = _HEADINGS | {"p", "pre", "dt", "dd", "figcaption", "caption", "address", "li"}
_LISTS = {"ul", "ol", "dl"}
# Elements that hold blocks, or stand as one when they hold only text.
_CONTAINERS = {
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "aside",
    "blockquote",
    "figure",
    "center",
    "body",
    "hgroup",
}
_SKIPPED = {
    "script",
    "style",
    "nav",
    "head",
    "title",
    "noscript",
    "template",
    "img",
    "svg",
    "math",
    "object",
    "iframe",
    "video",
    "audio",
    "button",
    "form",
}
_SPACE = re.compile(r"[^\S\n]+")


@dataclass
class Block:
    """One paragraph of the document: its kind (``p``, ``h1``, ``list``, ``table``),
    its plain text and its HTML."""

    kind: str
    text: str
    html: str


@dataclass
class Body:
    """A document's text as paragraph blocks."""

    blocks: list[Block] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(block.text for block in self.blocks)

    @property
    def html(self) -> str:
        return sanitize_html("\n".join(block.html for block in self.blocks))

    def words(self) -> int:
        return word_count(self.text)

    def title_heading(self) -> Block | None:
        """The heading that titles the document: the first ``<h1>`` (or Title style)
        among the first three blocks, else a leading ``<h2>``."""
        for index, block in enumerate(self.blocks[:3]):
            if block.kind == "h1":
                return block
            if index == 0 and block.kind == "h2":
                return block
        return None

    def without(self, block: Block | None) -> Body:
        return Body([b for b in self.blocks if b is not block])

    def without_leading_title(self, title: str | None) -> Body:
        """The body without a first block that repeats the title."""
        if title and self.blocks and _key(self.blocks[0].text) == _key(title):
            return Body(self.blocks[1:])
        return self


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def tidy(text: str) -> str:
    """Each line with its white space collapsed, blank lines dropped."""
    lines = (_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _tag(element: Any) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""  # a comment or processing instruction
    return tag.rsplit("}", 1)[-1].lower()


def _inline_text(element: Any) -> str:
    """An element's text as a reader sees it: ``<br>`` a line break, hidden parts out."""
    parts = [element.text or ""]
    for child in element:
        tag = _tag(child)
        if tag == "br":
            parts.append("\n")
        elif tag and tag not in _SKIPPED:
            parts.append(_inline_text(child))
            if tag in _LEAF_BLOCKS or tag in _LISTS or tag in {"div", "tr"}:
                parts.append("\n")
        parts.append(child.tail or "")
    return "".join(parts)


def _markup(element: Any) -> str:
    return str(lxml_html.tostring(element, encoding="unicode", with_tail=False))


def _table_block(table: Any) -> Block | None:
    rows = []
    for row in table.iter():
        if _tag(row) != "tr":
            continue
        cells = [tidy(_inline_text(c)).replace("\n", " ") for c in row if _tag(c) in {"td", "th"}]
        if any(cells):
            rows.append(" | ".join(cells))
    if not rows:
        return None
    return Block("table", "\n".join(rows), _markup(table))


def body_from_html(root: Any) -> Body:
    """The paragraphs of a parsed HTML or XHTML document (or of any element of one)."""
    body = Body()
    _walk(root, body.blocks)
    return body


def body_from_markup(markup: str) -> Body:
    """The paragraphs of an HTML fragment (mammoth's output, an importer's own HTML)."""
    if not markup.strip():
        return Body()
    return body_from_html(lxml_html.fragment_fromstring(markup, create_parent="div"))


def _walk(container: Any, blocks: list[Block]) -> None:
    loose_text: list[str] = []
    loose_html: list[str] = []

    def flush() -> None:
        text = tidy("".join(loose_text))
        if text:
            blocks.append(Block("p", text, "<p>" + "".join(loose_html) + "</p>"))
        loose_text.clear()
        loose_html.clear()

    def loose(value: str | None) -> None:
        if value:
            loose_text.append(value)
            loose_html.append(html_lib.escape(value, quote=False))

    loose(container.text)
    for child in container:
        tag = _tag(child)
        if not tag or tag in _SKIPPED:
            pass
        elif tag in _LEAF_BLOCKS:
            flush()
            text = tidy(_inline_text(child))
            if text:
                blocks.append(Block(tag if tag in _HEADINGS else "p", text, _markup(child)))
        elif tag in _LISTS:
            flush()
            items = [tidy(_inline_text(i)) for i in child if _tag(i) in {"li", "dt", "dd"}]
            text = "\n".join(item for item in items if item)
            if text:
                blocks.append(Block("list", text, _markup(child)))
        elif tag == "table":
            flush()
            table = _table_block(child)
            if table is not None:
                blocks.append(table)
        elif tag == "br":
            loose("\n")
        elif _has_blocks(child):
            flush()
            _walk(child, blocks)
        elif tag in _CONTAINERS:  # a division with only text in it: a paragraph
            flush()
            text = tidy(_inline_text(child))
            if text:
                blocks.append(Block("p", text, f"<p>{_inner_markup(child)}</p>"))
        else:  # inline markup (a span, a link, emphasis) among loose text
            loose_text.append(_inline_text(child))
            loose_html.append(_markup(child))
        loose(child.tail)
    flush()


def _has_blocks(element: Any) -> bool:
    blockish = _LEAF_BLOCKS | _LISTS | _CONTAINERS | {"table"}
    return any(_tag(e) in blockish for e in element.iterdescendants())


def _inner_markup(element: Any) -> str:
    inner = html_lib.escape(element.text or "", quote=False)
    return inner + "".join(
        str(lxml_html.tostring(child, encoding="unicode", with_tail=True)) for child in element
    )


_HEADLINE_END = (".", ",", ";", ":")
_ABBREVIATION_END = re.compile(r"(?<!\w)(?:[^\W\d_]\.){2,}$")


def headline_like(line: str) -> bool:
    """Whether a document's first paragraph, in no heading style, reads as its headline:
    one short line of two words or more that does not end as a sentence does (an
    abbreviation may: "N.Y.C.") and is no dateline."""
    words = line.split()
    if "\n" in line or "|" in line or not 2 <= len(words) <= 20 or len(line) > 200:
        return False
    if line.endswith(_HEADLINE_END) and not _ABBREVIATION_END.search(line):
        return False
    return parse_dateline(line) is None


# --- metadata ----------------------------------------------------------------------------

_PLACEHOLDER_TITLE = re.compile(
    r"(?:microsoft\s+(?:office\s+)?(?:word|powerpoint|excel)\s*-\s*.*"
    r"|untitled.*|document\s*\d*|doc\d*|dokument\s*\d*|документ\s*\d*|новый документ.*"
    r"|sans\s+titre.*|sin\s+t[ií]tulo.*|senza\s+titolo.*|ohne\s+titel.*|без\s+названия.*"
    r"|безымянный.*|title|titel|titre|título|заголовок|new\s+document|neues\s+dokument"
    r"|nouveau\s+document|.*\.(?:docx?|dotx?|odt|ott|rtf|txt|html?|pdf|epub))",
    re.IGNORECASE,
)

# Account names a file's author property holds when it names nobody.
_ACCOUNT_NAMES = {
    "user",
    "admin",
    "administrator",
    "windows user",
    "microsoft office user",
    "office user",
    "owner",
    "unknown",
    "author",
    "python-docx",
    "pandoc",
    "calibre",
    "администратор",
    "пользователь",
    "benutzer",
    "utilisateur",
    "usuario",
}


def usable_title(value: str | None, name: str) -> str | None:
    """A title property worth showing: not a template's placeholder nor the file's name."""
    if not value:
        return None
    title = " ".join(value.split())
    if not re.search(r"[^\W\d_]", title):
        return None
    stem = PurePath(name).stem.lower()
    if _PLACEHOLDER_TITLE.fullmatch(title) or title.lower() in {stem, PurePath(name).name.lower()}:
        return None
    return title


def usable_person(value: str | None) -> str | None:
    """A person's name from a file's properties, or None for an account placeholder."""
    if not value:
        return None
    person = " ".join(value.split())
    if person.lower() in _ACCOUNT_NAMES or not re.search(r"[^\W\d_]", person):
        return None
    return person


def guessed_date(created: str | None, modified: str | None) -> Published | None:
    """A file's creation date as a guess at the publication date, or None when the file
    was written in one go (created and last saved within minutes of each other: a
    converter's or a program's "save as", dated the moment it saved)."""
    when = parse_published(created or "")
    if when is None:
        return None
    changed = _moment(modified)
    made = _moment(created)
    if made is not None and changed is not None and abs(changed - made) < timedelta(minutes=10):
        return None
    return when.date() if isinstance(when, datetime) else when  # a guess: the day is enough


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


#: Names of custom properties that say what the article is (lower case, no spaces).
_CUSTOM_FIELDS = {
    "published": "published",
    "publisheddate": "published",
    "publicationdate": "published",
    "datepublished": "published",
    "pubdate": "published",
    "author": "author",
    "byline": "author",
    "outlet": "outlet",
    "publication": "outlet",
    "newspaper": "outlet",
    "source": "outlet",
    "url": "url",
    "sourceurl": "url",
}


def custom_fields(properties: Mapping[str, str]) -> dict[str, str]:
    """Custom document properties that name the article's metadata (``published``,
    ``author``, ``outlet``, ``url``), by their field."""
    found: dict[str, str] = {}
    for key, value in properties.items():
        field_name = _CUSTOM_FIELDS.get(re.sub(r"[\s_-]+", "", key.lower()))
        if field_name == "url" or (field_name == "outlet" and value.startswith("http")):
            if value.startswith(("http://", "https://")):
                found.setdefault("url", value)
            continue
        if field_name and value.strip():
            found.setdefault(field_name, " ".join(value.split()))
    return found


class Fields:
    """Metadata values and where each came from, first offer wins."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.provenance: dict[str, str] = {}

    def offer(self, name: str, value: Any, source: str) -> None:
        if value in (None, "") or name in self.values:
            return
        self.values[name] = value
        self.provenance[name] = source

    def offer_published(self, value: str | None, source: str) -> None:
        self.offer("published", parse_published(value or ""), source)


def finish(
    fmt: str,
    body: Body,
    fields: Fields,
    *,
    language: str | None = None,
    language_source: str | None = None,
    part: int | None = None,
    warnings: tuple[str, ...] = (),
) -> Extracted:
    """The ``Extracted`` of a document: its body (the title heading taken out when it
    titles the document), its fields, its language (declared, else detected).

    Raises:
        ExtractionError: the document holds no text.
    """
    heading = body.title_heading()
    first = body.blocks[0] if body.blocks else None
    if "title" in fields.values and first is not None:
        body = _split_outlet(fmt, body, heading or first, fields)
    if "title" not in fields.values:
        if heading is not None:
            fields.offer("title", " ".join(heading.text.split()), HEADING)
            body = body.without(heading)
        elif first is not None and len(body.blocks) > 1 and headline_like(first.text):
            fields.offer("title", first.text, f"{fmt}-heuristic")
            body = body.without(first)
    body = body.without_leading_title(fields.values.get("title"))
    text = body.text
    if not text.strip():
        raise ExtractionError("the document holds no text (only pictures, or nothing at all)")
    declared = normalise_language(language)
    if declared:
        fields.offer("language", declared, language_source or f"{fmt}-properties")
    else:
        fields.offer("language", detect_language(text), "detected")
    return Extracted(
        text=text,
        format=fmt,
        html=body.html,
        provenance=fields.provenance,
        part=part,
        warnings=warnings,
        **fields.values,
    )


def finish_articles(
    fmt: str,
    body: Body,
    fields: Fields,
    *,
    language: str | None = None,
    language_source: str | None = None,
) -> list[Extracted]:
    """The articles of a document: each article of a news database export (see
    ``newsdb``), numbered when there are several, else the document as one article.

    Raises:
        ExtractionError: the document holds no text.
    """
    from clippings.importers.newsdb import export_articles

    exported = export_articles(body)
    if exported is None:
        return [finish(fmt, body, fields, language=language, language_source=language_source)]
    several = len(exported) > 1
    # The export's own header tells each article's metadata; the file's properties
    # describe the download. The language is each article's own.
    return [
        finish(fmt, article.body, article.fields, part=number if several else None)
        for number, article in enumerate(exported, 1)
    ]


_SEPARATOR = r"\s*[-|–—:·]\s*"


def _split_outlet(fmt: str, body: Body, lead: Block, fields: Fields) -> Body:
    """A title property that is the document's headline plus a suffix ("Sudan Sanctions
    - The New York Times", as a page saved in Word keeps its ``<title>``): the headline
    is the title, and the suffix a guess at the outlet."""
    title = str(fields.values["title"])
    headline = " ".join(lead.text.split())
    if len(headline) < 10 or lead.kind not in {"h1", "h2", "p"}:
        return body
    match = re.fullmatch(re.escape(headline) + _SEPARATOR + r"(.{2,60})", title)
    if match is None:
        return body
    fields.values["title"], fields.provenance["title"] = headline, HEADING
    fields.offer("outlet", match.group(1).strip(), f"{fmt}-heuristic")
    return body.without(lead)


def parse_xml(data: bytes, what: str) -> Any:
    """An XML member of a container, parsed without entities, DTDs or the network.

    Raises:
        ExtractionError: it is not well-formed XML.
    """
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise ExtractionError(f"{what} is damaged: {error}") from error

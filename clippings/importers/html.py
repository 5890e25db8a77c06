"""Web pages: a saved news page becomes its article text, readable HTML and metadata.

The main text comes from trafilatura, run twice (its default and its precision-leaning
setting) and chosen between by what the page says about itself: the JSON-LD
``articleBody`` or the description when the page has one, the size of the two results
otherwise. The chosen text then loses what a press clipping never wants: the headline
repeated as the first line, bylines and datelines above the article, and the trail of
"share this", newsletter, cookie, related-links and photo-credit paragraphs below it,
and gains the paragraphs of prose both passes skipped among the article's own ones.

Metadata is read from the page's own structured data first (JSON-LD ``NewsArticle``
and friends, OpenGraph, ``<meta>`` tags), and only then from trafilatura's guesses; each
field records where it came from (``Extracted.provenance``).

A saved page's ``<name>_files/`` folder (images, scripts) is the import service's
concern: it skips that folder. Nothing here ever fetches a remote resource.
"""

from __future__ import annotations

import codecs
import html as html_lib
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from clippings.importers.language import detect_language, normalise_language
from clippings.importers.sanitize import sanitize_html
from clippings.model import Extracted, ExtractionError, Published

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# --- sniffing ----------------------------------------------------------------------------

# Markup that only an HTML document starts with (after a BOM, blanks, an XML declaration,
# comments, and style sheets or scripts a template put before ``<html>``). A style or
# script element still open where the sniffed bytes end counts too: no plain text opens
# with one (a saved page can carry tens of kilobytes of CSS above its ``<html>``).
_LEADING_MARKUP = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?"
    r"(?:<!--.*?-->\s*|<(style|script|noscript)\b[^>]*>.*?</\1\s*>\s*)*"
    r"(?:<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|meta\s|title>|link\s)"
    r"|<(?:style|script)\b[^<>]*>(?!.*</(?:style|script)\s*>))",
    re.IGNORECASE | re.DOTALL,
)
# Structure tags that plain text mentioning "<b>" or "<p>" does not have.
_STRUCTURE_TAGS = (
    re.compile(r"<html[\s>]", re.IGNORECASE),
    re.compile(r"<(?:head|body)[\s>]", re.IGNORECASE),
)
# Tags of a document's head, with the attributes they always carry; prose that mentions a
# tag writes it bare ("the <meta> tag"). Two different ones anywhere make a page.
_HEAD_TAGS = (
    re.compile(r"<!doctype\s+html", re.IGNORECASE),
    re.compile(r"<meta\s+(?:charset|name|property|http-equiv|content)\s*=", re.IGNORECASE),
    re.compile(r"<link\s+(?:rel|href|type)\s*=", re.IGNORECASE),
    re.compile(r"<script\s+(?:src|type|async|defer|id)\b", re.IGNORECASE),
    re.compile(r"</head\s*>", re.IGNORECASE),
)


def _sniff_text(head: bytes) -> str:
    """The first bytes as text, enough to look for tags (UTF-16 included)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="ignore")
    sample = head[:200]
    if sample.count(b"\x00") > len(sample) // 4:
        # UTF-16 without a BOM: ASCII markup shows as every other byte zero.
        encoding = "utf-16-le" if sample[1:2] == b"\x00" else "utf-16-be"
        return head.decode(encoding, errors="ignore")
    return head.removeprefix(codecs.BOM_UTF8).decode("latin-1")


# --- decoding ----------------------------------------------------------------------------

_META_CHARSET = re.compile(
    rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9_.:-]+)")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# A page saved as one file carries its images inline, as megabytes of base64 in an
# attribute or a style sheet; the parser gives up on a value over 10 MB, and the rest of
# the page with it. No image is kept, so their bytes go before parsing.
_INLINE_DATA = re.compile(r"data:[\w/+.-]*(?:;[\w=.-]+)*;base64,[A-Za-z0-9+/=]{4096,}")

# Labels browsers read as a wider encoding (the WHATWG Encoding Standard): pages that say
# "iso-8859-1" are written in windows-1252, "gb2312" in GBK/GB18030, and so on.
_WIDER_ENCODING = {
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso_8859-1": "cp1252",
    "iso-8859-9": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "big5": "big5hkscs",
}

# A declared UTF-8 page with a stray broken byte or two (a truncated excerpt in a
# teaser) is still UTF-8: detectors guess something odd for it (mac_latin2 for one
# Polish page). Above this share of broken characters the declaration is wrong.
_STRAY_BYTES_SHARE = 0.002


def _codec(label: str) -> str | None:
    """The Python codec for a charset label, or None for an unknown one."""
    label = label.strip().lower()
    label = _WIDER_ENCODING.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A page read as bytes cannot really be UTF-16 if it declares so in ASCII markup.
    return "utf-8" if name.startswith("utf-16") or name.startswith("utf-32") else name


def _declared_charset(data: bytes) -> str | None:
    head = data[:32768]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def _is_single_byte(codec: str) -> bool:
    return codec.startswith(("cp", "iso8859", "latin", "koi8", "mac", "windows")) and codec not in {
        "cp932",
        "cp949",
        "cp950",
    }


def _detect(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        return None
    return str(best), str(best.encoding)


def decode_page(data: bytes) -> tuple[str, str, str]:
    """A page's bytes as text.

    Returns:
        The text, the codec used, and how it was chosen: ``bom``, ``declared``,
        ``detected`` or ``fallback``.
    """
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), codec, "bom"
    label = _declared_charset(data)
    declared = _codec(label) if label else None
    non_ascii = sum(1 for byte in data if byte > 0x7F) if declared else 0
    if declared:
        try:
            text = data.decode(declared)
        except UnicodeDecodeError:
            if declared == "utf-8":
                text = data.decode("utf-8", errors="replace")
                if text.count("\ufffd") <= max(2, non_ascii * _STRAY_BYTES_SHARE):
                    return text, declared, "declared"
        else:
            if non_ascii and _is_single_byte(declared) and declared != "utf-8":
                # Valid UTF-8 with multi-byte sequences read as a one-byte charset is
                # mojibake ("Ã©" for "é"); real Latin text is almost never valid UTF-8.
                try:
                    return data.decode("utf-8"), "utf-8", "detected"
                except UnicodeDecodeError:
                    pass
            return text, declared, "declared"
    else:
        try:
            return data.decode("utf-8"), "utf-8", "detected"
        except UnicodeDecodeError:
            pass
    detected = _detect(data)
    if detected is not None:
        return detected[0], detected[1], "detected"
    return data.decode("utf-8", errors="replace"), "utf-8", "fallback"


# --- the page's own metadata -------------------------------------------------------------

_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "askpublicnewsarticle",
    "blogposting",
    "liveblogposting",
    "socialmediaposting",
    "report",
    "techarticle",
    "scholarlyarticle",
}

# ``<meta name=...>`` keys per field, most trusted first.
_META_TITLE = ("dc.title", "dcterms.title", "parsely-title", "sailthru.title", "twitter:title")
_META_AUTHOR = (
    "author",
    "dc.creator",
    "dcterms.creator",
    "parsely-author",
    "sailthru.author",
    "byl",
    "article.author",
    "citation_author",
)
_META_DATE = (
    "parsely-pub-date",
    "sailthru.date",
    "article.published",
    "article:published_time",
    "og:article:published_time",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "published_time",
    "date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "dc.date.created",
    "citation_publication_date",
    "originalpublicationdate",
    "datepublished",
)
_META_OUTLET = ("application-name", "apple-mobile-web-app-title", "twitter:site")
_META_LANGUAGE = ("dc.language", "dcterms.language", "content-language", "language")


@dataclass
class PageMetadata:
    """What a page says about itself, each value with its source."""

    values: dict[str, list[tuple[Any, str]]] = field(default_factory=dict)
    article_body: str | None = None
    description: str | None = None

    def add(self, name: str, value: Any, source: str) -> None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return
        self.values.setdefault(name, []).append((value, source))

    def candidates(self, name: str) -> list[tuple[Any, str]]:
        return self.values.get(name, [])


def _type_names(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type", ())
    kinds = [kind] if isinstance(kind, str) else kind if isinstance(kind, list) else []
    return {str(k).rsplit("/", 1)[-1].lower() for k in kinds}


def _walk_json_ld(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _walk_json_ld(item)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "itemListElement"):
            if key in node:
                yield from _walk_json_ld(node[key])


_CDATA = re.compile(r"^(?://|/\*)?\s*<!\[CDATA\[|(?://|/\*)?\s*\]\]>\s*(?:\*/)?$")


def _load_json_ld(raw: str) -> Any:
    raw = raw.strip().removeprefix("<!--").removesuffix("-->").strip()
    raw = _CDATA.sub("", raw).strip().rstrip(";")
    try:
        return json.loads(raw, strict=False)
    except ValueError:
        # Trailing commas are the most common hand-written JSON-LD fault.
        try:
            return json.loads(re.sub(r",\s*([}\]])", r"\1", raw), strict=False)
        except ValueError:
            return None


def _names(value: Any, by_id: dict[str, dict[str, Any]]) -> list[str]:
    """The names in a schema.org Person/Organization value (or list, or string)."""
    if isinstance(value, list):
        return [name for item in value for name in _names(item, by_id)]
    if isinstance(value, dict):
        if "name" not in value and isinstance(value.get("@id"), str):
            value = by_id.get(value["@id"], value)
        name = value.get("name")
        if isinstance(name, list):
            name = " ".join(str(part) for part in name)
        return [_clean(str(name))] if name else []
    if isinstance(value, str) and value.strip() and not value.startswith(("http", "/")):
        return [_clean(value)]
    return []


def _read_json_ld(tree: HtmlElement, found: PageMetadata) -> None:
    nodes: list[dict[str, Any]] = []
    for script in tree.iterfind(".//script"):
        if "ld+json" in (script.get("type") or "").lower() and script.text:
            nodes.extend(_walk_json_ld(_load_json_ld(script.text)))
    by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
    for node in nodes:
        kinds = _type_names(node)
        if kinds & {"website", "organization", "newsmediaorganization"} and node.get("name"):
            found.add("outlet-fallback", _clean(str(node["name"])), "json-ld")
        if not kinds & _ARTICLE_TYPES:
            continue
        headline = node.get("headline") or node.get("name")
        if isinstance(headline, str):
            found.add("title", _clean(headline), "json-ld")
        authors = _names(node.get("author") or node.get("creator"), by_id)
        if authors:
            found.add("author", ", ".join(dict.fromkeys(authors)), "json-ld")
        for key in ("datePublished", "dateCreated"):
            if isinstance(node.get(key), str):
                found.add("published", node[key], "json-ld")
        publishers = _names(node.get("publisher") or node.get("sourceOrganization"), by_id)
        if publishers:
            found.add("outlet", publishers[0], "json-ld")
        for key in ("url", "mainEntityOfPage"):
            value = node.get(key)
            if isinstance(value, dict):
                value = value.get("@id") or value.get("url")
            if isinstance(value, str) and value.startswith("http"):
                found.add("url", value, "json-ld")
        language = node.get("inLanguage")
        if isinstance(language, str):
            found.add("language", language, "json-ld")
        body = node.get("articleBody")
        if isinstance(body, str) and len(body) > len(found.article_body or ""):
            found.article_body = _strip_markup(body)
        if isinstance(node.get("description"), str) and not found.description:
            found.description = _clean(_strip_markup(node["description"]))


def _read_meta(tree: HtmlElement, found: PageMetadata) -> None:
    meta: dict[str, str] = {}
    opengraph: dict[str, str] = {}
    for element in tree.iterfind(".//meta"):
        content = element.get("content")
        if not content or not content.strip():
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = (element.get(attribute) or "").strip().lower()
            if not key:
                continue
            target = opengraph if key.startswith(("og:", "article:")) else meta
            target.setdefault(key, content.strip())
    # OpenGraph.
    if "og:title" in opengraph:
        found.add("title", _clean(opengraph["og:title"]), "opengraph")
    if "og:site_name" in opengraph:
        found.add("outlet", _clean(opengraph["og:site_name"]), "opengraph")
    if "og:url" in opengraph and opengraph["og:url"].startswith("http"):
        found.add("url", opengraph["og:url"], "opengraph")
    for key in ("article:published_time", "og:published_time", "og:article:published_time"):
        if key in opengraph:
            found.add("published", opengraph[key], "opengraph")
    author = opengraph.get("article:author", "")
    if author and not author.startswith(("http", "/")):
        found.add("author", _clean(author), "opengraph")
    if "og:locale" in opengraph:
        found.add("language", opengraph["og:locale"], "opengraph")
    description = opengraph.get("og:description") or meta.get("description")
    if description and not found.description:
        found.description = _clean(description)
    # Plain <meta> names (Dublin Core, Parse.ly, Sailthru, ...).
    for keys, name in (
        (_META_TITLE, "title"),
        (_META_AUTHOR, "author"),
        (_META_DATE, "published"),
        (_META_OUTLET, "outlet-fallback"),
        (_META_LANGUAGE, "language"),
    ):
        for key in keys:
            for variant in (key, key.replace(".", ":"), key.replace(":", ".")):
                if variant in meta:
                    value = meta[variant]
                    if name == "author" and value.startswith(("http", "/", "@")):
                        break
                    if name == "outlet-fallback" and value.startswith("@"):
                        value = value[1:]
                    found.add(name, _clean(value) if name != "published" else value, "html-meta")
                    break


def read_page_metadata(tree: HtmlElement) -> PageMetadata:
    """Title, author, dates, outlet, URL and language as the page declares them."""
    found = PageMetadata()
    _read_json_ld(tree, found)
    _read_meta(tree, found)
    for link in tree.iterfind(".//link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            href = (link.get("href") or "").strip()
            if href.startswith("http"):
                found.add("canonical", href, "html-meta")
    root_lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if root_lang:
        found.add("language", root_lang, "html-meta")
    title = tree.find(".//title")
    if title is not None and title.text_content().strip():
        found.add("page-title", _clean(title.text_content()), "html-meta")
    return found


# --- values ------------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]+>")


def _clean(value: str) -> str:
    return _SPACE.sub(" ", html_lib.unescape(value)).strip()


def _strip_markup(value: str) -> str:
    if "<" not in value:
        return html_lib.unescape(value)
    return html_lib.unescape(_TAG.sub(" ", value))


_ISO_DAY = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_COMPACT_DAY = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:\D|$)")


def parse_published(value: str) -> Published | None:
    """A declared publication date: aware datetime when the time and offset are known.

    A time without an offset, or a bare midnight (how CMSs write a date-only value),
    gives a plain date: the page's own day, nothing invented.
    """
    value = value.strip()
    if not value:
        return None
    parsed: datetime | None = None
    candidate = value.replace(" ", "T", 1) if _ISO_DAY.match(value) else value
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            parsed = None
    if parsed is not None:
        result: Published = parsed
        if parsed.tzinfo is None or (parsed.hour, parsed.minute, parsed.second) == (0, 0, 0):
            result = parsed.date()
    else:
        match = _ISO_DAY.match(value) or _COMPACT_DAY.match(value)
        if not match:
            return None
        try:
            result = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    day = result.date() if isinstance(result, datetime) else result
    # Epoch placeholders and dates in the future are template faults, not publication dates.
    if day.year < 1990 or day > (datetime.now(UTC) + timedelta(days=2)).date():
        return None
    return result


# --- text blocks -------------------------------------------------------------------------


@dataclass
class Block:
    """One paragraph-level unit of the main text, as text and as HTML."""

    kind: str
    text: str
    html: str


def _inline(element: Any, *, markup: bool) -> str:
    """An element's text with line breaks; as escaped HTML with emphasis when ``markup``."""
    parts: list[str] = []

    def text_of(value: str | None) -> str:
        if not value:
            return ""
        return html_lib.escape(value, quote=False) if markup else value

    parts.append(text_of(element.text))
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "lb":
            parts.append("<br>" if markup else "\n")
        elif markup and tag == "hi":
            rend = child.get("rend") or ""
            wrap = "i" if "i" in rend else "u" if "u" in rend else "b"
            parts.append(f"<{wrap}>{_inline(child, markup=True)}</{wrap}>")
        elif markup and tag == "ref" and (child.get("target") or "").startswith("http"):
            href = html_lib.escape(child.get("target") or "")
            parts.append(f'<a href="{href}">{_inline(child, markup=True)}</a>')
        elif tag in {"list", "item", "p", "quote", "head", "row", "cell", "table", "code"}:
            inner = _inline(child, markup=markup)
            parts.append(("<br>" if markup else "\n") + inner)
        elif tag:
            parts.append(_inline(child, markup=markup))
        parts.append(text_of(child.tail))
    return "".join(parts)


def _tidy(text: str) -> str:
    lines = [_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _blocks(body: Any) -> list[Block]:
    """trafilatura's XML body as paragraph blocks."""
    blocks: list[Block] = []

    def loose(value: str | None) -> None:
        # Text directly in the body, between elements (trafilatura leaves a paragraph
        # that follows a heading as the heading's tail on some pages).
        text = _tidy(value or "")
        if text:
            blocks.append(Block("p", text, f"<p>{html_lib.escape(text, quote=False)}</p>"))

    if body.tag == "body":  # a fallback's bare element (a lone <nav>) is no article
        loose(body.text)
    for element in body:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "head":
            text = _tidy(_inline(element, markup=False))
            level = (element.get("rend") or "h2").lstrip("h")
            level = level if level in {"2", "3", "4", "5", "6"} else "2"
            html = f"<h{level}>{_inline(element, markup=True)}</h{level}>"
            kind = "heading"
        elif tag == "list":
            items = [item for item in element.iter("item")]
            text = "\n".join(_tidy(_inline(item, markup=False)) for item in items)
            html = "<ul>" + "".join(f"<li>{_inline(i, markup=True)}</li>" for i in items) + "</ul>"
            kind = "list"
        elif tag == "table":
            rows = []
            html_rows = []
            for row in element.iter("row"):
                cells = list(row.iter("cell"))
                rows.append(" | ".join(_tidy(_inline(c, markup=False)) for c in cells))
                html_rows.append(
                    "<tr>" + "".join(f"<td>{_inline(c, markup=True)}</td>" for c in cells) + "</tr>"
                )
            text = "\n".join(row for row in rows if row.strip(" |"))
            html = "<table>" + "".join(html_rows) + "</table>"
            kind = "table"
        elif tag == "quote":
            text = _tidy(_inline(element, markup=False))
            html = f"<blockquote>{_inline(element, markup=True)}</blockquote>"
            kind = "quote"
        elif tag == "code":
            text = (element.text_content() if hasattr(element, "text_content") else "").strip()
            text = text or "".join(element.itertext()).strip()
            html = f"<pre>{html_lib.escape(text)}</pre>"
            kind = "code"
        elif tag in {"graphic", "comments"}:
            loose(element.tail)
            continue
        else:
            text = _tidy(_inline(element, markup=False))
            html = f"<p>{_inline(element, markup=True)}</p>"
            kind = "p"
        if text.strip():
            blocks.append(Block(kind, text.strip(), html))
        loose(element.tail)
    return blocks


# --- choosing and trimming the text --------------------------------------------------------

_WORD = re.compile(r"\w+")


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _f1(ours: list[str], reference: list[str]) -> float:
    if not ours or not reference:
        return 0.0
    common = sum((Counter(ours) & Counter(reference)).values())
    if not common:
        return 0.0
    precision, recall = common / len(ours), common / len(reference)
    return 2 * precision * recall / (precision + recall)


def _containment(part: list[str], whole: list[str]) -> float:
    """The share of ``part``'s tokens (as a multiset) that ``whole`` has."""
    if not part:
        return 0.0
    return sum((Counter(part) & Counter(whole)).values()) / len(part)


# Paragraphs that are the page's furniture, not the article: calls to share, subscribe or
# follow, cookie and newsletter prompts, related-links headers, credits and copyright. In
# the languages of the archive's sources; matched on short paragraphs at either end only.
_FURNITURE = re.compile(
    r"""
    ^(?:advertisement|anzeige|publicidad|publicité|pubblicità|werbung|reklama|sponsored)\W*$
    | \b(?:sign\ up|subscribe|subscription|newsletters?|unsubscribe|inbox)\b
    | \b(?:share\ (?:this|it|on)|like\ this\ story|follow\ (?:us|him|her|me|them)\b
        |click\ here|read\ (?:more|next|also|the\ full)
        |related\ (?:articles?|stories|content|coverage)
        |more\ (?:from|on|stories|news)\b|recommended\ for\ you|don'?t\ miss|see\ also
        |most\ (?:popular|read|viewed)|trending\ now|top\ stories|you\ may\ also\ like
        |all\ rights\ reserved|copyright\b|©|\(c\)\ \d{4}|cookies?\b|privacy\ policy
        |terms\ of\ (?:use|service)|comments?\ (?:are\ closed|policy)|leave\ a\ comment
        |have\ a\ (?:tip|story\ idea)|contact\ (?:us|the\ author)|reprints?\b|permalink
        |this\ (?:article|story)\ (?:was|has\ been|is)\ (?:updated|corrected)
        |getty\ images|shutterstock|associated\ press\ contributed
        |(?:photo|image|picture)\ (?:by|credit|courtesy)
        |watch\ (?:the\ )?video|download\ (?:the|our)\ app|listen\ (?:to|live))
    | \b(?:newsletter|abonnieren|abonnez|abonne|inscrivez|suscríbete|suscribete|assine|iscriviti
        |teilen|partager|compartir|condividi|udostępnij|mehr\ zum\ thema|lesen\ sie\ (?:auch|mehr)
        |weitere\ (?:artikel|meldungen|nachrichten)|das\ könnte\ sie|lire\ (?:aussi|la\ suite)
        |à\ lire\ aussi|voir\ aussi|leia\ (?:também|mais)|lea\ también|leer\ más|vea\ también
        |leggi\ anche|czytaj\ (?:też|także|więcej)|zobacz\ (?:też|także)|alle\ rechte\ vorbehalten
        |tous\ droits\ réservés|todos\ los\ derechos|direitos\ reservados|diritti\ riservati
        |fotos?:|foto\ ?:|bild:|quelle:|crédit\ photo|zdjęcie:)
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Lines above the article that carry who and when, not what: "By Jane Doe", "Updated
# 12:30 PM", "5 min read", a date alone.
_BYLINE = re.compile(
    r"""^(?:by|von|par|por|di|door|przez|av|af|autor|author|reporting\ by|written\ by)\s
    | \b(?:published|updated|posted|last\ modified|aktualisiert|veröffentlicht|publié|mis\ à\ jour
        |publicado|actualizado|atualizado|pubblicato|aggiornato)\b
    | \b\d+\s*(?:min(?:ute)?s?)\s+read\b
    | ^\W*(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}:\d{2})
    """,
    re.IGNORECASE | re.VERBOSE,
)
_MONTH_DATE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}\b"
    r"|\b\d{1,2}\.?\s+(?:jan|feb|mär|mar|apr|mai|may|jun|jul|aug|sep|okt|oct|nov|dez|dec)[a-zä]*\.?\s+\d{4}\b",
    re.IGNORECASE,
)
# Asides inside the article that a clipping does not want wherever they stand: pointers
# to other articles, sign-up prompts, feedback prompts, photo captions with their credit.
_ASIDE = re.compile(
    r"""
    ^\W*(?:read\ (?:more|also)|also\ read|related|see\ also|more:|watch:|listen:
        |le\ puede\ interesar|te\ puede\ interesar|lea\ también|lee\ también|vea\ también
        |dowiedz\ się\ więcej|czytaj\ (?:też|także|więcej)|zobacz\ (?:też|także)
        |lesen\ sie\ (?:auch|mehr)|mehr\ zum\ thema|siehe\ auch
        |lire\ aussi|à\ lire\ aussi|voir\ aussi
        |leia\ (?:também|mais)|leggi\ anche)\b
    | \b(?:newsletters?|sign(?:ing)?\ up|subscribe|never\ miss|letters?\ to\ the\ editor
        |we\ want\ to\ hear)\b
    | ^\W*(?:credits?|photos?|fotos?|bild|image|picture|imagen|zdjęcie|crédit)\s*:
    | \((?:foto|photo|credit|image|bild|imagen|fotos|photos)\s*:[^)]*\)\W*$
    """,
    re.IGNORECASE | re.VERBOSE,
)
# "Furniture" lines this long or longer are article text that happens to say "share".
_SHORT_WORDS = 30
# A lead-in to a list of links is a few words ("Read more about it:").
_POINTER_WORDS = 8
_EDGE_BLOCKS = 6


def _is_furniture(block: Block) -> bool:
    words = len(_tokens(block.text))
    if words > _SHORT_WORDS:
        return False
    return bool(_FURNITURE.search(block.text))


def _is_byline(block: Block, author: str | None) -> bool:
    words = len(_tokens(block.text))
    if words > 16:
        return False
    if author and _tokens(block.text) and _containment(_tokens(block.text), _tokens(author)) >= 0.6:
        return True
    return bool(_BYLINE.search(block.text) or (_MONTH_DATE.search(block.text) and words <= 8))


def _same_text(text: str, other: str | None, threshold: float = 0.8) -> bool:
    if not other:
        return False
    mine, theirs = _tokens(text), _tokens(other)
    return bool(mine) and _f1(mine, theirs) >= threshold


def _is_aside(block: Block) -> bool:
    return len(_tokens(block.text)) <= _SHORT_WORDS and bool(_ASIDE.search(block.text))


def _trim(
    blocks: list[Block], title: str | None, description: str | None, author: str | None
) -> list[Block]:
    """The blocks without headline, byline, asides and furniture at the ends."""
    blocks = [block for block in blocks if not _is_aside(block)] or blocks
    start = 0
    # Above the article: the headline again, the standfirst as a heading, bylines.
    while start < min(len(blocks), _EDGE_BLOCKS):
        block = blocks[start]
        if (
            _same_text(block.text, title)
            or (block.kind == "heading" and _same_text(block.text, description))
            or _is_byline(block, author)
            or _is_furniture(block)
        ):
            start += 1
            continue
        break
    end = len(blocks)
    # Near the end, a short lead-in ending in a colon ("More on the virus:") followed by
    # nothing but short lines introduces links to other pages, not more of the article.
    for index in range(max(start + 1, end - _EDGE_BLOCKS), end - 1):
        intro, after = blocks[index], blocks[index + 1 : end]
        if (
            intro.text.rstrip().endswith(":")
            and len(_tokens(intro.text)) <= _POINTER_WORDS
            and all(len(_tokens(block.text)) <= 2 * _POINTER_WORDS for block in after)
        ):
            end = index
            break
    # Below it: the trail of share/subscribe/related/credit paragraphs, and headings or
    # link lists left dangling by what was cut.
    while end > start + 1:
        block = blocks[end - 1]
        if _is_furniture(block) or (end < len(blocks) and block.kind in {"heading", "list"}):
            end -= 1
            continue
        break
    return blocks[start:end] or blocks


_LEAD_CONTAINERS = {"p", "div", "h2", "h3", "h4", "h5", "h6", "li", "section", "header", "td"}
_HIDDEN = {"script", "style", "noscript", "template", "head", "title", "nav", "footer", "button"}
_LEAD_HEADINGS = {"h2", "h3", "h4", "h5", "h6"}


def _visible_lead(tree: HtmlElement, description: str | None) -> str | None:
    """The page's standfirst as shown on the page, found by its description.

    Extractors often drop the lead paragraph (a styled teaser above the body), while the
    page's description repeats it: the visible element that holds the description is the
    lead. A lead set as a subheading (an ``<h2>`` deck) counts when it stands with the
    text; inside the page's ``<header>`` it belongs to the headline block, which a
    clipping already keeps as its title. Returns its full text (the description may be
    shortened), or None.
    """
    if not description:
        return None
    wanted = _SPACE.sub(" ", description).strip().rstrip(".…").strip()
    if len(wanted) < 40:
        return None
    probe = wanted[:30]
    wanted_tokens = _tokens(wanted)
    for node in tree.xpath("//body//text()[contains(normalize-space(.), $probe)]", probe=probe):
        element = node.getparent()
        while element is not None and element.tag not in _LEAD_CONTAINERS:
            if element.tag in _HIDDEN or element.tag in {"h1", "a"}:
                element = None
                break
            element = element.getparent()
        if element is None or any(a.tag in _HIDDEN for a in element.iterancestors()):
            continue
        if element.tag in _LEAD_HEADINGS and any(
            ancestor.tag == "header" for ancestor in element.iterancestors()
        ):
            continue
        text = _SPACE.sub(" ", element.text_content()).strip()
        if len(text) > 2 * len(wanted) + 200:
            continue
        if _containment(wanted_tokens, _tokens(text)) >= 0.8:
            return text
    return None


def _with_lead(blocks: list[Block], lead: str | None) -> list[Block]:
    if not lead:
        return blocks
    head_tokens = [t for block in blocks[:4] for t in _tokens(block.text)]
    if _containment(_tokens(lead), head_tokens) >= 0.8:
        return blocks
    return [Block("p", lead, f"<p>{html_lib.escape(lead, quote=False)}</p>"), *blocks]


# --- text the extractor left inside the article's own container ---------------------------

# Elements that hold one paragraph of text on a page.
_TEXT_TAGS = {"p", "li", "div", "dd", "blockquote"}
# Elements that break a ``<div>``'s text into paragraphs of their own.
_BLOCK_TAGS = {"p", "div", "li", "ul", "ol", "dl", "table", "section", "article", "aside"}
_BLOCK_TAGS |= {
    "header",
    "blockquote",
    "figure",
    "figcaption",
    "form",
    "pre",
    "h1",
} | _LEAD_HEADINGS
_SKIPPED = _HIDDEN | {"aside", "figure", "figcaption", "form", "header", "iframe", "svg"}
# A paragraph the extractor missed counts when it reads as prose: this many words at
# least, a sentence's closing mark, few of its words in links.
_MISSED_WORDS = 10
_SENTENCE_END = re.compile(r"[.!?…]['\"”’»)]*$")
_MISSED_LINK_SHARE = 0.3
# The chosen paragraphs that must sit inside an element for it to be the container.
_CONTAINER_SHARE = 0.75
_KEY_CHARS = 50


def _key(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()[:_KEY_CHARS]


def _own_text(element: HtmlElement) -> bool:
    """Whether text sits directly in the element (not only inside its children)."""
    if (element.text or "").strip():
        return True
    return any((child.tail or "").strip() for child in element)


def _up_to(element: HtmlElement, container: HtmlElement) -> Iterator[HtmlElement]:
    """The element's ancestors below ``container``."""
    for ancestor in element.iterancestors():
        if ancestor is container:
            return
        yield ancestor


def _flat_text(element: HtmlElement) -> str:
    """The element's text, a line break where it has ``<br>``."""
    parts = [element.text or ""] if isinstance(element.tag, str) else []
    for child in element:
        if child.tag == "br":
            parts.append("\n")
        elif isinstance(child.tag, str):
            parts.append(_flat_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _missed_text(element: HtmlElement) -> str | None:
    """The element's text when it is a paragraph of prose on its own, else None."""
    if any(
        isinstance(child.tag, str) and child.tag in _BLOCK_TAGS
        for child in element.iterdescendants()
    ):
        return None
    if element.tag == "div" and not _own_text(element):
        return None
    text = _tidy(_flat_text(element))
    words = _tokens(text)
    if len(words) < _MISSED_WORDS or not _SENTENCE_END.search(text):
        return None
    linked = sum(len(_tokens(link.text_content())) for link in element.iter("a"))
    if linked > _MISSED_LINK_SHARE * len(words):
        return None
    block = Block("p", text, "")
    if _is_furniture(block) or _is_aside(block) or _BYLINE.search(text):
        return None
    return text


def _place(element: HtmlElement) -> HtmlElement | None:
    """Where a paragraph stands: its parent, or for a list item the list's parent."""
    parent = element.getparent()
    if element.tag == "li" and parent is not None and parent.tag in {"ul", "ol"}:
        return parent.getparent()
    return parent


def _with_missed(tree: HtmlElement, blocks: list[Block]) -> list[Block]:
    """The blocks with the prose paragraphs the extractor left out among them.

    Extractors skip a paragraph styled unlike the rest (an intro ``<div>``, a list item
    among short ones, a question set apart) even where it stands among the article's
    paragraphs. The container is the lowest element holding most of the chosen
    paragraphs; a paragraph of prose inside it that the text lacks is added where it
    stands on the page when it sits where the chosen paragraphs sit (the same parent or
    grandparent) and above at least two of them (below the article come comments,
    notices and teasers).
    """
    body = tree.find("body")
    if body is None:
        return blocks
    order: dict[HtmlElement, int] = {}
    by_key: dict[str, list[HtmlElement]] = {}
    for index, element in enumerate(body.iter()):
        if not isinstance(element.tag, str):
            continue
        order[element] = index
        if element.tag in _TEXT_TAGS or element.tag in _LEAD_HEADINGS:
            key = _key(element.text_content())
            if len(key) >= 20:
                by_key.setdefault(key, []).append(element)
    positions: list[int | None] = []
    matched: list[HtmlElement] = []
    for block in blocks:
        candidates = by_key.get(_key(block.text.split("\n", 1)[0]), [])
        # The innermost element with the text is the paragraph itself.
        element = candidates[-1] if candidates else None
        positions.append(order[element] if element is not None else None)
        if element is not None:
            matched.append(element)
    if len(matched) < 3:
        return blocks
    counts: Counter[HtmlElement] = Counter()
    for element in matched:
        counts.update(element.iterancestors())
    container = next(
        (e for e in matched[0].iterancestors() if counts[e] >= _CONTAINER_SHARE * len(matched)),
        None,
    )
    if container is None or container.tag in {"body", "html"}:
        return blocks
    places = {element.getparent() for element in matched}
    places |= {place.getparent() for place in places if place is not None}
    end = sorted(order[element] for element in matched)[-2]
    present = _SPACE.sub(" ", " ".join(block.text for block in blocks)).casefold()
    found: list[tuple[int, Block]] = []
    seen: Counter[str] = Counter()
    taken: set[HtmlElement] = set(matched)
    for element in container.iterdescendants():
        if not isinstance(element.tag, str) or element.tag not in _TEXT_TAGS:
            continue
        if element in taken:  # a chosen paragraph: its text is there already
            continue
        if order.get(element, end) >= end or _place(element) not in places:
            continue
        if any(
            ancestor in taken or ancestor.tag in _SKIPPED for ancestor in _up_to(element, container)
        ):
            continue
        text = _missed_text(element)
        if text is None or _SPACE.sub(" ", text).casefold()[: 2 * _KEY_CHARS] in present:
            continue
        taken.add(element)
        seen[text] += 1
        html = "<p>" + html_lib.escape(text, quote=False).replace("\n", "<br>") + "</p>"
        found.append((order[element], Block("p", text, html)))
    # A text repeated on the page is a template's (a caption per slide, a teaser).
    pending = sorted((item for item in found if seen[item[1].text] == 1), key=lambda i: i[0])
    if not pending:
        return blocks
    merged: list[Block] = []
    for block, position in zip(blocks, positions, strict=True):
        while position is not None and pending and pending[0][0] < position:
            merged.append(pending.pop(0)[1])
        merged.append(block)
    merged.extend(block for _, block in pending)
    return merged


# --- the importer --------------------------------------------------------------------------

_NOT_FOUND = "no article text found in the page"
# Below this many words the default pass is too thin to trust on its own.
_THIN_WORDS = 60


@dataclass
class _Candidate:
    blocks: list[Block]
    document: Any

    @property
    def tokens(self) -> list[str]:
        return [t for block in self.blocks for t in _tokens(block.text)]


def _run(tree: HtmlElement, *, url: str | None, **settings: Any) -> _Candidate | None:
    from trafilatura import bare_extraction

    try:
        document = bare_extraction(
            tree, url=url, include_comments=False, include_tables=True, **settings
        )
    except Exception:  # noqa: BLE001 - trafilatura raises whatever lxml raises on odd trees
        return None
    body = getattr(document, "body", None)
    if body is None:
        return None
    blocks = _blocks(body)
    return _Candidate(blocks, document) if blocks else None


# A block this long at the edge of the default's text is article, whatever the precise
# pass thinks: it stops the trimming there.
_EDGE_WORDS = 40


def _edges_trimmed(default: _Candidate, precise: _Candidate) -> _Candidate:
    """The default's text without the leading and trailing blocks the precise pass dropped.

    The precision-leaning pass is right about the edges (navigation, kickers, "related"
    links and comment notices above and below the article) and wrong about the middle: what
    it drops between the paragraphs it keeps is article text (a short paragraph, a
    subheading, a source link). So only short blocks at either end go, and only while the
    precise pass agrees they are not there.
    """
    # Word sequences, not bags: a link title's words also occur in the article.
    kept = f" {' '.join(precise.tokens)} "

    def dropped(block: Block) -> bool:
        words = _tokens(block.text)
        if not words or len(words) > _EDGE_WORDS:
            return False
        return f" {' '.join(words)} " not in kept

    start, end = 0, len(default.blocks)
    while start < end and dropped(default.blocks[start]):
        start += 1
    while end > start and dropped(default.blocks[end - 1]):
        end -= 1
    return _Candidate(default.blocks[start:end] or default.blocks, default.document)


def _choose(
    default: _Candidate | None,
    precise: _Candidate | None,
    reference: list[str],
) -> _Candidate | None:
    """The default pass, cut to the precise pass's edges, or the one the page agrees with.

    With a reference text (JSON-LD ``articleBody``) the one that agrees with it more wins.
    Without one the default is trimmed at both ends where the precise pass agrees, unless
    the precise pass lost most of the text (then it threw the article away).
    """
    if default is None or precise is None:
        return default or precise
    if reference:
        score_default = _f1(default.tokens, reference)
        score_precise = _f1(precise.tokens, reference)
        return precise if score_precise > score_default else default
    if _containment(default.tokens, precise.tokens) < 0.5:
        return default
    return _edges_trimmed(default, precise)


def _pick(candidates: Iterable[tuple[Any, str]], parse: Any = None) -> tuple[Any, str] | None:
    for value, source in candidates:
        if parse is not None:
            value = parse(value)
        if value:
            return value, source
    return None


def _published(page: PageMetadata, guessed: str | None) -> tuple[Published, str] | None:
    """The publication date, in the page's own offset where the page gives it.

    Many pages state the same instant twice, once in UTC and once in local time: the
    local one is the page's own day. When only UTC is given and the date shown on the
    page (trafilatura's guess) is the day before or after, in the direction a time zone
    could move it, the shown day is the one a reader of the page saw.
    """
    declared = [
        (value, source)
        for raw, source in page.candidates("published")
        if (value := parse_published(raw)) is not None
    ]
    shown = parse_published(guessed) if guessed else None
    if not declared:
        return (shown, "html-heuristic") if shown else None
    best, source = declared[0]
    if isinstance(best, datetime) and best.utcoffset() == timedelta(0):
        for other, other_source in declared[1:]:
            if (
                isinstance(other, datetime)
                and other.utcoffset() != timedelta(0)
                and abs(other - best) < timedelta(minutes=1)
            ):
                return other, other_source
        if shown is not None:
            shown_day = shown.date() if isinstance(shown, datetime) else shown
            if (best.hour < 12 and shown_day == best.date() - timedelta(days=1)) or (
                best.hour >= 12 and shown_day == best.date() + timedelta(days=1)
            ):
                return shown_day, "html-heuristic"
    return best, source


def _without_code(tree: HtmlElement) -> HtmlElement:
    """A copy of the page without scripts, style sheets, comments and processing
    instructions; JSON-LD stays (it is data, and the extractor reads it as such)."""
    from lxml import etree

    copy = deepcopy(tree)
    doomed = [
        element
        for element in copy.iter(etree.Comment, etree.ProcessingInstruction, "script", "style")
        if not (element.tag == "script" and "ld+json" in (element.get("type") or "").lower())
    ]
    for element in doomed:
        parent = element.getparent()
        if parent is None:
            continue
        # Keep the text that follows the element (it belongs to the page).
        tail = element.tail
        previous = element.getprevious()
        if tail:
            if previous is not None:
                previous.tail = (previous.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail
        parent.remove(element)
    return copy


# "Feb. 23, 2015 -- Text", "BERLIN, 3. Mai 2021 (dpa) - Text": a dateline opening the article.
_DATELINE_END = re.compile(r"\s(?:--|[-–—])\s|\s\([^()]{2,30}\)\s*[-–—:]?\s")
_DATELINE_CHARS = 80


def _lead_dateline(blocks: list[Block]) -> str | None:
    """The date of a dateline that opens the article's text, as ISO text, or None.

    What the article itself prints above or at the start of its first paragraph is the
    page's own date; it is a better guess than one read from the page's furniture.
    """
    from clippings.importers.dates import find_date

    for block in blocks[:2]:
        first = block.text.split("\n", 1)[0]
        match = _DATELINE_END.search(first[: _DATELINE_CHARS + 5])
        if match is None or match.start() > _DATELINE_CHARS:
            continue
        found = find_date(first[: match.start()])
        if found is not None:
            when = found[0]
            return when.isoformat()
    return None


def _visible_headline(tree: HtmlElement, title: str) -> str | None:
    """The page's ``<h1>`` when the declared title is that headline plus extras.

    Declared titles carry kickers ("Chronik: ...") and site names ("... | DW | 2011");
    the headline a reader sees is the clipping's title.
    """
    wanted = title.casefold()
    for number, heading in enumerate(tree.iter("h1")):
        if number >= 3:
            break
        text = _SPACE.sub(" ", heading.text_content()).strip()
        fits = 10 <= len(text) < len(title) and len(text) >= 0.5 * len(title)
        if fits and text.casefold() in wanted:
            return text
    return None


def _declared_title_shown(
    tree: HtmlElement, heuristic: str, declared: str, outlet: str | None
) -> bool:
    """Whether the page's ``<title>`` beats the extractor's guess (a section ``<h1>``).

    The guess is usually the page's ``<h1>``; on some pages that is a section name
    ("Allergies Health Center") while the headline stands in a lower heading. When the
    guess shares no word with the declared title and a heading on the page reads as the
    declared title, the declared title is the headline.
    """
    declared = _strip_outlet(declared, outlet)
    wanted = set(_tokens(declared))
    if not wanted or wanted & set(_tokens(heuristic)):
        return False
    for number, heading in enumerate(tree.iter("h1", "h2", "h3")):
        if number >= 40:
            break
        if any(ancestor.tag in _HIDDEN for ancestor in heading.iterancestors()):
            continue
        if _same_text(_SPACE.sub(" ", heading.text_content()), declared):
            return True
    return False


def _wordset(text: str) -> frozenset[str]:
    """The words of ``text`` (long word lists read better as one string)."""
    return frozenset(text.split())


# "By Jane Doe", "BY: JANE DOE", "Von Hans Meier", "Par Jean Dupont", "Por Ana Ruiz". "By" is
# always a prefix; "Von"/"Par"/"Por" only before a capitalised name of two words or more
# ("Von Miller" and "von der Leyen" are names).
_AUTHOR_BY = re.compile(r"^by\b\s*:?\s*(?=\S)", re.IGNORECASE)
_AUTHOR_PREPOSITION = re.compile(
    r"^(?:von|par|por)\b\s*:?\s*(?=[^\W\d_][\w.'’-]*\s+\S)", re.IGNORECASE
)
# Interface words that author heuristics pick up from login widgets and comment forms
# ("Username", "Sign in", "My account"): a value made of nothing else is no author. "Staff",
# "Editorial team" and the like are what a page says about its authors and stay.
_INTERFACE_WORDS = _wordset(
    "username usernames user login logon logout log in out sign signin signup up register "
    "account my profile menu search subscribe subscriber home password email e mail guest "
    "anonymous admin administrator unknown none null undefined follow share comments comment "
    "avatar nickname"
)
# A CMS user name rather than a name as printed: lowercase words joined by dots or
# underscores ("edilson.la.rosa", "jane_doe"), or three or more joined by hyphens.
_SLUG = re.compile(r"[a-z0-9]+(?:[._][a-z0-9]+)+|[a-z0-9]+(?:-[a-z0-9]+){2,}")
_STRUCTURED = {"json-ld", "opengraph", "html-meta"}


def _author_value(value: str) -> str:
    """An author value without a leading "By"/"Von"/"Par"/"Por"."""
    value = _clean(value)
    stripped = _AUTHOR_BY.sub("", value, count=1)
    if stripped == value:
        rest = _AUTHOR_PREPOSITION.sub("", value, count=1)
        stripped = rest if rest[:1].isupper() else value
    return stripped.strip(" :,;") or value


def _is_interface_author(value: str) -> bool:
    words = _tokens(value)
    return not words or all(word in _INTERFACE_WORDS for word in words)


def _is_slug(value: str) -> bool:
    return bool(_SLUG.fullmatch(value)) and bool(re.search(r"[a-z]", value))


def _pick_author(candidates: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The first author value that reads as a name, most trusted source first.

    Interface words are never an author. A user-name slug ("edilson.la.rosa") yields to
    any other value; when nothing else is there and a structured source (JSON-LD,
    OpenGraph, ``<meta>``) gave it, it becomes the name it spells ("Edilson La Rosa"); a
    heuristic slug is dropped.
    """
    slug: tuple[str, str] | None = None
    for raw, source in candidates:
        value = _author_value(raw)
        if _is_interface_author(value):
            continue
        if _is_slug(value):
            if slug is None and source in _STRUCTURED:
                name = " ".join(part.capitalize() for part in re.split(r"[._-]+", value) if part)
                slug = (name, source)
            continue
        return value, source
    return slug


_BYLINE_CLASS = re.compile(r"byline|author", re.IGNORECASE)
_BYLINE_WORDS = 8


def _visible_byline(tree: HtmlElement) -> str | None:
    """The byline as the page shows it (``<span class="byline">By Jane Doe</span>``).

    A fallback behind the extractor's guess: the first short element marked as a byline or
    author (class, ``itemprop``, ``rel``) whose text reads as a name.
    """
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in _HIDDEN:
            continue
        marks = " ".join(
            element.get(attribute) or "" for attribute in ("class", "itemprop", "rel", "id")
        )
        if not _BYLINE_CLASS.search(marks):
            continue
        if any(ancestor.tag in _HIDDEN for ancestor in element.iterancestors()):
            continue
        text = _author_value(_SPACE.sub(" ", element.text_content()))
        words = text.split()
        if not 2 <= len(words) <= _BYLINE_WORDS or re.search(r"\d|[.!?:]$|@", text):
            continue
        if not words[0][:1].isupper() or _is_interface_author(text) or _is_slug(text):
            continue
        return text
    return None


def _strip_outlet(title: str, outlet: str | None) -> str:
    """``Headline | Outlet`` -> ``Headline`` when the tail names the outlet."""
    if not outlet:
        return title
    for separator in (" | ", " - ", " – ", " — ", " :: ", " · ", " » "):
        head, sep, tail = title.rpartition(separator)
        if sep and head and _same_text(tail, outlet, 0.6):
            return head.strip()
    return title


class HtmlImporter:
    """A saved web page (``.html``)."""

    name = "html"
    suffixes = frozenset({".html", ".htm", ".xhtml", ".shtml"})

    def sniff(self, head: bytes) -> bool:
        """Whether the bytes are a web page: by how they start, or by tags only a page has.

        Looks at all of ``head`` (the registry passes its first ``SNIFF_BYTES``, and more
        when the file's name says HTML).
        """
        text = _sniff_text(head)
        if _LEADING_MARKUP.match(text):
            return True
        if all(pattern.search(text) for pattern in _STRUCTURE_TAGS):
            return True
        return sum(1 for pattern in _HEAD_TAGS if pattern.search(text)) >= 2

    def extract(self, data: bytes, name: str, *, password: str | None = None) -> Extracted:
        from trafilatura.utils import load_html

        text, _codec_name, _how = decode_page(data)
        text = _XML_DECLARATION.sub("", text, count=1)
        text = _INLINE_DATA.sub("data:,", text)
        if not text.strip():
            raise ExtractionError(f"{_NOT_FOUND}: the file is empty")
        try:
            tree = load_html(text)
        except Exception as error:  # lxml's parser errors have no common public base
            raise ExtractionError(f"{_NOT_FOUND}: the HTML cannot be parsed ({error})") from error
        if tree is None:
            raise ExtractionError(f"{_NOT_FOUND}: the HTML cannot be parsed")

        page = read_page_metadata(tree)
        url = _pick(page.candidates("canonical") + page.candidates("url"))
        # The extractor's guesses (the date above all) read the page as a reader sees it:
        # never a script's or style sheet's text ("// Updated 2015.02.04 by ...").
        visible = _without_code(tree)
        default = _run(visible, url=url[0] if url else None, with_metadata=True)
        precise = _run(visible, url=url[0] if url else None, favor_precision=True)
        reference = _tokens(page.article_body or "")
        if page.article_body and page.article_body.rstrip().endswith(("...", "…")):
            reference = []  # a teaser, not the article
        if len(reference) < 50:
            reference = []
        chosen = _choose(default, precise, reference)
        if chosen is None:
            raise ExtractionError(_NOT_FOUND)
        heuristics = default.document if default is not None else None

        fields: dict[str, Any] = {}
        provenance: dict[str, str] = {}

        def settle(name: str, found: tuple[Any, str] | None) -> None:
            if found is not None:
                fields[name], provenance[name] = found

        # og:site_name is the brand as the outlet shows it; a JSON-LD publisher is often
        # the company behind it ("Dow Jones & Company" for "The Wall Street Journal").
        declared_outlets = sorted(page.candidates("outlet"), key=lambda c: c[1] != "opengraph")
        outlet = _pick(declared_outlets + page.candidates("outlet-fallback"))
        if outlet is None and heuristics is not None and heuristics.sitename:
            outlet = (_clean(heuristics.sitename), "html-heuristic")
        settle("outlet", outlet)

        title_candidates = list(page.candidates("title"))
        page_titles = page.candidates("page-title")
        if heuristics is not None and heuristics.title:
            guess = _clean(heuristics.title)
            if not (
                page_titles
                and _declared_title_shown(tree, guess, page_titles[0][0], fields.get("outlet"))
            ):
                title_candidates.append((guess, "html-heuristic"))
        title_candidates += page_titles
        title = _pick(title_candidates)
        if title is not None:
            headline = _visible_headline(tree, title[0])
            title = (headline or _strip_outlet(title[0], fields.get("outlet")), title[1])
        settle("title", title)

        author_candidates = list(page.candidates("author"))
        if heuristics is not None and heuristics.author:
            author_candidates.append((_clean(heuristics.author), "html-heuristic"))
        author = _pick_author(author_candidates)
        if author is None:
            byline = _visible_byline(visible)
            author = (byline, "html-heuristic") if byline else None
        settle("author", author)

        guessed = _lead_dateline(chosen.blocks)
        if guessed is None and heuristics is not None:
            guessed = heuristics.date
        settle("published", _published(page, guessed))

        settle("url", url)

        blocks = _trim(chosen.blocks, fields.get("title"), page.description, fields.get("author"))
        blocks = _with_missed(tree, blocks)
        blocks = _with_lead(blocks, _visible_lead(tree, page.description))
        article = "\n\n".join(block.text for block in blocks)
        if not article.strip():
            raise ExtractionError(_NOT_FOUND)

        language = _pick(page.candidates("language"), normalise_language)
        if language is None:
            detected = detect_language(article)
            language = (detected, "detected") if detected else None
        settle("language", language)

        return Extracted(
            text=article,
            format="html",
            html=sanitize_html("\n".join(block.html for block in blocks)),
            provenance=provenance,
            **fields,
        )

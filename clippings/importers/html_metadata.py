"""What a web page declares about itself: title, author, outlet, dates, URL, language.

Read from the page's own structured data (JSON-LD ``NewsArticle`` and friends,
OpenGraph, ``<meta>`` tags, ``<link rel=canonical>``, ``<html lang>``, ``<title>``) into
a ``PageMetadata`` of candidates per field, each with its source, most trusted first.
Separate from the article text because it needs no extractor: any format that carries a
page (an e-mail's HTML part, an MHTML archive) can ask ``read_page_metadata`` alone.
Choosing among these candidates and the extractor's guesses is ``html_fields``'s work.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from clippings.model import Published

if TYPE_CHECKING:
    from lxml.html import HtmlElement

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
# (Not twitter:site: an account handle such as "handelsblatt_de" or "afpbbcom", no name.)
#: Where a page without og:site_name or a JSON-LD publisher names itself: the app name
#: and the publisher or source it declares (``<meta name="source" content="新华社">``).
_META_OUTLET = (
    "application-name",
    "apple-mobile-web-app-title",
    "publisher",
    "dc.publisher",
    "dcterms.publisher",
    "source",
)
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
        return [clean_value(str(name))] if name else []
    if isinstance(value, str) and value.strip() and not value.startswith(("http", "/")):
        return [clean_value(value)]
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
            found.add("outlet-fallback", clean_value(str(node["name"])), "json-ld")
        if not kinds & _ARTICLE_TYPES:
            continue
        headline = node.get("headline") or node.get("name")
        if isinstance(headline, str):
            found.add("title", clean_value(headline), "json-ld")
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
            found.description = clean_value(_strip_markup(node["description"]))


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
        found.add("title", clean_value(opengraph["og:title"]), "opengraph")
    if "og:site_name" in opengraph:
        found.add("outlet", clean_value(opengraph["og:site_name"]), "opengraph")
    if "og:url" in opengraph and opengraph["og:url"].startswith("http"):
        found.add("url", opengraph["og:url"], "opengraph")
    for key in ("article:published_time", "og:published_time", "og:article:published_time"):
        if key in opengraph:
            found.add("published", opengraph[key], "opengraph")
    author = opengraph.get("article:author", "")
    if author and not author.startswith(("http", "/")):
        found.add("author", clean_value(author), "opengraph")
    if "og:locale" in opengraph:
        found.add("language", opengraph["og:locale"], "opengraph")
    description = opengraph.get("og:description") or meta.get("description")
    if description and not found.description:
        found.description = clean_value(description)
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
                    found.add(
                        name, clean_value(value) if name != "published" else value, "html-meta"
                    )
                    break


def _read_microdata(tree: HtmlElement, found: PageMetadata) -> None:
    """schema.org microdata's publisher name (``itemprop="publisher"`` with a ``name``
    of its own, not its logo's): Handelsblatt declares itself only there."""
    for element in tree.iterfind(".//*[@itemprop]"):
        if "publisher" not in (element.get("itemprop") or "").split():
            continue
        for child in element.iterdescendants():
            if "name" not in (child.get("itemprop") or "").split():
                continue
            # Skip a name that belongs to a nested item (the logo's).
            owner = child.getparent()
            while owner is not None and owner is not element and owner.get("itemscope") is None:
                owner = owner.getparent()
            if owner is not element:
                continue
            value = child.get("content") or child.text_content()
            if value and value.strip():
                found.add("outlet", clean_value(value), "html-meta")
                return


def read_page_metadata(tree: HtmlElement) -> PageMetadata:
    """Title, author, dates, outlet, URL and language as the page declares them."""
    found = PageMetadata()
    _read_json_ld(tree, found)
    _read_meta(tree, found)
    _read_microdata(tree, found)
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
        found.add("page-title", clean_value(title.text_content()), "html-meta")
    return found


# --- values ------------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]+>")


def clean_value(value: str) -> str:
    """A value as a reader sees it: entities decoded, runs of white space one space."""
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

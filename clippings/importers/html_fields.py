"""Settling a page's metadata: each field from the page's declarations, the extractor's
guesses and what the page shows, with the source it came from.

The page's own structured data (``html_metadata``) is trusted first, trafilatura's
guesses second, and the page as a reader sees it fills in or corrects: the ``<h1>``
headline over a declared title with kickers and site names, the byline an element shows,
the dateline that opens the article, the local date a UTC timestamp hides. Each rule
here is about one field; ``page_fields`` applies them in order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from clippings.importers.html_body import HIDDEN, Block, same_text, tokens
from clippings.importers.html_metadata import PageMetadata, clean_value, parse_published
from clippings.model import Published

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_SPACE = re.compile(r"\s+")


def page_fields(
    tree: HtmlElement,
    visible: HtmlElement,
    page: PageMetadata,
    guesses: Any,
    article: list[Block],
    url: tuple[str, str] | None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Outlet, title, author, publication date and URL, and where each came from.

    Args:
        tree: the page.
        visible: the page without scripts and style sheets (``html_body.without_code``).
        page: what the page declares (``read_page_metadata``).
        guesses: trafilatura's document from its default pass (``sitename``, ``title``,
            ``author``, ``date``), or None.
        article: the chosen article text, before trimming (its dateline).
        url: the page's own URL and its source, or None.

    Returns:
        The fields (``Extracted``'s keyword arguments) and their sources (its
        ``provenance``).
    """
    fields: dict[str, Any] = {}
    provenance: dict[str, str] = {}

    def settle(name: str, found: tuple[Any, str] | None) -> None:
        if found is not None:
            fields[name], provenance[name] = found

    # og:site_name is the brand as the outlet shows it; a JSON-LD publisher is often
    # the company behind it ("Dow Jones & Company" for "The Wall Street Journal").
    declared_outlets = sorted(page.candidates("outlet"), key=lambda c: c[1] != "opengraph")
    declared = declared_outlets + page.candidates("outlet-fallback")
    outlet = pick(declared, _outlet_name)
    if outlet is not None and _DOMAIN.fullmatch(outlet[0]):
        # og:site_name "ELESPECTADOR.COM" beside a publisher "El Espectador": the name.
        outlet = _spelled_out(outlet[0], declared) or outlet
    if outlet is None and url is not None:
        # The end of the <title> that matches the site's address is stronger evidence
        # than trafilatura's guess, which may take the headline's side of the title.
        outlet = _title_site_name(page.candidates("page-title"), url[0])
    if outlet is None and guesses is not None and guesses.sitename:
        outlet = pick([(clean_value(guesses.sitename), "html-heuristic")], _outlet_name)
        host = urlsplit(url[0]).hostname or "" if url is not None else ""
        if outlet is not None and _squashed(outlet[0]) in (
            _squashed(host),
            _squashed(host.removeprefix("www.")),
        ):
            outlet = None  # the domain run together ("Afpbbcom"): no better than the domain
    # None left: the archive names the outlet by the page's domain (storage's outlets).
    settle("outlet", outlet)

    title_candidates = list(page.candidates("title"))
    page_titles = page.candidates("page-title")
    if guesses is not None and guesses.title:
        guess = clean_value(guesses.title)
        if not (
            page_titles
            and _declared_title_shown(tree, guess, page_titles[0][0], fields.get("outlet"))
        ):
            title_candidates.append((guess, "html-heuristic"))
    title_candidates += page_titles
    title = pick(title_candidates)
    if title is not None:
        headline = _visible_headline(tree, title[0])
        title = (headline or _strip_outlet(title[0], fields.get("outlet")), title[1])
    settle("title", title)

    author_candidates = list(page.candidates("author"))
    if guesses is not None and guesses.author:
        author_candidates.append((clean_value(guesses.author), "html-heuristic"))
    author = _pick_author(author_candidates)
    if author is None:
        byline = _visible_byline(visible)
        author = (byline, "html-heuristic") if byline else None
    settle("author", author)

    guessed = _lead_dateline(article)
    # htmldate reads a year alone ("1999. A year of…") as 1 January: a guessed New
    # Year's Day is no evidence of a day, and a clipping is better undated.
    if (
        guessed is None
        and guesses is not None
        and guesses.date
        and not str(guesses.date).endswith("-01-01")
    ):
        guessed = guesses.date
    settle("published", _published(page, guessed))

    settle("url", url)
    return fields, provenance


_HANDLE = re.compile(r"@?[\w-]*_[\w-]*")
_ADDRESS_ASIDE = re.compile(r"\s*\((?:https?://|www\.)[^)]*\)")


def _outlet_name(value: str) -> str | None:
    """A declared outlet that names it, or None for what is no name: a URL
    ("https://www.fr.de" as og:site_name) or an account handle ("handelsblatt_de",
    "@politifact"). A tagline after the name goes ("LinkNaija | Nigeria's popular news
    platform"), an acronym gives way to the name it stands for ("LN - Lübecker
    Nachrichten"), and an address in capitals is written as addresses are ("DW.COM")."""
    value = _ADDRESS_ASIDE.sub("", value).strip()  # "Deutsche Welle (www.dw.com)"
    if (
        "://" in value
        or value.lower().startswith("www.")
        or value.startswith("@")
        or _HANDLE.fullmatch(value)
    ):
        return None
    value = _without_tagline(value)
    if _DOMAIN.fullmatch(value) and value.isupper():
        value = value.lower()
    return value or None


_SITE_SEPARATOR = re.compile(r"\s+[|\-\u2013\u2014]\s+")
_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")


def _spelled_out(domain: str, candidates: list[tuple[Any, str]]) -> tuple[str, str] | None:
    """Another declared name of the site whose address ``domain`` is: the same letters
    ("El Espectador" for elespectador.com, "Kinzig News" for kinzig.news) or the
    initials of its first part ("Deutsche Welle" for dw.com)."""
    labels = domain.casefold().split(".")
    wanted = {_squashed(domain), _squashed(labels[0]), _squashed("".join(labels[:-1]))}
    for value, source in candidates:
        name = _outlet_name(str(value))
        if not name or _DOMAIN.fullmatch(name):
            continue
        initials = "".join(word[0] for word in name.split()).casefold()
        if _squashed(name) in wanted or (len(labels[0]) >= 2 and initials == labels[0]):
            return name, source
    return None


def _without_tagline(value: str) -> str:
    parts = _SITE_SEPARATOR.split(value)
    if len(parts) < 2:
        return value
    first, rest = parts[0], " ".join(parts[1:])
    initials = "".join(w[0] for w in rest.split() if w[:1].isupper())
    if first.isupper() and 2 <= len(first) <= 5 and first == initials:
        return rest  # "LN - Lübecker Nachrichten"
    if len(parts) >= 3 or len(rest.split()) >= 3:
        return first  # a tagline, or a list of sections
    return value


_TITLE_TAIL = re.compile(r"\s*(?:[|:\uff1a\u2013\u2014\u00b7]|\s-\s)\s*")


def _title_site_name(titles: list[tuple[Any, str]], url: str) -> tuple[str, str] | None:
    """The site's name at the end of the page's ``<title>`` ("…：AFPBB News"), when it
    starts as the site's address does (``afpbb.com``): then it is the name, not a part
    of the headline."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    label = _squashed(host.split(".")[0]) if host else ""
    if len(label) < 3 or not titles:
        return None
    parts = _TITLE_TAIL.split(str(titles[0][0]))
    if len(parts) < 2:
        return None
    tail, head = parts[-1].strip(), parts[0].strip()
    # The tail may name the site in two scripts ("ประชาไท Prachatai.com"); the head must
    # start with it ("AFPBB News: …" is rare, "Reuters reports …" a headline).
    longest = max(len(part) for part in parts[:-1])
    if 1 <= len(tail.split()) <= 6 and label in _squashed(tail) and len(tail) < longest:
        return tail, "html-heuristic"
    if 2 <= len(head.split()) <= 6 and _squashed(head).startswith(label) and len(head) < 40:
        return head, "html-heuristic"
    return None


def _squashed(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def pick(candidates: Iterable[tuple[Any, str]], parse: Any = None) -> tuple[Any, str] | None:
    """The first candidate with a value (after ``parse``, when given), with its source."""
    for value, source in candidates:
        if parse is not None:
            value = parse(value)
        if value:
            return value, source
    return None


# --- the title ---------------------------------------------------------------------------


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
    wanted = set(tokens(declared))
    if not wanted or wanted & set(tokens(heuristic)):
        return False
    for number, heading in enumerate(tree.iter("h1", "h2", "h3")):
        if number >= 40:
            break
        if any(ancestor.tag in HIDDEN for ancestor in heading.iterancestors()):
            continue
        if same_text(_SPACE.sub(" ", heading.text_content()), declared):
            return True
    return False


def _strip_outlet(title: str, outlet: str | None) -> str:
    """``Headline | Outlet`` -> ``Headline`` when the tail names the outlet."""
    if not outlet:
        return title
    for separator in (" | ", " - ", " – ", " — ", " :: ", " · ", " » "):
        head, sep, tail = title.rpartition(separator)
        if sep and head and same_text(tail, outlet, 0.6):
            return head.strip()
    return title


# --- the author --------------------------------------------------------------------------


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
    value = clean_value(value)
    stripped = _AUTHOR_BY.sub("", value, count=1)
    if stripped == value:
        rest = _AUTHOR_PREPOSITION.sub("", value, count=1)
        stripped = rest if rest[:1].isupper() else value
    return stripped.strip(" :,;") or value


def _is_interface_author(value: str) -> bool:
    words = tokens(value)
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
        if not isinstance(element.tag, str) or element.tag in HIDDEN:
            continue
        marks = " ".join(
            element.get(attribute) or "" for attribute in ("class", "itemprop", "rel", "id")
        )
        if not _BYLINE_CLASS.search(marks):
            continue
        if any(ancestor.tag in HIDDEN for ancestor in element.iterancestors()):
            continue
        text = _author_value(_SPACE.sub(" ", element.text_content()))
        words = text.split()
        if not 2 <= len(words) <= _BYLINE_WORDS or re.search(r"\d|[.!?:]$|@", text):
            continue
        if not words[0][:1].isupper() or _is_interface_author(text) or _is_slug(text):
            continue
        return text
    return None


# --- the publication date ----------------------------------------------------------------


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

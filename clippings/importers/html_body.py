"""The article's text from trafilatura: two passes, the choice between them, as blocks.

trafilatura runs twice over the page as a reader sees it (``without_code``): its
default and its precision-leaning setting. ``choose`` picks between them by what the
page says about itself (the JSON-LD ``articleBody`` when it has one), or keeps the
default cut to the precise pass's edges. The result is a list of paragraph ``Block``s,
as text and as HTML, which ``html_cleanup`` then trims. The word-level comparisons the
other HTML modules share (``tokens``, ``containment``, ``same_text``) live here too.
"""

from __future__ import annotations

import html as html_lib
import logging
import re
import warnings
from collections import Counter
from copy import deepcopy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lxml.html import HtmlElement

#: Elements whose text a reader never sees as the page's text.
HIDDEN = {"script", "style", "noscript", "template", "head", "title", "nav", "footer", "button"}

_SPACE = re.compile(r"\s+")

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


def tidy(text: str) -> str:
    """Each line with its white space collapsed; blank lines dropped."""
    lines = [_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _blocks(body: Any) -> list[Block]:
    """trafilatura's XML body as paragraph blocks."""
    blocks: list[Block] = []

    def loose(value: str | None) -> None:
        # Text directly in the body, between elements (trafilatura leaves a paragraph
        # that follows a heading as the heading's tail on some pages).
        text = tidy(value or "")
        if text:
            blocks.append(Block("p", text, f"<p>{html_lib.escape(text, quote=False)}</p>"))

    # The extractor's last resort hands back one bare element of the page: a lone <nav>
    # is no article, but a <span> or <div> holding the body's text starts with it.
    if body.tag not in _FURNITURE:
        loose(body.text)
    for element in body:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "head":
            text = tidy(_inline(element, markup=False))
            level = (element.get("rend") or "h2").lstrip("h")
            level = level if level in {"2", "3", "4", "5", "6"} else "2"
            html = f"<h{level}>{_inline(element, markup=True)}</h{level}>"
            kind = "heading"
        elif tag == "list":
            items = [item for item in element.iter("item")]
            text = "\n".join(tidy(_inline(item, markup=False)) for item in items)
            html = "<ul>" + "".join(f"<li>{_inline(i, markup=True)}</li>" for i in items) + "</ul>"
            kind = "list"
        elif tag == "table":
            rows = []
            html_rows = []
            for row in element.iter("row"):
                cells = list(row.iter("cell"))
                rows.append(" | ".join(tidy(_inline(c, markup=False)) for c in cells))
                html_rows.append(
                    "<tr>" + "".join(f"<td>{_inline(c, markup=True)}</td>" for c in cells) + "</tr>"
                )
            text = "\n".join(row for row in rows if row.strip(" |"))
            html = "<table>" + "".join(html_rows) + "</table>"
            kind = "table"
        elif tag == "quote":
            text = tidy(_inline(element, markup=False))
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
            text = tidy(_inline(element, markup=False))
            html = f"<p>{_inline(element, markup=True)}</p>"
            kind = "p"
        if text.strip():
            blocks.append(Block(kind, text.strip(), html))
        loose(element.tail)
    return blocks


# --- comparing texts word by word --------------------------------------------------------

_WORD = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """The lowercase words of a text."""
    return _WORD.findall(text.lower())


def _f1(ours: list[str], reference: list[str]) -> float:
    if not ours or not reference:
        return 0.0
    common = sum((Counter(ours) & Counter(reference)).values())
    if not common:
        return 0.0
    precision, recall = common / len(ours), common / len(reference)
    return 2 * precision * recall / (precision + recall)


def containment(part: list[str], whole: list[str]) -> float:
    """The share of ``part``'s tokens (as a multiset) that ``whole`` has."""
    if not part:
        return 0.0
    return sum((Counter(part) & Counter(whole)).values()) / len(part)


def same_text(text: str, other: str | None, threshold: float = 0.8) -> bool:
    """Whether two texts are mostly the same words (token F1 at least ``threshold``)."""
    if not other:
        return False
    mine, theirs = tokens(text), tokens(other)
    return bool(mine) and _f1(mine, theirs) >= threshold


# --- the extractor's two passes ----------------------------------------------------------

# Below this many words the default pass is too thin to trust on its own.
_THIN_WORDS = 60


@dataclass
class Candidate:
    """One extractor pass: its text as blocks, and its document (the metadata guesses).

    ``fallback`` is True when the extractor found no article structure and handed back
    one bare element of the page (its last resort, which loses text sitting directly
    in ``<body>``: the part before the first ``<br>``).
    """

    blocks: list[Block]
    document: Any
    fallback: bool = False

    @property
    def tokens(self) -> list[str]:
        return [t for block in self.blocks for t in tokens(block.text)]


class _NoDiscardNotice(logging.Filter):
    """trafilatura logs a warning, "discarding data: None", for every pass that finds no
    article: an answer here (the caller tries another way), not a problem to show."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("discarding data")


_TRAFILATURA_LOG = logging.getLogger("trafilatura.core")
if not any(isinstance(f, _NoDiscardNotice) for f in _TRAFILATURA_LOG.filters):
    _TRAFILATURA_LOG.addFilter(_NoDiscardNotice())


def run_extractor(tree: HtmlElement, *, url: str | None, **settings: Any) -> Candidate | None:
    """trafilatura's pass over the page with ``settings``; None when it finds no text."""
    from trafilatura import bare_extraction

    try:
        with warnings.catch_warnings():
            # htmldate (trafilatura's dates) hands dateutil zone names it does not know
            # ("EST"), and dateutil warns; the date is read without its zone, and ours
            # come from the page's metadata first anyway.
            # (Matched by its words: dateutil is no dependency of ours to import.)
            warnings.filterwarnings("ignore", message=r"tzname \S+ identified but not understood")
            document = bare_extraction(
                tree, url=url, include_comments=False, include_tables=True, **settings
            )
    except Exception:  # noqa: BLE001 - trafilatura raises whatever lxml raises on odd trees
        return None
    body = getattr(document, "body", None)
    if body is None:
        return None
    blocks = _blocks(body)
    return Candidate(blocks, document, fallback=body.tag != "body") if blocks else None


# A block this long at the edge of the default's text is article, whatever the precise
# pass thinks: it stops the trimming there.
_EDGE_WORDS = 40


def _edges_trimmed(default: Candidate, precise: Candidate) -> Candidate:
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
        words = tokens(block.text)
        if not words or len(words) > _EDGE_WORDS:
            return False
        return f" {' '.join(words)} " not in kept

    start, end = 0, len(default.blocks)
    while start < end and dropped(default.blocks[start]):
        start += 1
    while end > start and dropped(default.blocks[end - 1]):
        end -= 1
    return Candidate(
        default.blocks[start:end] or default.blocks, default.document, default.fallback
    )


def choose(
    default: Candidate | None,
    precise: Candidate | None,
    reference: list[str],
) -> Candidate | None:
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
    if containment(default.tokens, precise.tokens) < 0.5:
        return default
    return _edges_trimmed(default, precise)


# --- the page's bare text, when the extractor finds no article -----------------------------


def _tags(names: str) -> frozenset[str]:
    return frozenset(names.split())


#: Elements that end a paragraph of bare text (a ``<br>`` ends a line, two end a paragraph).
_BLOCK_TAGS = _tags(
    "p div section article main center blockquote pre address figure figcaption ul ol li "
    "dl dt dd table thead tbody tfoot tr td th caption hr fieldset details summary "
    "h1 h2 h3 h4 h5 h6 body"
)
#: Elements whose text is never the article's: the page's furniture and its widgets.
_FURNITURE = HIDDEN | _tags(
    "header aside form select option datalist menu dialog svg math iframe object embed "
    "canvas audio video map label input textarea"
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: Left-out elements that still end the paragraph around them (they are boxes of their own).
_BOXES = _BLOCK_TAGS | _tags(
    "nav header footer aside form menu dialog iframe object embed canvas audio video map "
    "noscript template"
)


def _shown(element: Any) -> bool:
    style = (element.get("style") or "").replace(" ", "").lower()
    return not (
        element.get("hidden") is not None
        or (element.get("aria-hidden") or "").lower() == "true"
        or "display:none" in style
        or "visibility:hidden" in style
    )


def bare_text(tree: HtmlElement) -> Candidate | None:
    """The visible text of the page's ``<body>`` as paragraphs: the last resort for a
    page whose text sits directly in ``<body>`` (or in ``<div>``s and table cells) with
    no ``<p>``, which the extractor does not see as an article.

    Scripts, style sheets, navigation, headers, footers, asides and forms are left out;
    paragraphs end at block elements and at a blank line made of two ``<br>``; a single
    ``<br>`` is a line break inside a paragraph. None when nothing is left.
    """
    body = tree.find(".//body")
    if body is None:
        body = tree
    found: list[Block] = []
    lines: list[str] = [""]
    kind = ["p"]

    def add(text: str | None) -> None:
        if text:
            lines[-1] += _SPACE.sub(" ", text)  # a newline in the source is a space

    def end_paragraph() -> None:
        kept = [tidy(line) for line in lines]
        kept = [line for line in kept if line]
        if kept:
            text = "\n".join(kept)
            escaped = "<br>".join(html_lib.escape(line, quote=False) for line in kept)
            markup = f"<h2>{escaped}</h2>" if kind[0] == "heading" else f"<p>{escaped}</p>"
            found.append(Block(kind[0], text, markup))
        lines[:] = [""]
        kind[0] = "p"

    def line_break() -> None:
        if tidy(lines[-1]):
            lines.append("")
        elif any(tidy(line) for line in lines):
            end_paragraph()  # a second <br> in a row: a blank line

    def walk(element: Any) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if not tag:  # a comment or processing instruction: only its tail is text
            return
        if tag in _FURNITURE or tag == "script" or not _shown(element):
            if tag in _BOXES:
                end_paragraph()
            return
        if tag == "br":
            line_break()
            return
        block = tag in _BLOCK_TAGS
        if block:
            end_paragraph()
        if tag in _HEADINGS:
            kind[0] = "heading"
        add(element.text)
        for child in element:
            walk(child)
            add(child.tail)
        if block:
            end_paragraph()

    if isinstance(body.tag, str):
        walk(body)
    end_paragraph()
    return Candidate(found, None, fallback=True) if found else None


def prefer_bare_text(chosen: Candidate | None, bare: Candidate | None) -> Candidate | None:
    """The page's bare text instead of the extractor's choice, when the extractor found
    nothing, or fell back on the bare body itself (the same words, give or take a menu):
    then the bare text has the paragraphs (``<br><br>``) and leaves the menus out.

    A fallback that is a part of the page (a region the extractor's last resort picked
    out of a larger page) stays: the whole body would add the page's teasers.
    """
    if bare is None:
        return chosen
    if chosen is None:
        return bare
    if not chosen.fallback:
        return chosen
    ours, theirs = chosen.tokens, bare.tokens
    if containment(ours, theirs) >= 0.9 and containment(theirs, ours) >= 0.8:
        return Candidate(bare.blocks, chosen.document, fallback=True)
    return chosen


#: A teaser card (``without_teasers``): at most this many words, and this many besides
#: its heading (a kicker, a section name, a date: never a sentence of its own, which an
#: item of a listicle has) ...
TEASER_WORDS = 40
TEASER_OTHER_WORDS = 8
#: ... and a list of them, at least this many cards side by side.
TEASER_RUN = 3
_CARDS = frozenset({"li", "article"})


def _is_card(element: Any) -> bool:
    """Another article's card: a heading and a link off this page, and few words
    besides."""
    if not isinstance(element.tag, str) or element.tag not in _CARDS:
        return False
    words = len(element.text_content().split())
    if words > TEASER_WORDS:
        return False  # the common case (a list item of prose, a whole page), decided first
    headed = _heading_words(element)
    if not headed or words - headed > TEASER_OTHER_WORDS:
        return False
    links = ((a.get("href") or "").strip() for a in element.iter("a"))
    return any(href and not href.startswith(("#", "javascript:")) for href in links)


def _heading_words(element: Any) -> int:
    """The words of an element's headings (a heading inside another counted once)."""
    if isinstance(element.tag, str) and element.tag in _HEADINGS:
        return len(element.text_content().split())
    return sum(_heading_words(child) for child in element)


def without_teasers(tree: HtmlElement) -> HtmlElement:
    """The page without its lists of teaser cards ("latest news", "most read": other
    articles' headlines, each with its kicker, picture and link), removed in place.
    Inside the article's container the extractor takes them for the article's opening
    lines (Clarín's sidebar gave a clipping six section names and another story's
    headline above its first paragraph). A card is an ``li`` or ``article`` holding a
    heading and a link to another page in at most ``TEASER_WORDS`` words, of which at
    most ``TEASER_OTHER_WORDS`` outside the heading (a listicle's items, each with a
    heading, a link and a sentence of its own, are the article); only a run
    of ``TEASER_RUN`` or more sibling cards goes, never a lone one (an article may
    hold a box with a heading and a link), and with it the list's title when the box
    it heads is left empty."""
    doomed = []
    for parent in tree.iter():
        if not isinstance(parent.tag, str):
            continue
        cards = [child for child in parent if _is_card(child)]
        if len(cards) >= TEASER_RUN:
            doomed.append((parent, cards))
    for holder, cards in doomed:
        for card in cards:
            card.tail = None  # a card's tail is white space between cards
            holder.remove(card)
        _drop_list_title(holder)
    return tree


def _drop_list_title(emptied: Any) -> None:
    """The title of a list of cards just removed ("Latest news", "2019 American Music
    Awards"): the short heading just before the box the cards leave empty, at any of
    its levels that hold nothing else."""
    box = emptied
    while box is not None and not box.text_content().strip():
        before = box.getprevious()
        while before is not None and not isinstance(before.tag, str):
            before = before.getprevious()  # comments between them
        if before is not None:
            if before.tag in _HEADINGS and len(before.text_content().split()) <= TEASER_OTHER_WORDS:
                before.getparent().remove(before)
            return
        box = box.getparent()


def without_code(tree: HtmlElement) -> HtmlElement:
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

"""Cleaning up the chosen article text: what a clipping never wants, and what it lacks.

The extractor's text keeps page furniture at its edges: the headline again, bylines and
datelines above the article, and the trail of "share this", newsletter, cookie,
related-links and photo-credit paragraphs below it, with asides ("Read also: ...")
among its paragraphs (``trim``). It also loses text a reader sees as the article's: the
standfirst styled as a teaser (``visible_lead``, ``with_lead``) and paragraphs of prose
styled unlike the rest (``with_missed``). Separate from running the extractor because
these rules are about news pages, in the languages of the archive's sources, and grow
with every page that shows a new kind of furniture.
"""

from __future__ import annotations

import html as html_lib
import re
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

from clippings.importers.html_body import HIDDEN, Block, containment, same_text, tidy, tokens

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_SPACE = re.compile(r"\s+")

# --- furniture, bylines and asides -------------------------------------------------------

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
# 12:30 PM", "5 min read", the reading time, a date alone.
_BYLINE = re.compile(
    r"""^(?:by|von|par|por|di|door|przez|av|af|autor|author|reporting\ by|written\ by)\s
    | \b(?:published|updated|posted|last\ modified|aktualisiert|veröffentlicht|publié|mis\ à\ jour
        |publicado|actualizado|atualizado|pubblicato|aggiornato)\b
    | \b\d+\s*(?:min(?:ute)?s?)\s+read\b
    # "Reading time: 4 minutes", "Tempo de leitura: 1 minuto", "3 Min. Lesezeit"
    | ^\W*(?:\d+\s*min\.?\s+)?(?:reading\ time|lesezeit|temps\ de\ lecture|tiempo\ de\ lectura
        |tempo\ de\ leitura|tempo\ di\ lettura|czas\ czytania|leestijd|lästid|lesetid)\b
    | ^\W*(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}:\d{2})
    """,
    re.IGNORECASE | re.VERBOSE,
)
_MONTH_DATE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}\b"
    r"|\b\d{1,2}\.?\s+(?:jan|feb|mär|mar|apr|mai|may|jun|jul|aug|sep|okt|oct|nov|dez|dec)[a-zä]*\.?\s+\d{4}\b"
    # "22 de janeiro de 2018", "04 de Mayo de 2022", "3 février 2020", "22 gennaio 2018"
    r"|\b\d{1,2}\s+(?:de\s+)?(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre"
    r"|setiembre|octubre|noviembre|diciembre|janeiro|fevereiro|março|maio|junho|julho"
    r"|setembro|outubro|novembro|dezembro|janvier|février|mars|avril|juin|juillet|août"
    r"|septembre|octobre|novembre|décembre|gennaio|febbraio|aprile|maggio|giugno|luglio"
    r"|settembre|ottobre|dicembre)\s+(?:de\s+)?\d{4}\b",
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
#: Lines above the headline (kicker, section, date, byline) have at most this many words.
_ABOVE_WORDS = 12


def _is_furniture(block: Block) -> bool:
    words = len(tokens(block.text))
    if words > _SHORT_WORDS:
        return False
    return bool(_FURNITURE.search(block.text))


def _is_byline(block: Block, author: str | None) -> bool:
    words = len(tokens(block.text))
    if words > 16:
        return False
    if author and tokens(block.text) and containment(tokens(block.text), tokens(author)) >= 0.6:
        return True
    return bool(_BYLINE.search(block.text) or (_MONTH_DATE.search(block.text) and words <= 10))


def _is_aside(block: Block) -> bool:
    return len(tokens(block.text)) <= _SHORT_WORDS and bool(_ASIDE.search(block.text))


def trim(
    blocks: list[Block], title: str | None, description: str | None, author: str | None
) -> list[Block]:
    """The blocks without headline, byline, asides and furniture at the ends."""
    blocks = [block for block in blocks if not _is_aside(block)] or blocks
    start = 0
    # The headline again a few lines down: the short lines above it are the page's
    # (a kicker or section name, "La interna oficial"; a date), not the article's.
    for index in range(min(len(blocks), _EDGE_BLOCKS)):
        if same_text(blocks[index].text, title):
            if all(len(tokens(block.text)) <= _ABOVE_WORDS for block in blocks[:index]):
                start = index
            break
    # Above the article: the headline again, the standfirst as a heading, bylines.
    while start < min(len(blocks), _EDGE_BLOCKS):
        block = blocks[start]
        if (
            same_text(block.text, title)
            or (block.kind == "heading" and same_text(block.text, description))
            or _is_byline(block, author)
            or _is_furniture(block)
        ):
            start += 1
            continue
        break
    if start < len(blocks):
        blocks = [
            *blocks[:start],
            *_without_head_lines(blocks[start], title, author),
            *blocks[start + 1 :],
        ]
    end = len(blocks)
    # Near the end, a short lead-in ending in a colon ("More on the virus:") followed by
    # nothing but short lines introduces links to other pages, not more of the article.
    for index in range(max(start + 1, end - _EDGE_BLOCKS), end - 1):
        intro, after = blocks[index], blocks[index + 1 : end]
        if (
            intro.text.rstrip().endswith(":")
            and len(tokens(intro.text)) <= _POINTER_WORDS
            and all(len(tokens(block.text)) <= 2 * _POINTER_WORDS for block in after)
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


def _without_head_lines(block: Block, title: str | None, author: str | None) -> list[Block]:
    """The first block without the headline, bylines and date lines that open it, where
    a page sets its whole article in one paragraph or table cell with line breaks
    ("Headline / November 20, 2019 - 11:28 / The text ..."). Only when its first line is
    the headline, and not where the next line goes on with the headline's sentence."""
    lines = block.text.split("\n")
    if len(lines) < 2 or not same_text(lines[0], title):
        return [block]
    drop = 1
    while drop < len(lines) - 1:
        line = Block(block.kind, lines[drop], "")
        if not (_is_byline(line, author) or _is_furniture(line)):
            break
        drop += 1
    rest = [line for line in lines[drop:] if line.strip()]
    if not rest or (drop == 1 and rest[0][:1].islower()):
        return [block]
    if block.kind == "table" and any("|" in line for line in rest):
        return [block]  # cells side by side: the table's markup is its meaning
    html = "<br>".join(html_lib.escape(line, quote=False) for line in rest)
    return [Block(block.kind, "\n".join(rest), f"<p>{html}</p>")]


# --- the standfirst ----------------------------------------------------------------------

_LEAD_CONTAINERS = {"p", "div", "h2", "h3", "h4", "h5", "h6", "li", "section", "header", "td"}
_LEAD_HEADINGS = {"h2", "h3", "h4", "h5", "h6"}


def visible_lead(tree: HtmlElement, description: str | None) -> str | None:
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
    wanted_tokens = tokens(wanted)
    for node in tree.xpath("//body//text()[contains(normalize-space(.), $probe)]", probe=probe):
        element = node.getparent()
        while element is not None and element.tag not in _LEAD_CONTAINERS:
            if element.tag in HIDDEN or element.tag in {"h1", "a"}:
                element = None
                break
            element = element.getparent()
        if element is None or any(a.tag in HIDDEN for a in element.iterancestors()):
            continue
        if element.tag in _LEAD_HEADINGS and any(
            ancestor.tag == "header" for ancestor in element.iterancestors()
        ):
            continue
        text = _SPACE.sub(" ", element.text_content()).strip()
        if len(text) > 2 * len(wanted) + 200:
            continue
        if containment(wanted_tokens, tokens(text)) >= 0.8:
            return text
    return None


def with_lead(blocks: list[Block], lead: str | None, title: str | None = None) -> list[Block]:
    """The blocks with the page's standfirst first, where the extractor lost it (a lead
    that only repeats the headline is not one)."""
    if not lead or same_text(lead, title):
        return blocks
    head_tokens = [t for block in blocks[:4] for t in tokens(block.text)]
    if containment(tokens(lead), head_tokens) >= 0.8:
        return blocks
    return [Block("p", lead, f"<p>{html_lib.escape(lead, quote=False)}</p>"), *blocks]


# --- text the extractor left inside the article's own container --------------------------

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
_SKIPPED = HIDDEN | {"aside", "figure", "figcaption", "form", "header", "iframe", "svg"}
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
    text = tidy(_flat_text(element))
    words = tokens(text)
    if len(words) < _MISSED_WORDS or not _SENTENCE_END.search(text):
        return None
    linked = sum(len(tokens(link.text_content())) for link in element.iter("a"))
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


def with_missed(tree: HtmlElement, blocks: list[Block]) -> list[Block]:
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

"""A message's text part or HTML part as an article.

The HTML part loses the newsletter's furniture (``mail_boilerplate``) and its layout
tables, then goes through the HTML importer's ``extract_article``; when that finds no
article (a newsletter of bare table cells), the page's visible text is read as plain
text. The text part is cut into paragraphs, hard-wrapped lines joined, furniture at
its ends dropped. Separate from ``mail`` because it is about HTML and text, not MIME.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from clippings.importers.base import paragraphs, text_to_html
from clippings.importers.mail_boilerplate import (
    browser_link,
    browser_link_in_text,
    remove_furniture,
    trim_paragraphs,
)
from clippings.importers.sanitize import sanitize_html
from clippings.importers.text import is_interface_line
from clippings.model import Extracted, ExtractionError

if TYPE_CHECKING:
    from lxml.html import HtmlElement


def unflow(text: str) -> str:
    """``format=flowed`` text (RFC 3676): a line ending in a space goes on on the next."""
    return re.sub(r"(?<=[^ \n]) \n(?!\n)", " ", text)


def plain_article(text: str) -> tuple[str, str | None]:
    """A text part as clean paragraphs, and its "View in browser" link."""
    url = browser_link_in_text(text)
    text = re.sub(r"\r\n?", "\n", text)
    lines = [
        "" if is_interface_line(line) or re.fullmatch(r"\s*[-=_*~]{3,}\s*", line) else line
        for line in text.split("\n")
    ]
    found = paragraphs("\n".join(line.rstrip() for line in lines))
    kept = [found[i] for i in trim_paragraphs(found)]
    return "\n\n".join(_join_wrapped(p) for p in kept), url


def _join_wrapped(paragraph: str) -> str:
    lines = paragraph.split("\n")
    if len(lines) > 1 and max(len(line) for line in lines) <= 80:
        widths = [len(line) for line in lines[:-1]]
        if sum(1 for w in widths if w >= 55) >= len(widths) * 0.7:
            return " ".join(line.strip() for line in lines)
    return paragraph


def _visible_text(tree: HtmlElement) -> str:
    """A page's visible text, a paragraph per block (when extraction finds no article in
    a newsletter's table layout)."""
    from lxml import etree

    for element in tree.iter("script", "style", "head", "title", "noscript"):
        element.text = ""
    for element in tree.iter("br"):
        element.tail = "\n" + (element.tail or "")
    blocks = ("p", "div", "td", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table")
    for element in tree.iter(*blocks):
        element.tail = "\n\n" + (element.tail or "")
    text = etree.tostring(tree, method="text", encoding="unicode")
    return re.sub(r"\n[ \t]*\n(?:\s*\n)+", "\n\n", re.sub(r"[ \t\xa0]+", " ", text))


_BLOCK_CHILDREN = ("p", "div", "table", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "img")
_TABLE_TAGS = ("table", "thead", "tbody", "tfoot", "tr", "td", "th")


def unwrap_layout_tables(tree: HtmlElement) -> None:
    """Turn the tables a newsletter is laid out with into plain blocks (``div``), so the
    extractor reads their paragraphs as an article, not as one table cell. A table is
    for layout when a cell holds blocks (paragraphs, headings, other tables) or when no
    row has more than one cell; a table of figures stays a table."""
    layout = []
    for table in tree.iter("table"):
        rows = [row for row in table.iter("tr") if _owner(row) is table]
        cells = [cell for row in rows for cell in row if cell.tag in ("td", "th")]
        if all(sum(1 for c in row if c.tag in ("td", "th")) <= 1 for row in rows) or any(
            next(cell.iter(*_BLOCK_CHILDREN), None) is not None for cell in cells
        ):
            layout.append(table)
    owned = [
        element
        for table in layout
        for element in [table, *table.iter(*_TABLE_TAGS)]
        if element is table or _owner(element) is table
    ]
    for element in owned:
        element.tag = "div"
        for name in ("width", "height", "cellpadding", "cellspacing", "align", "border"):
            element.attrib.pop(name, None)


def _owner(element: HtmlElement) -> HtmlElement | None:
    """The table an element of a table belongs to."""
    parent = element.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def html_article(markup: str) -> tuple[Extracted, str | None]:
    """A newsletter's HTML part as an article, its furniture removed, and its "View in
    browser" link.

    Raises:
        ExtractionError: the part holds no text.
    """
    from lxml import html as lxml_html

    from clippings.importers.html import extract_article
    from clippings.importers.html_decoding import parse_html

    if not re.search(r"<(?:html|body)\b", markup[:65536], re.IGNORECASE):
        # Mail programs send fragments ("<p>...</p>"), which the parser refuses as a page.
        markup = f"<html><body>{markup}</body></html>"
    tree = parse_html(markup)
    url = browser_link(tree)
    remove_furniture(tree)
    unwrap_layout_tables(tree)
    cleaned = lxml_html.tostring(tree, encoding="unicode")
    try:
        article = extract_article(cleaned)
    except ExtractionError:
        text, _ = plain_article(_visible_text(parse_html(cleaned)))
        if not text.strip():
            raise
        return Extracted(text=text, format="html", html=text_to_html(text)), url
    return _trimmed(article), url


def _trimmed(article: Extracted) -> Extracted:
    """The article without the furniture paragraphs extraction left at its ends."""
    lines = [line for line in article.text.split("\n") if line.strip()]
    if "\n\n" not in article.text.strip() and len(lines) >= 3:
        # Paragraphs parted by <br><br> in one cell (older mailers): a line each.
        text = "\n\n".join(line.strip() for line in lines)
        article = replace(article, text=text, html=text_to_html(text))
    found = paragraphs(article.text)
    keep = trim_paragraphs(found)
    if len(keep) == len(found) or not keep:
        return article
    kept = set(keep)
    dropped = {" ".join(p.split()) for i, p in enumerate(found) if i not in kept}
    return replace(
        article,
        text="\n\n".join(found[i] for i in keep),
        html=without_blocks(article.html, dropped) if article.html else None,
    )


def without_blocks(fragment: str, dropped: set[str]) -> str:
    """An article's HTML without its top-level blocks whose text is one of ``dropped``
    (paragraphs cut from its text), sanitized again."""
    from lxml import html as lxml_html

    try:
        elements = lxml_html.fragments_fromstring(fragment)
    except Exception:  # noqa: BLE001 - keep the HTML as it was
        return fragment
    kept = []
    for element in elements:
        if isinstance(element, str):
            kept.append(element)
        elif " ".join(element.text_content().split()) not in dropped:
            kept.append(lxml_html.tostring(element, encoding="unicode"))
    return sanitize_html("\n".join(kept))

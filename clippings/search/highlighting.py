"""Snippets and highlighted articles, the same for every engine.

Both engines mark the words of a query in the database's text with Whoosh's
highlighter and the project's own terms (``fast_terms.FastAnalyzer`` yields exactly the
tokens of ``analysis.text_analyzer``), so a snippet reads the same whichever engine
found the clipping.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from whoosh.highlight import ContextFragmenter, HtmlFormatter, WholeFragmenter, highlight

from clippings.search.fast_terms import FastAnalyzer

#: The text fields whose words are marked in an article.
TEXT_FIELDS = ("text", "title", "outlet", "author")


class MarkFormatter(HtmlFormatter):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__(tagname="mark", between=" … ", classname="", termclass="")

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        from whoosh.compat import htmlescape

        return f"<mark>{htmlescape(self._text(text[token.startchar : token.endchar]))}</mark>"


def query_words(parsed: Any) -> set[str]:
    """The terms a parsed query looks for in the text fields (prefixes not expanded)."""
    return {
        str(term)
        for fieldname, term in parsed.iter_all_terms(phrases=True)
        if fieldname in TEXT_FIELDS and not isinstance(term, bytes)
    }


def snippet(words: Iterable[str], article: str, *, length: int = 240) -> str:
    """A passage of ``article`` around ``words`` (index terms), with ``<mark>``; the
    article's opening words when none of them is in it."""
    wanted = frozenset(words)
    if wanted:
        fragment = highlight(
            article,
            wanted,
            FastAnalyzer(),
            # Little before the first match, so a list row's first lines show it.
            ContextFragmenter(maxchars=length, surround=30),
            MarkFormatter(),
            top=1,
        )
        if fragment:
            return str(fragment)
    opening = article[:length]
    if len(article) > length:
        opening = opening.rsplit(" ", 1)[0] + " …"
    return escape(opening)


def highlight_all(words: Iterable[str], article: str) -> str:
    """The whole article, HTML-escaped, with ``words`` (index terms) in ``<mark>``."""
    wanted = frozenset(words)
    if not wanted or not article:
        return escape(article)
    marked = highlight(article, wanted, FastAnalyzer(), WholeFragmenter(), MarkFormatter(), top=1)
    return str(marked) if marked else escape(article)

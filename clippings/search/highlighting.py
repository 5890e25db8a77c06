"""Snippets and highlighted articles, the same for every engine.

Both engines mark the words of a query in the database's text with Whoosh's
highlighter and the project's own terms (``fast_terms.FastAnalyzer`` yields exactly the
tokens of ``analysis.text_analyzer``), so a snippet reads the same whichever engine
found the clipping.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape
from itertools import accumulate
from typing import Any

from whoosh.highlight import (
    DEFAULT_CHARLIMIT,
    FIRST,
    BasicFragmentScorer,
    ContextFragmenter,
    HtmlFormatter,
    WholeFragmenter,
    highlight,
    top_fragments,
)

from clippings.search.analysis import WORD_PATTERN
from clippings.search.fast_terms import (
    WORD,
    FastAnalyzer,
    Token,
    pieces,
    words_with,
)

_WORDS = re.compile(f"({WORD_PATTERN})")
#: Characters of context before the first match of a snippet (Whoosh's ``surround``).
SURROUND = 30

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
        fragment = passage(wanted, article, length)
        if fragment:
            return fragment
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


def passage(wanted: frozenset[str], article: str, length: int) -> str:
    """What ``whoosh.highlight.highlight`` makes of ``article`` with a
    ``ContextFragmenter(maxchars=length, surround=SURROUND)`` and ``top=1``, the same
    to the character, without walking every token of a long article through it.

    The fragmenter's state depends only on the tokens near matches: before a match,
    on those within ``surround`` characters of it (the others have left its window);
    after one, on the tokens until ``2 * surround`` characters of tokens have passed
    without a match (its countdown has then run out). Tokens elsewhere change
    nothing, so only the tokens near matches are handed to Whoosh's own fragmenter.
    """
    # Whoosh's fragmenter stops at the first token ending past its character limit;
    # the text is cut after that token's word (never inside a word).
    cut = DEFAULT_CHARLIMIT + 1
    rest = WORD.match(article, cut)
    text = article[: rest.end() if rest else cut]
    # Words and their offsets, without a Python step per word: the separators and
    # words alternate, so the running sum of their lengths gives every boundary.
    parts = _WORDS.split(text)
    words = parts[1::2]
    bounds = list(accumulate(map(len, parts)))
    matching = words_with(wanted, set(words))
    if not matching:
        return ""
    hits = [k for k, word in enumerate(words) if word in matching]
    keep: set[int] = set()
    for hit in hits:
        # Before: every word within ``surround`` of the word before the match, and one
        # more (tokens ending earlier have left the fragmenter's window).
        if hit > 0:
            edge = bounds[2 * hit - 1] - SURROUND - 1
            back = hit - 1
            while back >= 0:
                keep.add(back)
                if bounds[2 * back + 1] < edge:
                    break
                back -= 1
        # After: until 2 * surround characters of words (never fewer characters of
        # tokens: bigrams overlap) have passed.
        keep.add(hit)
        passed = 0
        ahead = hit + 1
        while ahead < len(words) and passed <= 2 * SURROUND:
            keep.add(ahead)
            passed += len(words[ahead])
            ahead += 1
    chosen = []
    for k in sorted(keep):
        base = bounds[2 * k]
        for term, start, end in pieces(words[k]):
            chosen.append(Token(term, base + start, base + end, term in wanted))
    fragments = ContextFragmenter(maxchars=length, surround=SURROUND).fragment_tokens(
        article, iter(chosen)
    )
    best = top_fragments(fragments, 1, BasicFragmentScorer(), FIRST, 1)
    return str(MarkFormatter().format(best))


def whoosh_passage(wanted: frozenset[str], article: str, length: int) -> str:
    """Whoosh's own highlighter over every token (the reference ``passage`` matches)."""
    fragment = highlight(
        article,
        wanted,
        FastAnalyzer(),
        # Little before the first match, so a list row's first lines show it.
        ContextFragmenter(maxchars=length, surround=SURROUND),
        MarkFormatter(),
        top=1,
    )
    return str(fragment) if fragment else ""

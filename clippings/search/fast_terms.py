"""The index terms of ``analysis.text_analyzer``, made quickly.

Whoosh's analyzer chain is five Python generators per token. Every step of it works
on one word at a time (the tokenizer finds maximal runs of word characters; lowering,
bigrams of unspaced scripts, stemming and folding look at that run only), except the
positions, which simply count the tokens. So the tokens of a text are the tokens of
each of its words, in order: each distinct word is analysed once by Whoosh's own
chain and remembered, and a text becomes a lookup per word. The terms are therefore
exactly Whoosh's, by construction (``tests/search/test_fast_terms.py`` checks it on
the corpus).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from clippings.search.analysis import WORD_PATTERN, text_analyzer

WORD = re.compile(WORD_PATTERN)
#: A word whose analysis is empty (a lone combining mark folds to nothing) still
#: takes a position in Whoosh; this stands in for it so positions stay the same.
EMPTY_TERM = "\u2400"
#: Distinct words remembered before the memory is cleared (a bound on memory).
_REMEMBERED = 400_000

#: raw word -> its tokens as (term, start, end), offsets within the word
_pieces: dict[str, tuple[tuple[str, int, int], ...]] = {}
#: raw word -> its terms joined by spaces (what the index's whitespace tokenizer reads)
_joined: dict[str, str] = {}
#: term -> the raw words (of those remembered) with that term among their tokens
_words_of: dict[str, set[str]] = {}
_analyzer: Any = None
#: Counts the times the memory was cleared (a caller holding words notices).
_generation = 0


def _analyse(word: str) -> tuple[tuple[str, int, int], ...]:
    global _analyzer, _generation
    if _analyzer is None:
        _analyzer = text_analyzer()
    if len(_pieces) >= _REMEMBERED:
        _pieces.clear()
        _joined.clear()
        _words_of.clear()
        _generation += 1
    pieces = tuple(
        (token.text, token.startchar, token.endchar)
        for token in _analyzer(word, positions=True, chars=True, mode="index")
    )
    _pieces[word] = pieces
    for term, _start, _end in pieces:
        _words_of.setdefault(term, set()).add(word)
    return pieces


def words_with(wanted: frozenset[str], words: set[str]) -> set[str]:
    """Those of ``words`` (raw words of a text) that have one of the terms ``wanted``."""
    generation = _generation
    for word in words.difference(_pieces):
        _analyse(word)
    if generation == _generation:
        found: set[str] = set()
        for term in wanted:
            found.update(_words_of.get(term, ()))
        return found & words
    return {w for w in words if any(p[0] in wanted for p in pieces(w))}


def _join(word: str) -> str:
    pieces = _pieces.get(word) or _analyse(word)
    joined = " ".join(_term(text) for text, _start, _end in pieces)
    _joined[word] = joined
    return joined


def _term(text: str) -> str:
    if not text:
        return EMPTY_TERM
    # The index splits on whitespace; a term never holds any (words are runs of \w).
    return text


def index_text(text: str) -> str:
    """The terms of ``text``, in order, separated by single spaces: each term takes one
    position, as in Whoosh."""
    words = WORD.findall(text)
    found = list(map(_joined.get, words))  # one C loop; words seen before are known
    if None in found:
        for at, known in enumerate(found):
            if known is None:
                found[at] = _join(words[at])
    return " ".join(found)  # type: ignore[arg-type]


def terms(text: str) -> list[str]:
    """The terms of ``text`` in order (the index's view; for tests and the bench)."""
    return index_text(text).split()


def pieces(word: str) -> tuple[tuple[str, int, int], ...]:
    """The tokens of one word as (term, start, end), offsets within the word."""
    return _pieces.get(word) or _analyse(word)


def spans(text: str) -> list[tuple[str, int, int]]:
    """Every token of ``text`` as (term, start, end), in order (positions are the
    list's indexes)."""
    pieces = _pieces
    found: list[tuple[str, int, int]] = []
    add = found.append
    for match in WORD.finditer(text):
        word = match.group()
        analysed = pieces.get(word) or _analyse(word)
        base = match.start()
        if len(analysed) == 1:
            term, start, end = analysed[0]
            add((term, base + start, base + end))
        else:
            for term, start, end in analysed:
                add((term, base + start, base + end))
    return found


class Token:
    """What Whoosh's highlighter reads of a token (one object, reused, as Whoosh does)."""

    __slots__ = ("boost", "endchar", "matched", "pos", "startchar", "text")

    def __init__(
        self, text: str = "", startchar: int = 0, endchar: int = 0, matched: bool = False
    ) -> None:
        self.text = text
        self.startchar = startchar
        self.endchar = endchar
        self.pos = 0
        self.boost = 1.0
        self.matched = matched

    def copy(self) -> Token:
        twin = Token()
        twin.text = self.text
        twin.startchar = self.startchar
        twin.endchar = self.endchar
        twin.pos = self.pos
        twin.boost = self.boost
        twin.matched = self.matched
        return twin


class FastAnalyzer:
    """A stand-in for ``text_analyzer()`` in Whoosh's highlighter: the same tokens with
    their characters, from the remembered words."""

    def __call__(self, text: str, **_options: Any) -> Iterator[Token]:
        token = Token()
        position = 0
        pieces = _pieces
        for match in WORD.finditer(text):
            word = match.group()
            found = pieces.get(word) or _analyse(word)
            base = match.start()
            for term, start, end in found:
                token.text = term
                token.startchar = base + start
                token.endchar = base + end
                token.pos = position
                token.matched = False
                position += 1
                yield token

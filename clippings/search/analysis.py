"""How text becomes index terms, the same way at index and at query time.

- Words are lower-cased, stemmed by their script (Latin: English Porter; Cyrillic:
  Russian Snowball), then folded (``café`` = ``cafe``, ``ё`` = ``е``). Any word is
  findable by itself in any language, because both sides go through the same steps.
- Chinese, Japanese, Korean and Thai are written without spaces between words: their
  runs become overlapping character bigrams (``中华人民`` -> ``中华 华人 人民``), so a
  two-character word inside a longer run is found. Positions stay consecutive, so
  phrases work too.

Changing anything here changes the terms in the index: bump ``ANALYSIS_VERSION`` so
that existing indexes are rebuilt on open.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis import (
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    Token,
)
from whoosh.lang.porter import stem as porter_stem
from whoosh.lang.snowball.russian import RussianStemmer
from whoosh.support.charset import accent_map

# 2: speakers; 3: "reuters.com" is two words; 4: whole outlet names (outlet:), language
# codes in lower case, segments kept as separate files (no copy of postings in memory).
ANALYSIS_VERSION = 4

# \w does not match combining marks, which Thai, Devanagari and vowelled Arabic need
# inside words.
_MARKS = "\u0300-\u036f\u0483-\u0489\u064b-\u065f\u0900-\u0903\u093a-\u094f\u0e00-\u0e7f"
# Dots split words: "reuters.com" is found by "reuters", and "U.S." by "u s" (a phrase).
WORD_PATTERN = rf"[\w{_MARKS}]+"

# Scripts written without spaces: Hiragana, Katakana, CJK ideographs, Hangul, Thai.
_UNSPACED = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u0e00-\u0e7f]+"
)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-z\u00c0-\u024f]")

_russian = RussianStemmer()


@lru_cache(maxsize=50_000)
def stem_word(word: str) -> str:
    """Stem one lower-case word with the stemmer of its script."""
    if _CYRILLIC.search(word):
        return str(_russian.stem(word))
    if _LATIN.match(word) and len(word) > 2:
        return str(porter_stem(word))
    return word


class ScriptStemFilter(Filter):  # type: ignore[misc]
    """Stems each token by its script (see ``stem_word``)."""

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        for token in tokens:
            if not token.stopped:
                token.text = stem_word(token.text)
            yield token


class UnspacedBigramFilter(Filter):  # type: ignore[misc]
    """Splits runs of unspaced scripts into bigrams and renumbers positions."""

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        position = 0
        for token in tokens:
            text = token.text
            if not _UNSPACED.search(text):
                if token.positions:
                    token.pos = position
                position += 1
                yield token
                continue
            start = 0
            for piece, is_run in _split_runs(text):
                grams = _bigrams(piece) if is_run else [(piece, 0)]
                for gram, offset in grams:
                    out = Token(
                        positions=token.positions,
                        chars=token.chars,
                        removestops=token.removestops,
                        mode=token.mode,
                        boost=token.boost,
                    )
                    out.text = gram
                    out.stopped = False
                    if token.positions:
                        out.pos = position
                    if token.chars:
                        out.startchar = token.startchar + start + offset
                        out.endchar = out.startchar + len(gram)
                    position += 1
                    yield out
                start += len(piece)


def _split_runs(text: str) -> list[tuple[str, bool]]:
    pieces: list[tuple[str, bool]] = []
    last = 0
    for match in _UNSPACED.finditer(text):
        if match.start() > last:
            pieces.append((text[last : match.start()], False))
        pieces.append((match.group(), True))
        last = match.end()
    if last < len(text):
        pieces.append((text[last:], False))
    return pieces


def _bigrams(run: str) -> list[tuple[str, int]]:
    if len(run) < 2:
        return [(run, 0)]
    return [(run[i : i + 2], i) for i in range(len(run) - 1)]


def text_analyzer() -> Any:
    """The analyzer of every text field (title, text, outlet, author)."""
    return (
        RegexTokenizer(WORD_PATTERN)
        | LowercaseFilter()
        | UnspacedBigramFilter()
        | ScriptStemFilter()
        | CharsetFilter(accent_map)
    )

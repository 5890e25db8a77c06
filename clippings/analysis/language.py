"""Words per language: stop words and stems, for comparing clippings.

Two reports of one event in German share "der", "die", "und" as surely as two German
reports of nothing in common; counted as terms, such words made unrelated pieces of
one language look alike. So each clipping's words are read in its own language (the
clipping's ``language`` field, an ISO 639-1 code): its stop words are dropped and the
rest folded to their Snowball stems ("verletzten", "Verletzte" -> "verletzt").

* Stop words: the stopwords-iso lists (58 languages; ``stopwordsiso``). English keeps
  the project's own shorter list (``features``), measured on ECB+: the stopwords-iso
  English list also drops words that name things ("world", "home", "information").
* Stems: the Snowball stemmers (``snowballstemmer``, in C through PyStemmer when it is
  installed) for the 30-odd languages they cover. English keeps its light stemmer in
  ``features`` (plurals and possessives only), which keeps names whole.
* A language without either keeps its words as written (lowercased): still useful for
  names and numbers, which is what pieces in different languages are compared by.

Pure code, and it never imports the search engine (which stems on its own, for queries).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

import snowballstemmer
import stopwordsiso

from clippings.languages import SNOWBALL

#: Languages that capitalise every noun: there a capitalised word alone is no name.
NOUNS_CAPITALISED = frozenset({"de", "lb"})

#: Languages written without spaces between words: their runs of letters are cut into
#: overlapping pairs of characters (as the search index does for CJK text).
UNSPACED = frozenset({"zh", "ja", "ko", "th", "lo", "km", "my"})


def code(language: str | None) -> str:
    """The ISO 639-1 part of a language tag ("de-AT" -> "de"); "" when unknown."""
    if not language:
        return ""
    return language.replace("_", "-").split("-")[0].strip().lower()


@lru_cache(maxsize=64)
def stop_words(language: str | None) -> frozenset[str]:
    """The stop words of a language (casefolded), empty when there is no list."""
    tag = code(language)
    if not tag or not stopwordsiso.has_lang(tag):
        return frozenset()
    # Digits are no stop words (the English list has "10" and "39"): numbers are evidence.
    return frozenset(w.casefold() for w in stopwordsiso.stopwords(tag) if not w.isdigit())


@lru_cache(maxsize=64)
def stemmer(language: str | None) -> Callable[[Sequence[str]], list[str]] | None:
    """A function stemming a list of casefolded words, or None for a language without a
    Snowball stemmer."""
    name = SNOWBALL.get(code(language))
    if name is None:
        return None
    algorithm = snowballstemmer.stemmer(name)

    def stem(words: Sequence[str]) -> list[str]:
        return list(algorithm.stemWords(list(words)))

    return stem


def stem_words(language: str | None, words: Iterable[str]) -> list[str]:
    """The stems of ``words`` (casefolded words in, stems out, in order); a language
    without a Snowball stemmer gives the words unchanged."""
    listed = list(words)
    stem = stemmer(language)
    return listed if stem is None else stem(listed)

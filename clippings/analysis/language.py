"""Stop words and stemming per language, for the word-level evidence of ``analysis/``.

A clipping's ``language`` is an ISO 639-1 code ("en", "de"); the stop words come from
``stopwordsiso`` and the stems from Snowball (``snowballstemmer``, which uses PyStemmer's
C code when it is installed). A language neither knows gives no stop words and the words
unchanged: the evidence then rests on names, numbers and distinctiveness alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import snowballstemmer
import stopwordsiso

#: ISO 639-1 code -> Snowball algorithm name.
SNOWBALL = {
    "ar": "arabic",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "eo": "esperanto",
    "es": "spanish",
    "et": "estonian",
    "eu": "basque",
    "fa": "persian",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "ne": "nepali",
    "nl": "dutch",
    "no": "norwegian",
    "nb": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "st": "sesotho",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}


def _code(lang: str | None) -> str:
    """``"en-GB"`` and ``"EN"`` -> ``"en"``; None -> ``""``."""
    return (lang or "").strip().lower().replace("_", "-").split("-")[0]


@lru_cache(maxsize=64)
def stop_words(lang: str | None) -> frozenset[str]:
    """The stop words of a language, lowercase (empty for None or an unknown language).

    Numerals in the lists ("10", "39" are English stop words there) are left out: a number
    is evidence, never filler.
    """
    code = _code(lang)
    if not code or not stopwordsiso.has_lang(code):
        return frozenset()
    return frozenset(w.lower() for w in stopwordsiso.stopwords(code) if not w.isdigit())


@lru_cache(maxsize=64)
def _stemmer(lang: str) -> Any:
    name = SNOWBALL.get(lang)
    return snowballstemmer.stemmer(name) if name else None


def stem_words(lang: str | None, words: Iterable[str]) -> list[str]:
    """The stems of ``words`` (lowercase words in, stems out, in order).

    A language without a Snowball stemmer gives the words unchanged.
    """
    stemmer = _stemmer(_code(lang))
    listed = list(words)
    if stemmer is None:
        return listed
    return list(stemmer.stemWords(listed))

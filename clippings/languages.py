"""Which languages have a Snowball stemmer, by ISO 639-1 code.

One table for the two places that stem words in a clipping's own language: the
related-pieces analysis (``analysis.language``, with ``snowballstemmer``) and a team
archive's search (``search.postgres_index``: PostgreSQL's built-in configurations are
the Snowball stemmers, by the same names; one the server lacks is replaced there).
"""

from __future__ import annotations

import unicodedata


def _combining_marks() -> str:
    """The combining marks of the Basic Multilingual Plane (Unicode categories Mn, Mc,
    Me) as the inside of a regular expression's character class: ranges like
    ``\u0900-\u0903``."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x300, 0x10000):
        if unicodedata.category(chr(code)) in ("Mn", "Mc", "Me"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(
        f"\\u{low:04x}" if low == high else f"\\u{low:04x}-\\u{high:04x}" for low, high in ranges
    )


#: Inside a character class: the combining marks, which are part of a word though
#: ``\w`` leaves them out. Hindi's vowel signs are such marks: "की" and "के" ("of",
#: before a feminine or a masculine noun) differ only by theirs, and splitting words at
#: them made two different sentences the same. Use as ``rf"[\w{WORD_MARKS}]+"``.
WORD_MARKS = _combining_marks()

#: ISO 639-1 code -> the Snowball stemmer of that language (its name, as
#: ``snowballstemmer`` and PostgreSQL's built-in text search configurations call it).
SNOWBALL = {
    "ar": "arabic",
    "hy": "armenian",
    "eu": "basque",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "nl": "dutch",
    "en": "english",
    "eo": "esperanto",
    "et": "estonian",
    "fi": "finnish",
    "fr": "french",
    "de": "german",
    "el": "greek",
    "hi": "hindi",
    "hu": "hungarian",
    "id": "indonesian",
    "ga": "irish",
    "it": "italian",
    "lt": "lithuanian",
    "ne": "nepali",
    "no": "norwegian",
    "nb": "norwegian",
    "nn": "norwegian",
    "fa": "persian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "es": "spanish",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}

__all__ = ["SNOWBALL"]

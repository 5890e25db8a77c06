"""Which languages have a Snowball stemmer, by ISO 639-1 code.

One table for the two places that stem words in a clipping's own language: the
related-pieces analysis (``analysis.language``, with ``snowballstemmer``) and a team
archive's search (``search.postgres_index``: PostgreSQL's built-in configurations are
the Snowball stemmers, by the same names; one the server lacks is replaced there).
"""

from __future__ import annotations

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

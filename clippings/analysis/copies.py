"""The same piece in another format: a web page and its print-to-PDF, or a .docx of it.

Two files hold the same piece when their texts share nearly all of the shorter one's
word shingles and are of comparable length. A print of a web page carries the site's
furniture around the article (menus, links, a footer), so neither text is a prefix of
the other, their line breaks differ and their Jaccard similarity can be far below
one half; but nearly every shingle of the article is in the print, whatever else the
print holds. So the measure is *containment* (the share of the shorter text's shingles
that the longer one also has), counted exactly on the two texts, not estimated.

Finding the candidates without reading the archive: each clipping is stored under its
*marks*, the hashes of those of its shingles whose hash is a multiple of
``MARK_EVERY`` (content-defined sampling). Unlike a MinHash (whose minima of a print
may all come from its furniture), sampling by value keeps containment: if the article's
shingles are in the print, so are the article's marks, about one shingle in
``MARK_EVERY``. A text is looked up by its marks; the clippings that share enough of
them are checked with ``same_piece``.

Pure code: texts in, decisions out.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from clippings.analysis import shingles

#: One shingle in this many is a mark (by its hash's value): an article of 600 words
#: has about 19, a print's furniture adds its own without taking the article's away.
MARK_EVERY = 32
#: At least this share of the shorter text's shingles must be in the other (the related
#: pieces' "duplicate" uses the same share).
COPY_SHARE = 0.8
#: The shorter text must have at least this share of the longer one's words: a long
#: piece that quotes a short one whole is not a copy of it, nor is a page that holds
#: two articles of which the archive has one (at half the words: one half of such a
#: page would pass at 0.5, so the bar is higher), while the same article with a short
#: sidebar or a few lines of furniture is.
COPY_LENGTH = 0.75
#: ... or this share when both have the same headline: a browser's print carries the
#: page's title, and its furniture (menus, link lists, a footer) can be as long as the
#: article. Prints of news pages measured 0.55 (washingtonpost.com: 1,194 words of
#: article, 2,188 printed) and 0.71 (heraldsun.com.au).
COPY_LENGTH_SAME_TITLE = 0.25
#: Texts shorter than this (words) are not matched: a few lines say too little to tell
#: one piece from another that shares a paragraph of agency copy.
MIN_WORDS = 50
#: A stored clipping is a candidate when it shares at least this share of the new
#: text's marks: the least a copy can share when the new text is the longer one
#: (COPY_SHARE of COPY_LENGTH_SAME_TITLE of its marks), halved for sampling's noise.
CANDIDATE_MARKS = 0.1
#: At most this many candidates are checked, those sharing the most marks first.
MAX_CANDIDATES = 8
#: A candidate's texts are compared only when it shares at least this share of the
#: marks of whichever of the two has fewer (COPY_SHARE, loosened for sampling's noise):
#: a text that shares a stock phrase or two with the new one costs no comparison.
CANDIDATE_SHARE = 0.5

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def words(text: str) -> list[str]:
    """A text's words, case and punctuation folded (so that line breaks, hyphens and
    quotation marks of another format do not matter)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


@dataclass(frozen=True)
class Piece:
    """What the comparison needs of one text: its shingles and word count."""

    shingles: frozenset[int]
    word_count: int
    title: str = ""
    #: Where it was published, when known: the same text from two sites is the same
    #: wire story at two outlets, not one piece in two formats.
    url: str | None = None
    outlet: str | None = None

    @classmethod
    def of(
        cls, text: str, title: str = "", url: str | None = None, outlet: str | None = None
    ) -> Piece:
        found = words(text)
        return cls(
            frozenset(int(h) for h in shingles.shingle_hashes(found)),
            len(found),
            title,
            url,
            outlet,
        )

    def marks(self) -> tuple[int, ...]:
        """The shingles under which the piece is stored and looked up (sorted); none
        for a text too short to be matched."""
        if self.word_count < MIN_WORDS:
            return ()
        return tuple(sorted(h for h in self.shingles if h % MARK_EVERY == 0))


def marks(text: str) -> tuple[int, ...]:
    """``Piece.of(text).marks()``."""
    return Piece.of(text).marks()


def candidate_floor(mark_count: int) -> int:
    """How many marks a stored clipping must share with a text of ``mark_count``
    marks to be checked."""
    return max(1, math.floor(CANDIDATE_MARKS * mark_count))


def worth_comparing(new_marks: int, stored_marks: int, shared: int) -> bool:
    """Whether a candidate's marks leave a chance that it is the same piece: it shares
    ``CANDIDATE_SHARE`` of the marks of the one with fewer, and the two are not so
    different in length that even the same headline could not make them one."""
    fewer, more = sorted((new_marks, stored_marks))
    if fewer == 0 or fewer < COPY_LENGTH_SAME_TITLE / 2 * more:
        return False
    return shared >= max(1, CANDIDATE_SHARE * fewer)


def _folded_title(title: str) -> str:
    return " ".join(words(title))


def same_title(a: str, b: str) -> bool:
    """The two headlines are the same, or one is the other with more around it (a
    page title "Headline - Outlet")."""
    fa, fb = _folded_title(a), _folded_title(b)
    shorter, longer = sorted((fa, fb), key=len)
    if len(shorter.split()) < 3:
        return False
    return f" {shorter} " in f" {longer} "


def _site(url: str | None) -> str | None:
    """A web address's site (``www.heraldsun.com.au`` -> ``heraldsun.com.au``), or
    None for no web address (a print of a saved file says ``file://``)."""
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    labels = parts.hostname.lower().rstrip(".").split(".")
    # The registered name: two labels, three under a country's second level (co.uk).
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and len(labels[-2]) <= 3 else 2
    return ".".join(labels[-keep:])


def _folded_outlet(outlet: str | None) -> str:
    folded = "".join(words(outlet or ""))
    return folded.removeprefix("the")


def different_sources(a: Piece, b: Piece) -> bool:
    """Whether the two were published by different outlets (``other_outlet``)."""
    return other_outlet(a.url, a.outlet, b.url, b.outlet)


def other_outlet(
    url_a: str | None, outlet_a: str | None, url_b: str | None, outlet_b: str | None
) -> bool:
    """Whether two pieces were published by different outlets: their web addresses are
    on different sites or, without both addresses, their outlets differ (neither name
    holds the other: "The Washington Post" and "Washington Post" are one)."""
    site_a, site_b = _site(url_a), _site(url_b)
    if site_a and site_b:
        return site_a != site_b
    outlet_a, outlet_b = _folded_outlet(outlet_a), _folded_outlet(outlet_b)
    if outlet_a and outlet_b:
        return outlet_a not in outlet_b and outlet_b not in outlet_a
    return False


def same_piece(a: Piece, b: Piece) -> bool:
    """Whether two texts are the same piece (one a copy of the other in another
    format): not from different outlets (``different_sources``: a wire story that
    two sites ran is two clippings), at least ``COPY_SHARE`` of the shorter's
    shingles in the other, the shorter at least ``MIN_WORDS`` words and
    ``COPY_LENGTH`` of the longer's (``COPY_LENGTH_SAME_TITLE`` with the same
    headline)."""
    shorter, longer = sorted((a, b), key=lambda p: p.word_count)
    if shorter.word_count < MIN_WORDS or not shorter.shingles:
        return False
    if different_sources(a, b):
        return False
    ratio = shorter.word_count / max(1, longer.word_count)
    if ratio < COPY_LENGTH_SAME_TITLE:
        return False
    if ratio < COPY_LENGTH and not same_title(a.title, b.title):
        return False
    # Shingle sets are counted on their smaller side's size: a shingle that a text
    # repeats counts once in each.
    small, large = sorted((a.shingles, b.shingles), key=len)
    return len(small & large) >= COPY_SHARE * len(small)

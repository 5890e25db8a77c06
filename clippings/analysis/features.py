"""What comparing clippings needs of one clipping's text: its features.

Pure code: ``features`` turns a clipping's title and text into term counts, title
terms, names (capitalised words and runs of them) and a MinHash signature of its word
shingles; ``speakers`` names the people its quotations are attributed to. Both are
computed once per clipping (by ``clippings.services.related``) and stored with
``FEATURES_VERSION``; ``source_digest`` tells whether stored ones still fit the text.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from clippings.analysis import shingles

log = logging.getLogger(__name__)

#: Bump when ``features`` or ``speakers`` change what they compute: stored features
#: (and speakers) of another version are recomputed, in the background, with progress.
#: 2: a real MinHash permutation (1 made texts look alike); 3: stored compactly, with
#: the speakers of the clipping's quotations.
FEATURES_VERSION = 3

# --- Text ------------------------------------------------------------------------------

_TOKEN = re.compile(r"\d+(?:[.,:]\d+)+|[^\W\d_]+(?:['’][^\W\d_]+)*|\d+")
_SENTENCE_END = re.compile(r"[.!?:;\"“”«»]\s*$")

_STOPWORDS_EN = frozenset(
    """a about above after again against ago all also although am among an and another
    any are aren around as at be because been before being below between both but by can
    cannot could couldn did didn do does doesn doing don down during each either else
    even ever every few for from further had hadn has hasn have haven having he her here
    hers herself him himself his how however i if in into is isn it its itself just
    last least less let like made make many may me might more most much must my myself
    near neither new news no nor not now of off often on once one only or other ou our
    ours ourselves out over own per rather said same say says she should since so some
    still such than that the their theirs them themselves then there these they this those
    though through to too under until up upon us very via was wasn we were weren what
    when where whether which while who whom whose why will with within without would
    wouldn yet you your yours yourself yourselves mr mrs ms s t ll re ve d m
    according also told tell just get got go going went come came take took""".split()  # noqa: SIM905
)


def _stem(word: str) -> str:
    """A light English stemmer: possessives and plurals only (keeps names readable)."""
    for apostrophe in ("'s", "’s"):
        if word.endswith(apostrophe):
            word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("sses"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "ous")):
        return word[:-1]
    return word


@dataclass(frozen=True)
class Features:
    """What the comparison of clippings needs of one clipping's text.

    ``terms`` counts the distinctive words of title and text (stop words dropped,
    plurals folded) and, under keys starting with ``=``, the multi-word names;
    ``title`` and ``names`` are the terms that occur in the title and as names;
    ``signature`` is the MinHash of the text's word shingles, of which there are
    ``shingle_count``.
    """

    terms: Mapping[str, int]
    title: frozenset[str]
    names: frozenset[str]
    signature: tuple[int, ...]
    shingle_count: int
    word_count: int
    version: int = FEATURES_VERSION

    def __post_init__(self) -> None:
        object.__setattr__(self, "terms", MappingProxyType(dict(self.terms)))

    def to_json(self) -> str:
        """A compact JSON text of these features (what the archive stores)."""
        return json.dumps(
            {
                "v": self.version,
                "t": dict(self.terms),
                "ti": sorted(self.title),
                "n": sorted(self.names),
                "sig": "".join(f"{v:08x}" for v in self.signature),
                "sh": self.shingle_count,
                "w": self.word_count,
            },
            ensure_ascii=False,
            separators=(",", ":"),
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Features:
        """Features read back from ``to_json``.

        Raises:
            ValueError: the text is not such features.
        """
        try:
            raw = json.loads(text)
            sig = str(raw["sig"])
            return cls(
                terms={str(k): int(v) for k, v in raw["t"].items()},
                title=frozenset(str(t) for t in raw["ti"]),
                names=frozenset(str(n) for n in raw["n"]),
                signature=tuple(int(sig[i : i + 8], 16) for i in range(0, len(sig), 8)),
                shingle_count=int(raw["sh"]),
                word_count=int(raw["w"]),
                version=int(raw["v"]),
            )
        except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as error:
            raise ValueError(f"not stored features: {error}") from error


def _tokens(text: str) -> list[tuple[str, bool]]:
    """(word, starts a sentence) for each word of a text, in its original case."""
    found = []
    sentence_start = True
    position = 0
    for match in _TOKEN.finditer(text):
        between = text[position : match.start()]
        if "\n" in between or _SENTENCE_END.search(between) or position == 0:
            sentence_start = True
        found.append((match.group(), sentence_start))
        sentence_start = False
        position = match.end()
    return found


def features(text: str, title: str, language: str | None) -> Features:
    """The features of one clipping (pure: the same input always gives the same output).

    Args:
        text: the article text.
        title: its headline (its terms weigh more).
        language: an ISO 639-1 code; English drops stop words and folds plurals,
            other languages keep every word as it is written.
    """
    english = (language or "en").lower().startswith("en")
    stop = _STOPWORDS_EN if english else frozenset()

    def norm(word: str) -> str:
        lowered = word.casefold()
        return _stem(lowered) if english else lowered

    body = _tokens(text)
    lowered_words = {w.casefold() for w, _ in body if w[:1].islower()}

    terms: Counter[str] = Counter()
    names: set[str] = set()
    run: list[str] = []

    def close_run() -> None:
        if len(run) > 1:
            terms["=" + " ".join(run)] += 1
        run.clear()

    for word, starts in body:
        key = norm(word)
        is_term = len(key) > 1 and key not in stop
        capital = word[:1].isupper()
        # A capitalised word is a name unless it only starts a sentence and the text
        # also uses it in lower case ("After", "Police").
        is_name = (
            capital
            and key not in stop
            and len(key) > 1
            and (not starts or word.casefold() not in lowered_words)
        )
        if is_name:
            names.add(key)
            run.append(key)
        else:
            close_run()
        if is_term:
            terms[key] += 1
    close_run()

    title_terms = set()
    for word, _ in _tokens(title):
        key = norm(word)
        if len(key) > 1 and key not in stop:
            title_terms.add(key)
            terms[key] += 1

    words = [w.casefold() for w, _ in body]
    hashes = shingles.shingle_hashes(words)
    return Features(
        terms=terms,
        title=frozenset(title_terms),
        names=frozenset(names),
        signature=shingles.signature(hashes),
        shingle_count=int(hashes.size),
        word_count=len(words),
    )


def speakers(text: str) -> tuple[str, ...]:
    """The people the text's direct quotations are attributed to, sorted (for
    ``speaker:`` searches)."""
    from clippings.analysis.quotes import extract_quotes

    try:
        names = {q.speaker for q in extract_quotes(text) if q.speaker}
    except Exception:  # an analysis bug must never keep a clipping out of the index
        log.exception("quotations of a text of %d characters", len(text))
        return ()
    return tuple(sorted(names))


def source_digest(title: str, text: str, language: str | None) -> str:
    """A digest of what features and speakers are computed from: stored ones whose
    digest differs are out of date (an edited title or text), others are reused even
    when the clipping's tags or dates changed."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (title, "\x00", language or "", "\x00", text):
        digest.update(part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def term_key(term: str) -> int:
    """A term as a signed 64-bit number (what the archive stores): stable across
    programs and versions, and two terms share one with negligible odds."""
    digest = hashlib.blake2b(term.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)

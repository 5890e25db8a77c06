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
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from clippings.analysis import shingles
from clippings.analysis.language import NOUNS_CAPITALISED, code, stemmer, stop_words
from clippings.languages import WORD_MARKS

log = logging.getLogger(__name__)

#: Bump when ``features`` or ``speakers`` change what they compute: stored features
#: (and speakers) of another version are recomputed, in the background, with progress.
#: 2: a real MinHash permutation (1 made texts look alike); 3: stored compactly, with
#: the speakers of the clipping's quotations; 4: per language (stop words, stems), names
#: and numbers the same term in every language, CJK text in character pairs; 5: speakers
#: named by a relative "who" or a councillor's, doctor's… role ("she said" finds them);
#: 6: words keep their combining marks (Hindi, Bengali, Tamil, Thai…: they were cut
#: into fragments), text read composed, "12 000" one number (``still_current`` keeps
#: version 5's features of every other text); 7: speakers whose last name is a role
#: word ("Tishana King"), whose age stands before the verb ("Makaeo Williams, 18,
#: said"), or who share a last name with another person named in full (the features of
#: any other text stand); 8: speakers only (a quotation "the company said" is no one's
#: rather than the last quoted person's; "she said" goes to a woman where the pronouns
#: after the names tell who is one): features of 7 stand, and an upgrade reads the
#: speakers of the texts it keeps again (``services.related.upgrade_features``).
FEATURES_VERSION = 8

#: Older versions whose features ``still_current`` can vouch for.
CARRIED_VERSIONS = frozenset({5, 6, 7})


def still_current(version: int, title: str, text: str) -> bool:
    """Whether features computed by ``version`` from this title and text are what this
    one computes (so an upgrade keeps them instead of analysing the clipping again).
    Version 6 changed only text with combining marks, not composed (NFC), or with a
    number's thousands set apart by spaces: 5's features of any other text stand.
    Version 7 changed only the speakers of some quotations
    (``attribution.speakers_changed_in_7``): 6's features of any other text stand.
    Version 8 changed speakers alone: 7's features stand (the upgrade reads the
    speakers of every text it keeps again)."""
    if version in (FEATURES_VERSION, 7):
        return True
    if version not in CARRIED_VERSIONS:
        return False
    if version == 5 and any(
        _CHANGED_IN_6.search(part) or not (part.isascii() or unicodedata.is_normalized("NFC", part))
        for part in (title, text)
    ):
        return False
    from clippings.analysis.attribution import speakers_changed_in_7

    return not speakers_changed_in_7(text)


# --- Text ------------------------------------------------------------------------------

#: A word: letters and the combining marks after them (Hindi's vowel signs, Thai's tone
#: marks: ``\w`` leaves them out, and cutting words there made fragments shared by
#: unrelated texts), with an inner apostrophe; a number with its separators.
_LETTERS = rf"[^\W\d_](?:[^\W\d_]|[{WORD_MARKS}])*"
#: A number written with spaces between its thousands ("12 000" in French, with a
#: space, a no-break or a thin one): one number, not "12" and a "000" every such text
#: shares.
_SPACED_THOUSANDS = r"(?<!\d)\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?!\d)"
#: A number with its separators ("12 000", "1,200", "3.5", "11.15", "4:30"): one token
#: (the comparison's passages read numbers so too, ``paraphrase``).
NUMBER = rf"{_SPACED_THOUSANDS}|\d+(?:[.,:]\d+)+"
_TOKEN = re.compile(rf"{NUMBER}|{_LETTERS}(?:['’]{_LETTERS})*|\d+")
#: What version 6 reads otherwise than 5 (``still_current``).
_CHANGED_IN_6 = re.compile(rf"[{WORD_MARKS}]|{_SPACED_THOUSANDS}")
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
    """(word, starts a sentence) for each word of a text, in its original case; a run of
    characters of a script written without spaces is cut into overlapping pairs. Text is read
    composed (NFC): "é" typed as "e" and an accent is the word "é"."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    found = []
    sentence_start = True
    position = 0
    for match in _TOKEN.finditer(text):
        between = text[position : match.start()]
        if "\n" in between or _SENTENCE_END.search(between) or position == 0:
            sentence_start = True
        word = match.group()
        if _CJK.search(word):
            for piece in _cjk_pairs(word):
                found.append((piece, False))
        else:
            found.append((word, sentence_start))
        sentence_start = False
        position = match.end()
    return found


#: Chinese, Japanese and Korean, written without spaces between words: their runs are
#: cut into overlapping pairs of characters (a character with its combining marks), the
#: way search engines read such text without a dictionary. Thai, Lao, Burmese and Khmer,
#: also unspaced, are not: their pairs (an alphabet of some 70 letters, not thousands of
#: ideographs) are shared by any two texts, and made unrelated Thai pages related; their
#: runs between spaces (names, numbers, phrases) are their terms.
_UNSPACED_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_CJK = re.compile(rf"[{_UNSPACED_CHARS}]")
_CJK_RUN = re.compile(rf"(?:[{_UNSPACED_CHARS}][{WORD_MARKS}]*)+")
_CHARACTER = re.compile(rf".[{WORD_MARKS}]*", re.DOTALL)


def _cjk_pairs(word: str) -> list[str]:
    """A word holding CJK characters (``_UNSPACED_CHARS``) as terms:
    each run of them in overlapping pairs of characters, a character's combining marks
    with it (a lone character alone), the rest (Latin letters in it) as they are."""
    pieces: list[str] = []
    position = 0
    for run in _CJK_RUN.finditer(word):
        if run.start() > position:
            pieces.append(word[position : run.start()])
        chars = _CHARACTER.findall(run.group())
        pieces.extend(
            [run.group()]
            if len(chars) < 2
            else [chars[i] + chars[i + 1] for i in range(len(chars) - 1)]
        )
        position = run.end()
    if position < len(word):
        pieces.append(word[position:])
    return pieces


_THOUSANDS = re.compile(r"\d{1,3}(?:[.,\u00a0\u2009\u202f ]\d{3})+")


def number_key(token: str) -> str:
    """A number as a term the same in every language: thousands separators dropped
    ("1,200" and "1.200" are 1200), a decimal comma made a point ("3,5" is 3.5)."""
    if _THOUSANDS.fullmatch(token):
        return re.sub(r"\D", "", token)
    return token.replace(",", ".")


def _fold(word: str) -> str:
    """A name as the same term in every language: casefolded, accents dropped, an
    English possessive dropped ("Zürich's" and "Zurich" are one name)."""
    for apostrophe in ("'s", "’s"):
        if word.endswith(apostrophe):
            word = word[: -len(apostrophe)]
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper()


def features(text: str, title: str, language: str | None) -> Features:
    """The features of one clipping (pure: the same input always gives the same output).

    Words are read in the clipping's language (``clippings.analysis.language``): its stop
    words dropped, the rest folded to their stems (English: plurals and possessives only).
    Three kinds of term are the same in every language, for comparing pieces written in
    different ones: names, numbers and CJK character pairs.

    * A **name** is a capitalised word that is not a stop word and not capitalised only
      because it starts a sentence (the text also has it in lower case). In German, which
      capitalises every noun, a name is a run of two capitalised words or more ("Hans
      Weber", "BASF Ludwigshafen") or an acronym, and a word is a name wherever the text
      wrote it so once. A name's term is ``@`` and the word casefolded without accents,
      never stemmed; a run of names adds one ``=`` term ("=@betty @ford @center").
    * A **number** is its digits, separators made uniform (``number_key``).

    Args:
        text: the article text.
        title: its headline (its terms weigh more).
        language: an ISO 639-1 code (None: English).
    """
    tag = code(language) or "en"
    english = tag == "en"
    stop = _STOPWORDS_EN if english else stop_words(tag)
    nouns_capitalised = tag in NOUNS_CAPITALISED

    body = _tokens(text)
    lowered_words = {w.casefold() for w, _ in body if w[:1].islower()}

    def capitalised(word: str, starts: bool) -> bool:
        folded = word.casefold()
        return (
            word[:1].isupper()
            and folded not in stop
            and len(folded) > 1
            and (not starts or folded not in lowered_words)
        )

    # Pass 1: which words are names in this text (the same word is then one in every place).
    name_words: set[str] = set()
    run: list[str] = []

    def close_candidates() -> None:
        if len(run) > 1 or not nouns_capitalised:
            name_words.update(w.casefold() for w in run)
        elif run and _acronym(run[0]):
            name_words.add(run[0].casefold())
        run.clear()

    for word, starts in body:
        if starts:
            close_candidates()  # a run of names never crosses a sentence's end
        if capitalised(word, starts) and not word[:1].isdigit():
            run.append(word)
        else:
            close_candidates()
    close_candidates()

    # Stems of every other word, computed once per distinct word.
    stem_many = None if english else stemmer(tag)
    plain = sorted(
        {
            w.casefold()
            for w, _ in body + _tokens(title)
            if w.casefold() not in name_words and not w[:1].isdigit()
        }
    )
    stems = dict(zip(plain, stem_many(plain), strict=True)) if stem_many else {}

    def key_of(word: str) -> tuple[str, bool]:
        """(term, is a name) of a word; "" when it is no term."""
        folded = word.casefold()
        if word[:1].isdigit():
            return number_key(word), False
        if folded in name_words:
            return "@" + _fold(word), True
        if folded in stop or len(folded) < 2:
            return "", False
        if english:
            stemmed = _stem(folded)
            return ("" if stemmed in stop else stemmed), False
        return stems.get(folded, folded), False

    terms: Counter[str] = Counter()
    names: set[str] = set()
    phrase: list[str] = []

    def close_phrase() -> None:
        if len(phrase) > 1:
            terms["=" + " ".join(phrase)] += 1
        phrase.clear()

    for word, starts in body:
        key, is_name = key_of(word)
        if starts:
            close_phrase()
        if is_name:
            names.add(key)
            phrase.append(key)
        else:
            close_phrase()
        if key:
            terms[key] += 1
    close_phrase()

    title_terms = set()
    for word, _ in _tokens(title):
        key, _is_name = key_of(word)
        if key:
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

"""Sentences of two texts that say the same thing in other words (``similar`` pairs).

Two reports of one event rarely share a sentence word for word, so ``align`` pairs them
on lexical evidence too; no language model is at hand, only the words.

Terms. Each sentence is cut into word tokens; stop words of the clipping's language are
dropped (``analysis/language``) and the rest stemmed, so "checked"/"checks" meet. A token
is a *number* when it is two digits or more (one digit, "7 p.m.", is no term at all: too
common to single out a fact) or digits with separators, read as one number as the
features read it ("11.15 Uhr", "1,200" and "1200" alike), a *name* when it is
capitalised and its lowercase form never appears lowercase in either text ("Betty",
"Ford", "PEOPLE"); a capitalised token that only ever opens a sentence is no name
("Prior"), and days and months are words, not names. In German every noun is
capitalised, so nouns count as names there: the rule is then looser than in English
(not measured: ECB+ is English).

Weights. A term tells *which* sentences belong together as much as it is rare among the
sentences of its text: its information in a text of n sentences, df of which carry it,
is ``ln((n + 1) / df)``. A shared term weighs its information in both texts together, so
the protagonist both short reports name in every sentence weighs little, a term that
stands in one sentence of each weighs most. A shared term is *distinctive* when that sum
is at least ``DISTINCTIVE`` (about: in no more than half of the sentences of each side).

Score. The share of both sentences' information that they share:
``sum of the shared terms' weights / (A's sentence's information + B's)``, 1.0 for the
same terms, lowered by whatever either sentence says besides. It orders the candidates
(the best pairs are taken first, one partner per sentence). A pair's *containment* is
the same shared weight over the smaller of the two sentences' information: how much of
the shorter statement the other one carries.

Rule. A pair is ``similar`` when it shares clearly more than the topic:
- the two texts share at least ``SHARED_NAMES`` of the names and numbers of the one
  that has fewer (two reports of one event name the same people, places and figures;
  two events of one topic, two rehab check-ins or two earthquakes, mostly do not), and
  the sentences share at least ``MIN_SHARED`` distinctive terms that carry at least
  ``MIN_CONTAINED`` of the shorter sentence's information (names or plain words: two
  reports of one event say "fell", "chased", "arrested" as often as they repeat a name);
  or
- whatever the texts, the sentences share at least ``MIN_SHARED_PLAIN`` distinctive
  terms with a score of at least ``HIGH_SCORE`` (most of what both say is shared).
Texts that do not agree on their names pair only by the second rule, so the topic words
of two similar events ("rehab", "arrested", "magnitude") do not make pairs.

Calibration (``bench/align_quality.py``, ECB+ read through the text importer; odd-numbered
topics calibrate, even-numbered ones report). Two measures: the issue's share of passages
aligned (>= 25% for two reports of one event, <= 8% for two events of one topic), and
agreement with a reader: ``bench/data/align_gold.json`` holds, for 52 pairs of ECB+ texts
(40 of one event, 12 of two events), every pair of sentences that a reader (blind to this
code) found to report the same fact or to share one, which gives each rule's precision
and recall. Among the rules that meet both share goals on the calibration half, the one
with the best F1 against the reader there was kept.

Until 2026-12 a sentence pair also needed a shared name and a score of 0.08. It met the
share goals on the calibration half (27.1% / 5.7%) but not on the other (30.9% / 8.4%),
and the reader found only 40% (calibration) and 38% (held out) of its ``similar`` pairs
(F1 of all aligned pairs 0.44 / 0.41): a shared name and one word pair a protagonist's
sentences whatever they say, while counterparts that share only words ("He chased down
the driver and eventually arrested him") were missed. With containment: 27.9% / 5.9%
and 31.7% / 6.9% of passages; the reader's are 47% / 38% of the ``similar`` pairs, F1
0.51 / 0.44 (recall 0.49 / 0.46). A reader aligns 34% / 27% of the passages of two
reports of one event: lexical evidence finds about half of them, and about half of what
it pairs beyond the same words is a reader's counterpart. Since single digits are no
term (a list's "4, 6 and 7" paired with a line of tennis scores): 28.0% / 5.9% and
31.5% / 7.0%, the reader's 49% / 38% of the ``similar`` pairs, F1 0.52 / 0.43. Since a
number with separators is one ("11.15 Uhr" had paired with "15 Kilometer" on "15"):
28.0% / 5.5% and 31.5% / 6.9%, the reader's 35 of 72 and 31 of 78 ``similar`` pairs,
F1 0.52 / 0.45.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from clippings.analysis.features import NUMBER, number_key
from clippings.analysis.language import stem_words, stop_words
from clippings.languages import WORD_MARKS
from clippings.model import Cancelled

# Calibrated on ECB+'s odd topics (see the module docstring).

#: The share of names and numbers (of the text with fewer) the two texts must share for
#: sentences to pair on shared terms of any kind.
SHARED_NAMES = 0.3
#: At least this many shared distinctive terms ...
MIN_SHARED = 2
#: ... carrying at least this share of the shorter sentence's information (on the
#: calibration half, F1 against the reader 0.49 at 0.45, 0.51 at 0.5, 0.48 at 0.55).
MIN_CONTAINED = 0.5
#: Without the names: at least this many shared distinctive terms ...
MIN_SHARED_PLAIN = 3
#: ... and at least this score.
HIGH_SCORE = 0.5
#: A shared term weighing less than this is not distinctive: ln 2 is what a term in half
#: the sentences of one side and all of the other's weighs (ln((n + 1) / df) summed).
DISTINCTIVE = math.log(2)

#: A number with its separators, read as the features read it ("11.15 Uhr" is one
#: number, not an 11 and a 15 that a "15 Kilometer" shares), or a word with its
#: combining marks (Hindi's vowel signs: see ``languages.WORD_MARKS``).
_TOKEN = re.compile(rf"(?:{NUMBER})(?![^\W_])|[^\W_](?:[^\W_]|[{WORD_MARKS}])*")
_SEPARATED = re.compile(NUMBER)


def _wordset(words: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string (easier to read)."""
    return frozenset(words.split())


# Days and months are capitalised in English but name no particular fact ("on Saturday"):
# they count as words, not names (English, German, Dutch; the Romance languages write
# them lowercase anyway).
_CALENDAR = _wordset(
    """
    monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    montag dienstag mittwoch donnerstag freitag samstag sonntag sonnabend
    januar februar marz juni juli oktober dezember
    maandag dinsdag woensdag donderdag vrijdag zaterdag zondag
    """
)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass
class _Term:
    name: bool = False  # a name or a number
    spellings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Similar:
    """One candidate pair of sentences and its evidence."""

    score: float
    i: int
    j: int
    #: The shared names and numbers as written (A's spellings first).
    shared: tuple[str, ...]


def _tokens(sentences: Sequence[str]) -> list[list[tuple[str, bool]]]:
    """Each sentence's tokens as written, with whether it opens the sentence."""
    out = []
    for sentence in sentences:
        found = _TOKEN.findall(sentence)
        out.append([(token, k == 0) for k, token in enumerate(found)])
    return out


def _terms(
    tokens: list[list[tuple[str, bool]]],
    lang: str | None,
    lowercase: set[str],
    capital_inside: set[str],
) -> list[dict[str, _Term]]:
    stops = stop_words(lang)
    result: list[dict[str, _Term]] = []
    for sentence in tokens:
        terms: dict[str, _Term] = {}
        plain: list[tuple[str, str]] = []
        for token, first in sentence:
            folded = _fold(token)
            if token[0].isdigit() and _SEPARATED.fullmatch(token):
                # A number with separators ("11.15", "1,200", "12 000").
                key = "#" + number_key(token)
                term = terms.setdefault(key, _Term(True))
                term.spellings.append(token)
                continue
            if token.isdigit():
                if len(token) == 1:
                    # One digit ("7 p.m.", a score's "6-4", a list's "1)") is too common
                    # to single a fact out: a line of tennis scores and a numbered list
                    # of recipes shared "4", "6" and "7" and were paired.
                    continue
                key = "#" + (token.lstrip("0") or "0")
                term = terms.setdefault(key, _Term(len(token) > 1))
                term.spellings.append(token)
                continue
            if len(folded) < 2 or folded in stops or folded.isdigit():
                continue
            if (
                token[0].isupper()
                and folded not in _CALENDAR
                and folded not in lowercase
                and (not first or folded in capital_inside)
            ):
                term = terms.setdefault("@" + folded, _Term(True))
                term.spellings.append(token)
                continue
            plain.append((token, folded))
        stems = stem_words(lang, [folded for _, folded in plain])
        for (token, _), stem in zip(plain, stems, strict=True):
            terms.setdefault(stem, _Term()).spellings.append(token)
        result.append(terms)
    return result


def _information(sentences: list[dict[str, _Term]]) -> dict[str, float]:
    """Each term's information within one text: ``ln((n + 1) / df)`` over its n sentences
    (the +1 keeps a one-sentence text's terms from weighing nothing)."""
    df: dict[str, int] = defaultdict(int)
    for terms in sentences:
        for key in terms:
            df[key] += 1
    n = len(sentences) + 1
    return {key: math.log(n / count) for key, count in df.items()}


def stop_if(cancel: Callable[[], bool] | None) -> None:
    """Raise ``Cancelled`` when ``cancel()`` says the comparison is no longer wanted
    (the window closing while two long documents are aligned); the alignment, this
    module and the quotations' comparison all ask it."""
    if cancel is not None and cancel():
        raise Cancelled("the comparison was stopped")


def similar_candidates(
    sa: Sequence[str],
    sb: Sequence[str],
    lang_a: str | None = None,
    lang_b: str | None = None,
    *,
    cancel: Callable[[], bool] | None = None,
) -> list[Similar]:
    """The sentence pairs of two texts that pass the ``similar`` rule, best first
    (``cancel``: see ``stop_if``)."""
    ta, tb = _tokens(sa), _tokens(sb)
    lowercase: set[str] = set()
    capital_inside: set[str] = set()
    for sentence in (*ta, *tb):
        for token, first in sentence:
            if token[0].islower():
                lowercase.add(_fold(token))
            elif not first:
                capital_inside.add(_fold(token))
    terms_a = _terms(ta, lang_a, lowercase, capital_inside)
    terms_b = _terms(tb, lang_b, lowercase, capital_inside)
    info_a = _information(terms_a)
    info_b = _information(terms_b)
    mass_a = [sum(info_a[k] for k in terms) for terms in terms_a]
    mass_b = [sum(info_b[k] for k in terms) for terms in terms_b]
    where_b: dict[str, list[int]] = defaultdict(list)
    for j, terms in enumerate(terms_b):
        for key in terms:
            if key in info_a and info_a[key] + info_b[key] >= DISTINCTIVE:
                where_b[key].append(j)
    weight = {k: info_a[k] + info_b[k] for k in where_b}
    names_a = {k for terms in terms_a for k, term in terms.items() if term.name}
    names_b = {k for terms in terms_b for k, term in terms.items() if term.name}
    smaller = min(len(names_a), len(names_b))
    agreement = len(names_a & names_b) / smaller if smaller else 0.0
    by_names = agreement >= SHARED_NAMES
    found: list[Similar] = []
    for i, terms in enumerate(terms_a):
        if i % 64 == 0:
            stop_if(cancel)
        shared_with: dict[int, list[str]] = defaultdict(list)
        for key in terms:
            for j in where_b.get(key, ()):
                shared_with[j].append(key)
        for j, keys in shared_with.items():
            if len(keys) < min(MIN_SHARED, MIN_SHARED_PLAIN):
                continue
            names = [k for k in keys if terms[k].name or terms_b[j][k].name]
            shared_mass = sum(weight[k] for k in keys)
            mass = mass_a[i] + mass_b[j]
            score = shared_mass / mass if mass else 0.0
            smaller_mass = min(mass_a[i], mass_b[j])
            contained = shared_mass / smaller_mass if smaller_mass else 0.0
            if not (
                (by_names and len(keys) >= MIN_SHARED and contained >= MIN_CONTAINED)
                or (len(keys) >= MIN_SHARED_PLAIN and score >= HIGH_SCORE)
            ):
                continue
            spellings: list[str] = []
            for key in names:
                for spelling in (*terms[key].spellings, *terms_b[j][key].spellings):
                    if spelling not in spellings:
                        spellings.append(spelling)
            found.append(Similar(score, i, j, tuple(spellings)))
    found.sort(key=lambda s: (-s.score, s.i, s.j))
    return found

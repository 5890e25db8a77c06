"""The tunables of related pieces and stories, and what they score: one clipping's
``Profile`` (its terms, MinHash signature and day), the archive's ``Frequencies``, and
the shapes of results (``Neighbours``, ``Link``).

Apart from the scoring (``related_vectors``) and from the rules that keep neighbour
lists and group stories (``related_stories``) because both read these: the knobs are
in one place, and neither of those modules needs the other. ``clippings.analysis.related``
re-exports everything; see its docstring for how a pair is scored.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

from clippings.analysis.features import Features

Relation = Literal["duplicate", "same story", "related"]

#: A result of ``Scoring.related``: (clipping id, relation, score, shared).
RelatedResult = tuple[int, Relation, float, float]

#: A clipping's link to a piece of its story (same story or duplicate), for stories:
#: (other id, score, duplicate).
Link = tuple[int, float, bool]

#: A term: its text, or a number standing for it (the archive stores terms hashed).
Term = Hashable

# --- Tunables (general rules, not fitted to any one archive) -------------------------

#: Extra weight of a term that is in the title, and of a name.
TITLE_BOOST = 1.0
NAME_BOOST = 1.6
#: Weight of a whole multi-word name ("betty ford center") against a single term.
PHRASE_BOOST = 0.5
#: Terms kept per clipping vector (the most distinctive ones).
VECTOR_TERMS = 160
#: The query's terms used to gather candidates, and how many candidates are scored.
QUERY_TERMS = 40
CANDIDATES = 250
#: Terms in more than this share of the clippings gather no candidates.
COMMON_SHARE = 0.25
#: Neighbours that widen the query, how much they weigh, and the mix of the two scores.
FEEDBACK_NEIGHBOURS = 5
FEEDBACK_WEIGHT = 1.0
FEEDBACK_MIX = 1.0
#: Re-ranking over the neighbourhood: the best ``NEIGHBOURHOOD`` candidates and the
#: clipping form a graph (each joined to its ``GRAPH_DEGREE`` closest), and a random walk
#: that restarts at the clipping (probability ``1 - WALK_STAY``) measures how well each
#: candidate is connected to it; ``WALK_MIX`` of the final score comes from the walk.
NEIGHBOURHOOD = 40
#: Topic-level terms: a query term's weight falls by up to ``LOCAL_DAMP`` with the share
#: of the ``NEIGHBOURHOOD`` closest candidates that have it (to the ``LOCAL_POWER``); only
#: with at least ``LOCAL_MIN`` candidates.
LOCAL_DAMP = 0.6
LOCAL_POWER = 1.0
LOCAL_MIN = 10
GRAPH_DEGREE = 4
WALK_STAY = 0.8
WALK_STEPS = 20
WALK_MIX = 0.6
#: Second-order likeness: ``SECOND_MIX`` of the final score is the cosine between the
#: clipping's and the candidate's likeness to every member of the neighbourhood (two
#: reports of one event resemble the same pieces).
SECOND_MIX = 0.2
#: Dates: a bonus within ``DATE_CLOSE_DAYS``, no cost within ``DATE_GRACE_DAYS``, then
#: a factor that falls to ``DATE_FLOOR`` over a year. The bonus was 0.1 until rules 3:
#: ECB+'s separation (its reports of one event ranked above the first report of the
#: topic's other event) had fallen to 0.914 against issue 5's 0.92, all of the loss
#: with an undated text on one side (two dated reports of a topic's two events never
#: mixed). A report within days outranks an undated piece that reads alike. 0.15 was
#: chosen on the mixed archive's calibration half (``bench/related_calibrate.py``'s
#: scoring): of the bonuses 0.1, 0.15, 0.2, 0.25, 0.3 (separation 0.884, 0.890, 0.889,
#: 0.891, 0.891; label cover 0.822, 0.819, 0.814, 0.815, 0.811) it takes most of the
#: gain at the least cost in cover; no distractor measure moved at any of them.
#: Through the archive (``bench/related.py``), held out, the report half: separation
#: 0.926 to 0.931, label precision 0.959 to 0.961, cover 0.821 unchanged; ECB+ alone:
#: separation 0.914 to 0.920, top-1 0.981 to 0.984, label precision 0.962 to 0.965 (a
#: thin margin: an undated pair has no date to tell it apart).
DATE_CLOSE_DAYS = 3
DATE_BONUS = 0.15
DATE_GRACE_DAYS = 7
DATE_FLOOR = 0.75
#: A pair is a duplicate when this share of the shorter text is in the other one.
DUPLICATE_SHARED = 0.8
#: Candidates looked at for labels, per related piece kept (see ``Scoring._labelled``).
LABEL_CANDIDATES = 3
#: A clipping's stored neighbours are recomputed when asked for once the number of
#: clippings has changed by this share since (the weights of terms have moved).
REWEIGHT_SHARE = 0.05

#: The version of the rules that rank and label related pieces: the tunables here and
#: in ``related_evidence`` (the labels' thresholds), and how ``related_vectors`` scores.
#: Raise it with any change that changes what stored edges say: every archive then
#: computes its edges again, once, in the background (its features stand; see
#: ``services.related.upgrade_rules``), instead of showing the old labels until each
#: clipping happens to be analysed again. 1: the rules of December 2026 (an archive that
#: recorded none has edges of older rules); 2: pieces in two languages that share no
#: name are not related (``CROSS_MIN_NAMES``); 3: a larger bonus for pieces of close
#: dates (``DATE_BONUS``). Not raised when a pair found from one side only came to be
#: listed from both (2026-12): the missing side is added as either clipping is analysed
#: again, and nothing else a stored list says changes.
RULES_VERSION = 3

#: Terms each clipping is listed under for others' candidate searches (its heaviest).
POSTING_TERMS = 100
#: Related pieces each clipping keeps (stored edges; ``related`` answers up to this many).
RELATED_EDGES = 30
#: Terms of more than this many clippings gather no candidates (beside ``COMMON_SHARE``,
#: which alone decides below 4,000 clippings): in a large archive a term of a thousand
#: clippings names a subject, not an event, and its postings cost more to read than
#: they tell.
CANDIDATE_DF_CAP = 1000

#: Flags of a term in a ``Profile``.
IN_TITLE = 1
IS_NAME = 2
IS_PHRASE = 4
#: A number (its digits: the same term in every language).
IS_NUMBER = 8


def term_flags(found: Features, terms: Sequence[str]) -> list[int]:
    """The flags of these terms of a clipping's features (``IN_TITLE``, ``IS_NAME``,
    ``IS_PHRASE``, ``IS_NUMBER``)."""
    return [
        IS_PHRASE
        if t.startswith("=")
        else (IN_TITLE if t in found.title else 0)
        | (IS_NAME if t in found.names else 0)
        | (IS_NUMBER if t[:1].isdigit() else 0)
        for t in terms
    ]


class Frequencies(Protocol):
    """The archive's document frequencies: in how many live clippings each term is."""

    @property
    def total(self) -> int:
        """How many live clippings have features."""

    def of(self, terms: Sequence[Term]) -> npt.NDArray[np.float64]:
        """The document frequency of each of these terms (at least 1: the clipping
        that has it)."""

    def in_language(self, language: str) -> int:
        """How many of them are in this language (an ISO 639-1 code such as "hi"); 0
        when none is, or the count is not known."""


@dataclass(frozen=True)
class Profile:
    """One clipping as the scoring sees it: its terms (in the order ``features``
    found them) with their counts and flags (``IN_TITLE``, ``IS_NAME``,
    ``IS_PHRASE``), its MinHash signature and shingle count, and its day (an ordinal,
    or None when undated)."""

    terms: Sequence[Term]
    counts: npt.NDArray[np.float64]
    flags: npt.NDArray[np.int64]
    signature: Sequence[int]
    shingle_count: int
    day: int | None
    language: str | None = None


def profile(found: Features, day: date | int | None = None, language: str | None = None) -> Profile:
    """The profile of one clipping's features (terms keyed by their text, in the order
    of their text: float sums, and so ties between near-identical texts, follow the
    order of the terms, and this is the order the features have always been read in)."""
    terms = sorted(found.terms)
    flags = term_flags(found, terms)
    return Profile(
        terms=terms,
        counts=np.array([found.terms[t] for t in terms], dtype=np.float64),
        flags=np.array(flags, dtype=np.int64),
        signature=found.signature,
        shingle_count=found.shingle_count,
        day=day.toordinal() if isinstance(day, date) else day,
        language=language,
    )


@dataclass(frozen=True)
class Neighbours:
    """What scoring one clipping against its candidates found.

    ``related``: the related pieces, best first (duplicates first), at most the limit
    asked for; ``closest``: those of them labelled same story or duplicate, for
    stories.
    """

    related: list[RelatedResult]
    closest: list[Link]

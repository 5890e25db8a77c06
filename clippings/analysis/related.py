"""Related pieces and stories: which clippings tell the same text, event or subject.

Pure code: ``features`` turns one clipping's text into what the comparison needs (term
counts, title terms, names, a MinHash signature); ``RelatednessIndex`` holds the
features of an archive's live clippings in memory and answers, for one clipping, the
ranked list of the others that relate to it, and the stories (groups of clippings
about one event).

How a pair is scored:

* Each clipping is a vector of term weights: ``(1 + ln tf) * idf``, with more weight
  for terms of the title and for names (capitalised words and runs of them, which name
  the people, places and organisations of an event). Candidates come from an inverted
  index over the query's most distinctive terms; only those are scored exactly
  (cosine), never every pair.
* The query is then widened with its closest neighbours (pseudo-relevance feedback):
  the vocabulary the reports of one event share weighs more than the words one report
  happens to use, which tells two similar events (two earthquakes, two Oscar hosts)
  apart. The final score mixes both cosines.
* Then the neighbourhood (the best candidates) is a graph whose likenesses count only
  terms that some of its members lack (the subject's words say nothing of the event);
  a random walk from the clipping and the likeness of two pieces' rows (do they
  resemble the same neighbours?) re-rank it.
* Dates, when both clippings have one, scale the score: days apart cost nothing,
  months a little, years more. A missing date neither helps nor hurts.
* Labels: ``duplicate`` when the MinHash estimate says most of the shorter text is in
  the other; ``same story`` when the score passes a threshold, or is near the
  clipping's best match, or a little less near for a piece of the clipping's event
  group (its mutual nearest neighbours in the graph); ``related`` otherwise.
"""

from __future__ import annotations

import heapq
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Literal

import numpy as np
import numpy.typing as npt

from clippings.analysis import shingles

#: Bump when ``features`` changes what it computes: stored features of another version
#: are recomputed.
FEATURES_VERSION = 2  # 2: a real MinHash permutation (1 made texts look alike)

Relation = Literal["duplicate", "same story", "related"]

#: A result of ``RelatednessIndex.related``: (clipping id, relation, score, shared).
RelatedResult = tuple[int, Relation, float, float]

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
#: a factor that falls to ``DATE_FLOOR`` over a year.
DATE_CLOSE_DAYS = 3
DATE_BONUS = 0.1
DATE_GRACE_DAYS = 7
DATE_FLOOR = 0.75
#: A pair is a duplicate when this share of the shorter text is in the other one.
DUPLICATE_SHARED = 0.8
#: Default score at which a pair is labelled ``same story`` (stories use it too).
STORY_THRESHOLD = 0.25
#: A piece scoring at least ``STORY_RELATIVE`` of the clipping's best match (when that
#: one passes the threshold by ``STORY_CONFIDENT``) and ``STORY_RELATIVE_FLOOR`` of the
#: threshold is of the same story too.
STORY_RELATIVE = 0.5
STORY_CONFIDENT = 0.1
STORY_RELATIVE_FLOOR = 0.6
#: A piece in the clipping's event group (see ``_walk``) needs only ``GROUP_RELATIVE`` of
#: the best match's score (and ``STORY_RELATIVE_FLOOR`` of the threshold).
GROUP_RELATIVE = 0.4
#: Closest pieces each clipping keeps for stories (links must be mutual among them).
STORY_NEIGHBOURS = 6
#: Below this score a clipping is not related at all.
RELATED_FLOOR = 0.05
#: Recompute cached weights when the number of clippings has changed by this share.
REWEIGHT_SHARE = 0.05

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


# --- The index --------------------------------------------------------------------------


@dataclass
class _Entry:
    features: Features
    day: int | None
    vector: dict[str, float] = field(default_factory=dict)
    generation: int = -1


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b[t] for t, w in a.items() if t in b)


def _normalised(weights: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}


#: One of a clipping's closest pieces, for stories: (other id, score, duplicate).
_Link = tuple[int, float, bool]


@dataclass
class _Matrix:
    """Every clipping's vector as postings arrays, for scoring one against all at once."""

    ids: list[int]
    position: dict[int, int]
    rows: dict[str, npt.NDArray[np.int64]]
    values: dict[str, npt.NDArray[np.float64]]
    days: npt.NDArray[np.float64]
    signatures: npt.NDArray[np.uint32]
    shingles: npt.NDArray[np.int64]


class _Stories:
    """Union-find over clipping ids."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        root = self.parent.setdefault(x, x)
        while root != self.parent[root]:
            root = self.parent[root]
        while x != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


class RelatednessIndex:
    """The features of a set of clippings in memory, for ranked related pieces.

    Add and remove clippings as they come and go; ``related`` answers for one
    clipping from an inverted index over distinctive terms (never every pair), and
    ``stories`` links each clipping to its duplicates and same-story pieces.
    Not thread-safe: guard it with a lock when threads share it.
    """

    def __init__(self) -> None:
        self._entries: dict[int, _Entry] = {}
        self._df: Counter[str] = Counter()
        self._postings: dict[str, list[int]] = {}
        self._dead = 0
        self._generation = 0
        self._weighed_at = 0
        # Each clipping's closest pieces, for stories: (other, score, duplicate), best
        # first; kept across queries and brought up to date when clippings come and go.
        self._links: dict[int, list[_Link]] = {}
        self._matrix: _Matrix | None = None

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, clipping_id: object) -> bool:
        return clipping_id in self._entries

    def ids(self) -> list[int]:
        return list(self._entries)

    def add(self, clipping_id: int, found: Features, published: date | None = None) -> None:
        """Add (or replace) one clipping's features and its publication day."""
        if clipping_id in self._entries:
            self.remove(clipping_id)
        self._entries[clipping_id] = _Entry(found, published.toordinal() if published else None)
        for term in found.terms:
            self._df[term] += 1
            self._postings.setdefault(term, []).append(clipping_id)
        self._matrix = None
        self._maybe_reweigh()
        self._links.pop(clipping_id, None)

    def remove(self, clipping_id: int) -> None:
        """Forget one clipping (unknown ids are ignored)."""
        entry = self._entries.pop(clipping_id, None)
        if entry is None:
            return
        for term in entry.features.terms:
            self._df[term] -= 1
            if self._df[term] <= 0:
                del self._df[term]
                self._postings.pop(term, None)
        self._dead += len(entry.features.terms)
        if self._dead > 200_000:
            self._compact()
        self._links.pop(clipping_id, None)
        # A list that held the clipping has lost one of its closest: look again.
        for other in [
            o for o, links in self._links.items() if any(x[0] == clipping_id for x in links)
        ]:
            del self._links[other]
        self._matrix = None
        self._maybe_reweigh()

    def document_frequency(self, term: str) -> int:
        return self._df.get(term, 0)

    # --- Weights --------------------------------------------------------------------

    def _maybe_reweigh(self) -> None:
        count = len(self._entries)
        if abs(count - self._weighed_at) > max(1.0, REWEIGHT_SHARE * self._weighed_at):
            self._generation += 1
            self._weighed_at = count
            self._links.clear()
            self._matrix = None

    def _compact(self) -> None:
        for term, ids in list(self._postings.items()):
            self._postings[term] = [i for i in ids if i in self._entries]
        self._dead = 0

    def _idf(self, term: str) -> float:
        return math.log((len(self._entries) + 1.0) / (self._df.get(term, 0) + 0.5))

    def _vector(self, clipping_id: int) -> dict[str, float]:
        entry = self._entries[clipping_id]
        if entry.generation == self._generation:
            return entry.vector
        found = entry.features
        weights = {}
        for term, count in found.terms.items():
            weight = (1.0 + math.log(count)) * self._idf(term)
            if term.startswith("="):
                weight *= PHRASE_BOOST
            else:
                if term in found.title:
                    weight *= TITLE_BOOST
                if term in found.names:
                    weight *= NAME_BOOST
            weights[term] = weight
        if len(weights) > VECTOR_TERMS:
            weights = dict(heapq.nlargest(VECTOR_TERMS, weights.items(), key=lambda kv: kv[1]))
        entry.vector = _normalised(weights)
        entry.generation = self._generation
        return entry.vector

    # --- Queries --------------------------------------------------------------------

    def _candidates(self, clipping_id: int, query: Mapping[str, float]) -> list[int]:
        limit = COMMON_SHARE * len(self._entries)
        terms = heapq.nlargest(QUERY_TERMS, query.items(), key=lambda kv: kv[1])
        scores: dict[int, float] = {}
        for term, weight in terms:
            if self._df.get(term, 0) > limit and len(self._entries) > 20:
                continue
            for other in self._postings.get(term, ()):
                scores[other] = scores.get(other, 0.0) + weight
        scores.pop(clipping_id, None)
        best = heapq.nlargest(CANDIDATES, scores.items(), key=lambda kv: kv[1])
        return [i for i, _ in best if i in self._entries]

    def _dated(self, score: float, a: int | None, b: int | None) -> float:
        """A score adjusted for the two clippings' days (unchanged if one is unknown)."""
        if a is None or b is None:
            return score
        days = abs(a - b)
        if days <= DATE_CLOSE_DAYS:
            return score + DATE_BONUS
        if days <= DATE_GRACE_DAYS:
            return score
        return score * max(DATE_FLOOR, 1.0 - (1.0 - DATE_FLOOR) * (days - DATE_GRACE_DAYS) / 365.0)

    def scores(self, clipping_id: int) -> dict[int, float]:
        """The final score (0..1) of each candidate for one clipping."""
        return self._scored(clipping_id)[0]

    def _scored(self, clipping_id: int) -> tuple[dict[int, float], set[int]]:
        """The final score of each candidate, and the clipping's event group."""
        query = self._vector(clipping_id)
        candidates = self._candidates(clipping_id, query)
        if not candidates:
            return {}, set()
        day = self._entries[clipping_id].day
        first = {
            c: self._dated(_cosine(query, self._vector(c)), day, self._entries[c].day)
            for c in candidates
        }
        neighbours = heapq.nlargest(FEEDBACK_NEIGHBOURS, first.items(), key=lambda kv: kv[1])
        widened: dict[str, float] = dict(query)
        shares: dict[int, float] = {}
        top = neighbours[0][1] if neighbours else 0.0
        for other, score in neighbours:
            if score <= 0.0 or score < 0.5 * top:
                continue
            shares[other] = FEEDBACK_WEIGHT * score / top / len(neighbours)
            for term, weight in self._vector(other).items():
                widened[term] = widened.get(term, 0.0) + shares[other] * weight
        widened = self._localised(widened, first)
        unit = _normalised(widened)
        final = {}
        for c, score in first.items():
            if c in shares:
                # Leave the candidate's own part out: a piece must not vouch for itself.
                own = self._vector(c)
                alone = {t: w - shares[c] * own.get(t, 0.0) for t, w in widened.items()}
                against = _normalised(alone)
            else:
                against = unit
            second = self._dated(_cosine(against, self._vector(c)), day, self._entries[c].day)
            final[c] = (1.0 - FEEDBACK_MIX) * score + FEEDBACK_MIX * second
        return self._walk(clipping_id, final)

    def _localised(self, query: dict[str, float], first: Mapping[int, float]) -> dict[str, float]:
        """The query with its topic-level terms weighing less: a term that nearly every
        one of the closest candidates has (the "earthquake" of two earthquakes) says
        what the subject is, not which event; one that only some of them share (names,
        places, numbers of one event) keeps its weight."""
        if LOCAL_DAMP <= 0.0 or len(first) < LOCAL_MIN:
            return query
        top = heapq.nlargest(NEIGHBOURHOOD, first.items(), key=lambda kv: kv[1])
        spread: Counter[str] = Counter()
        for other, _score in top:
            spread.update(t for t in self._vector(other) if t in query)
        size = float(len(top))
        return {
            t: w * (1.0 - LOCAL_DAMP * (spread[t] / size) ** LOCAL_POWER) for t, w in query.items()
        }

    def _walk(
        self, clipping_id: int, scores: dict[int, float]
    ) -> tuple[dict[int, float], set[int]]:
        """Scores re-ranked over the neighbourhood graph, and the clipping's event group.

        A random walk from the clipping: a candidate that the clipping's close
        neighbours also find close rises, one that only shares the subject with the
        clipping itself sinks. Second-order likeness: a candidate that resembles the
        same neighbours as the clipping rises. The group (the clipping's component of
        mutual nearest neighbours) labels pieces of the same story.
        """
        if len(scores) < 3:
            return scores, set()
        top = heapq.nlargest(NEIGHBOURHOOD, scores.items(), key=lambda kv: kv[1])
        ids = [clipping_id] + [i for i, _ in top]
        vectors = [self._vector(i) for i in ids]
        # Only terms that two of them share add to a similarity between two of them.
        seen: Counter[str] = Counter(term for vector in vectors for term in vector)
        vocabulary = {term: n for n, term in enumerate(t for t, k in seen.items() if k > 1)}
        matrix = np.zeros((len(ids), max(1, len(vocabulary))))
        for row, vector in enumerate(vectors):
            for term, weight in vector.items():
                column = vocabulary.get(term)
                if column is not None:
                    matrix[row, column] = weight
        # Within the neighbourhood a term weighs by the share of its members that lack
        # it: what nearly all of them share names the subject, not the event.
        matrix = matrix * (1.0 - (matrix > 0).mean(axis=0))
        lengths = np.linalg.norm(matrix, axis=1, keepdims=True)
        matrix = matrix / np.where(lengths > 0, lengths, 1.0)
        # einsum, not BLAS: a small product, and BLAS threads stall on a busy machine.
        similar = np.einsum("ik,jk->ij", matrix, matrix)
        days = np.array(
            [np.nan if self._entries[i].day is None else self._entries[i].day for i in ids]
        )
        apart = np.abs(days[:, None] - days[None, :])
        known = ~np.isnan(apart)
        apart = np.where(known, apart, 0.0)
        decay = np.maximum(DATE_FLOOR, 1.0 - (1.0 - DATE_FLOOR) * (apart - DATE_GRACE_DAYS) / 365.0)
        similar = np.where(known & (apart <= DATE_CLOSE_DAYS), similar + DATE_BONUS, similar)
        similar = np.where(known & (apart > DATE_GRACE_DAYS), similar * decay, similar)
        np.fill_diagonal(similar, 0.0)
        degree = min(GRAPH_DEGREE, len(ids) - 1)
        cutoff = -np.sort(-similar, axis=1)[:, degree - 1 : degree]
        graph = np.where(similar >= cutoff, similar, 0.0)
        graph = (graph + graph.T) / 2.0
        totals = graph.sum(axis=1, keepdims=True)
        steps = graph / np.where(totals > 0, totals, 1.0)
        start = np.zeros(len(ids))
        start[0] = 1.0
        visits = start.copy()
        for _ in range(WALK_STEPS):
            visits = WALK_STAY * (visits @ steps) + (1.0 - WALK_STAY) * start
        reached = visits[1:]
        best = float(reached.max()) or 1.0
        ceiling = top[0][1]
        profile = similar.copy()
        np.fill_diagonal(profile, profile.max(axis=1))
        norms = np.linalg.norm(profile, axis=1)
        norms = np.where(norms > 0, norms, 1.0)
        second = np.einsum("ij,j->i", profile[1:], profile[0]) / (norms[1:] * norms[0])
        # The clipping's event group: its component of the graph of mutual nearest
        # neighbours (each among the other's ``GRAPH_DEGREE`` closest).
        knn = (similar >= cutoff) & (similar > 0.0)
        mutual = knn & knn.T
        np.fill_diagonal(mutual, False)
        group = {0}
        frontier = [0]
        while frontier:
            node = frontier.pop()
            for nxt in np.nonzero(mutual[node])[0]:
                if int(nxt) not in group:
                    group.add(int(nxt))
                    frontier.append(int(nxt))
        members = {ids[g] for g in group if g}
        walked = dict(scores)
        for position, (other, score) in enumerate(top):
            walked[other] = (
                (1.0 - WALK_MIX - SECOND_MIX) * score
                + WALK_MIX * ceiling * reached[position] / best
                + SECOND_MIX * ceiling * float(second[position])
            )
        return walked, members

    def related(
        self, clipping_id: int, limit: int = 20, *, story_threshold: float | None = None
    ) -> list[RelatedResult]:
        """The clippings related to one, best first: (id, relation, score, shared).

        ``story_threshold`` is the score from which a piece is labelled ``same story``
        (``STORY_THRESHOLD`` when None).

        Raises:
            KeyError: the clipping is not in the index.
        """
        if clipping_id not in self._entries:
            raise KeyError(clipping_id)
        final, group = self._scored(clipping_id)
        ranked = heapq.nlargest(limit, final.items(), key=lambda kv: kv[1])
        mine = self._entries[clipping_id].features
        threshold = STORY_THRESHOLD if story_threshold is None else story_threshold
        # Calibrated per query too: a piece nearly as close as the clipping's best match
        # is of the same story when that match is a confident one.
        best = ranked[0][1] if ranked else 0.0
        relative = STORY_RELATIVE * best if best >= threshold + STORY_CONFIDENT else math.inf
        floor = STORY_RELATIVE_FLOOR * threshold
        results: list[RelatedResult] = []
        for other, score in ranked:
            if score < RELATED_FLOOR:
                break
            theirs = self._entries[other].features
            estimate = shingles.jaccard(mine.signature, theirs.signature)
            shared = shingles.shared_share(estimate, mine.shingle_count, theirs.shingle_count)
            relation: Relation
            if shared >= DUPLICATE_SHARED:
                relation = "duplicate"
                score = max(score, shared)
            elif (
                score >= threshold
                or score >= max(relative, floor)
                or (other in group and score >= max(floor, GROUP_RELATIVE * best))
            ):
                relation = "same story"
            else:
                relation = "related"
            results.append((other, relation, round(min(1.0, score), 4), round(shared, 4)))
        results.sort(key=lambda r: (r[1] != "duplicate", -r[2]))
        return results

    # --- Stories ----------------------------------------------------------------------

    def _sparse(self) -> _Matrix:
        """The clippings' vectors as postings arrays (rebuilt when clippings change)."""
        if self._matrix is not None:
            return self._matrix
        ids = list(self._entries)
        rows: dict[str, list[int]] = {}
        values: dict[str, list[float]] = {}
        for row, clipping_id in enumerate(ids):
            for term, weight in self._vector(clipping_id).items():
                rows.setdefault(term, []).append(row)
                values.setdefault(term, []).append(weight)
        days = np.array([np.nan if (d := self._entries[i].day) is None else float(d) for i in ids])
        signatures = np.array(
            [self._entries[i].features.signature for i in ids], dtype=np.uint32
        ).reshape(len(ids), -1)
        self._matrix = _Matrix(
            ids=ids,
            position={clipping_id: row for row, clipping_id in enumerate(ids)},
            rows={t: np.array(r, dtype=np.int64) for t, r in rows.items()},
            values={t: np.array(values[t]) for t in rows},
            days=days,
            signatures=signatures,
            shingles=np.array([self._entries[i].features.shingle_count for i in ids]),
        )
        return self._matrix

    def _closest(self, clipping_id: int, matrix: _Matrix) -> npt.NDArray[np.float64]:
        """The dated cosine of one clipping with every clipping (itself: -inf)."""
        parts = [
            (matrix.rows[t], w * matrix.values[t]) for t, w in self._vector(clipping_id).items()
        ]
        size = len(matrix.ids)
        found: npt.NDArray[np.float64]
        if parts:
            found = np.bincount(  # type: ignore[assignment]
                np.concatenate([r for r, _ in parts]),
                weights=np.concatenate([v for _, v in parts]),
                minlength=size,
            )
        else:
            found = np.zeros(size)
        day = self._entries[clipping_id].day
        if day is not None:
            apart = np.abs(matrix.days - day)
            known = ~np.isnan(apart)
            apart = np.where(known, apart, 0.0)
            decay = np.maximum(
                DATE_FLOOR, 1.0 - (1.0 - DATE_FLOOR) * (apart - DATE_GRACE_DAYS) / 365.0
            )
            found = np.where(known & (apart <= DATE_CLOSE_DAYS), found + DATE_BONUS, found)
            found = np.where(known & (apart > DATE_GRACE_DAYS), found * decay, found)
        found[matrix.position[clipping_id]] = -np.inf
        return found

    def _shared(self, matrix: _Matrix, row: int, others: npt.NDArray[np.int64]) -> list[float]:
        """The share of text in common of one clipping and each of some others."""
        mine = matrix.signatures[row]
        if not len(others) or mine[0] == shingles.EMPTY:
            return [0.0] * len(others)
        equal = (matrix.signatures[others] == mine).mean(axis=1)
        return [
            0.0
            if matrix.signatures[o, 0] == shingles.EMPTY
            else shingles.shared_share(float(j), int(matrix.shingles[row]), int(matrix.shingles[o]))
            for o, j in zip(others, equal, strict=True)
        ]

    def _update_links(self) -> None:
        """Give every clipping its list of closest pieces: computed for those that have
        none, and a newcomer slipped into the lists it belongs to (scores are symmetric)."""
        missing = [i for i in self._entries if i not in self._links]
        if not missing:
            return
        matrix = self._sparse()
        kept = min(STORY_NEIGHBOURS, len(matrix.ids) - 1)
        if kept <= 0:
            for clipping_id in missing:
                self._links[clipping_id] = []
            return
        # The score an old list's worst member has (a newcomer above it gets in).
        floor = np.full(len(matrix.ids), np.inf)
        for clipping_id, links in self._links.items():
            if clipping_id in matrix.position:
                floor[matrix.position[clipping_id]] = (
                    links[-1][1] if len(links) >= kept else -np.inf
                )
        for clipping_id in missing:
            row = matrix.position[clipping_id]
            found = self._closest(clipping_id, matrix)
            part = np.argpartition(-found, kept - 1)[:kept]
            best = part[np.argsort(-found[part], kind="stable")]
            shared = self._shared(matrix, row, best)
            self._links[clipping_id] = [
                (matrix.ids[o], float(found[o]), s >= DUPLICATE_SHARED)
                for o, s in zip(best, shared, strict=True)
            ]
            for o in np.nonzero(found > floor)[0]:
                other = matrix.ids[int(o)]
                links = self._links[other]
                share = self._shared(matrix, int(o), np.array([row]))[0]
                links.append((clipping_id, float(found[o]), share >= DUPLICATE_SHARED))
                links.sort(key=lambda link: -link[1])
                del links[kept:]
                floor[o] = links[-1][1] if len(links) >= kept else -np.inf

    def stories(self, threshold: float | None = None) -> list[list[int]]:
        """Groups of clippings about one event, largest first (single clippings are not
        stories).

        Two clippings are joined when one is a duplicate of the other, or when each is
        among the other's ``STORY_NEIGHBOURS`` closest pieces with a score of at least
        ``threshold`` (``STORY_THRESHOLD`` when None): a stricter threshold only ever
        removes links, so stories only ever split. Mutual links keep a chain of
        one-sided likenesses from gluing two events together.
        """
        if threshold is None:
            threshold = STORY_THRESHOLD
        self._update_links()
        neighbours = {
            clipping_id: {other for other, _score, _dup in links}
            for clipping_id, links in self._links.items()
        }
        groups = _Stories()
        for clipping_id in self._entries:
            groups.find(clipping_id)
            for other, score, duplicate in self._links.get(clipping_id, ()):
                if other not in self._entries:
                    continue
                if duplicate or (score >= threshold and clipping_id in neighbours.get(other, ())):
                    groups.union(clipping_id, other)
        members: dict[int, list[int]] = {}
        for clipping_id in self._entries:
            members.setdefault(groups.find(clipping_id), []).append(clipping_id)
        found = [sorted(ids) for ids in members.values() if len(ids) > 1]
        found.sort(key=lambda ids: (-len(ids), ids[0]))
        return found

    def copies(self, ids: Iterable[int]) -> int:
        """How many of these clippings are copies of another one's text: the group's
        size less the number of distinct texts, by the duplicate links ``stories`` saw."""
        members = set(ids)
        texts = _Stories()
        for clipping_id in members:
            texts.find(clipping_id)
            for other, _score, duplicate in self._links.get(clipping_id, ()):
                if duplicate and other in members:
                    texts.union(clipping_id, other)
        return len(members) - len({texts.find(i) for i in members})


def build_index(items: Iterable[tuple[int, Features, date | None]]) -> RelatednessIndex:
    """An index of (clipping id, features, publication day) triples."""
    index = RelatednessIndex()
    for clipping_id, found, day in items:
        index.add(clipping_id, found, day)
    return index

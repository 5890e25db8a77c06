"""Scoring one clipping against its candidates: term vectors, candidate picking, the
widened query, the walk over the neighbourhood graph, and the labels of the results.

Pure code over a candidate set (see ``clippings.analysis.related`` for how a pair is
scored). Apart from ``related_stories`` (keeping neighbour lists, grouping stories),
which works on what this finds and never on vectors.
"""

from __future__ import annotations

import heapq
import math
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from clippings.analysis import shingles
from clippings.analysis.language import code
from clippings.analysis.related_evidence import Evidence, label
from clippings.analysis.related_profile import (
    CANDIDATE_DF_CAP,
    CANDIDATES,
    COMMON_SHARE,
    DATE_BONUS,
    DATE_CLOSE_DAYS,
    DATE_FLOOR,
    DATE_GRACE_DAYS,
    FEEDBACK_MIX,
    FEEDBACK_NEIGHBOURS,
    FEEDBACK_WEIGHT,
    GRAPH_DEGREE,
    IN_TITLE,
    IS_NAME,
    IS_NUMBER,
    IS_PHRASE,
    LABEL_CANDIDATES,
    LOCAL_DAMP,
    LOCAL_MIN,
    LOCAL_POWER,
    NAME_BOOST,
    NEIGHBOURHOOD,
    PHRASE_BOOST,
    POSTING_TERMS,
    QUERY_TERMS,
    RELATED_EDGES,
    SECOND_MIX,
    TITLE_BOOST,
    VECTOR_TERMS,
    WALK_MIX,
    WALK_STAY,
    WALK_STEPS,
    Frequencies,
    Neighbours,
    Profile,
    RelatedResult,
    Term,
)


def _cosine(a: Mapping[Term, float], b: Mapping[Term, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b[t] for t, w in a.items() if t in b)


def _normalised(weights: dict[Term, float]) -> dict[Term, float]:
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}


def _dated(score: float, a: int | None, b: int | None) -> float:
    """A score adjusted for the two clippings' days (unchanged if one is unknown)."""
    if a is None or b is None:
        return score
    days = abs(a - b)
    if days <= DATE_CLOSE_DAYS:
        return score + DATE_BONUS
    if days <= DATE_GRACE_DAYS:
        return score
    return score * max(DATE_FLOOR, 1.0 - (1.0 - DATE_FLOOR) * (days - DATE_GRACE_DAYS) / 365.0)


def shared_share(a: Profile, b: Profile) -> float:
    """The share of the shorter text that the other one has too (MinHash estimate)."""
    estimate = shingles.jaccard(a.signature, b.signature)
    return shingles.shared_share(estimate, a.shingle_count, b.shingle_count)


def pick_candidates(
    query: Sequence[tuple[Term, float]],
    postings: Mapping[Term, Iterable[int]],
    clipping_id: int,
    limit: int = CANDIDATES,
) -> list[int]:
    """The clippings sharing most of the query's distinctive terms (``query`` as
    ``Scoring.query_terms`` gives them; ``postings``: the clippings that have each
    term), best first, the clipping itself left out."""
    scores: dict[int, float] = {}
    for term, weight in query:
        for other in postings.get(term, ()):
            scores[other] = scores.get(other, 0.0) + weight
    scores.pop(clipping_id, None)
    return [i for i, _ in heapq.nlargest(limit, scores.items(), key=lambda kv: kv[1])]


#: A unit vector packed: its terms (in the order of the dict ``Scoring.vector`` gives),
#: their weights, their numbers in the vocabulary of the ``VectorCache``, and their
#: flags (``IS_NAME``...: what ``Scoring.evidence`` counts).
Packed = tuple[
    npt.NDArray[np.generic], npt.NDArray[np.float64], npt.NDArray[np.intp], npt.NDArray[np.uint8]
]


class VectorCache:
    """Packed unit vectors kept across the ``Scoring`` objects of one batch (clippings
    analysed together share many candidates), the least recently used dropped beyond
    ``size`` (a vector of ``VECTOR_TERMS`` terms takes about 4 kB), and everything
    once the vocabulary passes ``vocabulary`` terms (about 100 bytes each): at most
    about 130 MB with the defaults.

    Valid only while the document frequencies and the number of clippings stay the
    same: the caller makes a new one when they change."""

    def __init__(self, size: int = 20_000, vocabulary: int = 500_000) -> None:
        self._size = size
        self._found: OrderedDict[int, Packed] = OrderedDict()
        #: A number for each term met (vectors are matched by these numbers), and a
        #: place for each number (-1 outside of a match).
        self.numbers: dict[Term, int] = {}
        self._places = np.full(1024, -1, dtype=np.intp)
        self._vocabulary = vocabulary

    def trim(self) -> None:
        """Forget everything once the vocabulary is larger than allowed (only between
        ``Scoring`` objects: their vectors are numbered by it)."""
        if len(self.numbers) > self._vocabulary:
            self.numbers = {}
            self._found.clear()
            self._places = np.full(1024, -1, dtype=np.intp)

    def number(self, terms: Iterable[Term]) -> npt.NDArray[np.intp]:
        numbers = self.numbers
        return np.fromiter((numbers.setdefault(t, len(numbers)) for t in terms), dtype=np.intp)

    def places(self) -> npt.NDArray[np.intp]:
        """The places of every number (-1): set them for a match, and reset them."""
        if len(self._places) < len(self.numbers):
            grown = np.full(2 * len(self.numbers), -1, dtype=np.intp)
            grown[: len(self._places)] = self._places
            self._places = grown
        return self._places

    def __contains__(self, clipping_id: object) -> bool:
        return clipping_id in self._found

    def __len__(self) -> int:
        return len(self._found)

    def get(self, clipping_id: int) -> Packed | None:
        found = self._found.get(clipping_id)
        if found is not None:
            self._found.move_to_end(clipping_id)
        return found

    def put(self, clipping_id: int, packed: Packed) -> None:
        self._found[clipping_id] = packed
        self._found.move_to_end(clipping_id)
        while len(self._found) > self._size:
            self._found.popitem(last=False)


@dataclass(frozen=True)
class _Block:
    """Candidates' packed vectors end to end: each one's length, and per term its
    number, weight, candidate (row) and place in the candidate's vector (column); None
    when every vector is empty."""

    lengths: npt.NDArray[np.intp]
    terms: npt.NDArray[np.generic] | None
    weights: npt.NDArray[np.float64] | None
    rows: npt.NDArray[np.intp] | None
    columns: npt.NDArray[np.intp] | None


class Scoring:
    """The profiles of one clipping's candidates (or of a batch of clippings and their
    candidates), with the archive's document frequencies, scored on demand.

    Vectors are computed once per profile and kept for the life of this object (one
    batch): hand it only what the batch needs. ``cache`` keeps them across batches
    scored with the same frequencies.
    """

    def __init__(
        self,
        profiles: Mapping[int, Profile],
        frequencies: Frequencies,
        cache: VectorCache | None = None,
    ) -> None:
        self._profiles = profiles
        self._frequencies = frequencies
        self._total = frequencies.total
        self._cache = cache if cache is not None else VectorCache(0)
        self._packed: dict[int, Packed] = {}
        self._vectors: dict[int, dict[Term, float]] = {}
        self._flag_maps: dict[int, dict[Term, int]] = {}
        self._number_counts: dict[int, int] = {}
        self._languages: dict[str, int] = {}

    def __contains__(self, clipping_id: object) -> bool:
        return clipping_id in self._profiles

    def _in_language(self, language: str | None) -> int:
        """How many analysed clippings are in this language (0: unknown)."""
        tag = code(language)
        if not tag:
            return 0
        found = self._languages.get(tag)
        if found is None:
            found = self._languages[tag] = self._frequencies.in_language(tag)
        return found

    def hand_over(self, packed: Mapping[int, Packed]) -> None:
        """Take these vectors as computed (their profiles' terms are then not needed)."""
        self._packed.update(packed)

    def packed(self, clipping_id: int) -> Packed:
        """The clipping's unit vector (see ``vector``) as arrays."""
        found = self._packed.get(clipping_id)
        if found is not None:
            return found
        found = self._cache.get(clipping_id)
        if found is None:
            found = self._pack(self._profiles[clipping_id])
            self._cache.put(clipping_id, found)
        self._packed[clipping_id] = found
        return found

    def _pack(self, entry: Profile) -> Packed:
        nothing = (
            np.empty(0, dtype=np.int64),
            np.empty(0, dtype=np.float64),
            np.empty(0, dtype=np.intp),
            np.empty(0, dtype=np.uint8),
        )
        if not len(entry.terms):
            return nothing
        df = self._frequencies.of(entry.terms)
        flags = entry.flags
        idf = np.log((self._total + 1.0) / (df + 0.5))
        own = self._in_language(entry.language)
        if own:
            # A word is as rare as it is among the texts of its language: in an archive
            # of English with five Hindi pages, "people" in Hindi is in three of them,
            # not in three of the archive's thousands, and made those pages related.
            # Names, numbers and runs of names are read the same in every language:
            # the archive's count.
            words = (flags & (IS_NAME | IS_NUMBER | IS_PHRASE)) == 0
            idf = np.where(words, np.log((own + 1.0) / (np.minimum(df, own) + 0.5)), idf)
        weights = (1.0 + np.log(entry.counts)) * idf
        weights = np.where(flags & IS_PHRASE, weights * PHRASE_BOOST, weights)
        weights = np.where(flags & IN_TITLE, weights * TITLE_BOOST, weights)
        weights = np.where(flags & IS_NAME, weights * NAME_BOOST, weights)
        if len(weights) > VECTOR_TERMS:
            order = np.argsort(-weights, kind="stable")[:VECTOR_TERMS]
        else:
            order = np.arange(len(weights))
        kept = weights[order]
        norm = math.sqrt(float(np.dot(kept, kept)))
        if not norm:
            return nothing
        terms = np.asarray(entry.terms)[order]
        kept_flags = np.asarray(flags)[order].astype(np.uint8)
        return terms, kept / norm, self._cache.number(terms.tolist()), kept_flags

    def vector(self, clipping_id: int) -> dict[Term, float]:
        """The clipping's unit vector of its ``VECTOR_TERMS`` most distinctive terms."""
        found = self._vectors.get(clipping_id)
        if found is not None:
            return found
        terms, weights, _numbers, _flags = self.packed(clipping_id)
        vector: dict[Term, float] = dict(zip(terms.tolist(), weights.tolist(), strict=True))
        self._vectors[clipping_id] = vector
        return vector

    def _block(self, candidates: Sequence[int]) -> _Block:
        """The candidates' packed vectors laid end to end, for ``_cosines``."""
        packed = [self.packed(c) for c in candidates]
        lengths = np.fromiter((len(p[0]) for p in packed), dtype=np.intp, count=len(packed))
        filled = [p for p in packed if len(p[0])]
        if not filled:
            return _Block(lengths, None, None, None, None)
        terms = np.concatenate([p[2] for p in filled])
        weights = np.concatenate([p[1] for p in filled])
        rows = np.repeat(np.arange(len(packed)), lengths)
        columns = np.arange(len(terms)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        return _Block(lengths, terms, weights, rows, columns)

    def _cosines(self, query: Mapping[Term, float], block: _Block) -> npt.NDArray[np.float64]:
        """``_cosine(query, vector(c))`` for each candidate of the block, to the last bit:
        the same products summed in the same order (the shorter vector's, as
        ``_cosine`` takes it), one after another (``cumsum`` along a row)."""
        count = len(block.lengths)
        if not query or block.terms is None:
            return np.zeros(count)
        assert block.weights is not None and block.rows is not None
        assert block.columns is not None
        query_weights = np.fromiter(query.values(), dtype=np.float64, count=len(query))
        numbers = self._cache.number(query)
        places = self._cache.places()
        places[numbers] = np.arange(len(numbers))
        found = places[block.terms]
        places[numbers] = -1
        hit = np.flatnonzero(found >= 0)
        if not len(hit):
            return np.zeros(count)
        position = found[hit]
        rows = block.rows[hit]
        products = block.weights[hit] * query_weights[position]
        # Summed in the candidate's order when the query is the longer one, else in the
        # query's: each row's shared terms sorted so, then added up left to right.
        by_candidate = (len(query) > block.lengths)[rows]
        place = np.where(by_candidate, block.columns[hit], position)
        ranked = np.lexsort((place, rows))
        rows = rows[ranked]
        per_row = np.bincount(rows, minlength=count)
        rank = np.arange(len(rows)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
        matrix = np.zeros((count, int(per_row.max())))
        matrix[rows, rank] = products[ranked]
        return np.cumsum(matrix, axis=1)[:, -1]

    def _flagged(self, clipping_id: int) -> dict[Term, int]:
        """The flags of the clipping's vector terms: the evidence is taken from the
        same ``VECTOR_TERMS`` distinctive terms as the cosine, which a vector handed
        over (or cached) keeps without its profile's terms."""
        found = self._flag_maps.get(clipping_id)
        if found is None:
            terms, _weights, _numbers, flags = self.packed(clipping_id)
            found = dict(zip(terms.tolist(), flags.tolist(), strict=True))
            self._flag_maps[clipping_id] = found
        return found

    def _number_count(self, clipping_id: int) -> int:
        """How many numbers are among the clipping's vector terms (counted once)."""
        found = self._number_counts.get(clipping_id)
        if found is None:
            flags = self.packed(clipping_id)[3]
            found = self._number_counts[clipping_id] = int(np.count_nonzero(flags & IS_NUMBER))
        return found

    def cross(self, a: int, b: int) -> bool:
        """The two clippings are in different (known) languages."""
        la, lb = self._profiles[a].language, self._profiles[b].language
        return bool(la and lb and la.split("-")[0] != lb.split("-")[0])

    def evidence(self, a: int, b: int) -> Evidence:
        """What clippings ``a`` and ``b`` share: names, numbers, words, days apart, text
        (see ``related_evidence``)."""
        mine, theirs = self._flagged(a), self._flagged(b)
        if len(mine) > len(theirs):
            mine, theirs = theirs, mine
        shared = [t for t in mine if t in theirs]
        cross = self.cross(a, b)
        names = numbers = words_shared = 0.0
        name_count = number_count = 0
        if shared:
            df = self._frequencies.of(shared)
            idf = np.log((self._total + 1.0) / (df + 0.5)).tolist()
            for term, weight in zip(shared, idf, strict=True):
                flags = mine[term] | theirs[term]
                if flags & IS_PHRASE:
                    continue
                if flags & IS_NUMBER:
                    numbers += weight
                    number_count += 1
                elif flags & IS_NAME:
                    names += weight
                    name_count += 1
                else:
                    words_shared += weight
        va, vb = self.vector(a), self.vector(b)
        if cross:
            # Only what is written the same in every language: names and numbers.
            keep = IS_NAME | IS_NUMBER
            fa, fb = self._flagged(a), self._flagged(b)
            cosine = _cosine(
                _normalised({t: w for t, w in va.items() if fa.get(t, 0) & keep}),
                _normalised({t: w for t, w in vb.items() if fb.get(t, 0) & keep}),
            )
        else:
            cosine = _cosine(va, vb)
        pa, pb = self._profiles[a], self._profiles[b]
        return Evidence(
            cosine=cosine,
            names=names,
            numbers=numbers,
            shared_names=name_count,
            shared_numbers=number_count,
            days=None if pa.day is None or pb.day is None else abs(pa.day - pb.day),
            cross=cross,
            words=min(pa.shingle_count, pb.shingle_count),
            longest=max(pa.shingle_count, pb.shingle_count),
            words_shared=words_shared,
            shared=shared_share(pa, pb),
            fewest_numbers=min(self._number_count(a), self._number_count(b)),
        )

    def posting_terms(self, clipping_id: int, count: int = POSTING_TERMS) -> list[Term]:
        """The clipping's ``count`` heaviest terms: those it is found under."""
        vector = self.vector(clipping_id)
        return [t for t, _ in heapq.nlargest(count, vector.items(), key=lambda kv: kv[1])]

    def query_terms(self, clipping_id: int) -> list[tuple[Term, float]]:
        """The query's ``QUERY_TERMS`` heaviest terms that gather candidates: those
        found in more than ``COMMON_SHARE`` of the clippings (or ``CANDIDATE_DF_CAP``)
        say too little."""
        query = self.vector(clipping_id)
        terms = heapq.nlargest(QUERY_TERMS, query.items(), key=lambda kv: kv[1])
        if not terms:
            return []
        df = self._frequencies.of([t for t, _ in terms])
        limit = COMMON_SHARE * self._total
        return [
            (term, weight)
            for (term, weight), count in zip(terms, df, strict=True)
            if not (self._total > 20 and (count > limit or count > CANDIDATE_DF_CAP))
        ]

    def neighbours(
        self,
        clipping_id: int,
        candidates: Sequence[int],
        limit: int = RELATED_EDGES,
        *,
        story_threshold: float | None = None,
    ) -> Neighbours:
        """The clipping's related pieces among ``candidates`` (best candidates first,
        as ``pick_candidates`` gives them), and its closest pieces for stories."""
        candidates = [c for c in candidates if c in self._profiles and c != clipping_id]
        if not candidates:
            return Neighbours([], [])
        _first, final, group = self._scored(clipping_id, candidates)
        related = self._labelled(clipping_id, final, group, limit, story_threshold)
        links = [
            (other, score, relation == "duplicate")
            for other, relation, score, _shared in related
            if relation in ("duplicate", "same story")
        ]
        return Neighbours(related, links)

    def related(
        self,
        clipping_id: int,
        candidates: Sequence[int],
        limit: int = 20,
        *,
        story_threshold: float | None = None,
    ) -> list[RelatedResult]:
        """The clippings related to one among ``candidates``, best first:
        (id, relation, score, shared)."""
        return self.neighbours(
            clipping_id, candidates, limit, story_threshold=story_threshold
        ).related

    def _scored(
        self, clipping_id: int, candidates: Sequence[int]
    ) -> tuple[dict[int, float], dict[int, float], set[int]]:
        """The dated cosine and the final score of each candidate, and the clipping's
        event group."""
        query = self.vector(clipping_id)
        day = self._profiles[clipping_id].day
        block = self._block(candidates)
        first = {
            c: _dated(cosine, day, self._profiles[c].day)
            for c, cosine in zip(candidates, self._cosines(query, block).tolist(), strict=True)
        }
        neighbours = heapq.nlargest(FEEDBACK_NEIGHBOURS, first.items(), key=lambda kv: kv[1])
        widened: dict[Term, float] = dict(query)
        shares: dict[int, float] = {}
        top = neighbours[0][1] if neighbours else 0.0
        for other, score in neighbours:
            if score <= 0.0 or score < 0.5 * top:
                continue
            shares[other] = FEEDBACK_WEIGHT * score / top / len(neighbours)
            for term, weight in self.vector(other).items():
                widened[term] = widened.get(term, 0.0) + shares[other] * weight
        widened = self._localised(widened, first)
        unit = _normalised(widened)
        against_unit = dict(zip(candidates, self._cosines(unit, block).tolist(), strict=True))
        final = {}
        for c, score in first.items():
            if c in shares:
                # Leave the candidate's own part out: a piece must not vouch for itself.
                own = self.vector(c)
                alone = {t: w - shares[c] * own.get(t, 0.0) for t, w in widened.items()}
                cosine = _cosine(_normalised(alone), self.vector(c))
            else:
                cosine = against_unit[c]
            second = _dated(cosine, day, self._profiles[c].day)
            final[c] = (1.0 - FEEDBACK_MIX) * score + FEEDBACK_MIX * second
        walked, group = self._walk(clipping_id, final)
        return first, walked, group

    def _localised(self, query: dict[Term, float], first: Mapping[int, float]) -> dict[Term, float]:
        """The query with its topic-level terms weighing less: a term that nearly every
        one of the closest candidates has (the "earthquake" of two earthquakes) says
        what the subject is, not which event; one that only some of them share (names,
        places, numbers of one event) keeps its weight."""
        if LOCAL_DAMP <= 0.0 or len(first) < LOCAL_MIN:
            return query
        if not query:
            return query
        top = heapq.nlargest(NEIGHBOURHOOD, first.items(), key=lambda kv: kv[1])
        # How many of them have each query term (counted in numpy; the same numbers).
        weights = np.fromiter(query.values(), dtype=np.float64, count=len(query))
        spread = np.zeros(len(query))
        filled = [p[2] for p in (self.packed(other) for other, _ in top) if len(p[2])]
        if filled:
            numbers = self._cache.number(query)
            places = self._cache.places()
            places[numbers] = np.arange(len(numbers))
            found = places[np.concatenate(filled)]
            places[numbers] = -1
            spread = np.bincount(found[found >= 0], minlength=len(query)).astype(np.float64)
        size = float(len(top))
        damped = weights * (1.0 - LOCAL_DAMP * (spread / size) ** LOCAL_POWER)
        return dict(zip(query, damped.tolist(), strict=True))

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
        packed = [self.packed(i) for i in ids]
        # Only terms that two of them share add to a similarity between two of them; the
        # columns in the order the terms are first met.
        filled = [p for p in packed if len(p[0])]
        matrix = np.zeros((len(ids), 1))
        if filled:
            terms = np.concatenate([p[2] for p in filled])
            weights = np.concatenate([p[1] for p in filled])
            rows = np.repeat(np.arange(len(ids)), [len(p[0]) for p in packed])
            _unique, first_at, inverse, counts = np.unique(
                terms, return_index=True, return_inverse=True, return_counts=True
            )
            shared = counts > 1
            column = np.zeros(len(counts), dtype=np.intp)
            column[shared] = np.argsort(np.argsort(first_at[shared], kind="stable"), kind="stable")
            kept = shared[inverse]
            matrix = np.zeros((len(ids), max(1, int(shared.sum()))))
            matrix[rows[kept], column[inverse[kept]]] = weights[kept]
        # Within the neighbourhood a term weighs by the share of its members that lack
        # it: what nearly all of them share names the subject, not the event.
        matrix = matrix * (1.0 - (matrix > 0).mean(axis=0))
        lengths = np.linalg.norm(matrix, axis=1, keepdims=True)
        matrix = matrix / np.where(lengths > 0, lengths, 1.0)
        # einsum, not BLAS: a small product, and BLAS threads stall on a busy machine.
        similar = np.einsum("ik,jk->ij", matrix, matrix)
        days = np.array([np.nan if (d := self._profiles[i].day) is None else float(d) for i in ids])
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

    def _labelled(
        self,
        clipping_id: int,
        final: dict[int, float],
        group: set[int],
        limit: int,
        story_threshold: float | None,
    ) -> list[RelatedResult]:
        """The best ``limit`` candidates by the final score that earn a label by what
        they share with the clipping (``related_evidence.label``: absolute evidence, so
        that a clipping with nothing of its subject in the archive shows nothing)."""
        # Labels drop candidates, so more are looked at than are kept; a piece in
        # another language ranks low (it shares no words) and is judged by its names
        # and numbers, which are also its score.
        ranked = heapq.nlargest(LABEL_CANDIDATES * limit, final.items(), key=lambda kv: kv[1])
        results: list[RelatedResult] = []
        for other, score in ranked:
            evidence = self.evidence(clipping_id, other)
            relation = label(evidence, score, story_threshold, grouped=other in group)
            if relation is None:
                continue
            if relation == "duplicate":
                score = max(score, evidence.shared)
            elif evidence.cross:
                score = max(score, evidence.cosine)
            results.append((other, relation, round(min(1.0, score), 4), round(evidence.shared, 4)))
        results.sort(key=lambda r: (r[1] != "duplicate", -r[2]))
        return results[:limit]

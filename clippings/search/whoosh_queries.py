"""Preparing a Whoosh query for one searcher, and finding a first page with Whoosh's
own collector: prefixes capped at their most frequent words (said in the result),
the choice between scoring every match in bulk (``whoosh_hits``) and Whoosh's block
skipping, and a count taken while collecting (exact when cheap, else a true lower
bound).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq
from whoosh.collectors import TopCollector
from whoosh.searching import Searcher

#: A search whose matches may number up to this many (by the index's own estimate) is
#: counted exactly while it collects: every match is scored, no block is skipped. Above
#: it the best ones are found with Whoosh's block skipping and the count is a lower bound.
EXACT_COUNT_LIMIT = 5_000
#: A first page is found by scoring every match in bulk when the query may match at
#: most this share of the clippings (see ``first_in_bulk``).
FIRST_IN_BULK_SHARE = 0.85
#: A prefix (``elect*``) stands for at most this many words: its most frequent ones.
PREFIX_CAP = 64

_TEXT_FIELDS = ("text", "title", "outlet", "author")


@dataclass(frozen=True)
class Prepared:
    """A query string as one searcher understands it."""

    searcher: Searcher
    query: Any
    #: Where the search was narrowed, in the user's words.
    notes: tuple[str, ...]
    #: The index terms to mark in a text (prefixes expanded as searched).
    words: frozenset[str]
    #: Whether even its first page is best found by scoring every match in bulk.
    first_in_bulk: bool = False


def first_in_bulk(query: Any, reader: Any) -> bool:
    """Whether the first page of ``query`` is best found by scoring every match in bulk
    (``whoosh_hits``) rather than by Whoosh's block skipping: a query without a phrase
    that intersects (words that must all be there, a filter, an excluded word) or that
    the index estimates at no more than ``FIRST_IN_BULK_SHARE`` of its clippings.

    Whoosh skips few matches of an intersection (its blocks rarely rule out the sum of
    two scores), so at 100,000 clippings the bulk scoring is about as fast (``police
    fire``: 141 ms instead of 181), and its skipping is not exact there: it passes over
    blocks by the other side's current block, so its first 20 missed clippings that
    belong among them, and its count was "more than 6,607" where 48,487 match. A word or
    an OR is as fast in bulk unless it is in nearly every clipping (``police``, in 75%:
    86 ms instead of 93; ``elect*`` 37 instead of 67; ``said``, in 97%: 110 instead of
    95; ``said OR police``: 198 instead of 76); a phrase keeps the skipping (reading
    every match's positions is what costs). In bulk the count is exact.
    """
    kinds = {type(node) for node in _nodes(query)}
    if any(issubclass(kind, (wq.Phrase, wq.SpanQuery)) for kind in kinds):
        return False
    if any(issubclass(kind, (wq.And, wq.AndNot, wq.Require, wq.AndMaybe)) for kind in kinds):
        return True
    return bool(query.estimate_size(reader) <= FIRST_IN_BULK_SHARE * reader.doc_count())


def _nodes(query: Any) -> Iterator[Any]:
    yield query
    for child in query.children():
        yield from _nodes(child)


def cap_patterns(parsed: Any, reader: Any) -> tuple[Any, tuple[str, ...], set[str]]:
    """``parsed`` with every prefix or wildcard that stands for more than ``PREFIX_CAP``
    words narrowed to its ``PREFIX_CAP`` most frequent ones (a union of thousands of
    posting lists is what makes ``elect*`` slow), the notes that say so, and the words
    a snippet marks (the same capped expansion)."""
    words = {
        str(term)
        for fieldname, term in parsed.iter_all_terms(phrases=True)
        if fieldname in _TEXT_FIELDS and not isinstance(term, bytes)
    }
    notes: list[str] = []

    def narrow(node: Any) -> Any:
        if not isinstance(node, wq.PatternQuery):
            return node
        frequency: dict[bytes, int] = {}
        for leaf, _offset in reader.leaf_readers():
            if isinstance(node, wq.Prefix):
                for term, info in leaf.iter_prefix(node.fieldname, node.text):
                    frequency[term] = frequency.get(term, 0) + info.doc_frequency()
                continue
            for term in node._btexts(leaf):
                count = leaf.doc_frequency(node.fieldname, term)
                frequency[term] = frequency.get(term, 0) + count
        chosen = sorted(frequency, key=lambda t: (-frequency[t], t))[:PREFIX_CAP]
        if node.fieldname in _TEXT_FIELDS:
            words.update(t.decode("utf-8") for t in chosen)
        if len(frequency) <= PREFIX_CAP:
            return node
        note = (
            f"{node.text}* stands for more than {PREFIX_CAP} words; "
            f"searched the {PREFIX_CAP} most common"
            if isinstance(node, wq.Prefix)
            else f"{node.text} stands for more than {PREFIX_CAP} words; "
            f"searched the {PREFIX_CAP} most common"
        )
        if note not in notes:
            notes.append(note)
        terms = [wq.Term(node.fieldname, t.decode("utf-8")) for t in sorted(chosen)]
        # Scored as the whole pattern was: every match alike.
        return wq.ConstantScoreQuery(wq.Or(terms), node.boost)

    return parsed.accept(narrow), tuple(notes), words


class _CountingCollector(TopCollector):  # type: ignore[misc]
    """Whoosh's top-N collector that also knows whether its count is exact.

    Every match it visits is counted (``total``). Once its top N is full, Whoosh lets
    the minimum score drop whole blocks (``skip_to_quality``) and whole sub-queries
    (``Matcher.replace``) that cannot reach the top; matches dropped so are not
    counted, and ``pruned`` says that happened. (Whoosh's own count, ``len(results)``,
    trusts the visited count whenever the last segment's matcher cannot skip blocks,
    though ``replace`` has dropped matches: that was the wrong "580 found" for a word
    with a date range that had 3,362.) ``thorough`` turns the dropping off: every match
    is scored and the count is exact.
    """

    def __init__(self, limit: int, thorough: bool) -> None:
        super().__init__(limit=limit, usequality=not thorough)
        self.thorough = thorough
        self.pruned = False

    def matches(self) -> Iterator[int]:
        me: Any = self  # Whoosh's attributes are untyped
        matcher = me.matcher
        if self.thorough:
            while matcher.is_active():
                yield matcher.id()
                matcher.next()
            return
        # ScoredCollector.matches, noting when a minimum score narrows the matcher.
        minscore = me.minscore
        usequality = me._use_block_quality()
        replacecounter = 0
        checkquality = True
        while matcher.is_active():
            if replacecounter == 0 or me.minscore != minscore:
                me.matcher = matcher = matcher.replace(minscore or 0)
                if minscore:
                    self.pruned = True
                if not matcher.is_active():
                    break
                usequality = me._use_block_quality()
                replacecounter = me.replace
                if me.minscore != minscore:
                    checkquality = True
                    minscore = me.minscore
                    self.pruned = True
            replacecounter -= 1
            if usequality and checkquality and minscore:
                if matcher.skip_to_quality(minscore):
                    self.pruned = True
                if not matcher.is_active():
                    break
            yield matcher.id()
            checkquality = matcher.next()


def collected(searcher: Searcher, query: Any, limit: int) -> tuple[Any, int, bool]:
    """The best ``limit`` matches by Whoosh's block-skipping collector, how many match
    (a lower bound where it skipped) and whether that count is exact."""
    thorough = query.estimate_size(searcher.reader()) <= EXACT_COUNT_LIMIT
    collector = _CountingCollector(limit=max(limit, 1), thorough=thorough)
    searcher.search_with_collector(query, collector)
    total, exact = collector.total, not collector.pruned
    if not exact:
        floor, floor_exact = _count_floor(query, searcher.reader())
        if floor >= total:
            total, exact = floor, floor_exact
    return collector.results().top_n, total, exact


def _count_floor(query: Any, reader: Any) -> tuple[int, bool]:
    """A lower bound of how many documents match ``query``, from the term statistics
    alone, and whether it is exact (one term in one field, no deleted entries)."""
    if isinstance(query, wq.Term):
        floor = 0
        exact = True
        for leaf, _offset in reader.leaf_readers():
            try:
                frequency = leaf.doc_frequency(query.fieldname, query.text)
            except Exception:  # noqa: BLE001 - a field this segment lacks
                frequency = 0
            deleted = leaf.doc_count_all() - leaf.doc_count()
            if deleted and frequency:
                exact = False
            floor += max(0, frequency - deleted)
        return floor, exact
    if isinstance(query, wq.Or):
        # The union is at least as big as its biggest part.
        return max((_count_floor(q, reader)[0] for q in query.subqueries), default=0), False
    return 0, False

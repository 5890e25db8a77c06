"""Keeping neighbour lists and grouping stories: a clipping's edges from its scored
neighbours, a newcomer admitted among them (``admit``, so that adding a clipping does
not rescore the archive), and the stories rule over every clipping's closest pieces.

Rules over scores already found (by ``related_vectors``), with no vectors: apart from
the scoring so that each can be read alone. ``clippings.analysis.related`` re-exports
everything.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from clippings.analysis.related_profile import (
    DUPLICATE_SHARED,
    RELATED_EDGES,
    RELATED_FLOOR,
    STORY_CONFIDENT,
    STORY_NEIGHBOURS,
    STORY_RELATIVE,
    STORY_RELATIVE_FLOOR,
    STORY_THRESHOLD,
    Link,
    Neighbours,
    Relation,
)

# --- Keeping neighbour lists -------------------------------------------------------------


@dataclass(frozen=True)
class Edge:
    """One of a clipping's kept neighbours.

    ``relation`` and ``score`` when the other is among its related pieces (None
    otherwise); ``closeness`` (the dated cosine) and ``story`` when it is among its
    ``STORY_NEIGHBOURS`` closest, for stories.
    """

    other: int
    score: float
    shared: float
    relation: Relation | None
    closeness: float | None
    story: bool


def edges(found: Neighbours) -> list[Edge]:
    """One clipping's edges from its scored neighbours."""
    closeness = {other: (score, duplicate) for other, score, duplicate in found.closest}
    kept: list[Edge] = []
    for other, relation, score, shared in found.related:
        near = closeness.pop(other, None)
        kept.append(
            Edge(
                other, score, shared, relation, None if near is None else near[0], near is not None
            )
        )
    for other, score, duplicate in found.closest:
        if other in closeness:
            kept.append(Edge(other, 0.0, 1.0 if duplicate else 0.0, None, score, True))
    return kept


def admit(
    kept: Sequence[Edge],
    newcomer: int,
    score: float,
    shared: float,
    closeness: float | None,
    *,
    limit: int = RELATED_EDGES,
) -> list[Edge]:
    """A clipping's edges with a newcomer admitted where it beats the worst (an older
    entry of the newcomer is replaced, or dropped if it no longer gets in; scores
    are taken from the newcomer's side: the dated cosine is symmetric, the related
    score nearly so). The label is the one the clipping's own ranking would give:
    duplicate, same story by the threshold or by nearness to its best match, or
    related."""
    others = [e for e in kept if e.other != newcomer]
    if shared >= DUPLICATE_SHARED:
        score = max(score, shared)  # a duplicate ranks by the text it shares
    related = [e for e in others if e.relation is not None]
    story = [e for e in others if e.story]
    as_related = score >= RELATED_FLOOR and (
        len(related) < limit or score > min(e.score for e in related)
    )
    as_story = closeness is not None and (
        len(story) < STORY_NEIGHBOURS or closeness > min(e.closeness or 0.0 for e in story)
    )
    if not as_related and not as_story:
        return others
    relation: Relation | None = None
    shown = round(min(1.0, score), 4)
    if as_related:
        best = max([score] + [e.score for e in related if e.relation != "duplicate"])
        relative = STORY_RELATIVE * best if best >= STORY_THRESHOLD + STORY_CONFIDENT else math.inf
        floor = STORY_RELATIVE_FLOOR * STORY_THRESHOLD
        if shared >= DUPLICATE_SHARED:
            relation = "duplicate"
            shown = round(min(1.0, max(score, shared)), 4)
        elif score >= STORY_THRESHOLD or score >= max(relative, floor):
            relation = "same story"
        else:
            relation = "related"
    new = Edge(
        newcomer, shown if relation else 0.0, round(shared, 4), relation, closeness, as_story
    )
    others.append(new)
    related = sorted(
        (e for e in others if e.relation is not None),
        key=lambda e: (e.relation != "duplicate", -e.score),
    )
    dropped = {e.other for e in related[limit:]}
    story = sorted((e for e in others if e.story), key=lambda e: -(e.closeness or 0.0))
    demoted = {e.other for e in story[STORY_NEIGHBOURS:]}
    result = []
    for e in others:
        if e.other in dropped:
            e = replace(e, relation=None, score=0.0)
        if e.other in demoted:
            e = replace(e, story=False)
        if e.relation is not None or e.story:
            result.append(e)
    return result


# --- Stories -------------------------------------------------------------------------------


class _Groups:
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


def stories(links: Mapping[int, Sequence[Link]], threshold: float | None = None) -> list[list[int]]:
    """Groups of clippings about one event, largest first (single clippings are not
    stories), from each live clipping's closest pieces (``links``; links to clippings
    that are not keys are ignored).

    Two clippings are joined when one is a duplicate of the other, or when each is
    among the other's ``STORY_NEIGHBOURS`` closest pieces with a score of at least
    ``threshold`` (``STORY_THRESHOLD`` when None): a stricter threshold only ever
    removes links, so stories only ever split. Mutual links keep a chain of one-sided
    likenesses from gluing two events together.
    """
    if threshold is None:
        threshold = STORY_THRESHOLD
    neighbours = {i: {other for other, _s, _d in found} for i, found in links.items()}
    groups = _Groups()
    for clipping_id, found in links.items():
        groups.find(clipping_id)
        for other, score, duplicate in found:
            if other not in links:
                continue
            if duplicate or (score >= threshold and clipping_id in neighbours[other]):
                groups.union(clipping_id, other)
    members: dict[int, list[int]] = {}
    for clipping_id in links:
        members.setdefault(groups.find(clipping_id), []).append(clipping_id)
    found_groups = [sorted(ids) for ids in members.values() if len(ids) > 1]
    found_groups.sort(key=lambda ids: (-len(ids), ids[0]))
    return found_groups


def copies(links: Mapping[int, Sequence[Link]], ids: Iterable[int]) -> int:
    """How many of these clippings are copies of another one's text: the group's size
    less the number of distinct texts, by their duplicate links."""
    members = set(ids)
    texts = _Groups()
    for clipping_id in members:
        texts.find(clipping_id)
        for other, _score, duplicate in links.get(clipping_id, ()):
            if duplicate and other in members:
                texts.union(clipping_id, other)
    return len(members) - len({texts.find(i) for i in members})

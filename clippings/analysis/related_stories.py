"""Keeping neighbour lists and grouping stories: a clipping's edges from its scored
neighbours, a newcomer admitted among them (``admit``, so that adding a clipping does
not rescore the archive), and the stories rule over every clipping's closest pieces.

Rules over scores already found (by ``related_vectors``), with no vectors: apart from
the scoring so that each can be read alone. ``clippings.analysis.related`` re-exports
everything.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from clippings.analysis.related_evidence import STORY_THRESHOLD
from clippings.analysis.related_profile import (
    RELATED_EDGES,
    Link,
    Neighbours,
    Relation,
)

# --- Keeping neighbour lists -------------------------------------------------------------


@dataclass(frozen=True)
class Edge:
    """One of a clipping's kept neighbours: a related piece, with its ``relation`` and
    ``score``; ``story`` when the relation is same story or duplicate (a link for
    stories, ``closeness`` its score).

    ``relation`` None (with ``story``) is an entry of older archives, kept for stories
    only; new lists have none.
    """

    other: int
    score: float
    shared: float
    relation: Relation | None
    closeness: float | None
    story: bool


def _edge(other: int, relation: Relation, score: float, shared: float) -> Edge:
    story = relation in ("duplicate", "same story")
    return Edge(other, score, shared, relation, score if story else None, story)


def edges(found: Neighbours) -> list[Edge]:
    """One clipping's edges from its scored neighbours."""
    return [
        _edge(other, relation, score, shared) for other, relation, score, shared in found.related
    ]


def admit(
    kept: Sequence[Edge],
    newcomer: int,
    relation: Relation | None,
    score: float,
    shared: float,
    *,
    limit: int = RELATED_EDGES,
) -> list[Edge]:
    """A clipping's edges with a newcomer admitted where it beats the worst (an older
    entry of the newcomer is replaced, or dropped if it no longer gets in). The
    relation and score are the newcomer's own for the pair: labels come from what the
    two share (``related_evidence``), the same from either side, and the final score
    nearly so. A ``relation`` of None takes the newcomer out of the list."""
    others = [e for e in kept if e.other != newcomer]
    if relation is None:
        return others
    if relation == "duplicate":
        score = max(score, shared)  # a duplicate ranks by the text it shares
    shown = round(min(1.0, score), 4)
    ranked = sorted(
        [*others, _edge(newcomer, relation, shown, round(shared, 4))],
        key=lambda e: (e.relation != "duplicate", -e.score),
    )
    return ranked[:limit]


# --- Same story by the company a pair keeps --------------------------------------------

#: A related piece is of the clipping's story when the two have at least
#: ``STORY_COMMON`` pieces of their stories in common ...
STORY_COMMON = 2
#: ... and more than this share of the smaller of their two sets of such pieces.
STORY_COMMON_SHARE = 2 / 3


def shares_story(mine: Iterable[int], theirs: Iterable[int]) -> bool:
    """Whether a piece related to a clipping is of its story all the same: the pieces
    each labels same story (or duplicate) are mostly the same ones. A local test, read
    from two stored lists, of what ``stories`` does over the whole archive: on the
    calibration half of the mixed archive it raised label cover from 0.73 to 0.83 at a
    precision of 0.958 (unchanged); two thirds rather than a half or a third keeps
    precision there (0.954, 0.942), two common pieces rather than one keeps apart two
    events sharing a single report that tells both."""
    a, b = set(mine), set(theirs)
    common = len(a & b)
    return common >= STORY_COMMON and common > STORY_COMMON_SHARE * min(len(a), len(b))


# --- Stories -------------------------------------------------------------------------------

#: A story's member is linked to its core and to more than this share of its other
#: members. A third: on the calibration half a half split one event's reports into
#: 1.6 stories on average and a third into 1.4, at a purity of 0.99 against 0.98
#: (no link at all to the others, 0.0, let purity fall to 0.97).
STORY_DENSITY = 1 / 3
#: Stories cut from one connected group of one language are joined again where the
#: links between them outnumber the smaller one's pieces (each of its pieces linked, on
#: average, to more than one of the other's) and every piece of the smaller one is
#: linked to the other. Cutting around a core leaves out a pair of reports linked to
#: several members but not to the core, which then made a story of its own; on the
#: calibration half this took one event's reports from 1.42 stories to 1.31 at the same
#: purity (0.989) and no more stories merging distractors, where a third
#: (``STORY_DENSITY``, as across languages) reached 1.12 at a purity of 0.961. On the
#: report half: 1.36 to 1.18 stories, purity 0.964 to 0.978.
REJOIN_DENSITY = 1.0


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


def stories(
    links: Mapping[int, Sequence[Link]],
    threshold: float | None = None,
    *,
    together: Collection[tuple[int, int]] = (),
    apart: Collection[tuple[int, int]] = (),
    languages: Callable[[Sequence[int]], Mapping[int, str]] | None = None,
) -> list[list[int]]:
    """Groups of clippings about one event, largest first (single clippings are not
    stories), from each live clipping's links to pieces of its story (``links``: same
    story or duplicate; links to clippings that are not keys are ignored).

    Two clippings are linked when one is a duplicate of the other, or when each has the
    other as same story with a score of at least ``threshold`` (``STORY_THRESHOLD``
    when None): a stricter threshold only ever removes links, so stories only split.

    A story is not just a connected group: pieces linked in a chain (a flood report, a
    briefing of the flood and a strike, a strike report) are not one story. Each group
    is cut around a *core*, its piece with the most links; a member stays only if it is
    linked to the core and to more than a third (``STORY_DENSITY``) of the story's
    other members, and in a story of three or more to one besides the core (copies of
    a member count as the member). What is cut off is grouped again the same way, and
    a smaller story cut from one group moves into a larger one where the links between
    them are dense and reach every piece of the smaller one (``REJOIN_DENSITY``,
    ``_rejoin``): a pair of reports linked to many members of a story but not to its
    core is of that story.

    With ``languages`` (a function giving the language codes of the clippings asked,
    called once for those in connected groups; "" or missing: unknown), the stories of
    each language are found first, and then joined across languages
    (``_across_languages``): reports in other languages are linked by their names and
    numbers alone, more thinly than reports in one, and cutting a group of five
    languages around one core left the reports linked mostly to each other (two
    Spanish ones, say) out of the story they both belong to.

    A user's verdicts outrank all that (``_honour``): pairs ``together`` end in one
    story, pairs ``apart`` never do (a pair apart loses its own link, and a story that
    still holds both through others keeps the one more linked within it).
    """
    if threshold is None:
        threshold = STORY_THRESHOLD
    split = {frozenset(pair) for pair in apart}
    said = {i: {o: (s, d) for o, s, d in found} for i, found in links.items()}
    for pair in split:  # a pair the user said is two loses its own links
        a, b = sorted(pair)
        said.get(a, {}).pop(b, None)
        said.get(b, {}).pop(a, None)
    # One pass over the links (600,000 at 100,000 clippings): the pairs of copies
    # (either side says duplicate) and the pairs linked both ways above the threshold.
    copied: list[tuple[int, int]] = []
    mutual: list[tuple[int, int]] = []
    for clipping_id, found in said.items():
        for other, (score, duplicate) in found.items():
            theirs = said.get(other)
            if theirs is None:
                continue
            back = theirs.get(clipping_id)
            if duplicate or (back is not None and back[1]):
                copied.append((clipping_id, other))
            if (
                back is not None
                and clipping_id < other
                and score >= threshold
                and back[0] >= threshold
            ):
                mutual.append((clipping_id, other))
    # Copies first: a clipping and its duplicates are one unit (its representative),
    # whose links are those of any of them.
    texts = _Groups()
    for clipping_id in said:
        texts.find(clipping_id)
    for clipping_id, other in copied:
        texts.union(clipping_id, other)
    unit = {i: texts.find(i) for i in links}
    adjacent: dict[int, set[int]] = {u: set() for u in unit.values()}
    for clipping_id, other in mutual:
        mine, yours = unit[clipping_id], unit[other]
        if mine != yours:
            adjacent[mine].add(yours)
            adjacent[yours].add(mine)
    groups = _Groups()
    for representative, near in adjacent.items():
        groups.find(representative)
        for other in near:
            groups.union(representative, other)
    members: dict[int, list[int]] = {}
    for representative in adjacent:
        members.setdefault(groups.find(representative), []).append(representative)
    copies_of: dict[int, list[int]] = {}
    for clipping_id, representative in unit.items():
        copies_of.setdefault(representative, []).append(clipping_id)
    if languages is not None:
        grouped = [i for ids in members.values() if len(ids) > 1 for i in ids]
        cut = _across_languages(members.values(), adjacent, languages(grouped))
    else:
        cut = [
            story
            for ids in members.values()
            for story in (_cores(set(ids), adjacent) if len(ids) > 1 else [set(ids)])
        ]
    found_groups = []
    for story in cut:
        expanded = sorted(c for representative in story for c in copies_of[representative])
        if len(expanded) > 1:
            found_groups.append(expanded)
    if together or split:
        found_groups = _honour(found_groups, said, together, split, set(links))
    found_groups.sort(key=lambda ids: (-len(ids), ids[0]))
    return found_groups


def _honour(
    groups: list[list[int]],
    said: Mapping[int, Mapping[int, tuple[float, bool]]],
    together: Collection[tuple[int, int]],
    split: set[frozenset[int]],
    live: set[int],
) -> list[list[int]]:
    """The stories with the user's verdicts applied, as constraints on the program's
    groups (must-link, cannot-link):

    1. a story holding a pair ``split`` loses, one at a time, the member of such a pair
       with the fewest links within it (on a tie, the newer: the larger id), sparing
       one the user joined to another member;
    2. each pair ``together`` joins one story (a new one of the two, the other's, or
       both stories merged), and step 1 is applied again to the stories merged;
    3. a member left linked to no other member of its story (its link went with a
       member that left) leaves too.

    Verdicts that contradict each other (``verdict_clash``) are refused when given, so
    step 2 only undoes what the program grouped, never what the user said.
    """
    joined: dict[int, set[int]] = {}
    for a, b in together:
        if a in live and b in live and frozenset((a, b)) not in split:
            joined.setdefault(a, set()).add(b)
            joined.setdefault(b, set()).add(a)

    def linked(i: int, story: set[int]) -> int:
        mine = said.get(i, {})
        return sum(
            1
            for o in story
            if o != i and (o in mine or i in said.get(o, {}) or o in joined.get(i, ()))
        )

    judged = {i for pair in split for i in pair}

    def part(story: set[int]) -> None:
        while story & judged:
            clashing = [pair for pair in split if pair <= story]
            if not clashing:
                break
            candidates = {i for pair in clashing for i in pair}
            # One the user joined to another member stays, if the pair allows it.
            story.discard(
                min(
                    candidates,
                    key=lambda i: (bool(joined.get(i, set()) & story), linked(i, story), -i),
                )
            )

    members: dict[int, set[int]] = dict(enumerate(set(group) for group in groups))
    for story in members.values():
        part(story)
    story_of = {i: number for number, story in members.items() for i in story}
    fresh = len(groups)
    for a, b in sorted(together):
        if b not in joined.get(a, ()):
            continue
        for i in (a, b):
            if i not in story_of:
                members[fresh] = {i}
                story_of[i] = fresh
                fresh += 1
        sa, sb = story_of[a], story_of[b]
        if sa == sb:
            continue
        moved = members.pop(sb)
        members[sa] |= moved
        story_of.update(dict.fromkeys(moved, sa))
        before = set(members[sa])
        part(members[sa])
        for gone in before - members[sa]:
            members[fresh] = {gone}
            story_of[gone] = fresh
            fresh += 1
    for story in members.values():
        while len(story) > 1:
            lonely = [i for i in story if linked(i, story) == 0]
            if not lonely:
                break
            story.difference_update(lonely)
    return [sorted(story) for story in members.values() if len(story) > 1]


def verdict_clash(
    together: Collection[tuple[int, int]], apart: Collection[tuple[int, int]]
) -> list[int] | None:
    """Where the user's verdicts contradict each other: the clippings of a pair said
    not to be the same story that pairs said to be one join (a chain ``[a, ..., b]``
    from one to the other), or None."""
    near: dict[int, set[int]] = {}
    for a, b in together:
        near.setdefault(a, set()).add(b)
        near.setdefault(b, set()).add(a)
    for a, b in sorted(apart):
        came: dict[int, int] = {a: a}
        queue = [a]
        while queue and b not in came:
            here = queue.pop(0)
            for there in sorted(near.get(here, ())):
                if there not in came:
                    came[there] = here
                    queue.append(there)
        if b in came:
            chain = [b]
            while chain[-1] != a:
                chain.append(came[chain[-1]])
            return chain[::-1]
    return None


def _across_languages(
    groups: Iterable[list[int]],
    adjacent: Mapping[int, set[int]],
    languages: Mapping[int, str],
) -> list[set[int]]:
    """Stories of connected groups whose pieces are in several languages: each
    language's stories first (``_cores`` over the links within it), then two stories
    (or a story and a piece of no story) are joined where the links between them are
    dense: at least two, and more than ``STORY_DENSITY`` of the smaller one's pieces,
    as a member of a story is linked to its others. The densest pair is joined first,
    and the links are counted again for what it makes."""
    found: list[set[int]] = []
    for ids in groups:
        tongue = {i: languages.get(i, "") for i in ids}
        if len(set(tongue.values())) < 2:
            found.extend(_cores(set(ids), adjacent) if len(ids) > 1 else [set(ids)])
            continue
        units: list[set[int]] = []
        for language in sorted(set(tongue.values())):
            mine = {i for i in ids if tongue[i] == language}
            within = {i: adjacent[i] & mine for i in mine}
            stories = _cores(mine, within) if len(mine) > 1 else []
            units.extend(stories)
            placed = set().union(*stories) if stories else set()
            units.extend({i} for i in sorted(mine - placed))
        found.extend(_join(units, adjacent))
    return found


def _join(units: list[set[int]], adjacent: Mapping[int, set[int]]) -> list[set[int]]:
    """``units`` joined two at a time while a pair is densely linked (see
    ``_across_languages``); the links between units are counted once and added up as
    they join."""
    members = {k: set(u) for k, u in enumerate(units)}
    owner = {i: k for k, u in members.items() for i in u}
    between: dict[int, dict[int, int]] = {k: {} for k in members}
    for i, k in owner.items():
        for j in adjacent[i]:
            other = owner.get(j)
            if other is not None and other != k and i < j:
                between[k][other] = between[k].get(other, 0) + 1
                between[other][k] = between[other].get(k, 0) + 1
    while True:
        best: tuple[float, int, int] | None = None
        for a, found in between.items():
            for b, count in found.items():
                small = min(len(members[a]), len(members[b]))
                if a < b and count >= max(2, int(STORY_DENSITY * small) + 1):
                    density = count / (len(members[a]) * len(members[b]))
                    if best is None or density > best[0]:
                        best = (density, a, b)
        if best is None:
            return list(members.values())
        _density, a, b = best
        members[a] |= members.pop(b)
        for c, count in between.pop(b).items():
            del between[c][b]
            if c != a:
                between[a][c] = between[a].get(c, 0) + count
                between[c][a] = between[c].get(a, 0) + count


def _rejoin(stories: list[set[int]], adjacent: Mapping[int, set[int]]) -> list[set[int]]:
    """The stories cut from one group, where a smaller one is densely linked to a
    larger one (more links than ``REJOIN_DENSITY`` times its pieces, and every one of
    its pieces linked to the larger), moved into it: the smallest first, each into the
    larger story it is most densely linked to. Once: a story that took another in
    moves no more, and one that moved takes none in, so every piece of a story is in
    the story as cut around its core or linked to that directly (no chain of stories
    each joined to the next)."""
    if len(stories) < 2:
        return stories
    owner = {i: k for k, story in enumerate(stories) for i in story}
    order = sorted(range(len(stories)), key=lambda k: (len(stories[k]), min(stories[k])))
    rank = {k: n for n, k in enumerate(order)}
    into: dict[int, int] = {}
    took: set[int] = set()
    for k in order:
        if k in took:
            continue
        story = stories[k]
        links: dict[int, int] = {}
        for i in story:
            for j in adjacent[i]:
                other = owner.get(j)
                if other is not None and rank[other] > rank[k]:  # larger: not moved yet
                    links[other] = links.get(other, 0) + 1
        best: tuple[float, int] | None = None
        for other, count in links.items():
            if count < max(2, int(REJOIN_DENSITY * len(story)) + 1):
                continue
            if any(not adjacent[i] & stories[other] for i in story):
                continue
            dense = count / (len(story) * len(stories[other]))
            if best is None or dense > best[0]:
                best = (dense, other)
        if best is not None:
            into[k] = best[1]
            took.add(best[1])
    joined = {k: set(story) for k, story in enumerate(stories) if k not in into}
    for k, other in into.items():
        joined[other] |= stories[k]
    return list(joined.values())


def _cores(group: set[int], adjacent: Mapping[int, set[int]]) -> list[set[int]]:
    """A connected group cut into stories around cores (see ``stories``), the smaller
    ones moved into a larger one where densely linked to it (``_rejoin``), then the
    pieces left alone put in the story they are linked to (``_attach``)."""
    stories = _rejoin(_cut(group, adjacent), adjacent)
    return _attach(stories, group, adjacent)


def _attach(
    stories: list[set[int]], group: set[int], adjacent: Mapping[int, set[int]]
) -> list[set[int]]:
    """The stories with each piece of the group that was left in none (cut off around
    the cores) put in the story where most of its links are: at least ``STORY_COMMON``
    of them and more than ``STORY_COMMON_SHARE`` (``shares_story``, the rule by which
    the Related panel calls such a piece same story with the story's members, so that
    the panel and the stories agree). The stories as they were cut decide, so a piece
    never joins through another that joined (no chain).

    Cutting around a core leaves out a report linked to two members of a large story
    but not to a third of them; on the mixed archive this put the ECB+ reports in their
    event's story 0.898 -> 0.944 of the time on the calibration half (purity 0.992
    unchanged), 0.912 -> 0.925 on the report half (0.986 -> 0.985), 0.906 -> 0.946 on
    the whole (0.988 -> 0.987): 25 of the 27 pieces it placed there were of the
    story's event, the other two of its topic (an older event of it)."""
    placed = {i: k for k, story in enumerate(stories) for i in story}
    joined = [set(story) for story in stories]
    for i in sorted(group - placed.keys()):
        near = {placed[j] for j in adjacent[i] if j in placed}
        for k in sorted(near):
            if shares_story(adjacent[i], stories[k]):
                joined[k].add(i)
                break
    return joined


def _cut(group: set[int], adjacent: Mapping[int, set[int]]) -> list[set[int]]:
    """A connected group cut into stories around cores."""
    found: list[set[int]] = []
    left = set(group)
    while len(left) > 1:
        core = max(left, key=lambda i: (len(adjacent[i] & left), -i))
        story = {core} | (adjacent[core] & left)
        while True:
            # The member least linked within the story leaves first, until every one
            # is linked to more than ``STORY_DENSITY`` of the others, and to one more
            # than the core (no chain of three through the core).
            weakest = min(
                (i for i in story if i != core),
                key=lambda i: (len(adjacent[i] & story), -i),
                default=None,
            )
            others = len(story) - 1
            needed = min(others, max(2, int(STORY_DENSITY * others) + 1))
            if weakest is None or len(adjacent[weakest] & story) >= needed:
                break
            story.discard(weakest)
        if len(story) < 2:
            left.discard(core)
            continue
        found.append(story)
        left -= story
    return found


def copy_groups(links: Mapping[int, Sequence[Link]], ids: Iterable[int]) -> list[list[int]]:
    """The clippings among these that hold one text, by their duplicate links: groups
    of two or more, each sorted."""
    members = set(ids)
    texts = _Groups()
    for clipping_id in members:
        texts.find(clipping_id)
        for other, _score, duplicate in links.get(clipping_id, ()):
            if duplicate and other in members:
                texts.union(clipping_id, other)
    found: dict[int, list[int]] = {}
    for clipping_id in sorted(members):
        found.setdefault(texts.find(clipping_id), []).append(clipping_id)
    return [group for group in found.values() if len(group) > 1]

"""The window's whole hit list on Whoosh, scored in bulk (``whoosh_hits``): the same
clippings, scores and order as Whoosh's own search, with an exact count."""

from __future__ import annotations

import random
from datetime import date

import pytest
from whoosh.query import ConstantScoreQuery, Or

from clippings.model import IndexDocument
from clippings.search import whoosh_hits, whoosh_index
from clippings.search.whoosh_index import WhooshIndex

WORDS = [
    *("police", "fire", "said", "election", "electoral", "electricity", "earthquake"),
    *("hurricane", "killed", "minister", "officials", "reported", "storm", "city"),
    *("council", "budget", "market", "prices", "court", "judge"),
]
OUTLETS = ["Reuters", "Thomson Reuters Foundation", "reuters.com", "AP", "Le Monde"]
TAGS = [("Politics",), ("Politics", "Politics/Elections"), ("Crime",), ()]

QUERIES = [
    "police",
    "police fire",
    "earthquake OR hurricane",
    "police NOT fire",
    "police -killed",
    '"police said"',
    '"said police said"',
    '"police said"~3',
    "elect*",
    "title:police",
    "text:fire",
    "author:smith",
    "outlet:reuters",
    'outlet:"Thomson Reuters Foundation"',
    "published:2012",
    "published:[2012-01-01 to 2013-12-31]",
    "police published:[2012-01-01 to 2013-12-31]",
    "tag:politics",
    "lang:de",
    "(police OR fire) -killed published:[2011-01-01 to 2013-12-31] outlet:reuters",
    "elect* lang:en tag:politics",
    "police^3 OR court",
    "nothingmatchesthis",
]


def document(number: int, rng: random.Random, revision: int = 1) -> IndexDocument:
    sentences = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 14))) for _ in range(5)]
    return IndexDocument(
        id=number,
        revision=revision,
        title=" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 5))).capitalize(),
        text=". ".join(sentences).capitalize() + ".",
        outlet=OUTLETS[number % len(OUTLETS)],
        author="Anna Smith" if number % 3 == 0 else "Olga Petrova",
        language=["en", "en", "de", "fr"][number % 4],
        published=date(2011 + number % 4, 1 + number % 12, 1 + number % 28),
        tags=TAGS[number % len(TAGS)],
    )


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """300 clippings in several segments, some of them changed or deleted since (so
    some entries of the older segments are deleted)."""
    folder = tmp_path_factory.mktemp("hits") / "index"
    rng = random.Random(9)
    built = WhooshIndex(folder)
    with built.locked():
        built.rebuild(lambda _after: [[document(n, rng) for n in range(200)]], 200)
        for start in range(200, 300, 25):
            built.apply([document(n, rng) for n in range(start, start + 25)], [])
        built.apply([document(n, rng, revision=2) for n in range(0, 200, 7)], [5, 11, 230])
    assert built.segment_count() > 2
    yield built
    built.close()


def whooshs_own(index: WhooshIndex, text: str) -> list[tuple[int, float]]:
    """Every match as Whoosh's own search scores and orders it (with Whoosh's own way
    of listing a constant score's matches, too)."""
    searcher, prepared = index._prepared(text)
    ours = ConstantScoreQuery.matcher
    ConstantScoreQuery.matcher = whoosh_hits.WHOOSHS_CONSTANT_SCORE_MATCHER
    try:
        results = searcher.search(prepared.query, limit=None)
    finally:
        ConstantScoreQuery.matcher = ours
    stored = searcher.reader().stored_fields
    return [(int(stored(docnum)["id"]), float(score)) for score, docnum in results.top_n]


@pytest.fixture(params=["small segments", "big segments"])
def unions(request, monkeypatch):
    """Whoosh preloads an OR's matches on segments of up to 5,000 clippings and walks a
    tree of unions on bigger ones (as at 100,000 clippings): both ways."""
    if request.param == "big segments":
        monkeypatch.setattr(Or, "matcher_type", Or.DEFAULT_MATCHER)
    return request.param


@pytest.mark.parametrize("text", QUERIES)
def test_the_whole_hit_list_is_whooshs(index, unions, text):
    expected = whooshs_own(index, text)
    for limit in (None, 10_000, 1_000):
        ranking = index.search(text, limit=limit)
        assert list(ranking.hits) == expected[:limit], (text, limit)
        assert ranking.exact and ranking.total == len(expected)
    # The first page (Whoosh's block-skipping collector) is the same first page.
    first = index.search(text, limit=20)
    assert list(first.hits) == expected[:20]
    assert first.total == len(expected) if first.exact else 20 <= first.total <= len(expected)


def test_a_limit_below_the_matches_keeps_the_best_in_order(index):
    expected = whooshs_own(index, "police")
    assert len(expected) > 40
    searcher, prepared = index._prepared("police")
    best, total = whoosh_hits.ranked(searcher, prepared.query, 40)
    assert total == len(expected)
    ids = index._clipping_ids.of(searcher, [docnum for _score, docnum in best])
    assert list(zip(ids, [score for score, _docnum in best], strict=True)) == expected[:40]


def test_equal_scores_keep_the_index_order(tmp_path):
    folder = tmp_path / "index"
    same = WhooshIndex(folder)
    twins = [
        IndexDocument(n, 1, "Report", "The court met.", None, None, None, None, ())
        for n in range(1, 40)
    ]
    with same.locked():
        same.rebuild(lambda _after: [twins[:20]], 20)
        same.apply(twins[20:], [])
        rain = IndexDocument(100, 1, "Weather", "Rain fell.", None, None, None, None, ())
        same.apply([rain], [])
    ranking = same.search("court", limit=10_000)
    scores = {score for _id, score in ranking.hits}
    assert len(scores) == 1
    assert ranking.ids == whooshs_own_ids(same, "court") == list(range(1, 40))
    same.close()


def whooshs_own_ids(index: WhooshIndex, text: str) -> list[int]:
    return [clipping_id for clipping_id, _score in whooshs_own(index, text)]


def test_an_excluded_word_excludes_even_the_first_match(tmp_path):
    """Whoosh's AND NOT let through the first match of a segment when the excluded
    word's list started before it (``police -killed`` showed a clipping with "killed")."""
    folder = tmp_path / "index"
    small = WhooshIndex(folder)
    texts = ["Three were killed.", "Police said two were killed.", "Police said nothing."]
    documents = [
        IndexDocument(n, 1, f"Story {n}", text, None, None, None, None, ())
        for n, text in enumerate(texts, start=1)
    ]
    with small.locked():
        small.rebuild(lambda _after: [documents], len(documents))
    for limit in (None, 20, 10_000):
        ranking = small.search("police -killed", limit=limit)
        assert ranking.ids == [3], limit
        assert ranking.total == 1
    small.close()


def test_clipping_ids_follow_changes(index, tmp_path):
    """Ids read once are kept per segment; an update moves a clipping to a new segment
    and the kept ids still name the right clippings."""
    folder = tmp_path / "index"
    changing = WhooshIndex(folder)
    rng = random.Random(3)
    with changing.locked():
        changing.rebuild(lambda _after: [[document(n, rng) for n in range(30)]], 30)
    before = changing.search("police", limit=10_000)
    assert before.ids == whooshs_own_ids(changing, "police")
    with changing.locked():
        changing.apply([document(n, rng, revision=2) for n in range(0, 30, 2)], [1, 3])
    after = changing.search("police", limit=10_000)
    assert after.ids == whooshs_own_ids(changing, "police")
    assert 1 not in after.ids and 3 not in after.ids
    changing.close()


def test_a_failure_of_the_bulk_scoring_falls_back_to_whooshs_own(index, monkeypatch):
    """A flaw in the bulk scoring must not read as a damaged index (which would rebuild
    it): Whoosh's own search answers instead."""
    expected = whooshs_own(index, "police fire")

    def broken(*_args: object) -> None:
        raise RuntimeError("a flaw")

    monkeypatch.setattr(whoosh_index, "ranked", broken)
    assert list(index.search("police fire", limit=None).hits) == expected
    first = index.search("police fire", limit=20)
    assert len(first.hits) == 20

"""Counts a user can trust, and filters that mean exactly what they name.

Engine-neutral: everything goes through ``Archive.search`` / ``Archive.search_ids``.
"""

from __future__ import annotations

import random
from datetime import date

import pytest

from clippings.model import SearchFilters
from tests.conftest import add_clipping

WORDS = [
    "police",
    "fire",
    "said",
    "election",
    "electoral",
    "electricity",
    "earthquake",
    "hurricane",
    "killed",
    "minister",
    "officials",
    "reported",
    "storm",
    "city",
    "council",
    "budget",
    "market",
    "prices",
    "court",
    "judge",
]
OUTLETS = ["Reuters", "Thomson Reuters Foundation", "reuters.com", "AP", "Le Monde"]
TAGS = [["Politics"], ["Politics/Elections"], ["Crime"], []]
LANGUAGES = ["en", "en", "de", "FR"]

QUERIES = [
    "police",  # a word
    "police fire",  # AND
    "police AND fire",
    "earthquake OR hurricane",  # OR
    "police NOT fire",  # NOT
    "police -fire",
    '"police said"',  # a phrase
    "elect*",  # a prefix
    "title:police",
    "text:fire",
    "author:smith",
    "outlet:reuters",
    'outlet:"Thomson Reuters Foundation"',
    "published:2012",  # dates
    "published:2012-03",
    "published:[2012-01-01 to 2013-12-31]",
    "police published:[2012-01-01 to 2013-12-31]",  # the count that was wrong
    "published:[2013-06-01 to ]",
    "tag:politics",
    "lang:de",
    "(police OR fire) -killed published:[2011-01-01 to 2013-12-31] outlet:reuters",
    "elect* lang:en tag:politics",
]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """60 clippings, each committed to the index on its own (many small segments)."""
    from clippings.services import Archive

    archive = Archive.open(tmp_path_factory.mktemp("counts") / "archive")
    rng = random.Random(9)
    for number in range(60):
        body = ". ".join(
            " ".join(rng.choice(WORDS) for _ in range(12)) for _ in range(5)
        ).capitalize()
        add_clipping(
            archive,
            body + ".",
            title=" ".join(rng.choice(WORDS) for _ in range(4)).capitalize(),
            outlet=OUTLETS[number % len(OUTLETS)],
            author="Anna Smith" if number % 3 == 0 else "Olga Petrova",
            language=LANGUAGES[number % len(LANGUAGES)],
            published=date(2011 + number % 4, 1 + number % 12, 1 + number % 28),
            tags=TAGS[number % len(TAGS)],
        )
    yield archive
    archive.close()


@pytest.mark.parametrize("query", QUERIES)
def test_the_count_equals_the_whole_hit_list(sample, query):
    everything = sample.search_ids(query, limit=None)
    assert everything.exact
    assert everything.total == len(everything.ids)
    assert len(set(everything.ids)) == len(everything.ids)
    for limit in (1, 3, 20, 10_000):
        ranking = sample.search_ids(query, limit=limit)
        assert ranking.ids == everything.ids[:limit] or len(ranking.ids) == min(
            limit, len(everything.ids)
        )
        if ranking.exact:
            assert ranking.total == len(everything.ids), (query, limit)
        else:  # "more than N": a true lower bound
            assert len(ranking.ids) <= ranking.total <= len(everything.ids), (query, limit)
        by_date = sample.search_ids(query, limit=limit, sort="date")
        assert by_date.exact and by_date.total == len(everything.ids)
    shown = sample.search(query, limit=20)
    assert shown.total >= len(shown.hits)
    assert not shown.exact or shown.total == len(everything.ids)


def test_the_date_range_count_matches_its_hits(sample):
    query = "police published:[2012-01-01 to 2013-12-31]"
    everything = sample.search_ids(query, limit=None).ids
    assert everything  # the sample has such clippings
    for limit in (1, 2, 5):
        ranking = sample.search_ids(query, limit=limit)
        assert ranking.total == len(everything) if ranking.exact else ranking.total >= limit


def found(archive, query, filters=None):
    return set(archive.search_ids(query, filters, limit=None).ids)


def test_outlet_is_the_whole_name_in_any_case(archive):
    reuters = add_clipping(archive, "Markets closed higher.", outlet="Reuters")
    foundation = add_clipping(archive, "Markets closed lower.", outlet="Thomson Reuters Foundation")
    address = add_clipping(archive, "Markets were flat.", outlet="www.reuters.com")
    monde = add_clipping(archive, "Les marchés ont clôturé.", outlet="Le Monde")
    assert found(archive, "outlet:Reuters") == {reuters, address}
    assert found(archive, "outlet:REUTERS") == {reuters, address}
    assert found(archive, "outlet:reuters.com") == {address}
    assert found(archive, 'outlet:"thomson reuters foundation"') == {foundation}
    assert found(archive, "outlet:thomson") == set()
    assert found(archive, 'outlet:"le monde"') == {monde}
    assert found(archive, "outlet:le") == set()
    assert found(archive, "-outlet:reuters markets") == {foundation}
    # The window's outlet filter is the same exact name.
    assert found(archive, "", SearchFilters(outlet="Reuters")) == {reuters, address}
    assert found(archive, "markets", SearchFilters(outlet="Thomson Reuters Foundation")) == {
        foundation
    }
    # The words of an outlet's name are still found as words.
    assert found(archive, "reuters") == {reuters, foundation, address}
    assert found(archive, "thomson") == {foundation}
    # A name that begins so.
    assert found(archive, "outlet:reut*") == {reuters, address}


def test_tag_is_exact_and_includes_its_children(archive):
    elections = add_clipping(archive, "Votes were counted.", tags=["Politics/Elections"])
    politics = add_clipping(archive, "Parliament met.", tags=["Politics"])
    other = add_clipping(archive, "Parliament of owls.", tags=["Politics of owls"])
    assert found(archive, "tag:politics") == {elections, politics}
    assert found(archive, "tag:Politics/Elections") == {elections}
    assert found(archive, "tag:elections") == set()
    assert found(archive, 'tag:"politics of owls"') == {other}
    assert found(archive, "", SearchFilters(tag="Politics")) == {elections, politics}


def test_language_is_exact_in_any_case(archive):
    german = add_clipping(archive, "Die Regierung tagte.", language="de")
    swiss = add_clipping(archive, "Die Regierung tagte auch.", language="de-CH")
    assert found(archive, "lang:de") == {german}
    assert found(archive, "lang:DE") == {german}
    assert found(archive, "lang:de-ch") == {swiss}
    assert found(archive, "", SearchFilters(language="DE")) == {german}
    assert found(archive, "lang:d") == set()


def test_updates_and_deletions_over_many_commits(archive):
    """Many single commits (no merging on the way), edits, trash, restore, purge."""
    ids = [add_clipping(archive, f"Harbour report number {n}.") for n in range(40)]
    archive.edit(ids[0], {"title": "The lighthouse", "outlet": "Harbour Times"})
    archive.trash([ids[1], ids[2]])
    archive.restore([ids[2]])
    archive.trash([ids[3]])
    archive.purge([ids[3]])
    live = set(ids) - {ids[1], ids[3]}
    assert found(archive, "harbour") == live
    assert found(archive, "lighthouse") == {ids[0]}
    assert found(archive, 'outlet:"harbour times"') == {ids[0]}
    assert archive.search("harbour", limit=5).total == len(live)
    archive.rebuild_index()
    assert found(archive, "harbour") == live
    assert found(archive, "title:lighthouse") == {ids[0]}
    assert archive.search("harbour", limit=5).total == len(live)

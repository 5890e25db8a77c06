"""Counts a user can trust, on both engines, and prefixes that stand for many words."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import SEARCH_ENGINES, add_clipping, open_archive, server_search

WORDS = ["police", "fire", "election", "electric", "elector", "storm", "harbour"]
KINDS = [
    "police",
    "police fire",
    '"police fire"',
    "elect*",
    "police OR storm",
    "police -fire",
    "title:police",
    "outlet:reuters",
    "tag:ports",
    "lang:de",
    "published:2021",
    "police published:[2021-01-01 to 2021-06-30]",
    "published:[2021-03-01 to ]",
]


@pytest.fixture(scope="module", params=SEARCH_ENGINES)
def many(request, tmp_path_factory):
    server = database = None
    if request.param == "postgresql":
        archive = open_archive(tmp_path_factory.mktemp("many") / "archive")
        server = request.getfixturevalue("pg_server")
        database = server.new_database()
        search = server_search(archive, server.url(database))
    else:
        archive = open_archive(tmp_path_factory.mktemp("many") / "archive", request.param)
    for n in range(40):
        words = [WORDS[(n * k) % len(WORDS)] for k in range(1, 5)]
        add_clipping(
            archive,
            f"Report {n}: " + " ".join(words) + ".",
            title=f"{words[0].title()} report {n}",
            outlet="Reuters" if n % 3 == 0 else "Thomson Reuters Foundation",
            language="de" if n % 5 == 0 else "en",
            published=date(2020 + n % 3, 1 + n % 12, 1 + n % 28),
            tags=["Ports"] if n % 4 == 0 else [],
        )
    yield archive
    archive.close()
    if server is not None:
        search.engine.dispose()
        server.drop_database(database)


@pytest.mark.parametrize("query", KINDS)
def test_the_count_is_the_length_of_the_full_hit_list(many, query):
    everything = many.search_ids(query, limit=None)
    assert everything.exact
    assert everything.total == len(everything.ids) == len(set(everything.ids))
    first = many.search(query, limit=5)
    assert first.total == everything.total
    assert [hit.clipping.id for hit in first.hits] == everything.ids[:5]
    by_date = many.search_ids(query, limit=None, sort="date")
    assert sorted(by_date.ids) == sorted(everything.ids)


def test_a_prefix_for_too_many_words_is_narrowed_and_says_so(many, monkeypatch):
    if many.index.__class__.__name__ == "PostgresIndex":
        pytest.skip("the server searches every word a prefix stands for (its GIN index)")
    monkeypatch.setattr("clippings.search.whoosh_queries.PREFIX_CAP", 2)
    monkeypatch.setattr("clippings.search.tantivy_query.PREFIX_TERMS", 2)
    many.index.close()  # forget the queries prepared with the real cap
    ranking = many.search_ids("elect*", limit=None)
    assert ranking.notes
    assert "elect* stands for more than 2 words" in ranking.notes[0]
    assert ranking.exact  # the count of what was searched for is exact
    # The two most frequent of election, electric and elector were searched for.
    assert 0 < ranking.total <= many.search_ids("election OR electric OR elector").total

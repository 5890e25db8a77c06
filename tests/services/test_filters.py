"""Filters, saved searches and id-level search: what the window builds on."""

from __future__ import annotations

from datetime import date

import pytest

from clippings.model import NotFoundError, QueryError, SavedSearch, SearchFilters
from tests.conftest import add_clipping


@pytest.fixture
def archive(engine_archive):
    """Filters and saved searches run on each search engine."""
    return engine_archive


@pytest.fixture
def three(archive):
    a = add_clipping(
        archive,
        "The summit in Geneva ended.",
        title="Summit",
        outlet="Reuters",
        language="en",
        published=date(2021, 7, 25),
        tags=["Russia/US"],
    )
    b = add_clipping(
        archive,
        "Le sommet de Genève est terminé.",
        title="Sommet",
        outlet="Le Monde",
        language="fr",
        published=date(2021, 6, 1),
    )
    c = add_clipping(
        archive,
        "Another summit report from Geneva.",
        title="Report",
        outlet="Associated Press",
        language="en",
        published=None,
    )
    return archive, a, b, c


def test_filters_narrow_a_query_or_stand_alone(three):
    archive, a, b, c = three
    assert set(archive.search_ids("summit").ids) == {a, c}
    july = SearchFilters(date_from=date(2021, 7, 1), date_to=date(2021, 7, 31))
    assert archive.search_ids("summit", july).ids == [a]
    assert archive.search_ids("", SearchFilters(outlet="Le Monde")).ids == [b]
    assert archive.search_ids("", SearchFilters(language="FR")).ids == [b]
    assert archive.search_ids("", SearchFilters(tag="Russia")).ids == [a]
    assert archive.search_ids(
        "summit OR sommet", SearchFilters(date_from=date(2021, 6, 2))
    ).ids == [a]
    with pytest.raises(QueryError):
        archive.search_ids("", SearchFilters())


def test_sorting_ids_by_a_column_puts_missing_values_last(three):
    archive, a, b, c = three
    assert archive.sort_ids([a, b, c], "published", descending=True) == [a, b, c]
    assert archive.sort_ids([a, b, c], "published", descending=False) == [b, a, c]
    assert archive.sort_ids([a, b, c], "outlet", descending=False) == [c, b, a]


def test_snippets_for_the_rows_shown(three):
    archive, a, b, c = three
    snippets = archive.snippets("geneva", [a, c])
    assert set(snippets) == {a, c}
    assert "<mark>Geneva</mark>" in snippets[a]


def test_outlets_and_languages_for_the_filter_choices(three):
    archive, a, b, c = three
    assert {name for name, _ in archive.outlets()} == {"Reuters", "Le Monde", "Associated Press"}
    assert dict(archive.languages()) == {"en": 2, "fr": 1}
    archive.trash([b])
    assert dict(archive.languages()) == {"en": 2}


def test_saved_searches_round_trip_and_replace(three):
    archive, a, b, c = three
    search = SavedSearch(
        "Geneva in July", "summit", SearchFilters(date_from=date(2021, 7, 1), tag="Russia")
    )
    archive.save_search(search)
    assert archive.saved_searches() == [search]
    archive.save_search(SavedSearch("Geneva in July", "sommet"))
    assert [s.query for s in archive.saved_searches()] == ["sommet"]
    with pytest.raises(QueryError):
        archive.save_search(SavedSearch("Broken", "colour:red"))
    with pytest.raises(QueryError):
        archive.save_search(SavedSearch("Empty", " "))
    archive.delete_saved_search("Geneva in July")
    assert archive.saved_searches() == []
    with pytest.raises(NotFoundError):
        archive.delete_saved_search("Geneva in July")

"""The sample archive: the invented articles import, get tags, and show what related
pieces and stories do (the same event told twice, a wire copy, a follow-up)."""

from __future__ import annotations

import logging

import pytest

from clippings.services import Archive
from clippings.services.related import compute_missing_features, related, stories
from clippings.services.sample import (
    SAMPLE_TAGS,
    fill_sample_archive,
    sample_archive_path,
    sample_files,
)

COURIER = "Alder Bridge collapses after three days of rain in Kestrel Valley"
NORTHGATE = "Kestrel Valley cut off as Alder Bridge gives way: engineers had warned of cracks"
HERALD = "Rescue teams ferry villagers across Kestrel River after bridge collapse"
EASTSHORE = "Boats replace bridge for cut-off Kestrel Valley villagers"
FOLLOW_UP = "Army to build temporary crossing at Alder Bridge by the end of April"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """One sample archive for the module's tests (building it takes a few seconds)."""
    opened = Archive.open(tmp_path_factory.mktemp("sample") / "archive")
    built = fill_sample_archive(opened)
    compute_missing_features(opened)
    yield opened, built
    opened.close()


def ids_by_title(archive: Archive) -> dict[str, int]:
    return {row.title: row.id for row in archive.list() if row.title}


def test_every_sample_article_is_imported_with_its_outlet_and_date(sample):
    archive, built = sample
    assert len(sample_files()) >= 8
    assert len(built.report.of("imported")) == len(sample_files())
    rows = {row.title: row for row in archive.list()}
    assert rows[COURIER].outlet == "The Riverside Courier"
    assert rows[NORTHGATE].outlet == "Northgate Evening Post"
    assert str(rows[COURIER].published)[:10] == "2025-03-14"
    assert {row.language for row in rows.values()} >= {"en", "de", "fr"}


def test_the_sample_articles_are_invented(sample):
    """Every address is on a domain reserved for examples (never a corpus article)."""
    archive, _ = sample
    for row in archive.list():
        clipping = archive.get(row.id)
        assert clipping.url and ".example." in clipping.url, clipping.url


def test_a_couple_of_tags_are_given(sample):
    archive, built = sample
    wanted = {tag for tags in SAMPLE_TAGS.values() for tag in tags}
    assert {tag.name for tag in archive.tags()} == wanted
    assert archive.count(tag="Kestrel Valley") == 4
    assert {tag for tag, _ in built.tagged} == wanted


def test_two_reports_of_the_same_event_are_related(sample):
    archive, _ = sample
    ids = ids_by_title(archive)
    found = {r.clipping.id: r.relation for r in related(archive, ids[COURIER])}
    assert found.get(ids[NORTHGATE]) == "same story"
    assert ids[FOLLOW_UP] in found


def test_the_wire_copy_is_recognised_as_a_duplicate_not_merged(sample):
    """Two outlets' copies of one agency story: two clippings, each the other's duplicate."""
    archive, _ = sample
    ids = ids_by_title(archive)
    assert ids[HERALD] != ids[EASTSHORE]
    found = {r.clipping.id: r.relation for r in related(archive, ids[HERALD])}
    assert found.get(ids[EASTSHORE]) == "duplicate"


def test_the_bridge_reports_form_one_story_and_the_rest_stand_alone(sample):
    archive, _ = sample
    ids = ids_by_title(archive)
    grouped = [s for s in stories(archive) if len(s.clippings) > 1]
    assert len(grouped) == 1
    members = {c.id for c in grouped[0].clippings}
    assert members == {ids[t] for t in (COURIER, NORTHGATE, HERALD, EASTSHORE, FOLLOW_UP)}
    assert grouped[0].copies == 1


def test_search_finds_the_sample_articles(sample):
    archive, _ = sample
    titles = {hit.clipping.title for hit in archive.search("bridge").hits}
    assert COURIER in titles and HERALD in titles


def test_an_archive_with_clippings_is_kept_as_it_is(sample):
    archive, _ = sample
    before = archive.count()
    again = fill_sample_archive(archive)
    assert again.report.results == ()
    assert archive.count() == before


def test_the_sample_archive_lives_in_the_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert sample_archive_path() == tmp_path / "clippings" / "Sample archive"


def test_a_new_archive_creates_its_index_without_announcing_a_rebuild(tmp_path, caplog):
    progress = []
    with (
        caplog.at_level(logging.INFO),
        Archive.open(tmp_path / "new", report=progress.append) as opened,
    ):
        assert opened.index.needs_rebuild() is None
        assert opened.search("anything").total == 0
    assert not [r for r in caplog.records if "missing" in r.getMessage()]
    assert progress == []


def test_an_archive_whose_index_vanished_still_says_it_rebuilds(tmp_path, caplog):
    import shutil

    from tests.conftest import add_clipping

    with Archive.open(tmp_path / "old") as opened:
        add_clipping(opened, "A report about a bridge over a river.")
        index = opened.path / "index"
    shutil.rmtree(index)
    with caplog.at_level(logging.INFO), Archive.open(tmp_path / "old") as opened:
        assert opened.search("bridge").total == 1
    assert any("missing" in r.getMessage() for r in caplog.records)

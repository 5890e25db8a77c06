"""Related pieces and stories through an archive: import, trash, stored features."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from clippings.analysis.features import FEATURES_VERSION
from clippings.model import NotFoundError
from clippings.services import related as related_service
from tests.conftest import add_clipping


@pytest.fixture
def two_events(rehab_reports):
    """The reports of Lohan's and Reid's rehab, each id with its event."""
    archive, lohan, reid = rehab_reports
    return archive, {i: ("lohan" if i in lohan else "reid") for i in lohan + reid}


def test_related_ranks_reports_of_the_same_event_first(two_events):
    archive, event = two_events
    shown = 0
    for clipping_id, name in event.items():
        found = related_service.related(archive, clipping_id, limit=5)
        # A three-sentence report may share too little with the rest of a 9-clipping
        # archive to pass the related floor: it then shows nothing, never noise.
        if not found:
            continue
        shown += 1
        assert clipping_id not in [r.clipping.id for r in found]
        assert event[found[0].clipping.id] == name
        assert all(0.0 <= r.score <= 1.0 for r in found)
        assert [r.score for r in found] == sorted((r.score for r in found), reverse=True)
    assert shown >= len(event) - 1
    labelled = [
        (clipping_id, r.clipping.id)
        for clipping_id in event
        for r in related_service.related(archive, clipping_id)
        if r.relation in ("duplicate", "same story")
    ]
    assert labelled and all(event[a] == event[b] for a, b in labelled)


def test_features_are_stored_at_import_and_reused(two_events, monkeypatch):
    archive, event = two_events
    assert set(archive.store.stored_profiles(list(event))) == set(event)
    speakers = archive.store.stored_speakers(list(event), FEATURES_VERSION)
    assert set(speakers) == set(event)

    def refuse(*args: object) -> None:
        raise AssertionError("features recomputed instead of read from the archive")

    monkeypatch.setattr(related_service, "features", refuse)
    related_service.forget(archive)
    assert related_service.sync(archive) == len(event)
    assert related_service.related(archive, next(iter(event)))


def test_trashed_clippings_are_left_out(two_events):
    archive, event = two_events
    first = next(iter(event))
    victim = related_service.related(archive, first)[0].clipping.id
    archive.trash([victim])
    assert victim not in [r.clipping.id for r in related_service.related(archive, first)]
    assert related_service.related(archive, victim) == []
    assert all(victim not in [c.id for c in s.clippings] for s in related_service.stories(archive))
    archive.restore([victim])
    assert victim in [r.clipping.id for r in related_service.related(archive, first)]
    with pytest.raises(NotFoundError):
        related_service.related(archive, 999)


def test_stories_list_each_event_with_its_outlets_first_piece_and_copies(two_events):
    archive, event = two_events
    lohan = [i for i, name in event.items() if name == "lohan"]
    original = archive.get(lohan[0])
    paragraphs = original.text.split("\n\n")
    rewritten = "\n\n".join(paragraphs[1:] + paragraphs[:1]).replace(" has ", " had ", 1)
    copy = add_clipping(archive, rewritten, title="Lohan at Betty Ford", outlet="Copycat News")
    found = related_service.related(archive, lohan[0])
    assert found[0].clipping.id == copy
    assert found[0].relation == "duplicate" and found[0].shared > 0.7

    stories = related_service.stories(archive)
    assert stories
    for story in stories:
        names = {event.get(c.id, "lohan") for c in story.clippings}
        assert len(names) == 1
        dated = [c for c in story.clippings if c.published is not None]
        assert [c.published for c in dated] == sorted(c.published for c in dated)
        if dated:
            assert story.first == dated[0].id
    with_copy = next(s for s in stories if copy in [c.id for c in s.clippings])
    assert with_copy.copies == 1
    # The rows say which one is the copy: the one published after the original (the
    # copy has no date here, so it comes after).
    assert with_copy.copy_of == ((copy, lohan[0]),)
    assert "Copycat News" in with_copy.outlets
    assert len(with_copy.outlets) >= 3
    # A lower threshold makes larger, looser stories; a higher one smaller ones.
    assert sum(len(s.clippings) for s in related_service.stories(archive, threshold=0.9)) <= sum(
        len(s.clippings) for s in stories
    )


def test_a_story_s_first_report_is_not_a_date_without_a_time_over_a_morning_report(
    two_events,
):
    archive, event = two_events
    lohan = [i for i, name in event.items() if name == "lohan"]
    story = next(s for s in related_service.stories(archive) if lohan[0] in _ids(s))
    date_only, timed, *others = [c.id for c in story.clippings]
    for other in others:
        archive.edit(other, {"published": date(2013, 5, 4)})
    archive.edit(date_only, {"published": date(2013, 5, 3)})
    # Published at 8 a.m. that day: more likely before a report of that day whose time
    # is unknown than after it.
    archive.edit(timed, {"published": datetime(2013, 5, 3, 8, 0, tzinfo=UTC)})
    story = next(s for s in related_service.stories(archive) if timed in _ids(s))
    assert story.first == timed
    assert [c.id for c in story.clippings][:2] == [timed, date_only]
    # At 6 p.m., the report of that day without a time is taken as first.
    archive.edit(timed, {"published": datetime(2013, 5, 3, 18, 0, tzinfo=UTC)})
    story = next(s for s in related_service.stories(archive) if timed in _ids(s))
    assert story.first == date_only
    # A morning by the report's own clock, 9:01 in New York (13:01 UTC, after midday
    # UTC), is a morning too.
    new_york = timezone(timedelta(hours=-4))
    archive.edit(timed, {"published": datetime(2013, 5, 3, 9, 1, tzinfo=new_york)})
    story = next(s for s in related_service.stories(archive) if timed in _ids(s))
    assert story.first == timed


def _ids(story) -> set[int]:
    return {c.id for c in story.clippings}


def test_an_archive_without_stored_features_computes_them_once(archive, tmp_path: Path):
    a = add_clipping(archive, "The harbour of Northport reopened after the storm, Mayor Berg said.")
    b = add_clipping(archive, "Northport harbour reopened on Tuesday after the storm passed.")
    with archive.store.engine.begin() as conn:
        for table in ("clipping_analysis", "analysis_terms", "term_postings", "related_edges"):
            conn.exec_driver_sql(f"DELETE FROM {table}")
        conn.exec_driver_sql("DELETE FROM archive_meta WHERE key = 'features_version'")
    assert related_service.compute_missing_features(archive) == 2
    assert related_service.compute_missing_features(archive) == 0
    assert [r.clipping.id for r in related_service.related(archive, a)] == [b]


def test_press_releases_months_apart_are_not_one_story(archive, corpus, tmp_path: Path):
    """Two companies' press releases, each pair months apart (Ascom's 315 days, an ad
    platform's 137), share their "About" paragraph and contact lines word for word:
    enough names and likeness for a follow-up, but what a page copies is boilerplate,
    not a second report of one event. They stay related, not the same story."""
    import csv
    import gzip

    from clippings.services import import_paths

    pages = []
    for prefix in ("5ae11e58", "c69e539d", "57e2e988", "dfd43bc0"):
        found = next((corpus / "aeb" / "html").glob(f"{prefix}*.html.gz"))
        page = tmp_path / found.name.removesuffix(".gz")
        page.write_bytes(gzip.decompress(found.read_bytes()))
        pages.append(page)
    root = corpus / "ecbplus"
    with (root / "index.tsv").open(encoding="utf-8") as handle:
        background = [root / r["path"] for r in csv.DictReader(handle, delimiter="\t")]
    report = import_paths(archive, pages + background[:40])
    ascom, ascom_later, ads_later, ads = (r.id for r in report.results[:4])
    related_service.sync(archive)
    for one, other in ((ascom, ascom_later), (ads, ads_later)):
        assert archive.get(one).published and archive.get(other).published
        found = {r.clipping.id: r.relation for r in related_service.related(archive, one)}
        assert found.get(other) == "related", (archive.get(one).title, found)

"""The Whoosh index's own tuning: honest counts when it skips, capped prefixes, separate
segment files, merges off the commit path, a rebuild in two processes."""

from __future__ import annotations

import os

import pytest

from clippings.search import whoosh_build, whoosh_index, whoosh_queries
from tests.conftest import add_clipping

ELECT = [
    "election",
    "electoral",
    "electorate",
    "elector",
    "electric",
    "electricity",
    "electrode",
    "electron",
    "electronic",
    "elect",
    "elected",
    "electing",
]


@pytest.fixture
def engine() -> str:
    """Whoosh's own tuning: these tests run on Whoosh only (the engines' shared
    behaviour is tested on both in the other files)."""
    return "whoosh"


@pytest.fixture
def elections(archive):
    ids = []
    for number in range(30):
        words = " ".join(ELECT[: 1 + number % len(ELECT)])
        ids.append(
            add_clipping(
                archive,
                f"Police said the {words} story ran. Fire crews came. Number {number}.",
                title=f"Story {number}",
            )
        )
    return archive, ids


def test_a_count_that_skipped_matches_says_so(elections, monkeypatch):
    archive, _ = elections
    monkeypatch.setattr(whoosh_queries, "EXACT_COUNT_LIMIT", 0)
    # Words and ORs by Whoosh's block skipping too (not scored in bulk).
    monkeypatch.setattr(whoosh_queries, "FIRST_IN_BULK_SHARE", -1)
    archive.index.close()  # forget the queries prepared so far
    for query in ("police", "police fire", '"police said"', "elect*", "police -electron"):
        everything = archive.search_ids(query, limit=None)
        assert everything.exact and everything.total == len(everything.ids)
        for limit in (1, 2, 5):
            ranking = archive.search_ids(query, limit=limit)
            assert ranking.ids == everything.ids[:limit]
            if ranking.exact:
                assert ranking.total == everything.total, (query, limit)
            else:
                assert limit <= ranking.total <= everything.total, (query, limit)


def test_a_prefix_for_too_many_words_is_narrowed_and_says_so(elections, monkeypatch):
    archive, ids = elections
    monkeypatch.setattr(whoosh_queries, "PREFIX_CAP", 2)
    archive.index.close()
    ranking = archive.search_ids("elect*", limit=None)
    assert ranking.notes == ("elect* stands for more than 2 words; searched the 2 most common",)
    results = archive.search("elect*", limit=50)
    assert results.notes == ranking.notes
    # The two most common stems of the stories (every story has "election").
    assert len(ranking.ids) == len(ids)
    marked = archive.index.snippet("elect*", "The electron and the election.")
    assert marked.count("<mark>") == 1
    assert "<mark>election</mark>" in marked


def test_a_prefix_for_few_words_has_no_note(elections):
    archive, _ = elections
    assert archive.search_ids("electr*", limit=None).notes == ()


def test_segments_are_separate_files_and_commits_do_not_merge(archive):
    folder = archive.index.folder
    first = archive.index.segment_count()
    for number in range(5):
        add_clipping(archive, f"Harbour report {number}.")
    assert archive.index.segment_count() == first + 5
    assert not list(folder.glob("*.seg")), "no compound segment files"
    with archive.index.locked():
        while archive.index.tidy():
            pass
    assert archive.index.segment_count() == 1
    assert len(archive.search_ids("harbour", limit=None).ids) == 5
    assert not list(folder.glob("*.seg"))


def test_commits_keep_the_segment_count_bounded(archive, monkeypatch):
    monkeypatch.setattr(whoosh_index, "MAX_SEGMENTS", 6)
    ids = [add_clipping(archive, f"Harbour report {number}.") for number in range(12)]
    assert archive.index.segment_count() <= 7
    assert set(archive.search_ids("harbour", limit=None).ids) == set(ids)


def test_tidy_merges_by_tiers(archive, monkeypatch):
    monkeypatch.setattr(whoosh_index, "SMALL_SEGMENT", 3)
    monkeypatch.setattr(whoosh_index, "MERGE_FACTOR", 2)

    def tidy() -> int:
        merges = 0
        with archive.index.locked():
            while archive.index.tidy():
                merges += 1
        return merges

    ids = [add_clipping(archive, f"Harbour report {number}.") for number in range(3)]
    assert tidy() == 1  # the three small segments into one of the next tier
    assert archive.index.segment_count() == 1
    ids += [add_clipping(archive, f"Harbour report {number}.") for number in range(3, 6)]
    assert archive.index.segment_count() == 4
    assert tidy() == 2  # the small ones, then the two of the next tier
    assert archive.index.segment_count() == 1
    assert tidy() == 0
    assert set(archive.search_ids("harbour", limit=None).ids) == set(ids)


def test_a_rebuild_in_two_processes_finds_the_same(elections, monkeypatch):
    archive, ids = elections
    before = {q: archive.search_ids(q, limit=None).ids for q in ("police", "elect*", "story")}
    monkeypatch.setattr(whoosh_build, "PARALLEL_REBUILD_FROM", 0)
    monkeypatch.setattr(whoosh_build, "REBUILD_PROCS", 2)
    monkeypatch.setattr(whoosh_build, "REBUILD_JOB", 5)
    assert archive.rebuild_index()
    if (os.cpu_count() or 1) > 1:
        assert archive.index.segment_count() >= 2  # one per process, not merged
    for query, found in before.items():
        assert sorted(archive.search_ids(query, limit=None).ids) == sorted(found)
    assert archive.index.revisions().keys() == set(ids)


def test_a_rebuild_says_it_is_writing_while_whoosh_writes(archive, monkeypatch):
    """Whoosh writes a big index's postings at the end, without counting: meanwhile the
    rebuild keeps reporting, so a progress bar never looks stalled."""
    import threading

    from whoosh.writing import SegmentWriter

    for number in range(3):
        add_clipping(archive, f"Harbour report {number}.")
    monkeypatch.setattr(whoosh_build, "TICK_SECONDS", 0.01)
    commit = SegmentWriter.commit
    messages: list[str] = []
    ticked = threading.Event()

    def heard(message: str) -> None:
        messages.append(message)
        if sum(m.startswith("Writing the search index (") for m in messages) >= 3:
            ticked.set()

    def slow_commit(self, *args, **kwargs):
        # A commit that lasts until the rebuild has said three times that it is writing.
        assert ticked.wait(30), messages
        return commit(self, *args, **kwargs)

    monkeypatch.setattr(SegmentWriter, "commit", slow_commit)
    archive.rebuild_index(report=lambda progress: heard(progress.message))
    writing = [m for m in messages if m.startswith("Writing the search index (")]
    assert len(writing) >= 3, messages
    assert len(archive.search_ids("harbour", limit=None).ids) == 3

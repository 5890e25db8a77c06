"""A Whoosh rebuild commits in rounds: cancelled, killed or stopped, the next rebuild
picks up after the last committed round instead of starting over, and nothing changed
between the two runs is lost."""

from __future__ import annotations

import pytest

from clippings.search import whoosh_build
from clippings.search.whoosh_build import CHECKPOINT, Checkpoint
from clippings.services import Archive
from tests.conftest import add_clipping


@pytest.fixture
def engine() -> str:
    return "whoosh"  # tantivy builds 100,000 clippings in seconds: it starts over


@pytest.fixture
def harbour(archive, monkeypatch):
    """Twelve clippings, read two at a time; a rebuild commits every four."""
    ids = [add_clipping(archive, f"Harbour report number {n}.") for n in range(12)]
    monkeypatch.setattr(whoosh_build, "ROUND", 4)
    monkeypatch.setattr(archive.store, "all_ids", _in_batches_of(archive.store.all_ids, 2))
    return archive, ids


def _stop_after_rounds(rounds: int):
    """A cancel that says yes once ``rounds`` rounds are committed."""
    written = []
    real = Checkpoint.write

    def counting(self, folder):
        real(self, folder)
        if self.after:
            written.append(self.after)

    return written, counting, lambda: len(written) >= rounds


def test_a_cancelled_rebuild_is_resumed_after_its_last_round(harbour, monkeypatch):
    archive, ids = harbour
    written, counting, cancel = _stop_after_rounds(2)
    monkeypatch.setattr(Checkpoint, "write", counting)
    assert not archive.rebuild_index(cancel=cancel)
    fresh = archive.index.folder.with_name("index.new")
    assert (fresh / CHECKPOINT).is_file(), "the committed rounds are kept"
    assert sorted(archive.search_ids("harbour", limit=None).ids) == sorted(ids), "old index"

    # Opening the archive again (another program, or the next start) keeps it too.
    Archive.open(archive.path).close()
    assert (fresh / CHECKPOINT).is_file()

    asked = []
    real_batches = archive._index_batches
    monkeypatch.setattr(archive, "_index_batches", _asking(asked, real_batches))
    progress = []
    assert archive.rebuild_index(report=progress.append)
    assert asked == [ids[7]], "resumed after the eighth clipping"
    assert progress[0].done > 8
    assert not fresh.exists()
    assert sorted(archive.search_ids("harbour", limit=None).ids) == sorted(ids)
    assert archive.index.revisions().keys() == set(ids)
    assert archive.check() == []


def test_a_change_between_the_two_runs_reaches_the_resumed_index(harbour, monkeypatch):
    """An edit made after the first run, to a clipping that run had already built, goes
    to the old index and leaves the queue; the resumed index must not lose it."""
    archive, ids = harbour
    written, counting, cancel = _stop_after_rounds(1)
    monkeypatch.setattr(Checkpoint, "write", counting)
    assert not archive.rebuild_index(cancel=cancel)
    archive.edit(ids[0], {"title": "Lighthouse keeper retires"})
    archive.trash([ids[1]])
    assert archive.store.pending_count() == 0, "the old index took the changes"
    assert archive.rebuild_index()
    assert list(archive.search_ids("lighthouse", limit=None).ids) == [ids[0]]
    assert ids[1] not in archive.search_ids("harbour", limit=None).ids
    assert archive.check() == []


def test_a_killed_rebuild_is_resumed(harbour, monkeypatch):
    archive, ids = harbour
    real_batches = archive._index_batches

    def dying(after=0):
        for number, batch in enumerate(real_batches(after)):
            yield batch
            if number == 0:
                raise KeyboardInterrupt("the power went out")

    monkeypatch.setattr(whoosh_build, "ROUND", 1)
    monkeypatch.setattr(archive, "_index_batches", dying)
    with pytest.raises(KeyboardInterrupt):
        archive.rebuild_index()
    checkpoint = Checkpoint.read(archive.index.folder.with_name("index.new"))
    assert checkpoint is not None and checkpoint.after == ids[1]
    monkeypatch.setattr(archive, "_index_batches", real_batches)
    assert archive.rebuild_index()
    assert sorted(archive.search_ids("harbour", limit=None).ids) == sorted(ids)
    assert archive.check() == []


def _in_batches_of(all_ids, size):
    def smaller(**kwargs):
        for batch in all_ids(**kwargs):
            for start in range(0, len(batch), size):
                yield batch[start : start + size]

    return smaller


def test_a_build_of_another_analysis_version_starts_over(harbour, monkeypatch):
    archive, ids = harbour
    written, counting, cancel = _stop_after_rounds(1)
    monkeypatch.setattr(Checkpoint, "write", counting)
    assert not archive.rebuild_index(cancel=cancel)
    fresh = archive.index.folder.with_name("index.new")
    monkeypatch.setattr(whoosh_build, "ANALYSIS_VERSION", 999)  # a newer Clippings
    assert not whoosh_build.resumable(fresh)
    asked = []
    real_batches = archive._index_batches
    monkeypatch.setattr(archive, "_index_batches", _asking(asked, real_batches))
    assert archive.rebuild_index()
    assert asked == [0]
    assert sorted(archive.search_ids("harbour", limit=None).ids) == sorted(ids)


def _asking(asked, batches):
    def documents(after=0):
        asked.append(after)
        return batches(after)

    return documents

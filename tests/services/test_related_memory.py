"""The memory ``related`` takes does not grow with the archive (2,000 against 20,000
bulk-loaded clippings with stored features and edges; a generous bound)."""

from __future__ import annotations

import tracemalloc

from clippings.services import Archive
from clippings.services import related as related_service
from tests.synthetic import fill, fill_analysis


def _peak(folder, count: int) -> int:
    Archive.open(folder).close()
    fill(folder / "clippings.sqlite3", count)
    fill_analysis(folder / "clippings.sqlite3")
    with Archive.open(folder) as archive:
        related_service.related(archive, 1)  # connections and caches of a first call
        tracemalloc.start()
        try:
            for clipping_id in (2, count // 2, count):
                # From stored edges; a synthetic text may earn no label (then nothing
                # is listed), but the work of answering is the same.
                assert isinstance(related_service.related(archive, clipping_id), list)
            # A clipping whose analysis is due is computed on demand: its candidates'
            # stored features only.
            with archive.store.engine.begin() as conn:
                conn.exec_driver_sql(
                    "INSERT INTO analysis_queue (clipping_id, queued_at) "
                    f"VALUES ({count // 3}, '2026-01-01 00:00:00')"
                )
            assert isinstance(related_service.related(archive, count // 3), list)
            assert not related_service.missing_features(archive)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def test_related_takes_the_same_memory_at_2000_and_20000_clippings(tmp_path):
    small = _peak(tmp_path / "small", 2_000)
    large = _peak(tmp_path / "large", 20_000)
    print(f"peak: {small / 1e6:.1f} MB at 2,000, {large / 1e6:.1f} MB at 20,000")
    # The old in-memory index grew tenfold with the archive; edges grow not at all.
    assert large < 1.5 * small + 4_000_000, (small, large)

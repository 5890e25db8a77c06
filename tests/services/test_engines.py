"""Each archive records its search engine; ``reindex --engine`` switches between them.

Both engines answer the same query language with the same terms, so they find the
same clippings; only the order of equally good matches (BM25 in each engine's own
flavour) may differ, so rankings are compared as sets and counts.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from clippings.cli import main
from clippings.model import ArchiveError
from clippings.search import engine_folder
from clippings.services import Archive
from tests.conftest import REPO, add_clipping, open_archive

QUERIES = [
    "police",
    "police fire",
    '"police said"',
    "polic*",
    "fire OR storm",
    "police NOT storm",
    "police -fire",
    "title:harbour",
    "outlet:reuters",
    "tag:ports",
    "lang:de",
    "published:2021",
    "police published:[2021-01-01 to 2021-06-30]",
    "人民",
    "häuser",
    "hauser",
]


def _fill(archive: Archive) -> None:
    add_clipping(
        archive,
        "The police said the fire at the harbour was out by midnight.",
        title="Harbour fire",
        outlet="Reuters",
        published=date(2021, 3, 4),
        language="en",
        tags=["Ports"],
    )
    add_clipping(
        archive,
        "A storm closed the harbour; police closed the coast road.",
        title="Storm",
        outlet="Thomson Reuters Foundation",
        published=date(2021, 9, 1),
        language="en",
    )
    add_clipping(
        archive,
        "Die Polizei sagte, die Häuser am Hafen seien sicher.",
        title="Hafen",
        language="de",
    )
    add_clipping(archive, "中华人民共和国的新闻。警察说火灭了。", title="新闻", language="zh")


def _answers(archive: Archive) -> dict[str, tuple[frozenset[int], int, tuple[str, ...]]]:
    answers = {}
    for query in QUERIES:
        results = archive.search(query, limit=None)
        snippets = tuple(sorted(hit.snippet for hit in results.hits))
        answers[query] = (frozenset(h.clipping.id for h in results.hits), results.total, snippets)
    return answers


def test_a_new_archive_searches_with_whoosh_and_remembers_a_switch(tmp_path):
    with Archive.open(tmp_path / "a") as archive:
        assert archive.engine == "whoosh"
        add_clipping(archive, "The harbour reopened after the storm.")
        assert archive.switch_engine("tantivy")
        assert archive.engine == "tantivy"
        assert archive.search("harbour").total == 1
    with Archive.open(tmp_path / "a") as archive:
        assert archive.engine == "tantivy"
        assert archive.search("harbour").total == 1
    # Only the engine in use keeps an index.
    assert not (tmp_path / "a" / "index").exists()
    assert (tmp_path / "a" / "index-tantivy").is_dir()


def test_reindex_engine_round_trip_finds_the_same(tmp_path, capsys):
    folder = tmp_path / "a"
    with Archive.open(folder) as archive:
        _fill(archive)
        on_whoosh = _answers(archive)
    assert main(["--archive", str(folder), "reindex", "--engine", "tantivy"]) == 0
    assert "now searches with tantivy" in capsys.readouterr().err
    with Archive.open(folder) as archive:
        assert archive.engine == "tantivy"
        on_tantivy = _answers(archive)
        add_clipping(archive, "Police praised the harbour crew.", title="Praise")
    assert on_tantivy == on_whoosh
    assert main(["--archive", str(folder), "reindex", "--engine", "whoosh"]) == 0
    with Archive.open(folder) as archive:
        assert archive.engine == "whoosh"
        assert archive.search("praised").total == 1
        assert archive.check() == []


def test_asking_for_the_engine_in_use_rebuilds_it(tmp_path):
    with open_archive(tmp_path / "a", "tantivy") as archive:
        add_clipping(archive, "The harbour reopened after the storm.")
        assert archive.switch_engine("tantivy")
        assert archive.engine == "tantivy"
        assert archive.search("harbour").total == 1


def test_an_unknown_engine_is_refused(tmp_path):
    with Archive.open(tmp_path / "a") as archive:
        with pytest.raises(ArchiveError, match="whoosh or tantivy"):
            archive.switch_engine("lucene")
        archive.store.set_meta("search_engine", "lucene")
    with pytest.raises(ArchiveError, match="newer version"):
        Archive.open(tmp_path / "a")


def test_a_cancelled_switch_keeps_the_old_engine(tmp_path):
    with Archive.open(tmp_path / "a") as archive:
        add_clipping(archive, "The harbour reopened after the storm.")
        assert not archive.switch_engine("tantivy", cancel=lambda: True)
        assert archive.engine == "whoosh"
        assert archive.search("harbour").total == 1
    assert not any(p.name.startswith("index-tantivy") for p in (tmp_path / "a").iterdir())
    with Archive.open(tmp_path / "a") as archive:
        assert archive.engine == "whoosh"


_KILLED = """
import os, sys
from clippings.services import Archive
archive = Archive.open(sys.argv[1])
where = sys.argv[2]
if where == "building":
    archive.switch_engine("tantivy", report=lambda progress: os._exit(9))
else:  # the new index is complete and swapped in, the switch not yet recorded
    archive.store.set_meta = lambda *args: os._exit(9)
    archive.switch_engine("tantivy")
"""


@pytest.mark.parametrize("where", ["building", "before-recording"])
def test_a_switch_killed_midway_leaves_the_old_engine_working(tmp_path, where):
    folder = tmp_path / "a"
    with Archive.open(folder) as archive:
        _fill(archive)
        before = _answers(archive)
    killed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_KILLED), str(folder), where],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == 9, killed.stderr
    assert any(p.name.startswith("index-tantivy") for p in folder.iterdir())
    with Archive.open(folder) as archive:
        assert archive.engine == "whoosh"
        assert _answers(archive) == before
        assert archive.check() == []
        # What the killed switch left is gone, and switching again works.
        assert not any(p.name.startswith("index-tantivy") for p in folder.iterdir())
        assert archive.switch_engine("tantivy")
        assert _answers(archive) == before


def test_another_program_switching_engines_is_followed(tmp_path):
    folder = tmp_path / "a"
    with Archive.open(folder) as first, Archive.open(folder) as second:
        clipping = add_clipping(first, "The harbour reopened after the storm.")
        assert second.switch_engine("tantivy")
        # The first program still runs on Whoosh: its next change reaches tantivy.
        first.add_tag([clipping], "Ports")
        assert first.engine == "tantivy"
        assert second.search("tag:ports").total == 1
        assert first.search("tag:ports").total == 1
    with Archive.open(folder) as archive:
        assert archive.engine == "tantivy"
        assert archive.store.pending_count() == 0


def test_a_first_search_after_another_program_switched_follows_it(tmp_path):
    folder = tmp_path / "a"
    with Archive.open(folder) as first:
        add_clipping(first, "The harbour reopened after the storm.")
        assert first.search("harbour").total == 1
        with Archive.open(folder) as second:
            assert second.switch_engine("tantivy")
        # The Whoosh index it read is gone: it follows rather than rebuilding Whoosh.
        assert first.search("harbour").total == 1
        assert first.engine == "tantivy"
    assert not (folder / "index").exists()


@pytest.mark.parametrize("damage", ["meta-deleted", "meta-garbled", "segment-garbled"])
def test_a_damaged_tantivy_index_is_rebuilt(tmp_path, damage):
    folder = tmp_path / "a"
    with open_archive(folder, "tantivy") as archive:
        ids = {add_clipping(archive, f"Marker{n} harbour news number {n}.") for n in range(5)}
    index = engine_folder(folder / "index", "tantivy")
    if damage == "meta-deleted":
        (index / "meta.json").unlink()
    elif damage == "meta-garbled":
        (index / "meta.json").write_text('{"segments": [garbled')
    else:
        for path in index.iterdir():
            if path.suffix in (".idx", ".term", ".store", ".fast"):
                data = bytearray(path.read_bytes())
                start, end = len(data) // 4, 3 * len(data) // 4
                data[start:end] = os.urandom(end - start)
                path.write_bytes(bytes(data))
    with Archive.open(folder) as archive:
        assert archive.engine == "tantivy"
        found = archive.search("harbour", limit=None)
        assert {hit.clipping.id for hit in found.hits} == ids
        assert found.total == len(ids)


def test_the_engine_folder_is_part_of_the_archive(tmp_path):
    """An archive on tantivy is recognised as an archive (its index is not a stranger's
    file) and its backup opens."""
    with open_archive(tmp_path / "a", "tantivy") as archive:
        add_clipping(archive, "The harbour reopened after the storm.")
    assert Path(tmp_path / "a" / "index-tantivy").is_dir()
    with Archive.open(tmp_path / "a") as archive:
        assert archive.engine == "tantivy"

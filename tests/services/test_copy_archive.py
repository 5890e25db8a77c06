"""``clippings copy``: an archive copied whole into another, and checked."""

from __future__ import annotations

import pytest

from clippings.cli import main
from clippings.services import Archive
from clippings.services.importing import import_paths
from clippings.services.transfer import CopyCheckError, copy_archive
from clippings.storage import transfer
from tests.conftest import add_clipping

TEXTS = (
    "Flood waters rose along the Danube overnight. Residents of lower districts were "
    "evacuated before dawn, and volunteers filled sandbags beside the embankment.",
    "The harbour authority approved the new ferry terminal after months of hearings. "
    "Construction should begin in spring and finish within three years.",
    "Parliament debated the budget until midnight. Opposition leaders demanded deeper "
    "cuts to ministerial travel and an inquiry into consultancy contracts.",
)


def _filled(path, seed):
    archive = Archive.open(path)
    ids = [add_clipping(archive, text, outlet="The Courier") for text in TEXTS]
    archive.add_tag(ids[:2], "Europe/Floods")
    archive.edit(ids[1], {"notes": "ask the harbour office for the plans"})
    archive.store.set_verdict(ids[0], ids[1], "not same story")
    archive.trash([ids[2]])
    report = import_paths(archive, [seed])
    assert report.of("imported")
    return archive


def test_a_copy_holds_every_clipping_tag_note_and_original(tmp_path, seed, capsys):
    with _filled(tmp_path / "source", seed) as source:
        before = {c.id: c for c in source.list(limit=None)}
        trashed = source.list(trashed=True, limit=None)
        originals = {c.id: source.original(c.id) for c in [*before.values(), *trashed]}
    assert main(["copy", str(tmp_path / "source"), str(tmp_path / "copy")]) == 0
    said = capsys.readouterr()
    assert "copied 4 clippings and 4 originals" in said.out
    assert "exact-phrase search" in said.err
    with Archive.open(tmp_path / "copy") as copy:
        after = {c.id: c for c in copy.list(limit=None)}
        assert after.keys() == before.keys()
        for clipping_id, clipping in before.items():
            assert after[clipping_id].title == clipping.title
            assert after[clipping_id].tags == clipping.tags
        assert [c.id for c in copy.list(trashed=True, limit=None)] == [c.id for c in trashed]
        assert copy.get(2).notes == "ask the harbour office for the plans"
        assert copy.store.verdicts() == {(1, 2): "not same story"}
        for clipping_id, data in originals.items():
            assert copy.original(clipping_id) == data
        assert copy.search_ids('"filled sandbags"').ids == [1]
        new = add_clipping(copy, "A clipping added to the copy afterwards gets a new id.")
        assert new == max(originals) + 1


def test_a_copy_into_a_folder_that_holds_files_is_refused(tmp_path, seed, capsys):
    _filled(tmp_path / "source", seed).close()
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    assert main(["copy", str(tmp_path / "source"), str(tmp_path / "busy")]) == 2
    assert "already holds files" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "busy").iterdir()) == ["notes.txt"]


def test_a_copy_that_fails_its_check_leaves_nothing_behind(tmp_path, seed, monkeypatch):
    _filled(tmp_path / "source", seed).close()
    digests = transfer.table_digests
    calls = []

    def differing(store):
        calls.append(store)
        found = digests(store)
        if len(calls) == 2:  # the copy's
            found["clipping_tags"] = "0" * 64
        return found

    monkeypatch.setattr(transfer, "table_digests", differing)
    with pytest.raises(CopyCheckError, match="differ from the source's in clipping_tags"):
        copy_archive(tmp_path / "source", tmp_path / "copy")
    assert not (tmp_path / "copy").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["source"]

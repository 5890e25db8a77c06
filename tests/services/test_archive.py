"""The archive as a whole: opening, the index queue, trash, check."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from clippings.model import ArchiveError, NotFoundError
from clippings.search import engine_folder
from clippings.search.whoosh_index import VERSION_FILE
from clippings.services import Archive
from clippings.storage import NewClipping
from tests.conftest import add_clipping, open_archive


def test_a_missing_or_empty_folder_becomes_an_archive(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    for folder in (tmp_path / "new" / "nested", empty):
        with Archive.open(folder) as archive:
            assert archive.count() == 0
        assert (folder / "clippings.sqlite3").is_file()
        assert (folder / "index").is_dir()
        assert (folder / "originals").is_dir()


def test_a_folder_of_other_files_is_refused(tmp_path):
    (tmp_path / "thesis.docx").write_bytes(b"x")
    with pytest.raises(ArchiveError, match="holds other files"):
        Archive.open(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis.docx"]
    with pytest.raises(ArchiveError, match="is a file"):
        Archive.open(tmp_path / "thesis.docx")


@pytest.mark.parametrize("made", ["database", "database and an original"])
def test_an_archive_made_by_another_program_meanwhile_is_opened(tmp_path, monkeypatch, made):
    """Two commands start at once on a new folder: the second sees no database at its
    first look, then the first one's database (and perhaps its first original) when it
    lists the folder. It opens that archive; it does not call it someone else's folder."""
    folder = tmp_path / "new"
    with Archive.open(tmp_path / "other") as other:
        add_clipping(other, "Made by the other program.")
    listed = Path.iterdir

    def listing_after_the_other_program(self: Path):
        if self == folder and not (folder / "clippings.sqlite3").exists():
            folder.mkdir(exist_ok=True)
            shutil.copytree(tmp_path / "other", folder, dirs_exist_ok=True)
            if made == "database":
                shutil.rmtree(folder / "originals")
                (folder / "originals").mkdir()
        return listed(self)

    folder.mkdir()
    monkeypatch.setattr(Path, "iterdir", listing_after_the_other_program)
    with Archive.open(folder) as archive:
        assert archive.count() == 1


@pytest.mark.folder_only
def test_database_uses_wal_and_foreign_keys(archive):
    add_clipping(archive, "Some text to store in the archive.")
    with archive.store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_reopening_keeps_everything(tmp_path):
    with Archive.open(tmp_path / "a") as archive:
        clipping = add_clipping(archive, "The harbour reopened after the storm.", tags=["Ports"])
    with Archive.open(tmp_path / "a") as archive:
        assert archive.get(clipping).tags == ("Ports",)
        assert archive.search("harbour").total == 1


def test_a_deleted_index_is_rebuilt_on_open(tmp_path, engine):
    with open_archive(tmp_path / "a", engine) as archive:
        add_clipping(archive, "The harbour reopened after the storm.")
    shutil.rmtree(engine_folder(tmp_path / "a" / "index", engine))
    with Archive.open(tmp_path / "a") as archive:
        assert archive.engine == engine
        assert archive.search("harbour").total == 1
        assert archive.check() == []


def test_an_outdated_index_is_rebuilt_on_open(tmp_path, engine):
    # The tantivy index keeps its version mark in a file of the same name.
    mark = engine_folder(tmp_path / "a" / "index", engine) / VERSION_FILE
    with open_archive(tmp_path / "a", engine) as archive:
        add_clipping(archive, "The harbour reopened after the storm.")
    mark.write_text("0\n")
    with Archive.open(tmp_path / "a") as archive:
        assert archive.search("harbour").total == 1
    assert mark.read_text().strip() != "0"


def test_queued_changes_survive_a_crash_before_the_index_commit(tmp_path, engine):
    """A change written to the database but not yet to the index is applied on open."""
    with open_archive(tmp_path / "a", engine) as archive:
        clipping = add_clipping(archive, "The harbour reopened after the storm.")
        # Simulate a crash between the database commit and the index sync.
        archive.sync_index = lambda **_: 0  # type: ignore[method-assign]
        archive.add_tag([clipping], "Ports")
        assert archive.store.pending_count() == 1
    with Archive.open(tmp_path / "a") as archive:
        assert archive.store.pending_count() == 0
        assert archive.search("tag:ports").total == 1


def test_trash_restore_and_purge(archive):
    keep = add_clipping(archive, "A text that stays in the archive for good.")
    doomed = add_clipping(archive, "A text that goes to the trash and then away.")
    archive.trash([doomed])
    assert [r.id for r in archive.list()] == [keep]
    assert [r.id for r in archive.list(trashed=True)] == [doomed]
    archive.restore([doomed])
    assert {r.id for r in archive.list()} == {keep, doomed}
    original = archive.get(doomed).sha256
    archive.trash([doomed])
    with pytest.raises(ValueError, match="only clippings in the trash"):
        archive.purge([keep])
    assert archive.purge([doomed]) == [doomed]
    assert not archive.originals.exists(original)
    with pytest.raises(NotFoundError):
        archive.get(doomed)
    assert archive.check() == []


def test_purge_keeps_an_original_another_clipping_uses(archive):
    from clippings.model import Extracted
    from clippings.services.importing import store_extracted

    data = b"the same bytes"
    [first] = store_extracted(
        archive,
        [Extracted(text="First article text.", format="text", title="One")],
        data,
        "a.txt",
        shown="a.txt",
    )
    # A second clipping from the same file (e.g. an edited re-extraction) shares the original.
    archive.store.add(
        NewClipping(
            extracted=Extracted(text="Second article text.", format="text", title="Two"),
            sha256=archive.get(first.id).sha256,
            size=len(data),
            original_name="a.txt",
            text_hash=None,
            word_count=3,
        )
    )
    path = archive.original_path(first.id)
    archive.trash([first.id])
    archive.purge()
    assert path.exists()


def test_edit_marks_fields_as_set_by_the_user_and_reindexes(archive):
    from datetime import date

    clipping = add_clipping(
        archive, "The harbour reopened.", title="Derived", provenance={"title": "derived"}
    )
    edited = archive.edit(
        clipping,
        {
            "title": "Harbour reopens",
            "published": date(2021, 7, 25),
            "notes": "for the weekly review",
        },
    )
    assert edited.title == "Harbour reopens"
    assert edited.provenance["title"] == "user"
    assert edited.provenance["published"] == "user"
    assert "notes" not in edited.provenance
    assert archive.search("title:reopens published:2021-07-25").total == 1


@pytest.mark.folder_only
def test_check_finds_each_fault(archive):
    one = add_clipping(archive, "The harbour reopened after the storm.")
    two = add_clipping(archive, "The bridge closed for repairs in the spring.")
    three = add_clipping(archive, "The library extended its opening hours.")
    assert archive.check() == []

    # A deleted original.
    path_one = archive.original_path(one)
    path_one.chmod(0o644)
    path_one.unlink()
    # An altered original.
    path_two = archive.original_path(two)
    path_two.chmod(0o644)
    path_two.write_bytes(b"tampered")
    # A clipping missing from the index.
    archive.index.apply([], [three])
    # A stale index entry: a clipping the database no longer has.
    document = archive.store.index_documents([three])[three]
    from dataclasses import replace

    archive.index.apply([replace(document, id=999)], [])

    kinds = {(p.kind, p.clipping_id) for p in archive.check()}
    assert ("original-missing", one) in kinds
    assert ("original-altered", two) in kinds
    assert ("index-missing", three) in kinds
    assert ("index-stale", 999) in kinds

    archive.rebuild_index()
    assert {p.kind for p in archive.check()} == {"original-missing", "original-altered"}


def test_check_reports_a_damaged_database(tmp_path):
    with Archive.open(tmp_path / "a") as archive:
        add_clipping(archive, "The harbour reopened after the storm.")
    db = sqlite3.connect(tmp_path / "a" / "clippings.sqlite3")
    db.execute("PRAGMA foreign_keys=OFF")
    db.execute("INSERT INTO clipping_tags (clipping_id, tag_id) VALUES (1, 42)")
    db.commit()
    db.close()
    with Archive.open(tmp_path / "a") as archive:
        assert any(p.kind == "database" for p in archive.check())


def test_an_analysis_bug_never_keeps_a_clipping_out_of_the_index(archive, monkeypatch):
    import clippings.analysis.quotes as quotes

    def broken(text):
        raise IndexError("a bug")

    monkeypatch.setattr(quotes, "extract_quotes", broken)
    add_clipping(archive, "The harbour reopened after the storm, officials said.")
    assert archive.search("harbour").total == 1

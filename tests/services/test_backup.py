"""Backups: a consistent copy of a live archive that opens as an archive of its own."""

from __future__ import annotations

import errno
import os
import stat
import threading

import pytest

from clippings.model import ArchiveError, Cancelled, Progress, StorageError
from clippings.services import Archive
from clippings.services import backup as backup_service
from clippings.services.backup import backup_archive
from clippings.storage import DATABASE_NAME, INDEX_DIR
from tests.conftest import add_clipping

# A backup copies an archive folder's files; a team archive is backed up on its server
# (tests/services/test_team_archive.py).
pytestmark = pytest.mark.folder_only


@pytest.fixture(autouse=True)
def state_folder(tmp_path, monkeypatch):
    """The journal of unfinished backups goes to a state folder of the test's own."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


@pytest.fixture
def stocked(archive):
    ids = [
        add_clipping(archive, "Talks resumed in Geneva. Both sides spoke of progress.", tags=["W"]),
        add_clipping(
            archive, "Markets fell sharply. Traders blamed the talks.", tags=["W/Markets", "X"]
        ),
        add_clipping(archive, "A quiet day in parliament. Nothing was decided."),
    ]
    archive.trash([ids[2]])
    return archive, ids


def snapshot(archive: Archive) -> dict[int, tuple[str, tuple[str, ...], bool, bytes]]:
    everything = archive.list(limit=None) + archive.list(trashed=True, limit=None)
    return {
        row.id: (row.title, row.tags, row.trashed, archive.original(row.id)) for row in everything
    }


def test_a_backup_opens_as_the_same_archive_with_its_index_rebuilt(stocked, tmp_path):
    archive, ids = stocked
    progress: list[Progress] = []
    destination = tmp_path / "backup"
    summary = backup_archive(archive, destination, report=progress.append)

    assert summary.path == destination
    assert (summary.clippings, summary.trashed, summary.originals) == (2, 1, 3)
    assert summary.problems == ()
    assert sorted(p.name for p in destination.iterdir()) == [DATABASE_NAME, "originals"]
    assert [p.done for p in progress if p.message == "Copying original files"] == [1, 2, 3]
    assert list(tmp_path.glob(".*")) == []  # no temporary folder left beside it

    with Archive.open(destination) as copy:
        assert (copy.path / INDEX_DIR).is_dir()  # rebuilt on open
        assert snapshot(copy) == snapshot(archive)
        assert [t.name for t in copy.tags()] == [t.name for t in archive.tags()]
        assert [h.clipping.id for h in copy.search("Geneva").hits] == [ids[0]]
        assert [r.id for r in copy.list(tag="W")] == [r.id for r in archive.list(tag="W")]
        assert copy.check() == []


def test_originals_are_linked_on_the_same_disk_and_copied_elsewhere(stocked, tmp_path, monkeypatch):
    archive, _ = stocked
    linked = backup_archive(archive, tmp_path / "linked")
    assert linked.linked == linked.originals == 3

    monkeypatch.setattr(backup_service, "_same_disk", lambda a, b: False)
    copied = backup_archive(archive, tmp_path / "copied")
    assert copied.linked == 0 and copied.originals == 3
    for sha in archive.store.original_hashes():
        copy = tmp_path / "copied" / "originals" / sha[:2] / sha
        assert copy.read_bytes() == archive.originals.path_for(sha).read_bytes()
        assert stat.S_IMODE(copy.stat().st_mode) == 0o444
        assert copy.stat().st_ino != archive.originals.path_for(sha).stat().st_ino


def test_an_empty_folder_becomes_the_backup(stocked, tmp_path):
    archive, _ = stocked
    destination = tmp_path / "usb-stick"
    destination.mkdir()
    backup_archive(archive, destination)
    assert sorted(p.name for p in destination.iterdir()) == [DATABASE_NAME, "originals"]
    with Archive.open(destination) as copy:
        assert copy.count() == 2 and copy.check() == []


def test_a_backup_taken_during_an_import_is_consistent(archive, tmp_path):
    """Another thread keeps importing; the backup holds a consistent moment of it."""
    started = threading.Event()
    stop = threading.Event()
    imported: list[int] = []

    def keep_importing() -> None:
        number = 0
        while not stop.is_set():
            number += 1
            text = f"Dispatch {number} from the summit. Delegates met for round {number}."
            imported.append(add_clipping(archive, text, tags=["Summit"]))
            if number == 3:
                started.set()

    importer = threading.Thread(target=keep_importing)
    importer.start()
    try:
        assert started.wait(timeout=60)
        summary = backup_archive(archive, tmp_path / "backup")
    finally:
        stop.set()
        importer.join(timeout=60)
    assert 3 <= summary.clippings <= len(imported)
    with Archive.open(tmp_path / "backup") as copy:
        assert copy.check() == []
        assert copy.count() == summary.clippings
        assert copy.count(tag="Summit") == summary.clippings


def test_a_folder_with_files_or_inside_the_archive_is_refused(stocked, tmp_path):
    archive, _ = stocked
    busy = tmp_path / "documents"
    busy.mkdir()
    (busy / "thesis.docx").write_text("years of work")
    with pytest.raises(ArchiveError, match=r"already holds files .*thesis\.docx.*new or empty"):
        backup_archive(archive, busy)
    assert sorted(p.name for p in busy.iterdir()) == ["thesis.docx"]
    with pytest.raises(ArchiveError, match="inside the archive"):
        backup_archive(archive, archive.path / "backup")
    with pytest.raises(ArchiveError, match="inside the archive"):
        backup_archive(archive, archive.path)
    with pytest.raises(ArchiveError, match="does not exist"):
        backup_archive(archive, tmp_path / "no" / "such" / "folder")
    assert not (archive.path / "backup").exists()


@pytest.mark.parametrize("existing", [False, True])
def test_cancel_leaves_nothing(stocked, tmp_path, existing):
    archive, _ = stocked
    destination = tmp_path / "backup"
    if existing:
        destination.mkdir()
    seen: list[Progress] = []
    with pytest.raises(Cancelled):
        backup_archive(
            archive,
            destination,
            report=seen.append,
            cancel=lambda: any(p.message == "Copying original files" for p in seen),
        )
    assert [p.done for p in seen if p.message == "Copying original files"] == [1]
    if existing:
        assert list(destination.iterdir()) == []
    else:
        assert not destination.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["archive", "state", *(["backup"] if existing else [])]
    )


def test_a_full_disk_is_a_clear_storage_error_and_leaves_nothing(stocked, tmp_path, monkeypatch):
    archive, _ = stocked

    def full(source, copy, *, may_link):
        copy.write_bytes(b"half")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(backup_service, "_link_or_copy", full)
    with pytest.raises(StorageError, match=r"no room left on the disk .*nothing was kept"):
        backup_archive(archive, tmp_path / "backup")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive", "state"]


def test_an_original_the_archive_lacks_is_reported_not_fatal(stocked, tmp_path):
    archive, ids = stocked
    lost = archive.get(ids[1])
    archive.originals.path_for(lost.sha256).unlink()
    summary = backup_archive(archive, tmp_path / "backup")
    assert summary.originals == 2
    assert summary.problems == (
        f"the original file of clipping {ids[1]} is missing from the archive, "
        "so the backup lacks it too",
    )


def test_a_killed_backups_folder_goes_at_the_next_start(tmp_path):
    from clippings.services.exporting import clean_unfinished_exports
    from clippings.services.unfinished import journal_folder

    # What a backup killed half-way leaves: its folder and a journal entry nobody locks.
    partial = tmp_path / ".backup.clippings-999999-0badcafe.partial"
    (partial / "originals" / "ab").mkdir(parents=True)
    (partial / DATABASE_NAME).write_bytes(b"SQLite format 3\x00")
    journal_folder().mkdir(parents=True)
    (journal_folder() / "999999-0badcafe.entry").write_text(f"{partial}\n")
    assert clean_unfinished_exports() == 1
    assert not partial.exists()

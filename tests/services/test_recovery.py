"""What a crash or another program leaves behind is finished or cleaned up, and never
costs a stored clipping: purges, half-written originals, the index queue and lock."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from clippings.model import StorageError
from clippings.services import Archive
from clippings.storage import originals as originals_module
from tests.conftest import add_clipping


def test_a_purge_interrupted_before_removing_files_is_finished_on_the_next_open(
    tmp_path, monkeypatch
):
    folder = tmp_path / "archive"
    with Archive.open(folder) as archive:
        doomed = add_clipping(archive, "The harbour reopened after the storm.")
        path = archive.original_path(doomed)
        archive.trash([doomed])

        def crash(sha):
            raise KeyboardInterrupt  # the program is killed between commit and removal

        monkeypatch.setattr(archive.originals, "remove", crash)
        with pytest.raises(KeyboardInterrupt):
            archive.purge()
        assert archive.count(trashed=True) == 0  # the purge itself was committed
        assert path.exists()
        kinds = {p.kind for p in archive.check()}
        assert "purge-unfinished" in kinds
    with Archive.open(folder) as archive:
        assert not path.exists()
        assert archive.check() == []


def test_importing_the_same_bytes_again_keeps_a_file_a_purge_had_not_yet_removed(tmp_path):
    folder = tmp_path / "archive"
    with Archive.open(folder) as archive:
        text = "The harbour reopened after the storm."
        doomed = add_clipping(archive, text)
        path = archive.original_path(doomed)
        archive.trash([doomed])
        archive.store.purge()  # the database part only: the file is still to go
        assert archive.store.pending_removals()
        again = add_clipping(archive, text)  # the same bytes claim the file again
        assert archive.finish_removals() == 0
        assert path.exists()
        assert archive.originals.verify(archive.get(again).sha256) == "ok"
        assert archive.check() == []


@pytest.mark.folder_only
def test_an_original_written_by_an_import_that_died_is_an_orphan_that_repair_removes(
    archive,
):
    kept = add_clipping(archive, "The harbour reopened after the storm.")
    orphan, _ = archive.originals.put(b"a file whose clipping was never committed")
    problems = archive.check()
    assert [(p.kind, p.severity, p.repairable) for p in problems] == [
        ("original-orphan", "warning", True)
    ]
    done = archive.repair()
    assert done == ["removed 1 original file that belonged to no clipping"]
    assert not archive.originals.path_for(orphan).exists()
    assert archive.originals.verify(archive.get(kept).sha256) == "ok"
    assert archive.check() == []


def test_a_half_written_original_is_left_alone_while_its_writer_lives(tmp_path, monkeypatch):
    folder = tmp_path / "archive"
    Archive.open(folder).close()
    incoming = folder / "originals" / "ab"
    incoming.mkdir()
    monkeypatch.setattr(originals_module, "LEFTOVER_AGE_SECONDS", 0.0)
    # Another program is writing this file and holds its lock.
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time\n"
            f"f = open({str(incoming / '.incoming-1-live')!r}, 'wb')\n"
            "fcntl.flock(f, fcntl.LOCK_EX)\n"
            "print('locked', flush=True)\n"
            "sys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "locked\n"
        (incoming / ".incoming-2-dead").write_bytes(b"left by a killed import")
        with Archive.open(folder):
            pass
        assert (incoming / ".incoming-1-live").exists()
        assert not (incoming / ".incoming-2-dead").exists()
    finally:
        writer.communicate("")
    with Archive.open(folder):
        pass
    assert not (incoming / ".incoming-1-live").exists()


def test_queue_ids_are_never_reused(archive):
    """A program that applied rows 1..n deletes exactly those, never another's newer
    row that took a freed id."""
    first = add_clipping(archive, "The harbour reopened after the storm.")
    before = archive.store.pending(10)
    assert before == []  # applied and deleted
    archive.store.add_tag([first], "Ports")  # queued, not yet applied
    ((queue_id, clipping_id),) = archive.store.pending(10)
    assert clipping_id == first
    assert queue_id > 1  # the first row's id (1) is not taken again


def test_a_busy_index_never_costs_a_change_it_reaches_search_later(engine_archive, monkeypatch):
    archive = engine_archive  # on each search engine
    monkeypatch.setattr("clippings.services.archive_index.QUIET_SYNC_TIMEOUT", 0.3)
    clipping = add_clipping(archive, "The harbour reopened after the storm.")
    other = Archive.open(archive.path)
    try:
        with other.index.locked():  # another program holds the index (a long rebuild)
            started = time.monotonic()
            archive.edit(clipping, {"title": "Harbour reopens"})
            assert time.monotonic() - started < 30
            assert archive.get(clipping).title == "Harbour reopens"
            assert archive.store.pending_count() == 1
    finally:
        other.close()
    assert archive.sync_index() == 1
    assert [h.clipping.id for h in archive.search("title:reopens").hits] == [clipping]
    assert archive.check() == []


def test_a_full_disk_at_the_index_commit_keeps_the_change_queued(engine_archive, monkeypatch):
    archive = engine_archive  # on each search engine
    clipping = add_clipping(archive, "The harbour reopened after the storm.")

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(archive.index, "apply", full)
    with pytest.raises(StorageError, match="the disk is full"):
        archive.store.add_tag([clipping], "Ports")
        archive.sync_index()
    archive.add_tag([clipping], "Harbours")  # saved, reported in the log only
    monkeypatch.undo()
    assert archive.sync_index() == 1
    assert archive.search("tag:Harbours").total == 1


def test_a_database_kept_before_each_migration(tmp_path):
    import shutil

    from tests.conftest import DATA

    folder = tmp_path / "old"
    shutil.copytree(DATA / "archive-v1", folder)
    before = (folder / "clippings.sqlite3").read_bytes()
    with Archive.open(folder) as archive:
        assert archive.store.schema_version() > 1
    (kept,) = (folder / "backups").iterdir()
    assert kept.name.startswith("clippings-schema1-") and kept.suffix == ".sqlite3"
    import sqlite3

    copy = sqlite3.connect(kept)
    try:
        version = copy.execute(
            "SELECT value FROM archive_meta WHERE key = 'schema_version'"
        ).fetchone()
    finally:
        copy.close()
    assert version == ("1",)
    assert len(before) > 0
    with Archive.open(folder):
        pass
    assert len(list((folder / "backups").iterdir())) == 1  # no migration, no new copy


def test_writes_to_a_read_only_archive_say_so_and_reads_work(engine_archive):
    archive = engine_archive  # on each search engine
    clipping = add_clipping(archive, "The harbour reopened after the storm.")
    other = Archive.open(archive.path, read_only=True)
    try:
        assert other.read_only
        assert other.search("harbour").total == 1
        from clippings.model import ReadOnlyArchiveError

        with pytest.raises(ReadOnlyArchiveError, match="read-only"):
            other.add_tag([clipping], "Ports")
        with pytest.raises(ReadOnlyArchiveError):
            other.trash([clipping])
    finally:
        other.close()
    assert archive.get(clipping).tags == ()
    assert os.path.exists(archive.original_path(clipping))

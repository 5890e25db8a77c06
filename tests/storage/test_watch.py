"""The database watcher: cheap, and it sees what other connections commit."""

from __future__ import annotations

import sqlite3

import pytest

from clippings.model import StorageError
from clippings.storage import DATABASE_NAME
from clippings.storage.watch import (
    FingerprintChangeWatcher,
    SqliteChangeWatcher,
    file_fingerprint,
    watch_file,
)


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "watched.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE clippings (id INTEGER PRIMARY KEY, title TEXT)")
    db.commit()
    yield path, db
    db.close()


def test_nothing_changed_is_false(database):
    path, _ = database
    watcher = SqliteChangeWatcher(path)
    assert not watcher.changed()
    assert not watcher.changed()
    watcher.close()


def test_a_commit_by_another_connection_is_seen_once(database):
    path, db = database
    watcher = SqliteChangeWatcher(path)
    db.execute("INSERT INTO clippings (title) VALUES ('Added elsewhere')")
    assert not watcher.changed(), "nothing is committed yet"
    db.commit()
    assert watcher.changed()
    assert not watcher.changed()
    db.execute("UPDATE clippings SET title = 'Edited elsewhere'")
    db.commit()
    assert watcher.changed()
    watcher.close()
    watcher.close()  # closing twice is harmless


def test_another_process_commit_is_seen(database):
    import subprocess
    import sys

    path, _ = database
    watcher = SqliteChangeWatcher(path)
    code = (
        "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); "
        "db.execute(\"INSERT INTO clippings (title) VALUES ('x')\"); db.commit()"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], check=True)
    assert watcher.changed()
    assert not watcher.changed()


def test_the_watcher_never_writes(database):
    path, _ = database
    watcher = SqliteChangeWatcher(path)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        watcher._connection.execute("INSERT INTO clippings (title) VALUES ('no')")
    watcher.close()


def test_a_missing_database_is_a_storage_error(tmp_path):
    with pytest.raises(StorageError, match="cannot open"):
        SqliteChangeWatcher(tmp_path / "nowhere" / DATABASE_NAME)


def test_without_a_readable_database_the_file_stamps_are_watched(tmp_path, monkeypatch):
    path = tmp_path / DATABASE_NAME
    path.write_bytes(b"")

    def refuse(self, path, own=None):
        raise StorageError("cannot open it")

    monkeypatch.setattr(SqliteChangeWatcher, "__init__", refuse)
    watcher = watch_file(path)
    assert isinstance(watcher, FingerprintChangeWatcher)
    assert not watcher.changed()
    path.write_bytes(b"changed by another program")
    assert watcher.changed()
    assert not watcher.changed()


def test_a_fingerprint_watcher_compares_values():
    values = iter([1, 1, 2, 2, 3])
    watcher = FingerprintChangeWatcher(lambda: next(values))
    assert [watcher.changed() for _ in range(4)] == [False, True, False, True]


def test_file_fingerprint_includes_the_write_ahead_log(database):
    path, db = database
    fingerprint = file_fingerprint(path)
    before = fingerprint()
    db.execute("INSERT INTO clippings (title) VALUES ('into the WAL')")
    db.commit()
    assert fingerprint() != before


def test_the_archive_says_when_it_changed_elsewhere(archive, tmp_path):
    from tests.conftest import add_clipping, eventually, reopen

    assert not archive.changed_elsewhere()  # the first call starts watching
    assert not archive.changed_elsewhere()
    other = reopen(archive)
    try:
        add_clipping(other, "Added by another program. It has words.", title="Elsewhere")
    finally:
        other.close()
    assert eventually(archive.changed_elsewhere)
    assert not archive.changed_elsewhere()


def test_own_commits_from_any_thread_are_not_changes_elsewhere(archive):
    import threading

    from tests.conftest import add_clipping, eventually, reopen

    assert not archive.changed_elsewhere()
    add_clipping(archive, "Added by this program. It has words.", title="Own")
    worker = threading.Thread(
        target=lambda: add_clipping(archive, "Added by a worker thread of this program.")
    )
    worker.start()
    worker.join()
    assert not archive.changed_elsewhere(), "this program shows its own changes itself"
    add_clipping(archive, "Added by this program again.", title="Own again")
    other = reopen(archive)
    try:
        add_clipping(other, "Added by another program in between.", title="Elsewhere")
    finally:
        other.close()
    assert eventually(archive.changed_elsewhere), "own and another program's change: it is seen"
    assert not archive.changed_elsewhere()


@pytest.mark.folder_only
def test_a_writer_that_does_not_count_its_changes_is_still_seen(archive):
    from tests.conftest import add_clipping, eventually

    add_clipping(archive, "A clipping to rename. It has words.", title="Before")
    assert not archive.changed_elsewhere()
    db = sqlite3.connect(archive.path / DATABASE_NAME)
    try:
        db.execute("UPDATE clippings SET title = 'Renamed by an older version'")
        db.commit()
    finally:
        db.close()
    assert eventually(archive.changed_elsewhere)


def test_a_write_that_changes_nothing_is_not_a_change_for_other_programs(archive):
    from tests.conftest import add_clipping, eventually, reopen

    add_clipping(archive, "A clipping to watch. It has words.", title="Watched")
    other = reopen(archive)
    try:
        assert not other.changed_elsewhere()
        archive.sync_index()  # nothing queued: no rows change
        archive.store.set_meta("a note", "same")
        assert eventually(other.changed_elsewhere)
        archive.sync_index()
        assert not other.changed_elsewhere(), "an empty write moves nothing"
    finally:
        other.close()


def test_a_program_that_never_watches_keeps_no_change_numbers(archive):
    from tests.conftest import add_clipping

    for number in range(3):
        add_clipping(archive, f"Added without a watcher, number {number}.")
    assert archive.store.own_changes._numbers == set()

"""The team archive's storage on a real PostgreSQL server: the one migration history,
the originals in the database, writers taking turns, and the server's faults in words."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import inspect, select, text, update

from clippings import address
from clippings.model import ArchiveError, StorageError
from clippings.storage import ClippingStore, DatabaseOriginals, migrations, originals_db, postgres
from clippings.storage.queue import run_driver_sql
from clippings.storage.schema import metadata, original_chunks


@pytest.fixture
def store(pg_url):
    opened = ClippingStore.for_server(pg_url)
    opened.upgrade()
    yield opened
    opened.close()


def test_the_migrations_of_the_embedded_archive_build_the_same_schema_on_the_server(pg_url):
    opened = ClippingStore.for_server(pg_url)
    try:
        assert not opened.holds_archive()
        assert opened.upgrade() == 0
        assert opened.upgrade() == migrations.LATEST  # a second run changes nothing
        assert opened.holds_archive()
        found = inspect(opened.engine)
        assert set(metadata.tables) <= set(found.get_table_names())
        for name, table in metadata.tables.items():
            columns = {c["name"]: c for c in found.get_columns(name)}
            assert set(columns) == {c.name for c in table.columns}, name
            for column in table.columns:
                assert columns[column.name]["nullable"] == column.nullable, (name, column.name)
            made = {i["name"] for i in found.get_indexes(name)}
            assert {i.name for i in table.indexes} <= made, name
    finally:
        opened.close()


def test_a_database_holding_other_tables_is_refused_not_mixed_into(pg_url):
    opened = ClippingStore.for_server(pg_url)
    try:
        with opened.engine.begin() as conn:
            conn.execute(text("CREATE TABLE invoices (id int)"))
        with pytest.raises(ArchiveError, match="holds other tables \\(invoices\\)"):
            opened.holds_archive()
    finally:
        opened.close()


def test_originals_are_stored_once_in_chunks_and_read_back_whole(store, monkeypatch):
    monkeypatch.setattr(originals_db, "CHUNK_SIZE", 1000)
    originals = DatabaseOriginals(store)
    data = bytes(range(256)) * 20  # 5,120 bytes: 6 chunks
    sha, written = originals.put(data)
    assert written
    assert originals.put(data) == (sha, False)  # the same bytes are stored once
    assert originals.read(sha) == data
    assert [len(c) for c in originals.chunks(sha)] == [1000] * 5 + [120]
    assert list(originals.stored()) == [sha]
    assert originals.verify(sha) == "ok"
    empty, _ = originals.put(b"")
    assert originals.read(empty) == b""


def test_an_original_changed_in_the_database_is_found_altered_and_repaired(store, monkeypatch):
    monkeypatch.setattr(originals_db, "CHUNK_SIZE", 10)
    originals = DatabaseOriginals(store)
    sha, _ = originals.put(b"the original article, as it was imported")
    with store.engine.begin() as conn:
        conn.execute(
            update(original_chunks)
            .where(original_chunks.c.sha256 == sha, original_chunks.c.seq == 1)
            .values(data=b"XXXXXXXXXX")
        )
    assert originals.verify(sha) == "altered"
    originals.replace(b"the original article, as it was imported")
    assert originals.verify(sha) == "ok"
    originals.remove(sha)
    assert originals.verify(sha) == "missing"
    assert not originals.exists(sha)


def test_an_original_written_in_a_failed_transaction_is_not_left_behind(store):
    originals = DatabaseOriginals(store)
    held = originals.write_incoming(b"a page whose clipping could not be stored")
    with pytest.raises(RuntimeError), store.joined_write():
        originals.place_all([held])  # joins the claiming transaction...
        raise RuntimeError("the claim failed")  # ...which then rolls back
    assert not originals.exists(held.sha256)
    with store.engine.connect() as conn:
        assert conn.execute(select(original_chunks.c.sha256)).first() is None


def test_an_original_is_copied_out_for_another_program_a_chunk_at_a_time(
    store, tmp_path, monkeypatch
):
    monkeypatch.setattr(originals_db, "CHUNK_SIZE", 7)
    originals = DatabaseOriginals(store)
    sha, _ = originals.put(b"%PDF-1.4 a printed page")
    target = originals.copy_to(sha, tmp_path / "out" / "page.pdf")
    assert target.read_bytes() == b"%PDF-1.4 a printed page"
    assert not (target.stat().st_mode & 0o222)  # read-only


def test_writers_of_every_client_take_turns(pg_url):
    first = ClippingStore.for_server(pg_url)
    second = ClippingStore.for_server(pg_url)
    first.upgrade()
    holding = threading.Event()
    order: list[str] = []

    def hold() -> None:
        with first._writing():
            holding.set()
            time.sleep(0.5)
            order.append("first done")

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert holding.wait(10)
        started = time.monotonic()
        second.set_meta("note", "written after the first writer finished")
        order.append("second done")
        assert time.monotonic() - started >= 0.3  # it waited for the first
        assert order == ["first done", "second done"]
    finally:
        thread.join()
        first.close()
        second.close()


def test_a_server_that_is_not_there_is_named_in_plain_words(pg_server):
    unreachable = ClippingStore.for_server("postgresql://postgres@127.0.0.1:9/nothing")
    try:
        with pytest.raises(StorageError, match="cannot reach the team archive at"):
            unreachable.schema_version()
    finally:
        unreachable.close()
    missing = ClippingStore.for_server(pg_server.url("no_such_database"))
    try:
        with pytest.raises(ArchiveError, match="no such database"):
            missing.schema_version()
    finally:
        missing.close()


def test_addresses_are_shown_and_kept_without_their_password():
    url = "postgresql://ann:s3cret@db.example.org:5433/newsroom"
    assert address.is_server_url(url)
    assert not address.is_server_url("/home/ann/archive")
    assert address.display(url) == "postgresql://ann@db.example.org:5433/newsroom"
    assert address.database_name(url) == "newsroom"
    assert postgres.driver_url("postgres://ann@db/newsroom", "p@ss") == (
        "postgresql+psycopg://ann:p%40ss@db/newsroom"
    )
    with pytest.raises(ArchiveError, match="names no database"):
        postgres.driver_url("postgresql://ann@db.example.org/")


def _within(seconds: float, condition) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_client_hears_of_other_clients_commits_but_not_of_its_own(pg_url):
    mine = ClippingStore.for_server(pg_url)
    theirs = ClippingStore.for_server(pg_url)
    mine.upgrade()
    watcher = mine.watch_server()
    try:
        assert not watcher.changed()
        mine.set_meta("ocr_languages", "eng")  # this client's own commit
        time.sleep(0.3)
        assert not watcher.changed()
        theirs.set_meta("ocr_languages", "deu")  # another client's
        assert _within(5, watcher.changed)
        assert not watcher.changed()  # told once
    finally:
        watcher.close()
        mine.close()
        theirs.close()


def test_a_watch_whose_connection_was_cut_listens_again(pg_url, pg_server):
    mine = ClippingStore.for_server(pg_url)
    theirs = ClippingStore.for_server(pg_url)
    mine.upgrade()
    watcher = mine.watch_server()
    try:
        pg_server.admin_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE query LIKE 'LISTEN%' AND datname = '{pg_url.rsplit('/', 1)[1]}'"
        )
        assert _within(5, watcher.changed)  # missed while away: read again
        theirs.set_meta("ocr_languages", "fra")
        assert _within(5, watcher.changed)
    finally:
        watcher.close()
        mine.close()
        theirs.close()


def test_many_rows_go_to_the_server_at_once_and_commit_or_roll_back_together(store):
    upsert = (
        "INSERT INTO analysis_terms (term, df) VALUES (?, ?) "
        "ON CONFLICT(term) DO UPDATE SET df = analysis_terms.df + excluded.df"
    )
    rows = [(term, 1) for term in range(-500, 500)] + [(2**62, 3)]
    with store._writing() as conn:
        assert postgres.insert_rows(conn, upsert, rows)  # one statement, not 1,001
        run_driver_sql(conn, upsert, rows)  # the same path: every count doubles
    with pytest.raises(RuntimeError), store._writing() as conn:
        run_driver_sql(conn, upsert, [(term, 10) for term in range(1000, 1500)])
        raise RuntimeError("the batch fails after its rows were sent")
    with store._reading() as conn:
        found = dict(conn.execute(text("SELECT term, df FROM analysis_terms")).all())
    assert found == {**{term: 2 for term in range(-500, 500)}, 2**62: 6}


def test_rows_the_server_cannot_take_as_arrays_go_one_by_one(store):
    with store._writing() as conn:
        # Not a table of the archive's schema, or values of mixed types in a column.
        assert not postgres.insert_rows(conn, "INSERT INTO nowhere (a) VALUES (?)", [(1,), (2,)])
        assert not postgres.insert_rows(
            conn, "INSERT INTO analysis_terms (term, df) VALUES (?, ?)", [(1, 1), ("2", 1)]
        )

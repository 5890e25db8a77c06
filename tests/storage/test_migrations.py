"""Every later version opens the archives this one made."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.schema import CreateIndex

from clippings.model import ArchiveError
from clippings.services import Archive
from clippings.storage import migrations
from clippings.storage.schema import metadata
from tests.conftest import DATA


@pytest.fixture
def old_archive(tmp_path):
    copy = tmp_path / "archive-v1"
    shutil.copytree(DATA / "archive-v1", copy)
    for path in copy.rglob("*"):
        path.chmod(0o644 if path.is_file() else 0o755)
    return copy


def test_the_archive_made_by_version_1_opens_and_upgrades(old_archive):
    with Archive.open(old_archive) as archive:
        assert archive.store.schema_version() == migrations.LATEST
        assert [c.title for c in archive.list(sort="published")] == [
            "Harbour reopens after storm",
            "Мост закрыт на ремонт",
        ]
        harbour = archive.get(1)
        assert harbour.published == datetime(2021, 7, 25, 5, 5, tzinfo=UTC)
        assert harbour.provenance["published"] == "text-dateline"
        assert set(harbour.tags) == {"Ports/North", "Weather"}
        assert {r.id for r in archive.list(tag="Ports")} == {1, 2}
        assert {t.name: t.colour for t in archive.tags()}["Ports"] == "#2a7ab0"
        trashed = archive.get(3)
        assert trashed.trashed and trashed.outlet == "Town Bulletin"
        assert trashed.provenance["outlet"] == "user"
        assert trashed.published == date(2020, 12, 1)
        assert archive.search("fishing boats").total == 1
        assert archive.search("мост").total == 1
        assert archive.check() == []
        # Verdicts came with schema 15; the connection that upgraded records them too.
        archive.store.set_verdict(1, 2, "not same story")
        assert archive.history(2)[-1].detail == "not same story as 1"


def test_migrations_build_exactly_the_current_schema(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with engine.begin() as conn:
        assert migrations.upgrade(conn) == 0
        assert migrations.upgrade(conn) == migrations.LATEST  # a second run changes nothing
    found = inspect(engine)
    assert set(found.get_table_names()) == set(metadata.tables)
    for name, table in metadata.tables.items():
        columns = {c["name"]: c for c in found.get_columns(name)}
        assert set(columns) == {c.name for c in table.columns}, name
        for column in table.columns:
            assert columns[column.name]["nullable"] == column.nullable, (name, column.name)
    # Every index of schema.py, with the same columns and expressions (SQLAlchemy does
    # not reflect expression indexes, so they are compared as SQLite keeps them).
    with engine.connect() as conn:
        made = {
            str(row.name): _squashed(str(row.sql))
            for row in conn.execute(
                text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql NOT NULL")
            )
        }
        for table in metadata.tables.values():
            for index in table.indexes:
                assert index.name in made, index.name
                wanted = _squashed(str(CreateIndex(index).compile(conn)))
                assert made[index.name] == wanted, index.name


def _squashed(sql: str) -> str:
    return re.sub(r"[\s\"]+", "", sql).lower()


def test_an_archive_from_a_newer_version_is_refused_with_a_message(old_archive):
    import sqlite3

    db = sqlite3.connect(old_archive / "clippings.sqlite3")
    db.execute("UPDATE archive_meta SET value = '99' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    with pytest.raises(ArchiveError, match="newer version of Clippings"):
        Archive.open(old_archive)


def test_clippings_made_before_copies_get_their_marks_after_the_upgrade(old_archive):
    from clippings.services import copies

    with Archive.open(old_archive) as archive:
        # Schema 8: the clippings already there have no marks yet; they are marked a
        # batch at a time, and then none is left.
        assert archive.store.unmarked_clippings(10)
        assert copies.mark_old_clippings(archive) == 3
        assert copies.mark_old_clippings(archive) == 0
        assert archive.store.unmarked_clippings(10) == []


def test_bylines_made_before_become_author_lists(old_archive):
    # Schema 9: the author field is a list of names, read once from the byline; what
    # the user typed is read as the user's list.
    import json
    import sqlite3

    database = sqlite3.connect(old_archive / "clippings.sqlite3")
    with database:
        database.execute(
            "UPDATE clippings SET author = 'By JANE DOE and Tom Watkins, CNN' WHERE id = 1"
        )
        provenance = json.dumps({"author": "user"})
        database.execute(
            "UPDATE clippings SET author = 'Simon and Garfunkel', provenance = ? WHERE id = 2",
            (provenance,),
        )
        database.execute("UPDATE clippings SET author = 'No Author' WHERE id = 3")
    database.close()
    with Archive.open(old_archive) as archive:
        assert archive.get(1).author == "Jane Doe; Tom Watkins"
        assert archive.get(2).author == "Simon and Garfunkel"
        assert archive.get(3).author is None
        # The search index follows: the old byline's words are gone from author:.
        archive.sync_index()
        assert [h.clipping.id for h in archive.search('author:"Tom Watkins"').hits] == [1]
        assert not archive.search("author:CNN").hits


def test_outlets_made_before_become_one_table(old_archive):
    # Schema 10: each clipping's outlet and domain find or make an outlet, in import order.
    import sqlite3

    database = sqlite3.connect(old_archive / "clippings.sqlite3")
    with database:
        database.execute(
            "UPDATE clippings SET outlet = NULL, url = 'https://www.reuters.com/a' WHERE id = 1"
        )
        database.execute(
            "UPDATE clippings SET outlet = 'Reuters', url = 'https://reuters.com/b' WHERE id = 2"
        )
        database.execute("UPDATE clippings SET outlet = 'REUTERS', url = NULL WHERE id = 3")
    database.close()
    with Archive.open(old_archive) as archive:
        assert [archive.get(i).outlet for i in (1, 2, 3)] == ["Reuters"] * 3
        [outlet] = archive.outlet_table()
        # (Clipping 3 is in the trash: counted nowhere.)
        assert outlet.domains == ("reuters.com",) and outlet.count == 2
        archive.sync_index()
        assert len(archive.search("outlet:Reuters").hits) == 2

"""The audit trail: who imported, edited, tagged, trashed, restored or purged a clipping,
and when, on both an archive folder (the operating system's user) and a team archive
(the server's user, recorded by triggers nobody but the owner can get around)."""

from __future__ import annotations

import getpass
import sqlite3
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from clippings import address
from clippings.storage import ClippingStore
from tests.storage.made import clipping


@pytest.fixture(params=["folder", "server"])
def store(request, tmp_path):
    """An archive folder's store, or a team archive's connected as its owner."""
    if request.param == "folder":
        opened = ClippingStore.for_file(tmp_path / "clippings.sqlite3")
        me = getpass.getuser()
    else:
        url = request.getfixturevalue("pg_url")
        opened = ClippingStore.for_server(url)
        me = address.user_name(url)
    opened.upgrade()
    if opened.on_server:
        opened.install_server_roles()
    opened.me = me  # type: ignore[attr-defined]
    yield opened
    opened.close()


def actions(store, clipping_id):
    return [(e.action, e.detail) for e in store.audit(clipping_id)]


def test_every_change_of_a_clipping_is_in_its_trail_with_who_and_when(store):
    before = datetime.now(UTC) - timedelta(seconds=5)
    first = store.add(clipping("The harbour reopened today."), ["Ports"])
    other = store.add(clipping("The bridge closed for repairs.", "Bridge closed"))
    store.add_tag([first, other], "Weather")
    store.remove_tag([first], "Ports")
    store.edit(first, {"title": "Harbour open again", "notes": "check the date"})
    store.edit(first, {"title": "Harbour open again"})  # no change: nothing recorded
    store.set_trashed([first], True)
    store.set_trashed([first], False)
    store.set_trashed([first], True)
    store.purge([first])
    assert actions(store, first) == [
        ("imported", None),
        ("tagged", "Ports"),
        ("tagged", "Weather"),
        ("untagged", "Ports"),
        ("edited", "title, notes"),
        ("trashed", None),
        ("restored", None),
        ("trashed", None),
        ("purged", "Harbour open again"),  # its tag Weather went with it, unlisted
    ]
    trail = store.audit(first)
    assert {e.who for e in trail} == {store.me}
    assert all(before <= e.at <= datetime.now(UTC) + timedelta(seconds=5) for e in trail)
    assert actions(store, other) == [("imported", None), ("tagged", "Weather")]


def test_a_verdict_on_a_pair_is_in_both_clippings_trails(store):
    first = store.add(clipping("The harbour reopened today."))
    other = store.add(clipping("The harbour reopened this morning.", "Harbour open"))
    third = store.add(clipping("The bridge closed for repairs.", "Bridge closed"))
    store.set_verdict(first, other, "same story")
    store.set_verdict(other, first, "same story")  # no change: nothing recorded
    store.set_verdict(first, other, "not same story")
    store.set_verdict(first, other, None)
    store.set_verdict(first, third, "not same story")
    store.set_trashed([third], True)
    store.purge([third])  # the verdict goes with it, as its tags do: unlisted
    assert actions(store, first)[1:] == [
        ("judged", f"same story as {other}"),
        ("judged", f"not same story as {other}"),
        ("judged", f"no verdict on {other}"),
        ("judged", f"not same story as {third}"),
    ]
    assert actions(store, other)[1:] == [
        ("judged", f"same story as {first}"),
        ("judged", f"not same story as {first}"),
        ("judged", f"no verdict on {first}"),
    ]
    assert store.verdicts() == {}


def test_a_failed_change_leaves_no_trace_and_bookkeeping_is_not_an_edit(store):
    from sqlalchemy import update

    from clippings.storage.schema import clippings

    first = store.add(clipping("The harbour reopened today."))
    with pytest.raises(RuntimeError), store._writing() as conn:
        conn.execute(update(clippings).where(clippings.c.id == first).values(title="Lost"))
        raise RuntimeError("the change fails: it is rolled back")
    store.add_tag([first], "Ports")  # bumps the clipping's revision for the index
    store.queue_all()
    assert actions(store, first) == [("imported", None), ("tagged", "Ports")]


def test_renaming_a_tag_changes_no_clippings_trail_but_deleting_it_untags(store):
    first = store.add(clipping("The harbour reopened today."), ["Weather"])
    store.rename_tag("Weather", "Climate")
    store.delete_tag("Climate")
    assert actions(store, first) == [
        ("imported", None),
        ("tagged", "Weather"),
        ("untagged", "Climate"),
    ]


def test_an_archive_folder_written_by_another_program_still_works(tmp_path):
    store = ClippingStore.for_file(tmp_path / "clippings.sqlite3")
    try:
        store.upgrade()
        first = store.add(clipping("The harbour reopened today."))
    finally:
        store.close()
    # The sqlite3 shell, a script: no audit function needed, their changes unrecorded.
    db = sqlite3.connect(tmp_path / "clippings.sqlite3")
    with db:
        db.execute("UPDATE clippings SET title = 'Changed by hand'")
    db.close()
    store = ClippingStore.for_file(tmp_path / "clippings.sqlite3")
    try:
        assert store.get(first).title == "Changed by hand"
        assert actions(store, first) == [("imported", None)]
    finally:
        store.close()


def test_on_the_server_the_trail_names_each_person_and_they_cannot_forge_it(pg_server, pg_url):
    owner = ClippingStore.for_server(pg_url)
    database = address.database_name(pg_url)
    owner.upgrade()
    owner.install_server_roles()
    owner.set_member("ann", "editor")
    owner.set_member("bob", "admin")
    ann = ClippingStore.for_server(pg_server.url(database, user="ann"))
    bob = ClippingStore.for_server(pg_server.url(database, user="bob"))
    try:
        first = ann.add(clipping("The harbour reopened today."), ["Ports"])
        ann.set_trashed([first], True)
        bob.purge([first])
        assert [(e.who, e.action) for e in owner.audit(first)] == [
            ("ann", "imported"),
            ("ann", "tagged"),
            ("ann", "trashed"),
            ("bob", "purged"),
        ]
        assert ann.audit(first) == owner.audit(first)  # everyone may read it
        second = ann.add(clipping("The bridge closed for repairs.", "Bridge closed"))
        with psycopg.connect(pg_server.url(database, user="ann"), autocommit=True) as conn:
            # Acting as the archive's group, a person is still named in the trail.
            conn.execute(f'SET ROLE "{database}_editor"')  # type: ignore[arg-type]
            conn.execute("UPDATE clippings SET title = 'Bridge shut' WHERE id = %s", (second,))
        assert [(e.who, e.action, e.detail) for e in owner.audit(second)][-1] == (
            "ann",
            "edited",
            "title",
        )
        # An editor's verdict on a pair is hers in both clippings' trails.
        third = ann.add(clipping("The bridge reopened after repairs.", "Bridge open"))
        ann.set_verdict(second, third, "not same story")
        assert [(e.who, e.detail) for e in owner.audit(third)][-1] == (
            "ann",
            f"not same story as {second}",
        )
        with psycopg.connect(pg_server.url(database, user="bob"), autocommit=True) as conn:
            for statement in (
                "DELETE FROM audit_log",
                "UPDATE audit_log SET who = 'ann'",
                "ALTER TABLE clippings DISABLE TRIGGER clippings_audit_delete",
                "DROP TRIGGER clippings_audit_delete ON clippings",
                "SELECT public.clippings_audit()",
            ):
                with pytest.raises(psycopg.Error):
                    conn.execute(statement)  # type: ignore[arg-type]
    finally:
        ann.close()
        bob.close()
        owner.close()
        with psycopg.connect(pg_server.url("postgres"), autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE usename IN ('ann', 'bob')"
            )
            conn.execute("DROP ROLE IF EXISTS ann")
            conn.execute("DROP ROLE IF EXISTS bob")


def test_a_copy_writes_with_the_trail_paused_and_it_records_again_after(store):
    from sqlalchemy import select

    from clippings.storage.audit import audit_paused
    from clippings.storage.schema import clippings as clippings_table

    first = store.add(clipping("The harbour reopened today."))
    with store._writing() as conn, audit_paused(conn):
        conn.execute(
            clippings_table.update()
            .where(clippings_table.c.id == first)
            .values(title="Copied as it was")
        )
        assert conn.execute(select(clippings_table.c.title)).scalar() == "Copied as it was"
    store.edit(first, {"title": "Edited after the copy"})
    assert actions(store, first) == [("imported", None), ("edited", "title")]

"""People at work in a team archive made by ``server init``: an editor imports, tags,
searches and trashes but may not purge; a reader's archive opens read-only and
searches; every change is in the clipping's trail under its author's name."""

from __future__ import annotations

import psycopg
import pytest

from clippings import address
from clippings.model import NotAllowedError
from clippings.services import Archive
from clippings.services.server import init_server, members, set_member
from tests.conftest import add_clipping


@pytest.fixture
def team(pg_server, pg_url):
    init_server(pg_url)
    yield pg_url
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename IN ('ann', 'bob')"
        )
        conn.execute("DROP ROLE IF EXISTS ann")
        conn.execute("DROP ROLE IF EXISTS bob")


def test_an_editor_and_a_reader_at_work_in_a_team_archive(team):
    set_member(team, "ann", "editor")
    set_member(team, "bob", "reader")
    assert {(m.login, m.role) for m in members(team)} == {("ann", "editor"), ("bob", "reader")}
    with Archive.open(address.with_user(team, "ann")) as editor:
        assert not editor.read_only
        first = add_clipping(editor, "The harbour reopened after the storm.", tags=("Ports",))
        editor.sync_index()
        assert editor.search("harbour").total == 1
        editor.trash([first])
        with pytest.raises(NotAllowedError):
            editor.purge([first])
        editor.restore([first])
        assert [(e.who, e.action) for e in editor.store.audit(first)] == [
            ("ann", "imported"),
            ("ann", "tagged"),
            ("ann", "trashed"),
            ("ann", "restored"),
        ]
    with Archive.open(address.with_user(team, "bob")) as reader:
        assert reader.read_only
        assert reader.store.my_role() == "reader"
        assert reader.search("harbour").total == 1
        assert reader.get(first).tags == ("Ports",)

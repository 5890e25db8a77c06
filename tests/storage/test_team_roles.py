"""A team archive's roles on a real PostgreSQL server: what a reader, an editor and an
admin may do, and that an admin can grant the archive's three roles and nothing else."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from clippings import address
from clippings.model import (
    ArchiveError,
    Extracted,
    Member,
    MemberError,
    NotAllowedError,
    NotFoundError,
)
from clippings.storage import ClippingStore, migrations
from tests.storage.made import clipping


class Team:
    """A team archive set up by its owner, and a way to connect as its people."""

    def __init__(self, server, url: str) -> None:
        self.server = server
        self.url = url
        self.database = address.database_name(url)
        self.owner = ClippingStore.for_server(url)
        self.owner.upgrade()
        self.owner.install_server_roles()
        self.opened: list[ClippingStore] = [self.owner]

    def person(self, login: str, role: str | None) -> ClippingStore:
        """A store connected as ``login``, made a member with ``role`` by the owner."""
        if role is not None:
            self.owner.set_member(login, role)
        store = ClippingStore.for_server(self.server.url(self.database, user=login))
        self.opened.append(store)
        return store

    def sql_as(self, login: str, statement: str, *args: object) -> None:
        with psycopg.connect(self.server.url(self.database, user=login), autocommit=True) as c:
            c.execute(statement, args or None)  # type: ignore[arg-type]

    def attributes(self, login: str) -> tuple[bool, bool, bool, bool, bool]:
        with psycopg.connect(self.server.url("postgres"), autocommit=True) as conn:
            row = conn.execute(
                "SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls "
                "FROM pg_roles WHERE rolname = %s",
                (login,),
            ).fetchone()
        assert row is not None
        return tuple(row)  # type: ignore[return-value]

    def memberships(self, login: str) -> set[str]:
        with psycopg.connect(self.server.url("postgres"), autocommit=True) as conn:
            return {
                str(name)
                for (name,) in conn.execute(
                    "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                    "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = %s",
                    (login,),
                ).fetchall()
            }

    def close(self) -> None:
        for store in self.opened:
            store.close()


@pytest.fixture
def team(pg_server, pg_url) -> Iterator[Team]:
    made = Team(pg_server, pg_url)
    logins = ("ann", "bob", "cat", "dan", "eve")
    yield made
    made.close()
    # Logins are the cluster's: those the tests made go with their database.
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ANY(%s)",
            (list(logins),),
        )
        for login in (*logins, "mallory"):
            conn.execute(f'DROP ROLE IF EXISTS "{login}"')  # type: ignore[arg-type]


# --- What each role may do ----------------------------------------------------------------


def test_a_reader_reads_but_cannot_import_and_is_told_so(team):
    clipping_id = team.person("ann", "editor").add(clipping("The harbour reopened today."))
    reader = team.person("bob", "reader")
    assert reader.my_role() == "reader"
    assert not reader.may_write()
    assert reader.get(clipping_id).title == "Harbour reopens"
    assert reader.count() == 1
    with pytest.raises(NotAllowedError, match="your account in this team archive may not do"):
        reader.add(clipping("A reader's own article."))
    with pytest.raises(NotAllowedError):
        reader.add_tag([clipping_id], "Ports")
    with pytest.raises(NotAllowedError):
        reader.edit(clipping_id, {"title": "Changed"})
    with pytest.raises(NotAllowedError):
        reader.set_trashed([clipping_id], True)
    other = team.owner.add(clipping("The harbour reopened this morning.", "Harbour open"))
    with pytest.raises(NotAllowedError):
        reader.set_verdict(clipping_id, other, "not same story")
    assert team.owner.verdicts() == {}
    assert team.owner.count() == 2 and team.owner.get(clipping_id).tags == ()


def test_an_editor_imports_tags_edits_trashes_and_restores_but_cannot_purge(team):
    editor = team.person("ann", "editor")
    assert editor.my_role() == "editor" and editor.may_write()
    first = editor.add(clipping("The harbour reopened today."), ["Ports/North"])
    second = editor.add(clipping("The bridge closed for repairs.", "Bridge closed"))
    editor.add_tag([first, second], "Weather")
    editor.remove_tag([second], "Weather")
    editor.create_tag("Later")
    edited = editor.edit(first, {"title": "Harbour open again", "outlet": "Town Bulletin"})
    assert edited.title == "Harbour open again" and edited.outlet == "Town Bulletin"
    assert editor.set_trashed([second], True) == [second]
    assert editor.set_trashed([second], False) == [second]
    editor.set_trashed([second], True)
    with pytest.raises(NotAllowedError):
        editor.purge([second])
    with pytest.raises(NotAllowedError):
        editor.rename_tag("Weather", "Climate")
    with pytest.raises(NotAllowedError):
        editor.set_tag_colour("Weather", "#ff0000")
    with pytest.raises(NotAllowedError):
        editor.set_tag_colour("Ports", "#ff0000")  # an implicit parent: a new row, coloured
    with pytest.raises(NotAllowedError):
        editor.delete_tag("Later")
    with pytest.raises(NotAllowedError):
        editor.set_member("bob", "reader")
    assert editor.exists([first, second]) == {first, second}
    assert {t.name for t in editor.tags()} >= {"Ports", "Ports/North", "Weather", "Later"}


def test_an_editor_reads_a_clipping_again_and_renames_and_merges_outlets(team):
    editor = team.person("ann", "editor")
    first = editor.add(clipping("The harbour reopened today."))
    second = editor.add(clipping("The bridge closed for repairs.", "Bridge closed"))
    editor.edit(first, {"outlet": "Town Bulletin"})
    editor.edit(second, {"outlet": "Bulletin"})
    again = Extracted(text="The harbour reopened today, said the mayor.", format="text")
    assert "mayor" in editor.reread(first, again, text_hash=None, word_count=7).text
    editor.rename_outlet("Bulletin", "Town Bulletin")  # two outlets become one
    assert [o.name for o in editor.all_outlets()] == ["Town Bulletin"]


def test_no_role_below_the_owner_changes_the_facts_of_an_import_or_the_schema(team):
    editor = team.person("ann", "editor")
    first = editor.add(clipping("The harbour reopened today."))
    team.person("bob", "admin")
    for login in ("ann", "bob"):
        for statement in (
            "UPDATE clippings SET sha256 = 'elsewhere'",
            "UPDATE clippings SET imported_at = now() - interval '1 year'",
            "INSERT INTO archive_meta (key, value) VALUES ('created_at', 'never')",
        ):
            with pytest.raises(psycopg.Error):
                team.sql_as(login, statement)
        # Row security hides the schema's marks from an editor's changes.
        team.sql_as(login, "UPDATE archive_meta SET value = '99' WHERE key = 'schema_version'")
        team.sql_as(login, "DELETE FROM archive_meta WHERE key = 'schema_version'")
    assert team.owner.schema_version() == migrations.LATEST
    assert editor.get(first).sha256 == clipping("The harbour reopened today.").sha256
    editor.set_meta("ocr_languages", "eng+deu")  # the archive's own notes: an editor's
    assert editor.meta("ocr_languages") == "eng+deu"


def test_the_owner_needs_createrole_and_no_more(pg_server):
    database = pg_server.new_database()
    try:
        pg_server.admin_sql("CREATE ROLE dan LOGIN")
        pg_server.admin_sql(f'ALTER DATABASE "{database}" OWNER TO dan')
        pg_server.admin_sql("GRANT CREATE ON SCHEMA public TO dan", database)
        owner = ClippingStore.for_server(pg_server.url(database, user="dan"))
        try:
            owner.upgrade()
            with pytest.raises(ArchiveError, match="CREATEROLE"):
                owner.install_server_roles()
            pg_server.admin_sql("ALTER ROLE dan CREATEROLE")
            owner.install_server_roles()
            assert owner.my_role() == "admin"
            owner.set_member("ann", "admin", password="harbour lights")
            assert owner.members() == [Member("ann", "admin")]
        finally:
            owner.close()
        admin = ClippingStore.for_server(pg_server.url(database, user="ann"))
        try:
            admin.set_member("bob", "editor")
            assert {m.login for m in admin.members()} == {"ann", "bob"}
        finally:
            admin.close()
    finally:
        pg_server.drop_database(database)
        for login in ("ann", "bob", "dan"):
            pg_server.admin_sql(f'DROP ROLE IF EXISTS "{login}"')


def test_no_role_below_the_owner_may_truncate_or_rewrite_the_trail(team):
    editor = team.person("ann", "editor")
    editor.add(clipping("The harbour reopened today."), ["Ports"])
    team.person("bob", "admin")
    for login in ("ann", "bob"):
        for statement in (
            "TRUNCATE clipping_tags",
            "TRUNCATE index_queue",
            "DELETE FROM audit_log",
            "UPDATE audit_log SET who = 'somebody else'",
            "INSERT INTO audit_log (at, who, action) VALUES (now(), 'x', 'purged')",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                team.sql_as(login, statement)


def test_an_admin_purges_renames_tags_and_adds_members(team):
    editor = team.person("ann", "editor")
    doomed = editor.add(clipping("The harbour reopened today."), ["Weather"])
    editor.set_trashed([doomed], True)
    admin = team.person("bob", "admin")
    assert admin.my_role() == "admin"
    admin.rename_tag("Weather", "Climate")
    admin.set_tag_colour("Climate", "#2a7ab0")
    assert admin.purge([doomed])[0] == [doomed]
    with pytest.raises(NotFoundError):
        admin.get(doomed)
    admin.delete_tag("Climate")
    admin.set_member("cat", "reader", password="harbour lights")
    assert Member("cat", "reader") in admin.members()
    admin.set_member("cat", "editor")  # a new role replaces the old one
    assert team.memberships("cat") == {f"{team.database}_editor"}
    assert admin.remove_member("cat")
    assert not admin.remove_member("cat")
    assert "cat" not in {m.login for m in admin.members()}
    assert team.memberships("cat") == set()  # the account stays; its role here goes


def test_a_new_members_password_lets_them_in_and_is_stored_hashed(team, pg_server):
    team.owner.set_member("cat", "reader", password="harbour lights")
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as conn:
        (stored,) = conn.execute(
            "SELECT rolpassword FROM pg_authid WHERE rolname = 'cat'"
        ).fetchone()  # type: ignore[misc]
    assert stored.startswith("SCRAM-SHA-256$") and "harbour" not in stored


def test_the_owner_is_an_admin_and_an_archive_folder_has_no_roles(team, tmp_path):
    assert team.owner.my_role() == "admin"
    folder = ClippingStore.for_file(tmp_path / "clippings.sqlite3")
    try:
        folder.upgrade()
        assert folder.my_role() is None
        assert folder.members() == []
        with pytest.raises(ArchiveError, match="one person's"):
            folder.set_member("ann", "editor")
    finally:
        folder.close()


# --- Escalation: an admin grants the three roles and nothing else -------------------------


def test_an_admin_cannot_grant_itself_server_powers_directly(team):
    team.person("eve", "admin")
    for statement in (
        "GRANT pg_execute_server_program TO eve",
        "GRANT pg_read_server_files TO eve",
        "ALTER ROLE eve SUPERUSER",
        "ALTER ROLE eve CREATEROLE",
        "ALTER ROLE eve BYPASSRLS",
        "CREATE ROLE mallory LOGIN",
        f'GRANT "{team.database}_admin" TO eve',  # no ADMIN OPTION: only through the function
        "ALTER ROLE postgres PASSWORD 'taken'",
        "ALTER FUNCTION public.clippings_set_member(text, text, text) OWNER TO eve",
        "CREATE FUNCTION public.clippings_members() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            team.sql_as("eve", statement)
    assert team.attributes("eve") == (False, False, False, False, False)
    assert team.memberships("eve") == {f"{team.database}_admin"}


def test_an_admin_cannot_get_server_powers_through_the_members_function(team):
    admin = team.person("eve", "admin")
    team.person("ann", "editor")
    for kind in ("pg_execute_server_program", "admin, pg_execute_server_program", "superuser"):
        with pytest.raises(MemberError, match="reader, editor or admin"):
            admin.set_member("ann", kind)
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            team.sql_as("eve", "SELECT public.clippings_set_member('ann', %s)", kind)
    # Names that would be SQL if pasted: refused, and nothing is made of them.
    for login in (
        'x" SUPERUSER --',
        "x SUPERUSER",
        "ann; ALTER ROLE eve SUPERUSER",
        "pg_execute_server_program",
        "ann' OR '1'='1",
    ):
        with pytest.raises(MemberError):
            admin.set_member(login, "reader")
    # A password is a literal, whatever it holds.
    admin.set_member("cat", "reader", password="x' SUPERUSER CREATEROLE --")
    team.sql_as("eve", "SELECT public.clippings_set_member('dan', 'reader', %s)", "x' SUPERUSER")
    for login in ("cat", "dan"):
        assert team.attributes(login) == (False, False, False, False, False)
        assert team.memberships(login) == {f"{team.database}_reader"}
    # The archive's own groups, the server's roles and its administrators are not
    # anybody's account; nor is one's own to promote or demote.
    for login, match in (
        (f"{team.database}_editor", "not a person's account"),
        ("pg_monitor", "not a person.s account"),
        ("postgres", "server's administrators"),
        ("eve", "your own role"),
    ):
        with pytest.raises(MemberError, match=match):
            admin.set_member(login, "admin")
        with pytest.raises(MemberError, match=match):
            admin.remove_member(login)
    assert team.attributes("eve") == (False, False, False, False, False)
    assert team.memberships("eve") == {f"{team.database}_admin"}
    assert team.memberships("postgres") == set()


def test_an_admin_cannot_take_over_an_existing_account_by_its_password(team, pg_server):
    # bob's account also serves elsewhere on the server (another archive, say).
    pg_server.admin_sql("CREATE ROLE bob LOGIN")
    pg_server.admin_sql("CREATE ROLE newsroom_elsewhere NOLOGIN")
    pg_server.admin_sql("GRANT newsroom_elsewhere TO bob")
    admin = team.person("eve", "admin")
    admin.set_member("bob", "reader")  # joining this archive is fine...
    with pytest.raises(MemberError, match="exists already"):
        admin.set_member("bob", "reader", password="now mine")  # ...taking it over is not
    admin.set_member("cat", "editor", password="first")  # a new account gets one...
    with pytest.raises(MemberError, match="exists already"):
        admin.set_member("cat", "editor", password="now mine")  # ...and keeps it
    team.sql_as("cat", "ALTER ROLE cat PASSWORD 'changed by cat herself'")
    with pytest.raises(MemberError, match="server's administrators"):
        admin.set_member("postgres", "reader", password="now mine")
    pg_server.admin_sql("CREATE ROLE mallory LOGIN CREATEROLE")
    with pytest.raises(MemberError, match="server's administrators"):
        admin.set_member("mallory", "reader", password="now mine")
    assert team.memberships("mallory") == set()
    pg_server.admin_sql("DROP ROLE newsroom_elsewhere")


def test_only_admins_may_run_the_members_functions(team):
    team.person("ann", "editor")
    team.person("bob", "reader")
    for login in ("ann", "bob"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            team.sql_as(login, "SELECT public.clippings_set_member(%s, 'admin')", login)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            team.sql_as(login, "SELECT public.clippings_remove_member('ann')")
    assert team.memberships("bob") == {f"{team.database}_reader"}
    reader = team.person("bob", None)
    assert {m.login: m.role for m in reader.members()} == {"ann": "editor", "bob": "reader"}


def test_roles_are_installed_again_without_harm(team):
    team.person("ann", "editor")
    assert team.owner.install_server_roles() == tuple(
        f"{team.database}_{kind}" for kind in ("reader", "editor", "admin")
    )
    assert team.person("ann", None).my_role() == "editor"

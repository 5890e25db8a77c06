"""A team archive's roles on its PostgreSQL server: reader, editor and admin.

Roles are the cluster's, not the database's, so each archive's are named after its
database (``<db>_reader``, ``<db>_editor``, ``<db>_admin``); they cannot log in
themselves: people's own login roles are made members of one of them
(reader ⊂ editor ⊂ admin).

- reader: search, read and export (SELECT everywhere);
- editor: also import, tag, edit and trash (what these write, table by table below;
  editing includes renaming and merging outlets), never purge, never change the
  tags' structure;
- admin: also purge (DELETE clippings and originals), the tags' structure (rename,
  recolour, merge and delete tags) and users (``clippings_set_member``,
  ``clippings_remove_member``).

Nobody but the owner may TRUNCATE (it would bypass the audit's row triggers), change
or delete the audit trail (``audit_log``), change the facts of an import (which
original a clipping is of, when it was imported) or the schema's marks in
``archive_meta`` (row security: an editor who set ``schema_version`` would lock every
client out).

Users are managed through two narrow ``SECURITY DEFINER`` functions owned by the
database's owner, executable by the archive's admins only. They can only create a
plain LOGIN role (never SUPERUSER, CREATEROLE, CREATEDB, REPLICATION nor BYPASSRLS)
and grant or revoke this archive's three roles, nothing else: an admin holds no
CREATEROLE and no ADMIN OPTION, so it cannot grant itself anything directly (such as
``pg_execute_server_program``). They refuse to touch a superuser, a role with
CREATEROLE, REPLICATION or BYPASSRLS, a role that cannot log in (the archive's own
groups, another archive's, the server's ``pg_*`` roles) and the caller itself; and
they set a password only on a login they create: an existing account's password is
changed by its owner (``ALTER ROLE … PASSWORD``, psql's password command) or the
server's administrator, so an admin can neither take over an account used beyond
the archive nor act, and be recorded in the audit trail, as a colleague. Identifiers
go through ``format('%I')``, the password through ``%L``.

The user who runs ``install`` (``clippings server init``/``upgrade``) owns the
database and needs CREATEROLE (or is a superuser): the functions run with its rights
to create logins and grant the archive's roles. On PostgreSQL 16 and later, a
CREATEROLE user may grant only roles it has ADMIN OPTION on, which it holds on the
roles it created itself (the three archive roles, when it ran ``server init``).

PostgreSQL-only SQL, like ``postgres.py``. ``install`` may be run again: it adds what
is missing and grants every table's rights afresh.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from clippings.model import ArchiveError
from clippings.storage.postgres import execute_verbatim

#: The roles of an archive, from the fewest rights to the most.
ROLE_KINDS = ("reader", "editor", "admin")

#: The longest role name the server keeps (NAMEDATALEN - 1 bytes).
_MAX_NAME_BYTES = 63

#: What an editor may do to each table beyond reading it (importing, tagging, editing,
#: trashing and restoring). Tables not named here hold derived data (the queues, the
#: analysis, the search index's tables): an editor's program keeps them up to date.
_EDITOR_RIGHTS = {
    # the change number and the archive's notes, written by every write (but not the
    # schema's own marks: ``_PROTECTED_META``)
    "archive_meta": "INSERT, UPDATE, DELETE",
    # everything an edit, a new reading, the trash, an outlet or the index queue
    # changes; never which original a clipping is of, nor when it was imported
    "clippings": "INSERT, UPDATE ({columns})",
    "originals": "INSERT",
    "original_chunks": "INSERT",
    # an import that claims bytes a purge was about to remove takes them back
    "original_removals": "DELETE",
    "clipping_copies": "INSERT",
    "copy_marks": "INSERT, DELETE",
    "outlets": "INSERT, UPDATE, DELETE",
    "outlet_keys": "INSERT, UPDATE",
    # tagging makes a tag that is new; colour, names and deletions are the admin's
    "tags": "INSERT (name)",
    "clipping_tags": "INSERT, DELETE",
    # written by triggers only (their function runs as the owner)
    "audit_log": "",
}
#: What an admin may do beyond an editor's rights: purge, and the tags' structure.
_ADMIN_RIGHTS = {
    "clippings": "DELETE",
    "originals": "DELETE",
    "original_chunks": "DELETE",
    "original_removals": "INSERT",
    "clipping_copies": "DELETE",
    "tags": "INSERT, UPDATE, DELETE",
}
#: The rights of an editor on a table not named above.
_DERIVED_RIGHTS = "INSERT, UPDATE, DELETE"
#: Columns of ``clippings`` that are facts of the import: no one but the owner
#: changes them.
_IMPORT_FACTS = ("id", "sha256", "part", "original_name", "format", "imported_at")
#: Keys of ``archive_meta`` only the owner writes (``server init``/``upgrade``): an
#: editor who set the schema's version would lock every client out.
_PROTECTED_META = ("schema_version", "created_at")


def role_name(database: str, kind: str) -> str:
    """The server's name of an archive's role (``newsroom_editor``)."""
    if kind not in ROLE_KINDS:
        raise ValueError(f"{kind!r} is not a role (reader, editor or admin)")
    return f"{database}_{kind}"


def install(conn: Connection, database: str) -> tuple[str, str, str]:
    """Create the archive's roles if missing, grant each its rights and (re)create the
    functions that manage members; returns the roles' names (reader, editor, admin).

    Raises:
        ArchiveError: the database's name is too long to name its roles after it.
    """
    if len(role_name(database, "editor").encode()) > _MAX_NAME_BYTES:
        raise ArchiveError(
            f"the database name {database!r} is too long for a team archive: its roles "
            f"are named after it and the server keeps {_MAX_NAME_BYTES} bytes of a name; "
            "choose a shorter name"
        )
    may_create_roles = conn.execute(
        text("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
    ).scalar()
    if not may_create_roles:
        raise ArchiveError(
            "setting up a team archive's roles needs a server user who may create roles "
            "(CREATEROLE) or a superuser, and owns the database: ask the server's "
            "administrator to run it, or to give your user CREATEROLE"
        )
    reader, editor, admin = (role_name(database, kind) for kind in ROLE_KINDS)
    for role in (reader, editor, admin):
        exists = conn.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}
        ).first()
        if exists is None:
            conn.execute(text(f"CREATE ROLE {_quoted(role)} NOLOGIN"))
    conn.execute(text(f"GRANT {_quoted(reader)} TO {_quoted(editor)}"))
    conn.execute(text(f"GRANT {_quoted(editor)} TO {_quoted(admin)}"))
    db = _quoted(database)
    conn.execute(text(f"REVOKE ALL ON DATABASE {db} FROM PUBLIC"))
    conn.execute(text(f"GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {_quoted(reader)}"))
    conn.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
    conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {_quoted(reader)}"))
    tables = [
        str(name)
        for name in conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ).scalars()
    ]
    groups = ", ".join(_quoted(role) for role in (reader, editor, admin))
    for table in tables:
        name = _quoted(table)
        # Afresh: what an earlier version granted (TRUNCATE, say) does not linger.
        conn.execute(text(f"REVOKE ALL ON {name} FROM {groups}"))
        conn.execute(text(f"GRANT SELECT ON {name} TO {_quoted(reader)}"))
        editor_rights = _EDITOR_RIGHTS.get(table, _DERIVED_RIGHTS)
        if "{columns}" in editor_rights:
            columns = conn.execute(
                text(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = 'public' AND table_name = :t ORDER BY ordinal_position"
                ),
                {"t": table},
            ).scalars()
            changeable = [_quoted(str(c)) for c in columns if c not in _IMPORT_FACTS]
            editor_rights = editor_rights.replace("{columns}", ", ".join(changeable))
        if editor_rights:
            conn.execute(text(f"GRANT {editor_rights} ON {name} TO {_quoted(editor)}"))
        if table in _ADMIN_RIGHTS:
            conn.execute(text(f"GRANT {_ADMIN_RIGHTS[table]} ON {name} TO {_quoted(admin)}"))
    conn.execute(
        text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {_quoted(editor)}")
    )
    if "archive_meta" in tables:
        _protect_meta(conn, reader, editor)
    for statement in _member_functions():
        execute_verbatim(conn, statement)
    for signature, role in (
        ("clippings_set_member(text, text, text)", admin),
        ("clippings_remove_member(text)", admin),
        ("clippings_members()", reader),
    ):
        conn.execute(text(f"REVOKE ALL ON FUNCTION public.{signature} FROM PUBLIC"))
        conn.execute(text(f"GRANT EXECUTE ON FUNCTION public.{signature} TO {_quoted(role)}"))
    return reader, editor, admin


def _protect_meta(conn: Connection, reader: str, editor: str) -> None:
    """Row security on ``archive_meta``: everyone reads it, editors write any key but
    the schema's own (the owner, who is not subject to it, writes those)."""
    protected = ", ".join(f"'{key}'" for key in _PROTECTED_META)
    conn.execute(text("ALTER TABLE archive_meta ENABLE ROW LEVEL SECURITY"))
    for policy in ("archive_meta_read", "archive_meta_write"):
        conn.execute(text(f"DROP POLICY IF EXISTS {policy} ON archive_meta"))
    conn.execute(
        text(
            f"CREATE POLICY archive_meta_read ON archive_meta FOR SELECT "
            f"TO {_quoted(reader)} USING (true)"
        )
    )
    conn.execute(
        text(
            f"CREATE POLICY archive_meta_write ON archive_meta FOR ALL TO {_quoted(editor)} "
            f"USING (key NOT IN ({protected})) WITH CHECK (key NOT IN ({protected}))"
        )
    )


def _member_functions() -> list[str]:
    """The functions that manage and list an archive's members.

    They name the archive's roles after ``current_database()`` (the functions live in
    the archive's database), so no name is pasted into their text. ``session_user``
    is the login that connected: inside a SECURITY DEFINER function ``current_user``
    is the function's owner.
    """
    # Checks shared by both functions: the caller is one of the archive's admins (or
    # its owner), and the login named is one an admin may touch at all.
    checks = """
    IF NOT (pg_has_role(session_user, admin_role, 'MEMBER')
            OR pg_has_role(session_user, (SELECT datdba FROM pg_database
                                          WHERE datname = current_database()), 'MEMBER')) THEN
        RAISE EXCEPTION 'only an admin of this archive may change its members'
            USING ERRCODE = '42501';
    END IF;
    IF login IS NULL OR login !~ '^[[:alpha:]_][[:alnum:]_.@-]*$'
       OR octet_length(login) > 63 THEN
        RAISE EXCEPTION 'a user name is letters, digits and . _ @ - (up to 63 bytes), '
            'starting with a letter: not %', quote_literal(coalesce(login, ''))
            USING ERRCODE = '22023';
    END IF;
    IF login = session_user THEN
        RAISE EXCEPTION 'you cannot change your own role: another admin can'
            USING ERRCODE = '22023';
    END IF;
    SELECT * INTO found FROM pg_roles WHERE rolname = login;
    IF found.oid IS NOT NULL AND (found.rolsuper OR found.rolcreaterole
            OR found.rolreplication OR found.rolbypassrls) THEN
        RAISE EXCEPTION 'the account % is one of the server''s administrators: '
            'Clippings does not change it', login USING ERRCODE = '22023';
    END IF;
    IF found.oid IS NOT NULL AND NOT found.rolcanlogin THEN
        RAISE EXCEPTION '% is a group of the server, not a person''s account', login
            USING ERRCODE = '22023';
    END IF;
    """
    declare = """
DECLARE
    admin_role text := current_database() || '_admin';
    archive_roles text[] := ARRAY[current_database() || '_reader',
                                  current_database() || '_editor', admin_role];
    found pg_roles%ROWTYPE;
    other text;
"""
    set_member = f"""
CREATE OR REPLACE FUNCTION public.clippings_set_member(
    login text, kind text, password text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $clippings$
{declare}
    chosen text;
BEGIN
    IF kind IS NULL OR kind NOT IN ('reader', 'editor', 'admin') THEN
        RAISE EXCEPTION 'a role is reader, editor or admin, not %',
            quote_literal(coalesce(kind, '')) USING ERRCODE = '22023';
    END IF;
    chosen := current_database() || '_' || kind;
    {checks}
    IF found.oid IS NULL THEN
        EXECUTE format('CREATE ROLE %I LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE '
                       'NOREPLICATION NOBYPASSRLS', login);
        IF password IS NOT NULL THEN
            EXECUTE format('ALTER ROLE %I PASSWORD %L', login, password);
        END IF;
    ELSIF password IS NOT NULL THEN
        -- Not even an account of this archive alone: an admin who could reset a
        -- colleague's password could act, and be recorded, as them.
        RAISE EXCEPTION 'the account % exists already: only its owner (or the '
            'server''s administrator) changes its password', login USING ERRCODE = '22023';
    END IF;
    FOREACH other IN ARRAY archive_roles LOOP
        IF other <> chosen AND EXISTS (
                SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                JOIN pg_roles u ON u.oid = m.member
                WHERE g.rolname = other AND u.rolname = login) THEN
            EXECUTE format('REVOKE %I FROM %I', other, login);
        END IF;
    END LOOP;
    IF NOT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                   JOIN pg_roles u ON u.oid = m.member
                   WHERE g.rolname = chosen AND u.rolname = login) THEN
        EXECUTE format('GRANT %I TO %I', chosen, login);
    END IF;
END
$clippings$"""
    remove_member = f"""
CREATE OR REPLACE FUNCTION public.clippings_remove_member(login text)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $clippings$
{declare}
    removed boolean := false;
BEGIN
    {checks}
    IF found.oid IS NULL THEN
        RETURN false;
    END IF;
    FOREACH other IN ARRAY archive_roles LOOP
        IF EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                   WHERE g.rolname = other AND m.member = found.oid) THEN
            EXECUTE format('REVOKE %I FROM %I', other, login);
            removed := true;
        END IF;
    END LOOP;
    RETURN removed;
END
$clippings$"""
    members = """
CREATE OR REPLACE FUNCTION public.clippings_members()
RETURNS TABLE (login text, kind text)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $clippings$
    SELECT u.rolname::text,
           (array_agg(substr(g.rolname, length(current_database()) + 2)
                      ORDER BY CASE g.rolname
                          WHEN current_database() || '_admin' THEN 0
                          WHEN current_database() || '_editor' THEN 1 ELSE 2 END))[1]
    FROM pg_auth_members m
    JOIN pg_roles g ON g.oid = m.roleid
    JOIN pg_roles u ON u.oid = m.member
    WHERE u.rolcanlogin
      AND g.rolname IN (current_database() || '_reader', current_database() || '_editor',
                        current_database() || '_admin')
    GROUP BY u.rolname
    ORDER BY u.rolname
$clippings$"""
    return [set_member, remove_member, members]


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'

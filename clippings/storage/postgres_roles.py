"""A team archive's roles on its PostgreSQL server: reader, editor and admin.

Roles are the cluster's, not the database's, so each archive's are named after its
database (``<db>_reader``, ``<db>_editor``, ``<db>_admin``); they cannot log in
themselves: people's own login roles are made members of one of them.

- reader: search, read and export (SELECT everywhere);
- editor: also import, tag, edit and trash (INSERT and UPDATE, and DELETE where a
  change of a clipping's tags or queued work removes rows), never purge;
- admin: also purge (DELETE clippings and originals), the tags' structure (rename,
  recolour and delete tags) and users.

PostgreSQL-only SQL, like ``postgres.py``. ``install`` runs as the database's owner
(``clippings server init`` or ``upgrade``) and may be run again: it only adds what is
missing and re-grants.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

#: The roles of an archive, from the fewest rights to the most.
ROLE_KINDS = ("reader", "editor", "admin")

#: Tables whose rows only an admin may delete or change: the clippings themselves
#: (a purge), their original bytes, and the tags' structure.
_ADMIN_ONLY_DELETES = ("clippings", "originals", "original_chunks", "tags", "outlets")


def role_name(database: str, kind: str) -> str:
    """The server's name of an archive's role (``newsroom_editor``)."""
    if kind not in ROLE_KINDS:
        raise ValueError(f"{kind!r} is not a role (reader, editor or admin)")
    return f"{database}_{kind}"


def install(conn: Connection, database: str) -> tuple[str, str, str]:
    """Create the archive's roles if missing and grant each its rights; returns their
    names (reader, editor, admin)."""
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
    for table in tables:
        name = _quoted(table)
        conn.execute(text(f"GRANT SELECT ON {name} TO {_quoted(reader)}"))
        conn.execute(text(f"GRANT INSERT, UPDATE ON {name} TO {_quoted(editor)}"))
        if table in _ADMIN_ONLY_DELETES:
            conn.execute(text(f"GRANT DELETE ON {name} TO {_quoted(admin)}"))
        else:
            conn.execute(text(f"GRANT DELETE, TRUNCATE ON {name} TO {_quoted(editor)}"))
    # Only an admin changes the tags' structure: an editor adds tags (by tagging) but
    # neither renames nor recolours them.
    if "tags" in tables:
        conn.execute(text(f"REVOKE UPDATE ON tags FROM {_quoted(editor)}"))
        conn.execute(text(f"GRANT UPDATE ON tags TO {_quoted(admin)}"))
    conn.execute(
        text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {_quoted(editor)}")
    )
    return reader, editor, admin


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'

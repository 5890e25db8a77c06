"""What only PostgreSQL needs: the team archive's URL, its engines, a look at the
database before trusting it, and the server's words for faults.

The counterpart of ``sqlite.py``; everything else in ``storage`` is portable
SQLAlchemy. Like SQLite's ``BEGIN IMMEDIATE``, a write transaction here takes the
archive's write lock at its first statement (a transaction-scoped advisory lock), so
writers from every client take turns exactly as two programs on one archive folder
do: a duplicate check and the insert that follows it cannot interleave with another
client's. Reads never wait (MVCC), and a write waits only for other writes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text

from clippings.address import (
    SCHEMES,
    database_name,
    display,
)
from clippings.model import ArchiveError, ClippingsError, NotAllowedError, StorageError

#: The advisory lock key of the archive's writes (any constant: one per database).
WRITE_LOCK_KEY = 0x436C6970  # "Clip"
#: How long a statement may wait for a lock before the user is told the archive is busy.
LOCK_TIMEOUT_MS = 30_000
#: How long connecting may take before the server is called unreachable.
CONNECT_TIMEOUT_S = 10


def driver_url(url: str, password: str | None = None) -> str:
    """The SQLAlchemy URL for ``url`` (the psycopg 3 driver), with ``password`` if given.

    Raises:
        ArchiveError: not a ``postgresql://`` URL naming a database.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES:
        raise ArchiveError(f"{display(url)} is not a PostgreSQL address (postgresql://…)")
    if not parts.path.strip("/"):
        raise ArchiveError(
            f"{display(url)} names no database: add it at the end (postgresql://host/clippings)"
        )
    netloc = parts.netloc
    if password is not None:
        user = parts.username or ""
        host = netloc.rpartition("@")[2]
        netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
    return urlunsplit(("postgresql+psycopg", netloc, parts.path, parts.query, ""))


def engines(url: str, *, password: str | None = None) -> tuple[Engine, Engine]:
    """(reader, writer) engines for the database at ``url``.

    The writer's transactions begin by taking the archive's write lock.
    """
    target = driver_url(url, password)
    connect_args = {"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "Clippings"}
    reader = create_engine(target, pool_pre_ping=True, connect_args=connect_args)
    writer = create_engine(target, pool_pre_ping=True, connect_args=connect_args)
    _configure(reader, lock=False)
    _configure(writer, lock=True)
    return reader, writer


def _configure(engine: Engine, *, lock: bool) -> None:
    # Many rows of a Core INSERT (marks, queue rows, stored analyses) go as multi-row
    # INSERTs of up to ``insertmanyvalues_page_size`` rows: one statement a page, not
    # one a row (psycopg's executemany runs each row on the server; SQLAlchemy does
    # this by default for psycopg2 only). Driver-level ones: ``insert_rows``.
    engine.dialect.use_insertmanyvalues_wo_returning = True

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = {LOCK_TIMEOUT_MS}")
            cursor.execute("SET timezone = 'UTC'")
            # No compiling of statements (JIT): the app's are short, and compiling one
            # (50-200 ms) costs more than it saves; the planner would compile any plan
            # it was told to avoid (a search's "no sequential scan") for its cost.
            cursor.execute("SET jit = off")
        dbapi_connection.commit()

    event.listen(engine, "connect", on_connect)
    if lock:

        def on_begin(connection: Any) -> None:
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")

        event.listen(engine, "begin", on_begin)


#: ``INSERT INTO table (columns) VALUES (?, ...) rest``: what ``insert_rows`` rewrites.
_INSERT_ROW = re.compile(
    r"\s*INSERT\s+INTO\s+(\w+)\s*\(([\w\s,]+)\)\s*VALUES\s*\((?:\s*\?\s*,)*\s*\?\s*\)(.*)",
    re.IGNORECASE | re.DOTALL,
)


def insert_rows(conn: Connection, statement: str, rows: Sequence[Sequence[Any]]) -> bool:
    """Run ``INSERT INTO t (a, b) VALUES (?, ?) [ON CONFLICT ...]`` for many ``rows`` as
    one statement, ``INSERT INTO t (a, b) SELECT * FROM unnest(a's array, b's array)``:
    one round trip and one execution instead of one a row, and a few arrays for the
    driver to send instead of thousands of parameters. False (nothing done) when the
    statement is not of that form or names no table of the schema.
    """
    from clippings.storage.schema import metadata

    found = _INSERT_ROW.fullmatch(statement)
    if found is None or "?" in found[3] or "%" in found[3]:
        return False
    table = metadata.tables.get(found[1])
    names = [name.strip() for name in found[2].split(",")]
    if table is None or any(name not in table.c for name in names):
        return False
    columns = [_array(values) for values in zip(*rows, strict=True)]
    if len(columns) != len(names) or any(column is None for column in columns):
        return False
    arrays = ", ".join(
        f"CAST(%s AS {table.c[name].type.compile(conn.dialect)}[])" for name in names
    )
    conn.exec_driver_sql(
        f"INSERT INTO {found[1]} ({found[2]}) SELECT * FROM unnest({arrays}){found[3]}",
        tuple(columns),
    )
    return True


def _array(values: Sequence[Any]) -> list[Any] | None:
    """A column's values as one array the driver can send (None: it cannot, their
    types are mixed)."""
    kinds = {type(value) for value in values if value is not None}
    if kinds == {int, float}:  # a score that happens to be whole
        return [None if value is None else float(value) for value in values]
    return list(values) if len(kinds) <= 1 else None


def inspect_database(engine: Engine, url: str) -> bool:
    """Whether the database holds an archive (True) or nothing yet (False).

    Raises:
        ArchiveError: the database holds other tables and no archive (Clippings never
            mixes its tables into someone else's database).
    """
    names = set(inspect(engine).get_table_names())
    if "archive_meta" in names:
        return True
    if names:
        shown = ", ".join(sorted(names)[:3]) + (", …" if len(names) > 3 else "")
        raise ArchiveError(
            f"the database {database_name(url)} holds other tables ({shown}) and no "
            "Clippings archive; create an empty database for the team archive"
        )
    return False


def error_for(error: BaseException, url: str | None) -> ClippingsError | None:
    """The server's fault in words a person can act on, or None if not the server's."""
    if type(error).__module__.split(".")[0] != "psycopg":
        return None
    said = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    code = getattr(error, "sqlstate", None) or ""
    where = display(url) if url else "the team archive"
    text = said.lower()
    if "password authentication failed" in text or "no password supplied" in text:
        return ArchiveError(f"the server refused the password for {where}")
    if code == "28000" or ("role" in text and "does not exist" in text):
        return ArchiveError(f"the server does not know this user ({said})")
    if code == "3D000" or ("database" in text and "does not exist" in text):
        return ArchiveError(f"there is no such database on the server ({said})")
    if code == "25006":
        return NotAllowedError(
            f"{where} is a read-only copy of the team archive (a replica): search and read "
            "here, and connect to the main server to change anything; nothing was changed"
        )
    if code == "42501":
        return NotAllowedError(
            "your account in this team archive may not do that; nothing was changed "
            f"(ask the archive's admin for another role). The server said: {said}"
        )
    if code in {"55P03", "40P01", "40001"} or "lock timeout" in text:
        return StorageError(
            "the team archive is busy: another client has been writing for more than "
            f"{LOCK_TIMEOUT_MS // 1000} seconds; try again in a moment"
        )
    if code.startswith("08") or "connection" in text or "could not connect" in text:
        return StorageError(f"cannot reach the team archive at {where}: {said}")
    if code == "53100":
        return StorageError("the server's disk is full: the change was not saved")
    return None


def reset_sequences(conn: Connection, tables: list[str]) -> None:
    """After rows were written with their ids (a copy), move each table's id sequence
    past the highest id, so the next insert gets a new one."""
    for table in tables:
        sequence = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table}
        ).scalar()
        if sequence is None:
            continue  # no serial id column
        conn.execute(
            text(f'SELECT setval(:s, COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)'),
            {"s": sequence},
        )


def execute_verbatim(conn: Connection, statement: str) -> None:
    """Run a statement as it is, in ``conn``'s transaction: the driver reads no
    parameters in it, so a function's body may hold its own ``%`` and ``:``."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(statement)
    finally:
        cursor.close()

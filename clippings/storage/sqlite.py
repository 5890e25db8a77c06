"""What only SQLite needs: connection settings, write transactions that take the lock
at once, and a look at the file before trusting it (copies made with the online
backup API are in ``backup.py``).

Everything else in ``storage`` is portable SQLAlchemy; a server database (PostgreSQL)
needs none of this.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event

from clippings.model import ArchiveError
from clippings.storage.audit import AUDITED_FIELDS

#: The first 16 bytes of every SQLite database file.
HEADER = b"SQLite format 3\x00"
#: How long a writer waits for another program's write to finish, in milliseconds.
BUSY_TIMEOUT_MS = 30_000


def engines(path: Path, *, read_only: bool) -> tuple[Engine, Engine]:
    """(reader, writer) engines for a database file.

    Reads begin a deferred transaction: in WAL mode they never wait for a writer.
    Writes begin with ``BEGIN IMMEDIATE``, so a transaction that reads before it
    writes (a duplicate check, a claim) holds the write lock from its first
    statement: two writers take turns instead of one failing half-way with "database
    is locked" when it tries to upgrade its read lock. The writer's connections record
    the audit trail as the operating system's user (``audit_triggers``).
    """
    if read_only:
        reader = create_engine(_read_only_url(path), future=True)
        _configure(reader, begin="BEGIN")
        return reader, reader
    url = f"sqlite:///{path}"
    reader = create_engine(url, future=True)
    writer = create_engine(url, future=True)
    _configure(reader, begin="BEGIN")
    _configure(writer, begin="BEGIN IMMEDIATE", audit_user=operating_system_user())
    return reader, writer


def operating_system_user() -> str:
    """Who uses this computer, as the audit trail of an archive folder names them."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment nor a passwd entry
        return "unknown"


def _audit_sql(user: str) -> tuple[str, str, str]:
    """The parts of every audit trigger's row: who (``user`` as an SQL literal), when,
    and the INSERT's head."""
    who = "'" + user.replace("'", "''") + "'"
    # SQLAlchemy reads six digits after the second's point.
    now = "strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'"
    return who, now, "INSERT INTO audit_log (at, who, action, clipping_id, detail)"


def audit_triggers(user: str) -> list[str]:
    """The audit trail's triggers of an archive folder, naming ``user``.

    The same rows as a team archive's (``postgres_audit.py``), written in the
    transaction of the change. They are TEMP triggers, made by each of this
    program's writing connections for itself with the user's name as a literal,
    rather than triggers stored in the file that call a function of this program:
    another program writing the file (the ``sqlite3`` shell, a script, a benchmark's
    bulk load) then keeps working instead of failing on a function it lacks. Such
    writes go unrecorded, which an archive folder can afford: it is one person's,
    who may change anything in the file anyway, the trail included.
    """
    who, now, columns = _audit_sql(user)
    changed = " || ".join(
        f"CASE WHEN OLD.{field} IS NOT NEW.{field} THEN '{field}, ' ELSE '' END"
        for field in AUDITED_FIELDS
    )
    edited = " OR ".join(f"OLD.{field} IS NOT NEW.{field}" for field in AUDITED_FIELDS)
    fields = ", ".join(AUDITED_FIELDS)
    tag_of = "(SELECT name FROM tags WHERE id = {row}.tag_id)"
    return [
        "CREATE TEMP TRIGGER IF NOT EXISTS clippings_audit_insert AFTER INSERT ON "
        f"main.clippings BEGIN {columns} VALUES ({now}, {who}, 'imported', NEW.id, NULL); END",
        "CREATE TEMP TRIGGER IF NOT EXISTS clippings_audit_trash AFTER UPDATE OF trashed ON "
        "main.clippings WHEN OLD.trashed IS NOT NEW.trashed BEGIN "
        f"{columns} VALUES ({now}, {who}, "
        "CASE WHEN NEW.trashed THEN 'trashed' ELSE 'restored' END, NEW.id, NULL); END",
        # Only an UPDATE that sets one of these fields considers the trigger: the
        # index queue's revision bumps (an import's every row) never do.
        f"CREATE TEMP TRIGGER IF NOT EXISTS clippings_audit_edit AFTER UPDATE OF {fields} ON "
        f"main.clippings WHEN {edited} BEGIN {columns} VALUES ({now}, {who}, 'edited', "
        f"NEW.id, rtrim({changed}, ', ')); END",
        "CREATE TEMP TRIGGER IF NOT EXISTS clippings_audit_delete AFTER DELETE ON "
        f"main.clippings BEGIN {columns} VALUES ({now}, {who}, 'purged', OLD.id, OLD.title); "
        "END",
        "CREATE TEMP TRIGGER IF NOT EXISTS clippings_audit_tag AFTER INSERT ON "
        f"main.clipping_tags BEGIN {columns} VALUES ({now}, {who}, 'tagged', "
        f"NEW.clipping_id, {tag_of.format(row='NEW')}); END",
        "CREATE TEMP TRIGGER IF NOT EXISTS clippings_audit_untag AFTER DELETE ON "
        "main.clipping_tags WHEN EXISTS (SELECT 1 FROM clippings WHERE id = OLD.clipping_id) "
        f"BEGIN {columns} VALUES ({now}, {who}, 'untagged', OLD.clipping_id, "
        f"{tag_of.format(row='OLD')}); END",
    ]


def verdict_triggers(user: str) -> list[str]:
    """The audit trail's triggers of the user's verdicts on pairs (schema 15), naming
    ``user``: each change is recorded on both clippings ("not same story as 12"; "no
    verdict on 12" when taken back, unless a purge took it with a clipping)."""
    who, now, columns = _audit_sql(user)

    def both(row: str, detail: str) -> str:
        return "".join(
            f"{columns} VALUES ({now}, {who}, 'judged', {row}.{mine}, "
            f"{detail.format(other=f'{row}.{theirs}')}); "
            for mine, theirs in (("first_id", "second_id"), ("second_id", "first_id"))
        )

    said = "NEW.verdict || ' as ' || {other}"
    unsaid = "'no verdict on ' || {other}"
    live = "(SELECT COUNT(*) FROM clippings WHERE id IN (OLD.first_id, OLD.second_id)) = 2"
    return [
        "CREATE TEMP TRIGGER IF NOT EXISTS clippings_audit_verdict AFTER INSERT ON "
        f"main.pair_verdicts BEGIN {both('NEW', said)}END",
        "CREATE TEMP TRIGGER IF NOT EXISTS clippings_audit_reverdict AFTER UPDATE OF verdict "
        "ON main.pair_verdicts WHEN OLD.verdict IS NOT NEW.verdict BEGIN "
        f"{both('NEW', said)}END",
        "CREATE TEMP TRIGGER IF NOT EXISTS clippings_audit_unverdict AFTER DELETE ON "
        f"main.pair_verdicts WHEN {live} BEGIN {both('OLD', unsaid)}END",
    ]


#: The names of the audit trail's TEMP triggers (``audit_triggers``).
AUDIT_TRIGGERS = (
    "clippings_audit_insert",
    "clippings_audit_trash",
    "clippings_audit_edit",
    "clippings_audit_delete",
    "clippings_audit_tag",
    "clippings_audit_untag",
    "clippings_audit_verdict",
    "clippings_audit_reverdict",
    "clippings_audit_unverdict",
)


def pause_audit(conn: Connection) -> str | None:
    """Drop this connection's audit triggers inside its transaction (a rollback brings
    them back); returns the user they named, for ``resume_audit``, or None."""
    info = conn.connection.info
    user = info.get("audit_user") if info.get("audit_installed") else None
    for name in AUDIT_TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS temp.{name}")
    return user if isinstance(user, str) else None


def resume_audit(conn: Connection, user: str | None) -> None:
    """Make the audit triggers that ``pause_audit`` dropped again."""
    if user is not None:
        verdicts = conn.exec_driver_sql(_HAS_VERDICTS).fetchone() is not None
        for statement in audit_triggers(user) + (verdict_triggers(user) if verdicts else []):
            conn.exec_driver_sql(statement)


_HAS_VERDICTS = "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = 'pair_verdicts'"


def _install_audit(dbapi_connection: Any, info: dict[str, Any], user: str) -> None:
    """Make the connection's audit triggers once the archive has its trail (schema 13),
    and those of the verdicts once it has them (schema 15).

    Outside a transaction: a TEMP trigger made inside one would go with its rollback.
    """
    if info.get("audit_installed") and info.get("audit_verdicts"):
        return
    cursor = dbapi_connection.cursor()
    try:
        if not info.get("audit_installed"):
            found = cursor.execute(
                "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = 'audit_log'"
            ).fetchone()
            if found is None:
                return
            for statement in audit_triggers(user):
                cursor.execute(statement)
            info["audit_installed"] = True
            info["audit_user"] = user
        # The verdicts' table comes with schema 15: a connection opened before the
        # upgrade makes their triggers at its first transaction after it.
        if cursor.execute(_HAS_VERDICTS).fetchone() is not None:
            for statement in verdict_triggers(user):
                cursor.execute(statement)
            info["audit_verdicts"] = True
    finally:
        cursor.close()


def _read_only_url(path: Path) -> str:
    # ``immutable`` lets SQLite read a WAL database where it cannot create the shared
    # memory file (a read-only disk or folder); nobody can write there meanwhile.
    immutable = (
        "&immutable=1" if not os.access(path.parent, os.W_OK) or _on_read_only_mount(path) else ""
    )
    return f"sqlite:///file:{path}?mode=ro{immutable}&uri=true"


def _on_read_only_mount(path: Path) -> bool:
    if not hasattr(os, "statvfs"):  # Windows: file modes say it
        return False
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def folder_is_read_only(path: Path) -> bool:
    """Whether the archive folder (or its database) cannot be written.

    A read-only mount is caught even for root, whom file modes do not stop.
    """
    database = path / "clippings.sqlite3"
    if _on_read_only_mount(path):
        return True
    if not os.access(path, os.W_OK):
        return True
    return database.exists() and not os.access(database, os.W_OK)


def _configure(engine: Engine, *, begin: str, audit_user: str | None = None) -> None:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below decide how transactions start (the
        # sqlite3 module's own implicit BEGIN would defer the write lock and breaks
        # SAVEPOINTs and transactional DDL).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # FULL: a transaction reported committed survives a power cut too.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    def on_begin(connection: Any) -> None:
        if audit_user is not None:
            proxied = connection.connection
            _install_audit(proxied.dbapi_connection, proxied.info, audit_user)
        connection.exec_driver_sql(begin)

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "begin", on_begin)


def inspect_file(path: Path, *, archive_has_content: bool) -> None:
    """Refuse a database file that cannot be this archive's, before SQLite touches it.

    SQLite treats an empty file as a new database and would happily create tables in
    it, so a database cut to 0 bytes would silently become an empty archive.

    Raises:
        ArchiveError: the file is empty while the archive holds originals, or is not
            an SQLite database at all.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    except OSError as error:
        raise ArchiveError(f"cannot read the database {path}: {error.strerror}") from error
    if size == 0:
        if archive_has_content:
            raise ArchiveError(damaged_message(path, "the database file is empty (0 bytes)"))
        return
    try:
        with path.open("rb") as stream:
            head = stream.read(len(HEADER))
    except OSError as error:
        raise ArchiveError(f"cannot read the database {path}: {error.strerror}") from error
    if head != HEADER:
        raise ArchiveError(damaged_message(path, "the database file is not an SQLite database"))


def damaged_message(path: Path, what: str) -> str:
    return (
        f"{what}: {path}. Clippings will not open it, so nothing more is changed. "
        "Restore the archive from a backup (see “Backing up and restoring” in the "
        "README); the original files in its originals/ folder are untouched."
    )


def enable_wal(engine: Engine) -> None:
    """Switch the database to write-ahead logging (kept in the file from then on)."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        mode = cursor.execute("PRAGMA journal_mode").fetchone()
        if mode is None or str(mode[0]).lower() != "wal":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
    finally:
        raw.close()


def integrity_problems(conn: Any) -> list[str]:
    """What SQLite itself finds wrong in the database (empty when all is well)."""
    from sqlalchemy import text

    found = [str(r[0]) for r in conn.execute(text("PRAGMA integrity_check")).all()]
    found += [
        f"foreign key fault in {r[0]} row {r[1]}"
        for r in conn.execute(text("PRAGMA foreign_key_check")).all()
    ]
    return [part for line in found if line != "ok" for part in line.splitlines() if part]

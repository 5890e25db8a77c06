"""The queues of changes that derived data must follow: the search index's and the
analysis's (features, speakers, postings and edges of related pieces).

Every write that changes what search sees calls ``queue_changes`` in its own
transaction, so a crash loses nothing: the rows stay until the index commit (or the
stored analysis) that applied them deletes them. Queue ids are never reused
(AUTOINCREMENT), so a program that applied rows 1..50 never deletes another
program's newer row 7.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, Table, delete, func, insert, select, update

from clippings.storage.schema import analysis_queue, clippings, index_queue

_T = TypeVar("_T")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def chunks(ids: Sequence[_T], size: int = 900) -> Iterator[list[_T]]:
    """``ids`` in slices small enough for one ``IN (...)`` (any database's limit on
    bound parameters)."""
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def marks(count: int) -> str:
    """Placeholders for ``count`` values of an ``IN (...)`` (``?``: see ``driver_sql``)."""
    return ", ".join("?" * count)


def insert_ignoring(conn: Connection, table: Table) -> Any:
    """An INSERT of ``table`` that skips rows whose key is there already (``ON CONFLICT
    DO NOTHING`` in each dialect's own words)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgres_insert

        return postgres_insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing()


def run_driver_sql(conn: Connection, statement: str, parameters: Any) -> Any:
    """Run ``statement`` (``?`` placeholders) on the driver itself (``driver_sql``).

    Many rows for an ``INSERT ... VALUES (?, ...)`` go to a server in one statement
    (``postgres.insert_rows``: one round trip and one execution, not one a row);
    SQLite, in the program itself, takes them one by one. Returns the driver's
    result (None for such an INSERT on a server).
    """
    if conn.dialect.name == "postgresql" and isinstance(parameters, list) and len(parameters) > 1:
        from clippings.storage import postgres

        if postgres.insert_rows(conn, statement, parameters):
            return None
    return conn.exec_driver_sql(driver_sql(conn, statement), parameters)


def driver_sql(conn: Connection, statement: str) -> str:
    """A statement written with ``?`` placeholders, in the driver's own style.

    The hot paths of related pieces (many thousands of rows a batch) go to the driver
    directly, past SQLAlchemy's statement building; they are written in SQL that both
    SQLite and PostgreSQL read (``ON CONFLICT``, no ``INSERT OR IGNORE``), and only the
    placeholders differ: ``?`` for sqlite3, ``%s`` for psycopg.
    """
    if conn.dialect.paramstyle == "qmark":
        return statement
    return statement.replace("%", "%%").replace("?", "%s")


def queue_changes(conn: Connection, ids: Iterable[int], *, analyse: bool = True) -> None:
    """Queue clippings for the index (bumping their revision, which ``check``
    compares) and, unless only their tags changed (``analyse=False``), for analysis."""
    unique = list(dict.fromkeys(ids))
    if not unique:
        return
    for chunk in chunks(unique):
        conn.execute(
            update(clippings)
            .where(clippings.c.id.in_(chunk))
            .values(revision=clippings.c.revision + 1)
        )
    now = _now()
    conn.execute(insert(index_queue), [{"clipping_id": i, "queued_at": now} for i in unique])
    if analyse:
        conn.execute(insert(analysis_queue), [{"clipping_id": i, "queued_at": now} for i in unique])


class IndexQueue:
    """The search index's queue (a part of ``ClippingStore``)."""

    if TYPE_CHECKING:

        def _reading(self) -> AbstractContextManager[Connection]: ...
        def _writing(self) -> AbstractContextManager[Connection]: ...

    def queue_all(self) -> int:
        """Queue every clipping (a full reindex through the queue)."""
        with self._writing() as conn:
            ids = list(conn.execute(select(clippings.c.id)).scalars())
            queue_changes(conn, ids, analyse=False)
        return len(ids)

    def queue_for_index(self, ids: Sequence[int]) -> None:
        """Queue clippings for the index only, as they are (no new revision): entries
        the index holds at another revision than the database's, or should not hold."""
        if not ids:
            return
        now = _now()
        with self._writing() as conn:
            for chunk in chunks(list(dict.fromkeys(ids))):
                conn.execute(
                    insert(index_queue), [{"clipping_id": i, "queued_at": now} for i in chunk]
                )

    def pending(self, limit: int) -> list[tuple[int, int]]:
        """Up to ``limit`` queued (queue id, clipping id) pairs, oldest first."""
        with self._reading() as conn:
            rows = conn.execute(
                select(index_queue.c.id, index_queue.c.clipping_id)
                .order_by(index_queue.c.id)
                .limit(limit)
            ).all()
        return [(int(a), int(b)) for a, b in rows]

    def pending_count(self) -> int:
        with self._reading() as conn:
            return int(conn.execute(select(func.count()).select_from(index_queue)).scalar() or 0)

    def done(self, queue_ids: Sequence[int]) -> None:
        """Forget queue rows whose changes the index has committed (queue ids are never
        reused, so another program's newer rows are never among them)."""
        with self._writing() as conn:
            for chunk in chunks(queue_ids):
                conn.execute(delete(index_queue).where(index_queue.c.id.in_(chunk)))

    def clear_queue_upto(self, queue_id: int) -> None:
        with self._writing() as conn:
            conn.execute(delete(index_queue).where(index_queue.c.id <= queue_id))

    def last_queue_id(self) -> int:
        with self._reading() as conn:
            return int(conn.execute(select(func.max(index_queue.c.id))).scalar() or 0)

"""Copying an archive's database into another archive's, table by table, and checking
that the copy holds the same rows (``clippings copy``: an archive folder to a team
archive and back).

Every table of the schema is copied with its ids, in the order its foreign keys ask
(``metadata.sorted_tables``), in batches read and written a few hundred rows at a
time, so memory stays flat whatever the archive's size. The originals' bytes are not
rows of an archive folder's database: ``services.transfer`` copies them through the
two archives' ``Originals``. Portable SQLAlchemy Core, except for the sequences of a
PostgreSQL target (``postgres.reset_sequences``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, func, insert, select

from clippings.storage.audit import audit_paused
from clippings.storage.schema import archive_meta, index_queue, metadata, original_chunks

if TYPE_CHECKING:
    from clippings.storage.database import ClippingStore

#: Rows read and written at a time.
BATCH = 500
#: Tables whose rows belong to one archive's own state, not to its contents: the
#: queue of its search index (the target builds its own index) and its originals'
#: bytes (copied through ``Originals``, since an archive folder keeps files instead).
SKIPPED = frozenset({index_queue.name, original_chunks.name})
#: Notes in ``archive_meta`` that describe one archive's machinery, not its contents.
OWN_NOTES = frozenset({"schema_version", "created_at", "change_number", "search_engine"})

Report = Callable[[str, int, int], None]


def copied_tables() -> list[Table]:
    """The tables a copy carries, parents before children."""
    return [t for t in metadata.sorted_tables if t.name not in SKIPPED]


def row_counts(store: ClippingStore) -> dict[str, int]:
    """How many rows each copied table holds (``archive_meta``: the copied notes)."""
    counts = {}
    with store._reading() as conn:
        for table in copied_tables():
            query = select(func.count()).select_from(table)
            if table is archive_meta:
                query = query.where(archive_meta.c.key.notin_(OWN_NOTES))
            counts[table.name] = int(conn.execute(query).scalar() or 0)
    return counts


def copy_rows(
    source: ClippingStore,
    target: ClippingStore,
    *,
    report: Report | None = None,
    cancel: Callable[[], bool] | None = None,
) -> dict[str, int]:
    """Copy every row of ``source``'s tables into ``target``'s (an empty archive of the
    same schema), ids and all, in one transaction of the target; returns the rows
    copied per table.

    Raises:
        ValueError: the target already holds clippings, tags or outlets.
    """
    totals = row_counts(source)
    with target._writing() as out:
        for table in copied_tables():
            if table is not archive_meta and out.execute(select(table).limit(1)).first():
                raise ValueError(f"the target archive is not empty (its {table.name} has rows)")
        # The copy carries the source's audit trail; it records no "imported" of its own.
        with audit_paused(out):
            copied = _copy_tables(source, out, totals, report, cancel)
        if out.dialect.name == "postgresql":
            from clippings.storage.postgres import reset_sequences

            reset_sequences(out, [t.name for t in metadata.sorted_tables if "id" in t.c])
    return copied


def _copy_tables(
    source: ClippingStore,
    out: Connection,
    totals: dict[str, int],
    report: Report | None,
    cancel: Callable[[], bool] | None,
) -> dict[str, int]:
    copied: dict[str, int] = {}
    for table in copied_tables():
        done = 0
        for rows in _batches(source, table):
            if cancel is not None and cancel():
                raise InterruptedError("the copy was stopped")
            if table is archive_meta:
                rows = [r for r in rows if r["key"] not in OWN_NOTES]
                keys = [r["key"] for r in rows]
                out.execute(archive_meta.delete().where(archive_meta.c.key.in_(keys)))
            if rows:
                out.execute(insert(table), rows)
            done += len(rows)
            if report:
                report(table.name, done, totals[table.name])
        copied[table.name] = done
    return copied


def table_digests(store: ClippingStore) -> dict[str, str]:
    """A digest of each copied table's rows: each row written out in one form whatever
    the dialect and hashed, the hashes summed (so the order in which a server's
    collation returns them does not matter). Two archives with the same rows have the
    same digests."""
    digests = {}
    for table in copied_tables():
        total = 0
        for rows in _batches(store, table):
            for row in rows:
                if table is archive_meta and row["key"] in OWN_NOTES:
                    continue
                one = hashlib.sha256(_canonical(row).encode("utf-8")).digest()
                total = (total + int.from_bytes(one, "big")) % (1 << 256)
        digests[table.name] = f"{total:064x}"
    return digests


def _batches(store: ClippingStore, table: Table) -> Iterator[list[dict[str, Any]]]:
    """The table's rows in primary-key order, ``BATCH`` at a time (keyset pagination,
    each batch its own short read)."""
    keys = list(table.primary_key.columns)
    last: Sequence[Any] | None = None
    while True:
        query = select(table).order_by(*keys).limit(BATCH)
        if last is not None:
            query = query.where(_after(keys, last))
        with store._reading() as conn:
            rows = [dict(row._mapping) for row in conn.execute(query)]
        if not rows:
            return
        yield rows
        last = [rows[-1][k.name] for k in keys]


def _after(keys: Sequence[Any], last: Sequence[Any]) -> Any:
    """Rows whose key comes after ``last`` (a tuple comparison, spelled out for SQLite)."""
    from sqlalchemy import and_, or_

    clauses = []
    for n in range(len(keys)):
        equal = [keys[i] == last[i] for i in range(n)]
        clauses.append(and_(*equal, keys[n] > last[n]))
    return or_(*clauses)


def _canonical(row: dict[str, Any]) -> str:
    parts = []
    for name in sorted(row):
        value = row[name]
        if isinstance(value, bytes | memoryview):
            value = bytes(value).hex()
        elif isinstance(value, bool):
            value = int(value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        parts.append(f"{name}={value!r}")
    return "\x1f".join(parts) + "\x1e"

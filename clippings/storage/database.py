"""The archive's database: every read and write of clippings and tags.

``ClippingStore`` is the only place that speaks SQL. It hands out frozen dataclasses
from ``clippings.model``, never rows. Each method runs in its own transaction, so it
is safe to call from any thread; SQLite allows one writer at a time, and a busy
timeout makes a second writer wait rather than fail.

Every write that changes what search sees also queues the clipping in
``index_queue`` (and, unless only its tags changed, in ``analysis_queue``) in the
same transaction (``queue.py``). ``ClippingStore`` is composed of parts, one mixin
a module (see its docstring); what is here holds the connections and transactions,
the schema and the clippings' own reads and changes.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    Connection,
    Engine,
    RowMapping,
    create_engine,
    delete,
    func,
    insert,
    select,
    update,
)

from clippings import address
from clippings.model import (
    METADATA_FIELDS,
    PROVENANCE_FACTS,
    ArchiveError,
    Clipping,
    Extracted,
    NotFoundError,
    Published,
    ReadOnlyArchiveError,
    StorageError,
    published_from_iso,
    published_to_iso,
    published_utc,
)
from clippings.storage import migrations, postgres, postgres_watch, sqlite
from clippings.storage.adding import AddingStore, NewClipping
from clippings.storage.analysis import AnalysisStore
from clippings.storage.audit import AuditStore
from clippings.storage.backup import backup_database
from clippings.storage.checks import ArchiveChecks
from clippings.storage.claims import OriginalClaims
from clippings.storage.copies import (
    CopyStore,
    copies_by_clipping,
    copy_shas,
    forget_copies,
    forget_marks,
)
from clippings.storage.edges import EdgeStore
from clippings.storage.errors import READ_ONLY_MESSAGE, storage_error, translated
from clippings.storage.listing import ListingStore, SortKey
from clippings.storage.members import MemberStore
from clippings.storage.outlets import OutletStore
from clippings.storage.queue import IndexQueue, queue_changes
from clippings.storage.schema import (
    archive_meta,
    clipping_copies,
    clipping_tags,
    clippings,
    original_removals,
    originals,
)
from clippings.storage.searches import SavedSearchStore
from clippings.storage.tags import TagStore, tags_of
from clippings.storage.verdicts import VerdictStore
from clippings.storage.watch import CHANGE_KEY, OwnChanges

#: Where copies of the database made before a schema migration go, in the archive.
BACKUPS_DIR = "backups"

#: Metadata a user may edit; the rest comes from the file.
EDITABLE_FIELDS = (*METADATA_FIELDS, "notes")


def _set_source(provenance: dict[str, str], field_name: str, source: str | None) -> None:
    if source:
        provenance[field_name] = source
    else:
        provenance.pop(field_name, None)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class ClippingStore(
    AddingStore,
    IndexQueue,
    AnalysisStore,
    EdgeStore,
    TagStore,
    SavedSearchStore,
    ListingStore,
    OriginalClaims,
    CopyStore,
    OutletStore,
    ArchiveChecks,
    MemberStore,
    AuditStore,
    VerdictStore,
):
    """The database of one archive.

    Its parts, one mixin a module: adding clippings (``adding.py``), the index queue
    (``queue.py``), the stored analysis and related pieces' edges (``analysis.py``,
    ``edges.py``), tags (``tags.py``), saved searches and filter choices
    (``searches.py``), the list's pages (``listing.py``), the originals' rows
    (``claims.py``), the copies of a piece in other formats and their marks
    (``copies.py``), outlets (``outlets.py``), the reads for the index and for
    checks (``checks.py``), a team archive's members (``members.py``), the audit
    trail (``audit.py``) and the user's verdicts on pairs (``verdicts.py``). Here:
    connections and transactions, the schema, and reading, editing, trashing and
    purging clippings.
    """

    def __init__(
        self,
        url: str,
        *,
        reader: Engine | None = None,
        writer: Engine | None = None,
        read_only: bool = False,
        path: Path | None = None,
    ) -> None:
        self.url = url
        self.engine: Engine = reader or create_engine(url, future=True)
        self._writer: Engine = writer or self.engine
        #: Opened without write access: every write raises ReadOnlyArchiveError.
        self.read_only = read_only
        #: The database file, for an embedded archive.
        self.path = path
        #: The change numbers this program's commits wrote (see ``_writing``).
        self.own_changes = OwnChanges()
        #: The write transaction this thread is in, if any (``joined_write``).
        self._local = threading.local()

    @classmethod
    def for_file(cls, path: Path, *, read_only: bool = False) -> ClippingStore:
        """The database in ``path`` (an SQLite file).

        Raises:
            ArchiveError: the file exists but cannot be an archive's database.
        """
        reader, writer = sqlite.engines(path, read_only=read_only)
        return cls(
            f"sqlite:///{path}", reader=reader, writer=writer, read_only=read_only, path=path
        )

    @classmethod
    def for_server(
        cls, url: str, *, password: str | None = None, read_only: bool = False
    ) -> ClippingStore:
        """The database of a team archive on a PostgreSQL server at ``url``."""
        reader, writer = postgres.engines(url, password=password)
        return cls(address.display(url), reader=reader, writer=writer, read_only=read_only)

    @property
    def on_server(self) -> bool:
        """Whether this is a team archive's database (PostgreSQL), not an archive file."""
        return self.engine.dialect.name == "postgresql"

    def close(self) -> None:
        self.engine.dispose()
        if self._writer is not self.engine:
            self._writer.dispose()

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """A connection for reads; the database's faults become the project's errors."""
        with translated(self.path, self.url), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def joined_write(self) -> Iterator[Connection]:
        """The write transaction this thread is in, or a new one: what is written
        through it commits (or not) with the transaction that is already open, such as
        an original written inside the transaction that claims it."""
        current: Connection | None = getattr(self._local, "conn", None)
        if current is not None:
            yield current
            return
        with self._writing() as conn:
            yield conn

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A write transaction that holds the write lock from its first statement.

        One that changed rows also advances the archive's change number, noted in
        ``own_changes`` so that this program's watcher does not take its own commits
        for another program's (``watch.py``).
        """
        if self.read_only:
            raise ReadOnlyArchiveError(READ_ONLY_MESSAGE)
        number: int | None = None
        try:
            with translated(self.path, self.url), self._writer.begin() as conn:
                before = _changes(conn)
                outer, self._local.conn = getattr(self._local, "conn", None), conn
                try:
                    yield conn
                finally:
                    self._local.conn = outer
                if before is None or _changes(conn) != before:
                    number = _next_change_number(conn)
                    if conn.dialect.name == "postgresql":
                        # Sent to every listening client when (and if) this commits.
                        conn.execute(select(func.pg_notify(postgres_watch.CHANNEL, str(number))))
                    # Noted before the commit (the write lock is still held, so nobody
                    # else can write this number) and taken back if it fails.
                    self.own_changes.add(number)
        except BaseException:
            if number is not None:
                self.own_changes.discard(number)
            raise

    # --- Schema -----------------------------------------------------------------------

    def upgrade(self) -> int:
        """Create or migrate the schema; returns the version found before.

        Before migrating an existing archive, a copy of its database is kept in
        ``backups/`` beside it (originals never change, so they need no copy).

        Raises:
            ArchiveError: the archive was made by a newer Clippings, its schema mark
                is damaged, or a read-only archive would need an upgrade.
        """
        with self._reading() as conn:
            found = migrations.current_version(conn)
        migrations.check_supported(found)
        if self.read_only:
            if found < migrations.LATEST:
                raise ArchiveError(
                    "this archive was made by an older version of Clippings and must be "
                    "upgraded, which a read-only archive cannot be: copy it to a disk you "
                    "can write to and open the copy"
                )
            return found
        if self.engine.dialect.name == "sqlite":
            with translated(self.path):
                sqlite.enable_wal(self._writer)
        if 0 < found < migrations.LATEST and self.path is not None:
            self.backup_before_migration(found)
        with self._writing() as conn:
            return migrations.upgrade(conn)

    def backup_before_migration(self, found: int) -> Path:
        """Copy the database to ``backups/`` before it is migrated from ``found``."""
        assert self.path is not None
        folder = self.path.parent / BACKUPS_DIR
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        target = folder / f"{self.path.stem}-schema{found}-{stamp}{self.path.suffix}"
        try:
            folder.mkdir(exist_ok=True)
            backup_database(self.path, target)
        except (OSError, StorageError) as error:
            raise StorageError(
                f"cannot keep a copy of the database before upgrading it ({error}); "
                "nothing was changed: free some space and open the archive again"
            ) from error
        return target

    def holds_archive(self) -> bool:
        """Whether the database holds an archive (False: an empty database).

        Raises:
            ArchiveError: it holds other tables and no archive.
        """
        with translated(self.path, self.url):
            return postgres.inspect_database(self.engine, self.url)

    def watch_server(self) -> postgres_watch.ServerChangeWatcher:
        """A watcher of other clients' commits to this team archive (LISTEN/NOTIFY)."""
        return postgres_watch.ServerChangeWatcher(self.engine, self.own_changes)

    def install_server_roles(self) -> tuple[str, str, str]:
        """Create a team archive's roles, grant their rights and make the functions
        that manage its members (``postgres_roles``), and (re)make the audit trail's
        triggers (``postgres_audit``); returns the roles' names (reader, editor,
        admin). Run as the database's owner, who needs CREATEROLE (or is a superuser):
        the members' functions create accounts and grant roles with its rights."""
        from clippings.storage import postgres_audit, postgres_roles

        with self._writing() as conn:
            postgres_audit.install(conn)
            return postgres_roles.install(conn, address.database_name(self.url))

    def database_size(self) -> int:
        """Bytes the team archive's database takes on its server."""
        with self._reading() as conn:
            return int(
                conn.execute(select(func.pg_database_size(func.current_database()))).scalar() or 0
            )

    def may_write(self) -> bool:
        """Whether this user may change clippings (a team archive's reader may not)."""
        if self.read_only:
            return False
        if not self.on_server:
            return True
        with self._reading() as conn:
            if conn.execute(select(func.pg_is_in_recovery())).scalar():
                return False  # a replica: read-only, whoever connects
            return bool(
                conn.execute(
                    # An editor imports; its UPDATE is granted column by column.
                    select(func.has_table_privilege(func.current_user(), "clippings", "INSERT"))
                ).scalar()
            )

    def schema_version(self) -> int:
        with self._reading() as conn:
            return migrations.current_version(conn)

    def meta(self, key: str) -> str | None:
        with self._reading() as conn:
            value = conn.execute(
                select(archive_meta.c.value).where(archive_meta.c.key == key)
            ).scalar()
        return None if value is None else str(value)

    def set_meta(self, key: str, value: str) -> None:
        """Record ``value`` under ``key`` in the archive's own notes (``archive_meta``)."""
        with self._writing() as conn:
            conn.execute(archive_meta.delete().where(archive_meta.c.key == key))
            conn.execute(archive_meta.insert().values(key=key, value=value))

    # --- Clippings --------------------------------------------------------------------

    def get(self, clipping_id: int) -> Clipping:
        with self._reading() as conn:
            row = conn.execute(select(clippings).where(clippings.c.id == clipping_id)).first()
            if row is None:
                raise NotFoundError(f"there is no clipping {clipping_id}")
            tag_map = tags_of(conn, [clipping_id])
            copies = copies_by_clipping(conn, [clipping_id]).get(clipping_id, [])
        return replace(_clipping(row._mapping, tag_map.get(clipping_id, ())), copies=tuple(copies))

    def exists(self, ids: Iterable[int]) -> set[int]:
        wanted = list(set(ids))
        with self._reading() as conn:
            return {
                int(i)
                for i in conn.execute(select(clippings.c.id).where(clippings.c.id.in_(wanted)))
                .scalars()
                .all()
            }

    def require(self, ids: Iterable[int]) -> list[int]:
        """The ids, or NotFoundError naming those the archive does not have."""
        wanted = list(dict.fromkeys(ids))
        missing = sorted(set(wanted) - self.exists(wanted))
        if missing:
            listed = ", ".join(str(i) for i in missing)
            raise NotFoundError(
                f"there is no clipping {listed}"
                if len(missing) == 1
                else f"there are no clippings {listed}"
            )
        return wanted

    def texts(self, ids: Sequence[int]) -> dict[int, str]:
        """Article texts of a few clippings (for the snippets of the rows shown)."""
        with self._reading() as conn:
            rows = conn.execute(
                select(clippings.c.id, clippings.c.text).where(clippings.c.id.in_(ids))
            ).all()
        return {int(row.id): str(row.text) for row in rows}

    def trashed_ids(self, ids: Iterable[int]) -> set[int]:
        with self._reading() as conn:
            return set(
                conn.execute(
                    select(clippings.c.id).where(
                        clippings.c.id.in_(list(ids)), clippings.c.trashed.is_(True)
                    )
                ).scalars()
            )

    def edit(self, clipping_id: int, changes: Mapping[str, object]) -> Clipping:
        """Set metadata fields; each is then marked as set by the user.

        ``published`` takes a ``date``/``datetime`` or None; the others a string or None.
        """
        unknown = set(changes) - set(EDITABLE_FIELDS)
        if unknown:
            raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
        current = self.get(clipping_id)
        values: dict[str, object] = {}
        provenance = dict(current.provenance)
        outlet_named: tuple[str | None] | None = None
        for key, value in changes.items():
            if key == "outlet":
                # The outlet of that name (``outlets.py``), not a free string.
                outlet_named = (str(value).strip() or None if value is not None else None,)
            elif key == "published":
                when: Published | None = value  # type: ignore[assignment]
                values["published"] = published_to_iso(when)
                values["published_utc"] = published_utc(when)
            else:
                cleaned = str(value).strip() if value is not None else None
                if key == "title" and not cleaned:
                    raise ValueError("a clipping needs a title")
                values[key] = cleaned or None
            if key != "notes":
                provenance[key] = "user"
        values["provenance"] = json.dumps(provenance, sort_keys=True)
        with self._writing() as conn:
            conn.execute(update(clippings).where(clippings.c.id == clipping_id).values(**values))
            if outlet_named is not None:
                self.set_outlet(conn, [clipping_id], outlet_named[0])
            self._queue(conn, [clipping_id])
        return self.get(clipping_id)

    def reread(
        self,
        clipping_id: int,
        extracted: Extracted,
        *,
        text_hash: str | None,
        word_count: int,
        marks: Sequence[int] = (),
    ) -> Clipping:
        """Replace a clipping's text with a new reading of its original (OCR run again).

        The text, its HTML, ``has_text``, the word count and the text's facts in the
        provenance (``PROVENANCE_FACTS``) are replaced. A field the user set stays; the
        language follows the new text; the title and date are taken from the new
        reading only where the old one had none of its own (a title made from the file
        name, no date) or was itself recognised. The text's ``marks`` (how a copy of it
        is found at import) replace the old text's. Decided and written in one
        transaction.

        Raises:
            NotFoundError: there is no such clipping.
        """
        with self._writing() as conn:
            row = conn.execute(
                select(clippings.c.provenance, clippings.c.published).where(
                    clippings.c.id == clipping_id
                )
            ).first()
            if row is None:
                raise NotFoundError(f"there is no clipping {clipping_id}")
            provenance = {
                key: value
                for key, value in json.loads(row.provenance or "{}").items()
                if key not in PROVENANCE_FACTS
            }
            found = dict(extracted.provenance)
            provenance.update({k: v for k, v in found.items() if k in PROVENANCE_FACTS})
            values: dict[str, object] = {
                "text": extracted.text,
                "html": extracted.html,
                "has_text": extracted.has_text,
                "word_count": word_count,
                "text_hash": text_hash,
            }
            renewable = (None, "derived", "ocr", "text-heuristic", "detected")
            if provenance.get("language") != "user":
                values["language"] = extracted.language
                _set_source(provenance, "language", found.get("language"))
            if (
                extracted.title
                and provenance.get("title") in renewable
                and found.get("title") not in (None, "derived")
            ):
                values["title"] = extracted.title
                _set_source(provenance, "title", found["title"])
            if extracted.published is not None and (
                row.published is None or provenance.get("published") in renewable
            ):
                values["published"] = published_to_iso(extracted.published)
                values["published_utc"] = published_utc(extracted.published)
                _set_source(provenance, "published", found.get("published"))
            values["provenance"] = json.dumps(provenance, sort_keys=True)
            conn.execute(update(clippings).where(clippings.c.id == clipping_id).values(**values))
            forget_marks(conn, clipping_id)
            self._insert_marks(conn, clipping_id, marks)
            self._queue(conn, [clipping_id])
        return self.get(clipping_id)

    def set_trashed(self, ids: Iterable[int], trashed: bool) -> list[int]:
        """Move clippings to the trash or back; returns those that changed."""
        wanted = self.require(ids)
        with self._writing() as conn:
            changed = [
                int(i)
                for i in conn.execute(
                    select(clippings.c.id).where(
                        clippings.c.id.in_(wanted), clippings.c.trashed.is_(not trashed)
                    )
                ).scalars()
            ]
            if changed:
                conn.execute(
                    update(clippings)
                    .where(clippings.c.id.in_(changed))
                    .values(
                        trashed=trashed,
                        trashed_at=_now() if trashed else None,
                    )
                )
                self._queue(conn, changed)
        return changed

    def purge(self, ids: Iterable[int] | None = None) -> tuple[list[int], list[str]]:
        """Remove trashed clippings for good (all of the trash when ``ids`` is None).

        Returns the ids removed and the originals no clipping uses any more (the
        caller deletes those files after this transaction has committed).

        Raises:
            NotFoundError: an id that does not exist.
            ValueError: an id that is not in the trash.
        """
        with self._writing() as conn:
            if ids is None:
                doomed = list(
                    conn.execute(
                        select(clippings.c.id).where(clippings.c.trashed.is_(True))
                    ).scalars()
                )
            else:
                doomed = self.require(ids)
                live = sorted(set(doomed) - self.trashed_ids(doomed))
                if live:
                    raise ValueError(
                        "only clippings in the trash can be purged; not in the trash: "
                        + ", ".join(str(i) for i in live)
                    )
            if not doomed:
                return [], []
            shas = set(
                conn.execute(select(clippings.c.sha256).where(clippings.c.id.in_(doomed))).scalars()
            )
            # The clipping's copies go with it (their files too, unless used elsewhere).
            shas |= copy_shas(conn, doomed)
            forget_copies(conn, doomed)
            conn.execute(delete(clippings).where(clippings.c.id.in_(doomed)))
            # Gone with their clippings already (ON DELETE CASCADE), so the audit trail
            # says "purged" rather than "untagged" for each of their tags.
            conn.execute(delete(clipping_tags).where(clipping_tags.c.clipping_id.in_(doomed)))
            still_used = set(
                conn.execute(
                    select(clippings.c.sha256).where(clippings.c.sha256.in_(shas))
                ).scalars()
            ) | set(
                conn.execute(
                    select(clipping_copies.c.sha256).where(clipping_copies.c.sha256.in_(shas))
                ).scalars()
            )
            unused = sorted(shas - still_used)
            if unused:
                conn.execute(delete(originals).where(originals.c.sha256.in_(unused)))
                # Removed from disk after the commit (``remove_unclaimed``); a crash in
                # between leaves these rows, and the next open finishes the purge.
                conn.execute(
                    delete(original_removals).where(original_removals.c.sha256.in_(unused))
                )
                conn.execute(
                    insert(original_removals),
                    [{"sha256": sha, "queued_at": _now()} for sha in unused],
                )
            self._queue(conn, doomed)
        return doomed, unused

    # --- Internals --------------------------------------------------------------------

    def _queue(self, conn: Connection, ids: Iterable[int], *, analyse: bool = True) -> None:
        """Queue clippings for the index and, unless only tags changed, for analysis."""
        queue_changes(conn, ids, analyse=analyse)


def _changes(conn: Connection) -> int | None:
    """How many rows the connection has changed so far (SQLite), or None (unknown)."""
    raw = conn.connection.dbapi_connection
    total = getattr(raw, "total_changes", None)
    return total if isinstance(total, int) else None


def _next_change_number(conn: Connection) -> int:
    """Advance the archive's change number inside the current write transaction."""
    key = archive_meta.c.key == CHANGE_KEY
    found = conn.execute(select(archive_meta.c.value).where(key)).scalar()
    try:
        number = int(found) + 1 if found is not None else 1
    except ValueError:
        number = 1
    if found is None:
        conn.execute(archive_meta.insert().values(key=CHANGE_KEY, value=str(number)))
    else:
        conn.execute(update(archive_meta).where(key).values(value=str(number)))
    return number


def _clipping(row: RowMapping, tag_names: tuple[str, ...]) -> Clipping:
    imported = row["imported_at"]
    return Clipping(
        id=int(row["id"]),
        title=str(row["title"]),
        text=str(row["text"] or ""),
        outlet=row["outlet"],
        author=row["author"],
        published=published_from_iso(row["published"]),
        language=row["language"],
        url=row["url"],
        html=row["html"],
        word_count=int(row["word_count"] or 0),
        page=row["page"],
        section=row["section"],
        edition=row["edition"],
        notes=row["notes"],
        original_name=str(row["original_name"]),
        sha256=str(row["sha256"]),
        format=str(row["format"]),
        imported_at=imported.replace(tzinfo=UTC) if imported else None,
        trashed=bool(row["trashed"]),
        has_text=bool(row["has_text"]),
        tags=tag_names,
        provenance=json.loads(row["provenance"] or "{}"),
        part=row["part"],
    )


__all__ = [
    "BACKUPS_DIR",
    "EDITABLE_FIELDS",
    "READ_ONLY_MESSAGE",
    "ClippingStore",
    "NewClipping",
    "SortKey",
    "storage_error",
]

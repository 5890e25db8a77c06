"""Numbered schema migrations: every archive ever made opens in every later version.

Each migration is a function of a connection, run in one transaction with the
version bump. A migration never changes once released: version 1 below spells out
the first schema as it was, rather than reusing ``schema.py``, which follows the
newest version. To change the schema, append a migration and update ``schema.py``;
``tests/storage/test_migrations.py`` checks that the two agree and that the archive
committed under ``tests/data/`` still opens.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    select,
    text,
)

from clippings.authors import parse_byline, parse_edited
from clippings.model import ArchiveError
from clippings.storage.outlets import domain_of, resolve_outlet


def _v1_initial(conn: Connection) -> None:
    md = MetaData()
    Table(
        "archive_meta",
        md,
        Column("key", String(64), primary_key=True),
        Column("value", Text, nullable=False),
    )
    Table(
        "originals",
        md,
        Column("sha256", String(64), primary_key=True),
        Column("size", Integer, nullable=False),
        Column("stored_at", DateTime, nullable=False),
    )
    Table(
        "clippings",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("title", Text, nullable=False),
        Column("outlet", Text),
        Column("author", Text),
        Column("published", String(40)),
        Column("published_utc", DateTime),
        Column("language", String(16)),
        Column("url", Text),
        Column("text", Text, nullable=False),
        Column("html", Text),
        Column("word_count", Integer, nullable=False),
        Column("page", String(64)),
        Column("section", Text),
        Column("edition", Text),
        Column("notes", Text),
        Column("original_name", Text, nullable=False),
        Column("sha256", String(64), ForeignKey("originals.sha256"), nullable=False),
        Column("format", String(16), nullable=False),
        Column("text_hash", String(64)),
        Column("has_text", Boolean, nullable=False),
        Column("imported_at", DateTime, nullable=False),
        Column("trashed", Boolean, nullable=False),
        Column("trashed_at", DateTime),
        Column("revision", Integer, nullable=False),
        Column("provenance", Text, nullable=False),
        Index("ix_clippings_sha256", "sha256"),
        Index("ix_clippings_text_hash", "text_hash"),
        Index("ix_clippings_published_utc", "published_utc"),
        Index("ix_clippings_trashed", "trashed"),
    )
    Table(
        "tags",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("name", String(512), nullable=False, unique=True),
        Column("colour", String(9)),
    )
    Table(
        "clipping_tags",
        md,
        Column(
            "clipping_id", Integer, ForeignKey("clippings.id", ondelete="CASCADE"), primary_key=True
        ),
        Column("tag_id", Integer, ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
        Index("ix_clipping_tags_tag_id", "tag_id"),
    )
    Table(
        "index_queue",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("clipping_id", Integer, nullable=False),
        Column("queued_at", DateTime, nullable=False),
    )
    md.create_all(conn)


def _v2_saved_searches(conn: Connection) -> None:
    md = MetaData()
    Table(
        "saved_searches",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("name", String(200), nullable=False, unique=True),
        Column("query", Text, nullable=False),
        Column("filters", Text, nullable=False),
        Column("created_at", DateTime, nullable=False),
    )
    md.create_all(conn)


def _v3_clipping_features(conn: Connection) -> None:
    md = MetaData()
    Table("clippings", md, Column("id", Integer, primary_key=True))
    Table(
        "clipping_features",
        md,
        Column(
            "clipping_id",
            Integer,
            ForeignKey("clippings.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("version", Integer, nullable=False),
        Column("revision", Integer, nullable=False),
        Column("data", Text, nullable=False),
    )
    md.tables["clipping_features"].create(conn)


def _v4_reliable_queue(conn: Connection) -> None:
    # The index queue gets ids that are never reused (SQLite's AUTOINCREMENT); its rows
    # move to the new table as they are.
    md = MetaData()
    Table(
        "index_queue_v4",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("clipping_id", Integer, nullable=False),
        Column("queued_at", DateTime, nullable=False),
        sqlite_autoincrement=True,
    )
    Table(
        "original_removals",
        md,
        Column("sha256", String(64), primary_key=True),
        Column("queued_at", DateTime, nullable=False),
    )
    md.create_all(conn)
    conn.execute(
        text(
            "INSERT INTO index_queue_v4 (id, clipping_id, queued_at) "
            "SELECT id, clipping_id, queued_at FROM index_queue"
        )
    )
    conn.execute(text("DROP TABLE index_queue"))
    conn.execute(text("ALTER TABLE index_queue_v4 RENAME TO index_queue"))


def _v5_list_indexes(conn: Connection) -> None:
    # One index per sort of the list, in the order the list shows (keyset paging), and
    # a tag's clippings straight from an index.
    for statement in (
        "CREATE INDEX ix_clippings_list_published ON clippings (trashed, published_utc, id)",
        "CREATE INDEX ix_clippings_list_title ON clippings (trashed, lower(title), id)",
        "CREATE INDEX ix_clippings_list_outlet ON clippings (trashed, lower(outlet), id)",
        "CREATE INDEX ix_clippings_list_words ON clippings (trashed, word_count, id)",
        "CREATE INDEX ix_clippings_list_imported ON clippings (trashed, imported_at, id)",
        "CREATE INDEX ix_clipping_tags_tag_clipping ON clipping_tags (tag_id, clipping_id)",
    ):
        conn.execute(text(statement))


def _v6_stored_analysis(conn: Connection) -> None:
    # Features move to a compact table beside document frequencies, candidate postings,
    # kept neighbours and a queue of clippings to analyse (the old JSON features are
    # dropped: derived data, recomputed in the background).
    md = MetaData()
    Table(
        "clipping_analysis",
        md,
        Column("clipping_id", Integer, primary_key=True, autoincrement=False),
        Column("version", Integer, nullable=False),
        Column("source", String(32), nullable=False),
        Column("terms", LargeBinary, nullable=False),
        Column("signature", LargeBinary, nullable=False),
        Column("shingle_count", Integer, nullable=False),
        Column("word_count", Integer, nullable=False),
        Column("speakers", Text, nullable=False),
        Column("counted", Boolean, nullable=False),
        Column("posted", LargeBinary),
        Column("edges_at", Integer),
        Column("serial", Integer, nullable=False),
        Column("edges_after", Integer),
        Index("ix_clipping_analysis_counted", "counted"),
    )
    Table(
        "analysis_terms",
        md,
        Column("term", Integer, primary_key=True, autoincrement=False),
        Column("df", Integer, nullable=False),
    )
    Table(
        "term_postings",
        md,
        Column("term", Integer, primary_key=True, autoincrement=False),
        Column("clipping_id", Integer, primary_key=True, autoincrement=False),
        sqlite_with_rowid=False,
    )
    Table(
        "related_edges",
        md,
        Column("clipping_id", Integer, primary_key=True, autoincrement=False),
        Column("other_id", Integer, primary_key=True, autoincrement=False),
        Column("score", Float, nullable=False),
        Column("shared", Float, nullable=False),
        Column("relation", String(16)),
        Column("closeness", Float),
        Column("story", Boolean, nullable=False),
        Index("ix_related_edges_other_id", "other_id"),
        sqlite_with_rowid=False,
    )
    Table(
        "analysis_queue",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("clipping_id", Integer, nullable=False),
        Column("queued_at", DateTime, nullable=False),
        Index("ix_analysis_queue_clipping_id", "clipping_id"),
        sqlite_autoincrement=True,
    )
    md.create_all(conn)
    # The clippings are queued for analysis when the archive's features version is
    # first looked at (``ClippingStore.ensure_features_version``).
    conn.execute(text("DROP TABLE IF EXISTS clipping_features"))


#: (version, migration), in order. Append only.
def _v7_parts(conn: Connection) -> None:
    # One original may hold several articles (an mbox's messages): each clipping says
    # which. Existing clippings are each a whole file (NULL).
    conn.execute(text("ALTER TABLE clippings ADD COLUMN part INTEGER"))


def _v8_copies(conn: Connection) -> None:
    # The same piece in another format is kept as another original of its clipping; an
    # import finds such copies by the marks of each clipping's text. The clippings
    # already there are marked in the background: below this id, marks may be missing.
    md = MetaData()
    Table("clippings", md, Column("id", Integer, primary_key=True))
    Table("originals", md, Column("sha256", String(64), primary_key=True))
    Table(
        "clipping_copies",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column(
            "clipping_id", Integer, ForeignKey("clippings.id", ondelete="CASCADE"), nullable=False
        ),
        Column("sha256", String(64), ForeignKey("originals.sha256"), nullable=False),
        Column("original_name", Text, nullable=False),
        Column("format", String(16), nullable=False),
        Column("added_at", DateTime, nullable=False),
        Index("ix_clipping_copies_clipping_id", "clipping_id"),
        Index("ix_clipping_copies_sha256", "sha256"),
    )
    Table(
        "copy_marks",
        md,
        Column("mark", Integer, primary_key=True, autoincrement=False),
        Column("clipping_id", Integer, primary_key=True, autoincrement=False),
        Index("ix_copy_marks_clipping_id", "clipping_id"),
        sqlite_with_rowid=False,
    )
    md.tables["clipping_copies"].create(conn)
    md.tables["copy_marks"].create(conn)
    conn.execute(
        text(
            "INSERT INTO archive_meta (key, value) "
            "SELECT 'copy_marks_below', CAST(MAX(id) + 1 AS TEXT) FROM clippings "
            "HAVING COUNT(*) > 0"
        )
    )


def _v9_author_lists(conn: Connection) -> None:
    # The author field becomes a list of names with "; " between them, read once from
    # the byline (``clippings.authors``): "By JANE DOE and Tom Watkins, CNN" is
    # "Jane Doe; Tom Watkins", "No Author" is no one. A field the user set is read as
    # the user's list. Changed clippings are queued for the index (author: searches) and
    # get a new revision, as any edit does. (The reading is that of the version that
    # runs the migration: any version's reading is a list of names.)
    rows = conn.execute(
        text("SELECT id, author, outlet, provenance FROM clippings WHERE author IS NOT NULL")
    ).all()
    now = datetime.now(UTC).replace(tzinfo=None)
    for clipping_id, author, outlet, provenance in rows:
        try:
            by_user = json.loads(provenance or "{}").get("author") == "user"
        except (ValueError, AttributeError):
            by_user = False
        listed = parse_edited(author) if by_user else parse_byline(author, outlet=outlet)
        if listed == author:
            continue
        conn.execute(
            text("UPDATE clippings SET author = :a, revision = revision + 1 WHERE id = :i"),
            {"a": listed, "i": clipping_id},
        )
        conn.execute(
            text("INSERT INTO index_queue (clipping_id, queued_at) VALUES (:i, :t)"),
            {"i": clipping_id, "t": now},
        )


def _v10_outlets(conn: Connection) -> None:
    # Outlets become one table, the home of their names (``storage/outlets.py``): each
    # clipping's declared outlet and its URL's domain find or make its outlet, in the
    # order the clippings were imported, as an import would; an outlet the user typed
    # is the user's. (As for schema 9, the resolving is that of the running version.)
    md = MetaData()
    Table(
        "outlets",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("name", Text, nullable=False),
        Column("named_by", String(16), nullable=False),
    )
    Table(
        "outlet_keys",
        md,
        Column("key", String(512), primary_key=True),
        Column("outlet_id", Integer, ForeignKey("outlets.id", ondelete="CASCADE"), nullable=False),
        Index("ix_outlet_keys_outlet_id", "outlet_id"),
    )
    md.create_all(conn)
    conn.execute(text("ALTER TABLE clippings ADD COLUMN outlet_id INTEGER REFERENCES outlets (id)"))
    conn.execute(text("CREATE INDEX ix_clippings_outlet_id ON clippings (outlet_id)"))
    rows = conn.execute(text("SELECT id, outlet, url, provenance FROM clippings ORDER BY id")).all()
    # One resolving per distinct (name, site, user's): an archive has few outlets.
    resolved: dict[tuple[str | None, str | None, bool], int | None] = {}
    assigned: list[dict[str, int]] = []
    for clipping_id, outlet, url, provenance in rows:
        try:
            by_user = json.loads(provenance or "{}").get("outlet") == "user"
        except (ValueError, AttributeError):
            by_user = False
        key = (outlet, domain_of(url), by_user)
        if key not in resolved:
            found = resolve_outlet(conn, outlet, url, by_user=by_user)
            resolved[key] = found.id if found else None
        outlet_id = resolved[key]
        if outlet_id is not None:
            assigned.append({"o": outlet_id, "i": clipping_id})
    if assigned:
        conn.execute(text("UPDATE clippings SET outlet_id = :o WHERE id = :i"), assigned)
    # Each clipping shows its outlet's name; those whose name changed are re-indexed.
    shown = "(SELECT name FROM outlets WHERE outlets.id = clippings.outlet_id)"
    changed = f"outlet_id IS NOT NULL AND outlet IS DISTINCT FROM {shown}"
    now = datetime.now(UTC).replace(tzinfo=None)
    conn.execute(
        text(
            "INSERT INTO index_queue (clipping_id, queued_at) "
            f"SELECT id, :t FROM clippings WHERE {changed}"
        ),
        {"t": now},
    )
    conn.execute(
        text(f"UPDATE clippings SET outlet = {shown}, revision = revision + 1 WHERE {changed}")
    )


def _v11_list_by_day(conn: Connection) -> None:
    # The list sorts its dates by the day it shows (the text of ``published``, in the
    # source's own offset), no longer by the instant: its index follows.
    conn.execute(text("DROP INDEX IF EXISTS ix_clippings_list_published"))
    conn.execute(text("CREATE INDEX ix_clippings_list_day ON clippings (trashed, published, id)"))


def _v12_original_chunks(conn: Connection) -> None:
    # A team archive keeps its originals in the database (``originals_db.py``), so that
    # a backup of the database is a backup of everything; an archive folder keeps them
    # in ``originals/`` and leaves this table empty.
    md = MetaData()
    Table(
        "original_chunks",
        md,
        Column("sha256", String(64), primary_key=True),
        Column("seq", Integer, primary_key=True),
        Column("data", LargeBinary, nullable=False),
    )
    md.create_all(conn)


def _v13_audit_log(conn: Connection) -> None:
    # The audit trail: who changed which clipping, and when. On a server, triggers
    # write it as the user who made the change (``postgres_audit.py``); an archive
    # folder's connections write it as the operating system's user (``sqlite.py``).
    md = MetaData()
    Table(
        "audit_log",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("at", DateTime, nullable=False),
        Column("who", Text, nullable=False),
        Column("action", String(16), nullable=False),
        Column("clipping_id", Integer),
        Column("detail", Text),
        Index("ix_audit_log_clipping_id", "clipping_id"),
    )
    md.create_all(conn)
    if conn.dialect.name == "postgresql":
        from clippings.storage import postgres_audit

        postgres_audit.install(conn)


def _v14_wide_terms(conn: Connection) -> None:
    # The related pieces' term keys and the copies' marks are 64-bit hashes: SQLite's
    # INTEGER holds them as it is, PostgreSQL's needs BIGINT.
    if conn.dialect.name != "postgresql":
        return
    for table, column in (
        ("analysis_terms", "term"),
        ("term_postings", "term"),
        ("copy_marks", "mark"),
    ):
        conn.execute(text(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE BIGINT"))


def _v15_pair_verdicts(conn: Connection) -> None:
    # A user's verdict on two clippings ("same story", "not same story") outranks the
    # program's label in the related lists and the stories.
    md = MetaData()
    Table("clippings", md, Column("id", Integer, primary_key=True))
    Table(
        "pair_verdicts",
        md,
        Column(
            "first_id",
            Integer,
            ForeignKey("clippings.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        Column(
            "second_id",
            Integer,
            ForeignKey("clippings.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        Column("verdict", String(16), nullable=False),
        Column("judged_at", DateTime, nullable=False),
        Index("ix_pair_verdicts_second_id", "second_id"),
    )
    md.tables["pair_verdicts"].create(conn, checkfirst=True)
    if conn.dialect.name == "postgresql":
        from clippings.storage import postgres_audit

        postgres_audit.install(conn)  # the verdicts are in the audit trail


MIGRATIONS: tuple[tuple[int, Callable[[Connection], None]], ...] = (
    (1, _v1_initial),
    (2, _v2_saved_searches),
    (3, _v3_clipping_features),
    (4, _v4_reliable_queue),
    (5, _v5_list_indexes),
    (6, _v6_stored_analysis),
    (7, _v7_parts),
    (8, _v8_copies),
    (9, _v9_author_lists),
    (10, _v10_outlets),
    (11, _v11_list_by_day),
    (12, _v12_original_chunks),
    (13, _v13_audit_log),
    (14, _v14_wide_terms),
    (15, _v15_pair_verdicts),
)

LATEST = MIGRATIONS[-1][0]


def current_version(conn: Connection) -> int:
    """The archive's schema version; 0 for an empty database.

    Raises:
        ArchiveError: the database has tables but no readable schema mark.
    """
    from sqlalchemy import inspect

    if not inspect(conn).has_table("archive_meta"):
        if inspect(conn).get_table_names():
            raise ArchiveError(
                "the database has no schema mark (its archive_meta table is gone): it is "
                "damaged or not a Clippings archive; restore it from a backup"
            )
        return 0
    from clippings.storage.schema import archive_meta

    value = conn.execute(
        select(archive_meta.c.value).where(archive_meta.c.key == "schema_version")
    ).scalar()
    if value is None:
        return 0
    try:
        return int(str(value).strip())
    except ValueError:
        raise ArchiveError(
            f"the database's schema mark is damaged (schema_version is {str(value)[:40]!r}, "
            "not a number): restore it from a backup"
        ) from None


def check_supported(found: int) -> None:
    """Raises ArchiveError for an archive made by a newer Clippings."""
    if found > LATEST:
        raise ArchiveError(
            f"this archive was made by a newer version of Clippings (schema {found}; "
            f"this version knows up to {LATEST}): update Clippings to open it"
        )


def upgrade(conn: Connection) -> int:
    """Bring the database to the newest schema; returns the version it was at.

    Raises:
        ArchiveError: the archive was made by a newer Clippings.
    """
    from clippings.storage.schema import archive_meta

    found = current_version(conn)
    check_supported(found)
    for version, migrate in MIGRATIONS:
        if version <= found:
            continue
        migrate(conn)
        conn.execute(archive_meta.delete().where(archive_meta.c.key == "schema_version"))
        conn.execute(archive_meta.insert().values(key="schema_version", value=str(version)))
        if version == 1:
            conn.execute(
                archive_meta.insert().values(
                    key="created_at", value=datetime.now(UTC).isoformat(timespec="seconds")
                )
            )
    return found

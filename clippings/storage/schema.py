"""The database's tables, as SQLAlchemy Core ``Table`` objects.

This is the schema of the newest migration (``migrations.py``); a test checks that a
freshly migrated archive has exactly these tables and columns. Types are portable
across SQLAlchemy dialects (SQLite now, PostgreSQL for a shared archive later).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
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
    func,
)

metadata = MetaData()

#: Key/value facts about the archive itself (``schema_version``, ``created_by``).
archive_meta = Table(
    "archive_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

#: One row per stored original file (``originals/<ab>/<sha256>``).
originals = Table(
    "originals",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("stored_at", DateTime, nullable=False),
)

#: The bytes of a team archive's originals (schema 12), in chunks of ``CHUNK_SIZE``:
#: written in the transaction that claims them, read a chunk at a time. An archive
#: folder keeps its originals as files (``originals/``) and this table empty.
original_chunks = Table(
    "original_chunks",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

#: Outlets (schema 10): one row per publication, the one home of its name
#: (``storage/outlets.py``). ``named_by``: "page", "domain" or "user".
outlets = Table(
    "outlets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("named_by", String(16), nullable=False),
)

#: How an outlet is found: ``name:<folded name>`` and ``domain:<host>``.
outlet_keys = Table(
    "outlet_keys",
    metadata,
    Column("key", String(512), primary_key=True),
    Column("outlet_id", Integer, ForeignKey("outlets.id", ondelete="CASCADE"), nullable=False),
    Index("ix_outlet_keys_outlet_id", "outlet_id"),
)

clippings = Table(
    "clippings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("title", Text, nullable=False),
    # The outlet's name as ``outlets`` has it (a copy for sorting and the index, written
    # only by ``storage/outlets.py``), and the outlet (schema 10).
    Column("outlet", Text),
    Column("author", Text),
    # ISO 8601 in the source's own offset ("2021-07-25T05:05:00+00:00"), or a day
    # ("2021-07-25"); published_utc is the same instant in UTC for sorting and ranges.
    Column("published", String(40)),
    Column("published_utc", DateTime),
    Column("language", String(16)),
    Column("url", Text),
    Column("text", Text, nullable=False, default=""),
    Column("html", Text),
    Column("word_count", Integer, nullable=False, default=0),
    Column("page", String(64)),
    Column("section", Text),
    Column("edition", Text),
    Column("notes", Text),
    Column("original_name", Text, nullable=False, default=""),
    Column("sha256", String(64), ForeignKey("originals.sha256"), nullable=False),
    # Which article of an original that holds several (an mbox's message), from 1;
    # NULL when the original is one article (schema 7).
    Column("part", Integer),
    Column("format", String(16), nullable=False, default=""),
    # SHA-256 of the normalised article text (case, spacing and punctuation folded):
    # the same article imported from other bytes is a duplicate. NULL without text.
    Column("text_hash", String(64)),
    Column("has_text", Boolean, nullable=False, default=True),
    Column("imported_at", DateTime, nullable=False),
    Column("trashed", Boolean, nullable=False, default=False),
    Column("trashed_at", DateTime),
    # Bumped by every change that search sees; the index stores it, ``check`` compares.
    Column("revision", Integer, nullable=False, default=1),
    # JSON object: metadata field -> where its value came from.
    Column("provenance", Text, nullable=False, default="{}"),
    Column("outlet_id", Integer, ForeignKey("outlets.id")),
    Index("ix_clippings_sha256", "sha256"),
    Index("ix_clippings_text_hash", "text_hash"),
    Index("ix_clippings_published_utc", "published_utc"),
    Index("ix_clippings_trashed", "trashed"),
    Index("ix_clippings_outlet_id", "outlet_id"),
)

#: One index per sort of the list (schema 5), each in the order the list shows, so a
#: page is read by seeking in an index (keyset paging), never by sorting the archive:
#: (trashed, the sort value, id); dates sort by the day shown, the text of ``published``
#: (schema 11). Sorting by id uses ``ix_clippings_trashed``, whose
#: entries end with the row id. Title and outlet sort case-insensitively, on lower().
Index("ix_clippings_list_day", clippings.c.trashed, clippings.c.published, clippings.c.id)
Index("ix_clippings_list_title", clippings.c.trashed, func.lower(clippings.c.title), clippings.c.id)
Index(
    "ix_clippings_list_outlet", clippings.c.trashed, func.lower(clippings.c.outlet), clippings.c.id
)
Index("ix_clippings_list_words", clippings.c.trashed, clippings.c.word_count, clippings.c.id)
Index("ix_clippings_list_imported", clippings.c.trashed, clippings.c.imported_at, clippings.c.id)

tags = Table(
    "tags",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # The whole path: "Russia/US relations". Parents exist implicitly.
    Column("name", String(512), nullable=False, unique=True),
    Column("colour", String(9)),
)

clipping_tags = Table(
    "clipping_tags",
    metadata,
    Column(
        "clipping_id", Integer, ForeignKey("clippings.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("tag_id", Integer, ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_clipping_tags_tag_id", "tag_id"),
    # A tag's clippings without reading the table (schema 5: the list of a tag).
    Index("ix_clipping_tags_tag_clipping", "tag_id", "clipping_id"),
)

#: Clippings whose index entry must be brought up to date: written in the same
#: transaction as the change, deleted only after the index commit. Ids are never
#: reused (AUTOINCREMENT, schema 4), so a program that applied rows 1..50 can never
#: delete another program's newer row 7.
index_queue = Table(
    "index_queue",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("clipping_id", Integer, nullable=False),
    Column("queued_at", DateTime, nullable=False),
    sqlite_autoincrement=True,
)

#: Originals a purge took out of the database whose files are still to be removed
#: (schema 4): the removal happens after the commit, and a crash in between leaves
#: the row, so the next open finishes the purge. An import that claims the same
#: bytes again deletes the row in its own transaction.
original_removals = Table(
    "original_removals",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("queued_at", DateTime, nullable=False),
)

#: A named query with its filters, shown in the window's sidebar (schema 2).
saved_searches = Table(
    "saved_searches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("query", Text, nullable=False),
    # JSON object: filter name -> value (date_from, date_to, outlet, language, tag).
    Column("filters", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

#: What comparing clippings needs of each one (schema 5; derived data, recomputed when
#: ``version`` differs from ``clippings.analysis.features.FEATURES_VERSION`` or
#: ``source``, a digest of title, language and text, from the clipping's). Compact:
#: ``terms`` packs the hashed terms, counts and flags (``storage/analysis.py``),
#: ``signature`` the MinHash. ``counted``: its terms are counted in ``analysis_terms``
#: (a live clipping); ``posted``: the terms under which ``term_postings`` lists it;
#: ``edges_at``: how many clippings were analysed when its edges were computed. No
#: foreign key: a purged clipping's row stays until the analysis queue takes its
#: terms out of the counts.
clipping_analysis = Table(
    "clipping_analysis",
    metadata,
    Column("clipping_id", Integer, primary_key=True, autoincrement=False),
    Column("version", Integer, nullable=False),
    Column("source", String(32), nullable=False),
    Column("terms", LargeBinary, nullable=False),
    Column("signature", LargeBinary, nullable=False),
    Column("shingle_count", Integer, nullable=False),
    Column("word_count", Integer, nullable=False),
    # JSON array: the people the clipping's quotations are attributed to.
    Column("speakers", Text, nullable=False),
    Column("counted", Boolean, nullable=False),
    Column("posted", LargeBinary),
    Column("edges_at", Integer),
    # In which order clippings were analysed, and the last one analysed when this
    # clipping's edges were computed: a newer clipping enters its related pieces.
    Column("serial", Integer, nullable=False),
    Column("edges_after", Integer),
    Index("ix_clipping_analysis_counted", "counted"),
)

#: Document frequencies: in how many live clippings each (hashed) term is; kept in
#: step with ``clipping_analysis.counted`` in the same transactions (schema 5).
analysis_terms = Table(
    "analysis_terms",
    metadata,
    Column("term", BigInteger, primary_key=True, autoincrement=False),
    Column("df", Integer, nullable=False),
)

#: Candidate postings: each live clipping under its most distinctive terms (schema 5).
term_postings = Table(
    "term_postings",
    metadata,
    Column("term", BigInteger, primary_key=True, autoincrement=False),
    Column("clipping_id", Integer, primary_key=True, autoincrement=False),
    sqlite_with_rowid=False,
)

#: Each clipping's kept neighbours (schema 5): its best related pieces (``relation``
#: set) and its closest pieces for stories (``story`` set, ``closeness`` the dated
#: cosine). A newcomer enters the lists of the clippings it beats the worst of.
related_edges = Table(
    "related_edges",
    metadata,
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

#: The user's own verdict on a pair of clippings, which outranks the program's label
#: (schema 15): ``verdict`` is "same story" or "not same story"; ``first_id`` is the
#: smaller id. Gone with either clipping when it is purged.
pair_verdicts = Table(
    "pair_verdicts",
    metadata,
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

#: Clippings whose analysis (features, speakers, postings, edges) is due: written in
#: the same transaction as the change, like ``index_queue``, deleted after the
#: analysis is stored (schema 5).
analysis_queue = Table(
    "analysis_queue",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("clipping_id", Integer, nullable=False),
    Column("queued_at", DateTime, nullable=False),
    Index("ix_analysis_queue_clipping_id", "clipping_id"),
    sqlite_autoincrement=True,
)

#: Other files of the same piece (schema 8): a web page's print-to-PDF or a .docx of
#: it, imported after the clipping and recognised as a copy. Each is another original
#: of the clipping (it claims its file as ``clippings.sha256`` does); purging the
#: clipping releases them.
clipping_copies = Table(
    "clipping_copies",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("clipping_id", Integer, ForeignKey("clippings.id", ondelete="CASCADE"), nullable=False),
    Column("sha256", String(64), ForeignKey("originals.sha256"), nullable=False),
    Column("original_name", Text, nullable=False),
    Column("format", String(16), nullable=False),
    Column("added_at", DateTime, nullable=False),
    Index("ix_clipping_copies_clipping_id", "clipping_id"),
    Index("ix_clipping_copies_sha256", "sha256"),
)

#: Each clipping under its text's marks (schema 8; ``analysis/copies.py``): an import
#: finds the clippings its text may be a copy of by these, in the transaction that
#: stores it. Written with the clipping; clippings older than the table are marked
#: in the background (``archive_meta``'s ``copy_marks_below``: ids below it may lack
#: marks).
copy_marks = Table(
    "copy_marks",
    metadata,
    Column("mark", BigInteger, primary_key=True, autoincrement=False),
    Column("clipping_id", Integer, primary_key=True, autoincrement=False),
    Index("ix_copy_marks_clipping_id", "clipping_id"),
    sqlite_with_rowid=False,
)

#: Who imported, edited, tagged, untagged, trashed, restored or purged which clipping,
#: and when (schema 13; ``model.AUDIT_ACTIONS``). Written by triggers only, in the
#: transaction of the change (``postgres_audit.py``, and ``sqlite.py`` for an archive
#: folder); never changed afterwards. No foreign key: a purged clipping's trail stays.
#: ``at`` is UTC; ``detail`` the fields an edit changed, the tag, or a purged title.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("who", Text, nullable=False),
    Column("action", String(16), nullable=False),
    Column("clipping_id", Integer),
    Column("detail", Text),
    Index("ix_audit_log_clipping_id", "clipping_id"),
)

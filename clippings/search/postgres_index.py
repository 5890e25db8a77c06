"""The full-text index of a team archive, in its PostgreSQL database.

The search layer owns its tables (``search_documents``, ``search_configs``,
``search_meta``); storage never touches them, and this module reads nothing else.

- **One weighted tsvector per clipping**, made by ``to_tsvector`` with the
  configuration of the clipping's language (``clippings.languages.SNOWBALL``: ISO
  639-1 code -> the Snowball stemmer PostgreSQL's built-in configuration is named
  after, when the server has it; for any other language, or none,
  ``clippings_any``, the app's own rule: Latin words with English stems, Cyrillic with
  Russian, no stop words): title ``A``, outlet ``B``, author ``C``, text ``D``. The
  text handed to it is the project's own words (``postgres_query.plain_text``):
  lower-cased, accents folded, and the runs of unspaced scripts (Chinese, Japanese,
  Korean, Thai) already cut into the bigrams the app makes (no PostgreSQL
  configuration splits them), one token each, so ``東京`` is found inside a longer run
  and positions (phrases) stay consecutive. The server stems them: a German clipping
  with German stems and stop words.
- **Exact filters as keys** in the same tsvector, without positions: ``tag:russia/us``,
  ``speaker:antonov``, ``outlet:reuters``, ``lang:de`` and ``cfg:german``. So a query of
  words and filters is one ``tsquery`` and one scan of a GIN index; dates are an
  integer column (yyyymmdd, 0 without one) beside it. A second, small tsvector, the
  head (title, outlet, author, keys and the text's first ``HEAD_WORDS`` words, with its
  own GIN index), answers the ``title:`` and ``author:`` parts of a query, and ranks.
- **Several languages in one query**: each configuration the index uses gets its own
  translation of the query, joined to its ``cfg:`` key (``postgres_query``): a clipping
  is matched by the query's words stemmed the way its own text was.
- **Ranking**: ``ts_rank`` with the field weights of ``FIELD_BOOSTS`` (title 3,
  outlet and author 1.5, text 1; scaled to PostgreSQL's 0..1), over the clipping's
  head (``head``: title, outlet, author and the first ``HEAD_WORDS`` words of the text,
  a small tsvector kept in the row), then the newest first. A search ranks every match
  (the window lists them all), and reading each match's whole tsvector, stored apart
  and compressed, cost more than the rest of the search together; a news story says
  what it is about in its title and first lines. ``ts_rank`` (how often and in which
  fields the words are) rather than ``ts_rank_cd`` (how close together): over sixty
  words the two order alike, and ``ts_rank`` takes half the time over 75,000 matches.
  "By date" is the moment of publication, newest first. Counts are exact (the same
  statement counts every match).
- **Phrases** of two words are found in a third GIN index, on the pairs of
  neighbouring words of each field (``clippings_pairs(body)``, an expression index:
  nothing more is stored in the row), exactly and without reading any clipping's
  positions; a longer phrase uses its pairs to find the few clippings worth reading.
- **Snippets** mark the words of the query in the article with ``highlighting`` (the
  same fragments, to the character, as the embedded engines), not with ``ts_headline``:
  ``ts_headline`` re-reads the article with PostgreSQL's parser, which sees a run of
  Chinese as one word and does not fold accents, so it would mark nothing in Chinese
  and miss ``Elysee`` in ``Élysée``; it passes the article's markup through unescaped
  (the window shows snippets as HTML); and its fragments differ from the other
  engines', so a result would read differently on a team archive.
  The server still decides which words match: an article word the app's own stemmer
  does not relate to the query (``Häusern`` for ``Häuser``) is marked when the
  server's configuration finds it (``_server_words``).
- **Writers take turns** through a session-level advisory lock (``locked``), the
  server's counterpart of ``index.lock``.
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import text as sql
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from whoosh import query as wq

from clippings.languages import SNOWBALL
from clippings.model import (
    ClippingsError,
    IndexBusyError,
    IndexDamagedError,
    IndexDocument,
    Progress,
    Ranking,
    StorageError,
    published_utc,
)
from clippings.search import highlighting
from clippings.search.analysis import ANALYSIS_VERSION
from clippings.search.fast_terms import WORD, pieces
from clippings.search.folder import WRITE_TIMEOUT, Documents
from clippings.search.postgres_query import (
    CONFIG_KEY,
    DATE_KEY,
    KEY_PREFIX,
    WEIGHTS,
    WILDCARD_WORDS,
    Lexemes,
    Translator,
    date_keys_of,
    plain_text,
    plain_word,
    query_schema,
    text_strings,
    wildcard_patterns,
    wildcard_regex,
)
from clippings.search.query import (
    FIELD_BOOSTS,
    day_number,
    outlet_index_tokens,
    parse,
    speaker_token,
    tag_token,
)
from clippings.search.whoosh_index import SortOrder
from clippings.search.whoosh_index import make_schema as whoosh_schema

#: The layout of the tables and of the tsvectors; with the analysis version, the mark
#: that makes an outdated index rebuild. Bump it when ``SNOWBALL``, ``HEAD_WORDS`` or
#: what ``_row`` and ``_UPSERT`` store change.
LAYOUT_VERSION = 2
#: ts_rank's weights, in its order {D, C, B, A}: text, author, outlet, title.
RANK_WEIGHTS = [
    FIELD_BOOSTS[name] / max(FIELD_BOOSTS.values())
    for name in ("text", "author", "outlet", "title")
]
#: ts_rank normalisation: none (the heads are of about the same length).
RANK_NORMALISATION = 0
#: The words of a text's beginning that rank a clipping, with its title, outlet and
#: author (``head``): a search ranks every match, and reading each match's whole
#: tsvector (stored apart, compressed) costs more than the search itself.
HEAD_WORDS = 60
#: A search for fewer matches than this reads rows; for more (the window's whole list),
#: two arrays.
ROWS_UP_TO = 1_000
#: Characters of a text's words indexed at most (a tsvector holds at most 1 MB).
MAX_INDEXED = 400_000
#: How many documents one statement writes.
BATCH = 200
#: The advisory lock writers take turns through (a number of this program's own).
LOCK_KEY = int.from_bytes(
    hashlib.sha256(b"clippings search index").digest()[:8], "big", signed=True
)
#: The advisory lock two ``prepare`` calls take turns through.
PREPARE_KEY = int.from_bytes(
    hashlib.sha256(b"clippings search tables").digest()[:8], "big", signed=True
)
POLL_SECONDS = 0.05

#: The index's tables. Searching needs SELECT on all three; writing (``apply``,
#: ``rebuild``) also INSERT, UPDATE and DELETE; ``prepare`` makes them (and the
#: ``clippings_any`` text search configuration) and needs CREATE in the schema.
TABLES = ("search_documents", "search_configs", "search_meta", "search_words")

#: A text's pairs of neighbouring words (``'polic said'``: the lexemes at positions
#: p and p + 1 of one field's weight), and its keys (tags, outlet, language and the
#: configuration): a phrase of two words is one look-up in their GIN index, exact, where
#: ``body @@ 'polic' <-> 'said'`` reads the positions of every clipping holding both
#: words (a tsvector is stored apart from its row, and reading tens of thousands of them
#: costs more than the search). Positions stop at 16383, so a text has at most that
#: many pairs per field: far below a tsvector's 1 MB. Its cost tells the planner to look
#: the pairs up in their index rather than make them for each row another index found.
_PAIRS_FUNCTION = """
CREATE OR REPLACE FUNCTION clippings_pairs(v tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 10000 AS $$
    WITH w AS (
        SELECT u.lexeme, p.pos, p.weight
        FROM unnest(v) AS u, unnest(u.positions, u.weights) AS p(pos, weight)
    )
    SELECT coalesce(
        array_to_tsvector(ARRAY(
            SELECT DISTINCT a.lexeme || ' ' || b.lexeme
            FROM w AS a JOIN w AS b ON b.pos = a.pos + 1 AND b.weight = a.weight
        )), ''::tsvector)
        || array_to_tsvector(ARRAY(SELECT lexeme FROM unnest(v) WHERE positions IS NULL))
$$
"""

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS search_documents (
        clipping_id bigint PRIMARY KEY,
        revision bigint NOT NULL,
        config text NOT NULL,
        body tsvector NOT NULL,
        head tsvector NOT NULL,
        published integer NOT NULL DEFAULT 0,
        moment bigint NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX IF NOT EXISTS search_documents_body ON search_documents USING gin (body)",
    "CREATE INDEX IF NOT EXISTS search_documents_head ON search_documents USING gin (head)",
    _PAIRS_FUNCTION,
    "CREATE INDEX IF NOT EXISTS search_documents_pairs ON search_documents "
    "USING gin (clippings_pairs(body))",
    "CREATE INDEX IF NOT EXISTS search_documents_published ON search_documents (published)",
    "CREATE INDEX IF NOT EXISTS search_documents_moment ON search_documents (moment)",
    "CREATE TABLE IF NOT EXISTS search_configs (config text PRIMARY KEY)",
    "CREATE TABLE IF NOT EXISTS search_meta (name text PRIMARY KEY, value text NOT NULL)",
    # Every word (lexeme) of the index, for wildcards inside a word (``te?t``).
    "CREATE TABLE IF NOT EXISTS search_words (word text PRIMARY KEY)",
]
#: Trigrams make a wildcard's look-up in ``search_words`` an index scan (pg_trgm, a
#: trusted extension that ships with PostgreSQL; without it the table is read whole).
_TRIGRAMS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS search_words_trigrams ON search_words "
    "USING gin (word gin_trgm_ops)",
]

#: The configuration of a clipping in a language PostgreSQL has none for (or in none):
#: what the embedded engines do for every clipping (``analysis``): Latin words get
#: English stems, Cyrillic Russian ones, and no word is a stop word.
ANY_LANGUAGE = "clippings_any"
_ANY_LANGUAGE_SQL = [
    "CREATE TEXT SEARCH DICTIONARY clippings_english_stem (TEMPLATE = snowball, "
    "Language = english)",
    "CREATE TEXT SEARCH DICTIONARY clippings_russian_stem (TEMPLATE = snowball, "
    "Language = russian)",
    f"CREATE TEXT SEARCH CONFIGURATION {ANY_LANGUAGE} (COPY = simple)",
    f"ALTER TEXT SEARCH CONFIGURATION {ANY_LANGUAGE} ALTER MAPPING FOR asciiword, "
    "asciihword, hword_asciipart WITH clippings_english_stem",
    f"ALTER TEXT SEARCH CONFIGURATION {ANY_LANGUAGE} ALTER MAPPING FOR word, hword, "
    "hword_part WITH clippings_russian_stem",
]

_UPSERT = """
INSERT INTO search_documents (clipping_id, revision, config, body, head, published, moment)
SELECT :id, :revision, CAST(:config AS text),
    f.fields || to_tsvector(f.config, :text) || array_to_tsvector(CAST(:keys AS text[])),
    f.fields || to_tsvector(f.config, :lede) || array_to_tsvector(CAST(:keys AS text[])),
    :published, :moment
FROM (
    SELECT c.config,
        setweight(to_tsvector(c.config, :title), 'A')
        || setweight(to_tsvector(c.config, :outlet), 'B')
        || setweight(to_tsvector(c.config, :author), 'C') AS fields
    FROM (SELECT CAST(CAST(:config AS text) AS regconfig) AS config) AS c
) AS f
ON CONFLICT (clipping_id) DO UPDATE SET
    revision = excluded.revision, config = excluded.config, body = excluded.body,
    head = excluded.head, published = excluded.published, moment = excluded.moment
"""

#: The words of some documents, for wildcards inside a word.
_NEW_WORDS = """
INSERT INTO search_words (word)
SELECT DISTINCT w.word
FROM search_documents AS d CROSS JOIN unnest(tsvector_to_array(d.head || d.body)) AS w(word)
WHERE d.clipping_id = ANY(CAST(:ids AS bigint[])) AND strpos(w.word, ':') = 0
ON CONFLICT DO NOTHING
"""

#: The configurations in use, and the GIN indexes always for this transaction (a row's
#: tsvector is stored apart: filtering rows by reading each is slower than the planner
#: reckons), without compiling (JIT: a plan told to avoid a scan costs "millions", and
#: compiling one takes 100 ms), in one round trip.
_BEGIN_SEARCH = (
    "SELECT set_config('enable_seqscan', 'off', true), "
    "set_config('enable_indexscan', 'off', true) || set_config('jit', 'off', true), "
    "ARRAY(SELECT config FROM search_configs ORDER BY config)"
)

_LEXEMES = """
SELECT c.config, s.string, l.lexeme, l.positions
FROM unnest(CAST(:configs AS text[])) AS c(config)
CROSS JOIN unnest(CAST(:strings AS text[])) AS s(string)
CROSS JOIN LATERAL unnest(to_tsvector(CAST(c.config AS regconfig), s.string)) AS l
"""

_R = TypeVar("_R")
log = logging.getLogger(__name__)


def _version_mark() -> str:
    return f"{ANALYSIS_VERSION}.{LAYOUT_VERSION}"


def language_config(language: str | None, available: frozenset[str]) -> str:
    """The configuration a clipping of ``language`` ("de", "de-CH", "FR") is indexed with."""
    code = (language or "").strip().lower().replace("_", "-").split("-")[0]
    config = SNOWBALL.get(code, ANY_LANGUAGE)
    if config in available:
        return config
    return ANY_LANGUAGE if ANY_LANGUAGE in available else "simple"


def _reading(method: Callable[..., _R]) -> Callable[..., _R]:
    """A read or write of the server's index, its failures said in the project's words:
    missing tables mean a damaged (rebuildable) index; anything else the database
    refuses is a storage error (the server is down, a right is missing)."""

    @functools.wraps(method)
    def read(*args: Any, **kwargs: Any) -> _R:
        try:
            return method(*args, **kwargs)
        except ClippingsError:
            raise
        except SQLAlchemyError as error:
            raise _error(error) from error

    return read


def _error(error: SQLAlchemyError) -> ClippingsError:
    code = getattr(getattr(error, "orig", None), "sqlstate", None)
    if code == "42P01":  # undefined_table
        return IndexDamagedError("the search index is missing on the server")
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return StorageError("the archive's server cannot be reached; try again in a moment")
    reason = getattr(error, "orig", None) or error
    return StorageError(f"the archive's server refused the search ({reason})")


class PostgresIndex:
    """The search index of a team archive, in the archive's own database.

    Args:
        engine: a SQLAlchemy engine connected to the archive's database.
    """

    engine_name = "postgresql"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        #: Held by the thread writing (``locked``); reads never wait for it.
        self._lock = threading.RLock()
        self._cache_lock = threading.Lock()
        self._held = 0
        self._available: frozenset[str] | None = None
        self._lexemes: OrderedDict[tuple[str, str], Lexemes] = OrderedDict()
        #: (query words, an article's word) -> whether the server's stemming matches them
        self._matched: dict[tuple[tuple[str, ...], str], bool] = {}

    # --- Tables ---------------------------------------------------------------------------

    def prepare(self) -> None:
        """Create the index's tables and indexes if they are missing (idempotent; the
        server's ``init`` calls it, then grants the archive's roles their rights)."""
        with self.engine.begin() as connection:
            connection.execute(sql("SELECT pg_advisory_xact_lock(:key)"), {"key": PREPARE_KEY})
            for statement in SCHEMA:
                connection.execute(sql(statement))
            made = connection.execute(
                sql(
                    "SELECT 1 FROM pg_ts_config WHERE cfgname = :name "
                    "AND cfgnamespace = CAST(current_schema() AS regnamespace)"
                ),
                {"name": ANY_LANGUAGE},
            ).scalar()
            if not made:
                for statement in _ANY_LANGUAGE_SQL:
                    connection.execute(sql(statement))
            try:
                with connection.begin_nested():
                    for statement in _TRIGRAMS:
                        connection.execute(sql(statement))
            except SQLAlchemyError as error:  # no right to add the extension: slower
                log.warning("wildcards will read every word of the index: %s", error)
        self._available = None

    def _configs_available(self, connection: Connection) -> frozenset[str]:
        if self._available is None:
            rows = connection.execute(sql("SELECT cfgname FROM pg_ts_config")).scalars()
            self._available = frozenset(str(name) for name in rows)
        return self._available

    @_reading
    def needs_rebuild(self) -> str | None:
        """Why the index must be rebuilt from the database, or None if it is usable.

        Raises:
            StorageError: the server cannot be reached, or refuses to be read.
        """
        with self.engine.connect() as connection:
            if self._missing(connection):
                return "the search index is missing"
            found = connection.execute(
                sql("SELECT value FROM search_meta WHERE name = 'version'")
            ).scalar()
        if found is None:
            return "the search index has not been built"
        if found != _version_mark():
            return f"the search index was built by another version (v{found})"
        return None

    @staticmethod
    def _missing(connection: Connection) -> bool:
        found = connection.execute(
            sql(
                "SELECT to_regclass('search_documents') IS NULL "
                "OR to_regclass('search_configs') IS NULL OR to_regclass('search_meta') IS NULL "
                "OR to_regclass('search_words') IS NULL "
                "OR to_regprocedure('clippings_pairs(tsvector)') IS NULL"
            )
        ).scalar()
        return bool(found)

    # --- Taking turns -----------------------------------------------------------------------

    @contextmanager
    def locked(self, timeout: float = WRITE_TIMEOUT) -> Iterator[None]:
        """Hold the index for writing against every other client (and thread): a
        session-level advisory lock, on a connection kept for the while.

        Raises:
            IndexBusyError: another client kept it for ``timeout`` seconds.
        """
        with self._lock:
            if self._held:
                self._held += 1
                try:
                    yield
                finally:
                    self._held -= 1
                return
            try:
                connection = self.engine.connect()
            except SQLAlchemyError as error:
                raise _error(error) from error
            try:
                deadline = time.monotonic() + timeout
                while not connection.execute(
                    sql("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}
                ).scalar():
                    connection.commit()
                    if time.monotonic() >= deadline:
                        raise IndexBusyError(
                            "the search index is busy in another program (it may be "
                            "rebuilding it); your changes are saved and reach search "
                            "when it is done"
                        )
                    time.sleep(POLL_SECONDS)
                connection.commit()
                self._held = 1
                try:
                    yield
                finally:
                    self._held = 0
                    try:
                        connection.execute(
                            sql("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY}
                        )
                        connection.commit()
                    except SQLAlchemyError:
                        connection.invalidate()  # closing the session frees the lock
            finally:
                connection.close()

    def clean_debris(self) -> None:
        """Nothing: a rebuild on the server is one transaction, never half done."""

    # --- Writing ----------------------------------------------------------------------------

    @_reading
    def apply(self, upserts: Sequence[IndexDocument], deletions: Sequence[int]) -> None:
        """Bring some documents up to date in one transaction (the caller holds
        ``locked()``)."""
        if not upserts and not deletions:
            return
        with self.engine.begin() as connection:
            gone = [*deletions]
            if gone:
                connection.execute(
                    sql("DELETE FROM search_documents WHERE clipping_id = ANY(:ids)"),
                    {"ids": gone},
                )
            self._write(connection, upserts)

    def _write(self, connection: Connection, documents: Sequence[IndexDocument]) -> None:
        available = self._configs_available(connection)
        for start in range(0, len(documents), BATCH):
            rows = [_row(d, available) for d in documents[start : start + BATCH]]
            connection.execute(
                sql(
                    "INSERT INTO search_configs (config) "
                    "SELECT unnest(CAST(:configs AS text[])) ON CONFLICT DO NOTHING"
                ),
                {"configs": sorted({row["config"] for row in rows})},
            )
            connection.execute(sql(_UPSERT), rows)
            connection.execute(sql(_NEW_WORDS), {"ids": [row["id"] for row in rows]})

    @_reading
    def rebuild(
        self,
        documents: Documents,
        total: int,
        *,
        mark: int = 0,
        report: Callable[[Progress], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> int | None:
        """Replace the whole index in one transaction (the caller holds ``locked()``):
        searches see the old index until it commits, and a cancelled or failed rebuild
        leaves it unchanged. Returns ``mark``, or None when cancelled."""
        with self.engine.connect() as connection:
            missing = self._missing(connection)
        if missing:  # else nothing to create (and a role without CREATE may rebuild)
            self.prepare()
        done = 0
        with self.engine.connect() as connection:
            transaction = connection.begin()
            try:
                connection.execute(sql("DELETE FROM search_documents"))
                connection.execute(sql("DELETE FROM search_configs"))
                connection.execute(sql("DELETE FROM search_meta"))
                connection.execute(sql("DELETE FROM search_words"))
                for batch in documents(0):
                    if cancel and cancel():
                        transaction.rollback()
                        return None
                    self._write(connection, batch)
                    done += len(batch)
                    if report:
                        report(Progress(done, total, "Building the search index"))
                connection.execute(
                    sql("INSERT INTO search_meta (name, value) VALUES ('version', :mark)"),
                    {"mark": _version_mark()},
                )
                transaction.commit()
            except BaseException:
                if transaction.is_active:
                    transaction.rollback()
                raise
        self._analyze()
        return mark

    def _analyze(self) -> None:
        """Fresh statistics for the planner after a rebuild (a role that does not own
        the table is only warned, which is fine: autovacuum analyses it soon)."""
        try:
            with self.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                    sql("ANALYZE search_documents")
                )
        except SQLAlchemyError:
            pass

    def tidy(self) -> bool:
        """Nothing to do: the server's autovacuum keeps the tables and the GIN index in
        shape (it merges the GIN index's list of pending entries too)."""
        return False

    def close(self) -> None:
        """Forget what was cached (the engine belongs to the archive's store)."""
        with self._cache_lock:
            self._lexemes.clear()
            self._matched.clear()
            self._available = None

    # --- Reading ----------------------------------------------------------------------------

    def _lexemes_of(
        self, connection: Connection, configs: tuple[str, ...], strings: set[str]
    ) -> Callable[[str, str], Lexemes]:
        """(configuration, string) -> its lexemes, asked of the server in one statement
        for what is not remembered."""
        wanted = sorted(strings)
        missing = [(c, s) for c in configs for s in wanted if (c, s) not in self._lexemes]
        if missing:
            found: dict[tuple[str, str], list[tuple[str, tuple[int, ...]]]] = {
                pair: [] for pair in missing
            }
            rows = connection.execute(
                sql(_LEXEMES),
                {
                    "configs": sorted({c for c, _s in missing}),
                    "strings": sorted({s for _c, s in missing}),
                },
            )
            for config, string, lexeme, positions in rows:
                if (config, string) in found:
                    found[(config, string)].append((str(lexeme), tuple(positions or ())))
            with self._cache_lock:
                for pair, lexemes in found.items():
                    self._lexemes[pair] = tuple(lexemes)
                while len(self._lexemes) > 20_000:
                    self._lexemes.popitem(last=False)
        known = {(c, s): self._lexemes.get((c, s), ()) for c in configs for s in wanted}
        return lambda config, string: known.get((config, string), ())

    def _translate(self, connection: Connection, text: str) -> Any:
        parsed = _parsed(text)
        configs = tuple(str(c) for c in connection.execute(sql(_BEGIN_SEARCH)).one()[2])
        if not configs:
            return None, parsed
        lexemes = self._lexemes_of(connection, configs, text_strings(parsed))
        wildcards = {
            pattern: _expanded(connection, pattern) for pattern in wildcard_patterns(parsed)
        }
        return Translator(configs, lexemes, wildcards).translate(parsed), parsed

    @_reading
    def search(
        self, text: str, *, limit: int | None = 50, sort: SortOrder = "relevance"
    ) -> Ranking:
        """The ids and scores of the best matches, and how many match in all.

        Raises:
            QueryError: the query cannot be understood.
        """
        _parsed(text)  # a query error before any work on the server
        with self.engine.connect() as connection:
            translation, _tree = self._translate(connection, text)
            if translation is None or translation.matches_nothing:
                notes = translation.notes if translation is not None else ()
                return Ranking((), 0, True, notes)
            params = dict(translation.params)
            if sort == "date":
                score = "0.0"
                order = "m.moment DESC, m.clipping_id DESC"
            elif translation.rank:
                score = (
                    "ts_rank(CAST(:weights AS float4[]), d.head, "
                    f"CAST(:rank AS tsquery), {RANK_NORMALISATION})"
                )
                params["weights"] = RANK_WEIGHTS
                params["rank"] = translation.rank
                order = "m.score DESC, m.moment DESC, m.clipping_id"
            else:
                score = "0.0"
                order = "m.moment DESC, m.clipping_id DESC"
            if limit is not None and limit < ROWS_UP_TO:
                # A page: the best rows, each with the count over all matches (the score
                # is computed in the inner statement, OFFSET 0 keeping it there, so the
                # count's window holds numbers, not each row's head).
                statement = (
                    "SELECT m.clipping_id, m.score, count(*) OVER () FROM ("
                    f"SELECT d.clipping_id, d.moment, {score} AS score "
                    f"FROM search_documents AS d WHERE {translation.where} OFFSET 0"
                    f") AS m ORDER BY {order} LIMIT :limit"
                )
                params["limit"] = max(limit, 1)
                rows = connection.execute(sql(statement), params).all()
                total = int(rows[0][2]) if rows else 0
                hits = tuple((int(row[0]), float(row[1] or 0.0)) for row in rows[:limit])
                return Ranking(hits, total, True, translation.notes)
            # The whole list: the count and the matches as two arrays in one row (tens of
            # thousands of rows cost more to hand over one by one than to find). The
            # order is total (the id breaks ties): both arrays list the same matches.
            limited = "" if limit is None else " LIMIT :limit"
            if limit is not None:
                params["limit"] = limit
            statement = (
                "WITH m AS MATERIALIZED ("
                f"SELECT d.clipping_id, d.moment, {score} AS score "
                f"FROM search_documents AS d WHERE {translation.where}"
                ") SELECT (SELECT count(*) FROM m), "
                f"ARRAY(SELECT m.clipping_id FROM m ORDER BY {order}{limited}), "
                f"ARRAY(SELECT m.score FROM m ORDER BY {order}{limited})"
            )
            total, ids, scores = connection.execute(sql(statement), params).one()
        hits = tuple(zip(map(int, ids), map(float, scores), strict=True))
        return Ranking(hits, total, True, translation.notes)

    @_reading
    def snippet(self, text: str, article: str, *, length: int = 240) -> str:
        """A passage of ``article`` around the words ``text`` matches, with ``<mark>``;
        the article's opening words when no word of the query is in it."""
        return highlighting.snippet(self._words(text, article), article, length=length)

    @_reading
    def highlight_all(self, text: str, article: str) -> str:
        """The whole article, HTML-escaped, with the words ``text`` matches in ``<mark>``."""
        from html import escape

        try:
            words = self._words(text, article)
        except ClippingsError:  # no highlighting rather than no article
            return escape(article)
        return highlighting.highlight_all(words, article)

    def _words(self, text: str, article: str) -> frozenset[str]:
        """The app's terms to mark in ``article``: the query's own (as the embedded
        engines mark them), the article's words a prefix stands for, and the article's
        words the server's stemming relates to the query's."""
        words = highlighting.query_words(_stemmed(text))
        plain = _parsed(text)
        prefixes = [
            str(leaf.text)
            for leaf in plain.leaves()
            if isinstance(leaf, wq.Prefix) and getattr(leaf, "fieldname", None) in WEIGHTS
        ]
        patterns = [re.compile(fnmatch.translate(p)) for p in wildcard_patterns(plain)]
        article_words = set(WORD.findall(article))
        if prefixes or patterns:
            for word in article_words:
                folded = plain_word(word)
                if any(folded.startswith(p) for p in prefixes) or any(
                    p.match(folded) for p in patterns
                ):
                    words.update(term for term, _s, _e in pieces(word))
        words.update(self._server_words(plain, article_words, words))
        return frozenset(words)

    def _server_words(self, plain: Any, article_words: set[str], marked: set[str]) -> set[str]:
        """The terms of the article's words that the server's stemming matches with a
        word of the query, under any configuration the index uses (only words that
        begin like a query word are asked about)."""
        query_words: set[str] = set()
        for leaf in plain.leaves():
            if getattr(leaf, "fieldname", None) not in WEIGHTS:
                continue
            if isinstance(leaf, wq.Phrase):
                query_words.update(str(w) for w in leaf.words)
            elif isinstance(leaf, wq.Term) and not isinstance(leaf, wq.PatternQuery):
                query_words.add(str(leaf.text))
        stems = {w[:3] for w in query_words if len(w) >= 3 and " " not in w}
        if not stems:
            return set()
        candidates: dict[str, str] = {}
        for word in article_words:
            folded = plain_word(word)
            if (
                folded[:3] in stems
                and " " not in folded
                and not any(term in marked for term, _s, _e in pieces(word))
            ):
                candidates[folded] = word
        if not candidates:
            return set()
        asked = tuple(sorted(query_words))
        unknown = [f for f in candidates if (asked, f) not in self._matched]
        if unknown:
            with self.engine.connect() as connection:
                rows = connection.execute(
                    sql(
                        """
                        SELECT DISTINCT a.word
                        FROM unnest(CAST(:words AS text[])) AS a(word)
                        CROSS JOIN unnest(CAST(:queries AS text[])) AS q(word)
                        CROSS JOIN (SELECT config FROM search_configs) AS c
                        WHERE tsvector_to_array(to_tsvector(CAST(c.config AS regconfig), a.word))
                           && tsvector_to_array(to_tsvector(CAST(c.config AS regconfig), q.word))
                        """
                    ),
                    {"words": unknown, "queries": list(asked)},
                ).scalars()
                matching = {str(folded) for folded in rows}
            with self._cache_lock:
                if len(self._matched) > 50_000:
                    self._matched.clear()
                for folded in unknown:
                    self._matched[(asked, folded)] = folded in matching
        found: set[str] = set()
        for folded, word in candidates.items():
            if self._matched.get((asked, folded)):
                found.update(term for term, _s, _e in pieces(word))
        return found

    @_reading
    def revisions(self) -> dict[int, int]:
        """Every indexed clipping with the revision it was indexed at."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sql("SELECT clipping_id, revision FROM search_documents")
            ).all()
        return {int(i): int(r) for i, r in rows}

    @_reading
    def doc_count(self) -> int:
        with self.engine.connect() as connection:
            return int(
                connection.execute(sql("SELECT count(*) FROM search_documents")).scalar() or 0
            )


def _expanded(connection: Connection, pattern: str) -> tuple[tuple[str, ...], bool]:
    """The index's words a wildcard pattern stands for (the first ``WILDCARD_WORDS``),
    and whether there are more."""
    found = connection.execute(
        sql("SELECT word FROM search_words WHERE word ~ :regex ORDER BY word LIMIT :limit"),
        {"regex": wildcard_regex(pattern), "limit": WILDCARD_WORDS + 1},
    ).scalars()
    words = tuple(str(word) for word in found)
    return words[:WILDCARD_WORDS], len(words) > WILDCARD_WORDS


@functools.lru_cache(maxsize=256)
def _parsed(text: str) -> Any:
    """The parse tree of ``text`` with words unstemmed (the server stems them).

    Raises:
        QueryError: the query cannot be understood.
    """
    return parse(text, query_schema())


@functools.lru_cache(maxsize=256)
def _stemmed(text: str) -> Any:
    """The parse tree the embedded engines search (the app's terms, for marking)."""
    return parse(text, _whoosh_schema())


@functools.cache
def _whoosh_schema() -> Any:
    return whoosh_schema()


def _keys(document: IndexDocument, config: str) -> list[str]:
    keys = [CONFIG_KEY + config]
    tags = " ".join(tag_token(name) for name in document.tags).split()
    keys += [KEY_PREFIX["tags"] + tag for tag in tags]
    speakers = " ".join(sorted({speaker_token(name) for name in document.speakers})).split()
    keys += [KEY_PREFIX["speakers"] + speaker for speaker in speakers]
    keys += [
        KEY_PREFIX["outlet_name"] + token
        for token in outlet_index_tokens(document.outlet, document.outlet_names)
    ]
    language = (document.language or "").lower().strip()
    if language:
        keys.append(KEY_PREFIX["language"] + language)
    if document.published is not None:
        keys += [DATE_KEY + key for key in date_keys_of(day_number(document.published))]
    return sorted(set(keys))


def _row(document: IndexDocument, available: frozenset[str]) -> dict[str, Any]:
    config = language_config(document.language, available)
    published = moment = 0
    if document.published is not None:
        published = day_number(document.published)
        utc = published_utc(document.published)
        if utc is not None:
            moment = int((utc - datetime(1970, 1, 1)).total_seconds() // 60)
    return {
        "id": document.id,
        "revision": document.revision,
        "config": config,
        "title": plain_text(document.title),
        "outlet": plain_text(document.outlet or ""),
        "author": plain_text(document.author or ""),
        "text": plain_text(document.text[:MAX_INDEXED]),
        "lede": plain_text(" ".join(document.text[: HEAD_WORDS * 20].split()[:HEAD_WORDS])),
        "keys": _keys(document, config),
        "published": published,
        "moment": moment,
    }


__all__ = ["TABLES", "PostgresIndex", "language_config"]

"""Reference engines for ``bench/scale.py``: SQLite FTS5 and tantivy used directly.

Both are built from the archive's own database (the same clippings, streamed in
batches) and answer the same query kinds as Clippings' search, so every figure of
Clippings' search is printed beside what the bare engines do on this machine in the
same run. Filters are what each engine does best: exact fields in tantivy, indexed
columns beside the FTS5 table in SQLite.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

#: Rows read from the archive's database per batch.
BATCH = 2_000


@dataclass(frozen=True)
class QueryKind:
    """One kind of query of the issue, in Clippings' syntax and in each reference's."""

    label: str
    #: What a user types in Clippings.
    text: str
    #: FTS5 MATCH expression (None: no full-text part).
    match: str | None = None
    #: SQL condition on the ``facts`` table (aliased ``f``) and its parameters.
    where: str = ""
    params: tuple[object, ...] = ()
    #: tantivy: query text for its parser (fields title/text) and exact-field filters.
    tantivy: str | None = None
    tantivy_terms: tuple[tuple[str, str], ...] = ()
    tantivy_days: tuple[int, int] | None = None
    tantivy_prefix: str | None = None


def day_number(value: date) -> int:
    return value.year * 10_000 + value.month * 100 + value.day


def _rows(database: Path) -> Iterator[list[tuple[object, ...]]]:
    """(id, title, text, outlet, author, published_utc, language, tags) of live
    clippings, in batches (never the whole archive in memory)."""
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        last = 0
        while True:
            rows = db.execute(
                "SELECT c.id, c.title, c.text, c.outlet, c.author, c.published_utc, c.language, "
                "(SELECT group_concat(t.name, char(31)) FROM clipping_tags ct "
                " JOIN tags t ON t.id = ct.tag_id WHERE ct.clipping_id = c.id) "
                "FROM clippings c WHERE c.id > ? AND c.trashed = 0 ORDER BY c.id LIMIT ?",
                (last, BATCH),
            ).fetchall()
            if not rows:
                return
            last = int(rows[-1][0])
            yield rows
    finally:
        db.close()


def _day(value: object) -> int | None:
    if not value:
        return None
    moment = datetime.fromisoformat(str(value))
    return day_number(moment.date())


# --- SQLite FTS5 -------------------------------------------------------------------------


def build_fts5(database: Path, target: Path) -> float:
    """An FTS5 index (porter stemmer, like Whoosh's) of the clippings; seconds taken."""
    target.unlink(missing_ok=True)
    partial = target.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    started = time.perf_counter()
    db = sqlite3.connect(partial)
    db.executescript(
        """
        PRAGMA journal_mode = OFF;
        PRAGMA synchronous = OFF;
        CREATE VIRTUAL TABLE texts USING fts5(
            title, text, outlet, author, tokenize = 'porter unicode61 remove_diacritics 2');
        CREATE TABLE facts (id INTEGER PRIMARY KEY, outlet TEXT COLLATE NOCASE,
            day INTEGER, language TEXT);
        CREATE TABLE tagged (tag TEXT COLLATE NOCASE, id INTEGER, PRIMARY KEY (tag, id))
            WITHOUT ROWID;
        """
    )
    for rows in _rows(database):
        db.executemany(
            "INSERT INTO texts (rowid, title, text, outlet, author) VALUES (?, ?, ?, ?, ?)",
            [(r[0], r[1], r[2], r[3] or "", r[4] or "") for r in rows],
        )
        db.executemany(
            "INSERT INTO facts VALUES (?, ?, ?, ?)",
            [(r[0], r[3], _day(r[5]), r[6]) for r in rows],
        )
        db.executemany(
            "INSERT OR IGNORE INTO tagged VALUES (?, ?)",
            [(tag, r[0]) for r in rows if r[7] for tag in _with_parents(str(r[7]).split("\x1f"))],
        )
        db.commit()
    db.executescript(
        """
        CREATE INDEX facts_outlet ON facts (outlet, day);
        CREATE INDEX facts_day ON facts (day);
        CREATE INDEX facts_language ON facts (language, day);
        INSERT INTO texts (texts) VALUES ('optimize');
        """
    )
    db.commit()
    db.close()
    partial.rename(target)
    return time.perf_counter() - started


def _with_parents(names: list[str]) -> set[str]:
    found = set()
    for name in names:
        parts = name.split("/")
        found |= {"/".join(parts[: i + 1]) for i in range(len(parts))}
    return found


class Fts5:
    """Queries on the FTS5 reference: first 20 (with snippets), all ids, count."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def close(self) -> None:
        self.db.close()

    def _sql(self, kind: QueryKind, what: str, tail: str) -> tuple[str, tuple[object, ...]]:
        if kind.match is None:
            sql = f"SELECT {what} FROM facts f WHERE {kind.where} ORDER BY f.day DESC {tail}"
            return sql, kind.params
        where = f" AND {kind.where}" if kind.where else ""
        sql = (
            f"SELECT {what} FROM texts JOIN facts f ON f.id = texts.rowid "
            f"WHERE texts MATCH ?{where} {'ORDER BY rank' if tail else ''} {tail}"
        )
        return sql, (kind.match, *kind.params)

    def first(self, kind: QueryKind, *, snippets: bool) -> list[tuple[object, ...]]:
        what = "f.id"
        if snippets and kind.match is not None:
            what += ", snippet(texts, 1, '<b>', '</b>', '…', 40)"
        elif snippets:  # a filter alone: the start of the text, as Clippings shows
            what += ", (SELECT substr(text, 1, 240) FROM texts WHERE rowid = f.id)"
        sql, params = self._sql(kind, what, "LIMIT 20")
        return self.db.execute(sql, params).fetchall()

    def ids(self, kind: QueryKind, limit: int | None) -> list[int]:
        sql, params = self._sql(kind, "f.id", f"LIMIT {limit}" if limit else "LIMIT -1")
        return [int(r[0]) for r in self.db.execute(sql, params)]

    def count(self, kind: QueryKind) -> int:
        sql, params = self._sql(kind, "count(*)", "")
        return int(self.db.execute(sql, params).fetchone()[0])


def open_fts5_cold(path: Path, kind: QueryKind) -> Callable[[], object]:
    """A new connection and the first query, as a new process would."""

    def run() -> object:
        fts = Fts5(path)
        try:
            return fts.first(kind, snippets=True)
        finally:
            fts.close()

    return run


# --- tantivy, used directly --------------------------------------------------------------


def _tantivy_schema():  # type: ignore[no-untyped-def]
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    builder.add_text_field("title", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("text", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("author", tokenizer_name="en_stem")
    # Exact, case-insensitive filters: the whole value, lowercased, one term.
    builder.add_text_field("outlet", tokenizer_name="raw")
    builder.add_text_field("language", tokenizer_name="raw")
    builder.add_text_field("tags", tokenizer_name="raw")
    builder.add_integer_field("day", indexed=True, fast=True)
    return builder.build()


def build_tantivy(database: Path, target: Path) -> float:
    """A tantivy index of the clippings (one writer, 2 threads); seconds taken."""
    import tantivy

    shutil.rmtree(target, ignore_errors=True)
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    started = time.perf_counter()
    index = tantivy.Index(_tantivy_schema(), path=str(partial))
    writer = index.writer(heap_size=200_000_000, num_threads=2)
    for rows in _rows(database):
        for r in rows:
            document = tantivy.Document()
            document.add_unsigned("id", int(r[0]))  # type: ignore[arg-type]
            document.add_text("title", str(r[1]))
            document.add_text("text", str(r[2]))
            if r[4]:
                document.add_text("author", str(r[4]))
            if r[3]:
                document.add_text("outlet", str(r[3]).casefold())
            if r[6]:
                document.add_text("language", str(r[6]).casefold())
            for tag in _with_parents(str(r[7]).split("\x1f")) if r[7] else ():
                document.add_text("tags", tag.casefold())
            day = _day(r[5])
            if day is not None:
                document.add_integer("day", day)
            writer.add_document(document)
    writer.commit()
    writer.wait_merging_threads()
    partial.rename(target)
    return time.perf_counter() - started


class Tantivy:
    """Queries on the tantivy reference: first 20 (with snippets), all ids, count."""

    def __init__(self, path: Path) -> None:
        import tantivy

        self.tantivy = tantivy
        self.schema = _tantivy_schema()
        self.index = tantivy.Index.open(str(path))
        self.searcher = self.index.searcher()

    def close(self) -> None:
        pass

    def query(self, kind: QueryKind):  # type: ignore[no-untyped-def]
        t = self.tantivy
        must = []
        if kind.tantivy is not None:
            must.append(
                self.index.parse_query(kind.tantivy, ["title", "text"], conjunction_by_default=True)
            )
        if kind.tantivy_prefix is not None:
            must.append(
                t.Query.boolean_query(
                    [
                        (
                            t.Occur.Should,
                            t.Query.regex_query(self.schema, field, kind.tantivy_prefix),
                        )
                        for field in ("title", "text")
                    ]
                )
            )
        for field, value in kind.tantivy_terms:
            must.append(t.Query.term_query(self.schema, field, value.casefold()))
        if kind.tantivy_days is not None:
            low, high = kind.tantivy_days
            must.append(t.Query.range_query(self.schema, "day", t.FieldType.Integer, low, high))
        if len(must) == 1:
            return must[0]
        return t.Query.boolean_query([(t.Occur.Must, q) for q in must])

    def first(self, kind: QueryKind, *, snippets: bool) -> list[tuple[object, ...]]:
        query = self.query(kind)
        found = self.searcher.search(query, limit=20, count=False).hits
        if not snippets:
            return [(address,) for _score, address in found]
        generator = self.tantivy.SnippetGenerator.create(self.searcher, query, self.schema, "text")
        generator.set_max_num_chars(240)
        shown = []
        for _score, address in found:
            document = self.searcher.doc(address)
            shown.append((document["id"][0], generator.snippet_from_doc(document).to_html()))
        return shown

    def ids(self, kind: QueryKind, limit: int | None) -> list[int]:
        query = self.query(kind)
        found = self.searcher.search(query, limit=limit or 10_000_000, count=False).hits
        return [int(v) for v in self.searcher.fast_field_values("id", [a for _s, a in found])]

    def count(self, kind: QueryKind) -> int:
        return int(self.searcher.search(self.query(kind), limit=1, count=True).count)

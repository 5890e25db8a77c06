"""The full-text index, on tantivy: the same query language, terms and guarantees as
``WhooshIndex``, much faster.

- **Same terms.** Text is analysed by the project's own analysis (``fast_terms``
  yields exactly the tokens of ``analysis.text_analyzer``: per-script stemming,
  accent folding, bigrams of unspaced scripts) and handed to tantivy as terms
  separated by spaces, which a whitespace tokenizer numbers one position each, as
  Whoosh does. Tags, speakers and the language are raw terms, as Whoosh stores them.
- **Same query language.** A query is parsed by ``query.parse`` (Whoosh's parser
  with the project's plugins; it needs only a Whoosh ``Schema``) and the Whoosh query
  tree is translated node by node (``tantivy_query.Translator``). A term on any field maps to the
  raw term of that field, so a new keyword rewrite in ``query.py`` works here as it
  is.
- **Same guarantees.** Programs take turns through the same ``index.lock``; a rebuild
  goes into ``<folder>.new`` and is swapped in whole; a version file makes an
  outdated index rebuild; any unexpected failure while reading becomes
  ``IndexDamagedError``.

Counts are exact (tantivy counts in the same pass). A prefix that stands for more
than ``PREFIX_TERMS`` words is narrowed to its most frequent ones, and the ranking
says so in ``notes``.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import tantivy
from whoosh import query as wq

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
from clippings.search.fast_terms import index_text
from clippings.search.folder import Documents, IndexFolder
from clippings.search.query import day_number, outlet_index_tokens, parse, speaker_token, tag_token
from clippings.search.tantivy_query import KEYWORD_FIELDS, TEXT_FIELDS, Translator
from clippings.search.whoosh_index import SortOrder
from clippings.search.whoosh_index import make_schema as whoosh_schema

VERSION_FILE = "clippings-index-version"
#: The layout of this index (fields, tokenizers); part of the version mark together
#: with the analysis version, so either change rebuilds the index.
LAYOUT_VERSION = 2  # 2: outlet_name, the whole outlet for exact outlet: filters
TOKENIZER = "clippings_terms"


def _version_mark() -> str:
    return f"{ANALYSIS_VERSION}.{LAYOUT_VERSION}"


def make_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", indexed=True, fast=True, stored=True)
    builder.add_integer_field("revision", fast=True)
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name=TOKENIZER, index_option="position")
    for name in KEYWORD_FIELDS:
        builder.add_text_field(name, tokenizer_name="raw", index_option="freq")
    builder.add_integer_field("published", indexed=True, fast=True)
    # Minutes since the epoch (UTC), 0 without a date: the order of "by date".
    builder.add_integer_field("moment", fast=True)
    return builder.build()


@functools.lru_cache(maxsize=256)
def _parsed(text: str) -> Any:
    """The Whoosh query tree of ``text`` (parsing takes longer than tantivy's search,
    and the window asks the same query again for each snippet). The tree is only read.

    Raises:
        QueryError: the query cannot be understood.
    """
    return parse(text, _whoosh_schema())


@functools.cache
def _whoosh_schema() -> Any:
    """The Whoosh schema the query parser reads (field kinds and analysers only)."""
    return whoosh_schema()


_R = TypeVar("_R")


def _reading(method: Callable[..., _R]) -> Callable[..., _R]:
    """A read of the index whose unexpected failure means a damaged file.

    The project's own errors (a query error) pass; anything else tantivy raises while
    reading, a Rust panic included (pyo3 raises those as a BaseException), becomes
    IndexDamagedError, which the archive answers by rebuilding the index.
    """

    @functools.wraps(method)
    def read(*args: Any, **kwargs: Any) -> _R:
        try:
            return method(*args, **kwargs)
        except (ClippingsError, KeyboardInterrupt, SystemExit, GeneratorExit):
            raise
        except BaseException as error:
            raise IndexDamagedError(f"the search index is damaged ({error!r})") from error

    return read


def _open(folder: Path) -> tantivy.Index:
    ix = tantivy.Index.open(str(folder))
    ix.register_tokenizer(TOKENIZER, _analyzer())
    ix.config_reader(reload_policy="manual")
    return ix


@functools.cache
def _analyzer() -> tantivy.TextAnalyzer:
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()


class TantivyIndex(IndexFolder):
    """An archive's tantivy index folder.

    Args:
        folder: where the index lives.
        lock_path: the lock programs take turns through (by default ``<folder>.lock``;
            the archive passes the same ``index.lock`` whatever the engine, so that a
            program still on the other engine notices a switch).
    """

    engine = "tantivy"

    def __init__(self, folder: Path, *, lock_path: Path | None = None) -> None:
        super().__init__(folder, lock_path=lock_path)
        self._ix: tantivy.Index | None = None
        self._searcher: tantivy.Searcher | None = None
        self._seen: tuple[int, ...] | None = None
        self._schema = make_schema()
        #: query text -> the index terms its snippets mark (until the index changes)
        self._words_cache: dict[str, frozenset[str]] = {}

    # --- Opening and rebuilding -------------------------------------------------------

    def needs_rebuild(self) -> str | None:
        """Why the index must be rebuilt from the database, or None if it is usable."""
        try:
            if not self.folder.is_dir() or not tantivy.Index.exists(str(self.folder)):
                return "the search index is missing"
        except BaseException as error:
            if isinstance(error, KeyboardInterrupt | SystemExit):
                raise
            return f"the search index is damaged ({error})"
        try:
            found = (self.folder / VERSION_FILE).read_text().strip()
        except OSError:
            return "the search index has no version mark"
        if found != _version_mark():
            return f"the search index was built by another version (v{found})"
        try:
            searcher = self.searcher()
            searcher.search(tantivy.Query.all_query(), 1, count=True)
            searcher.search(tantivy.Query.term_query(self._schema, "text", "the"), 1)
        except BaseException as error:
            if isinstance(error, KeyboardInterrupt | SystemExit):
                raise
            self.close()
            return f"the search index is damaged ({error})"
        return None

    def build_into(
        self,
        fresh: Path,
        batches: Iterable[Sequence[IndexDocument]],
        total: int,
        report: Callable[[Progress], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> bool:
        """Build a complete index in the new folder ``fresh`` (False when cancelled,
        and then nothing is left of it)."""
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        writer: Any = None
        try:
            ix = tantivy.Index(self._schema, path=str(fresh), reuse=False)
            ix.register_tokenizer(TOKENIZER, _analyzer())
            writer = ix.writer(heap_size=200_000_000, num_threads=2)
            done = 0
            for batch in batches:
                if cancel and cancel():
                    writer.rollback()
                    writer = None
                    shutil.rmtree(fresh, ignore_errors=True)
                    return False
                for document in batch:
                    writer.add_document(_document(document))
                done += len(batch)
                if report:
                    report(Progress(done, total, "Building the search index"))
            writer.commit()
            writer.wait_merging_threads()
            writer = None
            (fresh / VERSION_FILE).write_text(f"{_version_mark()}\n")
        except BaseException as error:
            if writer is not None:
                with suppress(BaseException):
                    writer.rollback()
            writer = None
            shutil.rmtree(fresh, ignore_errors=True)
            _raise_write_failed(error)
            raise
        return True

    def rebuild(
        self,
        documents: Documents,
        total: int,
        *,
        mark: int = 0,
        report: Callable[[Progress], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> int | None:
        """Build a fresh index beside the old one, then swap it in (the caller holds
        ``locked()``). A build takes seconds even at 100,000 clippings, so an
        interrupted one starts over. Returns ``mark``, or None when cancelled (the old
        index is unchanged)."""
        fresh = self.folder.with_name(self.folder.name + ".new")
        if not self.build_into(fresh, documents(0), total, report, cancel):
            return None
        self.swap_in(fresh)
        return mark

    def swap_in(self, fresh: Path) -> None:
        """Put the complete index in ``fresh`` in the place of this one."""
        self.close()
        old = self.folder.with_name(self.folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.folder.exists():
            self.folder.rename(old)
        fresh.rename(self.folder)
        shutil.rmtree(old, ignore_errors=True)

    def tidy(self) -> bool:
        """Nothing to do: tantivy merges its segments in the background itself."""
        return False

    def close(self) -> None:
        with self._lock:
            self._searcher = None
            self._ix = None
            self._seen = None

    # --- Writing ----------------------------------------------------------------------

    def apply(self, upserts: Sequence[IndexDocument], deletions: Sequence[int]) -> None:
        """Bring some documents up to date in one commit (the caller holds ``locked()``)."""
        if not upserts and not deletions:
            return
        with self._lock:
            ix = self._index()
            try:
                writer = ix.writer(heap_size=50_000_000, num_threads=1)
            except ValueError as error:  # tantivy's own writer lock: another writer
                raise IndexBusyError(
                    "the search index is busy in another program; try again in a moment"
                ) from error
            try:
                for clipping_id in [*deletions, *(d.id for d in upserts)]:
                    writer.delete_documents_by_term("id", clipping_id)
                for document in upserts:
                    writer.add_document(_document(document))
                writer.commit()
                # Merges finish here, while this program holds the index: the writer
                # (and tantivy's own lock) must be gone before another program writes.
                writer.wait_merging_threads()
            except BaseException as error:
                with suppress(BaseException):
                    writer.rollback()
                _raise_write_failed(error)
                raise
            finally:
                del writer
            self._seen = None  # the next read reloads

    # --- Reading ----------------------------------------------------------------------

    def _index(self) -> tantivy.Index:
        with self._lock:
            if self._ix is None:
                self._ix = _open(self.folder)
                self._seen = None
            return self._ix

    def _mark(self) -> tuple[int, ...]:
        # tantivy replaces meta.json at every commit, and a rebuild replaces the folder.
        folder = self.folder.stat()
        meta = (self.folder / "meta.json").stat()
        return (folder.st_ino, meta.st_ino, meta.st_mtime_ns, meta.st_size)

    def searcher(self) -> tantivy.Searcher:
        """A searcher that sees every commit so far, by this or another program (or,
        while this program writes, what was committed before: reads never wait)."""
        cached = self._searcher
        if not self.lock_to_read(cached) and cached is not None:
            return cached  # this program is writing: what was committed before
        try:
            mark = self._mark()
            if self._ix is not None and self._seen is not None and self._seen[0] != mark[0]:
                self._ix = None  # another program swapped in a rebuilt index
            ix = self._index()
            if self._searcher is None or self._seen != mark:
                ix.reload()
                self._searcher = ix.searcher()
                self._seen = mark
                self._words_cache = {}
            return self._searcher
        finally:
            self._lock.release()

    @_reading
    def search(
        self, text: str, *, limit: int | None = 50, sort: SortOrder = "relevance"
    ) -> Ranking:
        """The ids and scores of the best matches, and how many match in all.

        Raises:
            QueryError: the query cannot be understood.
        """
        parsed = _parsed(text)
        searcher = self.searcher()
        translator = Translator(self._schema, searcher)
        query = translator.translate(parsed)
        wanted = searcher.num_docs if limit is None else limit
        # tantivy refuses a limit of 0; one more costs nothing.
        if sort == "date":
            result = searcher.search(
                query,
                max(wanted, 1),
                count=True,
                order_by_field="moment",
                order=tantivy.Order.Desc,
            )
        else:
            result = searcher.search(query, max(wanted, 1), count=True)
        found = result.hits[: max(wanted, 0)]
        ids = searcher.fast_field_values("id", [address for _score, address in found])
        if sort == "date":
            hits = tuple((int(i or 0), 0.0) for i in ids)
        else:
            hits = tuple((int(i or 0), float(s)) for i, (s, _a) in zip(ids, found, strict=True))
        count = getattr(result, "count", None)  # present when counted
        return Ranking(hits, int(count if count is not None else len(hits)), True, translator.notes)

    def _words(self, text: str) -> frozenset[str]:
        searcher = self.searcher()  # first: a new searcher forgets the words
        found = self._words_cache.get(text)
        if found is not None:
            return found
        parsed = _parsed(text)
        words = highlighting.query_words(parsed)
        translator = Translator(self._schema, searcher)
        for leaf in parsed.leaves():
            if isinstance(leaf, wq.PatternQuery) and leaf.fieldname in TEXT_FIELDS:
                # As Whoosh marks them: the words the prefix was searched for.
                words.update(translator.expand(leaf))
        if self._lock.acquire(blocking=False):  # else a writer holds it: not kept
            try:
                if len(self._words_cache) > 256:
                    self._words_cache.clear()
                self._words_cache[text] = frozenset(words)
            finally:
                self._lock.release()
        return frozenset(words)

    @_reading
    def snippet(self, text: str, article: str, *, length: int = 240) -> str:
        """A passage of ``article`` around the words ``text`` matches, with ``<mark>``.

        Falls back to the article's opening words when no word of the query is in
        the text (a match on the title or outlet only).
        """
        return highlighting.snippet(self._words(text), article, length=length)

    @_reading
    def highlight_all(self, text: str, article: str) -> str:
        """The whole article, HTML-escaped, with the words ``text`` matches in ``<mark>``."""
        from html import escape

        try:
            words = self._words(text)
        except ClippingsError:  # no highlighting rather than no article
            return escape(article)
        return highlighting.highlight_all(words, article)

    @_reading
    def revisions(self) -> dict[int, int]:
        """Every indexed clipping with the revision it was indexed at."""
        searcher = self.searcher()
        if not searcher.num_docs:
            return {}
        found = searcher.search(tantivy.Query.all_query(), searcher.num_docs, count=False)
        addresses = [address for _score, address in found.hits]
        ids = searcher.fast_field_values("id", addresses)
        revisions = searcher.fast_field_values("revision", addresses)
        return {int(i or 0): int(r or 0) for i, r in zip(ids, revisions, strict=True)}

    def doc_count(self) -> int:
        return int(self.searcher().num_docs)


def _raise_write_failed(error: BaseException) -> None:
    """tantivy reports a failed write (a full disk, a folder that cannot be written)
    as a ValueError: say it in the project's words, like Whoosh's OSError."""
    if isinstance(error, ValueError):
        raise StorageError(
            f"the search index could not be updated ({error}); your changes are saved "
            "and reach search once it can be written again"
        ) from error


def _keywords(tokens: Iterable[str]) -> list[str]:
    # Whoosh's KEYWORD field splits its value on whitespace: the same terms here.
    return " ".join(tokens).split()


def _document(document: IndexDocument) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_integer("id", document.id)
    doc.add_integer("revision", document.revision)
    doc.add_text("title", index_text(document.title))
    doc.add_text("text", index_text(document.text))
    doc.add_text("outlet", index_text(document.outlet or ""))
    doc.add_text("author", index_text(document.author or ""))
    for tag in _keywords(tag_token(name) for name in document.tags):
        doc.add_text("tags", tag)
    for speaker in _keywords(sorted({speaker_token(name) for name in document.speakers})):
        doc.add_text("speakers", speaker)
    for token in outlet_index_tokens(document.outlet, document.outlet_names):
        doc.add_text("outlet_name", token)
    language = (document.language or "").lower()
    if language:
        doc.add_text("language", language)
    moment_value = 0
    if document.published is not None:
        doc.add_integer("published", day_number(document.published))
        moment = published_utc(document.published)
        if moment is not None:
            moment_value = int((moment - datetime(1970, 1, 1)).total_seconds() // 60)
    doc.add_integer("moment", moment_value)
    return doc

"""The full-text index, on Whoosh.

The index is derived data: it holds terms, not a second copy of the article text
(snippets are made from the database's text for the rows shown), and it can always
be rebuilt from the database. It records the analysis version it was built with; a
missing, damaged or outdated index reports ``needs_rebuild`` and is rebuilt into a
new folder that is swapped in whole.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from threading import RLock
from typing import Any, Literal, TypeVar

from whoosh import index as windex
from whoosh import query as wq
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.highlight import ContextFragmenter, HtmlFormatter, highlight
from whoosh.index import LockError
from whoosh.searching import Searcher

from clippings import durable as locks
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
from clippings.search.analysis import ANALYSIS_VERSION, text_analyzer
from clippings.search.query import DayField, day_number, parse, speaker_token, tag_token

SortOrder = Literal["relevance", "date"]
VERSION_FILE = "clippings-index-version"
WRITE_TIMEOUT = 60.0
#: How long opening an archive waits for another program's rebuild of the index.
REBUILD_WAIT = 3600.0


def make_schema() -> Schema:
    analyzer = text_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        revision=STORED(),
        title=TEXT(analyzer=analyzer, phrase=True, multitoken_query="phrase"),
        text=TEXT(analyzer=analyzer, phrase=True, multitoken_query="phrase"),
        outlet=TEXT(analyzer=analyzer, phrase=True, multitoken_query="phrase"),
        author=TEXT(analyzer=analyzer, phrase=True, multitoken_query="phrase"),
        tags=KEYWORD(lowercase=False, scorable=False),
        speakers=KEYWORD(lowercase=False, scorable=False),
        language=ID(),
        published=DayField(),
        # Minutes since the epoch (UTC), 0 without a date: the order of "by date".
        moment=NUMERIC(numtype=int, bits=64, sortable=True, default=0),
    )


_R = TypeVar("_R")


def _reading(method: Callable[..., _R]) -> Callable[..., _R]:
    """A read of the index whose unexpected failure means a damaged file.

    The project's own errors (a query error) pass; anything else Whoosh raises while
    reading (a truncated segment, a garbled posting list) becomes IndexDamagedError,
    which the archive answers by rebuilding the index from the database.
    """

    @functools.wraps(method)
    def read(*args: Any, **kwargs: Any) -> _R:
        try:
            return method(*args, **kwargs)
        except ClippingsError:
            raise
        except Exception as error:
            raise IndexDamagedError(f"the search index is damaged ({error!r})") from error

    return read


class _MarkFormatter(HtmlFormatter):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__(tagname="mark", between=" … ", classname="", termclass="")

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        from whoosh.compat import htmlescape

        return f"<mark>{htmlescape(self._text(text[token.startchar : token.endchar]))}</mark>"


class WhooshIndex:
    """The ``index/`` folder of an archive.

    Programs sharing the archive take turns through ``index.lock`` beside the folder
    (``locked``): every write, and a whole rebuild, happens while holding it, so a
    rebuild never swaps out changes another program has just committed, and two
    rebuilds never collide.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.lock_path = folder.with_name(folder.name + ".lock")
        self._ix: Any = None
        self._searcher: Searcher | None = None
        self._lock = RLock()

    # --- Opening and rebuilding -------------------------------------------------------

    def needs_rebuild(self) -> str | None:
        """Why the index must be rebuilt from the database, or None if it is usable."""
        try:
            if not self.folder.is_dir() or not windex.exists_in(str(self.folder)):
                return "the search index is missing"
        except Exception as error:  # noqa: BLE001 - a table of contents Whoosh cannot read
            return f"the search index is damaged ({error})"
        try:
            found = int((self.folder / VERSION_FILE).read_text().strip())
        except (OSError, ValueError):
            return "the search index has no version mark"
        if found != ANALYSIS_VERSION:
            return f"the search index was built by another version (v{found})"
        try:
            self._open()
            with self._open().searcher() as probe:
                probe.doc_count()
                for fieldname in ("id", "text"):
                    probe.lexicon(fieldname)
        except Exception as error:  # noqa: BLE001 - any failure here means "damaged"
            self.close()
            return f"the search index is damaged ({error})"
        return None

    @contextmanager
    def locked(self, timeout: float = WRITE_TIMEOUT) -> Iterator[None]:
        """Hold the index for writing against every other program (and thread).

        Raises:
            IndexBusyError: another program kept it for ``timeout`` seconds.
        """
        with self._lock:
            try:
                lock = locks.held(self.lock_path, timeout=timeout)
                lock.__enter__()
            except locks.LockTimeout:
                raise IndexBusyError(
                    "the search index is busy in another program (it may be rebuilding "
                    "it); your changes are saved and reach search when it is done"
                ) from None
            except OSError as error:
                raise StorageError(
                    f"cannot lock the search index ({error.strerror or error})"
                ) from error
            try:
                yield
            finally:
                lock.__exit__(None, None, None)

    def clean_debris(self) -> None:
        """Remove what a killed rebuild left (``index.new``, ``index.old``), unless
        another program is rebuilding right now."""
        debris = [self.folder.with_name(self.folder.name + s) for s in (".new", ".old")]
        if not any(d.exists() for d in debris):
            return
        try:
            with self.locked(timeout=0):
                for path in debris:
                    shutil.rmtree(path, ignore_errors=True)
        except IndexBusyError:
            pass

    def _open(self) -> Any:
        with self._lock:
            if self._ix is None:
                self._ix = windex.open_dir(str(self.folder))
            return self._ix

    def rebuild(
        self,
        batches: Iterable[Sequence[IndexDocument]],
        total: int,
        report: Callable[[Progress], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> bool:
        """Build a fresh index from ``batches`` beside the old one, then swap it in.

        The caller holds ``locked()``. Returns False (and leaves the old index as it
        was) when cancelled.
        """
        fresh = self.folder.with_name(self.folder.name + ".new")
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        try:
            ix = windex.create_in(str(fresh), make_schema())
            writer = ix.writer(limitmb=128)
        except BaseException:
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        done = 0
        try:
            for batch in batches:
                if cancel and cancel():
                    writer.cancel()
                    shutil.rmtree(fresh, ignore_errors=True)
                    return False
                for document in batch:
                    writer.add_document(**_fields(document))
                done += len(batch)
                if report:
                    report(Progress(done, total, "Building the search index"))
            writer.commit()
            (fresh / VERSION_FILE).write_text(f"{ANALYSIS_VERSION}\n")
        except BaseException:
            with suppress(Exception):
                writer.cancel()
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        self.close()
        old = self.folder.with_name(self.folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.folder.exists():
            self.folder.rename(old)
        fresh.rename(self.folder)
        shutil.rmtree(old, ignore_errors=True)
        return True

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
            if self._ix is not None:
                self._ix.close()
                self._ix = None

    # --- Writing ----------------------------------------------------------------------

    def apply(self, upserts: Sequence[IndexDocument], deletions: Sequence[int]) -> None:
        """Bring some documents up to date in one commit (the caller holds ``locked()``)."""
        if not upserts and not deletions:
            return
        ix = self._open()
        try:
            writer = ix.writer(timeout=WRITE_TIMEOUT, limitmb=64)
        except LockError as error:
            raise IndexBusyError(
                "the search index is busy in another program; try again in a moment"
            ) from error
        try:
            for clipping_id in deletions:
                writer.delete_by_term("id", str(clipping_id))
            for document in upserts:
                writer.update_document(**_fields(document))
            writer.commit()
        except BaseException:
            with suppress(Exception):
                writer.cancel()
            raise
        self._refresh()

    def _refresh(self) -> None:
        # Not Searcher.refresh(): it reuses segment readers whose deletion lists are
        # out of date, so updated clippings would show twice. The old searcher is not
        # closed here: another thread may be reading with it; it closes when dropped.
        with self._lock:
            self._searcher = None

    def searcher(self) -> Searcher:
        with self._lock:
            if self._searcher is not None and not self._searcher.up_to_date():
                self._refresh()
            if self._searcher is None:
                self._searcher = self._open().searcher()
            return self._searcher

    # --- Reading ----------------------------------------------------------------------

    @_reading
    def search(
        self, text: str, *, limit: int | None = 50, sort: SortOrder = "relevance"
    ) -> Ranking:
        """The ids and scores of the best matches, and how many match in all.

        Raises:
            QueryError: the query cannot be understood.
        """
        searcher = self.searcher()
        parsed = parse(text, searcher.schema)
        if sort == "date":
            results = searcher.search(parsed, limit=limit, sortedby="moment", reverse=True)
        else:
            results = searcher.search(parsed, limit=limit)
        hits = tuple((int(hit["id"]), float(hit.score or 0.0)) for hit in results)
        return Ranking(hits, len(results))

    @_reading
    def snippet(self, text: str, article: str, *, length: int = 240) -> str:
        """A passage of ``article`` around the words ``text`` matches, with ``<mark>``.

        Falls back to the article's opening words when no word of the query is in
        the text (a match on the title or outlet only).
        """
        searcher = self.searcher()
        parsed = parse(text, searcher.schema)
        words = _highlight_words(parsed, searcher.reader())
        if words:
            fragment = highlight(
                article,
                frozenset(words),
                text_analyzer(),
                # Little before the first match, so a list row's first lines show it.
                ContextFragmenter(maxchars=length, surround=30),
                _MarkFormatter(),
                top=1,
            )
            if fragment:
                return str(fragment)
        from html import escape

        opening = article[:length]
        if len(article) > length:
            opening = opening.rsplit(" ", 1)[0] + " …"
        return escape(opening)

    @_reading
    def highlight_all(self, text: str, article: str) -> str:
        """The whole article, HTML-escaped, with the words ``text`` matches in ``<mark>``."""
        from html import escape

        from whoosh.highlight import WholeFragmenter

        searcher = self.searcher()
        try:
            parsed = parse(text, searcher.schema)
        except Exception:  # noqa: BLE001 - no highlighting rather than no article
            return escape(article)
        words = _highlight_words(parsed, searcher.reader())
        if not words or not article:
            return escape(article)
        marked = highlight(
            article,
            frozenset(words),
            text_analyzer(),
            WholeFragmenter(),
            _MarkFormatter(),
            top=1,
        )
        return str(marked) if marked else escape(article)

    @_reading
    def revisions(self) -> dict[int, int]:
        """Every indexed clipping with the revision it was indexed at."""
        searcher = self.searcher()
        return {
            int(fields["id"]): int(fields.get("revision") or 0)
            for fields in searcher.all_stored_fields()
        }

    def doc_count(self) -> int:
        return int(self.searcher().doc_count())


_TEXT_FIELDS = ("text", "title", "outlet", "author")


def _highlight_words(parsed: Any, reader: Any) -> set[str]:
    """The index terms a query looks for in the text fields, prefixes expanded."""
    words = {
        str(term)
        for fieldname, term in parsed.iter_all_terms(phrases=True)
        if fieldname in _TEXT_FIELDS and not isinstance(term, bytes)
    }
    for leaf in parsed.leaves():
        if isinstance(leaf, wq.PatternQuery) and leaf.fieldname in _TEXT_FIELDS:
            for index, term in enumerate(leaf._btexts(reader)):
                if index >= 200:
                    break
                words.add(term.decode("utf-8") if isinstance(term, bytes) else str(term))
    return words


def _fields(document: IndexDocument) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "id": str(document.id),
        "revision": document.revision,
        "title": document.title,
        "text": document.text,
        "outlet": document.outlet or "",
        "author": document.author or "",
        "tags": " ".join(tag_token(name) for name in document.tags),
        "speakers": " ".join(sorted({speaker_token(name) for name in document.speakers})),
        "language": (document.language or "").lower(),
    }
    if document.published is not None:
        fields["published"] = day_number(document.published)
        moment = published_utc(document.published)
        if moment is not None:
            fields["moment"] = int((moment - datetime(1970, 1, 1)).total_seconds() // 60)
    return fields

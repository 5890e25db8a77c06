"""The full-text index, on Whoosh.

The index is derived data: it holds terms, not a second copy of the article text
(snippets are made from the database's text for the rows shown), and it can always
be rebuilt from the database. It records the analysis version it was built with; a
missing, damaged or outdated index reports ``needs_rebuild`` and is rebuilt into a
new folder that is swapped in whole.
"""

from __future__ import annotations

import functools
import logging
import shutil
from collections.abc import Callable, Sequence
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

from whoosh import index as windex
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.highlight import ContextFragmenter, HtmlFormatter, highlight
from whoosh.index import LockError
from whoosh.searching import Searcher

from clippings.model import (
    ClippingsError,
    IndexBusyError,
    IndexDamagedError,
    IndexDocument,
    Progress,
    Ranking,
    published_utc,
)
from clippings.search import (
    whoosh_build,
    whoosh_fixes,  # noqa: F401 - corrects Whoosh on import
)
from clippings.search.analysis import ANALYSIS_VERSION, text_analyzer
from clippings.search.folder import WRITE_TIMEOUT, Documents, IndexFolder
from clippings.search.query import (
    DayField,
    day_number,
    outlet_index_tokens,
    parse,
    speaker_token,
    tag_token,
)
from clippings.search.whoosh_hits import ClippingIds, ranked
from clippings.search.whoosh_queries import (
    Prepared,
    cap_patterns,
    collected,
    first_in_bulk,
)

log = logging.getLogger(__name__)

SortOrder = Literal["relevance", "date"]
VERSION_FILE = "clippings-index-version"
#: How long opening an archive waits for another program's rebuild of the index.
REBUILD_WAIT = 3600.0
#: A search asking for at least this many matches (the window's whole hit list, or
#: all with no limit) scores every match in bulk (``whoosh_hits``): its count is exact.
WHOLE_LIST_FROM = 1_000
#: Segments below this many entries are the small ones that commits leave (see ``tidy``).
SMALL_SEGMENT = 2_000
#: ``tidy`` merges this many segments of a tier into one of the next.
MERGE_FACTOR = 8
#: More segments than this and a commit merges its smallest few (``tidy`` keeps it lower).
MAX_SEGMENTS = 16


def make_schema() -> Schema:
    analyzer = text_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        revision=STORED(),
        title=TEXT(analyzer=analyzer, phrase=True, multitoken_query="phrase"),
        text=TEXT(analyzer=analyzer, phrase=True, multitoken_query="phrase"),
        outlet=TEXT(analyzer=analyzer, phrase=True, multitoken_query="phrase"),
        # The whole outlet name as one token (query.outlet_token): what outlet: finds.
        outlet_name=KEYWORD(lowercase=False, scorable=False),
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


class WhooshIndex(IndexFolder):
    """The ``index/`` folder of an archive.

    Programs sharing the archive take turns through ``index.lock`` beside the folder
    (``locked``): every write, and a whole rebuild, happens while holding it, so a
    rebuild never swaps out changes another program has just committed, and two
    rebuilds never collide.
    """

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self._ix: Any = None
        self._searcher: Searcher | None = None
        self._parsed: dict[str, Prepared] = {}
        self._clipping_ids = ClippingIds()

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

    def _open(self) -> Any:
        with self._lock:
            if self._ix is None:
                self._ix = windex.open_dir(str(self.folder))
            return self._ix

    def rebuild(
        self,
        documents: Documents,
        total: int,
        *,
        mark: int = 0,
        report: Callable[[Progress], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> int | None:
        """Build a fresh index beside the old one, then swap it in; an interrupted
        build is resumed (``whoosh_build``). The caller holds ``locked()``.

        Returns the mark of the build that completed (``mark``, or an earlier call's
        that this one resumed: the changes after it are the caller's to apply), or
        None when cancelled (the old index is unchanged; what was built is kept for
        the next call).
        """
        fresh = self.folder.with_name(self.folder.name + ".new")
        built = whoosh_build.build(
            fresh,
            documents,
            total,
            schema=make_schema(),
            fields=_fields,
            mark=mark,
            report=report,
            cancel=cancel,
        )
        if built is None:
            return None
        (fresh / VERSION_FILE).write_text(f"{ANALYSIS_VERSION}\n")
        self.close()
        old = self.folder.with_name(self.folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.folder.exists():
            self.folder.rename(old)
        fresh.rename(self.folder)
        shutil.rmtree(old, ignore_errors=True)
        return built

    def _resumable(self, debris: Path) -> bool:
        return debris.name.endswith(".new") and whoosh_build.resumable(debris)

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
            if self._ix is not None:
                self._ix.close()
                self._ix = None
            self._clipping_ids = ClippingIds()

    # --- Writing ----------------------------------------------------------------------

    def apply(self, upserts: Sequence[IndexDocument], deletions: Sequence[int]) -> None:
        """Bring some documents up to date in one commit (the caller holds ``locked()``).

        The commit merges no segments (see ``_merge_on_commit``), so an import's batches
        never wait for a merge; ``tidy`` merges them when the archive is idle.
        """
        if not upserts and not deletions:
            return
        writer = self._writer(limitmb=64)
        try:
            for clipping_id in deletions:
                writer.delete_by_term("id", str(clipping_id))
            for document in upserts:
                writer.update_document(**_fields(document))
            writer.commit(mergetype=_merge_on_commit)
        except BaseException:
            with suppress(Exception):
                writer.cancel()
            raise
        self._refresh()

    def tidy(self) -> bool:
        """Merge the segments that commits left, off any import's critical path.

        Call it (holding ``locked()``) after an import or a sync of many changes, and
        when the archive has been idle for a while, until it returns False: each call
        merges one tier of segments (see ``_tidy_groups``). A merge costs about what
        indexing those clippings cost (Whoosh rewrites every posting): the small
        segments of an import of 5,000 clippings take about half a minute; a merge of a
        higher tier, once per tens of thousands of clippings added, a few minutes.
        Returns whether anything was merged.
        """
        ix = self._open()
        if _tidy_groups(ix._segments()) is None:
            return False
        writer = self._writer(limitmb=128)
        try:
            writer.commit(mergetype=_merge_tidy)
        except BaseException:
            with suppress(Exception):
                writer.cancel()
            raise
        self._refresh()
        return True

    def segment_count(self) -> int:
        """How many segments the index has (each search reads them all)."""
        return len(self._open()._segments())

    def _writer(self, *, limitmb: int) -> Any:
        try:
            # Segments as separate files, not one compound file: opening a compound
            # segment copies each of its parts into memory (whoosh.filedb.compound).
            return self._open().writer(timeout=WRITE_TIMEOUT, limitmb=limitmb, compound=False)
        except LockError as error:
            raise IndexBusyError(
                "the search index is busy in another program; try again in a moment"
            ) from error

    def _refresh(self) -> None:
        # Not Searcher.refresh(): it reuses segment readers whose deletion lists are
        # out of date, so updated clippings would show twice. The old searcher is not
        # closed here: another thread may be reading with it; it closes when dropped.
        with self._lock:
            self._searcher = None
            self._parsed.clear()

    def searcher(self) -> Searcher:
        cached = self._searcher
        if not self.lock_to_read(cached) and cached is not None:
            return cached  # this program is writing: what was committed before
        try:
            if self._searcher is not None and not self._searcher.up_to_date():
                self._refresh()
            if self._searcher is None:
                self._searcher = self._open().searcher()
            return self._searcher
        finally:
            self._lock.release()

    # --- Reading ----------------------------------------------------------------------

    def _prepared(self, text: str) -> tuple[Searcher, Prepared]:
        """The searcher and the query ``text`` means on it (parsed, prefixes capped),
        kept for the searches and snippets of the same query."""
        searcher = self.searcher()
        prepared = self._parsed.get(text)
        if prepared is None or prepared.searcher is not searcher:
            parsed = parse(text, searcher.schema)
            query, notes, words = cap_patterns(parsed, searcher.reader())
            prepared = Prepared(
                searcher, query, notes, frozenset(words), first_in_bulk(query, searcher.reader())
            )
            if self._lock.acquire(blocking=False):  # else a writer holds it: not kept
                try:
                    if len(self._parsed) >= 64:
                        self._parsed.clear()
                    self._parsed[text] = prepared
                finally:
                    self._lock.release()
        return searcher, prepared

    @_reading
    def search(
        self, text: str, *, limit: int | None = 50, sort: SortOrder = "relevance"
    ) -> Ranking:
        """The ids and scores of the best matches, and how many match in all.

        The count comes from the same pass that finds the best matches, never from a
        second one: exact when the search visits every match (a sort by date, the whole
        hit list of at least ``WHOLE_LIST_FROM`` or no limit, scored in bulk by
        ``whoosh_hits``, or a query the index estimates at no more than
        ``EXACT_COUNT_LIMIT`` matches); otherwise the block skipping that makes the top
        matches fast leaves some matches unvisited, and the count is a lower bound
        (``exact=False``). Both ways give the same best matches in the same order.

        Raises:
            QueryError: the query cannot be understood.
        """
        searcher, prepared = self._prepared(text)
        query = prepared.query
        if sort == "date":
            results = searcher.search(query, limit=limit, sortedby="moment", reverse=True)
            total, exact = len(results.docset), True
            top = results.top_n
        else:
            found = None
            if limit is None or limit >= WHOLE_LIST_FROM or prepared.first_in_bulk:
                # The window's whole hit list (or an intersection's first page): every
                # match scored a block at a time.
                found = self._in_bulk(searcher, query, limit)
            if found is not None:
                top, total = found
                exact = True
            elif limit is None:
                results = searcher.search(query, limit=None)
                top, total, exact = results.top_n, results.scored_length(), True
            else:
                top, total, exact = collected(searcher, query, limit)
        top = top[: len(top) if limit is None else limit]
        ids = self._clipping_ids.of(searcher, [docnum for _score, docnum in top])
        hits = tuple(
            (clipping_id, float(score or 0.0))
            for clipping_id, (score, _docnum) in zip(ids, top, strict=True)
        )
        return Ranking(hits, max(total, len(hits)), exact, prepared.notes)

    def _in_bulk(
        self, searcher: Searcher, query: Any, limit: int | None
    ) -> tuple[list[tuple[float, int]], int] | None:
        """``whoosh_hits.ranked``, or None if it fails: Whoosh's own search then decides
        (a failure of Whoosh's own reading is what means a damaged index)."""
        try:
            return ranked(searcher, query, limit)
        except Exception:  # a flaw of ours, not damage: Whoosh's own way follows
            log.warning("scoring in bulk failed; Whoosh's own search instead", exc_info=True)
            return None

    @_reading
    def snippet(self, text: str, article: str, *, length: int = 240) -> str:
        """A passage of ``article`` around the words ``text`` matches, with ``<mark>``.

        Falls back to the article's opening words when no word of the query is in
        the text (a match on the title or outlet only).
        """
        _searcher, prepared = self._prepared(text)
        words = prepared.words
        if words:
            fragment = highlight(
                article,
                words,
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

        try:
            _searcher, prepared = self._prepared(text)
        except ClippingsError:  # no highlighting rather than no article
            return escape(article)
        words = prepared.words
        if not words or not article:
            return escape(article)
        marked = highlight(
            article,
            words,
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


# --- Merge policies: a commit merges only a few small segments; tidy() merges the rest.


def _merge(writer: Any, segments: Sequence[Any]) -> None:
    from whoosh.reading import SegmentReader

    for segment in segments:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()


def _merge_on_commit(writer: Any, segments: list[Any]) -> list[Any]:
    """A commit merges nothing (a merge rewrites every posting of the merged segments,
    about as slow as indexing them again); only when ``tidy`` has not been called for
    very long does it merge its few smallest segments, a bounded pause of seconds."""
    if len(segments) <= MAX_SEGMENTS:
        return segments
    smallest = sorted(segments, key=lambda s: s.doc_count_all())[:4]
    _merge(writer, smallest)
    return [s for s in segments if s not in smallest]


def _level(segment: Any) -> int:
    """A segment's tier: 0 below ``SMALL_SEGMENT`` entries, then one per factor of
    ``MERGE_FACTOR``."""
    count, level, bound = segment.doc_count_all(), 0, SMALL_SEGMENT
    while count >= bound:
        level += 1
        bound *= MERGE_FACTOR
    return level


def _tidy_groups(segments: Sequence[Any]) -> list[Any] | None:
    """The segments one ``tidy`` merges, or None when it has nothing to do.

    Tiers, as in a log-structured merge: the small segments of commits merge as soon
    as there are two; the segments of each higher tier once there are
    ``MERGE_FACTOR`` of them, into one of the next tier. Each clipping is so merged
    about once per tier (three at 100,000) and the index keeps fewer than
    ``MERGE_FACTOR`` segments per tier. A segment with more than a quarter of its
    entries deleted is rewritten with its tier, to drop them.
    """
    tiers: dict[int, list[Any]] = {}
    for segment in segments:
        tiers.setdefault(_level(segment), []).append(segment)
    for level in sorted(tiers):
        group = tiers[level]
        wasteful = any(s.deleted_count() * 4 > s.doc_count_all() for s in group)
        if len(group) >= (2 if level == 0 else MERGE_FACTOR) or wasteful:
            return group
    return None


def _merge_tidy(writer: Any, segments: list[Any]) -> list[Any]:
    chosen = _tidy_groups(segments) or []
    _merge(writer, chosen)
    return [s for s in segments if s not in chosen]


def _fields(document: IndexDocument) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "id": str(document.id),
        "revision": document.revision,
        "title": document.title,
        "text": document.text,
        "outlet": document.outlet or "",
        "outlet_name": " ".join(outlet_index_tokens(document.outlet, document.outlet_names)),
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

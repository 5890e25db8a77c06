"""Reading an open archive: the list, its pages, search and the reading view.

A part of ``Archive`` (``clippings.services.archive``): everything here only reads,
so it works on an archive opened read-only too. Searches go through
``_from_index``, which rebuilds an index found damaged and reads again.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from html import escape
from typing import TYPE_CHECKING, TypeVar

from clippings.model import (
    Clipping,
    ClippingSummary,
    ListPage,
    ListPosition,
    Outlet,
    QueryError,
    Ranking,
    SearchFilters,
    SearchHit,
    SearchResults,
)
from clippings.search import SearchIndex, SortOrder, combine
from clippings.storage import ClippingStore, SortKey

_T = TypeVar("_T")


class ArchiveReading:
    """Reading and searching the clippings (a part of ``Archive``)."""

    if TYPE_CHECKING:
        store: ClippingStore
        index: SearchIndex

        def _from_index(self, read: Callable[[], _T]) -> _T: ...

    def get(self, clipping_id: int) -> Clipping:
        return self.store.get(clipping_id)

    def count(self, *, tag: str | None = None, trashed: bool = False) -> int:
        return self.store.count(tag=tag, trashed=trashed)

    def list(
        self,
        *,
        tag: str | None = None,
        trashed: bool = False,
        sort: SortKey = "published",
        descending: bool = True,
        offset: int = 0,
        limit: int | None = None,
    ) -> builtins.list[ClippingSummary]:
        """A page of clippings (no article texts), newest first by default."""
        return self.store.summaries(
            tag=tag,
            trashed=trashed,
            sort=sort,
            descending=descending,
            offset=offset,
            limit=limit,
        )

    def page(
        self,
        *,
        tag: str | None = None,
        trashed: bool = False,
        sort: SortKey = "published",
        descending: bool = True,
        after: ListPosition | None = None,
        skip: int = 0,
        limit: int | None = 200,
    ) -> ListPage:
        """A page of clippings after ``after`` (the previous page's ``next``; from the
        top when None), having passed over ``skip`` rows: keyset paging, as fast at the
        end of the list as at its top (see ``ClippingStore.page``)."""
        return self.store.page(
            tag=tag,
            trashed=trashed,
            sort=sort,
            descending=descending,
            after=after,
            skip=skip,
            limit=limit,
        )

    def search(
        self,
        query: str,
        *,
        limit: int | None = 50,
        sort: SortOrder = "relevance",
        snippets: bool = True,
    ) -> SearchResults:
        """Clippings matching ``query``, best first (or newest first), with snippets.

        Snippets are made from the database's text for the returned rows only.

        Raises:
            QueryError: the query cannot be understood.
        """
        return self._from_index(lambda: self._search(query, limit, sort, snippets))

    def _search(
        self, query: str, limit: int | None, sort: SortOrder, snippets: bool
    ) -> SearchResults:
        ranking = self.index.search(query, limit=limit, sort=sort)
        ranked, total = ranking.hits, ranking.total
        ids = ranking.ids
        rows = self.store.summaries_by_id(ids)
        texts = self.store.texts(ids) if snippets else {}
        hits = []
        for clipping_id, score in ranked:
            row = rows.get(clipping_id)
            if row is None or row.trashed:  # the index is a step behind; never show these
                total -= 1
                continue
            snippet = self.index.snippet(query, texts.get(clipping_id, "")) if snippets else ""
            hits.append(SearchHit(clipping=row, score=score, snippet=snippet))
        return SearchResults(
            hits=tuple(hits),
            total=max(total, len(hits)),
            exact=ranking.exact,
            notes=ranking.notes,
        )

    def search_ids(
        self,
        query: str,
        filters: SearchFilters | None = None,
        *,
        sort: SortOrder = "relevance",
        limit: int | None = 10_000,
    ) -> Ranking:
        """The clippings matching a query and filters, best (or newest) first, and how
        many match in all. No snippets, no rows: the window fetches those for the rows
        it shows.

        Raises:
            QueryError: the query cannot be understood.
        """
        text = combine(query, filters or SearchFilters())
        if not text.strip():
            raise QueryError("the query is empty: type some words to search for")
        return self._from_index(lambda: self.index.search(text, limit=limit, sort=sort))

    def snippets(self, query: str, ids: Sequence[int], *, length: int = 240) -> dict[int, str]:
        """Highlighted passages of these clippings for a query (for the rows shown)."""
        texts = self.store.texts(list(ids))
        return self._from_index(
            lambda: {
                i: self.index.snippet(query, texts[i], length=length) for i in ids if i in texts
            }
        )

    def reading_html(self, clipping: Clipping, query: str = "") -> str:
        """The article as safe HTML for reading: paragraphs, with ``query``'s words marked.

        Without a query this is the readable HTML kept at import (sanitized, nothing
        that runs or fetches) or, failing that, the text's paragraphs.
        """
        if not clipping.has_text:
            return ""
        if not query.strip():
            if clipping.html:
                return clipping.html
            marked = escape(clipping.text)
        else:
            marked = self._from_index(lambda: self.index.highlight_all(query, clipping.text))
        paragraphs = [p.strip() for p in marked.split("\n\n") if p.strip()]
        return "\n".join("<p>" + p.replace("\n", "<br>") + "</p>" for p in paragraphs)

    def summaries(self, ids: Sequence[int]) -> dict[int, ClippingSummary]:
        """List rows of these clippings, by id."""
        return self.store.summaries_by_id(list(ids))

    def sort_ids(
        self, ids: Sequence[int], sort: SortKey, *, descending: bool
    ) -> builtins.list[int]:
        """``ids`` ordered by a list column (rows without a value last)."""
        return self.store.order_ids(ids, sort, descending=descending)

    def outlets(self) -> builtins.list[tuple[str, int]]:
        """The names of the outlets of live clippings, with their counts (for filters)."""
        return self.store.outlets()

    def outlet_table(self) -> builtins.list[Outlet]:
        """Every outlet: its one name, how it got it, its domains and declared names."""
        return self.store.all_outlets()

    def languages(self) -> builtins.list[tuple[str, int]]:
        return self.store.languages()

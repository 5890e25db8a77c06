"""Full-text search, behind one small interface.

The only layer that imports Whoosh. ``SearchIndex`` is what the services need of a
search backend; ``WhooshIndex`` is the embedded one. Another backend (a server-side
one for a shared archive, or a faster embedded engine) can stand beside it without
touching the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from clippings.model import IndexDocument, Progress, Ranking
from clippings.search.query import USER_FIELDS, combine, filter_query
from clippings.search.whoosh_index import REBUILD_WAIT, WRITE_TIMEOUT, SortOrder, WhooshIndex


class SearchIndex(Protocol):
    def needs_rebuild(self) -> str | None: ...

    def locked(self, timeout: float = ...) -> AbstractContextManager[None]:
        """Hold the index for writing against other programs (IndexBusyError after
        ``timeout`` seconds)."""
        ...

    def clean_debris(self) -> None: ...

    def rebuild(
        self,
        batches: Iterable[Sequence[IndexDocument]],
        total: int,
        report: Callable[[Progress], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> bool: ...

    def apply(self, upserts: Sequence[IndexDocument], deletions: Sequence[int]) -> None: ...

    def search(
        self, text: str, *, limit: int | None = 50, sort: SortOrder = "relevance"
    ) -> Ranking:
        """The best ``limit`` matches (all with None) and how many match.

        Raises:
            QueryError: the query cannot be understood.
        """
        ...

    def snippet(self, text: str, article: str, *, length: int = 240) -> str: ...

    def highlight_all(self, text: str, article: str) -> str: ...

    def revisions(self) -> dict[int, int]: ...

    def close(self) -> None: ...


__all__ = [
    "REBUILD_WAIT",
    "USER_FIELDS",
    "WRITE_TIMEOUT",
    "SearchIndex",
    "SortOrder",
    "WhooshIndex",
    "combine",
    "filter_query",
]

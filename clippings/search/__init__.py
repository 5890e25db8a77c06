"""Full-text search, behind one small interface.

The only layer that imports a search engine. ``SearchIndex`` is what the services
need of a search backend; two embedded engines stand behind it: ``WhooshIndex`` (the
default) and ``tantivy_index.TantivyIndex`` (much faster on large archives), and one on a
server, ``postgres_index.PostgresIndex`` (a team archive's PostgreSQL full-text search,
opened by ``open_server_index``), with the same query language (``query.parse``), the
same terms (``analysis``) and the same snippets (``highlighting``). ``open_index`` opens
the engine an archive records.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from clippings.model import IndexDocument, Progress, Ranking
from clippings.search.folder import WRITE_TIMEOUT, Documents
from clippings.search.query import USER_FIELDS, combine, filter_query
from clippings.search.whoosh_index import REBUILD_WAIT, SortOrder, WhooshIndex

if TYPE_CHECKING:  # imported when used: SQLAlchemy only for a team archive
    from clippings.search.postgres_index import PostgresIndex


class SearchIndex(Protocol):
    def needs_rebuild(self) -> str | None: ...

    def locked(self, timeout: float = ...) -> AbstractContextManager[None]:
        """Hold the index for writing against other programs (IndexBusyError after
        ``timeout`` seconds)."""
        ...

    def clean_debris(self) -> None: ...

    def rebuild(
        self,
        documents: Documents,
        total: int,
        *,
        mark: int = 0,
        report: Callable[[Progress], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> int | None:
        """Build a fresh index from ``documents`` beside the old one, then swap it in
        (the caller holds ``locked()``).

        An engine whose build takes long keeps what it has built when it is cancelled
        or killed, and the next call resumes it. ``mark`` (the caller's place in its
        queue of changes) is kept with the build: the mark returned is that of the
        build that completed, possibly an earlier call's, and the changes after it
        are the caller's to apply. None when cancelled (the old index is unchanged).
        """
        ...

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

    def tidy(self) -> bool:
        """Merge what many small commits left, one step a call, off the import's path
        (the caller holds ``locked()``); False when there is nothing to do."""
        ...

    def revisions(self) -> dict[int, int]: ...

    def close(self) -> None: ...


Engine = Literal["whoosh", "tantivy"]
#: The engine of a new archive (the product's design names Whoosh).
DEFAULT_ENGINE: Engine = "whoosh"
ENGINES: tuple[Engine, ...] = ("whoosh", "tantivy")


def engine_folder(folder: Path, engine: str) -> Path:
    """Where ``engine``'s index lives, given the archive's index folder (``index/``).

    Each engine has its own folder, so that switching builds the new one beside the
    old and an interrupted switch leaves the old engine whole.
    """
    return folder if engine == "whoosh" else folder.with_name(f"{folder.name}-{engine}")


def open_index(folder: Path, engine: str = DEFAULT_ENGINE) -> SearchIndex:
    """The search index of an archive whose index folder is ``folder`` (``index/``).

    Every engine takes turns through the same ``index.lock``.

    Raises:
        ValueError: not an engine this version knows.
    """
    if engine == "whoosh":
        return WhooshIndex(folder)
    if engine == "tantivy":
        from clippings.search.tantivy_index import TantivyIndex

        return TantivyIndex(
            engine_folder(folder, engine), lock_path=folder.with_name(folder.name + ".lock")
        )
    raise ValueError(f"unknown search engine {engine!r} (the engines are whoosh, tantivy)")


#: The engine of a team archive: PostgreSQL's full-text search in the archive's database.
SERVER_ENGINE = "postgresql"


def open_server_index(engine: Any) -> PostgresIndex:
    """The search index of a team archive, in its database (``engine``: the archive's
    SQLAlchemy engine). Its tables are made by ``PostgresIndex.prepare``."""
    from clippings.search.postgres_index import PostgresIndex

    return PostgresIndex(engine)


__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "REBUILD_WAIT",
    "SERVER_ENGINE",
    "USER_FIELDS",
    "WRITE_TIMEOUT",
    "Engine",
    "SearchIndex",
    "SortOrder",
    "WhooshIndex",
    "combine",
    "engine_folder",
    "filter_query",
    "open_index",
    "open_server_index",
]

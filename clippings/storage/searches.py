"""What the search bar offers: saved searches, and the outlets and languages its
filters choose from.

A part of ``ClippingStore``; none of it changes what search sees, so nothing here
queues a clipping.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, func, insert, select, update

from clippings.model import NotFoundError, SavedSearch, SearchFilters
from clippings.storage.schema import clippings, saved_searches


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class SavedSearchStore:
    """Saved searches and filter choices (a part of ``ClippingStore``)."""

    if TYPE_CHECKING:

        def _reading(self) -> AbstractContextManager[Connection]: ...
        def _writing(self) -> AbstractContextManager[Connection]: ...

    def saved_searches(self) -> list[SavedSearch]:
        with self._reading() as conn:
            rows = conn.execute(
                select(saved_searches).order_by(func.lower(saved_searches.c.name))
            ).all()
        return [
            SavedSearch(name=str(row.name), query=str(row.query), filters=_filters(row.filters))
            for row in rows
        ]

    def save_search(self, search: SavedSearch) -> None:
        """Store a saved search, replacing one of the same name."""
        values = {
            "query": search.query,
            "filters": json.dumps(_filters_json(search.filters), sort_keys=True),
        }
        with self._writing() as conn:
            changed = conn.execute(
                update(saved_searches).where(saved_searches.c.name == search.name).values(**values)
            ).rowcount
            if not changed:
                conn.execute(
                    insert(saved_searches).values(name=search.name, created_at=_now(), **values)
                )

    def delete_saved_search(self, name: str) -> None:
        with self._writing() as conn:
            gone = conn.execute(
                delete(saved_searches).where(saved_searches.c.name == name)
            ).rowcount
        if not gone:
            raise NotFoundError(f"there is no saved search {name!r}")

    def outlets(self) -> list[tuple[str, int]]:
        """Every outlet of a live clipping, with how many clippings it has."""
        return self._distinct(clippings.c.outlet)

    def languages(self) -> list[tuple[str, int]]:
        return self._distinct(clippings.c.language)

    def _distinct(self, column: Any) -> list[tuple[str, int]]:
        with self._reading() as conn:
            rows = conn.execute(
                select(column, func.count())
                .where(clippings.c.trashed.is_(False), column.is_not(None))
                .group_by(column)
                .order_by(func.count().desc(), column)
            ).all()
        return [(str(value), int(count)) for value, count in rows if str(value).strip()]


def _filters_json(filters: SearchFilters) -> dict[str, str]:
    found = {}
    for key, value in vars(filters).items():
        if value:
            found[key] = value.isoformat() if isinstance(value, date) else str(value)
    return found


def _filters(text: str) -> SearchFilters:
    raw = json.loads(text or "{}")
    return SearchFilters(
        date_from=date.fromisoformat(raw["date_from"]) if raw.get("date_from") else None,
        date_to=date.fromisoformat(raw["date_to"]) if raw.get("date_to") else None,
        outlet=raw.get("outlet"),
        language=raw.get("language"),
        tag=raw.get("tag"),
    )

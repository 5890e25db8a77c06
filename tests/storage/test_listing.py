"""Paging through the list: every clipping exactly once, in the order the list shows."""

from __future__ import annotations

import sqlite3
from typing import Any, get_args

import pytest
from sqlalchemy import event, text

from clippings.model import ListPosition
from clippings.services import Archive
from clippings.storage import ClippingStore, SortKey, listing
from tests.synthetic import fill

ROWS = 700

#: The sort value of each sort, as the list orders on it.
SQL_KEYS = {
    "published": "published",
    "title": "lower(title)",
    "outlet": "lower(outlet)",
    "words": "word_count",
    "imported": "imported_at",
    "id": "id",
}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("listing") / "archive"
    Archive.open(folder).close()
    database_file = folder / "clippings.sqlite3"
    fill(database_file, ROWS)
    db = sqlite3.connect(database_file)
    # Missing values, ties in every sort, mixed case, a few in the trash, two tags.
    db.execute("UPDATE clippings SET published = NULL, published_utc = NULL WHERE id % 7 = 3")
    db.execute("UPDATE clippings SET outlet = NULL WHERE id % 5 = 1")
    db.execute("UPDATE clippings SET outlet = 'outlet 3' WHERE id % 9 = 2")
    db.execute("UPDATE clippings SET word_count = id % 13")
    db.execute(
        "UPDATE clippings SET imported_at = datetime('2026-01-01', '+' || (id / 40) || ' days')"
    )
    db.execute("UPDATE clippings SET title = 'Same Title' WHERE id % 4 = 0")
    db.execute("UPDATE clippings SET title = 'same title' WHERE id % 6 = 1")
    db.execute(
        "UPDATE clippings SET published = '2000-01-05', published_utc = '2000-01-05 00:00:00' "
        "WHERE id % 10 = 4"
    )
    db.execute("UPDATE clippings SET trashed = 1 WHERE id % 17 = 0")
    db.execute("INSERT INTO tags (name) VALUES ('Big'), ('Big/Child'), ('Small')")
    db.execute(
        "INSERT INTO clipping_tags SELECT id, (SELECT id FROM tags WHERE name = 'Big') "
        "FROM clippings WHERE id % 2 = 0"
    )
    db.execute(
        "INSERT INTO clipping_tags SELECT id, (SELECT id FROM tags WHERE name = 'Big/Child') "
        "FROM clippings WHERE id % 3 = 0"
    )
    db.execute(
        "INSERT INTO clipping_tags SELECT id, (SELECT id FROM tags WHERE name = 'Small') "
        "FROM clippings WHERE id % 31 = 0"
    )
    db.commit()
    db.close()
    found = ClippingStore.for_file(database_file)
    yield found
    found.close()


def expected(store: ClippingStore, sort: str, descending: bool, tag: str | None, trashed: bool):
    """The list's order, worked out here: values first (ties by id, the same way), then
    the rows without a value, by id."""
    where = "trashed = :trashed"
    if tag is not None:
        where += (
            " AND id IN (SELECT clipping_id FROM clipping_tags JOIN tags ON tags.id = tag_id "
            "WHERE tags.name = :tag OR tags.name LIKE :tag || '/%')"
        )
    with store.engine.connect() as conn:
        rows = conn.execute(
            text(f"SELECT id, {SQL_KEYS[sort]} FROM clippings WHERE {where}"),
            {"trashed": trashed, "tag": tag},
        ).all()
    valued = sorted(((v, i) for i, v in rows if v is not None), reverse=descending)
    missing = sorted((i for i, v in rows if v is None), reverse=descending)
    return [i for _, i in valued] + missing


CASES = [
    (sort, descending, tag, trashed)
    for sort in get_args(SortKey)
    for descending in (True, False)
    for tag, trashed in ((None, False), (None, True), ("Big", False), ("Small", False))
]


@pytest.mark.parametrize(("sort", "descending", "tag", "trashed"), CASES)
@pytest.mark.parametrize("small_tag", [2000, 0], ids=["sorted-tag", "indexed-tag"])
@pytest.mark.parametrize("far_jump", [10_000, 1], ids=["from-top", "from-end"])
def test_paging_by_position_returns_every_clipping_once_in_order(
    store, monkeypatch, sort, descending, tag, trashed, small_tag, far_jump
):
    # A tag is listed by sorting its clippings when it has few, by walking the sort's
    # index when it has many; a jump far down is read from the end of the list: every
    # way gives the same list.
    monkeypatch.setattr(listing, "_SMALL_TAG", small_tag)
    monkeypatch.setattr(listing, "_FAR_JUMP", far_jump)
    want = expected(store, sort, descending, tag, trashed)
    assert want, "the case lists something"
    common: dict[str, Any] = {"tag": tag, "trashed": trashed, "sort": sort}
    seen: list[int] = []
    after: ListPosition | None = None
    for _ in range(ROWS):
        page = store.page(**common, descending=descending, after=after, limit=37)
        seen += [row.id for row in page.rows]
        assert (page.next is None) == (len(seen) == len(want))
        if page.next is None:
            break
        after = page.next
    assert seen == want
    # A jump (the scrollbar dragged) lands where the pages read one by one would.
    half = len(want) // 2
    for skip in {0, 1, 36, half - 1, half, half + 1, len(want) - 21, len(want) - 20} - {-1}:
        jumped = store.page(**common, descending=descending, skip=skip, limit=20)
        assert [row.id for row in jumped.rows] == want[skip : skip + 20], skip
        assert (jumped.next is None) == (skip + 20 >= len(want)), skip
    for skip in (len(want) - 1, len(want), len(want) + 5):
        jumped = store.page(**common, descending=descending, skip=skip, limit=20)
        assert [row.id for row in jumped.rows] == want[skip:], skip
        assert jumped.next is None
    # ...also from a known position; and the offset of the old API is the same list.
    middle = store.page(**common, descending=descending, limit=50)
    if middle.next is not None:
        later = store.page(**common, descending=descending, after=middle.next, skip=30, limit=25)
        assert [row.id for row in later.rows] == want[80:105]
    old = store.summaries(**common, descending=descending, offset=10, limit=30)
    assert [row.id for row in old] == want[10:40]
    assert store.count(tag=tag, trashed=trashed) == len(want)


def test_a_page_after_the_last_row_of_an_unknown_tag_is_empty(store):
    assert store.page(tag="Nobody has this").rows == ()
    assert store.count(tag="Nobody has this") == 0


@pytest.mark.parametrize("sort", get_args(SortKey))
@pytest.mark.parametrize("descending", [True, False])
@pytest.mark.parametrize("trashed", [False, True])
def test_every_page_is_read_in_its_index_order_without_sorting(
    store, monkeypatch, sort, descending, trashed
):
    monkeypatch.setattr(listing, "_SMALL_TAG", 0)  # a big tag walks the sort's index
    monkeypatch.setattr(listing, "_FAR_JUMP", 100)  # a jump near the end reads backwards
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if "sort_value" in statement and "ORDER BY" in statement:
            plan = cursor.connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
            statements.append(" | ".join(str(row[-1]) for row in plan))

    event.listen(store.engine, "before_cursor_execute", before)
    try:
        first = store.page(sort=sort, descending=descending, trashed=trashed, limit=10)
        store.page(sort=sort, descending=descending, trashed=trashed, after=first.next, limit=10)
        store.page(sort=sort, descending=descending, trashed=trashed, skip=50, limit=10)
        store.page(sort=sort, descending=descending, trashed=trashed, skip=600, limit=10)
        store.page(sort=sort, descending=descending, tag="Big", skip=300, limit=10)
        store.page(sort=sort, descending=descending, tag="Big", limit=10, trashed=trashed)
    finally:
        event.remove(store.engine, "before_cursor_execute", before)
    assert statements
    for plan in statements:
        assert "TEMP B-TREE" not in plan, plan
        assert "USING" in plan and "INDEX" in plan, plan

"""The list stays fast with 100,000 clippings: it never loads every row or any text."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from sqlalchemy import event

from clippings.services import Archive

ROWS = 100_000


def fill(path, rows: int) -> None:
    """Bulk-insert clippings with SQL (not through the importers: this is about the list)."""
    db = sqlite3.connect(path / "clippings.sqlite3")
    sha = "0" * 64
    now = datetime(2026, 1, 1)
    db.execute("INSERT INTO originals (sha256, size, stored_at) VALUES (?, 1, ?)", (sha, now))
    start = datetime(2000, 1, 1)
    db.executemany(
        "INSERT INTO clippings (title, outlet, published, published_utc, language, text, "
        "word_count, original_name, sha256, format, has_text, imported_at, trashed, revision, "
        "provenance) VALUES (?, ?, ?, ?, 'en', ?, 600, 'x.txt', ?, 'text', 1, ?, 0, 1, '{}')",
        (
            (
                f"Clipping number {n}",
                f"Outlet {n % 97}",
                (start + timedelta(hours=n)).date().isoformat(),
                start + timedelta(hours=n),
                "long article text " * 200,
                sha,
                now,
            )
            for n in range(rows)
        ),
    )
    db.commit()
    db.close()


def test_a_hundred_thousand_rows_without_loading_texts(qtbot, make_window, tmp_path):
    Archive.open(tmp_path / "big").close()
    fill(tmp_path / "big", ROWS)
    archive = Archive.open(tmp_path / "big")
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(archive.store.engine, "before_cursor_execute", before)
    # Bulk-inserted rows have no features for related pieces; the background analysis
    # that would compute them is the subject of another test.
    window = make_window(archive, analyse=False)
    model = window.model
    assert model.rowCount() == ROWS
    assert "100,000 clippings" in window.count_label.text()
    # The newest first, and the very last row reachable by scrolling.
    assert model.row_at(0).title == f"Clipping number {ROWS - 1}"
    window.table.scrollToBottom()
    qtbot.wait(10)
    assert model.row_at(ROWS - 1).title == "Clipping number 0"
    # Sorting by title is done by the database, a page at a time.
    window.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    assert model.row_at(0).title == "Clipping number 0"
    assert model.row_at(1).title == "Clipping number 1"

    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert not any("clippings.text" in s for s in selects), "no article text is loaded"
    assert len(model._pages) <= 8, "only the pages shown are loaded"
    assert len(selects) < 60
    # Reading one clipping loads that one text only.
    window.table.selectRow(0)
    assert window.reading.clipping is not None
    window.lookups.wait()  # the related-pieces lookup reads features, never texts
    texts = [s for s in statements if "clippings.text" in s]
    assert len(texts) == 1

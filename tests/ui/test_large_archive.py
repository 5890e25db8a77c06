"""The list stays fast with 100,000 clippings: it never loads every row or any text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import event

from clippings.services import Archive
from tests.synthetic import fill

ROWS = 100_000


def test_a_hundred_thousand_rows_without_loading_texts(qtbot, make_window, tmp_path):
    Archive.open(tmp_path / "big").close()
    fill(tmp_path / "big" / "clippings.sqlite3", ROWS)
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

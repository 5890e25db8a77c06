"""The list model reads its pages by keyset: scrolling, sorting and jumps show every row."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt

from clippings.services import Archive
from clippings.storage import listing
from clippings.ui.clipping_model import PAGE, TITLE, ClippingTableModel, read_rows
from tests.synthetic import fill

ROWS = 3 * PAGE + 57


@pytest.fixture
def archive(tmp_path):
    folder = tmp_path / "archive"
    Archive.open(folder).close()
    fill(folder / "clippings.sqlite3", ROWS)
    db = sqlite3.connect(folder / "clippings.sqlite3")
    # Ties and missing dates, so that pages end in the middle of equal values.
    db.execute("UPDATE clippings SET published = NULL, published_utc = NULL WHERE id % 9 = 0")
    db.execute("UPDATE clippings SET title = 'Same title' WHERE id % 3 = 0")
    db.commit()
    db.close()
    opened = Archive.open(folder)
    yield opened
    opened.close()


class Spy:
    """Records how the model asks the archive for pages."""

    def __init__(self, archive: Archive) -> None:
        self.calls: list[dict[str, object]] = []
        real = archive.page

        def page(**kwargs: object):  # type: ignore[no-untyped-def]
            self.calls.append(kwargs)
            return real(**kwargs)

        archive.page = page  # type: ignore[method-assign]


def shown(model: ClippingTableModel) -> list[int]:
    return [model.id_at(row) for row in range(model.rowCount())]


def test_scrolling_reads_each_page_after_the_one_before(qtbot, archive):
    spy = Spy(archive)
    model = ClippingTableModel(archive)
    assert model.rowCount() == ROWS
    want = [row.id for row in archive.list(sort="published", descending=True)]
    assert shown(model) == want
    # The first page from the top, every later one right after the page before it.
    assert [call["skip"] for call in spy.calls] == [0] * len(spy.calls)
    assert spy.calls[0]["after"] is None
    assert all(call["after"] is not None for call in spy.calls[1:])


def test_a_jump_to_the_bottom_then_back_shows_the_same_rows(qtbot, archive, monkeypatch):
    monkeypatch.setattr(listing, "_FAR_JUMP", 1)  # as a jump over 10,000 rows would be
    model = ClippingTableModel(archive)
    want = [row.id for row in archive.list(sort="published", descending=True)]
    assert model.id_at(0) == want[0]
    spy = Spy(archive)
    # The scrollbar dragged to the end (read from the end of the list, not by passing
    # over every row from the first page), then to the middle, then scrolling up.
    assert model.id_at(ROWS - 1) == want[-1]
    assert spy.calls[0]["after"] is None and spy.calls[0]["skip"] == (ROWS - 1) // PAGE * PAGE
    assert model.id_at(ROWS // 2) == want[ROWS // 2]
    assert [model.id_at(row) for row in reversed(range(ROWS))] == list(reversed(want))


def test_sorting_by_a_column_shows_the_archive_in_that_order(qtbot, archive):
    model = ClippingTableModel(archive)
    model.sort(TITLE, Qt.SortOrder.AscendingOrder)
    want = [row.id for row in archive.list(sort="title", descending=False)]
    assert shown(model) == want
    titles = [model.row_at(row).title.lower() for row in range(ROWS)]
    assert titles == sorted(titles)
    model.sort(TITLE, Qt.SortOrder.DescendingOrder)
    assert shown(model) == [row.id for row in archive.list(sort="title", descending=True)]


def test_reading_again_off_the_gui_thread_continues_by_keyset(qtbot, archive):
    model = ClippingTableModel(archive)
    want = [row.id for row in archive.list(sort="published", descending=True)]
    reading = read_rows(archive, model.request([2 * PAGE + 5]))
    assert model.apply(reading)
    spy = Spy(archive)
    # The page after those read again starts where they ended.
    assert model.id_at(3 * PAGE) == want[3 * PAGE]
    assert spy.calls[-1]["after"] is not None and spy.calls[-1]["skip"] == 0
    assert shown(model) == want

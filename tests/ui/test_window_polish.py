"""What the window shows a new user: room for titles, nothing clipped mid-word, the
sidebar in step with the centre, plain plurals, one date format."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from PySide6.QtCore import QLocale, QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel

from clippings.model import (
    ClippingSummary,
    RelatedClipping,
    SavedSearch,
    SearchFilters,
    Story,
    plural,
)
from clippings.ui.clipping_model import DATE, OUTLET, TITLE
from clippings.ui.compare_window import compare_title
from clippings.ui.export_dialog import ExportDialog, ExportScope
from clippings.ui.related_panel import item_text
from clippings.ui.stories_view import StoriesView
from clippings.ui.wording import EDGE_MARGIN, elide_path, elide_words, long_date, short_date
from tests.conftest import add_clipping, opened_comparison

LONG_TITLE = (
    "Russia-US relations deteriorated dramatically in the wake of the 2014 Ukraine crisis "
    "and the sanctions that followed it"
)


@pytest.fixture
def british():
    """The user's locale is en_GB for the test."""
    before = QLocale()
    QLocale.setDefault(QLocale("en_GB"))
    yield
    QLocale.setDefault(before)


@pytest.fixture
def filled(window):
    archive = window.archive
    add_clipping(
        archive,
        "Sanctions were widened. The ministers met in Geneva.",
        title=LONG_TITLE,
        outlet="The Seattle Times Online Edition",
        published=date(2021, 7, 25),
    )
    add_clipping(
        archive,
        "A second piece about the summit in Geneva.",
        title="Summit in Geneva",
        outlet="Reuters",
        published=datetime(2023, 11, 9, 0, 30, tzinfo=timezone(timedelta(hours=1))),
    )
    window.refresh_all()
    return window


# --- Layout -----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(1024, 640), (1280, 800)])
def test_the_title_column_gets_the_room(qtbot, filled, size):
    window = filled
    window.resize(*size)
    qtbot.waitUntil(lambda: window.table.viewport().width() > 0)
    header = window.table.horizontalHeader()
    title = header.sectionSize(TITLE)
    assert header.sectionSize(OUTLET) < title
    assert all(header.sectionSize(c) < title for c in range(header.count()) if c != TITLE)
    # The date column is as wide as the date it shows.
    shown = window.model.index(0, DATE).data()
    assert window.table.fontMetrics().horizontalAdvance(shown) < header.sectionSize(DATE)


def test_a_width_the_user_chose_for_the_outlet_stays(qtbot, filled):
    window = filled
    window.resize(1024, 640)
    header = window.table.horizontalHeader()
    header.resizeSection(OUTLET, 230)
    window.resize(1000, 640)
    qtbot.wait(0)
    assert header.sectionSize(OUTLET) == 230


def test_the_right_pane_keeps_a_margin_from_the_window_edge(qtbot, filled):
    window = filled
    window.resize(1024, 640)
    window.table.selectRow(0)
    button = window.reading.original_button
    right = button.mapTo(window, QPoint(button.width(), 0)).x()
    assert window.width() - right >= EDGE_MARGIN
    compare = window.related.compare_button
    assert window.width() - compare.mapTo(window, QPoint(compare.width(), 0)).x() >= EDGE_MARGIN


def test_window_titles_are_shortened_at_a_word_end():
    assert elide_words(LONG_TITLE, 40) == "Russia-US relations deteriorated…"
    assert elide_words("Short title", 40) == "Short title"
    assert elide_words("Supercalifragilisticexpialidocious", 10) == "Supercali…"
    assert elide_path("/home/jane/Documents/archives/press reviews", 30) == (
        "…/archives/press reviews"
    )


def test_the_compare_and_edit_windows_cut_no_word(qtbot, filled, monkeypatch):
    window = filled
    ids = [window.model.id_at(r) for r in range(2)]
    compare = opened_comparison(qtbot, window, lambda: window.compare_clippings(*ids))
    assert compare.windowTitle() == compare_title(compare.comparison)
    assert "— Russia-US relations deteriorated…" in compare.windowTitle()
    compare.close()
    from clippings.ui.dialogs import EditMetadataDialog

    long_one = next(window.archive.get(i) for i in ids if window.archive.get(i).title == LONG_TITLE)
    dialog = EditMetadataDialog(long_one, window)
    qtbot.addWidget(dialog)
    shown = dialog.windowTitle()
    assert shown.endswith("…”") and shown[:-2].rstrip("…").split()[-1] in LONG_TITLE.split()


def test_the_main_window_title_names_the_archive(window):
    assert str(window.archive.path) in window.windowTitle() or "…/" in window.windowTitle()
    assert window.windowTitle().endswith(window.archive.path.name)


def _story(outlets: int, reports: int, copies: int) -> Story:
    rows = tuple(
        ClippingSummary(
            id=n,
            title=f"Report {n} of a rather long story about a summit in Geneva and its aftermath",
            outlet=f"Outlet {n % outlets}" if outlets else None,
            published=date(2023, 11, 8 + n % 2),
            language="en",
            word_count=100,
        )
        for n in range(1, reports + 1)
    )
    return Story(
        id=1,
        title="A summit in Geneva where ministers met and talked for a very long time indeed",
        clippings=rows,
        outlets=tuple(f"Outlet {n}" for n in range(outlets)),
        first=1,
        copies=copies,
    )


def test_stories_show_their_summary_whole_with_correct_plurals(qtbot, british):
    view = StoriesView()
    qtbot.addWidget(view)
    view.resize(480, 400)
    view.show()
    view.show_stories([_story(outlets=1, reports=3, copies=1)])
    top = view.tree.topLevelItem(0)
    assert top.text(0).endswith("(3 reports, 1 outlet, 1 copy)")
    assert "…" in top.text(0)  # the title gave way, not the summary
    width = view.tree.viewport().width() - view.tree.indentation()
    assert view.tree.fontMetrics().horizontalAdvance(top.text(0)) <= width
    assert "A summit in Geneva" in top.toolTip(0) and "3 reports" in top.toolTip(0)
    assert view.summary.text() == "1 story"
    assert top.child(0).text(2) == "09/11/2023"  # the locale's short date
    view.resize(1400, 400)
    assert "…" not in top.text(0)
    view.show_stories([_story(outlets=0, reports=2, copies=0)])
    assert view.tree.topLevelItem(0).text(0).endswith("(2 reports)")


# --- State in step ----------------------------------------------------------------------


def test_the_sidebar_highlights_what_the_centre_shows(qtbot, filled):
    window = filled
    sidebar = window.sidebar
    assert sidebar.currentItem() is sidebar.all_item
    window.archive.add_tag([window.model.id_at(0)], "Geneva")
    window.refresh_side()
    window.show_stories()
    assert sidebar.currentItem() is sidebar.stories_item
    # Typing a search while Stories shows: the list comes back, Stories is no longer lit.
    window.search_bar.field.setText("Geneva")
    window.search_bar.flush()
    assert window.list_stack.currentWidget() is window.table
    assert sidebar.currentItem() is None or not sidebar.currentItem().isSelected()
    window.show_all()
    assert sidebar.currentItem() is sidebar.all_item
    sidebar.itemClicked.emit(sidebar.tag_items["Geneva"], 0)
    assert sidebar.currentItem() is sidebar.tag_items["Geneva"]
    window.show_trash()
    assert sidebar.currentItem() is sidebar.trash_item
    # A saved search is lit while it shows, and no longer once the query is changed.
    window.archive.save_search(SavedSearch("Summit", "Geneva", SearchFilters()))
    window.refresh_side()
    saved = sidebar.saved_header.child(0)
    sidebar.itemClicked.emit(saved, 0)
    assert window.model.searching and sidebar.currentItem() is saved
    window.search_bar.field.setText("Geneva ministers")
    window.search_bar.flush()
    assert not saved.isSelected()
    window.lookups.wait()


# The offscreen platform cannot raise a popup menu or give it the keyboard.
@pytest.mark.qt_log_ignore("This plugin does not support")
def test_a_right_clicked_tag_does_not_stay_highlighted(qtbot, filled):
    window = filled
    sidebar = window.sidebar
    window.archive.add_tag([window.model.id_at(0)], "Geneva")
    window.refresh_side()
    window.show_trash()
    assert "The trash is empty" in window.no_results.text()
    menus = []

    def close_menu():
        menu = QApplication.activePopupWidget()
        menus.append([a.text() for a in menu.actions()])
        menu.close()

    item = sidebar.tag_items["Geneva"]
    point = sidebar.visualItemRect(item).center()
    qtbot.mouseClick(sidebar.viewport(), Qt.MouseButton.RightButton, pos=point)
    QTimer.singleShot(0, close_menu)
    sidebar.customContextMenuRequested.emit(point)  # what the platform sends on a right-click
    assert "Rename…" in menus[0], "the tag's menu was offered"
    assert sidebar.currentItem() is sidebar.trash_item
    assert not item.isSelected()
    assert window.list_stack.currentWidget() is window.no_results


def test_a_query_error_shows_no_stale_result_or_count(qtbot, filled):
    window = filled
    window.search_bar.field.setText("Geneva")
    window.search_bar.flush()
    assert window.search_bar.count.text() == "2 found"
    window.search_bar.field.setText("Geneva colour:")  # half typed: no such field
    window.search_bar.flush()
    assert window.search_bar.error.isVisible()
    assert window.model.rowCount() == 0
    assert window.search_bar.count.text() == "No result"
    assert window.list_stack.currentWidget() is window.no_results
    assert "cannot be read" in window.no_results.text()
    window.after_change()  # an import or an edit meanwhile: still no result for it
    assert window.model.rowCount() == 0 and window.search_bar.count.text() == "No result"
    window.search_bar.field.setText("title:Geneva")
    window.search_bar.flush()
    assert not window.search_bar.error.isVisible()
    assert window.search_bar.count.text() == "1 found"


# --- Messages ---------------------------------------------------------------------------


def test_the_export_dialog_shows_no_ampersand_or_command_line_words(qtbot, tmp_path):
    dialog = ExportDialog([ExportScope("All clippings", 3, title="All clippings")], tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    for label in dialog.findChildren(QLabel):
        if "&" in label.text():
            assert label.buddy() is not None, label.text()
    formats = [dialog.format.itemText(i) for i in range(dialog.format.count())]
    assert not any("--" in t or "`" in t for t in texts + formats)


def test_the_export_dialog_keeps_the_file_name_and_the_format_in_step(qtbot, tmp_path):
    dialog = ExportDialog([ExportScope("All clippings", 3, title="All clippings")], tmp_path)
    qtbot.addWidget(dialog)
    assert dialog.format.itemText(0).startswith("Bundle — a .zip")
    # A bundle named .pdf would be a zip that PDF readers refuse: the dialog says so.
    dialog.path.setText(str(tmp_path / "review.pdf"))
    dialog.accept()
    assert dialog.result() == 0 and "ends in .pdf, as a PDF dossier does" in dialog.error.text()
    # A name with no ending gets the format's.
    dialog.path.setText(str(tmp_path / "review"))
    dialog.accept()
    assert dialog.request().output == tmp_path / "review.zip"


def test_plurals_read_as_words():
    assert plural(1, "clipping") == "1 clipping"
    assert plural(2, "clipping") == "2 clippings"
    assert plural(1234, "story", "stories") == "1,234 stories"
    assert plural(0, "copy", "copies") == "0 copies"


def test_the_import_summary_counts_one_duplicate_as_one(window, archive_report):
    from clippings.ui.dialogs import summary_counts

    assert summary_counts(archive_report) == "1 imported, 1 duplicate"


@pytest.fixture
def archive_report(tmp_path, window):
    from clippings.services import import_paths

    page = tmp_path / "piece.txt"
    page.write_text("A piece about a summit in Geneva.\n\nMinisters met there.", "utf-8")
    copy = tmp_path / "again.txt"
    copy.write_text(page.read_text("utf-8"), "utf-8")
    return import_paths(window.archive, [page, copy])


def test_no_clipping_s_left_in_the_code():
    from pathlib import Path

    import clippings

    root = Path(clippings.__file__).parent
    found = [
        f"{path}:{number}"
        for path in root.rglob("*.py")
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if any(f"{word}(s)" in line for word in ("clipping", "file", "original", "purge"))
    ]
    assert not found


# --- Dates ------------------------------------------------------------------------------


def test_one_date_format_everywhere_in_the_window(qtbot, filled, british):
    window = filled
    window.refresh_all()
    row = next(r for r in range(2) if window.model.row_at(r).title == "Summit in Geneva")
    assert window.model.index(row, DATE).data() == "09/11/2023"
    window.table.selectRow(row)
    text = window.reading.browser.toPlainText()
    assert "Thursday, 9 November 2023, 00:30 (UTC+01:00)" in text
    first, second = window.model.id_at(0), window.model.id_at(1)
    compare = opened_comparison(qtbot, window, lambda: window.compare_clippings(first, second))
    assert "Thursday, 9 November 2023, 00:30 (UTC+01:00)" in compare.header.text()
    assert "Sunday, 25 July 2021" in compare.header.text()
    compare.close()
    from clippings.ui.dialogs import EditMetadataDialog

    dialog = EditMetadataDialog(window.reading.clipping, window)
    qtbot.addWidget(dialog)
    assert dialog.date_shown.text() == "Thursday, 9 November 2023, 00:30 (UTC+01:00)"
    dialog.editors["published"].setText("2021-07-25")
    assert dialog.date_shown.text() == "Sunday, 25 July 2021"
    # The related pieces write the same short date.
    found = RelatedClipping(window.model.row_at(row), "related", 0.5)
    assert "09/11/2023" in item_text(found)
    assert short_date(date(2023, 11, 9)) == "09/11/2023"
    assert long_date(None) == ""


def test_the_date_column_sorts_by_the_day_it_shows(qtbot, window, british):
    def at(hour, minute, day, hours):
        return datetime(2023, 11, day, hour, minute, tzinfo=timezone(timedelta(hours=hours)))

    archive = window.archive
    # By the instant, the 9 November piece (00:30 in Berlin) falls between the two of the
    # 8th: 23:00 in New York is later, as an instant, than 00:30 in Berlin.
    for title, when in (
        ("New York late", at(23, 0, 8, -5)),
        ("Berlin just after midnight", at(0, 30, 9, 1)),
        ("London morning", at(10, 0, 8, 0)),
        ("A day without a time", date(2023, 11, 9)),
    ):
        add_clipping(archive, f"{title}. A piece about the summit.", title=title, published=when)
    window.refresh_all()
    window.table.sortByColumn(DATE, Qt.SortOrder.DescendingOrder)
    shown = [
        (window.model.index(r, DATE).data(), window.model.row_at(r).title)
        for r in range(window.model.rowCount())
    ]
    assert shown == [
        ("09/11/2023", "Berlin just after midnight"),
        ("09/11/2023", "A day without a time"),
        ("08/11/2023", "New York late"),
        ("08/11/2023", "London morning"),
    ]
    window.table.sortByColumn(DATE, Qt.SortOrder.AscendingOrder)
    days = [window.model.index(r, DATE).data() for r in range(window.model.rowCount())]
    assert days == sorted(days, key=lambda d: d[6:] + d[3:5] + d[:2])


def test_dates_are_short_with_the_year_in_full_in_the_list_and_the_filters(window):
    before = QLocale()
    try:
        QLocale.setDefault(QLocale("en_US"))
        assert short_date(date(2021, 7, 25)) == "7/25/2021"
        from clippings.ui.search_bar import OptionalDateEdit

        field = OptionalDateEdit("from any date", window)
        field.set_value(date(2021, 7, 25))
        assert field.text() == "7/25/2021"
        QLocale.setDefault(QLocale.c())
        assert short_date(date(2021, 7, 25)) == "2021-07-25"
    finally:
        QLocale.setDefault(before)


def test_the_printing_date_reads_like_every_other_date(british):
    from clippings.ui.reading_pane import printed_text

    assert printed_text("2024-03-05T14:20:00+01:00") == "Tuesday, 5 March 2024, 14:20 (UTC+01:00)"
    assert printed_text("2024-03-05") == "Tuesday, 5 March 2024"
    assert printed_text("not a date") == "not a date"

"""The window shows what other programs do to its archive, and behaves when the archive
is read-only or lives somewhere risky."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import date

import pytest
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QInputDialog, QMessageBox

from clippings.model import IndexBusyError, StorageError
from clippings.services import Archive
from clippings.ui.main_window import OTHER_PROGRAMS_POLL_MS
from tests.conftest import add_clipping
from tests.synthetic import fill
from tests.ui.test_main_window import drop, file_mime

#: Within this time of a change elsewhere the window shows it.
SHOWN_WITHIN_MS = 5000

TEXT = "A report written for the test. It has a few sentences. Nothing more is needed."


def titles(window) -> list[str]:
    return [window.model.row_at(r).title for r in range(window.model.rowCount())]


def ids(window) -> list[int]:
    return [window.model.id_at(r) for r in range(window.model.rowCount())]


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "archive"


@pytest.fixture
def elsewhere(folder):
    """The same archive folder opened a second time, as another program would."""
    opened = []

    def open_again():
        archive = Archive.open(folder)
        opened.append(archive)
        return archive

    yield open_again
    for archive in opened:
        archive.close()


@pytest.fixture
def watched(make_window, folder):
    """A window on an archive of three clippings, the second one selected and read."""
    archive = Archive.open(folder)
    for number, day in enumerate((3, 2, 1), start=1):
        add_clipping(
            archive,
            f"{TEXT} Number {number}.",
            title=f"Report {number}",
            published=date(2024, 5, day),
        )
    window = make_window(archive, analyse=False)
    window.table.selectRow(1)
    assert window.reading.clipping.title == "Report 2"
    yield window
    window.catch_up_runner.wait()


def test_the_window_polls_every_two_seconds(window):
    assert OTHER_PROGRAMS_POLL_MS == 2000
    assert window.watch_timer.isActive()
    assert window.watch_timer.interval() == OTHER_PROGRAMS_POLL_MS


def test_a_clipping_added_elsewhere_appears_keeping_selection_and_scroll(
    qtbot, make_window, folder, elsewhere
):
    Archive.open(folder).close()
    fill(folder / "clippings.sqlite3", 400)
    window = make_window(Archive.open(folder), analyse=False)
    table, model = window.table, window.model
    table.scrollTo(model.index(100, 0), QAbstractItemView.ScrollHint.PositionAtTop)
    table.selectRow(105)
    top, chosen = model.id_at(table.rowAt(0)), model.id_at(105)
    assert top is not None and window.selected_ids() == [chosen]
    shown = window.reading.clipping
    assert shown is not None and shown.id == chosen

    other = elsewhere()
    add_clipping(other, TEXT, title="Added elsewhere", published=date(2031, 1, 1))

    qtbot.waitUntil(lambda: model.rowCount() == 401, timeout=SHOWN_WITHIN_MS)
    assert model.row_at(0).title == "Added elsewhere"  # the newest, at the top
    assert window.selected_ids() == [chosen], "the selection is kept"
    assert model.id_at(table.rowAt(0)) == top, "the same clippings stay in view"
    assert window.reading.clipping is shown, "the reading pane is left as it was"
    assert "401 clippings" in window.count_label.text()
    window.catch_up_runner.wait()


def test_at_the_top_of_the_list_new_clippings_show_above(qtbot, watched, elsewhere):
    add_clipping(elsewhere(), TEXT, title="Newest", published=date(2031, 1, 1))
    qtbot.waitUntil(lambda: "Newest" in titles(watched), timeout=SHOWN_WITHIN_MS)
    assert watched.table.rowAt(0) == 0 and watched.model.row_at(0).title == "Newest"
    selected = [index.row() for index in watched.table.selectionModel().selectedRows()]
    assert [watched.model.row_at(row).title for row in selected] == ["Report 2"]


def test_a_clipping_imported_by_the_command_line_appears(qtbot, watched, folder, seed):
    before = watched.model.rowCount()
    subprocess.run(
        [sys.executable, "-m", "clippings", "--archive", str(folder), "import", str(seed)],
        check=True,
        capture_output=True,
    )
    qtbot.waitUntil(lambda: watched.model.rowCount() == before + 1, timeout=SHOWN_WITHIN_MS)
    added = next(t for t in titles(watched) if not t.startswith("Report"))
    assert added.startswith("Russia-US relations")
    assert watched.reading.clipping.title == "Report 2"
    # Its words are searchable in the window too (the index is shared).
    watched.search_bar.field.setText("Ukraine")
    watched.search_bar.flush()
    assert titles(watched) == [added]


def test_an_edit_and_a_tag_elsewhere_show_in_the_reading_pane(qtbot, watched, elsewhere):
    shown = watched.reading.clipping
    other = elsewhere()
    other.edit(shown.id, {"title": "Retitled elsewhere"})
    other.add_tag([shown.id], "Elsewhere/Desk")
    qtbot.waitUntil(
        lambda: (
            watched.reading.clipping is not None
            and watched.reading.clipping.title == "Retitled elsewhere"
            and "Elsewhere/Desk" in watched.reading.clipping.tags
        ),
        timeout=SHOWN_WITHIN_MS,
    )
    assert "Retitled elsewhere" in watched.reading.browser.toPlainText()
    assert watched.selected_ids() == [shown.id]
    assert "Retitled elsewhere" in titles(watched)
    assert "Elsewhere/Desk" in watched.sidebar.tag_items


def test_a_clipping_trashed_elsewhere_leaves_the_list_and_the_pane_says_so(
    qtbot, watched, elsewhere
):
    shown = watched.reading.clipping
    elsewhere().trash([shown.id])
    qtbot.waitUntil(lambda: shown.id not in ids(watched), timeout=SHOWN_WITHIN_MS)
    text = watched.reading.browser.toPlainText()
    assert "Another program moved this clipping to the trash" in text
    assert TEXT not in text, "no stale text"
    assert not watched.reading.edit_button.isEnabled()
    assert "2 clippings" in watched.count_label.text()
    assert watched.sidebar.trash_item.text(0) == "Trash (1)"


def test_a_busy_index_is_tried_again_at_the_next_tick(qtbot, watched, elsewhere, monkeypatch):
    archive = watched.archive
    real_sync, tries = archive.sync_index, []

    def busy_once():
        tries.append(1)
        if len(tries) == 1:
            raise IndexBusyError("another program is writing the search index")
        return real_sync()

    monkeypatch.setattr(archive, "sync_index", busy_once)
    add_clipping(elsewhere(), TEXT, title="While the index was busy")
    qtbot.waitUntil(lambda: "While the index was busy" in titles(watched), timeout=SHOWN_WITHIN_MS)
    # Tried again at a later tick; once that try's result is applied nothing is owed.
    qtbot.waitUntil(lambda: len(tries) >= 2 and not watched._sync_owed, timeout=SHOWN_WITHIN_MS)


def test_own_changes_are_not_read_twice(qtbot, watched):
    watched.trash_selection()
    watched.lookups.wait()
    assert not watched.archive.changed_elsewhere(), "the window already showed its change"


def test_own_background_commits_are_not_read_again(qtbot, watched, monkeypatch):
    """A Related lookup or the analysis job commits on a worker thread (it stores
    related lists); that is no news for the window, whenever it lands."""
    watched.lookups.wait()
    assert not watched.archive.changed_elsewhere()
    readings: list[object] = []
    monkeypatch.setattr(watched, "catch_up", lambda **_: readings.append(1))
    worker = threading.Thread(target=watched.archive.store.set_meta, args=("a note", "own"))
    worker.start()
    worker.join()
    watched._on_watch_timer_timeout()
    assert readings == []


# --- Read-only archives and warnings ------------------------------------------------------

WRITE_ACTIONS = (
    "importFiles",
    "importFolder",
    "pasteClipping",
    "tagSelection",
    "untagSelection",
    "editMetadata",
    "trash",
)


@pytest.fixture
def read_only(make_window, folder, monkeypatch):
    archive = Archive.open(folder)
    first = add_clipping(archive, TEXT, title="Kept as it is")
    add_clipping(archive, "Another report. With other words in it.", title="Also kept")
    archive.read_only = True

    def no_dialog(*args, **kwargs):
        raise AssertionError("a read-only archive asks nothing before refusing")

    monkeypatch.setattr(QInputDialog, "getText", no_dialog)
    window = make_window(archive, analyse=False)
    window.select_clipping(first)
    return window


def test_a_read_only_archive_refuses_every_change(qtbot, read_only, seed, monkeypatch):
    window = read_only
    assert "read-only" in window.windowTitle()
    assert window.read_only_label.isVisible()
    assert window.notice_bar.isVisible()
    assert "This archive is read-only" in window.notice_bar.text()
    for name in WRITE_ACTIONS:
        assert not window.findChild(type(window.trash_action), name).isEnabled(), name
    assert not window.search_bar.save_button.isEnabled()
    assert not window.reading.edit_button.isEnabled()
    # No verdict on a related pair is offered, and one asked for anyway is refused.
    assert not window.related.can_judge and not window.related.verdict_button.isEnabled()
    window.related.verdict_requested.emit(*window.selected_ids(), 2, "not same story")
    assert "This archive is read-only" in window.statusBar().currentMessage()

    assert window.import_paths([seed]) is None
    assert "This archive is read-only" in window.statusBar().currentMessage()
    assert not drop(window, file_mime(seed)).isAccepted()
    mime = QMimeData()
    mime.setText("Pasted words")
    assert not window._import_mime(mime)
    window.sidebar.tag_action_requested.emit("rename", "Anything")
    window.sidebar.tag_action_requested.emit("delete", "Anything")
    window.tag_clippings(window.selected_ids(), "Refused")
    window.trash_selection()
    assert window.jobs.pending == 0
    assert window.model.rowCount() == 2 and window.archive.tags() == []
    assert window.undo_stack.count() == 0


def test_a_read_only_archive_still_searches_reads_compares_and_exports(qtbot, read_only):
    window = read_only
    assert window.reading.clipping.title == "Kept as it is"
    assert window.findChild(type(window.export_action), "export").isEnabled()
    window.search_bar.field.setText("words")
    window.search_bar.flush()
    assert titles(window) == ["Also kept"]
    window.show_all()
    window.table.selectAll()
    assert window.compare_action.isEnabled()
    assert window.original_action.isEnabled() is False  # two selected: nothing to open


def test_a_refused_write_is_a_plain_message_and_leaves_nothing_to_undo(qtbot, watched, monkeypatch):
    messages = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda parent, title, text, *a: messages.append(text)
    )

    def refuse(ids, **options):
        raise StorageError("the disk is full: nothing was changed")

    monkeypatch.setattr(watched.archive, "trash", refuse)
    shown = watched.reading.clipping
    watched.trash_selection()
    assert messages == ["the disk is full: nothing was changed"]
    assert watched.undo_stack.count() == 0
    assert shown.id in ids(watched) and watched.selected_ids() == [shown.id]


def test_warnings_show_once_in_a_bar_that_closes(qtbot, make_window, folder):
    archive = Archive.open(folder)
    archive.warnings = (
        "This archive is in a folder that Dropbox syncs: two computers writing to it at "
        "once can damage it. Close Clippings on one before opening it on the other.",
    )
    window = make_window(archive, analyse=False)
    bar = window.notice_bar
    assert bar.isVisible() and "Dropbox" in bar.text()
    assert "read-only" not in bar.text() and "read-only" not in window.windowTitle()
    assert window.findChild(type(window.trash_action), "importFiles").isEnabled()
    qtbot.mouseClick(bar.close_button, Qt.MouseButton.LeftButton)
    assert not bar.isVisible()
    window.refresh_all()
    assert not bar.isVisible(), "said once"


def test_switching_to_a_plain_archive_hides_the_bar(qtbot, make_window, folder, tmp_path):
    archive = Archive.open(folder)
    archive.read_only = True
    window = make_window(archive, analyse=False)
    assert window.notice_bar.isVisible()
    with qtbot.waitSignal(window.jobs.idle, timeout=30_000):
        assert window.switch_archive(tmp_path / "another") is not None
    assert window.archive.path == tmp_path / "another"
    assert not window.notice_bar.isVisible() and not window.read_only_label.isVisible()
    assert "read-only" not in window.windowTitle()
    assert window.findChild(type(window.trash_action), "importFiles").isEnabled()


def test_a_window_on_an_archive_opened_read_only_still_shows_what_others_add(
    qtbot, make_window, folder, elsewhere
):
    archive = Archive.open(folder)
    add_clipping(archive, TEXT, title="Before")
    archive.close()
    window = make_window(Archive.open(folder, read_only=True), analyse=False)
    assert window.archive.read_only and window.notice_bar.isVisible()
    assert not window.findChild(type(window.trash_action), "importFiles").isEnabled()
    add_clipping(elsewhere(), "Written by a program that may write. More words.", title="After")
    qtbot.waitUntil(lambda: "After" in titles(window), timeout=SHOWN_WITHIN_MS)
    window.catch_up_runner.wait()
    window.search_bar.field.setText("program")
    window.search_bar.flush()
    assert titles(window) == ["After"]


def test_a_read_only_archive_is_not_analysed_in_the_background(make_window, folder):
    Archive.open(folder).close()
    fill(folder / "clippings.sqlite3", 5)  # clippings without the features related pieces use
    archive = Archive.open(folder)
    archive.read_only = True
    window = make_window(archive)
    assert window.jobs.pending == 0
    assert window.analyse_in_background() is None


def test_no_reading_again_while_a_dialog_is_open(qtbot, watched, elsewhere, monkeypatch):
    watched.watch_timer.stop()
    add_clipping(elsewhere(), TEXT, title="Added during a dialog")
    monkeypatch.setattr(QApplication, "activeModalWidget", lambda: watched)
    watched.watch_timer.timeout.emit()
    assert watched._catching_up is None
    monkeypatch.undo()
    with qtbot.waitSignal(watched.model.modelReset, timeout=SHOWN_WITHIN_MS):
        watched.watch_timer.timeout.emit()
    assert "Added during a dialog" in titles(watched)


def test_a_verdict_given_elsewhere_regroups_stories_and_relists_related(
    qtbot, make_window, folder, elsewhere, corpus
):
    """A colleague's "same story" (or another window's) shows here: Stories regroups
    with the rows marked, and the Related panel of the clipping read lists the verdict."""
    from clippings.services import import_paths
    from clippings.services.related import set_verdict, stories
    from clippings.ui.related_panel import IdRole

    root = corpus / "ecbplus" / "text" / "1"
    names = ["1_10ecbplus", "1_11ecbplus", "1_13ecbplus", "1_10ecb", "1_11ecb", "1_12ecb"]
    archive = Archive.open(folder)
    import_paths(archive, [root / f"{n}.txt" for n in names])
    one, other = stories(archive)[:2]
    a, b = one.clippings[0].id, other.clippings[0].id
    window = make_window(archive)
    window.show()
    window.select_clipping(a)
    window.sidebar.itemClicked.emit(window.sidebar.stories_item, 0)
    tree = window.stories_view.tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() >= 2, timeout=20_000)

    def marked():
        rows = window.stories_view._clipping_rows()
        return {c for child, c in rows if child.text(0).startswith("✓ ")}

    assert not marked()
    set_verdict(elsewhere(), a, b, "same story")
    qtbot.waitUntil(lambda: marked() == {a, b}, timeout=SHOWN_WITHIN_MS + 10_000)
    panel = window.related

    def listed_as_yours():
        rows = [panel.list.item(k) for k in range(panel.list.count())]
        return any(r.data(IdRole) == b and "(your verdict)" in r.text() for r in rows)

    qtbot.waitUntil(listed_as_yours, timeout=SHOWN_WITHIN_MS + 10_000)
    window.catch_up_runner.wait()


def test_changes_elsewhere_regroup_stories_in_place_and_not_too_often(
    qtbot, make_window, folder, elsewhere, corpus, monkeypatch
):
    """While another program keeps changing the archive, Stories stays on screen (never
    a blank "grouping…"), the row at the top of the view stays there, and the stories
    are grouped anew at most once per ``REGROUP_MIN_MS``: at 100,000 clippings a
    grouping takes seconds, and a colleague's import must not keep the window at it."""
    from PySide6.QtCore import QPoint

    from clippings.services import import_paths
    from clippings.services.related import set_verdict, stories
    from clippings.ui import browsing
    from clippings.ui.stories_view import IdRole

    archive = Archive.open(folder)
    import_paths(archive, sorted((corpus / "ecbplus" / "text" / "1").glob("*.txt")))
    grouped = stories(archive)
    window = make_window(archive)
    window.resize(900, 420)
    monkeypatch.setattr(browsing, "REGROUP_MIN_MS", 1500)
    groupings: list[int] = []
    real = browsing.stories
    monkeypatch.setattr(browsing, "stories", lambda *a, **k: groupings.append(1) or real(*a, **k))
    window.show_stories()
    view = window.stories_view
    tree = view.tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == len(grouped), timeout=20_000)
    blanked: list[str] = []
    monkeypatch.setattr(view, "show_pending", lambda: blanked.append("grouping…"))

    def top() -> int:
        item = tree.itemAt(QPoint(1, 1))
        if item.data(0, IdRole) is None:
            item = item.child(0)
        return int(item.data(0, IdRole))

    bar = tree.verticalScrollBar()
    assert bar.maximum() > 0, "the test needs a list that scrolls"
    bar.setValue(bar.maximum() // 2)
    at_top = top()
    assert len(grouped) >= 2

    def marked() -> set[int]:
        return {c for child, c in view._clipping_rows() if child.text(0).startswith("✓ ")}

    a, b = grouped[0].clippings[0].id, grouped[1].clippings[0].id
    set_verdict(elsewhere(), a, b, "same story")
    qtbot.waitUntil(lambda: marked() == {a, b}, timeout=SHOWN_WITHIN_MS + 10_000)
    assert len(groupings) == 2
    assert top() == at_top
    # Two more changes soon after: grouped once for both, when the pause is over.
    monkeypatch.setattr(browsing, "REGROUP_MIN_MS", 60_000)
    elsewhere().add_tag([a], "Seen by a colleague")
    qtbot.waitUntil(lambda: window.browsing.regroup_timer.isActive(), timeout=SHOWN_WITHIN_MS)
    elsewhere().add_tag([b], "Seen by a colleague")
    qtbot.wait(2 * OTHER_PROGRAMS_POLL_MS)  # a poll that sees the second change
    window.catch_up_runner.wait()
    qtbot.wait(100)
    assert len(groupings) == 2
    window.browsing.regroup_timer.start(0)  # the pause is over
    qtbot.waitUntil(lambda: len(groupings) == 3, timeout=10_000)
    qtbot.wait(2 * OTHER_PROGRAMS_POLL_MS)
    assert len(groupings) == 3
    assert not blanked
    assert top() == at_top


def test_regrouping_keeps_what_the_reader_was_doing(qtbot, make_window, folder, corpus):
    """Stories grouped anew (another program's change, or the window's own) keep the
    reader's place: the clipping read stays where it was scrolled to, the current one of
    two chosen stays current, a collapsed story stays collapsed, and a row clicked while
    the grouping ran is not undone when it ends."""
    from PySide6.QtCore import QItemSelectionModel

    from clippings.services import import_paths
    from clippings.ui.stories_view import IdRole, StoryRole

    archive = Archive.open(folder)
    import_paths(archive, sorted((corpus / "ecbplus" / "text" / "1").glob("*.txt")))
    window = make_window(archive)
    window.resize(900, 420)
    window.show_stories()
    view = window.stories_view
    tree = view.tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() >= 2, timeout=20_000)
    rows = list(view._clipping_rows())
    first_story, second_story = tree.topLevelItem(0), tree.topLevelItem(1)
    one, two = first_story.child(0), first_story.child(1)
    tree.setCurrentItem(one)
    two.setSelected(True)
    tree.setCurrentItem(two, 0, QItemSelectionModel.SelectionFlag.Select)
    one_id, two_id = one.data(0, IdRole), two.data(0, IdRole)
    assert window.reading.clipping.id == two_id
    bar = window.reading.browser.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=5_000)
    bar.setValue(bar.maximum() // 2)
    place = bar.value()
    second_story.setExpanded(False)
    collapsed = second_story.data(0, StoryRole)

    window.browsing.refresh_stories()
    qtbot.waitUntil(lambda: not window.groupings.busy, timeout=20_000)
    qtbot.wait(50)
    current = tree.currentItem()
    assert current.data(0, IdRole) == two_id == window.reading.clipping.id
    assert set(view.selected_ids()) == {one_id, two_id}
    assert bar.value() == place
    heading = next(
        tree.topLevelItem(n)
        for n in range(tree.topLevelItemCount())
        if tree.topLevelItem(n).data(0, StoryRole) == collapsed
    )
    assert not heading.isExpanded()

    # A row clicked while the stories are grouped is where the reader is afterwards.
    window.browsing.refresh_stories()
    other_id = next(c for _, c in rows if c not in view.selected_ids())
    other = next(child for child, c in view._clipping_rows() if c == other_id)
    tree.setCurrentItem(other)
    assert window.groupings.busy
    qtbot.waitUntil(lambda: not window.groupings.busy, timeout=20_000)
    qtbot.wait(50)
    assert view.selected_ids() == [other_id]
    assert window.reading.clipping.id == other_id
    # A story's heading chosen stays chosen, with no report beside it.
    heading = tree.topLevelItem(0)
    story_id = heading.data(0, StoryRole)
    tree.setCurrentItem(heading)
    window.browsing.refresh_stories()
    qtbot.waitUntil(lambda: not window.groupings.busy, timeout=20_000)
    qtbot.wait(50)
    chosen = [item.data(0, StoryRole) for item in tree.selectedItems()]
    assert chosen == [story_id] and view.selected_ids() == []

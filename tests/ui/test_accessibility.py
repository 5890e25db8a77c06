"""Every control has a name a screen reader can say, and the whole window works from
the keyboard: walked with Qt's accessibility interface and with the Tab key."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleInterface, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from clippings.model import ImportReport, ImportResult
from clippings.ui.dialogs import EditMetadataDialog, ImportSummaryDialog
from clippings.ui.export_dialog import ExportDialog
from clippings.ui.preferences import PreferencesDialog
from tests.conftest import add_clipping, opened_comparison


def interfaces(root: QWidget) -> list[QAccessibleInterface]:
    """The accessibility tree under ``root``, as a screen reader walks it."""
    found: list[QAccessibleInterface] = []
    todo = [QAccessible.queryAccessibleInterface(root)]
    while todo:
        interface = todo.pop()
        if interface is None or not interface.isValid():
            continue
        found.append(interface)
        todo.extend(interface.child(i) for i in range(interface.childCount()))
    return found


def unnamed_controls(root: QWidget) -> list[str]:
    """The focusable, shown widgets whose accessible interface has no name."""
    missing = []
    for interface in interfaces(root):
        widget = interface.object()
        if not isinstance(widget, QWidget) or not widget.isVisible():
            continue
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or interface.state().invisible:
            continue
        if not interface.text(QAccessible.Text.Name).strip():
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


@pytest.fixture
def stocked(make_window):
    window = make_window()
    add_clipping(
        window.archive,
        "The Alder Bridge collapsed after three days of rain. Nobody was hurt.",
        title="Alder Bridge collapses",
        outlet="The Riverside Courier",
    )
    add_clipping(
        window.archive,
        "The Alder Bridge gave way under the flooded river; engineers had warned of cracks.",
        title="Kestrel Valley cut off",
        outlet="Northgate Evening Post",
    )
    window.refresh_all()
    window.table.selectRow(0)
    return window


def test_every_control_of_the_main_window_has_a_name(stocked):
    missing = unnamed_controls(stocked)
    assert missing == [], missing


def test_the_filters_are_named_for_what_they_filter_not_their_value(window):
    bar = window.search_bar
    names = [c.accessibleName() for c in (bar.outlet, bar.language, bar.tag)]
    assert names == ["Filter by outlet", "Filter by language", "Filter by tag"]


def test_every_control_of_the_welcome_has_a_name(window):
    assert window.list_stack.currentWidget() is window.empty_state
    missing = unnamed_controls(window)
    assert missing == [], missing


def test_every_control_of_the_stories_view_has_a_name(qtbot, stocked):
    stocked.show_stories()
    qtbot.waitUntil(lambda: "grouping" not in stocked.stories_view.summary.text(), timeout=10_000)
    missing = unnamed_controls(stocked)
    assert missing == [], missing


def test_every_control_of_the_dialogs_has_a_name(qtbot, stocked, tmp_path):
    clipping = stocked.archive.get(stocked.selected_ids()[0])
    dialogs = [
        EditMetadataDialog(clipping, stocked, outlets=["The Riverside Courier"]),
        ExportDialog(stocked.export_scopes(), tmp_path, stocked),
        PreferencesDialog(
            "whoosh", 2, read_only=False, ocr_available=("eng", "deu"), parent=stocked
        ),
        stocked.show_about(),
    ]
    for dialog in dialogs:
        dialog.show()
        qtbot.waitExposed(dialog)
        missing = unnamed_controls(dialog)
        assert missing == [], f"{dialog.windowTitle()}: {missing}"
        dialog.close()


def test_every_control_of_compare_and_the_import_summary_has_a_name(qtbot, stocked):
    first, second = (stocked.model.id_at(row) for row in (0, 1))
    compare = opened_comparison(qtbot, stocked, lambda: stocked.compare_clippings(first, second))
    qtbot.waitExposed(compare)
    missing = unnamed_controls(compare)
    assert missing == [], missing
    compare.close()
    report = ImportReport(
        results=(
            ImportResult("a.txt", "imported", first, "Alder Bridge collapses"),
            ImportResult("b.pdf", "failed", reason="the file is damaged"),
        )
    )
    summary = ImportSummaryDialog(report, stocked)
    summary.show()
    qtbot.waitExposed(summary)
    missing = unnamed_controls(summary)
    assert missing == [], missing
    summary.close()


def focus_chain(qtbot, window, presses: int = 40) -> list[QWidget]:
    """The widgets Tab visits from the sidebar, in order."""
    window.activateWindow()
    window.sidebar.setFocus(Qt.FocusReason.OtherFocusReason)
    visited = [QApplication.focusWidget()]
    for _ in range(presses):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
    return visited


def test_tab_reaches_every_main_area_in_a_sensible_order(qtbot, stocked):
    visited = focus_chain(qtbot, stocked)
    areas = {
        "sidebar": stocked.sidebar,
        "search": stocked.search_bar.field,
        "list": stocked.table,
        "reading": stocked.reading.browser,
        "related": stocked.related.list,
    }
    first_visit = {}
    for name, widget in areas.items():
        assert widget in visited, f"Tab never reaches the {name}"
        first_visit[name] = visited.index(widget)
    order = sorted(first_visit, key=first_visit.get)
    assert order == ["sidebar", "search", "list", "reading", "related"], order


def test_tab_reaches_the_welcome_buttons(qtbot, window):
    visited = focus_chain(qtbot, window)
    welcome = window.empty_state
    for button in (welcome.sample_button, welcome.import_files_button, welcome.open_folder_button):
        assert button in visited, button.text()
    # The centre comes before the (empty) reading pane, as the eye reads the window.
    assert visited.index(welcome.sample_button) < visited.index(window.reading.browser)


def test_the_menus_show_the_shortcuts(stocked):
    menus = [a.menu() for a in stocked.menuBar().actions() if isinstance(a.menu(), QMenu)]
    shortcuts = {
        action.objectName(): action.shortcut().toString(QKeySequence.SequenceFormat.PortableText)
        for menu in menus
        for action in menu.actions()
        if not action.isSeparator()
    }
    for name in ("importFiles", "find", "tagSelection", "compare", "showAll", "queryHelp"):
        assert shortcuts.get(name), name

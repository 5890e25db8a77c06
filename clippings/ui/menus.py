"""The window's menus: every action with its shortcut, and when each is enabled.

The actions call the window's public methods, so the menus, the context menu of the
list and the tests all go through the same doors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from clippings.ui.main_window import MainWindow


def _action(
    window: MainWindow,
    menu: Any,
    text: str,
    slot: Callable[[], Any],
    shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    *,
    name: str,
) -> QAction:
    action = QAction(text, window)
    action.setObjectName(name)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(lambda _checked=False: slot())
    menu.addAction(action)
    return action


def build_menus(window: MainWindow) -> None:
    """The menu bar, and the list's context menu; the actions the window enables and
    disables become its attributes (``window.trash_action``, …)."""
    w = window
    menus = w.menuBar()
    file = menus.addMenu("&File")
    w.import_files_action = _action(
        w, file, "&Import Files…", w.choose_files, "Ctrl+I", name="importFiles"
    )
    w.import_folder_action = _action(
        w, file, "Import &Folder…", w.choose_folder, "Ctrl+Shift+I", name="importFolder"
    )
    w.export_action = _action(w, file, "&Export…", w.export_current, "Ctrl+Shift+E", name="export")
    _action(w, file, "&Back Up Archive…", w.back_up_archive, name="backUpArchive")
    file.addSeparator()
    _action(w, file, "&Open Archive…", w.choose_archive, "Ctrl+O", name="openArchive")
    _action(w, file, "&New Archive…", w.choose_new_archive, "Ctrl+Shift+N", name="newArchive")
    _action(
        w, file, "Connect to &Team Archive…", w.connect_to_team_archive, name="connectTeamArchive"
    )
    file.addSeparator()
    _action(w, file, "&Quit", w.close, QKeySequence.StandardKey.Quit, name="quit")

    edit = menus.addMenu("&Edit")
    undo = w.undo_stack.createUndoAction(w, "&Undo")
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    undo.setObjectName("undo")
    redo = w.undo_stack.createRedoAction(w, "&Redo")
    redo.setShortcut(QKeySequence.StandardKey.Redo)
    redo.setObjectName("redo")
    edit.addAction(undo)
    edit.addAction(redo)
    w.undo_action, w.redo_action = undo, redo
    edit.addSeparator()
    w.paste_action = _action(
        w, edit, "&Paste as Clipping", w.paste_clipping, "Ctrl+Shift+V", name="pasteClipping"
    )
    _action(w, edit, "&Find", w.focus_search, "Ctrl+F", name="find")
    edit.addSeparator()
    w.tag_action = _action(
        w, edit, "&Tag Selection…", w.tag_selection, "Ctrl+T", name="tagSelection"
    )
    w.untag_action = _action(
        w, edit, "Remove Ta&g…", w.untag_selection, "Ctrl+Shift+T", name="untagSelection"
    )
    w.edit_action = _action(
        w, edit, "&Edit Metadata…", w.edit_selected, "Ctrl+E", name="editMetadata"
    )
    w.rename_outlet_action = _action(
        w, edit, "Rename O&utlet…", w.rename_outlet, name="renameOutlet"
    )
    w.original_action = _action(
        w, edit, "Open &Original", w.open_selected_original, "Ctrl+Shift+O", name="openOriginal"
    )
    w.recognise_action = _action(
        w, edit, "Recognise &Text (OCR)", w.recognise_selected, "Ctrl+Shift+R", name="recognise"
    )
    w.compare_action = _action(
        w, edit, "&Compare Two Clippings", w.compare_selected, "Ctrl+D", name="compare"
    )
    edit.addSeparator()
    w.trash_action = _action(
        w, edit, "&Move to Trash", w.trash_selection, QKeySequence.StandardKey.Delete, name="trash"
    )
    w.restore_action = _action(
        w, edit, "&Restore from Trash", w.restore_selection, "Ctrl+R", name="restore"
    )
    w.purge_action = _action(
        w, edit, "Delete for &Good…", w.purge_selection, "Shift+Del", name="purge"
    )
    view = menus.addMenu("&View")
    _action(w, view, "&All Clippings", w.show_all, "Ctrl+1", name="showAll")
    _action(w, view, "&Stories", w.show_stories, "Ctrl+2", name="showStories")
    _action(w, view, "&Trash", w.show_trash, "Ctrl+3", name="showTrash")
    edit.addSeparator()
    _action(w, edit, "Pre&ferences…", w.show_preferences, "Ctrl+,", name="preferences")
    tools = menus.addMenu("&Tools")
    _action(w, tools, "&Check Archive…", w.check_archive, name="checkArchive")
    help_menu = menus.addMenu("&Help")
    _action(w, help_menu, "&Search Syntax", w.show_query_help, "F1", name="queryHelp")
    _action(w, help_menu, "Open Sa&mple Archive", w.open_sample_archive, name="openSampleArchive")
    help_menu.addSeparator()
    _action(w, help_menu, "&About Clippings", w.show_about, name="about")
    for action in (
        w.tag_action,
        w.untag_action,
        w.edit_action,
        w.original_action,
        w.recognise_action,
        w.trash_action,
        w.restore_action,
        w.purge_action,
    ):
        w.table.addAction(action)


def update_actions(window: MainWindow) -> None:
    """Enable what the selection, the view (list or trash) and the archive allow."""
    w = window
    ids = w.selected_ids()
    has = bool(ids)
    writable = not w.archive.read_only
    for action in (w.tag_action, w.untag_action, w.trash_action):
        action.setEnabled(writable and has and not w.trash_view)
    w.edit_action.setEnabled(writable and len(ids) == 1)
    w.rename_outlet_action.setEnabled(writable)
    w.original_action.setEnabled(len(ids) == 1)
    w.recognise_action.setEnabled(writable and has and not w.trash_view)
    w.compare_action.setEnabled(len(ids) == 2)
    w.restore_action.setEnabled(writable and has and w.trash_view)
    # What a team archive's role does not allow is not offered at all.
    w.purge_action.setVisible(w.archive.may_purge or w.archive.read_only)
    w.purge_action.setEnabled(w.archive.may_purge and has and w.trash_view)
    w.sidebar.structure_allowed = w.archive.may_restructure_tags
    for action in (w.import_files_action, w.import_folder_action, w.paste_action):
        action.setEnabled(writable)
    w.search_bar.save_button.setEnabled(writable)
    w.reading.can_edit = writable
    w.related.set_can_judge(writable)
    w.reading.edit_button.setEnabled(writable and w.reading.clipping is not None)

"""Changing clippings from the window: tags (and the sidebar's tag menu), metadata,
the original file, the trash. Trash, restore and tags can be undone (``commands``)."""

from __future__ import annotations

import stat
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QColor, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QColorDialog, QInputDialog, QLineEdit, QMessageBox

from clippings.model import ClippingsError, plural
from clippings.ui.commands import RestoreCommand, TagCommand, TrashCommand, push
from clippings.ui.dialogs import EditMetadataDialog, OutletRenameDialog, TagDialog

if TYPE_CHECKING:
    from clippings.ui.main_window import MainWindow


class Editing(QObject):
    """Tagging, editing, opening the original, trash, restore and purge."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        window.sidebar.clippings_dropped.connect(self._on_sidebar_clippings_dropped)
        window.sidebar.tag_action_requested.connect(self._on_sidebar_tag_action_requested)
        window.reading.edit_requested.connect(self.edit_metadata)
        window.reading.open_original_requested.connect(self.open_original)
        window.reading.open_copy_requested.connect(self.open_copy)

    # --- Tags -------------------------------------------------------------------------

    def tag_names(self) -> list[str]:
        return [t.name for t in self.window.archive.tags()]

    def tag_selection(self) -> None:
        w = self.window
        ids = w.selected_ids()
        if not ids or not w.writable():
            return
        dialog = TagDialog(
            w.tag_names(),
            title="Tag Clippings",
            prompt=f"Tag {plural(len(ids), 'clipping')} with:",
            parent=w,
        )
        if dialog.exec() and dialog.name():
            w.tag_clippings(ids, dialog.name())

    def untag_selection(self) -> None:
        w = self.window
        ids = w.selected_ids()
        if not ids or not w.writable():
            return
        present = sorted({t for i in ids for t in w.archive.get(i).tags})
        dialog = TagDialog(
            present,
            title="Remove Tag",
            prompt=f"Remove this tag from {plural(len(ids), 'clipping')}:",
            parent=w,
        )
        if present:
            dialog.field.setText(present[0])
        if dialog.exec() and dialog.name():
            push(w.undo_stack, TagCommand(w, ids, dialog.name(), add=False))

    def tag_clippings(self, ids: list[int], tag: str) -> None:
        w = self.window
        if not w.writable():
            return
        push(w.undo_stack, TagCommand(w, ids, tag, add=True))

    @Slot(list, str)
    def _on_sidebar_clippings_dropped(self, ids: list[int], tag: str) -> None:
        self.window.tag_clippings(ids, tag)

    @Slot(str, str)
    def _on_sidebar_tag_action_requested(self, action: str, tag: str) -> None:
        w = self.window
        archive = w.archive
        if action != "export" and not w.writable():
            return
        if action == "new":
            base = f"{tag}/" if tag else ""
            name, ok = QInputDialog.getText(
                w, "New Tag", "Name of the new tag:", QLineEdit.EchoMode.Normal, base
            )
            if ok and name.strip() and name.strip() != base:
                ids = w.selected_ids()
                if ids:
                    w.tag_clippings(ids, name.strip())
                else:
                    w.run_action(lambda: archive.create_tag(name.strip()))
        elif action == "rename":
            name, ok = QInputDialog.getText(
                w, "Rename Tag", f"New name for “{tag}”:", QLineEdit.EchoMode.Normal, tag
            )
            if ok and name.strip() and name.strip() != tag:
                w.run_action(lambda: archive.rename_tag(tag, name.strip(), sync=False))
        elif action == "colour":
            current = w.sidebar.colours.get(tag)
            colour = QColorDialog.getColor(QColor(current or "#888888"), w, f"Colour of “{tag}”")
            if colour.isValid():
                w.run_action(lambda: archive.set_tag_colour(tag, colour.name()))
        elif action == "merge":
            others = [n for n in w.tag_names() if n != tag and not n.startswith(tag + "/")]
            dialog = TagDialog(others, title="Merge Tag", prompt=f"Merge “{tag}” into:", parent=w)
            if dialog.exec() and dialog.name():
                w.run_action(lambda: archive.merge_tag(tag, dialog.name(), sync=False))
        elif action == "export":
            w.export_dialog([w.exporting.tag_scope(tag)])
            return
        elif action == "delete":
            count = archive.count(tag=tag)
            answer = QMessageBox.question(
                w,
                "Delete Tag",
                f"Delete the tag “{tag}” and the tags inside it?\n\n"
                + (
                    f"The {plural(count, 'clipping')} carrying it stay in the archive; "
                    if count != 1
                    else "The clipping carrying it stays in the archive; "
                )
                + "only the tag is removed.",
            )
            if answer == QMessageBox.StandardButton.Yes:
                w.run_action(lambda: archive.delete_tag(tag, sync=False))
        w.after_change()
        w.sync_soon()

    # --- Metadata, the original ---------------------------------------------------------

    def edit_selected(self) -> None:
        ids = self.window.selected_ids()
        if len(ids) == 1:
            self.window.edit_metadata(ids[0])

    @Slot(int)
    def edit_metadata(self, clipping_id: int) -> None:
        w = self.window
        if not w.writable():
            return
        clipping = w.archive.get(clipping_id)
        outlets = [name for name, _ in w.archive.outlets()]
        dialog = EditMetadataDialog(clipping, w, outlets=outlets)
        if dialog.exec():
            changes = dialog.changes()
            if changes:
                w.run_action(lambda: w.archive.edit(clipping_id, changes, sync=False))
                w.after_change()
                w.sync_soon()

    def rename_outlet(self) -> None:
        """Rename an outlet for all its clippings (the selected clipping's, to start)."""
        w = self.window
        if not w.writable():
            return
        outlets = w.archive.outlet_table()
        if not outlets:
            w.statusBar().showMessage("No outlets yet: import clippings first", 5000)
            return
        ids = w.selected_ids()
        current = w.archive.get(ids[0]).outlet if len(ids) == 1 else None
        dialog = OutletRenameDialog(outlets, current, w)
        if not dialog.exec():
            return
        old, new = dialog.old_name(), dialog.new_name()
        if not new or new == old:
            return
        renamed = w.run_action(lambda: w.archive.rename_outlet(old, new, sync=False))
        if renamed is not None:
            count = f"{renamed.count} clipping{'' if renamed.count == 1 else 's'}"
            w.statusBar().showMessage(f"Outlet “{old}” is now “{renamed.name}” ({count})", 5000)
        w.after_change()
        w.sync_soon()

    def open_selected_original(self) -> None:
        ids = self.window.selected_ids()
        if len(ids) == 1:
            self.window.open_original(ids[0])

    @Slot(int)
    def open_original(self, clipping_id: int) -> Path | None:
        """Open a read-only temporary copy of the original with the system's viewer;
        a message says why when it cannot be opened."""
        w = self.window
        try:
            clipping = w.archive.get(clipping_id)
        except ClippingsError as error:
            w.report_problem(f"The original cannot be opened: {error}")
            return None
        name = Path(clipping.original_name).name or f"clipping-{clipping_id}"
        try:
            data = w.archive.original(clipping_id)
        except FileNotFoundError:
            w.report_problem(
                f"The original file of “{clipping.title}” ({name}) is missing from the "
                "archive's originals folder, so it cannot be opened.\n\nImporting the "
                "same file again puts it back; Tools › Check Archive lists every missing file."
            )
            return None
        except OSError as error:
            w.report_problem(
                f"The original file of “{clipping.title}” ({name}) cannot be read: "
                f"{error.strerror or error}."
            )
            return None
        return self._open_file(name, data)

    @Slot(int, str)
    def open_copy(self, clipping_id: int, sha256: str) -> Path | None:
        """Open a read-only temporary copy of one of the clipping's copies (the same
        piece in another format) with the system's viewer."""
        from clippings.services.copies import copy_original

        w = self.window
        found = [c for c in w.archive.get(clipping_id).copies if c.sha256 == sha256]
        if not found:
            return None
        name = Path(found[0].original_name).name or f"clipping-{clipping_id}-copy"
        data = w.run_action(lambda: copy_original(w.archive, clipping_id, found[0]))
        return None if data is None else self._open_file(name, data)

    def _open_file(self, name: str, data: bytes) -> Path | None:
        w = self.window
        try:
            folder = Path(tempfile.mkdtemp(prefix="clippings-original-"))
            copy = folder / name
            copy.write_bytes(data)
            copy.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        except OSError as error:
            w.report_problem(
                f"“{name}” cannot be opened: a copy for the viewer could not be written "
                f"to the temporary folder ({error.strerror or error})."
            )
            return None
        w.opened_originals.append(copy)
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(copy))):
            w.report_problem(
                f"No program on this computer opens “{name}”.\n\nA read-only copy is at {copy}."
            )
        return copy

    # --- Trash ------------------------------------------------------------------------

    def trash_selection(self) -> None:
        w = self.window
        ids = w.selected_ids()
        if ids and not w.trash_view and w.writable() and push(w.undo_stack, TrashCommand(w, ids)):
            undo = w.undo_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            w.statusBar().showMessage(
                f"Moved {plural(len(ids), 'clipping')} to the Trash — Undo with {undo}", 10_000
            )

    def restore_selection(self) -> None:
        w = self.window
        ids = w.selected_ids()
        if ids and w.trash_view and w.writable() and push(w.undo_stack, RestoreCommand(w, ids)):
            w.statusBar().showMessage(
                f"Restored {plural(len(ids), 'clipping')} from the Trash", 10_000
            )

    def purge_selection(self) -> None:
        w = self.window
        ids = w.selected_ids()
        if not ids or not w.trash_view or not w.writable():
            return
        answer = QMessageBox.question(
            w,
            "Delete for Good",
            (
                f"Remove {plural(len(ids), 'clipping')} and their original files for good?\n\n"
                if len(ids) != 1
                else "Remove this clipping and its original file for good?\n\n"
            )
            + "This cannot be undone.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            w.run_action(lambda: w.archive.purge(ids, sync=False))
            w.undo_stack.clear()
            w.after_change()
            w.sync_soon()

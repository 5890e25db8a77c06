"""The undoable changes of the archive (Edit › Undo, Redo): trash, restore, tags.

Each command changes the archive through ``services.Archive`` and then lets the
window read it again; a write the archive refuses leaves nothing on the undo stack.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtGui import QUndoCommand

from clippings.model import ClippingsError
from clippings.services import Archive, TagChange


class ChangesArchive(Protocol):
    """What a command needs of the window: the archive, and a way to show the result."""

    @property
    def archive(self) -> Archive: ...

    def after_change(self) -> None: ...

    def report_problem(self, message: str) -> None: ...


class ArchiveCommand(QUndoCommand):
    """An undoable change of the archive. A write the archive refuses (read-only, the
    disk full) becomes a plain message and leaves nothing on the undo stack."""

    def __init__(self, window: ChangesArchive, text: str) -> None:
        super().__init__(text)
        self.window = window

    def _change(self, change: Callable[[], object]) -> None:
        try:
            change()
        except ClippingsError as error:
            self.setObsolete(True)  # Qt drops it from the stack
            self.window.after_change()
            self.window.report_problem(str(error))
            return
        self.window.after_change()


class TrashCommand(ArchiveCommand):
    def __init__(self, window: ChangesArchive, ids: list[int]) -> None:
        count = len(ids)
        super().__init__(window, f"Move {count} Clipping{'s' if count != 1 else ''} to the Trash")
        self.ids = ids

    def redo(self) -> None:
        self._change(lambda: self.window.archive.trash(self.ids))

    def undo(self) -> None:
        self._change(lambda: self.window.archive.restore(self.ids))


class RestoreCommand(TrashCommand):
    def __init__(self, window: ChangesArchive, ids: list[int]) -> None:
        super().__init__(window, ids)
        self.setText(f"Restore {len(ids)} Clipping{'s' if len(ids) != 1 else ''}")

    def redo(self) -> None:
        super().undo()

    def undo(self) -> None:
        super().redo()


class TagCommand(ArchiveCommand):
    """Add or remove a tag on clippings; undo puts the tags back exactly."""

    def __init__(self, window: ChangesArchive, ids: list[int], tag: str, *, add: bool) -> None:
        verb = "Tag" if add else "Untag"
        count = len(ids)
        super().__init__(window, f"{verb} {count} Clipping{'s' if count != 1 else ''} “{tag}”")
        self.ids, self.tag, self.add = ids, tag, add
        self.change: TagChange | None = None

    def redo(self) -> None:
        archive = self.window.archive

        def tag() -> None:
            if self.add:
                self.change = archive.add_tag(self.ids, self.tag)
            else:
                self.change = archive.remove_tag(self.ids, self.tag)

        self._change(tag)

    def undo(self) -> None:
        change = self.change
        if change:
            self._change(lambda: self.window.archive.undo_tag_change(change))
        else:
            self.window.after_change()

"""The undoable changes of the archive (Edit › Undo, Redo): trash, restore, tags, and
the user's verdicts on pairs of clippings (same story or not).

A command makes its change first (``push``), and goes on the undo stack only when the
change happened: a change the archive refuses (read-only, the disk full, a tag no
clipping carries) becomes a plain message, and Edit › Undo never offers it. A later
undo or redo that fails is dropped from the stack the same way.

The changes only queue the clippings for the search index; the window brings the
index up to date on a worker thread (``sync_soon``), so the GUI thread never waits
for the index while an import holds it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QStatusBar

from clippings.model import ClippingsError, NotFoundError, TagError, Verdict
from clippings.services import Archive, TagChange
from clippings.services.related import set_verdict

log = logging.getLogger(__name__)


class ChangesArchive(Protocol):
    """What a command needs of the window: the archive, and a way to show the result."""

    @property
    def archive(self) -> Archive: ...

    def after_change(self) -> None: ...

    def sync_soon(self) -> None: ...

    def report_problem(self, message: str) -> None: ...

    def statusBar(self) -> QStatusBar: ...  # noqa: N802


class JudgesPairs(ChangesArchive, Protocol):
    """A window that shows stories: it is told of a pair whose verdict changes, to
    say what that did to the stories."""

    def watch_pair(self, a: int, b: int, *, undoing: bool = False) -> None: ...


class NothingToChange(Exception):  # noqa: N818 (not an error: nothing to do)
    """Nothing needed doing (every clipping already has the tag): said in the status
    bar, and nothing goes on the undo stack."""


class ArchiveCommand(QUndoCommand):
    """An undoable change of the archive: ``make`` does it, ``unmake`` undoes it."""

    def __init__(self, window: ChangesArchive, text: str) -> None:
        super().__init__(text)
        self.window = window
        self._made_before_push = False

    def make(self) -> None:
        raise NotImplementedError

    def unmake(self) -> None:
        raise NotImplementedError

    def do(self) -> bool:
        """Make the change now, before the command is pushed; False when it did not
        happen (the user was told why), and then it must not be pushed."""
        self._made_before_push = self._change(self.make)
        return self._made_before_push

    def redo(self) -> None:
        if self._made_before_push:  # ``push``: the change is already made
            self._made_before_push = False
            return
        self._change(self.make)

    def undo(self) -> None:
        self._change(self.unmake)

    def _change(self, change: Callable[[], object]) -> bool:
        # Nothing may escape: an exception out of redo() or undo() is printed by
        # PySide ("Error calling Python override …") and leaves the stack wrong.
        w = self.window
        try:
            change()
        except NothingToChange as nothing:
            self.setObsolete(True)
            w.statusBar().showMessage(str(nothing), 10_000)
            return False
        except ClippingsError as error:
            message = str(error)
        except Exception as error:
            log.exception("%s failed", self.text())
            message = f"{self.text()} failed: {error}\n\nThe details are in the log file."
        else:
            w.after_change()
            w.sync_soon()
            return True
        self.setObsolete(True)  # Qt drops an obsolete command from the stack
        w.after_change()
        w.report_problem(message)
        return False


def push(stack: QUndoStack, command: ArchiveCommand) -> bool:
    """Make the command's change, and put it on the undo stack only if it happened."""
    if not command.do():
        return False
    stack.push(command)
    return True


class TrashCommand(ArchiveCommand):
    def __init__(self, window: ChangesArchive, ids: list[int]) -> None:
        count = len(ids)
        super().__init__(window, f"Move {count} Clipping{'s' if count != 1 else ''} to the Trash")
        self.ids = ids

    def make(self) -> None:
        self.window.archive.trash(self.ids, sync=False)

    def unmake(self) -> None:
        self.window.archive.restore(self.ids, sync=False)


class RestoreCommand(TrashCommand):
    def __init__(self, window: ChangesArchive, ids: list[int]) -> None:
        super().__init__(window, ids)
        self.setText(f"Restore {len(ids)} Clipping{'s' if len(ids) != 1 else ''}")

    def make(self) -> None:
        super().unmake()

    def unmake(self) -> None:
        super().make()


class TagCommand(ArchiveCommand):
    """Add or remove a tag on clippings; undo puts the tags back exactly."""

    def __init__(self, window: ChangesArchive, ids: list[int], tag: str, *, add: bool) -> None:
        verb = "Tag" if add else "Untag"
        count = len(ids)
        super().__init__(window, f"{verb} {count} Clipping{'s' if count != 1 else ''} “{tag}”")
        self.ids, self.tag, self.add = ids, tag, add
        self.change: TagChange | None = None

    def make(self) -> None:
        archive = self.window.archive
        count = len(self.ids)
        if self.add:
            change = archive.add_tag(self.ids, self.tag, sync=False)
            if not change.added:
                every = "It already has" if count == 1 else f"All {count} already have"
                raise NothingToChange(f"{every} the tag “{change.tag}”: nothing to undo.")
        else:
            change = archive.remove_tag(self.ids, self.tag, sync=False)
            if not change.removed:
                which = "This clipping has no" if count == 1 else f"None of the {count}"
                if count != 1:
                    which += " clippings has the"
                raise TagError(f"{which} tag “{change.tag}”: nothing was removed.")
        self.change = change

    def unmake(self) -> None:
        if self.change:
            self.window.archive.undo_tag_change(self.change, sync=False)


#: What the Edit menu's Undo says of a verdict ("Undo Not the Same Story").
VERDICT_TEXTS: dict[Verdict | None, str] = {
    "same story": "Same Story",
    "not same story": "Not the Same Story",
    None: "Let Clippings Decide",
}


class VerdictCommand(ArchiveCommand):
    """Say whether two clippings are the same story (None: take the verdict back, so
    Clippings's own label stands); undo puts the pair's verdict back as it was."""

    def __init__(self, window: JudgesPairs, a: int, b: int, verdict: Verdict | None) -> None:
        super().__init__(window, VERDICT_TEXTS[verdict])
        self.judging = window
        self.a, self.b, self.verdict = a, b, verdict
        self.before: Verdict | None = None

    def make(self) -> None:
        self.before = self._set(self.verdict, undoing=False)
        if self.before == self.verdict:
            said = "You had given no" if self.verdict is None else "That is already your"
            raise NothingToChange(f"{said} verdict on these two clippings: nothing changed.")

    def unmake(self) -> None:
        self._set(self.before, undoing=True)

    def _set(self, verdict: Verdict | None, *, undoing: bool) -> Verdict | None:
        try:
            before = set_verdict(self.window.archive, self.a, self.b, verdict)
        except NotFoundError:
            raise ClippingsError(
                "One of the two clippings was deleted for good meanwhile, and the verdict "
                "with it: nothing changed."
            ) from None
        if before != verdict:  # only a verdict stored has done something to tell
            self.judging.watch_pair(self.a, self.b, undoing=undoing)
        return before

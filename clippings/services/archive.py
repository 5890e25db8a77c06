"""An open archive: the use cases the window and the command line share.

``Archive`` joins the database (``storage``), the original files and the search
index (``search``) of one archive folder. Every method returns frozen dataclasses
from ``clippings.model``. Methods that change what search sees bring the index up
to date before they return (through the index queue, so a crash loses nothing), or,
given ``sync=False``, leave that to the caller (the window syncs on a worker thread,
never waiting for the index lock on its GUI thread).

Long work (import, reindex) takes a ``report(Progress)`` callback and a ``cancel()``
flag and knows nothing of Qt.
"""

from __future__ import annotations

import builtins
import re
import shutil
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from clippings.authors import parse_edited
from clippings.model import (
    AuditEntry,
    CheckProblem,
    Clipping,
    ImportOptions,
    NotFoundError,
    Outlet,
    QueryError,
    ReadOnlyArchiveError,
    SavedSearch,
    Tag,
    TagError,
    tag_name,
)
from clippings.search import DEFAULT_ENGINE, SearchIndex, combine
from clippings.services.archive_index import (
    ENGINE_KEY,
    QUIET_SYNC_TIMEOUT,
    SYNC_BATCH,
    Cancel,
    IndexUpkeep,
    Report,
    with_speakers,
    with_stored_speakers,
)
from clippings.services.archive_opening import ArchiveOpening
from clippings.services.archive_reading import ArchiveReading
from clippings.storage import (
    DATABASE_NAME,
    EDITABLE_FIELDS,
    ORIGINALS_DIR,
    ClippingStore,
    Originals,
    OriginalStore,
)

__all__ = [
    "ENGINE_KEY",
    "QUIET_SYNC_TIMEOUT",
    "SYNC_BATCH",
    "Archive",
    "Cancel",
    "Report",
    "TagChange",
    "with_speakers",
    "with_stored_speakers",
]


@dataclass(frozen=True)
class TagChange:
    """What a tag operation did, enough to undo it."""

    tag: str
    added: tuple[int, ...] = ()
    #: clipping id -> the exact tag names it lost
    removed: Mapping[int, tuple[str, ...]] | None = None
    #: The tag did not exist before (undo takes it away again, if nobody carries it).
    created: bool = False


class Archive(ArchiveOpening, IndexUpkeep, ArchiveReading):
    """One open archive: a folder, or a team archive on a PostgreSQL server.

    Its parts live beside it: opening (``archive_opening``), the search index's
    upkeep (``archive_index``), reading and searching (``archive_reading``).
    """

    def __init__(
        self,
        path: Path,
        store: ClippingStore,
        index: SearchIndex,
        *,
        engine: str = DEFAULT_ENGINE,
        originals: Originals | None = None,
        server: str | None = None,
    ) -> None:
        #: The archive folder; for a team archive, this computer's folder of its
        #: working files (originals opened in another program).
        self.path = path
        #: A team archive's address (``postgresql://user@host/db``, no password).
        self.server = server
        self.store = store
        self.originals: Originals = originals or OriginalStore(path / ORIGINALS_DIR)
        self.index = index
        #: The search engine ``index`` runs on ("whoosh" or "tantivy").
        self.engine = engine
        self._index_lock = threading.Lock()
        #: Opened without write access: search, reading and export work, changes do not.
        self.read_only = False
        self._temporary_index: Path | None = None
        #: Where a rebuild of the index reports its progress (given when opened).
        self._report: Report | None = None
        #: What the user should know about where the archive lives (a synced folder, a
        #: network share, a sync tool's conflict copies), in plain words.
        self.warnings: tuple[str, ...] = ()
        #: What ``services.related`` keeps for this archive while it is open.
        self.related_state: object | None = None
        #: This user's role in a team archive ("reader", "editor", "admin"); None for
        #: an archive folder, whose one user may do everything.
        self.role: str | None = None

    @property
    def location(self) -> str:
        """Where the archive lives, as people read it: its folder or its server."""
        return self.server or str(self.path)

    @property
    def on_server(self) -> bool:
        """A team archive (on a PostgreSQL server), not an archive folder."""
        return self.server is not None

    @property
    def may_purge(self) -> bool:
        """Whether this user may delete clippings for good (a team archive's admin)."""
        return not self.read_only and self.role in (None, "admin")

    @property
    def may_restructure_tags(self) -> bool:
        """Whether this user may rename, recolour, merge and delete tags (an admin)."""
        return not self.read_only and self.role in (None, "admin")

    def history(self, clipping_id: int) -> builtins.list[AuditEntry]:
        """Who imported, edited, tagged, trashed or restored the clipping, and when."""
        return self.store.audit(clipping_id)

    def close(self) -> None:
        self._changed = None  # the change watcher's own connection closes now
        self.index.close()
        self.store.close()
        if self._temporary_index is not None:
            shutil.rmtree(self._temporary_index, ignore_errors=True)
            self._temporary_index = None

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def require_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyArchiveError(
                "this archive is open read-only (its disk or folder cannot be written): "
                "the change was not saved"
            )

    # --- Originals ----------------------------------------------------------------------

    def finish_removals(self) -> int:
        """Remove the files of purged originals that a crash left behind; returns how
        many files went (an original claimed again by an import meanwhile stays)."""
        removed = 0
        for sha in self.store.pending_removals():
            if self.store.remove_unclaimed(sha, self.originals.remove):
                removed += 1
        return removed

    # --- Saved searches ---------------------------------------------------------------

    def saved_searches(self) -> builtins.list[SavedSearch]:
        return self.store.saved_searches()

    def save_search(self, search: SavedSearch) -> None:
        """Keep a query and its filters under a name (replacing one of that name)."""
        if not search.name.strip():
            raise QueryError("a saved search needs a name")
        if not combine(search.query, search.filters).strip():
            raise QueryError("there is nothing to save: type a query or choose a filter")
        # It must parse.
        self._from_index(lambda: self.index.search(combine(search.query, search.filters), limit=1))
        self.store.save_search(
            SavedSearch(search.name.strip(), search.query.strip(), search.filters)
        )

    def delete_saved_search(self, name: str) -> None:
        self.store.delete_saved_search(name)

    # --- What imports use ----------------------------------------------------------------

    def ocr_languages(self) -> tuple[str, ...]:
        """The languages chosen for this archive's OCR (Tesseract codes such as
        ``eng``, ``chi_sim``); empty means automatic (the script found on each page
        picks them)."""
        chosen = self.store.meta(OCR_LANGUAGES_KEY) or ""
        return tuple(code for code in chosen.split("+") if code)

    def set_ocr_languages(self, languages: Iterable[str]) -> None:
        """Choose the OCR languages of this archive (none: automatic).

        Raises:
            ValueError: a code is not a Tesseract language code.
        """
        self.require_writable()
        codes = tuple(dict.fromkeys(code.strip() for code in languages if code.strip()))
        for code in codes:
            if not _LANGUAGE_CODE.fullmatch(code):
                raise ValueError(f"{code!r} is not a Tesseract language code (such as eng)")
        self.store.set_meta(OCR_LANGUAGES_KEY, "+".join(codes))

    def import_options(
        self, *, password: str | None = None, ocr_languages: Iterable[str] = ()
    ) -> ImportOptions:
        """The options of an import into this archive: the languages given, else the
        archive's own."""
        languages = tuple(ocr_languages) or self.ocr_languages()
        return ImportOptions(password=password, ocr_languages=languages)

    def original(self, clipping_id: int) -> bytes:
        """The bytes of the file a clipping was imported from."""
        return self.originals.read(self.store.get(clipping_id).sha256)

    def original_path(self, clipping_id: int) -> Path:
        """A file with the original's bytes (read it; never hand it to another program):
        the stored file itself in an archive folder; for a team archive, a copy written
        into this computer's working folder."""
        sha = self.store.get(clipping_id).sha256
        if isinstance(self.originals, OriginalStore):
            return self.originals.path_for(sha)
        target = self.path / "originals" / sha[:2] / sha
        if not target.is_file():
            self.originals.copy_to(sha, target)
        return target

    # --- Editing ----------------------------------------------------------------------

    def edit(
        self, clipping_id: int, changes: Mapping[str, object], *, sync: bool = True
    ) -> Clipping:
        """Change metadata; each changed field is marked as set by the user.

        With ``sync=False`` the change is only queued for the search index: the
        caller brings the index up to date later (the window, on a worker thread).
        """
        unknown = set(changes) - set(EDITABLE_FIELDS)
        if unknown:
            raise QueryError(f"cannot edit {', '.join(sorted(unknown))}")
        published = changes.get("published")
        if published is not None and not isinstance(published, date | datetime):
            raise TypeError("published must be a date or a datetime")
        if "title" in changes and not str(changes["title"] or "").strip():
            raise QueryError("a clipping needs a title: give a non-empty --title")
        if changes.get("url"):
            _check_url(str(changes["url"]))
        if "author" in changes:
            # The user's list of names, one home for every export (``clippings.authors``).
            author = changes["author"]
            changes = {**changes, "author": parse_edited(str(author) if author else None)}
        clipping = self.store.edit(clipping_id, changes)
        if sync:
            self.sync_quietly()
        return clipping

    # --- Trash ------------------------------------------------------------------------

    def trash(self, ids: Iterable[int], *, sync: bool = True) -> builtins.list[int]:
        """Move clippings to the trash (hidden from the list and search); ``sync`` as
        in ``edit``."""
        changed = self.store.set_trashed(ids, True)
        if sync:
            self.sync_quietly()
        return changed

    def restore(self, ids: Iterable[int], *, sync: bool = True) -> builtins.list[int]:
        changed = self.store.set_trashed(ids, False)
        if sync:
            self.sync_quietly()
        return changed

    def purge(self, ids: Iterable[int] | None = None, *, sync: bool = True) -> builtins.list[int]:
        """Remove trashed clippings for good (the whole trash when ``ids`` is None).

        An original file goes too, unless another clipping still uses it.

        Raises:
            ValueError: an id that is not in the trash.
        """
        removed, _unused = self.store.purge(None if ids is None else list(ids))
        # After the commit, and only files no import has claimed again meanwhile; a
        # crash here leaves the removals recorded and the next open finishes them.
        self.finish_removals()
        if sync:
            self.sync_quietly()
        return removed

    # --- Tags -------------------------------------------------------------------------

    def tags(self) -> builtins.list[Tag]:
        return self.store.tags()

    def tag_called(self, name: str) -> str:
        """The stored tag a reader means by ``name`` (letter case forgiven).

        Raises:
            NotFoundError: no tag of that name (or below it) exists.
            TagError: ``name`` is not a tag name.
        """
        stored = self.store.tag_called(name)
        if stored is None:
            raise NotFoundError(f"there is no tag {name!r}")
        return stored

    def create_tag(self, name: str) -> str:
        """Make an empty tag; returns its name as stored."""
        name = tag_name(name)
        self.store.create_tag(name)
        return name

    def add_tag(self, ids: Iterable[int], name: str, *, sync: bool = True) -> TagChange:
        name = tag_name(name)
        created = not self.store.tag_exists(name)
        added = self.store.add_tag(ids, name)
        if sync:
            self.sync_quietly()
        return TagChange(tag=name, added=tuple(added), created=created)

    def remove_tag(self, ids: Iterable[int], name: str, *, sync: bool = True) -> TagChange:
        name = tag_name(name)
        wanted = self.store.require(ids)
        if not self.store.tag_exists(name):
            raise NotFoundError(f"there is no tag {name!r}")
        before = self.store.tag_members(name)
        self.store.remove_tag(wanted, name)
        if sync:
            self.sync_quietly()
        lost = {i: tuple(before[i]) for i in wanted if i in before}
        return TagChange(tag=name, removed=lost)

    def undo_tag_change(self, change: TagChange, *, sync: bool = True) -> None:
        """Put tags back as they were before ``change``."""
        if change.added:
            self.store.remove_tag(change.added, change.tag)
            unused = not any(self.count(tag=change.tag, trashed=t) for t in (False, True))
            if change.created and unused:
                # Undoing "Tag with a new tag" leaves no empty tag behind in the sidebar.
                self.store.delete_tag(change.tag)
        if change.removed:
            self.store.restore_tags(change.removed)
        if sync:
            self.sync_quietly()

    def rename_outlet(self, old: str, new: str, *, sync: bool = True) -> Outlet:
        """Rename an outlet for every clipping of it (the name is then the user's, never
        replaced by an import); into an outlet already called ``new``, the two merge.

        Raises:
            NotFoundError: no outlet is called ``old``.
            QueryError: ``new`` is empty.
        """
        if not new.strip():
            raise QueryError("an outlet needs a name: give a non-empty new name")
        outlet = self.store.rename_outlet(old, new)
        if sync:
            self.sync_quietly()
        return outlet

    def rename_tag(self, old: str, new: str, *, sync: bool = True) -> None:
        self.store.rename_tag(old, new)
        if sync:
            self.sync_quietly()

    def merge_tag(self, source: str, target: str, *, sync: bool = True) -> None:
        self.store.merge_tag(source, target)
        if sync:
            self.sync_quietly()

    def delete_tag(self, name: str, *, sync: bool = True) -> builtins.list[int]:
        """Delete a tag and its children; never the clippings."""
        affected = self.store.delete_tag(name)
        if sync:
            self.sync_quietly()
        return affected

    def set_tag_colour(self, name: str, colour: str | None) -> None:
        if colour is not None and not _is_colour(colour):
            raise TagError(f"{colour!r} is not a colour: write it as #rrggbb, e.g. #d9534f")
        self.store.set_tag_colour(name, colour.lower() if colour else None)

    # --- Checking ---------------------------------------------------------------------

    def check(self, *, report: Report | None = None) -> builtins.list[CheckProblem]:
        """Everything wrong with the archive (an empty list when all is well).

        Each check is a small function (``clippings.services.checks``); one that
        cannot run (a damaged database) becomes a problem of its own instead of
        stopping the others.
        """
        from clippings.services.checks import run_checks

        return run_checks(self, report=report)

    def repair(self, *, report: Report | None = None) -> builtins.list[str]:
        """Fix what can be fixed without losing anything; returns what was done.

        Finishes interrupted purges, removes original files no clipping uses (left by
        a crash between writing a file and recording it) and half-written files of
        programs that are gone, and rebuilds a search index that is out of step.
        Missing or altered originals cannot be made here: importing the same file
        again restores one.
        """
        from clippings.services.checks import repair

        return repair(self, report=report)

    # --- Other programs ---------------------------------------------------------------

    #: Asks the database watcher, made by the first ``changed_elsewhere``. The watcher's
    #: read-only connection closes when it is collected (with the archive, or when this
    #: is set back to None).
    _changed: Callable[[], bool] | None = None

    def changed_elsewhere(self) -> bool:
        """True when another program (a ``clippings`` command, another window)
        committed a change to the database since the last call. This archive's own
        commits, from any thread, are not counted: whoever makes them shows them. The
        first call starts watching and returns False. Cheap whatever the archive's
        size: the window asks every few seconds on its GUI thread.

        Raises:
            StorageError: the database can no longer be read (the disk went away).
        """
        from clippings.storage.watch import watch_file  # only the window asks this

        if self._changed is None:
            if self.on_server:  # a team archive: the server tells (LISTEN/NOTIFY)
                self._changed = self.store.watch_server().changed
            else:
                self._changed = watch_file(
                    self.path / DATABASE_NAME, self.store.own_changes
                ).changed
            return False
        return self._changed()


#: The archive's OCR languages, in ``archive_meta`` ("eng+deu"; empty: automatic).
OCR_LANGUAGES_KEY = "ocr_languages"
#: A Tesseract language code: ``eng``, ``chi_sim``, ``deu_latf``.
_LANGUAGE_CODE = re.compile(r"[a-z]{3}(?:_[a-z]+)?")


def _is_colour(value: str) -> bool:
    return (
        len(value) in (7, 9)
        and value.startswith("#")
        and all(c in "0123456789abcdefABCDEF" for c in value[1:])
    )


#: The addresses a clipping may link to: its page on the web (what exports and the
#: reading pane turn into links; ``javascript:`` or ``data:`` would run or hide code).
_URL = re.compile(r"(?:https?|ftp)://[^\s<>\"]+", re.IGNORECASE)


def _check_url(url: str) -> None:
    """A clipping's URL: one line of http(s) or ftp, or a ``QueryError`` saying so."""
    if not _URL.fullmatch(url.strip()):
        raise QueryError(
            f"not a web address: {url[:80]!r}: give the page's address, starting with "
            "http:// or https://, on one line without spaces"
        )

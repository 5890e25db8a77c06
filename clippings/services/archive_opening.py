"""Opening an archive folder: looking at it before trusting it, and finishing what a
crash left.

A part of ``Archive`` (``clippings.services.archive``): the folder is prepared (or
refused), the database inspected and upgraded, and an archive that cannot be written
opens read-only, with a temporary index outside the archive when its own cannot be
used as it is.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Self

from clippings import address
from clippings.model import ArchiveError, IndexDocument
from clippings.search import DEFAULT_ENGINE, ENGINES, SearchIndex, engine_folder, open_index
from clippings.services.archive_index import SYNC_BATCH, Cancel, Report, _recorded_engine
from clippings.services.unfinished import clean_unfinished
from clippings.storage import (
    DATABASE_NAME,
    INDEX_DIR,
    ORIGINALS_DIR,
    ClippingStore,
    DatabaseOriginals,
    Originals,
    migrations,
    prepare_folder,
    sqlite,
)
from clippings.storage.location import location_warnings

log = logging.getLogger(__name__)


class ArchiveOpening:
    """Opening an archive (a part of ``Archive``)."""

    if TYPE_CHECKING:
        path: Path
        server: str | None
        store: ClippingStore
        originals: Originals
        index: SearchIndex
        engine: str
        read_only: bool
        warnings: tuple[str, ...]
        role: str | None
        _temporary_index: Path | None
        _report: Report | None

        def __init__(
            self,
            path: Path,
            store: ClippingStore,
            index: SearchIndex,
            *,
            engine: str = DEFAULT_ENGINE,
            originals: Originals | None = None,
            server: str | None = None,
        ) -> None: ...
        def close(self) -> None: ...
        def finish_removals(self) -> int: ...
        def sync_quietly(
            self, *, timeout: float | None = None, batch: int = SYNC_BATCH, once: bool = False
        ) -> int: ...
        def rebuild_index(
            self,
            *,
            report: Report | None = None,
            cancel: Cancel | None = None,
            only_if_needed: bool = False,
        ) -> bool: ...
        def _clean_other_engines(self) -> None: ...
        def _index_batches(self, after: int = 0) -> Iterable[Sequence[IndexDocument]]: ...

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        report: Report | None = None,
        read_only: bool | None = None,
        password: str | None = None,
    ) -> Self:
        """Open (or create) the archive at ``path``, finishing what a crash left.

        The database is looked at before it is trusted (an empty or foreign file is
        refused, never created over), the schema is migrated (after a copy of the
        database is kept in ``backups/``), unfinished purges and half-written originals
        of programs that are gone are cleaned up, queued index updates are applied, and
        a missing, damaged or outdated index is rebuilt. An archive that cannot be
        written (a read-only disk or folder) opens read-only: search, reading and export
        work, changes raise ``ReadOnlyArchiveError``.

        ``path`` may be a team archive's ``postgresql://`` address (``open_server``).

        Raises:
            ArchiveError: the folder cannot be an archive, or its database is damaged.
        """
        if isinstance(path, str) and address.is_server_url(path):
            return cls.open_server(path, password=password, report=report)
        path = Path(path).expanduser()
        clean_unfinished()  # temporaries of exports and backups that a kill left
        if read_only is None:
            read_only = path.is_dir() and sqlite.folder_is_read_only(path)
        if not read_only:
            path = prepare_folder(path)
        elif not (path / DATABASE_NAME).is_file():
            raise ArchiveError(f"{path} holds no Clippings archive (no {DATABASE_NAME})")
        database = path / DATABASE_NAME
        has_content = _has_content(path)
        sqlite.inspect_file(database, archive_has_content=has_content)
        store = ClippingStore.for_file(database, read_only=read_only)
        try:
            store.upgrade()
        except BaseException:
            store.close()
            raise
        try:
            engine = _recorded_engine(store)
        except BaseException:
            store.close()
            raise
        archive = cls(path, store, open_index(path / INDEX_DIR, engine), engine=engine)
        archive.read_only = read_only
        archive.warnings = tuple(location_warnings(path))
        archive._report = report
        try:
            if read_only:
                archive._open_index_read_only(report)
                return archive
            archive.index.clean_debris()
            archive._clean_other_engines()
            for leftover in archive.originals.leftovers():
                leftover.unlink(missing_ok=True)
            archive.finish_removals()
            new_archive = not has_content and not (
                archive.store.count() or archive.store.count(trashed=True)
            )
            reason = archive.index.needs_rebuild()
            if reason and new_archive:
                # A new archive's first index: nothing to rebuild, nothing to announce.
                log.debug("creating the search index of the new archive %s", path)
                archive.rebuild_index(only_if_needed=True)
            elif reason:
                log.info("%s: rebuilding", reason)
                archive.rebuild_index(report=report, only_if_needed=True)
            else:
                archive.sync_quietly()
        except BaseException:
            archive.close()
            raise
        return archive

    @classmethod
    def open_server(
        cls, url: str, *, password: str | None = None, report: Report | None = None
    ) -> Self:
        """Open the team archive at ``url`` (a PostgreSQL database that ``clippings
        server init`` prepared), applying the search index's queued changes.

        A client never creates nor migrates a team archive: that takes the database
        owner's rights, and every client must run a version that knows the schema.

        Raises:
            ArchiveError: the server cannot be reached or refuses the user, or the
                database holds no archive, or one of another schema version.
        """
        from clippings.search import open_server_index
        from clippings.services.credentials import password_for

        shown = address.display(url)
        store = ClippingStore.for_server(url, password=password_for(url, password))
        try:
            found = _server_schema(store, url)
            index = open_server_index(store.engine)
        except BaseException:
            store.close()
            raise
        archive = cls(
            team_folder(shown),
            store,
            index,
            engine="postgresql",
            originals=DatabaseOriginals(store),
            server=shown,
        )
        archive._report = report
        try:
            archive.read_only = not store.may_write()
            archive.role = store.my_role()
            reason = archive.index.needs_rebuild()
            if reason:
                raise ArchiveError(
                    f"the team archive's search index is not ready ({reason}): its admin "
                    f"prepares it with “clippings server upgrade {shown}”"
                )
            if found and not archive.read_only:
                archive.sync_quietly()
        except BaseException:
            archive.close()
            raise
        return archive

    def _open_index_read_only(self, report: Report | None, *, force: bool = False) -> None:
        # The index folder cannot be written: use it as it is, or build a temporary one
        # outside the archive for this session.
        reason = "the search index is damaged" if force else self.index.needs_rebuild()
        if not reason:
            return
        self.index.close()
        if self._temporary_index is not None:
            shutil.rmtree(self._temporary_index, ignore_errors=True)
        log.info("%s: building a temporary index (the archive is read-only)", reason)
        self._temporary_index = Path(tempfile.mkdtemp(prefix="clippings-index-"))
        self.index = open_index(self._temporary_index / INDEX_DIR, self.engine)
        with self.index.locked():
            self.index.rebuild(self._index_batches, self.store.count(), report=report)


def team_folder(shown: str) -> Path:
    """This computer's working folder of a team archive (originals opened in another
    program are written there), in the user's cache folder."""
    import hashlib

    import platformdirs

    name = hashlib.sha256(shown.encode("utf-8")).hexdigest()[:16]
    return platformdirs.user_cache_path("clippings", appauthor=False) / "team" / name


def _server_schema(store: ClippingStore, url: str) -> int:
    """The team archive's schema version, or ArchiveError saying what its admin must do."""
    shown = address.display(url)
    if not store.holds_archive():
        raise ArchiveError(
            f"{shown} holds no Clippings archive yet: its admin prepares it with "
            f"“clippings server init {shown}”"
        )
    found = store.schema_version()
    migrations.check_supported(found)
    if found < migrations.LATEST:
        raise ArchiveError(
            f"the team archive {shown} was made by an older Clippings and must be upgraded "
            f"first: its admin runs “clippings server upgrade {shown}”"
        )
    return found


def _has_content(path: Path) -> bool:
    """Whether an archive folder holds originals or an index (so it is not new)."""
    originals = path / ORIGINALS_DIR
    try:
        return any(engine_folder(path / INDEX_DIR, e).is_dir() for e in ENGINES) or (
            originals.is_dir() and any(originals.iterdir())
        )
    except OSError:
        return True

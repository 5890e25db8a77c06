"""Setting up and upgrading a team archive on a PostgreSQL server.

``init_server`` turns an empty database into a team archive: the schema (the same
numbered migrations as an archive folder's), the search index's tables and the
archive's roles. ``upgrade_server`` brings one to this version's schema. Both need
the rights of the database's owner; clients never create nor migrate a team archive
(``Archive.open_server`` refuses one at another schema version).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from clippings import address
from clippings.model import ArchiveError, Member
from clippings.services.archive import Archive, Report
from clippings.services.archive_opening import team_folder
from clippings.services.credentials import password_for
from clippings.storage import ClippingStore, DatabaseOriginals, migrations
from clippings.storage.postgres_watch import ServerChangeWatcher


@dataclass(frozen=True)
class ServerSetup:
    """What ``init_server`` or ``upgrade_server`` did."""

    #: The team archive's address, without a password.
    address: str
    #: The schema version found before (0: a new archive) and now.
    schema_before: int
    schema_now: int
    #: The archive's roles (reader, editor, admin), as named on the server.
    roles: tuple[str, str, str]
    #: How many clippings the search index holds after.
    indexed: int


def init_server(
    url: str, *, password: str | None = None, report: Report | None = None
) -> ServerSetup:
    """Make the empty database at ``url`` a team archive.

    Raises:
        ArchiveError: the database already holds an archive (use ``upgrade_server``)
            or other tables, or the user may not create roles.
    """
    store = ClippingStore.for_server(url, password=password_for(url, password))
    try:
        if store.holds_archive():
            shown = address.display(url)
            raise ArchiveError(
                f"{shown} already holds a Clippings archive; to bring it to this version "
                f"run “clippings server upgrade {shown}”"
            )
    except BaseException:
        store.close()
        raise
    return _set_up(store, url, report)


def upgrade_server(
    url: str, *, password: str | None = None, report: Report | None = None
) -> ServerSetup:
    """Bring the team archive at ``url`` to this version: schema, search index, roles.

    Back the database up first (``pg_dump``): a schema change cannot be undone.

    Raises:
        ArchiveError: the database holds no archive (use ``init_server``), or one made
            by a newer Clippings.
    """
    store = ClippingStore.for_server(url, password=password_for(url, password))
    try:
        if not store.holds_archive():
            shown = address.display(url)
            raise ArchiveError(
                f"{shown} holds no Clippings archive yet: make one with "
                f"“clippings server init {shown}”"
            )
    except BaseException:
        store.close()
        raise
    return _set_up(store, url, report)


def _set_up(store: ClippingStore, url: str, report: Report | None) -> ServerSetup:
    from clippings.search import open_server_index

    shown = address.display(url)
    try:
        found = store.upgrade()
        index = open_server_index(store.engine)
        index.prepare()
        roles = store.install_server_roles()
    except BaseException:
        store.close()
        raise
    archive = Archive(
        team_folder(shown),
        store,
        index,
        engine="postgresql",
        originals=DatabaseOriginals(store),
        server=shown,
    )
    with archive:
        if archive.index.needs_rebuild():
            archive.rebuild_index(report=report)
        else:
            archive.sync_quietly()
        indexed = archive.count()
    return ServerSetup(shown, found, migrations.LATEST, roles, indexed)


def set_member(url: str, login: str, role: str, *, password: str | None = None) -> None:
    """Give ``login`` the ``role`` (reader, editor or admin) in the team archive at
    ``url``, making the login if it is new (with ``password``). Run by an admin.

    Raises:
        NotAllowedError: the user running it is not the archive's admin.
        ArchiveError: not a role, or a login the archive may not manage.
    """
    with _store(url) as store:
        store.set_member(login, role, password=password)


def remove_member(url: str, login: str) -> None:
    """Take ``login``'s role in the team archive away (the login itself stays)."""
    with _store(url) as store:
        store.remove_member(login)


def members(url: str) -> list[Member]:
    """Who has which role in the team archive at ``url``."""
    with _store(url) as store:
        return store.members()


@contextmanager
def _store(url: str) -> Iterator[ClippingStore]:
    store = ClippingStore.for_server(url, password=password_for(url))
    try:
        _server_schema_known(store, url)
        yield store
    finally:
        store.close()


def _server_schema_known(store: ClippingStore, url: str) -> None:
    if not store.holds_archive():
        shown = address.display(url)
        raise ArchiveError(
            f"{shown} holds no Clippings archive yet: make one with “clippings server init {shown}”"
        )


@dataclass(frozen=True)
class WorkRound:
    """What one round of ``work`` did."""

    indexed: int
    analysed: int


def work(
    url: str,
    *,
    rounds: int | None = None,
    wait: float = 30.0,
    report: Report | None = None,
    stop: Callable[[], bool] | None = None,
    each: Callable[[WorkRound], None] | None = None,
) -> int:
    """Keep the team archive at ``url`` up to date for every client: apply the search
    index's queue and compute the related pieces' stored analysis of new and changed
    clippings, then wait for the next change (LISTEN/NOTIFY, at most ``wait`` seconds).

    The analysis is the app's own Python (stemming per language, numpy vectors), which
    the server cannot run, so it is computed by a client: any window that may write does
    it in the background, as for an archive folder, and this worker does it for a team
    whose people mostly read, or import from scripts. Several workers may run: their
    writes take turns and each clipping is analysed once.

    Returns the number of rounds run (``rounds`` of them, or until ``stop()``).
    """
    from clippings.services.related import compute_missing_features

    done = 0
    with Archive.open_server(url) as archive:
        if archive.read_only:
            raise ArchiveError(
                f"{archive.location}: your account may only read this team archive; the "
                "worker needs an editor's or an admin's"
            )
        watcher = archive.store.watch_server()
        try:
            while rounds is None or done < rounds:
                if stop is not None and stop():
                    break
                indexed = archive.sync_index()
                analysed = compute_missing_features(archive, report=report, cancel=stop)
                done += 1
                if each is not None:
                    each(WorkRound(indexed, analysed))
                if rounds is not None and done >= rounds:
                    break
                _wait_for_change(watcher, wait, stop)
        finally:
            watcher.close()
    return done


def _wait_for_change(
    watcher: ServerChangeWatcher, wait: float, stop: Callable[[], bool] | None
) -> None:
    import time

    changed = watcher.changed
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if (stop is not None and stop()) or changed():
            return
        time.sleep(0.5)

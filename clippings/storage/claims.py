"""The database's side of the originals: which files it claims, and which a purge
gave up and are still to be removed from disk.

A part of ``ClippingStore``. The files themselves are ``originals.py``'s business;
what is here makes sure a file is written before the row that claims it commits,
and removed only after no row claims it (each step inside a write transaction, so an
import in another program cannot claim a file while it goes).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, delete, insert, select

from clippings.storage.queue import chunks
from clippings.storage.schema import clipping_copies, clippings, original_removals, originals


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class OriginalClaims:
    """The originals' rows (a part of ``ClippingStore``)."""

    if TYPE_CHECKING:

        def _reading(self) -> AbstractContextManager[Connection]: ...
        def _writing(self) -> AbstractContextManager[Connection]: ...

    def pending_removals(self) -> list[str]:
        """Originals a purge took out of the database whose files may still be on disk."""
        with self._reading() as conn:
            return [str(s) for s in conn.execute(select(original_removals.c.sha256)).scalars()]

    def remove_unclaimed(self, sha256: str, unlink: Callable[[str], object]) -> bool:
        """Call ``unlink(sha256)`` if no clipping claims that original; True if it did.

        Runs in a write transaction, so no import can claim the file meanwhile (imports
        write originals only while they hold the write lock).
        """
        with self._writing() as conn:
            claimed = conn.execute(
                select(originals.c.sha256).where(originals.c.sha256 == sha256)
            ).scalar()
            if claimed is None:
                unlink(sha256)
            conn.execute(delete(original_removals).where(original_removals.c.sha256 == sha256))
        return claimed is None

    def release_unused_originals(self) -> list[str]:
        """Record the originals no clipping uses (nor keeps as a copy) for removal
        (``remove_unclaimed`` then removes their files); returns them."""
        with self._writing() as conn:
            unused = [
                str(s)
                for s in conn.execute(
                    select(originals.c.sha256).where(
                        originals.c.sha256.notin_(select(clippings.c.sha256)),
                        originals.c.sha256.notin_(select(clipping_copies.c.sha256)),
                    )
                ).scalars()
            ]
            for chunk in chunks(unused):
                conn.execute(delete(originals).where(originals.c.sha256.in_(chunk)))
                conn.execute(delete(original_removals).where(original_removals.c.sha256.in_(chunk)))
                conn.execute(
                    insert(original_removals),
                    [{"sha256": sha, "queued_at": _now()} for sha in chunk],
                )
        return unused

    def restore_original(self, sha256: str, write: Callable[[], object]) -> None:
        """Put back the file of an original the archive records (``write`` writes it),
        inside a write transaction so no purge removes it meanwhile."""
        with self._writing() as conn:
            recorded = conn.execute(
                select(originals.c.sha256).where(originals.c.sha256 == sha256)
            ).scalar()
            if recorded is not None:
                write()

    def claimed_originals(self) -> set[str]:
        """Every original the database records."""
        with self._reading() as conn:
            return {str(s) for s in conn.execute(select(originals.c.sha256)).scalars()}

    def unused_original_rows(self) -> list[str]:
        """Originals the database records that no clipping uses."""
        with self._reading() as conn:
            return [
                str(s)
                for s in conn.execute(
                    select(originals.c.sha256).where(
                        originals.c.sha256.notin_(select(clippings.c.sha256)),
                        originals.c.sha256.notin_(select(clipping_copies.c.sha256)),
                    )
                ).scalars()
            ]

"""The audit trail: who imported, edited, tagged, untagged, trashed, restored or
purged which clipping, and when.

A part of ``ClippingStore`` (reading the trail). The rows are written by database
triggers in the transaction of the change, never by the code that makes it, so no
write path can forget them and a failed change leaves none:

- on a team archive's server (``postgres_audit.py``), by a SECURITY DEFINER trigger
  function as the user that connected: users may read the trail but neither write,
  change nor delete it;
- in an archive folder (``sqlite.py``), by temporary triggers that each of this
  program's connections creates for itself, naming the operating system's user
  (the archive is one person's: there are no accounts).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select

from clippings.model import METADATA_FIELDS, AuditEntry
from clippings.storage.schema import audit_log

#: The columns of ``clippings`` whose change is recorded as "edited" (with their names
#: as the entry's detail): the metadata, the notes and the text (read again by OCR).
AUDITED_FIELDS = (*METADATA_FIELDS, "notes", "text")


@contextmanager
def audit_paused(conn: Connection) -> Iterator[None]:
    """Within the write transaction ``conn``, changes go unrecorded: for a copy of an
    archive, which carries the source's trail as it is rather than one "imported" by
    whoever copied it. If the transaction fails, the triggers are back as they were.
    On a server this needs the tables' owner."""
    if conn.dialect.name == "postgresql":
        from clippings.storage import postgres_audit

        postgres_audit.set_enabled(conn, False)
        yield
        postgres_audit.set_enabled(conn, True)
        return
    from clippings.storage import sqlite

    user = sqlite.pause_audit(conn)
    yield
    sqlite.resume_audit(conn, user)


class AuditStore:
    """Reading the audit trail (a part of ``ClippingStore``)."""

    if TYPE_CHECKING:

        def _reading(self) -> AbstractContextManager[Connection]: ...

    def audit(self, clipping_id: int) -> list[AuditEntry]:
        """What was done to a clipping, oldest first (a purged clipping's trail stays,
        ending with "purged" and its title).

        ``at`` is an aware UTC ``datetime``; ``who`` the server's user name in a team
        archive, the operating system's user in an archive folder.
        """
        with self._reading() as conn:
            rows = conn.execute(
                select(audit_log.c.at, audit_log.c.who, audit_log.c.action, audit_log.c.detail)
                .where(audit_log.c.clipping_id == clipping_id)
                .order_by(audit_log.c.id)
            ).all()
        return [
            AuditEntry(
                at=row.at.replace(tzinfo=UTC),
                who=str(row.who),
                action=str(row.action),
                detail=None if row.detail is None else str(row.detail),
            )
            for row in rows
        ]

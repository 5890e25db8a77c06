"""A team archive's members and their roles (reader, editor, admin).

A part of ``ClippingStore``. The changes go through the server's functions that
``postgres_roles.install`` made (``clippings_set_member``, ``clippings_remove_member``),
which only the archive's admins (and its owner) may run and which can grant nothing
but the archive's three roles; this module adds the words. An archive folder is one
person's: it has no members, and ``my_role`` is None.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from clippings.model import ROLES, ArchiveError, Member, MemberError

#: Refusals of the members' functions (a bad name or role, an account not theirs).
_REFUSED = "22023"

_FOLDER_MESSAGE = (
    "an archive folder is one person's: it has no accounts nor roles (a team archive "
    "on a PostgreSQL server has them)"
)


class MemberStore:
    """The members of a team archive (a part of ``ClippingStore``)."""

    if TYPE_CHECKING:

        @property
        def on_server(self) -> bool: ...

        def _reading(self) -> AbstractContextManager[Connection]: ...
        def _writing(self) -> AbstractContextManager[Connection]: ...

    def set_member(self, login: str, role: str, password: str | None = None) -> None:
        """Give the account ``login`` the role ``role`` ("reader", "editor" or "admin")
        in this team archive, making the account if the server has none of that name.

        Its other role in this archive, if any, is taken away. ``password`` is a new
        account's (an existing account's password is its owner's to change, or the
        server administrator's: refused). It is hashed (SCRAM-SHA-256) here, so the
        server and its logs never see it in clear. Needs the admin role.

        Raises:
            MemberError: not a role, a user name the server cannot take, or an account
                the archive's admins may not change (a server administrator, one that
                cannot log in, one's own) or a password for an account that exists.
            NotAllowedError: the user is not an admin of this archive.
            ArchiveError: an archive folder, which has no accounts.
        """
        if not self.on_server:
            raise ArchiveError(_FOLDER_MESSAGE)
        if role not in ROLES:
            raise MemberError(f"a role is reader, editor or admin, not {role!r}")
        with self._writing() as conn:
            secret = _hashed(conn, login, password) if password is not None else None
            _call(
                conn,
                "SELECT public.clippings_set_member(:login, :role, :secret)",
                {"login": login, "role": role, "secret": secret},
            )

    def remove_member(self, login: str) -> bool:
        """Take the account ``login`` out of this team archive (it loses its role here;
        the account stays, as it may belong to other archives). Returns whether it had
        a role here. Needs the admin role.

        Raises:
            MemberError: an account the archive's admins may not change.
            NotAllowedError: the user is not an admin of this archive.
            ArchiveError: an archive folder, which has no accounts.
        """
        if not self.on_server:
            raise ArchiveError(_FOLDER_MESSAGE)
        with self._writing() as conn:
            return bool(
                _call(conn, "SELECT public.clippings_remove_member(:login)", {"login": login})
            )

    def members(self) -> list[Member]:
        """The accounts of this team archive with their roles, by name (an account in
        several roles is listed once, with the highest). Empty for an archive folder."""
        if not self.on_server:
            return []
        with self._reading() as conn:
            rows = conn.execute(text("SELECT login, kind FROM public.clippings_members()")).all()
        return [Member(login=str(row.login), role=str(row.kind)) for row in rows]

    def my_role(self) -> str | None:
        """This user's role in the team archive: "reader", "editor" or "admin" (the
        database's owner and the server's superusers count as admins). None for an
        archive folder, and for a user with no role in this archive."""
        if not self.on_server:
            return None
        with self._reading() as conn:
            owner = conn.execute(
                text(
                    "SELECT pg_has_role(current_user, datdba, 'USAGE') FROM pg_database "
                    "WHERE datname = current_database()"
                )
            ).scalar()
            if owner:
                return "admin"
            held = set(
                conn.execute(
                    text(
                        "SELECT substr(rolname, length(current_database()) + 2) FROM pg_roles "
                        "WHERE rolname IN (current_database() || '_reader', "
                        "current_database() || '_editor', current_database() || '_admin') "
                        "AND pg_has_role(current_user, oid, 'USAGE')"
                    )
                ).scalars()
            )
        return next((role for role in reversed(ROLES) if role in held), None)


def _hashed(conn: Connection, login: str, password: str) -> str:
    """The password's SCRAM-SHA-256 verifier, made by the client's libpq."""
    raw: Any = conn.connection.dbapi_connection
    secret = raw.pgconn.encrypt_password(password.encode(), login.encode(), b"scram-sha-256")
    return bytes(secret).decode()


def _call(conn: Connection, statement: str, values: dict[str, Any]) -> Any:
    try:
        return conn.execute(text(statement), values).scalar()
    except DBAPIError as error:
        cause = error.orig
        if getattr(cause, "sqlstate", None) == _REFUSED:
            said = getattr(getattr(cause, "diag", None), "message_primary", None)
            raise MemberError(said or str(cause).splitlines()[0]) from None
        raise

"""Where an archive lives: a folder, or a team archive's address on a PostgreSQL server.

Plain string work with no database library, so that the command line can tell the two
apart before it loads anything (``clippings --help`` stays instant). An address is
shown and remembered without its password (``display``); the password is kept in the
system's keyring (``services.credentials``).
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit, urlunsplit

#: The URL schemes a user may type for a team archive.
SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


def is_server_url(text: str) -> bool:
    """Whether ``text`` names a team archive (``postgresql://…``) rather than a folder."""
    head, sep, _ = text.strip().partition("://")
    return bool(sep) and head.lower() in SCHEMES


def display(url: str) -> str:
    """The address as shown to people and kept in settings: without a password."""
    parts = urlsplit(url.strip())
    scheme = "postgresql" if parts.scheme.lower() in SCHEMES else parts.scheme
    if parts.password is None:
        return urlunsplit((scheme, parts.netloc, parts.path, parts.query, ""))
    host = parts.netloc.rpartition("@")[2]
    user = parts.username or ""
    return urlunsplit((scheme, f"{user}@{host}" if user else host, parts.path, "", ""))


def password_in(url: str) -> str | None:
    """The password written in the address itself, if any."""
    found = urlsplit(url.strip()).password
    return unquote(found) if found is not None else None


def database_name(url: str) -> str:
    return unquote(urlsplit(url.strip()).path.strip("/"))


def user_name(url: str) -> str | None:
    name = urlsplit(url.strip()).username
    return unquote(name) if name else None


def with_user(url: str, user: str) -> str:
    """The address with ``user`` as its user name (no password)."""
    parts = urlsplit(display(url))
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, f"{user}@{host}", parts.path, parts.query, ""))

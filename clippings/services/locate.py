"""Which archive to open: ``--archive``, else ``CLIPPINGS_ARCHIVE``, else the default.

An archive is a folder (a ``Path``) or a team archive's address on a PostgreSQL server
(a ``postgresql://`` string, kept as typed: ``storage.postgres`` reads it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

from clippings.address import is_server_url

APP_NAME = "clippings"
ENV_ARCHIVE = "CLIPPINGS_ARCHIVE"


def default_archive_path() -> Path:
    """The user's data folder (``~/.local/share/clippings/archive`` on Linux)."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "archive"


def state_path() -> Path:
    """Where logs go (``$XDG_STATE_HOME/clippings``)."""
    return platformdirs.user_state_path(APP_NAME, appauthor=False)


def resolve_archive_path(
    explicit: str | os.PathLike[str] | None, environ: Mapping[str, str] | None = None
) -> Path | str:
    """The archive folder, or a team archive's ``postgresql://`` address."""
    environ = os.environ if environ is None else environ
    chosen = str(explicit) if explicit else environ.get(ENV_ARCHIVE)
    if chosen:
        return chosen.strip() if is_server_url(chosen.strip()) else Path(chosen).expanduser()
    return default_archive_path()


def archive_exists(path: Path | str) -> bool:
    """Whether ``path`` is anything but a missing or empty folder, so that a command
    which only reads or changes clippings does not make an empty archive of a mistyped
    path. (A folder with other files, or a damaged archive, is left to opening the
    archive, which says what is wrong with it.) A team archive's address is left to
    opening too: a client never creates one."""
    if isinstance(path, str):
        return True
    path = path.expanduser()
    return path.exists() and not (path.is_dir() and not any(path.iterdir()))

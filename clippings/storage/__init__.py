"""Storage: the archive folder, its SQLite database and its originals.

The only layer that imports SQLAlchemy. Nothing here knows about search or Qt.
"""

from __future__ import annotations

from pathlib import Path

from clippings.model import ArchiveError
from clippings.storage import migrations, postgres, sqlite
from clippings.storage.database import (
    BACKUPS_DIR,
    EDITABLE_FIELDS,
    ClippingStore,
    NewClipping,
    SortKey,
)
from clippings.storage.originals import (
    Incoming,
    IncomingOriginal,
    Originals,
    OriginalStore,
    sha256_of,
)
from clippings.storage.originals_db import DatabaseOriginals

DATABASE_NAME = "clippings.sqlite3"
INDEX_DIR = "index"
ORIGINALS_DIR = "originals"


#: What Clippings itself keeps in an archive folder (besides the database).
_OWN_NAMES = {
    ORIGINALS_DIR,
    INDEX_DIR,
    f"{INDEX_DIR}.lock",
    f"{INDEX_DIR}.new",
    f"{INDEX_DIR}.old",
    # The tantivy engine's index, when the archive uses it.
    f"{INDEX_DIR}-tantivy",
    f"{INDEX_DIR}-tantivy.new",
    f"{INDEX_DIR}-tantivy.old",
    BACKUPS_DIR,
    f"{DATABASE_NAME}-wal",
    f"{DATABASE_NAME}-shm",
    f"{DATABASE_NAME}-journal",
}


def prepare_folder(path: Path) -> Path:
    """The archive folder at ``path``, made if missing or empty.

    Raises:
        ArchiveError: ``path`` is a file, or a folder that holds other files and no
            archive (Clippings never mixes its files into someone else's folder), or an
            archive whose database is gone while its original files are there.
    """
    path = path.expanduser()
    if path.exists() and not path.is_dir():
        raise ArchiveError(f"{path} is a file, not an archive folder")
    database = path / DATABASE_NAME
    if path.is_dir() and not database.exists():
        refusal = _refusal(path)
        # Another program may have made the archive here since the first look (several
        # commands started at once on a new folder): its database is then there, and a
        # database, once made, is never taken away by Clippings.
        if refusal is not None and not database.exists():
            raise refusal
    try:
        (path / ORIGINALS_DIR).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ArchiveError(f"cannot create the archive folder {path}: {error.strerror}") from error
    return path


def _refusal(path: Path) -> ArchiveError | None:
    """Why the folder ``path``, which showed no database, cannot become an archive."""
    names = sorted(p.name for p in path.iterdir())
    others = [name for name in names if name not in _OWN_NAMES and name != DATABASE_NAME]
    if others:
        shown = ", ".join(others[:3]) + (", …" if len(others) > 3 else "")
        return ArchiveError(
            f"{path} holds other files ({shown}) and no Clippings archive; "
            "choose an empty or new folder"
        )
    originals = path / ORIGINALS_DIR
    if originals.is_dir() and any(originals.iterdir()):
        return ArchiveError(
            sqlite.damaged_message(path / DATABASE_NAME, "the archive's database is missing")
        )
    return None


__all__ = [
    "DATABASE_NAME",
    "EDITABLE_FIELDS",
    "INDEX_DIR",
    "ORIGINALS_DIR",
    "ClippingStore",
    "DatabaseOriginals",
    "Incoming",
    "IncomingOriginal",
    "NewClipping",
    "OriginalStore",
    "Originals",
    "SortKey",
    "migrations",
    "postgres",
    "prepare_folder",
    "sha256_of",
    "sqlite",
]

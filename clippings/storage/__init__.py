"""Storage: the archive folder, its SQLite database and its originals.

The only layer that imports SQLAlchemy. Nothing here knows about search or Qt.
"""

from __future__ import annotations

from pathlib import Path

from clippings.model import ArchiveError
from clippings.storage.database import EDITABLE_FIELDS, ClippingStore, NewClipping, SortKey
from clippings.storage.originals import OriginalStore, sha256_of

DATABASE_NAME = "clippings.sqlite3"
INDEX_DIR = "index"
ORIGINALS_DIR = "originals"


def prepare_folder(path: Path) -> Path:
    """The archive folder at ``path``, made if missing or empty.

    Raises:
        ArchiveError: ``path`` is a file, or a folder that holds other files and no
            archive (Clippings never mixes its files into someone else's folder).
    """
    path = path.expanduser()
    if path.exists() and not path.is_dir():
        raise ArchiveError(f"{path} is a file, not an archive folder")
    if path.is_dir() and not (path / DATABASE_NAME).exists():
        others = sorted(p.name for p in path.iterdir())
        if others:
            shown = ", ".join(others[:3]) + (", …" if len(others) > 3 else "")
            raise ArchiveError(
                f"{path} holds other files ({shown}) and no Clippings archive; "
                "choose an empty or new folder"
            )
    try:
        (path / ORIGINALS_DIR).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ArchiveError(f"cannot create the archive folder {path}: {error.strerror}") from error
    return path


__all__ = [
    "DATABASE_NAME",
    "EDITABLE_FIELDS",
    "INDEX_DIR",
    "ORIGINALS_DIR",
    "ClippingStore",
    "NewClipping",
    "OriginalStore",
    "SortKey",
    "prepare_folder",
    "sha256_of",
]

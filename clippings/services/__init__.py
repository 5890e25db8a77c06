"""The archive's use cases, shared by the window and the command line."""

from __future__ import annotations

from clippings.services.archive import Archive, TagChange
from clippings.services.files import expand
from clippings.services.importing import import_bytes, import_paths, text_fingerprint
from clippings.services.locate import default_archive_path, resolve_archive_path

__all__ = [
    "Archive",
    "TagChange",
    "default_archive_path",
    "expand",
    "import_bytes",
    "import_paths",
    "resolve_archive_path",
    "text_fingerprint",
]

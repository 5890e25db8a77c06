"""The archive's use cases, shared by the window and the command line.

The names below are imported when first used, not with the package: a command that
only reads the archive (``clippings search``) never loads the importers, the analysis
of related pieces or numpy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clippings.services.archive import Archive, TagChange
    from clippings.services.files import expand
    from clippings.services.importing import (
        accepted_formats,
        import_bytes,
        import_paths,
        text_fingerprint,
    )
    from clippings.services.locate import default_archive_path, resolve_archive_path

#: Public name -> the module that defines it.
_WHERE = {
    "Archive": "clippings.services.archive",
    "TagChange": "clippings.services.archive",
    "expand": "clippings.services.files",
    "accepted_formats": "clippings.services.importing",
    "import_bytes": "clippings.services.importing",
    "import_paths": "clippings.services.importing",
    "text_fingerprint": "clippings.services.importing",
    "default_archive_path": "clippings.services.locate",
    "resolve_archive_path": "clippings.services.locate",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "Archive",
    "TagChange",
    "accepted_formats",
    "default_archive_path",
    "expand",
    "import_bytes",
    "import_paths",
    "resolve_archive_path",
    "text_fingerprint",
]

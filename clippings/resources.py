"""Where the files that ship with Clippings live: the icon, the sample archive's articles.

They sit in the project's top-level ``resources/`` folder. A source checkout or an
editable install reads that folder in place; a PyInstaller build carries it beside the
program (``sys._MEIPASS``); a wheel carries it as ``clippings/_resources``.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def resources_dir() -> Path:
    """The folder holding the shipped resources (the first of the known places that exists)."""
    bundled = getattr(sys, "_MEIPASS", None)
    candidates = []
    if bundled:
        candidates.append(Path(bundled) / "resources")
    candidates += [_HERE / "_resources", _HERE.parent / "resources"]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[-1]


def resource_path(*parts: str) -> Path:
    """A shipped file or folder, e.g. ``resource_path("icons", "clippings.svg")``."""
    return resources_dir().joinpath(*parts)

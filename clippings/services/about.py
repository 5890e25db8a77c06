"""What Help › About tells: the open archive's size and contents, and the libraries
Clippings runs on with their versions (for a bug report)."""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from clippings.model import ClippingsError

if TYPE_CHECKING:
    from clippings.services.archive import Archive
    from clippings.services.archive_index import Cancel, Report

#: The libraries named in About, by their distribution names (what the licence of each
#: is found under); Qt, which only the window knows, is added by the window.
LIBRARIES = (
    ("SQLAlchemy", "SQLAlchemy"),
    ("Whoosh", "whoosh-reloaded"),
    ("tantivy", "tantivy"),
    ("pdfminer.six", "pdfminer.six"),
    ("trafilatura", "trafilatura"),
    ("lxml", "lxml"),
    ("charset-normalizer", "charset-normalizer"),
    ("dateparser", "dateparser"),
    ("nh3", "nh3"),
    ("py3langid", "py3langid"),
    ("mammoth", "mammoth"),
    ("striprtf", "striprtf"),
    ("tesserocr", "tesserocr"),
    ("Pillow", "Pillow"),
    ("pypdfium2", "pypdfium2"),
    ("pikepdf", "pikepdf"),
    ("snowballstemmer", "snowballstemmer"),
    ("PyStemmer", "PyStemmer"),
    ("stopwordsiso", "stopwordsiso"),
    ("NumPy", "numpy"),
    ("platformdirs", "platformdirs"),
)

NOT_INSTALLED = "not installed"


@dataclass(frozen=True)
class ArchiveFacts:
    """The open archive in numbers."""

    path: Path
    clippings: int
    trashed: int
    #: Bytes on disk of everything in the archive's folder (a team archive: of its
    #: database on the server).
    size: int
    engine: str
    #: Where the archive lives, as people read it: its folder or its server's address.
    location: str = ""


def library_versions() -> tuple[tuple[str, str], ...]:
    """(name, version) of Python, SQLite, Tesseract and the libraries used; a library
    that is missing says so instead of a version."""
    found: list[tuple[str, str]] = [
        ("Python", platform.python_version()),
        ("SQLite", sqlite3.sqlite_version),
    ]
    for name, distribution in LIBRARIES:
        try:
            found.append((name, metadata.version(distribution)))
        except metadata.PackageNotFoundError:
            found.append((name, NOT_INSTALLED))
    found.append(("Tesseract", _tesseract()))
    return tuple(found)


def _tesseract() -> str:
    from clippings.importers.ocr import tesseract_version

    try:
        return tesseract_version()
    except (ImportError, OSError, RuntimeError, ClippingsError):
        return NOT_INSTALLED


def system_description() -> str:
    """The operating system and Python build, one line."""
    return f"{platform.platform()} · {sys.implementation.name} {platform.python_version()}"


def folder_size(folder: Path, *, cancel: Cancel | None = None) -> int:
    """The bytes on disk of the files in a folder and below (links not followed)."""
    total = 0
    for root, _dirs, files in os.walk(folder):
        if cancel and cancel():
            break
        for name in files:
            try:
                total += Path(root, name).lstat().st_size
            except OSError:
                continue  # removed meanwhile (an index commit, a cleaned temporary)
    return total


def archive_facts(
    archive: Archive, *, report: Report | None = None, cancel: Cancel | None = None
) -> ArchiveFacts:
    """How many clippings the archive holds and its size on disk (walks its folder:
    run it off the GUI thread)."""
    return ArchiveFacts(
        path=archive.path,
        clippings=archive.count(),
        trashed=archive.count(trashed=True),
        size=(
            archive.store.database_size()
            if archive.on_server
            else folder_size(archive.path, cancel=cancel)
        ),
        engine=archive.engine,
        location=archive.location,
    )

"""Exporters: one module per output format, like the importers.

An exporter writes a ``Collection`` (frozen clippings, already ordered) to a file.
It knows nothing of the database or the index: the service gathers the clippings
and hands a function that reads an original's bytes to the formats that need them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import Protocol

from clippings.model import Cancelled, Collection, Progress

Report = Callable[[Progress], None]
Cancel = Callable[[], bool]
ReadOriginal = Callable[[str], bytes]


class Exporter(Protocol):
    #: The name users give with ``--format``.
    name: str
    #: The suffix of the file it writes.
    suffix: str

    def write(
        self,
        collection: Collection,
        path: Path,
        *,
        read_original: ReadOriginal,
        report: Report | None = None,
        cancel: Cancel | None = None,
    ) -> None:
        """Write the collection to ``path`` (raising ``Cancelled`` when asked to stop)."""
        ...


def step(
    report: Report | None, cancel: Cancel | None, done: int, total: int, message: str = "Exporting"
) -> None:
    """Report progress, and stop with ``Cancelled`` if the user asked."""
    if cancel and cancel():
        raise Cancelled("the export was cancelled")
    if report:
        report(Progress(done, total, message))


# Modules load when first used: the PDF dossier needs Qt's GUI module.
_EXPORTERS = (
    "clippings.exporters.bundle:BundleExporter",
    "clippings.exporters.dossier:DossierExporter",
    "clippings.exporters.data:CsvExporter",
    "clippings.exporters.data:JsonExporter",
    "clippings.exporters.data:MarkdownExporter",
    "clippings.exporters.citation:RisExporter",
    "clippings.exporters.citation:CslJsonExporter",
)

#: Every format, in the order they are offered, with what it is (for help texts and the
#: export dialog, without loading the format's module).
FORMATS = {
    "bundle": "a .zip: browsable index.html and pages, JSON, CSV and the original files",
    "pdf": "a press review dossier: cover, contents with page numbers, each clipping",
    "csv": "a UTF-8 table, one row per clipping",
    "json": "a list of clippings with every field",
    "markdown": "one Markdown file with every clipping's text",
    "ris": "RIS citations (type NEWS) for Zotero, EndNote, Mendeley",
    "csl-json": "CSL-JSON citations (article-newspaper) for Zotero, Pandoc",
}
FORMAT_NAMES = tuple(FORMATS)


@cache
def exporter(name: str) -> Exporter:
    """The exporter of a format name (``bundle``, ``pdf``, ``csv`` …).

    Raises:
        KeyError: no such format.
    """
    if name not in FORMAT_NAMES:
        raise KeyError(name)
    spec = _EXPORTERS[FORMAT_NAMES.index(name)]
    module, _, attribute = spec.partition(":")
    made: Exporter = getattr(import_module(module), attribute)()
    return made


class TextExporter(ABC):
    """A format that is one text file: subclasses say how a collection reads as text.

    ``render`` calls ``progress(done)`` as it goes through the clippings (which also
    stops it with ``Cancelled`` when the user asked).
    """

    name = ""
    suffix = ""
    #: ``newline`` for ``Path.write_text`` ("" keeps the "\r\n" a format asks for).
    newline: str | None = None

    @abstractmethod
    def render(self, collection: Collection, progress: Callable[[int], None]) -> str:
        """The whole file's text."""

    def write(
        self,
        collection: Collection,
        path: Path,
        *,
        read_original: ReadOriginal,
        report: Report | None = None,
        cancel: Cancel | None = None,
    ) -> None:
        total = len(collection.clippings)
        text = self.render(collection, lambda done: step(report, cancel, done, total))
        path.write_text(text, encoding="utf-8", newline=self.newline)
        step(report, None, total, total)

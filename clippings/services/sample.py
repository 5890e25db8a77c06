"""The sample archive: a few short articles the project wrote, to try Clippings on.

The articles ship in ``resources/sample/``. They are invented (fictional outlets,
people and places, addresses on example.org and example.com): two reports of the
same bridge collapse told differently, a news-agency story that two outlets carried
almost word for word, a follow-up a week later, and unrelated pieces in English,
German and French. Search, tags, related pieces, stories and comparing can all be
tried on them at once. The window (Help › Open Sample Archive) and the command line
(``clippings sample``) build it with the same function.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from clippings.model import ImportReport
from clippings.resources import resource_path
from clippings.services.locate import APP_NAME

if TYPE_CHECKING:
    from clippings.services.archive import Archive
    from clippings.services.archive_index import Cancel, Report

#: The sample archive's folder name, beside the user's own archive.
SAMPLE_FOLDER = "Sample archive"

#: The tags given to the sample articles, by file name: a couple, so the sidebar and
#: ``tag:`` searches have something to show.
SAMPLE_TAGS: dict[str, tuple[str, ...]] = {
    "01-courier-alder-bridge.html": ("Kestrel Valley",),
    "02-northgate-post-kestrel-cut-off.html": ("Kestrel Valley",),
    "03-valley-herald-wire-bridge.html": ("Kestrel Valley",),
    "05-courier-temporary-bridge.html": ("Kestrel Valley",),
    "08-echo-de-belmont-festival-jazz.html": ("Culture",),
}


@dataclass(frozen=True)
class SampleArchive:
    """What building the sample archive did."""

    path: Path
    #: The import of the sample articles (empty when the archive already had them).
    report: ImportReport
    #: The clippings tagged, by tag name.
    tagged: tuple[tuple[str, int], ...]


def sample_archive_path() -> Path:
    """Where the sample archive lives: beside the default archive, in the user's data
    folder (``~/.local/share/clippings/Sample archive`` on Linux)."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / SAMPLE_FOLDER


def sample_files() -> list[Path]:
    """The sample articles shipped with Clippings, in their order."""
    folder = resource_path("sample")
    return sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in {".html", ".txt"}
    )


def needs_sample_articles(archive: Archive) -> bool:
    """True while the archive has no clippings at all (live or in the trash): a sample
    archive opened again keeps what the user did with it."""
    return archive.count() == 0 and archive.count(trashed=True) == 0


def fill_sample_archive(
    archive: Archive, *, report: Report | None = None, cancel: Cancel | None = None
) -> SampleArchive:
    """Import the sample articles into an archive (through the normal import) and tag
    a couple; an archive that has clippings already is left as it is."""
    from clippings.services.importing import import_paths

    if not needs_sample_articles(archive):
        return SampleArchive(archive.path, ImportReport(results=()), ())
    files = sample_files()
    imported = import_paths(archive, [str(p) for p in files], report=report, cancel=cancel)
    by_name = {Path(r.path).name: r.id for r in imported.results if r.id is not None}
    tagged: list[tuple[str, int]] = []
    for tag in sorted({t for tags in SAMPLE_TAGS.values() for t in tags}):
        found = (by_name.get(name) for name, tags in SAMPLE_TAGS.items() if tag in tags)
        clipping_ids = [i for i in found if i is not None]
        if clipping_ids:
            archive.add_tag(clipping_ids, tag)
            tagged += [(tag, i) for i in clipping_ids]
    return SampleArchive(archive.path, imported, tuple(tagged))

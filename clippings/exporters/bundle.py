"""The bundle: a zip that works offline in any browser and moves clippings between
archives.

```
index.html            a table of the clippings (date, outlet, title, tags), by date,
                      with a filter box and sortable columns (a small inline script)
clippings/<n>-<title>.html   one page per clipping: metadata, tags, notes and text
safe-originals/<name>.html   a saved web page's original, made safe to open
clippings.json        {"version": 1, "clippings": [every field and tag], "tag_colours": {…}}
                      (what ``clippings import`` reads back)
clippings.csv         the same as a table
originals/<name>      every original file as imported, under a safe, readable name
bundle.json           what this is: {"format": "clippings-bundle", "version": 2, ...}
```

Exported pages carry a Content-Security-Policy that forbids every remote resource,
every form submission and any ``<base>``. Their article HTML is the sanitized HTML kept
at import, cleaned once more on the way out (``page_html``): a page must not run,
fetch or redirect even if the archive holds HTML that never passed the importers'
sanitizer (an old archive, a bundle imported by an older version, a hand-edited
database). A saved web page's original is linked as a safe copy (``saved_page_html``);
the file itself stays in ``originals/`` for importing, but no page links to it.

Bundle version 2 (this one) writes ``clippings.json`` as an object with the version of
its records and the tags' colours; version 1 wrote a bare list of records. The reader
(``importers/bundle.py``) reads both.
"""

from __future__ import annotations

import json
import stat
import time
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from clippings import __version__
from clippings.exporters import Cancel, ReadOriginal, Report, step
from clippings.exporters.bundle_html import (
    PAGE_TAGS,
    WEB_PAGE_FORMATS,
    WEB_PAGE_SUFFIXES,
    page_html,
    saved_page_html,
)
from clippings.exporters.bundle_pages import (
    clipping_page,
    index_page,
    safe_copy_page,
    valid_colour,
)
from clippings.exporters.data import csv_text
from clippings.exporters.records import clipping_record, safe_name
from clippings.model import Clipping, Collection, tag_ancestors

# The format's names. importers/bundle.py, which reads bundles, keeps the same five
# (importers/ and exporters/ may not import each other); tests/importers/test_bundle.py
# checks that they agree.
BUNDLE_FORMAT = "clippings-bundle"
BUNDLE_VERSION = 2
MANIFEST = "bundle.json"
RECORDS = "clippings.json"
#: The version of ``clippings.json``'s records: the shape of the JSON export.
RECORDS_VERSION = 1

SAFE_ORIGINALS = "safe-originals/"

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_VERSION",
    "MANIFEST",
    "PAGE_TAGS",
    "RECORDS",
    "RECORDS_VERSION",
    "BundleExporter",
    "is_web_page",
    "page_html",
    "tag_colours",
]


def tag_colours(collection: Collection) -> dict[str, str]:
    """The colours of the collection's tags and of the tags above them, by name.

    They come from ``Collection.tag_colours`` (a mapping of tag name to ``#rrggbb``),
    which the export service fills from the archive's tags; a collection without it
    exports no colours (its tags then show in the colours the window makes up from
    their names).
    """
    given = collection.tag_colours
    wanted = {a for c in collection.clippings for t in c.tags for a in tag_ancestors(t)}
    found = {}
    for name in sorted(wanted):
        colour = valid_colour(given.get(name))
        if colour:
            found[name] = colour
    return found


def is_web_page(clipping_format: str, member: str) -> bool:
    """Whether a browser would open this original as a page that runs or fetches: a
    saved web page, or any file whose name a browser opens as one."""
    return (
        clipping_format in WEB_PAGE_FORMATS
        or PurePosixPath(member).suffix.lower() in WEB_PAGE_SUFFIXES
    )


class BundleExporter:
    name = "bundle"
    suffix = ".zip"

    def write(
        self,
        collection: Collection,
        path: Path,
        *,
        read_original: ReadOriginal,
        report: Report | None = None,
        cancel: Cancel | None = None,
    ) -> None:
        taken_pages: set[str] = set()
        taken_originals: set[str] = set()
        taken_copies: set[str] = set()
        original_names: dict[str, str] = {}
        safe_copies: dict[str, str] = {}
        pages: dict[int, str] = {}
        records: list[dict[str, Any]] = []
        colours = tag_colours(collection)
        total = len(collection.clippings)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as bundle:

            def member(sha: str, original_name: str) -> str:
                if sha not in original_names:
                    stem, dot, suffix = original_name.rpartition(".")
                    if not dot:
                        stem, suffix = suffix, ""
                    name = safe_name(stem, f".{suffix}" if suffix else "", taken=taken_originals)
                    original_names[sha] = f"originals/{name}"
                    _add(bundle, original_names[sha], read_original(sha))
                return original_names[sha]

            def safe_copy(clipping: Clipping, original: str, page: str) -> str | None:
                if not is_web_page(clipping.format, original):
                    return None
                if clipping.sha256 not in safe_copies:
                    stem = PurePosixPath(original).stem
                    name = SAFE_ORIGINALS + safe_name(stem, ".html", taken=taken_copies)
                    kind = "mhtml" if clipping.format == "mhtml" else "html"
                    if PurePosixPath(original).suffix.lower() in (".mht", ".mhtml"):
                        kind = "mhtml"
                    data = read_original(clipping.sha256)
                    try:
                        content = saved_page_html(data, kind, clipping.url)
                    except Exception:  # noqa: BLE001 - costs the copy, not the export
                        content = "<p lang='en' dir='ltr'>This saved page could not be read.</p>"
                    _add(
                        bundle,
                        name,
                        safe_copy_page(clipping, content, original=original, back=page),
                    )
                    safe_copies[clipping.sha256] = name
                return safe_copies[clipping.sha256]

            for number, clipping in enumerate(collection.clippings):
                step(report, cancel, number, total, clipping.title)
                original = member(clipping.sha256, clipping.original_name)
                page = "clippings/" + safe_name(
                    f"{clipping.id}-{clipping.title}", ".html", taken=taken_pages
                )
                pages[clipping.id] = page
                shown = safe_copy(clipping, original, page)
                _add(
                    bundle,
                    page,
                    clipping_page(clipping, original, safe_copy=shown, colours=colours),
                )
                record = clipping_record(clipping)
                record["html"] = clipping.html
                record["bundle_original"] = original
                # Articles of one file (the messages of an mbox) share its original;
                # their numbers tell them apart when the bundle is imported.
                record["part"] = clipping.part
                # The same piece in other formats, kept by the clipping: their files too.
                record["bundle_copies"] = [
                    {
                        "bundle_original": member(copy.sha256, copy.original_name),
                        "original_name": copy.original_name,
                        "format": copy.format,
                    }
                    for copy in clipping.copies
                ]
                record["bundle_page"] = page
                records.append(record)
            _add(bundle, "index.html", index_page(collection, pages, colours))
            _add(
                bundle,
                RECORDS,
                json.dumps(
                    {"version": RECORDS_VERSION, "clippings": records, "tag_colours": colours},
                    ensure_ascii=False,
                    indent=2,
                ),
            )
            _add(bundle, "clippings.csv", csv_text(collection.clippings))
            _add(
                bundle,
                MANIFEST,
                json.dumps(
                    {
                        "format": BUNDLE_FORMAT,
                        "version": BUNDLE_VERSION,
                        "title": collection.title,
                        "clippings": total,
                        "made_at": collection.made_at.isoformat(timespec="seconds"),
                        "made_by": f"Clippings {__version__}",
                    },
                    ensure_ascii=False,
                    indent=2,
                ),
            )
        step(report, None, total, total)


def _add(bundle: zipfile.ZipFile, name: str, data: str | bytes) -> None:
    """A member readable by everyone once unpacked (``rw-r--r--``, as any new file; a
    bare ``writestr`` of a name gives ``rw-------``, which colleagues cannot open)."""
    member = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    member.compress_type = bundle.compression
    member.external_attr = (stat.S_IFREG | 0o644) << 16
    bundle.writestr(member, data)

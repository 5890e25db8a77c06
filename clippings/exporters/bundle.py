"""The bundle: a zip that works offline in any browser and moves clippings between
archives.

```
index.html            a table of the clippings (date, outlet, title, tags), by date,
                      sortable by a small inline script of our own
clippings/<n>-<title>.html   one page per clipping: metadata and text
clippings.json        every field and tag (what ``clippings import`` reads back)
clippings.csv         the same as a table
originals/<name>      every original file, under a safe, readable name
bundle.json           what this is: {"format": "clippings-bundle", "version": 1, ...}
```

Exported pages carry a Content-Security-Policy that forbids every remote resource,
every form submission and any ``<base>``. Their article HTML is the sanitized HTML kept
at import, cleaned once more on the way out (``page_html``): a page must not run,
fetch or redirect even if the archive holds HTML that never passed the importers'
sanitizer (an old archive, a bundle imported by an older version, a hand-edited
database).
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from clippings import __version__
from clippings.exporters import Cancel, ReadOriginal, Report, step
from clippings.exporters.data import csv_text
from clippings.exporters.records import clipping_record, safe_name
from clippings.model import Clipping, Collection, published_to_iso

# The format's names. importers/bundle.py, which reads bundles, keeps the same four
# (importers/ and exporters/ may not import each other); tests/importers/test_bundle.py
# checks that they agree.
BUNDLE_FORMAT = "clippings-bundle"
BUNDLE_VERSION = 1
MANIFEST = "bundle.json"
RECORDS = "clippings.json"

_NO_FORMS = "form-action 'none'; base-uri 'none'"
_PAGE_POLICY = f"default-src 'none'; style-src 'unsafe-inline'; {_NO_FORMS}"
_INDEX_POLICY = (
    f"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; {_NO_FORMS}"
)

_STYLE = """
body { font-family: "Noto Sans", "DejaVu Sans", sans-serif; margin: 2em auto; max-width: 60em;
       padding: 0 1em; line-height: 1.45; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35em .6em; border-bottom: 1px solid #ddd;
         vertical-align: top; }
th { cursor: pointer; user-select: none; background: #f4f4f4; }
th[aria-sort=ascending]::after { content: " ▲"; }
th[aria-sort=descending]::after { content: " ▼"; }
.meta { color: #555; }
.tag { background: #eee; border-radius: .6em; padding: 0 .5em; margin-right: .3em;
       white-space: nowrap; }
"""

# The bundle's only script: sort the table when a column header is clicked.
_SORT_SCRIPT = """
document.querySelectorAll("th").forEach(function (header, column) {
  header.addEventListener("click", function () {
    var table = header.closest("table"), body = table.tBodies[0];
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[column].getAttribute("data-key") || a.cells[column].textContent;
      var y = b.cells[column].getAttribute("data-key") || b.cells[column].textContent;
      return (ascending ? 1 : -1) * x.localeCompare(y, undefined, {numeric: true});
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
"""


def _page(title: str, body: str, policy: str, script: str = "") -> str:
    script_tag = f"<script>{script}</script>" if script else ""
    return (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"{policy}\">"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{body}{script_tag}</body></html>\n"
    )


# --- The article's HTML, cleaned again for the page -------------------------------------------
#
# Exporters may not use nh3 (only importers/ import the extraction libraries), and the
# stored HTML already passed it: this is a second, independent allow-list, rebuilt from
# the parser's events, so whatever it writes is escaped text and the tags below. It keeps
# what importers/sanitize.py keeps (tests/importers/test_bundle.py checks the two lists).

PAGE_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn",
        "div", "dl", "dt", "em", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
        "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong",
        "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
    }
)  # fmt: skip
_VOID = {"br", "hr"}
# Elements whose content is dropped with them (code, styles, embedded documents).
# (Void elements such as embed have no content and are simply not kept.)
_DROPPED = {
    "script", "style", "template", "iframe", "frameset", "object", "svg", "math",
    "noscript", "noembed", "noframes", "textarea", "select", "title", "xmp",
}  # fmt: skip
_SPAN = re.compile(r"[1-9][0-9]{0,2}")
# Browsers ignore tabs and newlines anywhere in a URL, and controls and blanks around it.
_URL_IGNORED = re.compile(r"[\t\n\r]")
_URL_BLANKS = "".join(chr(c) for c in range(33))


def _link(href: str) -> str | None:
    """``href`` if following it can only open a web page, a mail or a file of the bundle:
    http(s), mailto or a relative path; not ``javascript:``, ``data:`` or ``//host``."""
    url = _URL_IGNORED.sub("", href).strip(_URL_BLANKS)
    if url[:2].replace("\\", "/") == "//":
        return None  # another host, by whatever scheme the page has (file: on a disk)
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in {"", "http", "https", "mailto"} else None


def _attribute(tag: str, name: str, value: str) -> str | None:
    """The value of an attribute a page keeps, or None to leave it out."""
    if tag == "a" and name == "href":
        return _link(value)
    if tag == "a" and name == "title":
        return value
    if tag in ("td", "th") and name in ("colspan", "rowspan") and _SPAN.fullmatch(value):
        return value
    return None


class _PageHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open: list[str] = []
        self.dropping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.dropping or tag in _DROPPED:
            if tag in _DROPPED:
                self.dropping.append(tag)
            return
        if tag not in PAGE_TAGS:
            return
        kept = []
        for name, value in attrs:
            value = _attribute(tag, name, value) if value is not None else None
            if value is not None:
                kept.append(f' {name}="{html.escape(value, quote=True)}"')
        if tag == "a":
            kept.append(' rel="noopener noreferrer nofollow"')
        self.parts.append(f"<{tag}{''.join(kept)}>")
        if tag not in _VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.dropping:
            if tag == self.dropping[-1]:
                self.dropping.pop()
            return
        if tag in self.open:
            while self.open:
                last = self.open.pop()
                self.parts.append(f"</{last}>")
                if last == tag:
                    break

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.parts.append(html.escape(data, quote=False))

    def result(self) -> str:
        self.close()
        return "".join(self.parts) + "".join(f"</{tag}>" for tag in reversed(self.open))


def page_html(fragment: str) -> str:
    """The article HTML as a page shows it: only readable elements and safe links.

    Nothing that runs, fetches, submits or redirects survives (``meta`` refresh,
    ``base``, ``form``, ``script``, ``iframe``, images, event attributes,
    ``javascript:`` links); every element left open is closed, so the article cannot
    swallow the page around it.
    """
    cleaner = _PageHtml()
    cleaner.feed(fragment)
    return cleaner.result()


def _tags(clipping: Clipping) -> str:
    return "".join(f"<span class='tag'>{html.escape(t)}</span>" for t in clipping.tags)


def clipping_page(clipping: Clipping, original: str | None) -> str:
    meta = [
        html.escape(m)
        for m in (clipping.outlet, published_to_iso(clipping.published), clipping.author)
        if m
    ]
    parts = [
        "<p><a href='../index.html'>← All clippings</a></p>",
        f"<h1>{html.escape(clipping.title)}</h1>",
        f"<p class='meta'>{' · '.join(meta)}</p>" if meta else "",
    ]
    if clipping.url:
        url = html.escape(clipping.url, quote=True)
        if _link(clipping.url) is not None:
            parts.append(f"<p class='meta'><a href='{url}' rel='noreferrer'>{url}</a></p>")
        else:
            parts.append(f"<p class='meta'>{url}</p>")
    if clipping.tags:
        parts.append(f"<p>{_tags(clipping)}</p>")
    if original:
        link = html.escape(str(PurePosixPath("..") / original), quote=True)
        parts.append(
            f"<p class='meta'>Original file: <a href='{link}'>"
            f"{html.escape(clipping.original_name)}</a></p>"
        )
    if clipping.notes:
        parts.append(f"<p class='meta'><i>Notes:</i> {html.escape(clipping.notes)}</p>")
    parts.append("<hr>")
    if not clipping.has_text:
        parts.append("<p class='meta'>A scan without a text layer: see the original file.</p>")
    elif clipping.html:
        parts.append(page_html(clipping.html))
    else:
        parts.extend(
            "<p>" + html.escape(p).replace("\n", "<br>") + "</p>"
            for p in clipping.text.split("\n\n")
            if p.strip()
        )
    return _page(clipping.title, "\n".join(parts), _PAGE_POLICY)


def index_page(collection: Collection, pages: dict[int, str]) -> str:
    rows = []
    for clipping in collection.clippings:
        published = published_to_iso(clipping.published) or ""
        link = html.escape(pages[clipping.id], quote=True)
        rows.append(
            "<tr>"
            f"<td data-key='{html.escape(published)}'>{html.escape(published[:10])}</td>"
            f"<td>{html.escape(clipping.outlet or '')}</td>"
            f"<td><a href='{link}'>{html.escape(clipping.title)}</a></td>"
            f"<td>{_tags(clipping)}</td>"
            "</tr>"
        )
    count = len(collection.clippings)
    body = (
        f"<h1>{html.escape(collection.title)}</h1>"
        f"<p class='meta'>{count} clipping{'s' if count != 1 else ''}, exported "
        f"{collection.made_at:%Y-%m-%d} by Clippings {__version__}. "
        "Click a column to sort.</p>"
        "<table><thead><tr><th aria-sort='ascending'>Date</th><th>Outlet</th><th>Title</th>"
        f"<th>Tags</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    return _page(collection.title, body, _INDEX_POLICY, _SORT_SCRIPT)


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
        original_names: dict[str, str] = {}
        pages: dict[int, str] = {}
        records: list[dict[str, Any]] = []
        total = len(collection.clippings)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for number, clipping in enumerate(collection.clippings):
                step(report, cancel, number, total, clipping.title)

                def member(sha: str, original_name: str) -> str:
                    if sha not in original_names:
                        stem, dot, suffix = original_name.rpartition(".")
                        if not dot:
                            stem, suffix = suffix, ""
                        name = safe_name(
                            stem, f".{suffix}" if suffix else "", taken=taken_originals
                        )
                        original_names[sha] = f"originals/{name}"
                        bundle.writestr(original_names[sha], read_original(sha))
                    return original_names[sha]

                original = member(clipping.sha256, clipping.original_name)
                page = "clippings/" + safe_name(
                    f"{clipping.id}-{clipping.title}", ".html", taken=taken_pages
                )
                pages[clipping.id] = page
                bundle.writestr(page, clipping_page(clipping, original))
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
            bundle.writestr("index.html", index_page(collection, pages))
            bundle.writestr(RECORDS, json.dumps(records, ensure_ascii=False, indent=2))
            bundle.writestr("clippings.csv", csv_text(collection.clippings))
            bundle.writestr(
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

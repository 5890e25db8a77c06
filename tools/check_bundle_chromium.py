#!/usr/bin/env python3
"""Open an exported bundle in headless Chromium, as a reader would (issue 12).

Imports a real Arabic news page (``newspaper4k/html/arabic_article.html`` of the shared
corpus, CNN Arabic, with its site's scripts and images), a hostile saved page of our own
(trackers, fonts, frames, a form, a refresh) and a Thai and a Chinese article into a new
archive, colours two tags, exports the bundle, unpacks it and has Chromium:

* read the Arabic clipping's page (``--dump-dom``): ``<html lang="ar" dir="rtl">``, the
  date in words;
* photograph it (``--screenshot``) into ``docs/screenshots/12-bundle-arabic.png``;
* open each safe copy of a saved page with a network log (``--log-net-log``) and every
  host mapped to nowhere (``--host-resolver-rules``), and count the requests the page
  made (Chromium's own background requests, whose initiator is "not an origin", are
  counted apart); the raw saved page is opened the same way as a control, to show that
  the log sees a page's requests;
* open the index filtered (``index.html#filter=دمشق``), and with JavaScript off.

Prints what it found and exits with 1 when a check fails. Not run in CI (it needs
Chromium: ``apt-get install chromium``)::

    .venv/bin/python tools/check_bundle_chromium.py [--chromium PATH] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SCREENSHOT = REPO / "docs" / "screenshots" / "12-bundle-arabic.png"

HOSTILE_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Harbour tolls to rise in spring - The Coastal Herald</title>
<meta http-equiv="refresh" content="3;url=https://refresh.evil.example/">
<base href="https://base.evil.example/">
<link rel="stylesheet" href="https://cdn.evil.example/site.css">
<link rel="preload" href="https://cdn.evil.example/font.woff2" as="font" crossorigin>
<link rel="dns-prefetch" href="//prefetch.evil.example">
<style>@font-face{font-family:x;src:url(https://fonts.evil.example/x.woff)}
body{background:url(https://css.evil.example/bg.png)}</style>
<script async src="https://securepubads.g.doubleclick.net/tag/js/gpt.js"></script>
<script src="https://c.amazon-adsystem.com/aax2/apstag.js"></script>
<script>fetch("https://beacon.evil.example/hit"); new Image().src="https://img.evil.example/i";</script>
</head><body onload="fetch('https://onload.evil.example/')">
<article><h1>Harbour tolls to rise in spring</h1>
<p class="byline">By Mara Lindqvist</p>
<p>The harbour board voted on Tuesday to raise the tolls for cargo ships by a tenth from
the first of April, the first rise in six years. The board said the money would pay for
dredging the eastern channel, which has silted up since the storms of last winter.</p>
<p>Shipping companies said the rise would cost them dearly. <a href="/news/tolls-2019.html">
The last rise</a> was smaller, and was phased in over two years. The board's chair said
the channel could not wait, and that the ferries would pay the old toll until summer.</p>
<img src="https://pixel.evil.example/p.gif" width="1" height="1" alt="">
<picture><source srcset="https://img.evil.example/a.webp"><img src="https://img.evil.example/a.jpg"
 alt="The eastern channel at low tide"></picture>
<iframe src="https://ads.evil.example/frame"></iframe>
<video poster="https://video.evil.example/poster.jpg">
<source src="https://video.evil.example/v.mp4"></video>
<form action="https://form.evil.example/submit"><input name="email">
<button>Subscribe</button></form>
<p style="background:url(https://inline.evil.example/bg.png)">Ferry operators were not
asked, their association said, and it would write to the minister before the vote is
confirmed at the board's next meeting in March.</p>
<a href="https://example.org/harbour-board" ping="https://ping.evil.example/">The board's notice</a>
</article></body></html>
"""

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--hide-scrollbars",
    # No name resolves: a request the page makes is logged, then fails, and goes nowhere.
    "--host-resolver-rules=MAP * ~NOTFOUND",
)


@dataclass
class Results:
    lines: list[str] = field(default_factory=list)
    failed: int = 0

    def check(self, ok: bool, what: str) -> None:
        self.lines.append(f"{'ok  ' if ok else 'FAIL'}  {what}")
        self.failed += 0 if ok else 1
        print(self.lines[-1], flush=True)


class Dom(HTMLParser):
    """A dumped DOM: elements with their attributes, and the text of visible rows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag in ("script", "style", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "title"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.elements if name == tag]

    def by_id(self, wanted: str) -> dict[str, str | None]:
        return next(attrs for _, attrs in self.elements if attrs.get("id") == wanted)


def dom(text: str) -> Dom:
    parsed = Dom()
    parsed.feed(text)
    return parsed


class Chromium:
    def __init__(self, binary: str, work: Path) -> None:
        self.binary = binary
        self.work = work
        self.runs = 0

    def run(self, url: str, *extra: str, budget: int = 5000) -> tuple[str, Path]:
        """Open ``url``; returns the dumped DOM (or "") and the run's network log."""
        self.runs += 1
        log = self.work / f"net-{self.runs}.json"
        command = [
            self.binary,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={self.work / f'profile-{self.runs}'}",
            f"--log-net-log={log}",
            "--net-log-capture-mode=Default",
            f"--virtual-time-budget={budget}",
            *extra,
            url,
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        return done.stdout, log


def page_requests(log: Path) -> tuple[list[str], int]:
    """The web requests a page made (its initiator is the page), and how many the
    browser made of its own (update checks and the like: initiator "not an origin")."""
    data = json.loads(log.read_text(encoding="utf-8", errors="replace"))
    types = {number: name for name, number in data["constants"]["logEventTypes"].items()}
    page, own = [], 0
    for event in data["events"]:
        if types.get(event["type"]) != "URL_REQUEST_START_JOB":
            continue
        params = event.get("params", {})
        url = str(params.get("url", ""))
        if not re.match(r"(?:https?|wss?|ftp)://", url):
            continue
        if params.get("initiator") == "not an origin":
            own += 1
        else:
            page.append(url)
    return page, own


def fetching_attributes(parsed: Dom) -> list[str]:
    """Attributes in a DOM that would make the page fetch from a host."""
    found = []
    for tag, attrs in parsed.elements:
        for name, value in attrs.items():
            if name in {"src", "srcset", "poster", "data", "action", "ping", "background"}:
                found.append(f"<{tag} {name}={value!r}>")
            elif name == "style" and value and "url(" in value:
                found.append(f"<{tag} style={value!r}>")
            elif name == "href" and tag != "a" and value and re.match(r"(?:https?:)?//", value):
                found.append(f"<{tag} href={value!r}>")
        # Our own inline script (no attributes) is the only script a page may hold.
        fetches = {"script", "iframe", "img", "link", "object", "embed", "form", "base"}
        if tag in fetches and not (tag == "script" and not attrs):
            found.append(f"<{tag}>")
    return found


def build_bundle(folder: Path, corpus: Path) -> tuple[Path, dict[str, int]]:
    from clippings.services import Archive, import_paths
    from clippings.services.exporting import export, gather

    hostile = folder / "harbour-tolls.html"
    hostile.write_text(HOSTILE_PAGE, encoding="utf-8")
    files = {
        "arabic": corpus / "newspaper4k" / "html" / "arabic_article.html",
        "hostile": hostile,
        "thai": corpus / "newspaper4k" / "txt" / "thai_article.txt",
        "chinese": corpus / "newspaper4k" / "txt" / "chinese_article.txt",
    }
    with Archive.open(folder / "archive") as archive:
        ids = {}
        for key, path in files.items():
            report = import_paths(archive, [path], tags=("Review/Week 30",))
            [result] = report.results
            if result.id is None:
                raise SystemExit(f"{path} was not imported: {result.outcome} {result.reason}")
            ids[key] = result.id
        archive.add_tag([ids["arabic"]], "Syria")
        archive.set_tag_colour("Review", "#1f77b4")
        archive.set_tag_colour("Syria", "#ffe066")
        collection = gather(archive, tag="Review")
        path = export(archive, collection, "bundle", folder / "review.zip")
    return path, ids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    from tests.conftest import CORPUS

    if not (CORPUS / "MANIFEST.md").is_file():
        print(f"the shared corpus is not at {CORPUS} (set CLIPPINGS_SHARED)", file=sys.stderr)
        return 2
    if not Path(args.chromium).exists():
        print(f"no Chromium at {args.chromium} (apt-get install chromium)", file=sys.stderr)
        return 2
    work = args.keep or Path(tempfile.mkdtemp(prefix="bundle-chromium-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return check(work, args.chromium)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def check(work: Path, binary: str) -> int:
    from tests.conftest import CORPUS

    results = Results()
    version = subprocess.run(
        [binary, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    print(f"      {version}")
    path, ids = build_bundle(work, CORPUS)
    unpacked = work / "bundle"
    with zipfile.ZipFile(path) as bundle:
        bundle.extractall(unpacked)
        stored = json.loads(bundle.read("clippings.json"))
    records = {r["id"]: r for r in stored["clippings"]}
    print(f"      bundle: {path.stat().st_size:,} bytes, {len(records)} clippings")
    chromium = Chromium(binary, work)

    # The Arabic clipping's page: right to left, dates in words.
    arabic = unpacked / records[ids["arabic"]]["bundle_page"]
    text, _ = chromium.run(arabic.as_uri(), "--dump-dom")
    page = dom(text)
    root = page.all("html")[0] if page.all("html") else {}
    results.check(
        root.get("lang") == "ar" and root.get("dir") == "rtl",
        f"Arabic page: <html lang={root.get('lang')!r} dir={root.get('dir')!r}>",
    )
    times = page.all("time")
    shown = " ".join(" ".join(page.text).split())
    results.check(
        bool(times) and not re.search(r"\d{4}-\d{2}-\d{2}", shown),
        f"Arabic page: dates in words ({len(times)} <time>, no ISO date in the text)",
    )
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    chromium.run(arabic.as_uri(), f"--screenshot={SCREENSHOT}", "--window-size=1100,900")
    results.check(SCREENSHOT.is_file(), f"screenshot saved: {SCREENSHOT.relative_to(REPO)}")

    # Each saved page's safe copy: no request to any host, nothing in its DOM to fetch.
    copies = sorted((unpacked / "safe-originals").glob("*.html"))
    results.check(len(copies) == 2, f"safe copies of saved pages: {len(copies)} (expected 2)")
    for copy in copies:
        text, log = chromium.run(copy.as_uri(), "--dump-dom", budget=8000)
        requests, own = page_requests(log)
        results.check(
            not requests,
            f"{copy.name}: {len(requests)} request(s) by the page "
            f"({own} of the browser's own left aside) {requests[:3]}",
        )
        fetching = fetching_attributes(dom(text))
        results.check(not fetching, f"{copy.name}: DOM has nothing to fetch {fetching[:3]}")
    # The control: the raw saved page itself, opened the same way.
    raw = unpacked / records[ids["hostile"]]["bundle_original"]
    _, log = chromium.run(raw.as_uri(), "--dump-dom", budget=8000)
    requests, _ = page_requests(log)
    hosts = sorted({re.sub(r"^\w+://([^/]+).*", r"\1", u) for u in requests})
    results.check(
        len(hosts) > 3,
        f"control: the raw saved page (kept for import) asks {len(hosts)} hosts: "
        f"{', '.join(hosts[:8])}",
    )

    # The index: filtered by a word of the Arabic title, and with JavaScript off.
    index = unpacked / "index.html"
    text, log = chromium.run(index.as_uri() + "#filter=دمشق", "--dump-dom")
    parsed = dom(text)
    rows = parsed.all("tr")[1:]
    visible = [r for r in rows if "hidden" not in r]
    status = re.search(r'id="shown"[^>]*>([^<]*)<', text)
    results.check(
        len(visible) == 1 and status is not None and status.group(1).startswith("1 of "),
        f"index filtered by 'دمشق': {len(visible)} of {len(rows)} rows shown, "
        f"says {status.group(1) if status else None!r}",
    )
    area = parsed.by_id("filter-area")
    results.check("hidden" not in area, "index: the filter box shows with JavaScript on")
    requests, _ = page_requests(log)
    results.check(not requests, f"index: {len(requests)} request(s) by the page")
    # JavaScript off: headless Chromium's switches for it leave --dump-dom empty or the
    # page's script running, so a copy of the index forbids its script by its own
    # Content-Security-Policy, as a browser with JavaScript off would not run it.
    source = index.read_text(encoding="utf-8")
    without = index.with_name("index-without-script.html")
    without.write_text(
        source.replace("script-src 'unsafe-inline'", "script-src 'none'"), encoding="utf-8"
    )
    text, _ = chromium.run(without.as_uri(), "--dump-dom")
    parsed = dom(text)
    rows = parsed.all("tr")[1:]
    results.check(
        len(rows) == len(records)
        and not [r for r in rows if "hidden" in r]
        and "hidden" in parsed.by_id("filter-area"),
        f"index without JavaScript: all {len(rows)} rows, the filter box hidden",
    )
    title_cells = [c for c in parsed.all("td") if c.get("lang") == "ar"]
    results.check(
        len(title_cells) == 1 and title_cells[0].get("dir") == "rtl",
        "index: the Arabic title's cell is lang='ar' dir='rtl'",
    )
    print(f"\n{len(results.lines) - results.failed} passed, {results.failed} failed")
    return 1 if results.failed else 0


if __name__ == "__main__":
    sys.exit(main())

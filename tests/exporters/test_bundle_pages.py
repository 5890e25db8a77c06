"""The bundle's pages as a reader sees them: each in its language and direction, dates in
words, a filter box on the index, saved web pages opened only as safe copies, tags in
their colours. One hostile, multilingual archive, exported once for the module."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, date, datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import PurePosixPath

import pytest

from clippings.exporters.bundle import BundleExporter
from clippings.exporters.bundle_pages import date_in_words, direction, tag_colour
from clippings.importers.bundle import read_bundle
from clippings.model import Collection, Extracted
from clippings.services import Archive
from clippings.services.exporting import gather
from clippings.services.importing import store_extracted

ARABIC = "معارضون يسيطرون على مخازن للصواريخ بريف دمشق"
HEBREW = "הממשלה אישרה את תקציב המדינה לשנה הבאה"
THAI = "รัฐบาลอนุมัติงบประมาณประจำปีฉบับใหม่"
CHINESE = "政府批准了新的年度预算"
FORMULA = '=HYPERLINK("http://evil.example","click")'
MARKDOWN = "*x* <a@b> *** [link](javascript:alert(1)) # not a heading"

# A saved page full of what makes a browser fetch, run or send: trackers, fonts, frames,
# forms, a refresh and a base address.
HOSTILE_PAGE = b"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Story headline - The Site</title>
<meta http-equiv="refresh" content="5;url=https://evil.example/">
<base href="https://evil.example/">
<link rel="stylesheet" href="https://cdn.evil.example/site.css">
<link rel="preload" href="https://cdn.evil.example/font.woff2" as="font">
<link rel="dns-prefetch" href="//tracker.evil.example">
<style>@font-face{font-family:x;src:url(https://fonts.evil.example/x.woff)}
body{background:url(https://evil.example/bg.png)}</style>
<script src="https://securepubads.g.doubleclick.net/tag/js/gpt.js"></script>
<script>fetch("https://evil.example/beacon")</script>
</head><body onload="alert(1)">
<h1>Story headline</h1>
<p>First paragraph with <a href="/world/other-story.html">a relative link</a> and
<a href="javascript:alert(2)">a script link</a>.</p>
<img src="https://pixel.evil.example/p.gif" width="1" height="1">
<picture><source srcset="https://img.evil.example/a.webp"><img src="a.jpg" alt="photo"></picture>
<iframe src="https://ads.evil.example/frame"></iframe>
<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/y.swf">
<video poster="https://evil.example/poster.jpg"><source src="https://evil.example/v.mp4"></video>
<svg><image href="https://evil.example/s.png"/></svg>
<form action="https://evil.example/submit"><input name="q"><button>Go</button></form>
<p style="background:url(https://evil.example/inline.png)">Second paragraph</p>
<a href="https://example.org/ok" ping="https://evil.example/ping">An outside link</a>
<noscript><img src="https://evil.example/noscript.gif"></noscript>
</body></html>
"""

# The same kind of page saved as one file by a browser (quoted-printable, as Chrome does).
HOSTILE_MHTML = b"""From: <Saved by Blink>
Snapshot-Content-Location: https://news.example/2021/story.html
Subject: Saved story
MIME-Version: 1.0
Content-Type: multipart/related; type="text/html"; boundary="----B"

------B
Content-Type: text/html
Content-ID: <frame-1@mhtml.blink>
Content-Transfer-Encoding: quoted-printable
Content-Location: https://news.example/2021/story.html

<html><head><script src=3D"https://www.googletagmanager.com/gtm.js"></script>=
</head><body><h1>Saved headline</h1><p>Saved text, caf=C3=A9. <a href=3D"next.=
html">Next</a></p><img src=3D"cid:image-1@mhtml.blink"><img src=3D"https://px=
.evil.example/p.gif"></body></html>
------B
Content-Type: image/gif
Content-Transfer-Encoding: base64
Content-Location: cid:image-1@mhtml.blink

R0lGODlhAQABAAAAACw=
------B--
"""


class Elements(HTMLParser):
    """Every element with its attributes, and the text a reader sees."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag in ("script", "style", "title"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.elements if name == tag]

    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())


def parse(page: str) -> Elements:
    parser = Elements()
    parser.feed(page)
    return parser


def store(archive, text: str, *, data: bytes | None = None, name: str | None = None, **fields):
    fields.setdefault("title", text.split(".")[0][:60])
    tags = fields.pop("tags", ())
    notes = fields.pop("notes", None)
    fields.setdefault("format", "text")
    name = name or f"{fields['title'][:20]}.txt"
    extracted = Extracted(text=text, **fields)
    [result] = store_extracted(
        archive,
        [extracted],
        data if data is not None else text.encode("utf-8"),
        name,
        shown=name,
        tags=tags,
        notes=notes,
    )
    assert result.outcome == "imported", result
    return result.id


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    """The archive's clippings exported once: (archive path, collection, zip path)."""
    folder = tmp_path_factory.mktemp("bundle")
    with Archive.open(folder / "archive") as archive:
        ids = {
            "arabic": store(
                archive,
                f"{ARABIC}. دمشق، سوريا -- أكدت جهات سورية معارضة أن فصائل مسلحة معارضة.",
                title=ARABIC,
                language="ar",
                outlet="سي إن إن بالعربية",
                published=datetime(2021, 7, 25, 5, 5, tzinfo=UTC),
                tags=("Review/Week 30", "Syria"),
            ),
            "hebrew": store(
                archive,
                f"{HEBREW}. הצבעה בכנסת נערכה אתמול בערב.",
                title=HEBREW,
                language="he",
                published=datetime(2021, 7, 26, 9, 30, tzinfo=timezone(timedelta(hours=3))),
                tags=("Review/Week 30",),
            ),
            "thai": store(
                archive,
                f"{THAI} รัฐสภาลงมติเมื่อวานนี้",
                title=THAI,
                language="th",
                published=date(2021, 7, 27),
                tags=("Review",),
            ),
            "chinese": store(
                archive,
                f"{CHINESE}。议会昨天投票。",
                title=CHINESE,
                language="zh",
                tags=("Review",),
            ),
            "unknown": store(
                archive,
                "ذكرت مصادر أن الاجتماع سيعقد غدا في العاصمة بحضور الوزراء.",
                title="ذكرت مصادر أن الاجتماع سيعقد غدا",
                tags=("Review",),
            ),
            "hostile": store(
                archive,
                "A formula-like title. Its text has *stars* and <angle@brackets>.",
                title=FORMULA,
                author=MARKDOWN,
                outlet="@SUM(A1:A9)",
                language="en",
                notes="first line\r\nsecond line\r\n\r\n+third, after a blank",
                tags=("Review/Week 30",),
            ),
            "page": store(
                archive,
                "Story headline. First paragraph with a relative link. Second paragraph.",
                data=HOSTILE_PAGE,
                name="story.html",
                title="Story headline",
                format="html",
                language="en",
                url="https://news.example/2021/story.html",
                html="<h1>Story headline</h1><p>First paragraph.</p><p>Second paragraph</p>",
                tags=("Review",),
            ),
            "mhtml": store(
                archive,
                "Saved headline. Saved text, café. Next.",
                data=HOSTILE_MHTML,
                name="saved.mhtml",
                title="Saved headline",
                format="mhtml",
                language="en",
                tags=("Review",),
            ),
            "text-as-html": store(
                archive,
                "Notes kept under a page's name. <script>alert(1)</script>",
                data=b"<p>Notes kept under a page's name.</p><script>alert(1)</script>",
                name="notes.html",
                title="Notes kept under a page's name",
                tags=("Review",),
            ),
            "pdf": store(
                archive,
                "A print page kept as a PDF file.",
                data=b"%PDF-1.4\n% a stand-in\n",
                name="print.pdf",
                title="A print page kept as a PDF file",
                format="pdf",
                tags=("Review",),
            ),
        }
        archive.set_tag_colour("Review", "#1f77b4")
        archive.set_tag_colour("Syria", "#ffe066")
        gathered = gather(archive, tag="Review")
        colours = {t.name: t.colour for t in archive.tags() if t.colour}
        collection = Collection(
            title=gathered.title,
            clippings=gathered.clippings,
            made_at=datetime(2026, 12, 1, 7, 0, tzinfo=UTC),
            tag_colours=colours,
        )
        path = folder / "review.zip"
        BundleExporter().write(collection, path, read_original=archive.originals.read)
        originals = {c.id: archive.original(c.id) for c in collection.clippings}
    return ids, collection, path, originals


def page_of(path, collection, clipping_id) -> tuple[str, str]:
    with zipfile.ZipFile(path) as bundle:
        records = json.loads(bundle.read("clippings.json"))["clippings"]
        name = next(r["bundle_page"] for r in records if r["id"] == clipping_id)
        return name, bundle.read(name).decode("utf-8")


def read(path, name: str) -> str:
    with zipfile.ZipFile(path) as bundle:
        return bundle.read(name).decode("utf-8")


# --- Language and direction --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("which", "lang", "dir_"),
    [
        ("arabic", "ar", "rtl"),
        ("hebrew", "he", "rtl"),
        ("thai", "th", "ltr"),
        ("chinese", "zh", "ltr"),
        ("hostile", "en", "ltr"),
        # No language known: Arabic letters make it right to left; its language unknown.
        ("unknown", "", "rtl"),
    ],
)
def test_each_clipping_page_reads_in_its_language_and_direction(bundle, which, lang, dir_):
    ids, collection, path, _ = bundle
    _, page = page_of(path, collection, ids[which])
    root = parse(page).all("html")[0]
    assert (root["lang"], root["dir"]) == (lang, dir_)
    # The interface's own words stay English, left to right, on a right-to-left page.
    back = next(a for a in parse(page).all("a") if a.get("href") == "../index.html")
    assert (back["lang"], back["dir"]) == ("en", "ltr")


def test_the_index_is_english_and_each_title_keeps_its_own_direction(bundle):
    ids, collection, path, _ = bundle
    index = parse(read(path, "index.html"))
    assert (index.all("html")[0]["lang"], index.all("html")[0]["dir"]) == ("en", "ltr")
    cells = [attrs for attrs in index.all("td") if "lang" in attrs]
    by_language = {(c["lang"], c["dir"]) for c in cells}
    assert {("ar", "rtl"), ("he", "rtl"), ("th", "ltr"), ("zh", "ltr"), ("", "rtl")} <= by_language
    assert len(cells) == len(collection.clippings)


def test_safe_copies_of_saved_pages_say_their_language_too(bundle):
    ids, collection, path, _ = bundle
    with zipfile.ZipFile(path) as zipped:
        copies = [n for n in zipped.namelist() if n.startswith("safe-originals/")]
        said = [parse(zipped.read(name).decode()).all("html")[0] for name in copies]
    assert len(copies) == 3  # the page, the MHTML and the text saved as notes.html
    # The two pages are English; the notes' language is not known (lang="").
    assert sorted((root["lang"], root["dir"]) for root in said) == [
        ("", "ltr"),
        ("en", "ltr"),
        ("en", "ltr"),
    ]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("fa", "", "rtl"),
        ("ur", "", "rtl"),
        ("yi", "", "rtl"),
        ("ar-EG", "", "rtl"),
        ("pa-Arab", "", "rtl"),
        ("az-Latn", "", "ltr"),
        ("ku-Arab", "", "rtl"),
        ("ru", HEBREW, "ltr"),  # the language decides when it is known
        (None, HEBREW, "rtl"),
        (None, f"CNN: {ARABIC}", "rtl"),  # most letters, not the first
        (None, "", "ltr"),
        ("not a language!", ARABIC, "rtl"),
    ],
)
def test_direction_of_a_language_or_its_text(language, text, expected):
    assert direction(language, text) == expected


# --- Dates -------------------------------------------------------------------------------------


def test_dates_are_in_words_with_the_iso_form_kept_for_programs(bundle):
    ids, collection, path, _ = bundle
    _, page = page_of(path, collection, ids["arabic"])
    parsed = parse(page)
    assert "25 July 2021, 05:05 UTC" in parsed.visible()
    assert "2021-07-25" not in parsed.visible()
    assert parsed.all("time")[0]["datetime"] == "2021-07-25T05:05:00+00:00"
    _, hebrew = page_of(path, collection, ids["hebrew"])
    assert "26 July 2021, 09:30 UTC+3" in parse(hebrew).visible()
    _, thai = page_of(path, collection, ids["thai"])
    assert "27 July 2021" in parse(thai).visible()
    assert "27 July 2021," not in parse(thai).visible()  # a bare day shows just the day
    index = parse(read(path, "index.html"))
    shown = index.visible()
    for words in ("25 July 2021, 05:05 UTC", "26 July 2021, 09:30 UTC+3", "27 July 2021"):
        assert words in shown
    assert "2021-07-2" not in shown and "T05:05" not in shown
    assert "exported 1 December 2026" in shown
    assert {t["datetime"] for t in index.all("time")} >= {
        "2021-07-25T05:05:00+00:00",
        "2021-07-26T09:30:00+03:00",
        "2021-07-27",
    }


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (date(2024, 5, 2), "2 May 2024"),
        (datetime(2021, 7, 25, 5, 5, tzinfo=UTC), "25 July 2021, 05:05 UTC"),
        (
            datetime(2021, 1, 3, 23, 59, tzinfo=timezone(timedelta(hours=5, minutes=30))),
            "3 January 2021, 23:59 UTC+5:30",
        ),
        (
            datetime(2020, 12, 31, 8, 0, tzinfo=timezone(timedelta(hours=-5))),
            "31 December 2020, 08:00 UTC-5",
        ),
        (datetime(2020, 2, 29, 12, 0), "29 February 2020, 12:00"),
    ],
)
def test_date_in_words(value, words):
    assert date_in_words(value) == words


# --- The filter box ----------------------------------------------------------------------------


def test_the_index_has_a_filter_box_that_needs_no_network_and_hides_without_script(bundle):
    ids, collection, path, _ = bundle
    page = read(path, "index.html")
    index = parse(page)
    [box] = [i for i in index.all("input") if i.get("id") == "filter"]
    assert box["type"] == "search"
    assert any(label.get("for") == "filter" for label in index.all("label"))
    # Without JavaScript the box (which could do nothing) is hidden and every row shows.
    area = next(d for d in index.all("div") if d.get("id") == "filter-area")
    assert "hidden" in area
    rows = index.all("tr")[1:]
    assert len(rows) == len(collection.clippings)
    assert not any("hidden" in row for row in rows)
    [status] = [p for p in index.all("p") if p.get("id") == "shown"]
    assert status["aria-live"] == "polite"
    assert f"{len(collection.clippings)} clippings" in index.visible()
    # One script, inline, ours: no file and no host to load anything from.
    [script] = index.all("script")
    assert "src" not in script
    assert "http" not in page.split("<script>")[1].split("</script>")[0]
    # The filter matches titles, outlets, authors and tags, though only some are shown.
    hostile = next(r for r in rows if FORMULA in (r.get("data-filter") or ""))
    assert MARKDOWN in hostile["data-filter"] and "Review/Week 30" in hostile["data-filter"]
    assert "@SUM(A1:A9)" in hostile["data-filter"]
    arabic = next(r for r in rows if ARABIC in (r.get("data-filter") or ""))
    assert "سي إن إن بالعربية" in arabic["data-filter"] and "Syria" in arabic["data-filter"]


# --- Hostile values ----------------------------------------------------------------------------


def test_hostile_values_show_as_written_and_never_become_markup_or_links(bundle):
    ids, collection, path, _ = bundle
    _, page = page_of(path, collection, ids["hostile"])
    parsed = parse(page)
    shown = parsed.visible()
    assert FORMULA in shown and MARKDOWN in shown and "@SUM(A1:A9)" in shown
    assert not [a for a in parsed.all("a") if "evil.example" in (a.get("href") or "")]
    assert not [a for a in parsed.all("a") if "javascript" in (a.get("href") or "")]
    # Notes keep their lines, whatever line ends they were typed with.
    assert "\r" not in page
    assert "first line\nsecond line\n\n+third, after a blank" in page
    index = parse(read(path, "index.html"))
    assert FORMULA in index.visible()
    assert all((a.get("href") or "").startswith("clippings/") for a in index.all("a"))


# --- Saved web pages ---------------------------------------------------------------------------

# Attributes through which a page fetches or sends something.
FETCHING = {"src", "srcset", "poster", "data", "action", "formaction", "ping", "background"}


def assert_fetches_nothing(page: str) -> None:
    parsed = parse(page)
    for tag, attrs in parsed.elements:
        assert tag not in {
            "script",
            "iframe",
            "img",
            "link",
            "object",
            "embed",
            "form",
            "video",
            "audio",
            "source",
            "picture",
            "base",
            "image",
            "input",
            "frame",
            "svg",
        }, tag
        assert not FETCHING & set(attrs), (tag, attrs)
        assert "style" not in attrs, (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        if tag == "meta":
            assert attrs.get("http-equiv") in (None, "Content-Security-Policy"), attrs
        for name, value in attrs.items():
            if value and "http" in value and not (tag == "a" and name == "href"):
                assert tag == "meta", (tag, name, value)  # only our policy names none
    assert "url(" not in page and "@import" not in page and "@font-face" not in page
    assert "evil.example" not in page and "doubleclick" not in page
    assert "googletagmanager" not in page


def test_a_saved_web_page_opens_as_a_safe_copy_and_its_file_stays_for_import(bundle):
    ids, collection, path, originals = bundle
    name, page = page_of(path, collection, ids["page"])
    links = [a["href"] for a in parse(page).all("a")]
    original = next(href for href in links if "original" in (href or ""))
    assert original.startswith("../safe-originals/") and original.endswith(".html")
    assert not any((href or "").startswith("../originals/") for href in links)
    copy = read(path, str(PurePosixPath("safe-originals") / PurePosixPath(original).name))
    assert_fetches_nothing(copy)
    shown = parse(copy).visible()
    assert "Story headline" in shown and "First paragraph" in shown and "Second paragraph" in shown
    assert "without the scripts" in shown  # the reader is told what was left out
    copy_links = {a.get("href") for a in parse(copy).all("a")}
    # Its relative links lead to the site it came from, not into the bundle.
    assert "https://news.example/world/other-story.html" in copy_links
    assert "https://example.org/ok" in copy_links
    with zipfile.ZipFile(path) as zipped:
        records = json.loads(zipped.read("clippings.json"))["clippings"]
        record = next(r for r in records if r["id"] == ids["page"])
        assert record["bundle_original"] == "originals/story.html"
        assert zipped.read(record["bundle_original"]) == HOSTILE_PAGE == originals[ids["page"]]


def test_a_page_saved_as_one_file_opens_as_a_safe_copy(bundle):
    ids, collection, path, originals = bundle
    _, page = page_of(path, collection, ids["mhtml"])
    original = next(
        a["href"] for a in parse(page).all("a") if "safe-originals" in (a.get("href") or "")
    )
    copy = read(path, original.removeprefix("../"))
    assert_fetches_nothing(copy)
    assert "Saved text, café." in parse(copy).visible()
    assert "https://news.example/2021/next.html" in {a.get("href") for a in parse(copy).all("a")}
    assert not any("cid:" in (a.get("href") or "") for a in parse(copy).all("a"))


def test_any_original_a_browser_would_run_is_linked_as_a_safe_copy_others_as_they_are(bundle):
    ids, collection, path, _ = bundle
    _, page = page_of(path, collection, ids["text-as-html"])
    hrefs = [a.get("href") or "" for a in parse(page).all("a")]
    [copy] = [h for h in hrefs if h.startswith("../safe-originals/")]
    assert "alert" not in read(path, copy.removeprefix("../"))
    _, pdf = page_of(path, collection, ids["pdf"])
    assert "../originals/print.pdf" in [a.get("href") for a in parse(pdf).all("a")]
    assert "safe-originals" not in pdf


def test_every_page_of_the_bundle_fetches_nothing(bundle):
    _, _, path, _ = bundle
    with zipfile.ZipFile(path) as zipped:
        for name in zipped.namelist():
            if name.endswith(".html") and not name.startswith("originals/"):
                page = zipped.read(name).decode()
                assert "default-src 'none'" in page, name
                parsed = parse(page)
                assert not [a for a in parsed.all("script") if "src" in a], name
                assert not parsed.all("img") and not parsed.all("link"), name


# --- Tag colours -------------------------------------------------------------------------------


def test_tags_show_in_their_colours_and_children_in_their_parents(bundle):
    ids, collection, path, _ = bundle
    _, page = page_of(path, collection, ids["arabic"])
    spans = zip_chips(page)
    assert ("Review/Week 30", "#1f77b4") in spans  # no colour of its own: its parent's
    assert ("Syria", "#ffe066") in spans
    index = read(path, "index.html")
    assert ("Review", "#1f77b4") in zip_chips(index)
    # Dark text on a light colour, light text on a dark one.
    assert tag_colour("Syria", {"Syria": "#ffe066"}) == ("#ffe066", True)
    assert tag_colour("Review/Week 30", {"Review": "#1f77b4"}) == ("#1f77b4", False)
    colour, _ = tag_colour("Uncoloured", {})
    assert colour.startswith("hsl(")


def zip_chips(page: str) -> list[tuple[str, str]]:
    """Each tag chip's name and background colour."""

    class Chips(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.found: list[tuple[str, str]] = []
            self.colour: str | None = None

        def handle_starttag(self, tag, attrs):
            attributes = dict(attrs)
            if tag == "span" and attributes.get("class") == "tag":
                style = attributes.get("style") or ""
                self.colour = style.split("background:")[1].split(";")[0].strip()

        def handle_data(self, data):
            if self.colour is not None:
                self.found.append((data, self.colour))
                self.colour = None

    chips = Chips()
    chips.feed(page)
    return chips.found


def test_tag_colours_travel_in_the_bundle_and_come_back_on_reading(bundle):
    _, _, path, _ = bundle
    with zipfile.ZipFile(path) as zipped:
        data = json.loads(zipped.read("clippings.json"))
        manifest = json.loads(zipped.read("bundle.json"))
    assert data["version"] == 1 and manifest["version"] == 2
    assert data["tag_colours"] == {"Review": "#1f77b4", "Syria": "#ffe066"}
    contents = read_bundle(path.read_bytes())
    assert contents.problems == ()
    assert dict(contents.tag_colours) == {"Review": "#1f77b4", "Syria": "#ffe066"}


def test_a_bundle_imports_into_another_archive_with_its_originals(bundle, tmp_path):
    from clippings.services import import_paths

    ids, collection, path, originals = bundle
    with Archive.open(tmp_path / "other") as other:
        report = import_paths(other, [path])
        assert len(report.of("imported")) == len(collection.clippings)
        restored = {c.title: c for c in (other.get(r.id) for r in report.of("imported"))}
        for clipping in collection.clippings:
            again = restored[clipping.title]
            assert other.original(again.id) == originals[clipping.id]
            assert (again.language, again.tags, again.notes) == (
                clipping.language,
                clipping.tags,
                clipping.notes,
            )


# --- Pieces ------------------------------------------------------------------------------------


def test_relative_links_of_an_article_lead_to_its_site_not_into_the_bundle():
    from clippings.exporters.bundle_html import article_html

    fragment = (
        "<p><a href='/world/other.html'>other</a> <a href='#notes'>notes</a> "
        "<a href='mailto:desk@news.example'>desk</a> <a href='javascript:x()'>x</a></p>"
    )
    kept = article_html(fragment, "https://news.example/2021/story.html")
    assert 'href="https://news.example/world/other.html"' in kept
    assert 'href="mailto:desk@news.example"' in kept
    assert "#notes" not in kept and "javascript" not in kept
    assert "other" in kept and "notes" in kept  # the words stay, without their links
    without = article_html(fragment, None)
    assert "/world/other.html" not in without and "other" in without


@pytest.mark.parametrize(
    ("data", "declared", "text"),
    [
        ("<meta charset='windows-1251'><p>Привет</p>".encode("cp1251"), None, "Привет"),
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">Мир'.encode(
                "koi8-r"
            ),
            None,
            "Мир",
        ),
        ("<p>Ça va</p>".encode("cp1252"), None, "Ça va"),  # not UTF-8, nothing declared
        ("<p>日本語</p>".encode("utf-16"), None, "日本語"),  # a byte order mark decides
        ("<p>שלום</p>".encode("cp1255"), "windows-1255", "שלום"),  # as the MHTML part says
        (b"<meta charset='utf-16'><p>ok</p>", None, "ok"),  # read as UTF-8
        ("<meta charset='no-such'><p>ok é</p>".encode(), None, "ok é"),
    ],
)
def test_saved_pages_are_read_in_their_own_charset(data, declared, text):
    from clippings.exporters.bundle_html import decode_page

    assert text in decode_page(data, declared)


def test_undated_clippings_sort_after_dated_ones():
    from clippings.exporters.bundle_pages import sort_key

    assert sort_key(None) > sort_key(date(2999, 1, 1)) > sort_key(date(2021, 7, 25))
    early = datetime(2021, 7, 25, 1, 0, tzinfo=timezone(timedelta(hours=3)))
    assert sort_key(early) < sort_key(datetime(2021, 7, 24, 23, 0, tzinfo=UTC))


def test_tag_colours_come_back_in_the_other_archive(tmp_path):
    from clippings.services import import_paths
    from clippings.services.exporting import export

    with Archive.open(tmp_path / "one") as archive:
        first = store(archive, "A clipping with a coloured tag.", tags=("Review/Week 30",))
        archive.set_tag_colour("Review", "#1f77b4")
        path = export(archive, gather(archive, ids=[first]), "bundle", tmp_path / "b.zip")
    with Archive.open(tmp_path / "other") as other:
        import_paths(other, [path])
        assert {t.name: t.colour for t in other.tags()}["Review"] == "#1f77b4"


def test_markup_the_standard_parser_trips_on_costs_nothing():
    from clippings.exporters.bundle_html import page_html, saved_page_html

    # Word's saved pages are full of "<![if ...]>"; Python's parser asserts on them.
    word = b"<p>a<![if !supportLists]>b<![endif]>c</p><![ x <![CDATA[d]]>"
    assert "abc" in saved_page_html(word, "html")
    assert "abc" in page_html(word.decode())


def test_bundle_members_unpack_readable_by_colleagues(bundle):
    # A bare writestr gives rw-------: unpacked on a shared drive, no one else could
    # open the pages. Every member is rw-r--r--, as any new file.
    import stat as stat_module

    _, _, path, _ = bundle
    with zipfile.ZipFile(path) as opened:
        modes = {stat_module.S_IMODE(info.external_attr >> 16) for info in opened.infolist()}
    assert modes == {0o644}

"""The bundle's pages: the index, one page per clipping, and safe copies of saved pages.

Every page says its language and direction: a clipping's page those of the clipping (an
Arabic or Hebrew clipping reads right to left), the index those of the interface
(English), with each clipping's title in its own. The words of the interface on a
clipping's page are marked English, and values of unknown direction (outlet, author,
tags, notes) are isolated, so they never reorder the text around them.

Dates are written in words ("25 July 2021, 05:05 UTC"; a day alone as "25 July 2021"),
each in a ``<time>`` whose ``datetime`` keeps the ISO form for programs.

Every page carries a Content-Security-Policy that forbids every remote resource, every
form submission and any ``<base>``; only the index runs a script, our own, inline.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import PurePosixPath

from clippings import __version__
from clippings.exporters.bundle_html import article_html, page_link
from clippings.model import Clipping, Collection, Published, published_to_iso, published_utc

_NO_FORMS = "form-action 'none'; base-uri 'none'"
PAGE_POLICY = f"default-src 'none'; style-src 'unsafe-inline'; {_NO_FORMS}"
INDEX_POLICY = (
    f"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; {_NO_FORMS}"
)

#: The language of the pages' own words.
INTERFACE_LANGUAGE = "en"

# --- Language and direction --------------------------------------------------------------------

#: Languages written right to left (ISO 639 codes), in the scripts they are usually
#: written in; a script subtag ("pa-Arab", "az-Latn") decides for itself.
RTL_LANGUAGES = frozenset(
    {
        "ar", "arc", "azb", "bal", "bqi", "ckb", "dv", "fa", "glk", "he", "iw", "ji", "khw",
        "ks", "lrc", "mzn", "nqo", "pnb", "prs", "ps", "sd", "sdh", "syr", "ug", "ur", "yi",
    }
)  # fmt: skip
_RTL_SCRIPTS = frozenset({"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg", "mand", "samr"})
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
# How much of a text the fallback looks at to decide its direction.
_SAMPLE = 2000


def language_tag(language: str | None) -> str | None:
    """The clipping's language as an HTML ``lang`` value ("pt-BR"), or None when it has
    none or an odd one."""
    if not language:
        return None
    value = language.strip().replace("_", "-")
    return value if _LANGUAGE_TAG.fullmatch(value) else None


def text_direction(text: str) -> str:
    """``rtl`` when most letters of ``text`` are of a right-to-left script, else ``ltr``
    (Unicode's bidirectional classes, for clippings whose language is not known)."""
    rtl = ltr = 0
    for char in text[:_SAMPLE]:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            rtl += 1
        elif kind == "L":
            ltr += 1
    return "rtl" if rtl > ltr else "ltr"


def direction(language: str | None, text: str = "") -> str:
    """``rtl`` or ``ltr`` for a clipping of ``language`` (by its script subtag, else the
    language), or by its text when the language is not known."""
    tag = language_tag(language)
    if tag is None:
        return text_direction(text)
    parts = tag.lower().split("-")
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            return "rtl" if part in _RTL_SCRIPTS else "ltr"
    return "rtl" if parts[0] in RTL_LANGUAGES else "ltr"


def clipping_language(clipping: Clipping) -> tuple[str, str]:
    """The ``lang`` and ``dir`` of a clipping's words ("" for a language not known, which
    HTML reads as "unknown")."""
    sample = f"{clipping.title}\n{clipping.text[:_SAMPLE]}"
    return language_tag(clipping.language) or "", direction(clipping.language, sample)


def _in(lang: str, direction_: str) -> str:
    return f" lang='{html.escape(lang, quote=True)}' dir='{direction_}'"


_ENGLISH = _in(INTERFACE_LANGUAGE, "ltr")

# --- Dates in words ----------------------------------------------------------------------------

_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def _offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    if minutes == 0:
        return "UTC"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'+' if minutes > 0 else '-'}{hours}" + (f":{rest:02d}" if rest else "")


def date_in_words(value: Published) -> str:
    """ "25 July 2021" for a day; "25 July 2021, 05:05 UTC" for a moment, in the source's
    own time ("UTC+2" and so on; no zone when the source gave none)."""
    day = f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
    if not isinstance(value, datetime):
        return day
    offset = value.utcoffset()
    zone = "" if offset is None else " " + _offset(offset)
    return f"{day}, {value:%H:%M}{zone}"


def time_element(value: Published) -> str:
    """The date in words, with the ISO form for programs (``<time datetime=...>``)."""
    iso = published_to_iso(value) or ""
    return (
        f"<time datetime='{html.escape(iso, quote=True)}'{_ENGLISH}>"
        f"{html.escape(date_in_words(value))}</time>"
    )


def sort_key(value: Published | None) -> str:
    """What the index sorts a date column by: the instant in UTC (undated last)."""
    moment = published_utc(value)
    # Undated last: browsers collate punctuation before digits, so a date of its own.
    return moment.isoformat() if moment else "9999-12-31T23:59:59"


# --- Tags in their colours --------------------------------------------------------------------

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}(?:[0-9a-fA-F]{2})?")


def valid_colour(value: object) -> str | None:
    return value.lower() if isinstance(value, str) and _COLOUR.fullmatch(value) else None


def tag_colour(name: str, colours: Mapping[str, str]) -> tuple[str, bool]:
    """A tag's colour as the window shows it: its own, else its nearest coloured
    parent's, else one made from its name; and whether it is light (dark text on it)."""
    parts = name.split("/")
    for end in range(len(parts), 0, -1):
        colour = valid_colour(colours.get("/".join(parts[:end])))
        if colour:
            red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
            return colour, (max(red, green, blue) + min(red, green, blue)) / 2 > 140
    # The window's QColor.fromHsl(hue, 110, 150): lightness 150 of 255 is light.
    hue = sum(ord(c) * 31 for c in parts[0]) % 360
    return f"hsl({hue}, 43%, 59%)", True


def tag_chips(tags: tuple[str, ...], colours: Mapping[str, str]) -> str:
    chips = []
    for name in tags:
        colour, light = tag_colour(name, colours)
        chips.append(
            f"<span class='tag' dir='auto' style='background: {colour}; "
            f"color: {'#111' if light else '#fff'}'>{html.escape(name)}</span>"
        )
    return "".join(chips)


# --- The pages ---------------------------------------------------------------------------------

_STYLE = """
body { font-family: "Noto Sans", "DejaVu Sans", sans-serif; margin: 2em auto; max-width: 60em;
       padding: 0 1em; line-height: 1.45; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: start; padding: .35em .6em; border-bottom: 1px solid #ddd;
         vertical-align: top; }
th { cursor: pointer; user-select: none; background: #f4f4f4; }
th:focus { outline: 2px solid #36c; }
th[aria-sort=ascending]::after { content: " ▲"; }
th[aria-sort=descending]::after { content: " ▼"; }
.meta { color: #555; }
.tag { border-radius: .6em; padding: 0 .5em; margin-inline-end: .3em; white-space: nowrap;
       display: inline-block; }
.filter { margin: 1em 0; display: flex; gap: .6em; align-items: center; flex-wrap: wrap; }
.filter input { font: inherit; padding: .3em .5em; min-width: 20em; }
.notice { background: #fff8e0; border: 1px solid #e8d48a; padding: .5em .8em; }
.notes { white-space: pre-wrap; }
"""

# The index's only script: sort the table when a column header is clicked (or Enter is
# pressed on it), and show only the rows that hold every word typed in the filter box.
# Without JavaScript the whole table shows and the filter box stays hidden.
_INDEX_SCRIPT = """
(function () {
  var table = document.getElementById("clippings"), body = table.tBodies[0];
  var headers = table.querySelectorAll("th");
  function sort(header, column) {
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[column].getAttribute("data-key") || a.cells[column].textContent;
      var y = b.cells[column].getAttribute("data-key") || b.cells[column].textContent;
      return (ascending ? 1 : -1) * x.localeCompare(y, undefined, {numeric: true});
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  headers.forEach(function (header, column) {
    header.tabIndex = 0;
    header.addEventListener("click", function () { sort(header, column); });
    header.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        sort(header, column);
      }
    });
  });

  // Case, accents and Arabic and Hebrew vowel marks do not count.
  function fold(text) {
    return text.normalize("NFKD")
      .replace(/[\\u0300-\\u036f\\u0591-\\u05c7\\u064b-\\u065f\\u0670]/g, "")
      .toLowerCase();
  }
  var box = document.getElementById("filter"), shown = document.getElementById("shown");
  var rows = Array.prototype.slice.call(body.rows);
  var words = rows.map(function (row) { return fold(row.getAttribute("data-filter") || ""); });
  var total = rows.length;
  function plural(count) { return count === 1 ? " clipping" : " clippings"; }
  function filter() {
    var wanted = fold(box.value).split(/\\s+/).filter(Boolean), count = 0;
    rows.forEach(function (row, number) {
      var match = wanted.every(function (word) { return words[number].indexOf(word) !== -1; });
      row.hidden = !match;
      if (match) { count += 1; }
    });
    shown.textContent = wanted.length
      ? count + " of " + total + plural(total) + " shown"
      : total + plural(total);
  }
  box.addEventListener("input", filter);
  box.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { box.value = ""; filter(); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "/" && document.activeElement !== box) {
      event.preventDefault();
      box.focus();
    }
  });
  // "index.html#filter=words" opens the index filtered (a link or a bookmark).
  if (location.hash.indexOf("#filter=") === 0) {
    try { box.value = decodeURIComponent(location.hash.slice(8)); } catch (error) {}
  }
  document.getElementById("filter-area").hidden = false;
  filter();
})();
"""


def _page(title: str, body: str, policy: str, *, lang: str, dir_: str, script: str = "") -> str:
    script_tag = f"<script>{script}</script>" if script else ""
    return (
        f"<!DOCTYPE html>\n<html{_in(lang, dir_)}><head><meta charset='utf-8'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"{policy}\">"
        "<meta name='referrer' content='no-referrer'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{body}{script_tag}</body></html>\n"
    )


def _label(text: str) -> str:
    """Words of the interface inside a clipping's page: English, left to right."""
    return f"<span{_ENGLISH}>{text}</span>"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def _paragraphs(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [
        "<p>" + html.escape(p.strip("\n")).replace("\n", "<br>") + "</p>"
        for p in text.split("\n\n")
        if p.strip()
    ]


def clipping_page(
    clipping: Clipping,
    original: str | None,
    *,
    safe_copy: str | None = None,
    colours: Mapping[str, str] | None = None,
) -> str:
    """A clipping's page: its metadata, tags, notes, a link to its original and its text.

    Args:
        clipping: the clipping.
        original: the bundle's member holding its original file.
        safe_copy: the member of the safe copy of a saved web page, which the page links
            to instead of the original (the original stays in the bundle for importing).
        colours: tag colours by tag name.
    """
    lang, dir_ = clipping_language(clipping)
    meta = []
    if clipping.outlet:
        meta.append(f"<bdi>{html.escape(clipping.outlet)}</bdi>")
    if clipping.published is not None:
        meta.append(time_element(clipping.published))
    if clipping.author:
        meta.append(f"<bdi>{html.escape(clipping.author)}</bdi>")
    parts = [
        f"<p><a href='../index.html'{_ENGLISH}>← All clippings</a></p>",
        f"<h1>{html.escape(clipping.title)}</h1>",
        f"<p class='meta'>{' · '.join(meta)}</p>" if meta else "",
    ]
    if clipping.url:
        url = html.escape(clipping.url, quote=True)
        if page_link(clipping.url) is not None:
            parts.append(
                f"<p class='meta'><a href='{url}' rel='noreferrer' dir='ltr'>{url}</a></p>"
            )
        else:
            parts.append(f"<p class='meta'><bdi dir='ltr'>{url}</bdi></p>")
    if clipping.tags:
        parts.append(f"<p>{tag_chips(clipping.tags, colours or {})}</p>")
    name = html.escape(clipping.original_name)
    if safe_copy:
        link = html.escape(str(PurePosixPath("..") / safe_copy), quote=True)
        parts.append(
            "<p class='meta'>"
            + _label(
                f"Original file: <a href='{link}'><bdi>{name}</bdi></a> "
                "(a safe copy of the saved page, without its scripts, images and styles)"
            )
            + "</p>"
        )
    elif original:
        link = html.escape(str(PurePosixPath("..") / original), quote=True)
        parts.append(
            "<p class='meta'>"
            + _label(f"Original file: <a href='{link}'><bdi>{name}</bdi></a>")
            + "</p>"
        )
    if clipping.notes:
        notes = clipping.notes.replace("\r\n", "\n").replace("\r", "\n")
        parts.append(
            f"<div class='meta'>{_label('<i>Notes:</i>')}"
            f"<div class='notes' dir='auto'>{html.escape(notes)}</div></div>"
        )
    parts.append("<hr>")
    if not clipping.has_text:
        parts.append(
            "<p class='meta'>"
            + _label("A scan without a text layer: see the original file.")
            + "</p>"
        )
    elif clipping.html:
        parts.append(article_html(clipping.html, clipping.url))
    else:
        parts.extend(_paragraphs(clipping.text))
    return _page(clipping.title, "\n".join(parts), PAGE_POLICY, lang=lang, dir_=dir_)


def safe_copy_page(clipping: Clipping, content: str, *, original: str, back: str) -> str:
    """The safe copy of a saved web page: its cleaned content under a notice that says
    what was left out and where the file itself is.

    Args:
        clipping: the clipping whose original the page is.
        content: the page's content from ``saved_page_html``.
        original: the bundle's member holding the original file.
        back: the member of the clipping's page.
    """
    lang, dir_ = clipping_language(clipping)
    link = html.escape(str(PurePosixPath("..") / back), quote=True)
    notice = _label(
        f"A safe copy of the saved page <bdi>{html.escape(clipping.original_name)}</bdi>: "
        "its text and links, without the scripts, frames, forms, images, style sheets "
        "and fonts it had, so opening it contacts no site. The file itself is in this "
        f"bundle as <bdi>{html.escape(original)}</bdi>, for importing into Clippings "
        "(opened in a browser, it may contact the sites it names). "
        f"<a href='{link}'>Back to the clipping</a>"
    )
    body = f"<p class='notice'>{notice}</p>\n<hr>\n{content}"
    return _page(clipping.title, body, PAGE_POLICY, lang=lang, dir_=dir_)


def _filter_words(clipping: Clipping) -> str:
    """What the filter box matches a row against: title, outlet, author and tags."""
    words = (clipping.title, clipping.outlet or "", clipping.author or "", *clipping.tags)
    return " ".join(" ".join(w.split()) for w in words if w)


def index_page(
    collection: Collection, pages: Mapping[int, str], colours: Mapping[str, str] | None = None
) -> str:
    """The bundle's front page: a table of the clippings, with a filter box."""
    rows = []
    for clipping in collection.clippings:
        lang, dir_ = clipping_language(clipping)
        link = html.escape(pages[clipping.id], quote=True)
        when = time_element(clipping.published) if clipping.published is not None else ""
        rows.append(
            f"<tr data-filter='{html.escape(_filter_words(clipping), quote=True)}'>"
            f"<td data-key='{sort_key(clipping.published)}'>{when}</td>"
            f"<td dir='auto'>{html.escape(clipping.outlet or '')}</td>"
            f"<td{_in(lang, dir_)}><a href='{link}'>{html.escape(clipping.title)}</a></td>"
            f"<td>{tag_chips(clipping.tags, colours or {})}</td>"
            "</tr>"
        )
    count = len(collection.clippings)
    made = date_in_words(collection.made_at.date())
    body = (
        f"<h1 dir='auto'>{html.escape(collection.title)}</h1>"
        f"<p class='meta'>{_plural(count, 'clipping')}, exported {made} by "
        f"Clippings {__version__}. Click a column (or press Enter on it) to sort.</p>"
        "<div class='filter' id='filter-area' role='search' hidden>"
        "<label for='filter'>Filter:</label>"
        "<input type='search' id='filter' autocomplete='off' spellcheck='false' "
        "placeholder='words of a title, outlet, author or tag' aria-controls='clippings' "
        "aria-describedby='shown' aria-keyshortcuts='/'>"
        "</div>"
        f"<p class='meta' id='shown' role='status' aria-live='polite'>"
        f"{_plural(count, 'clipping')}</p>"
        "<table id='clippings'><thead><tr><th aria-sort='ascending'>Date</th>"
        "<th>Outlet</th><th>Title</th>"
        f"<th>Tags</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    return _page(
        collection.title,
        body,
        INDEX_POLICY,
        lang=INTERFACE_LANGUAGE,
        dir_="ltr",
        script=_INDEX_SCRIPT,
    )

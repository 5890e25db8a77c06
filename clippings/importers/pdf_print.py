"""Pages a web browser printed to PDF: its header and footer, and what they say.

A browser prints, in the margins of every page, the time of printing, the page's title,
its address and the page count: Chromium (and Edge) put the date-time and the title at
the top and the URL and ``1/16`` at the bottom; Firefox puts the title and URL at the
top and ``1 of 16`` and the date-time at the bottom; Safari is much the same. None of
that is the article's, and the PDF's creation date is only when it was printed.

``browser_print`` recognises such a file by those margin lines (a date-time in a
browser's short format and a page counter that counts this very page, or the URL, on
nearly every page) and says what they held; ``drop_print_marks`` takes them out of the
text; ``split_outlet`` turns a page title such as ``Storm closes harbour - The Coastal
Herald`` into the headline and the outlet; ``dateline_of`` looks for the article's own
date line on the first page, since the print time is never the publication date.

Separate from ``pdf_text`` (which drops running heads by their repetition) because these
lines are known by their shape, on a one-page print too, and because they carry the
clipping's URL and the print time rather than being thrown away.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from clippings.importers.pdf_layout import Line, Page
from clippings.model import Published

# --- The shapes of a browser's margin lines --------------------------------------------

# The short date formats of the browsers' locales: 11/30/26 (US), 30/11/2026 (UK, FR),
# 30.11.26 (DE), 30. 11. 26 (CS), 2026-11-30 (ISO, SV), 2026/11/30 (JA, ZH), 2026. 11.
# 30. (KO), 30-11-2026 (NL).
_DATE = (
    r"(?:\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})"
    r"|\d{1,2}\.\s?\d{1,2}\.\s?(?:\d{4}|\d{2})"
    r"|\d{4}-\d{1,2}-\d{1,2}"
    r"|\d{4}/\d{1,2}/\d{1,2}"
    r"|\d{4}\.\s?\d{1,2}\.\s?\d{1,2}\.?"
    r"|\d{1,2}-\d{1,2}-\d{4})"
)
_TIME = r"\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s?(?:[AaPp]\.?\s?[Mm]\.?))?"
_DATETIME = rf"{_DATE}(?:\s*,\s*|\s+|\s*-\s*)(?:um\s+|à\s+|at\s+)?{_TIME}"
_URL = r"(?:https?|file|ftp)://\S+|www\.\S+\.\S+"
_COUNTER = (
    r"(?:(?:page|seite|página|pagina|strona|sida|side|стр\.?|страница)\s+)?"
    r"(\d{1,4})\s*(?:/|of|von|de|sur|di|z|av|из)\s*(\d{1,4})"
)

_COMPONENTS = (("datetime", _DATETIME), ("url", _URL), ("counter", _COUNTER))
_AT_START = {kind: re.compile(rf"^(?:{p})(?=\s|$)", re.IGNORECASE) for kind, p in _COMPONENTS}
_AT_END = {kind: re.compile(rf"(?:^|(?<=\s))(?:{p})$", re.IGNORECASE) for kind, p in _COMPONENTS}

#: How much of the pages (those with text) must show the marks.
_SHARE = 0.8
#: Lines whose baselines are this close (points) sit on the same margin line.
_SAME_LINE = 1.5


@dataclass
class _MarkLine:
    """A margin line and the browser's components it holds (``datetime``, ``url``,
    ``counter``), with what is left of it (the page's title, or nothing)."""

    line: Line
    top: bool
    parts: dict[str, re.Match[str]]
    rest: str


@dataclass(frozen=True)
class PrintMarks:
    """What a browser printed in a PDF's margins.

    Attributes:
        printed: when the page was printed, ISO 8601 (with the offset when the PDF's
            creation date agrees with the margin's time), or None.
        url: the page's address from the footer (or header); None when the browser cut
            it short (``…``) or it is not a web address (``file://``).
        header_title: the page's title as the header shows it (possibly cut short).
    """

    printed: str | None
    url: str | None
    header_title: str | None
    lines: tuple[Line, ...] = field(default=(), repr=False, compare=False)


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " ")).strip()


def _parts(text: str) -> tuple[dict[str, re.Match[str]], str]:
    """The margin components a line holds at its start or end, and what is left."""
    found: dict[str, re.Match[str]] = {}
    rest = _normalise(text)
    changed = True
    while rest and changed:
        changed = False
        for kind, _ in _COMPONENTS:
            if kind in found:
                continue
            match = _AT_START[kind].search(rest) or _AT_END[kind].search(rest)
            if match:
                found[kind] = match
                rest = (rest[: match.start()] + " " + rest[match.end() :]).strip(" ,·|-")
                changed = True
    return found, rest.strip()


def _counts_page(match: re.Match[str] | None, number: int, total: int | None) -> bool:
    if match is None:
        return False
    shown, count = int(match.group(1)), int(match.group(2))
    return shown == number and (count == total if total else shown <= count)


def _plausible_print_time(value: datetime) -> bool:
    # Browsers printed to PDF from the late 1990s; a print is not in the future.
    return 1995 <= value.year <= date.today().year + 1


def _print_time(text: str, created: datetime | date | None) -> datetime | None:
    """The margin's date-time, read the way the browser's locale wrote it.

    Slashed dates are ambiguous (11/10/26): with the PDF's creation date at hand the
    reading that agrees with it wins; else AM/PM means the US order (month first) and a
    24-hour clock the day-first order most other locales use.
    """
    text = _normalise(text)
    time_match = re.search(r"(\d{1,2})[:.](\d{2})(?::(\d{2}))?(?:\s?([AaPp])\.?\s?[Mm]\.?)?$", text)
    if time_match is None:
        return None
    hour, minute = int(time_match.group(1)), int(time_match.group(2))
    second = int(time_match.group(3) or 0)
    meridiem = (time_match.group(4) or "").lower()
    if meridiem == "p" and hour != 12:
        hour += 12
    elif meridiem == "a" and hour == 12:
        hour = 0
    numbers = [int(n) for n in re.findall(r"\d+", text[: time_match.start()])][:3]
    if len(numbers) < 3:
        return None
    head = text[: time_match.start()]
    orders: list[tuple[int, int, int]]  # (year, month, day) readings, likeliest first
    a, b, c = numbers
    if a >= 1000:
        orders = [(a, b, c)]
    elif "/" in head:
        year = c + 2000 if c < 100 else c
        month_first, day_first = (year, a, b), (year, b, a)
        orders = [month_first, day_first] if meridiem else [day_first, month_first]
    else:
        orders = [(c + 2000 if c < 100 else c, b, a)]
    readings: list[datetime] = []
    for year, month, day in orders:
        try:
            readings.append(datetime(year, month, day, hour, minute, second))
        except ValueError:
            continue
    if not readings:
        return None
    if isinstance(created, datetime):
        local = created.replace(tzinfo=None)
        for reading in readings:
            if abs(reading - local) <= timedelta(minutes=2):
                return created  # the same moment, with its offset and seconds
        for reading in readings:
            if reading.date() == local.date():
                return reading
    reading = readings[0]
    return reading if _plausible_print_time(reading) else None


def _marks_of(page: Page) -> list[_MarkLine]:
    """The page's outermost lines (nothing above them at the top, nothing below at the
    bottom) that hold a browser's margin components."""
    lines = [line for box in page.boxes for line in box.lines]
    found = []
    for line in lines:
        if not page.in_band(line.y0, line.y1):
            continue
        top = page.in_top(line.y0)
        outermost = not any(
            (other.y0 > line.y0 + _SAME_LINE) if top else (other.y0 < line.y0 - _SAME_LINE)
            for other in lines
        )
        if not outermost:
            continue
        parts, rest = _parts(line.text)
        if parts:
            found.append(_MarkLine(line, top, parts, rest))
    return found


def _is_mark(mark: _MarkLine, title: str | None) -> bool:
    """Whether a margin line holds nothing but the browser's marks (and the title)."""
    if not mark.rest:
        return True
    # A merged header line: the date-time or the URL beside the page's title.
    if not ({"datetime", "url"} & set(mark.parts)):
        return False
    return bool(title) and _same_title(mark.rest, title)


def _same_title(shown: str, title: str | None) -> bool:
    """Whether a header shows ``title``, perhaps cut short with an ellipsis."""
    if not title:
        return False
    shown, title = _normalise(shown).casefold(), _normalise(title).casefold()
    if shown == title:
        return True
    cut = shown.rstrip("…. ")
    return len(cut) >= 8 and cut != shown and title.startswith(cut)


def browser_print(
    pages: Sequence[Page], info: Mapping[str, str], total: int | None = None
) -> PrintMarks | None:
    """The browser's print marks, if a browser printed this PDF with its header and footer.

    A page shows them when its margins hold a date-time in a browser's short format and
    either a page counter that counts this page (``2/3``, ``2 of 3``) or a URL; nearly
    every page with text must (the first always). Nothing of the page is changed.

    Args:
        pages: the laid-out pages.
        info: the PDF's Info dictionary (its ``Title`` is the page's title, its
            ``CreationDate`` the print time with its offset).
        total: the number of pages the document has, when known.
    """
    from clippings.importers.pdf_metadata import parse_pdf_date

    with_text = [page for page in pages if page.boxes]
    if not with_text:
        return None
    total = total or len(pages)
    title = info.get("Title")
    shown: list[Page] = []
    for page in with_text:
        marks = [m for m in _marks_of(page) if _is_mark(m, title)]
        kinds = {kind for m in marks for kind in m.parts}
        counted = any(_counts_page(m.parts.get("counter"), page.number, total) for m in marks)
        if "datetime" in kinds and (counted or "url" in kinds):
            shown.append(page)
    if not shown or shown[0] is not with_text[0]:
        return None
    if len(shown) < max(1, math.ceil(_SHARE * len(with_text))):
        return None

    created = parse_pdf_date(info["CreationDate"]) if info.get("CreationDate") else None
    printed: datetime | None = None
    url: str | None = None
    header_title: str | None = None
    lines: list[Line] = []
    for page in with_text:
        marks = [m for m in _marks_of(page) if _is_mark(m, title)]
        dropped = [m.line for m in marks]
        # What sits on the same margin line as a mark is the browser's too: the title
        # centred beside the date-time (Chromium), beside the URL (Firefox).
        for box in page.boxes:
            for line in box.lines:
                if any(line is d for d in dropped) or not page.in_band(line.y0, line.y1):
                    continue
                if any(
                    abs(line.y0 - mark.y0) <= _SAME_LINE and abs(line.size - mark.size) <= 1
                    for mark in (m.line for m in marks)
                ):
                    dropped.append(line)
                    if header_title is None and page is with_text[0] and page.in_top(line.y0):
                        header_title = _normalise(line.text)
        lines.extend(dropped)
        for mark in marks:
            when = mark.parts.get("datetime")
            if printed is None and when is not None:
                printed = _print_time(when.group(0), created)
            address = mark.parts.get("url")
            if url is None and address is not None:
                url = _web_address(address.group(0))
            if header_title is None and mark.rest and page is with_text[0] and mark.top:
                header_title = mark.rest
    if printed is not None:
        printed_iso = printed.isoformat(timespec="seconds" if printed.tzinfo else "minutes")
    else:
        printed_iso = None
    return PrintMarks(printed_iso, url, header_title, tuple(lines))


def _web_address(text: str) -> str | None:
    text = text.rstrip(".,;")
    if "…" in text or text.endswith("..."):
        return None  # cut short by the browser: a wrong address is worse than none
    if text.lower().startswith("www."):
        text = "http://" + text
    parts = urlsplit(text)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    return text


def drop_print_marks(pages: Sequence[Page], marks: PrintMarks) -> None:
    """Take the browser's header and footer lines out of the pages."""
    doomed = {id(line) for line in marks.lines}
    for page in pages:
        kept = []
        for box in page.boxes:
            box.lines = [line for line in box.lines if id(line) not in doomed]
            if box.lines:
                kept.append(box)
        page.boxes = kept


def browser_made(info: Mapping[str, str]) -> bool:
    """Whether a browser made the PDF from a web page (print headers turned off).

    Chromium writes its user agent as the ``Creator`` and ``Skia/PDF`` as the
    ``Producer``.
    """
    creator, producer = info.get("Creator", ""), info.get("Producer", "")
    return producer.startswith("Skia/PDF") and "Mozilla/" in creator and "Chrome/" in creator


# --- The article's own date ------------------------------------------------------------

#: Lines of the first page searched for a date line (the headline, byline, dateline).
_DATELINE_LINES = 30


def dateline_of(pages: Sequence[Page]) -> Published | None:
    """The date line near the top of the first page with text (``Published 12 March
    2026``), or None: a date inside a sentence is not taken."""
    from clippings.importers.dates import parse_dateline

    page = next((p for p in pages if p.boxes), None)
    if page is None:
        return None
    lines = [line.text for box in page.boxes for line in box.lines][:_DATELINE_LINES]
    for text in lines:
        try:
            found = parse_dateline(text)
        except Exception:  # noqa: BLE001 - no date rather than no clipping
            continue
        if found is not None:
            return found
    return None


# --- The outlet in the title -------------------------------------------------------------

_SEPARATORS = re.compile(r"\s+(?:[-–—|·•:]{1,2})\s+")
#: Words that name a news outlet rather than end a headline.
_OUTLET_NAMES = """news times post herald tribune journal gazette guardian telegraph daily weekly
    chronicle observer independent examiner courier courant standard star sun mirror
    express mail record review magazine monitor inquirer globe press bulletin reporter
    dispatch register today online radio tv television network media agency wire
    reuters bloomberg zeitung zeitschrift anzeiger rundschau kurier nachrichten blatt
    tagblatt tagesspiegel presse spiegel welt stern bote
    monde figaro libération liberation país pais corriere repubblica stampa notizie
    noticias diario jornal gazeta новости газета известия"""
_OUTLET_WORDS = frozenset(_OUTLET_NAMES.split())
_TLD_SECOND = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "or", "ne"})


def _squash(text: str) -> list[str]:
    """Lowercase letters and digits of ``text``, spelt with and without umlauts (ü, ue)."""
    lowered = text.casefold()
    spellings = {lowered, lowered.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")}
    out = []
    for spelling in spellings:
        plain = unicodedata.normalize("NFKD", spelling.replace("ß", "ss"))
        out.append("".join(ch for ch in plain if ch.isalnum() and ch.isascii()))
    return out


def _site_name(url: str | None) -> str | None:
    """The part of a URL's host that names the site: ``nytimes`` for www.nytimes.com."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    labels = [label for label in host.split(".") if label]
    if len(labels) < 2 or all(label.isdigit() for label in labels):
        return None
    labels = labels[:-1]
    if len(labels) >= 2 and labels[-1] in _TLD_SECOND:
        labels = labels[:-1]
    name = re.sub(r"[^a-z0-9]", "", labels[-1])
    return name if len(name) >= 2 else None


def _abbreviates(name: str, words: Sequence[str]) -> bool:
    """Whether ``name`` is the words' beginnings run together, some words skipped:
    ``nytimes`` for The New York Times, ``faz`` for Frankfurter Allgemeine Zeitung."""
    reachable = {0}
    for word in words:
        more = set()
        for start in reachable:
            for length in range(1, len(word) + 1):
                if name.startswith(word[:length], start):
                    more.add(start + length)
                else:
                    break
        reachable |= more
    return len(name) in reachable


def _names_site(suffix: str, site: str) -> bool:
    for squashed in _squash(suffix):
        if not squashed:
            continue
        if squashed == site or (len(site) >= 4 and (site in squashed or squashed in site)):
            return True
    for spelling in {suffix.casefold(), suffix.casefold().replace("ü", "ue")}:
        words = [
            "".join(c for c in unicodedata.normalize("NFKD", w) if c.isascii() and c.isalnum())
            for w in re.split(r"[\s\-.&]+", spelling)
        ]
        if _abbreviates(site, [w for w in words if w]):
            return True
    return False


def _looks_like_outlet(suffix: str) -> bool:
    words = suffix.split()
    if not 1 <= len(words) <= 6 or len(suffix) > 40 or suffix.endswith(tuple("?!.:;,")):
        return False
    letters = [w for w in words if any(c.isalpha() for c in w)]
    # Title case: every word of four letters or more starts with a capital.
    return bool(letters) and all(w[0].isupper() or len(w) < 4 for w in letters)


def split_outlet(title: str, url: str | None = None) -> tuple[str, str | None]:
    """A page title without its site-name suffix, and the site name (the outlet).

    ``Storm closes harbour - The Coastal Herald`` is ``("Storm closes harbour", "The
    Coastal Herald")``. The part after the last separator (``-``, ``|``, ``—``...) is the
    outlet only when it is short and title-cased and either names the URL's site
    (``The New York Times`` on nytimes.com) or, without a URL to ask, follows a ``|`` or
    holds a word outlets are named with (News, Zeitung...): a headline's own dash stays
    (``Brexit - what happens next``, ``Spider-Man – A Review``).
    """
    title = _normalise(title)
    separators = list(_SEPARATORS.finditer(title))
    if not separators:
        return title, None
    last = separators[-1]
    head, suffix = title[: last.start()].strip(), title[last.end() :].strip()
    if len(head.split()) < 2 or not _looks_like_outlet(suffix):
        return title, None
    site = _site_name(url)
    if site is not None and _names_site(suffix, site):
        return head, suffix
    words = {w.casefold() for w in re.findall(r"\w+", suffix)}
    if words & _OUTLET_WORDS:
        return head, suffix
    # A "|" sets a site name apart, unless the URL names another site (``Opinion``).
    if "|" in last.group(0) and site is None:
        return head, suffix
    return title, None


__all__ = [
    "PrintMarks",
    "browser_made",
    "browser_print",
    "dateline_of",
    "drop_print_marks",
    "split_outlet",
]
